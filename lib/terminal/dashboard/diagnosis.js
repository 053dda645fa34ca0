// The diagnosis panels of the dashboard: the findings about each POS, live through the
// event stream (/api/events: `findings` and `campaign` events), and the campaign (the
// case now, its instruction, the cases done with what was seen). Every value that came
// from a POS is written with textContent: it is text, never markup. Hidden when the
// simulator runs with --no-diagnosis (the API answers 409), the campaign panel without
// --campaign (404).
// Every word comes from the catalogue through dashboard.js's tr() (globalThis.caisseApI18n):
// the panels' fixed texts carry data-i18n keys in index.html; the findings' titles,
// explanations and advice come from GET /api/findings?lang= (written again from their
// facts on the server); the standard campaign's cases from the catalogue's campaign.* keys.
"use strict";

(() => {
  const i18n = globalThis.caisseApI18n;
  const tr = (key, params) => (i18n ? i18n.tr(key, params) : key);
  const lang = () => (i18n ? i18n.language() : "en");

  const byId = (id) => document.getElementById(id);
  const make = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  async function api(method, path) {
    const response = await fetch(path, { method, credentials: "same-origin" });
    let data = null;
    try {
      data = await response.json();
    } catch {
      // No JSON body.
    }
    if (!response.ok) {
      const error = new Error(data && data.error ? data.error : `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // --- The panels: their markup is in index.html ---

  const findingsPanel = byId("findings-panel");
  const findingsList = byId("findings");
  const findingsEmpty = byId("findings-empty");
  const campaignPanel = byId("campaign-panel");
  const campaignName = byId("campaign-name");
  const caseNow = byId("campaign-now");
  const restart = byId("campaign-restart");
  const done = byId("campaign-done");
  const campaignMessage = byId("campaign-message");

  /** The report's links ask for HTML and Markdown in the page's language. */
  function setReportLinks() {
    for (const format of ["html", "md"]) {
      byId(`report-${format}`).href = `/api/report?format=${format}&lang=${lang()}`;
    }
  }

  // --- Findings ---

  /** Findings by code, kind and POS, as the diagnosis keys them. */
  const findings = new Map();
  const RANK = { money: 0, failure: 1, warning: 2, info: 3 };
  const keyOf = (f) => `${f.code}|${f.kind ?? ""}|${f.pos.address}|${f.pos.register}`;

  function renderFindings() {
    const sorted = [...findings.values()].sort((a, b) =>
      RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code)
    );
    findingsList.replaceChildren(...sorted.map(findingCard));
    findingsEmpty.hidden = sorted.length > 0;
  }

  function severityText(severity) {
    const key = `diag.severity.${severity}`;
    return i18n && i18n.has(key) ? tr(key) : severity;
  }

  function findingCard(f) {
    const card = make("article", "finding");
    card.dataset.severity = f.severity;
    card.dataset.code = f.code;
    const head = make("header", "finding-head");
    const badge = make("span", "badge", severityText(f.severity));
    badge.dataset.kind = f.severity;
    head.append(
      badge,
      make("code", "finding-code", f.kind ? `${f.code}/${f.kind}` : f.code),
      make(
        "span",
        "finding-count",
        f.count === 1 ? tr("diag.seen-once") : tr("diag.seen-times", { count: f.count }),
      ),
    );
    const evidence = make("ul", "evidence");
    for (const e of f.evidence) {
      const item = make("li");
      const words = [
        e.transactionId === undefined ? "" : `#${e.transactionId}`,
        new Date(e.at).toLocaleTimeString(i18n ? i18n.locale() : undefined),
        e.note ?? "",
      ].filter(Boolean).join(" · ");
      item.append(make("span", "", words));
      if (e.bytes) item.append(make("pre", "raw", e.bytes));
      evidence.append(item);
    }
    card.append(
      head,
      make("p", "finding-title", f.title),
      make(
        "p",
        "finding-pos",
        tr("diag.pos", { address: f.pos.address, register: f.pos.register || "?" }),
      ),
      make("p", "finding-explanation", f.explanation),
      make("h4", "", tr("diag.evidence")),
      evidence,
      make("h4", "", tr("diag.advice")),
      make("p", "finding-advice", f.advice),
    );
    return card;
  }

  /** The latest load, so that an older answer (another language) never wins. */
  let findingsLoad = 0;

  async function loadFindings() {
    const mine = ++findingsLoad;
    try {
      const data = await api("GET", `/api/findings?lang=${lang()}`);
      if (mine !== findingsLoad) return;
      findings.clear();
      for (const f of data.findings) findings.set(keyOf(f), f);
      findingsPanel.hidden = false;
      renderFindings();
    } catch (error) {
      if (mine !== findingsLoad) return;
      // 409: the diagnosis is off; the panel stays hidden.
      findingsPanel.hidden = true;
      if (error.status !== 409) console.warn(error);
    }
  }

  /** Findings that changed while the page speaks another language than the server's. */
  let reloadQueued = false;
  function reloadFindingsSoon() {
    if (reloadQueued) return;
    reloadQueued = true;
    setTimeout(() => {
      reloadQueued = false;
      loadFindings();
    }, 200);
  }

  // --- Campaign ---

  /** The latest state, to write it again when the language changes. */
  let campaignState = null;

  /** The standard campaign's words for a case in the page's language, else the server's. */
  function caseText(state, name, part, given) {
    const key = `campaign.${name}.${part}`;
    return state.campaign === "standard" && i18n && i18n.has(key) ? tr(key) : given;
  }

  function stateText(value) {
    const key = `diag.state.${value}`;
    return i18n && i18n.has(key) ? tr(key) : value;
  }

  function outcomeText(value) {
    if (value === undefined) return "…";
    const key = `dash.outcome.${value}`;
    return i18n && i18n.has(key) ? tr(key) : value;
  }

  function renderCampaign(state) {
    campaignState = state;
    campaignPanel.hidden = false;
    campaignName.textContent = tr("diag.campaign-of", {
      name: state.campaign,
      total: state.total,
    });
    if (state.over) {
      caseNow.replaceChildren(make("p", "case-over", tr("diag.over")));
    } else if (state.now) {
      const now = state.now;
      const status = now.status === "in-progress"
        ? tr("diag.case-in-progress")
        : tr("diag.case-next");
      const title = make(
        "p",
        "case-title",
        tr("diag.case-now", {
          position: now.position,
          total: state.total,
          name: caseText(state, now.name, "title", now.name),
        }),
      );
      const badge = make("span", "badge", status);
      badge.dataset.kind = now.status === "in-progress" ? "pending" : "next";
      title.append(" ", badge);
      caseNow.replaceChildren(
        title,
        make("p", "case-instruction", caseText(state, now.name, "instruction", now.instruction)),
        make("p", "case-outcome", caseText(state, now.name, "outcome", now.outcome)),
      );
    }
    const blocks = state.registers.map((run) => {
      const block = make("div", "register-run");
      block.append(
        make(
          "h4",
          "",
          tr("diag.register", { address: run.pos.address, register: run.pos.register || "?" }),
        ),
      );
      const list = make("ol", "case-list");
      for (const result of run.results) {
        const item = make("li");
        item.dataset.status = result.status;
        item.value = result.position;
        const outcome = outcomeText(result.outcome);
        item.append(
          make("strong", "", caseText(state, result.name, "title", result.name)),
          make("span", "", ` #${result.transactionId} · `),
          make(
            "span",
            "",
            result.state ? tr("diag.result", { outcome, state: stateText(result.state) }) : outcome,
          ),
          make(
            "span",
            "case-findings",
            ` · ${result.findings.length ? result.findings.join(", ") : tr("diag.nothing-seen")}`,
          ),
        );
        list.append(item);
      }
      block.append(list);
      return block;
    });
    done.replaceChildren(
      ...(blocks.length ? blocks : [make("p", "empty", tr("diag.no-case-done"))]),
    );
  }

  async function loadCampaign() {
    try {
      const state = await api("GET", "/api/campaign");
      if (state.campaign === null) campaignPanel.hidden = true;
      else renderCampaign(state);
    } catch (error) {
      campaignPanel.hidden = true;
      if (error.status !== 404 && error.status !== 409) console.warn(error);
    }
  }

  restart.addEventListener("click", async () => {
    try {
      renderCampaign(await api("POST", "/api/campaign/restart"));
      findings.clear();
      renderFindings();
      campaignMessage.textContent = tr("diag.restarted");
    } catch (error) {
      campaignMessage.textContent = error.message;
    }
  });

  // --- Live, once the page has its language ---

  let source = null;

  function start() {
    source = new EventSource("/api/events");
    source.addEventListener("snapshot", () => {
      loadFindings();
      loadCampaign();
    });
    source.addEventListener("findings", onFinding);
    source.addEventListener("campaign", (event) => renderCampaign(JSON.parse(event.data)));
  }

  function onFinding(event) {
    const { finding } = JSON.parse(event.data);
    // The event's words are the server's (English): other languages ask for them again.
    if (lang() !== "en") {
      reloadFindingsSoon();
      return;
    }
    findings.set(keyOf(finding), finding);
    findingsPanel.hidden = false;
    renderFindings();
  }

  // The language changed (or came): the panels' live parts are written again.
  document.addEventListener("caisse-ap:language", () => {
    setReportLinks();
    if (!source) {
      start();
      return;
    }
    if (campaignState) renderCampaign(campaignState);
    loadFindings();
  });

  setReportLinks();
  if (!i18n || i18n.ready()) start();
})();
