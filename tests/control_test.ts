// The control layer without HTTP, as a test suite drives it through the fixture: settings,
// queues by register, hold mode, the journal, the events, reset and the scenario.
import assert from "node:assert/strict";
import { exchange, pay, startTerminal } from "../mod.ts";
import type { Arrival, ControlEventMap } from "../lib/terminal/control.ts";
import { parseScenario } from "../lib/terminal/scenario.ts";

const local = { timeoutMs: 30_000, quietMs: 50 };

/** Records the names of the control's events, in order. */
function eventNames(target: EventTarget): string[] {
  const names: string[] = [];
  const types: (keyof ControlEventMap)[] = [
    "arrived",
    "held",
    "released",
    "decided",
    "answered",
    "abandoned",
    "settings",
    "queue",
    "journal",
    "reset",
    "scenario",
  ];
  for (const type of types) target.addEventListener(type, () => names.push(type));
  return names;
}

Deno.test("the fixture has a control: queue outcomes for every register or for one", async () => {
  await using terminal = await startTerminal();
  const control = terminal.control;
  control.enqueue([{ status: "not-done", complement: "05" }]);
  control.enqueue([{ status: "not-done", complement: "04" }], "02");
  assert.equal(control.status().queued, 2);
  assert.throws(() => control.enqueue([{ status: "approved" }], "2"), RangeError);

  const two = await pay({ amount: 100, register: "02" }, { ...terminal.endpoint, ...local });
  assert.equal(two.answer.complementCode, "04", "register 02's own queue first");
  const one = await pay({ amount: 100, register: "01" }, { ...terminal.endpoint, ...local });
  assert.equal(one.answer.complementCode, "05", "then the queue for every register");
  const three = await pay({ amount: 100, register: "02" }, { ...terminal.endpoint, ...local });
  assert.equal(three.answer.approved, true, "then the settings");
  assert.deepEqual(
    control.journal.list().map((e) => e.decision.decidedBy?.note ?? e.decision.decidedBy?.source),
    ["queue of register 02, 0 left", "0 left in the queue", "settings"],
  );
  control.enqueue([{ status: "approved" }], "05");
  control.enqueue([{ status: "approved" }]);
  assert.equal(control.clearQueue("05"), 1);
  assert.equal(control.clearQueue(), 1);
  assert.equal(control.status().queued, 0);
});

Deno.test("hold mode from the fixture: the payment waits until the test decides it", async () => {
  await using terminal = await startTerminal({ hold: true });
  const control = terminal.control;
  assert.equal(control.settings.hold, true);
  const payment = pay({ amount: 4200, privateData: "ORDER-1" }, {
    ...terminal.endpoint,
    ...local,
  });
  const held = await control.nextHeld();
  assert.equal(held.request.amount, 4200);
  assert.equal(held.request.privateData, "ORDER-1");
  assert.equal(control.status().held, 1);
  assert.equal(control.decideHeldWith(held.id, "cancel", "red button in the test"), true);
  const result = await payment;
  assert.equal(result.answer.complementCode, "11");
  const entry = control.journal.get(held.id)!;
  assert.deepEqual(entry.decision.decidedBy, {
    source: "operator",
    note: "red button in the test",
  });
  assert.equal(entry.delay.waitedMs, 0, "answered at once once decided");
  assert.equal(control.decideHeld(held.id, { status: "approved" }), false, "not held any more");
});

Deno.test("a queued outcome and a rule decide before hold mode", async () => {
  await using terminal = await startTerminal({
    hold: true,
    scenario: parseScenario("rules: [{ when: { amount: 999 }, outcome: forbidden }]"),
  });
  const control = terminal.control;
  control.enqueue([{ status: "not-done", complement: "04" }]);
  const queued = await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  assert.equal(queued.answer.complementCode, "04");
  const ruled = await pay({ amount: 999 }, { ...terminal.endpoint, ...local });
  assert.equal(ruled.answer.complementCode, "05");
  assert.equal(control.held.length, 0);
});

Deno.test("the control's events: held, released, decided, answered, and every change", async () => {
  await using terminal = await startTerminal();
  const control = terminal.control;
  const names = eventNames(control);
  const settings: boolean[] = [];
  control.on("settings", (event) => settings.push(event.detail.hold));
  control.update({ hold: true });
  const payment = pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  const held = await control.nextHeld();
  control.decideHeldWith(held.id, "contact");
  await payment;
  control.enqueue([{ status: "approved" }]);
  await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  control.clearJournal();
  control.reset();
  assert.deepEqual(names, [
    "settings",
    "arrived",
    "held",
    "released",
    "decided",
    "answered",
    "queue",
    "arrived",
    "decided",
    "queue",
    "answered",
    "journal",
    "reset",
  ]);
  assert.deepEqual(settings, [true], "one settings event for one change");
});

Deno.test("turning hold mode off releases the held payment as the settings say", async () => {
  await using terminal = await startTerminal({ hold: true, settings: { failure: true } });
  const payment = pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  await terminal.control.nextHeld();
  terminal.control.update({ hold: false });
  assert.equal((await payment).answer.complementCode, "11");
  // Hold mode is off: the next payment is not held.
  assert.equal(
    (await pay({ amount: 100 }, { ...terminal.endpoint, ...local })).answer.approved,
    false,
  );
});

Deno.test("reset: back to the startup state, and exactly that", async () => {
  await using terminal = await startTerminal({
    settings: { failureType: "refused" },
    scenario: parseScenario("rules: [{ when: { nth: 2 }, outcome: forbidden }]"),
  });
  const control = terminal.control;
  await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  control.update({
    failure: true,
    delayMs: 250,
    answerVersion: "0320",
    magicAmounts: true,
    hold: true,
  });
  control.enqueue([{ status: "approved" }], "03");
  const heldPayment = pay({ amount: 100, register: "04" }, { ...terminal.endpoint, ...local });
  await control.nextHeld();
  const status = control.reset();

  assert.equal((await heldPayment).answer.complementCode, "08", "the held one timed out");
  assert.equal(status.settings.failure, false);
  assert.equal(status.settings.failureType, "refused", "as at startup, not the default");
  assert.equal(status.settings.delayMs, 0);
  assert.equal(status.settings.answerVersion, undefined);
  assert.equal(status.settings.magicAmounts, false);
  assert.equal(status.settings.hold, false);
  assert.equal(status.queued, 0);
  assert.equal(status.held, 0);
  assert.equal(status.scenario?.rules, 1, "the scenario stays");
  // The journal's memory is cleared but for the payment in flight (the held one, answered
  // by the reset); the transaction numbers go on.
  assert.deepEqual(control.journal.list().map((e) => [e.id, e.decision.decidedBy?.note]), [
    [2, "reset: answered as an input time-out"],
  ]);
  // The rule's counter starts again: the second payment after the reset is forbidden.
  const first = await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  const second = await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  assert.equal(first.answer.approved, true);
  assert.equal(second.answer.complementCode, "05");
  assert.deepEqual(control.journal.list().map((e) => e.id), [2, 3, 4]);
});

Deno.test("applyScenario: a new scenario and the settings a reset goes back to", async () => {
  await using terminal = await startTerminal();
  const control = terminal.control;
  const names = eventNames(control);
  control.applyScenario(
    parseScenario("description: two\nrules: [{ outcome: refused }]", "s.yaml"),
    {
      ...terminal.settings,
      delayMs: 5,
    },
  );
  assert.deepEqual(control.status().scenario, { file: "s.yaml", description: "two", rules: 1 });
  control.update({ delayMs: 700 });
  assert.equal(control.reset().settings.delayMs, 5);
  assert.deepEqual(names, ["scenario", "settings", "settings", "reset"]);
  await assert.rejects(control.reloadScenario(), TypeError, "no file to reload");
  assert.equal(control.status().reloadable, false);
});

Deno.test("closing the fixture answers a held payment rather than waiting for it", async () => {
  const terminal = await startTerminal({ hold: true });
  const payment = pay({ amount: 100 }, { ...terminal.endpoint, ...local });
  await terminal.control.nextHeld();
  await terminal.close();
  assert.equal((await payment).answer.complementCode, "08");
});

Deno.test("arrived: every request as read, before anything decides it, malformed ones too", async () => {
  // A record cut short is answered after this silence.
  await using terminal = await startTerminal({ recordTimeoutMs: 100 });
  const arrivals: Arrival[] = [];
  terminal.control.on("arrived", (event) => arrivals.push(event.detail));
  await pay({ amount: 1250, register: "04" }, { ...terminal.endpoint, ...local });
  const raw = await exchange("CZ0040300CA00201XX", { ...terminal.endpoint, ...local });
  assert.match(raw.answerText, /AF00209/);
  assert.equal(arrivals.length, 2);
  assert.equal(arrivals[0].id, 1);
  assert.equal(arrivals[0].fields.find((f) => f.tag === "CA")?.value, "04");
  assert.match(arrivals[0].peer, /^127\.0\.0\.1:\d+$/);
  assert.equal(arrivals[1].id, 2);
  assert.ok(arrivals[1].error, "the frame's defect is said");
});
