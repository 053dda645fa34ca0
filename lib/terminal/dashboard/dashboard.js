// The dashboard of the caisse-ap terminal simulator: a virtual terminal, the settings and
// the live journal, fed by the control API's event stream (/api/events). Every value
// that came from a POS is written with textContent: it is text, never markup.
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
  const LABELS = {
    contact: "approved, card inserted (contact)",
    contactless: "approved, contactless",
    refuse: "refused (AF=04)",
    timeout: "input time-out (AF=08)",
    cancel: "cancelled, red button (AF=11)",
    abandon: "abandoned by the cardholder (AF=06)",
  };

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
    const setConnection = (kind, text) => {
      connection.dataset.state = kind;
      connection.textContent = text;
    };
    source.addEventListener("open", () => setConnection("live", "Live"));
    source.addEventListener("error", () => {
      setConnection("down", "Disconnected: reconnecting…");
    });
    const on = (name, handler) => {
      source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
    };
    on("snapshot", (data) => {
      setConnection("live", "Live");
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

  function describeAmount(summary) {
    if (summary.amount === undefined) return "";
    return `${summary.amount} ${summary.currency ?? ""}`.trim();
  }

  function renderScreen() {
    const held = oldestHeld();
    const terminal = screen.box.closest(".terminal");
    terminal.dataset.held = held ? "true" : "false";
    if (held) {
      screen.box.dataset.state = "held";
      setText(screen.action, held.summary.action);
      setText(screen.id, `#${held.id}`);
      setText(screen.amount, describeAmount(held.summary));
      setText(screen.state, "Waiting for the card");
      setText(
        screen.detail,
        `Register ${held.summary.register ?? "?"}${
          held.summary.privateData === undefined ? "" : ` · ${held.summary.privateData}`
        }`,
      );
      renderCountdown();
    } else if (state.arriving.size > 0) {
      // Being decided: by a person at the simulator's keyboard, or at once.
      const arrival = state.arriving.get(Math.max(...state.arriving.keys()));
      screen.box.dataset.state = "pending";
      setText(screen.action, arrival.summary.action);
      setText(screen.id, `#${arrival.id}`);
      setText(screen.amount, describeAmount(arrival.summary));
      setText(
        screen.state,
        state.status && state.status.interactive
          ? "Waiting for a key at the simulator"
          : "Processing…",
      );
      setText(screen.detail, `Register ${arrival.summary.register ?? "?"}`);
      setText(screen.countdown, "");
    } else {
      setText(screen.countdown, "");
      const entry = state.transactions.get(state.current);
      if (!entry) {
        screen.box.dataset.state = "idle";
        setText(screen.action, "Ready");
        setText(screen.id, "");
        setText(screen.amount, "");
        setText(screen.state, "Waiting for a payment");
        setText(screen.detail, nextQueued());
      } else {
        const summary = entry.summary;
        screen.box.dataset.state = entry.state === "pending"
          ? "pending"
          : entry.state === "answered"
          ? (summary.approved ? "approved" : "declined")
          : "abandoned";
        setText(screen.action, summary.action);
        setText(screen.id, `#${entry.id}`);
        setText(screen.amount, describeAmount(summary));
        setText(
          screen.state,
          entry.state === "pending"
            ? "Processing…"
            : entry.state === "answered"
            ? summary.result.replace(/^./, (c) => c.toUpperCase())
            : `Not answered (${entry.state})`,
        );
        setText(screen.detail, nextQueued() || `Register ${summary.register ?? "?"}`);
      }
    }
    renderHint(held);
    const others = [...state.held.keys()].filter((id) => id !== held?.id).sort((a, b) => a - b);
    setText(
      byId("waiting"),
      others.length === 0
        ? ""
        : `${others.length} more waiting: ${others.map((id) => `#${id}`).join(", ")}`,
    );
  }

  function nextQueued() {
    const next = state.queue.global[0];
    return next ? `Next: ${next.description}` : "";
  }

  function renderCountdown() {
    const held = oldestHeld();
    if (!held) return;
    const seconds = Math.max(0, Math.ceil((held.deadlineAt - Date.now()) / 1000));
    setText(screen.countdown, `time-out in ${seconds} s`);
  }

  function renderHint(held) {
    const settings = state.settings;
    let hint;
    if (held) {
      hint = `Payment #${held.id} is waiting: a button ends it, and the answer is sent at once.`;
    } else if (settings && settings.hold) {
      hint = `Hold mode: the next payment waits here for a button, for up to ${
        settings["input-timeout"]
      } s.`;
    } else {
      hint =
        "A button chooses how the next payment ends. Turn hold mode on to decide each payment as it comes.";
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
        setText(byId("hint"), `Queued for the next payment: ${LABELS[decision]}.`);
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
          settingsMessage("The delay must be a number of seconds, such as 3 or 0.5", "error");
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
      settingsMessage("Saved");
      renderScreen();
    } catch (error) {
      settingsMessage(error.message, "error");
      if (state.settings) applySettings(state.settings);
    }
  });

  byId("reset").addEventListener("click", async () => {
    try {
      await api("POST", "/api/reset");
      settingsMessage("Reset: settings, queues and hold mode as at startup, journal cleared");
    } catch (error) {
      settingsMessage(error.message, "error");
    }
  });
  byId("reload").addEventListener("click", async () => {
    try {
      const { scenario } = await api("POST", "/api/scenario/reload");
      settingsMessage(`Scenario reloaded: ${scenario.rules} rules`);
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
      items.push(["Terminal", `${status.terminal.hostname}:${status.terminal.port}`]);
    }
    items.push([
      "Scenario",
      status.scenario
        ? `${status.scenario.file ?? "in code"}, ${status.scenario.rules} rules`
        : "none",
    ]);
    const queued = [
      ...state.queue.global.map((q) => q.description),
      ...Object.entries(state.queue.registers).flatMap(([register, list]) =>
        list.map((q) => `${q.description} (register ${register})`)
      ),
    ];
    items.push(["Queued", queued.length === 0 ? "nothing" : queued.join(" · ")]);
    items.push(["Held", String(state.held.size)]);
    if (status.interactive) items.push(["Interactive", "a person at the keyboard decides too"]);
    if (status.timeScale !== 1) items.push(["Time scale", String(status.timeScale)]);
    items.push(["Version", status.version]);
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
    toggle.setAttribute("aria-label", `Show the frames of transaction ${id}`);
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

  function fillRow(row, entry) {
    const s = entry.summary;
    const cells = row.children;
    setText(cells[1], String(entry.id));
    setText(cells[2], new Date(entry.receivedAt).toLocaleTimeString());
    setText(cells[3], s.register ?? "");
    cells[4].replaceChildren(
      document.createTextNode(`${s.action}${s.cheque ? " (cheque)" : ""}`),
    );
    if (s.privateData !== undefined) cells[4].append(element("span", "private", s.privateData));
    setText(cells[5], describeAmount(s));
    const pending = entry.state === "pending";
    const badge = element("span", "badge", pending ? "answer pending" : s.result);
    badge.dataset.kind = pending ? "pending" : entry.decision.outcome;
    cells[6].replaceChildren(badge);
    setText(cells[7], s.decidedBy);
    setText(cells[8], entry.state);
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

  function recordsTable(records) {
    const table = element("table", "records");
    const body = element("tbody");
    for (const record of records) {
      const row = element("tr");
      row.append(
        element("td", "", record.tag),
        element("td", "", record.name),
        element("td", "", record.value),
        element("td", "", record.meaning ?? ""),
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
      element("h3", "", "Request"),
      element("pre", "raw", entry.request.raw),
      recordsTable(entry.records.request),
    );
    const answer = element("div");
    answer.append(
      element("h3", "", "Answer"),
      element("pre", "raw", entry.answer.raw),
      recordsTable(entry.records.answer),
    );
    grid.append(request, answer);
    const notes = [
      `Decision: ${entry.decision.outcome}, ${entry.decision.reason}`,
      `From ${entry.peer}, connection ${entry.connectionId}; answer after ${entry.delay.waitedMs} ms`,
      ...entry.findings.map((f) => `${f.level}: ${f.message}`),
    ];
    if (entry.error) notes.push(`Error: ${entry.error}`);
    cell.replaceChildren(grid, ...notes.map((note) => element("p", "note", note)));
  }

  function renderAll() {
    renderScreen();
    renderFacts();
    byId("journal-empty").hidden = state.rows.size > 0;
  }

  setInterval(renderCountdown, 1000);
  renderAll();
  connect();
})();
