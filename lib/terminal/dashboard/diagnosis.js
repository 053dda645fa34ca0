// The diagnosis panels of the dashboard: the findings about each POS, live through the
// event stream (/api/events: `findings` and `campaign` events), and the campaign (the
// case now, its instruction, the cases done with what was seen). Every value that came
// from a POS is written with textContent: it is text, never markup. Hidden when the
// simulator runs with --no-diagnosis (the API answers 409), the campaign panel without
// --campaign (404).
"use strict";

(() => {
  // --- The words of the diagnosis panels: move them into the catalogue as they are ---
  const DIAGNOSIS_WORDS = {
    findingsTitle: "Findings",
    findingsSubtitle: "what the POS does wrong, worst first",
    noFinding: "No finding yet: the POS has done nothing wrong that the terminal can see.",
    pos: (address, register) => `POS ${address} · register ${register || "?"}`,
    count: (n) => (n === 1 ? "seen once" : `seen ${n} times`),
    evidence: "Evidence",
    advice: "How to fix it",
    transaction: (id) => `#${id}`,
    severity: {
      money: "money",
      failure: "failure",
      warning: "warning",
      info: "info",
    },
    campaignTitle: "Campaign",
    campaignOf: (name, total) => `${name}, ${total} cases`,
    caseNow: (position, total, name) => `Case ${position} of ${total}: ${name}`,
    caseNext: "next",
    caseInProgress: "in progress",
    over: "The campaign is over: every register played every case.",
    restart: "Restart the campaign",
    restarted: "Campaign restarted from its first case",
    casesDone: "Cases played",
    noCaseDone: "No case played yet.",
    register: (address, register) => `${address} · register ${register || "?"}`,
    result: (outcome, state) => `${outcome ?? "…"}${state ? `, ${state}` : ""}`,
    nothingSeen: "nothing seen",
    report: "Report:",
  };

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

  // --- The panels, made here so the page's markup stays as it is ---

  const layout = document.querySelector("main.layout");
  const findingsPanel = make("section", "panel findings-panel");
  findingsPanel.id = "findings-panel";
  findingsPanel.hidden = true;
  findingsPanel.setAttribute("aria-labelledby", "findings-title");
  const findingsTitle = make("h2", "", DIAGNOSIS_WORDS.findingsTitle + " ");
  findingsTitle.id = "findings-title";
  findingsTitle.append(make("span", "subtitle", DIAGNOSIS_WORDS.findingsSubtitle));
  const findingsList = make("div", "findings");
  findingsList.id = "findings";
  findingsList.setAttribute("aria-live", "polite");
  const findingsEmpty = make("p", "empty", DIAGNOSIS_WORDS.noFinding);
  findingsEmpty.id = "findings-empty";
  const reports = make("p", "reports", DIAGNOSIS_WORDS.report + " ");
  for (const format of ["html", "xml", "json", "md"]) {
    const link = make("a", "", format);
    link.href = `/api/report?format=${format}`;
    link.target = "_blank";
    link.rel = "noopener";
    reports.append(link, " ");
  }
  findingsPanel.append(findingsTitle, findingsEmpty, findingsList, reports);

  const campaignPanel = make("section", "panel campaign-panel");
  campaignPanel.id = "campaign-panel";
  campaignPanel.hidden = true;
  campaignPanel.setAttribute("aria-labelledby", "campaign-title");
  const campaignTitle = make("h2", "", DIAGNOSIS_WORDS.campaignTitle + " ");
  campaignTitle.id = "campaign-title";
  const campaignName = make("span", "subtitle");
  campaignTitle.append(campaignName);
  const caseNow = make("div", "case-now");
  caseNow.id = "campaign-now";
  caseNow.setAttribute("role", "status");
  const restart = make("button", "button", DIAGNOSIS_WORDS.restart);
  restart.type = "button";
  restart.id = "campaign-restart";
  const doneTitle = make("h3", "", DIAGNOSIS_WORDS.casesDone);
  const done = make("div", "cases-done");
  done.id = "campaign-done";
  const campaignMessage = make("p", "message");
  campaignMessage.setAttribute("role", "status");
  campaignPanel.append(campaignTitle, caseNow, restart, campaignMessage, doneTitle, done);
  layout.append(campaignPanel, findingsPanel);

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

  function findingCard(f) {
    const card = make("article", "finding");
    card.dataset.severity = f.severity;
    card.dataset.code = f.code;
    const head = make("header", "finding-head");
    const badge = make("span", "badge", DIAGNOSIS_WORDS.severity[f.severity] ?? f.severity);
    badge.dataset.kind = f.severity;
    head.append(
      badge,
      make("code", "finding-code", f.kind ? `${f.code}/${f.kind}` : f.code),
      make("span", "finding-count", DIAGNOSIS_WORDS.count(f.count)),
    );
    const evidence = make("ul", "evidence");
    for (const e of f.evidence) {
      const item = make("li");
      const words = [
        e.transactionId === undefined ? "" : DIAGNOSIS_WORDS.transaction(e.transactionId),
        new Date(e.at).toLocaleTimeString(),
        e.note ?? "",
      ].filter(Boolean).join(" · ");
      item.append(make("span", "", words));
      if (e.bytes) item.append(make("pre", "raw", e.bytes));
      evidence.append(item);
    }
    card.append(
      head,
      make("p", "finding-title", f.title),
      make("p", "finding-pos", DIAGNOSIS_WORDS.pos(f.pos.address, f.pos.register)),
      make("p", "finding-explanation", f.explanation),
      make("h4", "", DIAGNOSIS_WORDS.evidence),
      evidence,
      make("h4", "", DIAGNOSIS_WORDS.advice),
      make("p", "finding-advice", f.advice),
    );
    return card;
  }

  async function loadFindings() {
    try {
      const data = await api("GET", "/api/findings");
      findings.clear();
      for (const f of data.findings) findings.set(keyOf(f), f);
      findingsPanel.hidden = false;
      renderFindings();
    } catch (error) {
      // 409: the diagnosis is off; the panel stays hidden.
      findingsPanel.hidden = true;
      if (error.status !== 409) console.warn(error);
    }
  }

  // --- Campaign ---

  function renderCampaign(state) {
    campaignPanel.hidden = false;
    campaignName.textContent = DIAGNOSIS_WORDS.campaignOf(state.campaign, state.total);
    if (state.over) {
      caseNow.replaceChildren(make("p", "case-over", DIAGNOSIS_WORDS.over));
    } else if (state.now) {
      const now = state.now;
      const status = now.status === "in-progress"
        ? DIAGNOSIS_WORDS.caseInProgress
        : DIAGNOSIS_WORDS.caseNext;
      const title = make(
        "p",
        "case-title",
        DIAGNOSIS_WORDS.caseNow(now.position, state.total, now.name),
      );
      const badge = make("span", "badge", status);
      badge.dataset.kind = now.status === "in-progress" ? "pending" : "next";
      title.append(" ", badge);
      caseNow.replaceChildren(
        title,
        make("p", "case-instruction", now.instruction),
        make("p", "case-outcome", now.outcome),
      );
    }
    const blocks = state.registers.map((run) => {
      const block = make("div", "register-run");
      block.append(make("h4", "", DIAGNOSIS_WORDS.register(run.pos.address, run.pos.register)));
      const list = make("ol", "case-list");
      for (const result of run.results) {
        const item = make("li");
        item.dataset.status = result.status;
        item.value = result.position;
        item.append(
          make("strong", "", result.name),
          make("span", "", ` ${DIAGNOSIS_WORDS.transaction(result.transactionId)} · `),
          make("span", "", DIAGNOSIS_WORDS.result(result.outcome, result.state)),
          make(
            "span",
            "case-findings",
            ` · ${
              result.findings.length ? result.findings.join(", ") : DIAGNOSIS_WORDS.nothingSeen
            }`,
          ),
        );
        list.append(item);
      }
      block.append(list);
      return block;
    });
    done.replaceChildren(
      ...(blocks.length ? blocks : [make("p", "empty", DIAGNOSIS_WORDS.noCaseDone)]),
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
      campaignMessage.textContent = DIAGNOSIS_WORDS.restarted;
    } catch (error) {
      campaignMessage.textContent = error.message;
    }
  });

  // --- Live ---

  const source = new EventSource("/api/events");
  source.addEventListener("snapshot", () => {
    loadFindings();
    loadCampaign();
  });
  source.addEventListener("findings", (event) => {
    const { finding } = JSON.parse(event.data);
    findings.set(keyOf(finding), finding);
    findingsPanel.hidden = false;
    renderFindings();
  });
  source.addEventListener("campaign", (event) => renderCampaign(JSON.parse(event.data)));
})();
