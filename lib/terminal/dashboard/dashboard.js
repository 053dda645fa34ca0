// The dashboard of the caisse-ap terminal simulator: a virtual terminal, the settings and
// the live journal, fed by the control API's event stream (/api/events). Every value
// that came from a POS is written with textContent: it is text, never markup.
// Every word shown to a person comes from the catalogue (/api/i18n) through tr(): the page
// speaks English or French, as ?lang=, the switch (remembered) or the browser ask.
"use strict";

(() => {
  const MAX_ROWS = 200;
  const KEYS = {
    c: "contact",
    l: "contactless",
    r: "refuse",
    t: "timeout",
    x: "cancel",
    a: "abandon",
  };
  const STORED_LANGUAGE = "caisse-ap.lang";

  // --- The language ---

  /** The catalogue from /api/i18n; until it comes, the page's English stays. */
  let catalogue = null;
  let lang = "en";
  /** Whether the page has chosen its language once (the catalogue came, or failed to). */
  let languageApplied = false;

  /** A message of the catalogue in the page's language, its {placeholders} filled in. */
  function tr(key, params) {
    const messages = catalogue ? catalogue.messages[lang] ?? catalogue.messages.en : {};
    const template = messages[key] ?? (catalogue ? catalogue.messages.en[key] : undefined);
    if (template === undefined) return key;
    return template.replace(/\{([a-z][a-z0-9-]*)\}/gi, (whole, name) => {
      const value = params ? params[name] : undefined;
      return value === undefined ? whole : String(value);
    });
  }

  /** The name of a coded value (CD, CC, CI, AE, AF) in the page's language. */
  function codeName(tag, code) {
    if (!catalogue || code === undefined) return undefined;
    const table = catalogue.codes[lang][tag];
    const key = tag === "AF" ? code.slice(0, 2) : code;
    return Object.hasOwn(table, key) ? table[key] : undefined;
  }

  function languageOf(text) {
    const match = /^([a-z]{2,3})(?:$|[-_.@])/i.exec(String(text ?? "").trim());
    const code = match ? match[1].toLowerCase() : "";
    return code === "fr" || code === "en" ? code : undefined;
  }

  /** ?lang=, then the switch's last choice, then the browser's languages, then Accept-Language. */
  function chooseLanguage(preferred) {
    const asked = languageOf(new URLSearchParams(location.search).get("lang"));
    if (asked) return asked;
    let stored;
    try {
      stored = languageOf(localStorage.getItem(STORED_LANGUAGE));
    } catch {
      // Storage refused (private mode): no remembered choice.
    }
    if (stored) return stored;
    for (const language of navigator.languages ?? [navigator.language]) {
      const found = languageOf(language);
      if (found) return found;
    }
    return preferred ?? "en";
  }

  /** Writes every text of the page in the language, then the live parts again. */
  function applyLanguage(language) {
    lang = language;
    languageApplied = true;
    document.documentElement.lang = lang;
    document.title = tr("dash.title");
    byId("language").value = lang;
    // Without the catalogue (a broken server), the page keeps the English it was written in.
    for (const node of catalogue ? document.querySelectorAll("[data-i18n]") : []) {
      node.textContent = tr(node.dataset.i18n);
    }
    for (const node of catalogue ? document.querySelectorAll("[data-i18n-aria-label]") : []) {
      node.setAttribute("aria-label", tr(node.dataset.i18nAriaLabel));
    }
    for (const row of state.rows.values()) {
      const entry = state.transactions.get(Number(row.dataset.id));
      if (entry) fillRow(row, entry);
      const details = row.nextElementSibling;
      if (entry && details && details.classList.contains("details")) fillDetails(details, entry);
    }
    setConnectionText();
    renderAll();
    // The diagnosis panels (diagnosis.js) write their live parts again.
    document.dispatchEvent(new CustomEvent("caisse-ap:language", { detail: { lang } }));
  }

  // The diagnosis panels (diagnosis.js) speak through the same catalogue.
  globalThis.caisseApI18n = Object.freeze({
    tr,
    /** The page's language: `en` or `fr`. */
    language: () => lang,
    /** The locale of the page's language, for Intl (undefined before the catalogue). */
    locale: () => (catalogue ? catalogue.locales[lang] : undefined),
    /** Whether the page has chosen its language (then "caisse-ap:language" tells of changes). */
    ready: () => languageApplied,
    /** Whether the catalogue has a key (false before it comes). */
    has: (key) => Boolean(catalogue && catalogue.messages.en[key] !== undefined),
  });

  async function loadLanguage() {
    try {
      const response = await fetch("/api/i18n", { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      catalogue = await response.json();
    } catch (error) {
      catalogue = null;
      toast(error.message);
    }
    applyLanguage(chooseLanguage(catalogue ? catalogue.preferred : "en"));
  }

  const byId = (id) => document.getElementById(id);
  const screen = {
    box: byId("screen"),
    action: byId("screen-action"),
    id: byId("screen-id"),
    amount: byId("screen-amount"),
    state: byId("screen-state"),
    detail: byId("screen-detail"),
    countdown: byId("screen-countdown"),
  };
  const form = byId("settings");
  let connectionKey = "dash.connecting";
  const journalBody = byId("journal-body");

  /** What the page knows, kept up to date by the event stream. */
  const state = {
    status: null,
    settings: null,
    queue: { global: [], registers: {} },
    /** Held transactions by id, each with the local time of its deadline. */
    held: new Map(),
    /** Requests that arrived and are not decided yet, by id. */
    arriving: new Map(),
    /** Journal entries by id. */
    transactions: new Map(),
    /** Table rows by id. */
    rows: new Map(),
    /** The latest transaction decided: shown on the screen when none is held. */
    current: 0,
  };

  // --- The API ---

  async function api(method, path, body) {
    const init = { method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch {
      // No JSON body.
    }
    if (!response.ok) {
      throw new Error(data && data.error ? data.error : `HTTP ${response.status}`);
    }
    return data;
  }

  let toastTimer = 0;
  function toast(text) {
    const box = byId("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => box.hidden = true, 6000);
  }

  function setText(element, text) {
    element.textContent = text ?? "";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- The event stream ---

  function connect() {
    const source = new EventSource("/api/events");
    const connection = byId("connection");
    const setConnection = (kind, key) => {
      connection.dataset.state = kind;
      connectionKey = key;
      setConnectionText();
    };
    source.addEventListener("open", () => setConnection("live", "dash.live"));
    source.addEventListener("error", () => {
      setConnection("down", "dash.disconnected");
    });
    const on = (name, handler) => {
      source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
    };
    on("snapshot", (data) => {
      setConnection("live", "dash.live");
      state.status = data.status;
      state.queue = data.queue;
      state.held.clear();
      state.arriving.clear();
      for (const held of data.held) addHeld(held);
      state.transactions.clear();
      state.rows.clear();
      journalBody.replaceChildren();
      state.current = 0;
      for (const entry of data.journal) upsert(entry, false);
      applySettings(data.status.settings);
      renderAll();
    });
    on("arrived", (arrival) => {
      state.arriving.set(arrival.id, arrival);
      renderScreen();
    });
    on("held", (held) => {
      state.arriving.delete(held.id);
      addHeld(held);
      renderScreen();
      renderFacts();
    });
    on("released", (release) => {
      state.held.delete(release.id);
      renderScreen();
      renderFacts();
    });
    for (const name of ["decided", "answered", "abandoned"]) {
      on(name, (entry) => {
        state.arriving.delete(entry.id);
        upsert(entry, name === "decided");
        renderScreen();
        renderFacts();
      });
    }
    on("settings", (settings) => {
      applySettings(settings);
      renderScreen();
    });
    on("queue", (queue) => {
      state.queue = queue;
      renderFacts();
      renderScreen();
    });
    on("scenario", () => refreshStatus());
    on("journal", () => refreshJournal());
    on("reset", (status) => {
      state.status = status;
      applySettings(status.settings);
      refreshJournal();
    });
  }

  function setConnectionText() {
    setText(byId("connection-text"), tr(connectionKey));
  }

  function addHeld(held) {
    state.held.set(held.id, { ...held, deadlineAt: Date.now() + held.remainingMs });
  }

  async function refreshStatus() {
    try {
      state.status = await api("GET", "/api/status");
      applySettings(state.status.settings);
      renderFacts();
    } catch (error) {
      toast(error.message);
    }
  }

  async function refreshJournal() {
    try {
      const { transactions } = await api("GET", "/api/journal");
      state.transactions.clear();
      state.rows.clear();
      journalBody.replaceChildren();
      for (const entry of transactions.slice(-MAX_ROWS)) upsert(entry, false);
      await refreshStatus();
      renderAll();
    } catch (error) {
      toast(error.message);
    }
  }

  // --- The virtual terminal ---

  function oldestHeld() {
    let oldest = null;
    for (const held of state.held.values()) if (!oldest || held.id < oldest.id) oldest = held;
    return oldest;
  }

  /** The amount as the terminal's screen shows it: 12,50 EUR in French, 12.50 EUR in English. */
  function terminalAmount(summary) {
    if (summary.amount === undefined) return "";
    const amount = lang === "fr" ? summary.amount.replace(".", ",") : summary.amount;
    return tr("screen.amount", { amount, currency: summary.currency ?? "" }).trim();
  }

  /** The amount for people, with Intl, exact: summary.amount is decimal text, never a float. */
  function describeAmount(summary) {
    if (summary.amount === undefined) return "";
    const currency = summary.currency ?? "";
    const digits = (summary.amount.split(".")[1] ?? "").length;
    if (catalogue && /^[A-Z]{3}$/.test(currency) && /^-?[0-9]+(\.[0-9]+)?$/.test(summary.amount)) {
      try {
        return new Intl.NumberFormat(catalogue.locales[lang], {
          style: "currency",
          currency,
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }).format(summary.amount);
      } catch {
        // A currency Intl does not know: as the terminal writes it.
      }
    }
    return terminalAmount(summary);
  }

  function screenAction(summary) {
    const code = summary.actionCode;
    const key = code !== undefined && catalogue && catalogue.messages.en[`screen.action.${code}`]
      ? `screen.action.${code}`
      : "screen.action.other";
    return tr(key);
  }

  /** What the terminal asks for while the cardholder has not acted yet. */
  function waitingKey(summary) {
    return summary.cheque ? "screen.insert-cheque" : "screen.insert-card";
  }

  /** What the screen shows while a decided transaction waits for its delay. */
  function pendingKey(entry) {
    const answer = entry.answer.fields;
    const reason = (answer.AF ?? "").slice(0, 2);
    if (entry.summary.cheque) {
      return answer.AE === "10" ? "screen.printing-cheque" : "screen.insert-cheque";
    }
    if (answer.AE === "10") return answer.CI === "1" ? "screen.enter-pin" : "screen.connecting";
    if (reason === "08") return "screen.enter-pin";
    if (reason === "06" || reason === "11") return "screen.insert-card";
    return "screen.connecting";
  }

  /** What the screen shows once the answer is sent. */
  function answeredKey(entry) {
    const answer = entry.answer.fields;
    if (answer.AE === "10") {
      if (entry.summary.actionCode === "I") return "screen.identified";
      return entry.summary.actionCode === "0" ? "screen.approved" : "screen.approved-other";
    }
    if (answer.AE === "11") return "screen.acknowledged";
    const keys = {
      "04": entry.summary.cheque ? "screen.cheque-refused" : "screen.refused",
      "05": "screen.forbidden",
      "06": "screen.cardholder-abandon",
      "08": "screen.timeout",
      "09": "screen.format-error",
      "11": "screen.cancelled",
      "12": "screen.unknown-action",
      "13": "screen.currency",
    };
    return keys[(answer.AF ?? "").slice(0, 2)] ?? "screen.failed";
  }

  function registerText(summary, withReference) {
    const register = summary.register ?? "?";
    return withReference && summary.privateData !== undefined
      ? tr("dash.register-reference", { register, reference: summary.privateData })
      : tr("dash.register", { register });
  }

  function renderScreen() {
    const held = oldestHeld();
    const terminal = screen.box.closest(".terminal");
    terminal.dataset.held = held ? "true" : "false";
    if (held) {
      screen.box.dataset.state = "held";
      setText(screen.action, screenAction(held.summary));
      setText(screen.id, `#${held.id}`);
      setText(screen.amount, terminalAmount(held.summary));
      setText(screen.state, tr(waitingKey(held.summary)));
      setText(screen.detail, registerText(held.summary, true));
      renderCountdown();
    } else if (state.arriving.size > 0) {
      // Being decided: by a person at the simulator's keyboard, or at once.
      const arrival = state.arriving.get(Math.max(...state.arriving.keys()));
      screen.box.dataset.state = "pending";
      setText(screen.action, screenAction(arrival.summary));
      setText(screen.id, `#${arrival.id}`);
      setText(screen.amount, terminalAmount(arrival.summary));
      setText(screen.state, tr(waitingKey(arrival.summary)));
      setText(screen.detail, registerText(arrival.summary, false));
      setText(screen.countdown, "");
    } else {
      setText(screen.countdown, "");
      const entry = state.transactions.get(state.current);
      if (!entry) {
        screen.box.dataset.state = "idle";
        setText(screen.action, "");
        setText(screen.id, "");
        setText(screen.amount, "");
        setText(screen.state, tr("screen.ready"));
        setText(screen.detail, nextQueued());
      } else {
        const summary = entry.summary;
        screen.box.dataset.state = entry.state === "pending"
          ? "pending"
          : entry.state === "answered"
          ? (summary.approved ? "approved" : "declined")
          : "abandoned";
        setText(screen.action, screenAction(summary));
        setText(screen.id, `#${entry.id}`);
        setText(screen.amount, terminalAmount(summary));
        setText(
          screen.state,
          tr(
            entry.state === "pending"
              ? pendingKey(entry)
              : entry.state === "answered"
              ? answeredKey(entry)
              : "screen.not-answered",
          ),
        );
        setText(screen.detail, nextQueued() || registerText(summary, false));
      }
    }
    renderHint(held);
    const others = [...state.held.keys()].filter((id) => id !== held?.id).sort((a, b) => a - b);
    setText(
      byId("waiting"),
      others.length === 0 ? "" : tr("dash.more-waiting", {
        count: others.length,
        ids: others.map((id) => `#${id}`).join(", "),
      }),
    );
  }

  function nextQueued() {
    const next = state.queue.global[0];
    return next ? tr("dash.next", { description: next.description }) : "";
  }

  function renderCountdown() {
    const held = oldestHeld();
    if (!held) return;
    const seconds = Math.max(0, Math.ceil((held.deadlineAt - Date.now()) / 1000));
    setText(screen.countdown, tr("dash.countdown", { seconds }));
  }

  function renderHint(held) {
    const settings = state.settings;
    let hint;
    if (held) {
      hint = tr("dash.hint.held", { id: held.id });
    } else if (settings && settings.hold) {
      hint = tr("dash.hint.hold", { seconds: settings["input-timeout"] });
    } else {
      hint = tr("dash.hint.queue");
    }
    setText(byId("hint"), hint);
  }

  async function press(decision) {
    const held = oldestHeld();
    try {
      if (held) {
        await api("POST", `/api/held/${held.id}`, { decision, note: "dashboard" });
      } else {
        await api("POST", "/api/queue", { decision });
        setText(byId("hint"), tr("dash.queued", { what: tr(`dash.label.${decision}`) }));
      }
    } catch (error) {
      toast(error.message);
    }
  }

  for (const button of document.querySelectorAll("[data-decision]")) {
    button.addEventListener("click", () => press(button.dataset.decision));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
    const decision = KEYS[event.key.toLowerCase()];
    if (!decision) return;
    event.preventDefault();
    press(decision);
  });

  // --- Settings ---

  function applySettings(settings) {
    state.settings = settings;
    for (const radio of form.elements.mode) {
      radio.checked = radio.value === (settings.failure ? "failure" : "success");
    }
    const failureType = byId("failure-type");
    failureType.value = settings["failure-type"];
    failureType.disabled = !settings.failure;
    byId("payment-type").value = settings["payment-type"];
    const duration = byId("duration");
    if (document.activeElement !== duration) duration.value = String(settings.duration);
    byId("hold").checked = settings.hold;
    byId("magic-amounts").checked = settings["magic-amounts"];
  }

  function settingsMessage(text, kind) {
    const message = byId("settings-message");
    message.textContent = text;
    message.dataset.kind = kind ?? "";
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", async (event) => {
    const target = event.target;
    let change;
    switch (target.name) {
      case "mode":
        change = { failure: target.value === "failure" };
        break;
      case "failure-type":
      case "payment-type":
        change = { [target.name]: target.value };
        break;
      case "duration":
        if (!Number.isFinite(target.valueAsNumber)) {
          settingsMessage(tr("dash.delay-invalid"), "error");
          return;
        }
        change = { duration: target.valueAsNumber };
        break;
      case "hold":
      case "magic-amounts":
        change = { [target.name]: target.checked };
        break;
      default:
        return;
    }
    try {
      applySettings(await api("PATCH", "/api/settings", change));
      settingsMessage(tr("dash.saved"));
      renderScreen();
    } catch (error) {
      settingsMessage(error.message, "error");
      if (state.settings) applySettings(state.settings);
    }
  });

  byId("reset").addEventListener("click", async () => {
    try {
      await api("POST", "/api/reset");
      settingsMessage(tr("dash.reset-done"));
    } catch (error) {
      settingsMessage(error.message, "error");
    }
  });
  byId("reload").addEventListener("click", async () => {
    try {
      const { scenario } = await api("POST", "/api/scenario/reload");
      settingsMessage(tr("dash.reloaded", { rules: scenario.rules }));
    } catch (error) {
      settingsMessage(error.message, "error");
    }
  });
  byId("clear-queue").addEventListener("click", async () => {
    try {
      await api("DELETE", "/api/queue");
    } catch (error) {
      toast(error.message);
    }
  });
  byId("clear-journal").addEventListener("click", async () => {
    try {
      await api("DELETE", "/api/journal");
    } catch (error) {
      toast(error.message);
    }
  });

  function renderFacts() {
    const facts = byId("facts");
    const status = state.status;
    if (!status) return;
    const items = [];
    if (status.terminal) {
      items.push([tr("dash.fact.terminal"), `${status.terminal.hostname}:${status.terminal.port}`]);
    }
    items.push([
      tr("dash.fact.scenario"),
      status.scenario
        ? tr("dash.fact.scenario-value", {
          file: status.scenario.file ?? tr("dash.fact.in-code"),
          rules: status.scenario.rules,
        })
        : tr("dash.fact.none"),
    ]);
    const queued = [
      ...state.queue.global.map((q) => q.description),
      ...Object.entries(state.queue.registers).flatMap(([register, list]) =>
        list.map((q) => tr("dash.fact.queued-register", { description: q.description, register }))
      ),
    ];
    items.push([
      tr("dash.fact.queued"),
      queued.length === 0 ? tr("dash.fact.nothing") : queued.join(" · "),
    ]);
    items.push([tr("dash.fact.held"), String(state.held.size)]);
    if (status.interactive) {
      items.push([tr("dash.fact.interactive"), tr("dash.fact.interactive-value")]);
    }
    if (status.timeScale !== 1) items.push([tr("dash.fact.time-scale"), String(status.timeScale)]);
    items.push([tr("dash.fact.version"), status.version]);
    facts.replaceChildren(
      ...items.flatMap(([term, value]) => [element("dt", "", term), element("dd", "", value)]),
    );
    byId("reload").hidden = !status.reloadable;
    byId("clear-queue").hidden = queued.length === 0;
  }

  // --- The journal ---

  function upsert(entry, fresh) {
    state.transactions.set(entry.id, entry);
    if (entry.id > state.current) state.current = entry.id;
    let row = state.rows.get(entry.id);
    if (!row) {
      row = createRow(entry.id);
      state.rows.set(entry.id, row);
      let before = null;
      for (const [id, other] of state.rows) {
        if (id < entry.id && (!before || id > Number(before.dataset.id))) before = other;
      }
      journalBody.insertBefore(row, before);
      if (fresh) row.classList.add("fresh");
      trimRows();
    }
    fillRow(row, entry);
    const details = row.nextElementSibling;
    if (details && details.classList.contains("details")) fillDetails(details, entry);
    byId("journal-empty").hidden = state.rows.size > 0;
  }

  function trimRows() {
    while (state.rows.size > MAX_ROWS) {
      const oldest = Math.min(...state.rows.keys());
      const row = state.rows.get(oldest);
      const details = row.nextElementSibling;
      if (details && details.classList.contains("details")) details.remove();
      row.remove();
      state.rows.delete(oldest);
      state.transactions.delete(oldest);
    }
  }

  function createRow(id) {
    const row = element("tr", "entry");
    row.dataset.id = String(id);
    const toggleCell = element("td");
    const toggle = element("button", "toggle", "+");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", `details-${id}`);
    toggle.setAttribute("aria-label", tr("dash.show-frames", { id }));
    toggle.addEventListener("click", () => toggleDetails(row, toggle));
    toggleCell.append(toggle);
    row.append(toggleCell);
    for (
      const name of ["num", "col-time", "col-register", "", "num", "", "col-rule", "col-state"]
    ) {
      row.append(element("td", name));
    }
    return row;
  }

  /** The action in words: the name of CD in the language, or what the server says. */
  function actionText(summary) {
    const action = codeName("CD", summary.actionCode) ?? summary.action;
    return summary.cheque ? tr("dash.cheque", { action }) : action;
  }

  /** The answer in words, from its records. */
  function resultText(entry) {
    const answer = entry.answer.fields;
    if (answer.AE === "10") return tr("dash.result.approved");
    if (answer.AE === "11") return tr("dash.result.acknowledged");
    const code = answer.AF === undefined ? undefined : answer.AF.slice(0, 2);
    if (code === undefined) {
      return tr("dash.result.not-done", { status: answer.AE ?? tr("dash.result.none") });
    }
    return tr("dash.result.declined", {
      reason: codeName("AF", code) ?? tr("dash.outcome.declined"),
      code,
    });
  }

  /** What decided, in words: the rule (its name and place as written), the queue, a person... */
  function decidedByText(entry) {
    const by = entry.decision.decidedBy;
    if (!by) return "";
    if (by.source === "rule" && by.rule) {
      const rule = by.rule;
      const head = tr(rule.origin === "magic-amounts" ? "dash.by.magic-ref" : "dash.by.rule-ref", {
        position: rule.position,
      });
      const name = rule.name ? ` "${rule.name}"` : "";
      const where = rule.file ? ` (${rule.file}${rule.line ? `:${rule.line}` : ""})` : "";
      return `${head}${name}${where}`;
    }
    const known = ["rule", "queue", "operator", "settings", "protocol"].includes(by.source);
    const name = known ? tr(`dash.by.${by.source}`) : by.source;
    return by.note ? tr("dash.by.note", { by: name, note: by.note }) : name;
  }

  function stateText(value) {
    const key = `dash.state.${value}`;
    return catalogue && catalogue.messages.en[key] ? tr(key) : value;
  }

  function fillRow(row, entry) {
    const s = entry.summary;
    const cells = row.children;
    cells[0].firstElementChild.setAttribute("aria-label", tr("dash.show-frames", { id: entry.id }));
    setText(cells[1], String(entry.id));
    setText(
      cells[2],
      new Date(entry.receivedAt).toLocaleTimeString(
        catalogue ? catalogue.locales[lang] : undefined,
      ),
    );
    setText(cells[3], s.register ?? "");
    cells[4].replaceChildren(document.createTextNode(actionText(s)));
    if (s.privateData !== undefined) cells[4].append(element("span", "private", s.privateData));
    setText(cells[5], describeAmount(s));
    const pending = entry.state === "pending";
    const badge = element("span", "badge", pending ? tr("dash.pending") : resultText(entry));
    badge.dataset.kind = pending ? "pending" : entry.decision.outcome;
    cells[6].replaceChildren(badge);
    setText(cells[7], decidedByText(entry));
    setText(cells[8], stateText(entry.state));
  }

  function toggleDetails(row, toggle) {
    const open = toggle.getAttribute("aria-expanded") === "true";
    const next = row.nextElementSibling;
    if (open) {
      if (next && next.classList.contains("details")) next.remove();
      toggle.setAttribute("aria-expanded", "false");
      toggle.textContent = "+";
      return;
    }
    const details = element("tr", "details");
    details.id = `details-${row.dataset.id}`;
    const cell = element("td");
    cell.colSpan = 9;
    details.append(cell);
    row.after(details);
    fillDetails(details, state.transactions.get(Number(row.dataset.id)));
    toggle.setAttribute("aria-expanded", "true");
    toggle.textContent = "−";
  }

  /** A record's tag name in the language (the server's words for a tag it does not know). */
  function tagText(record) {
    const names = catalogue ? catalogue.tags[lang] : {};
    return Object.hasOwn(names, record.tag) ? names[record.tag] : record.name;
  }

  /** What a record's value means: coded values in the language, others as the server says. */
  function meaningText(record) {
    const coded = catalogue !== null && Object.hasOwn(catalogue.codes[lang], record.tag);
    return (coded ? codeName(record.tag, record.value) : undefined) ?? record.meaning;
  }

  function recordsTable(records) {
    const table = element("table", "records");
    const body = element("tbody");
    for (const record of records) {
      const row = element("tr");
      row.append(
        element("td", "", record.tag),
        element("td", "", tagText(record)),
        element("td", "", record.value),
        element("td", "", meaningText(record) ?? ""),
      );
      body.append(row);
    }
    table.append(body);
    return table;
  }

  function fillDetails(details, entry) {
    const cell = details.firstElementChild;
    const grid = element("div", "details-grid");
    const request = element("div");
    request.append(
      element("h3", "", tr("dash.request")),
      element("pre", "raw", entry.request.raw),
      recordsTable(entry.records.request),
    );
    const answer = element("div");
    answer.append(
      element("h3", "", tr("dash.answer")),
      element("pre", "raw", entry.answer.raw),
      recordsTable(entry.records.answer),
    );
    grid.append(request, answer);
    const outcome = entry.decision.outcome;
    const notes = [
      tr("dash.decision", {
        outcome: catalogue && catalogue.messages.en[`dash.outcome.${outcome}`]
          ? tr(`dash.outcome.${outcome}`)
          : outcome,
        reason: entry.decision.reason,
      }),
      tr("dash.from", {
        peer: entry.peer,
        connection: entry.connectionId,
        ms: entry.delay.waitedMs,
      }),
      ...entry.findings.map((f) => tr("dash.finding", { level: f.level, message: f.message })),
    ];
    if (entry.error) notes.push(tr("dash.error", { message: entry.error }));
    cell.replaceChildren(grid, ...notes.map((note) => element("p", "note", note)));
  }

  function renderAll() {
    renderScreen();
    renderFacts();
    byId("journal-empty").hidden = state.rows.size > 0;
  }

  byId("language").addEventListener("change", (event) => {
    const chosen = languageOf(event.target.value) ?? "en";
    try {
      localStorage.setItem(STORED_LANGUAGE, chosen);
    } catch {
      // Storage refused: the choice lasts as long as the page.
    }
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.delete("lang");
      history.replaceState(null, "", url);
    }
    applyLanguage(chosen);
  });

  setInterval(renderCountdown, 1000);
  renderAll();
  loadLanguage().then(connect);
})();
