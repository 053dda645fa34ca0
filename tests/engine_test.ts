// The rule engine: who decides (queue, rules, magic amounts, a person, the settings) and
// the counters it keeps between requests.
import assert from "node:assert/strict";
import { buildRequest, type RequestOptions } from "../lib/message.ts";
import { seededRandom } from "../lib/random.ts";
import { DEFAULT_SETTINGS, type Plan, type TerminalSettings } from "../lib/terminal/behaviour.ts";
import { type PendingDecision, RuleEngine } from "../lib/terminal/engine.ts";
import { MAGIC_AMOUNTS } from "../lib/terminal/magic.ts";
import { notDone } from "../lib/terminal/outcome.ts";
import { parseScenario } from "../lib/terminal/scenario.ts";
import type { DecisionHookContext } from "../lib/terminal/simulator.ts";
import { decode, encode, getField } from "../lib/tlv.ts";

const CONTEXT = () => ({ now: new Date("2026-11-27T12:00:00Z"), random: seededRandom(5) });
const frame = (options: Partial<RequestOptions> = {}) => ({
  fields: buildRequest({ amount: 1250, ...options }),
});

Deno.test("the engine: queue, then rules, then the settings", async (t) => {
  const scenario = parseScenario(
    `
rules:
  - name: third payment refused
    when: { nth: 3 }
    outcome: refused
  - name: register 02 forbidden
    when: { register: "02" }
    outcome: forbidden
`,
    "e.yaml",
  );
  await t.step("rules decide, the settings take the rest, and the plan says which", async () => {
    const engine = new RuleEngine({ scenario });
    const plans: Plan[] = [];
    for (const options of [{}, { register: "02" }, {}, {}]) {
      plans.push(await engine.decide(frame(options), DEFAULT_SETTINGS, CONTEXT()));
    }
    assert.deepEqual(plans.map((p) => getField(p.answer, "AE")), ["10", "01", "01", "10"]);
    assert.deepEqual(plans.map((p) => getField(p.answer, "AF")), [
      undefined,
      "05",
      "04",
      undefined,
    ]);
    assert.equal(plans[0].decidedBy?.source, "settings");
    assert.equal(plans[0].notMatched?.length, 2);
    assert.deepEqual(plans[2].decidedBy, {
      source: "rule",
      rule: {
        position: 1,
        origin: "scenario",
        name: "third payment refused",
        file: "e.yaml",
        line: 3,
      },
    });
    assert.equal(plans[2].notMatched, undefined);
    assert.deepEqual(plans[1].notMatched?.map((m) => m.why), [
      "this is matching request number 2, the rule wants number 3",
    ]);
  });
  await t.step("queued outcomes come first, one per transaction", async () => {
    const engine = new RuleEngine({ scenario });
    assert.equal(engine.enqueue(notDone("timeout"), { status: "approved" }), 2);
    const first = await engine.decide(frame({ register: "02" }), DEFAULT_SETTINGS, CONTEXT());
    assert.equal(getField(first.answer, "AF"), "08");
    assert.deepEqual(first.decidedBy, { source: "queue", note: "1 left in the queue" });
    // An identification is not a transaction a queued outcome is meant for.
    const ident = await engine.decide(
      frame({ action: "identification" }),
      DEFAULT_SETTINGS,
      CONTEXT(),
    );
    assert.equal(ident.decidedBy?.source, "settings");
    assert.equal(engine.queued.length, 1);
    assert.deepEqual(engine.clearQueue(), [{ status: "approved" }]);
    // The queue did not count for the rules: this is the first request they see.
    const next = await engine.decide(frame({ register: "02" }), DEFAULT_SETTINGS, CONTEXT());
    assert.equal(getField(next.answer, "AF"), "05");
  });
  await t.step("a new scenario resets the counters", async () => {
    const engine = new RuleEngine({ scenario });
    for (let i = 0; i < 2; i++) await engine.decide(frame(), DEFAULT_SETTINGS, CONTEXT());
    assert.deepEqual(engine.state.seen, [2, 0]);
    engine.load(scenario);
    assert.deepEqual(engine.state.seen, [0, 0]);
    engine.load(undefined);
    assert.equal(engine.rules.length, 0);
  });
  await t.step("unreadable requests and unknown currencies never reach a rule", async () => {
    const engine = new RuleEngine({ scenario: parseScenario("rules: [{ outcome: refused }]") });
    const bad = await engine.decide(
      { fields: decode("CZ0040300CA00201", { versionFirst: true }) },
      DEFAULT_SETTINGS,
      CONTEXT(),
    );
    assert.equal(getField(bad.answer, "AF"), "09");
    const currency = await engine.decide(
      { fields: decode(encode(buildRequest({ amount: 1 })).replace("CE003978", "CE003000")) },
      DEFAULT_SETTINGS,
      CONTEXT(),
    );
    assert.equal(getField(currency.answer, "AF"), "13");
    assert.deepEqual(engine.state.seen, [0]);
  });
});

Deno.test("magic amounts: each row of the table, after the scenario's rules", async (t) => {
  const engine = new RuleEngine({ magicAmounts: true });
  for (const magic of MAGIC_AMOUNTS) {
    await t.step(`…${magic.ending}: ${magic.description}`, async () => {
      const amount = 1200 + Number(magic.ending);
      const plan = await engine.decide(frame({ amount }), DEFAULT_SETTINGS, CONTEXT());
      if (magic.outcome.status === "approved") {
        assert.equal(getField(plan.answer, "AE"), "10");
        assert.equal(getField(plan.answer, "CB"), String(Math.floor(amount / 2)));
      } else {
        assert.equal(getField(plan.answer, "AE"), "01");
        assert.equal(getField(plan.answer, "AF"), magic.outcome.complement);
      }
      assert.equal(plan.decidedBy?.rule?.origin, "magic-amounts");
    });
  }
  await t.step("other endings: the settings' answer", async () => {
    for (const amount of [1200, 1210, 1250, 1299, 1203]) {
      const plan = await engine.decide(frame({ amount }), DEFAULT_SETTINGS, CONTEXT());
      assert.equal(getField(plan.answer, "AE"), "10", `${amount}`);
      assert.equal(getField(plan.answer, "CB"), String(amount));
    }
    const failing: TerminalSettings = { ...DEFAULT_SETTINGS, failure: true };
    const plan = await engine.decide(frame({ amount: 1250 }), failing, CONTEXT());
    assert.equal(getField(plan.answer, "AF"), "11");
  });
  await t.step("a scenario's rules come first; off by default", async () => {
    const scenario = parseScenario("rules: [{ when: { amount: 1204 }, outcome: approved }]");
    const both = new RuleEngine({ scenario, magicAmounts: true });
    const plan = await both.decide(frame({ amount: 1204 }), DEFAULT_SETTINGS, CONTEXT());
    assert.equal(getField(plan.answer, "AE"), "10");
    assert.equal(both.rules.length, 1 + MAGIC_AMOUNTS.length);
    assert.equal(new RuleEngine().magicAmounts, false);
    assert.equal(new RuleEngine({ scenario }).rules.length, 1);
    const on = parseScenario("settings: { magic-amounts: true }");
    assert.equal(new RuleEngine({ scenario: on }).magicAmounts, true);
    assert.equal(new RuleEngine({ scenario: on, magicAmounts: false }).magicAmounts, false);
  });
});

Deno.test("the engine asks a person when no rule decides, and waits", async () => {
  const asked: PendingDecision[] = [];
  const engine = new RuleEngine({
    scenario: parseScenario("rules: [{ when: { register: '02' }, outcome: refused }]"),
    ask: (pending) => {
      asked.push(pending);
      return Promise.resolve({ outcome: notDone("cardholder-abandon"), note: "key a" });
    },
  });
  const context: DecisionHookContext = {
    ...CONTEXT(),
    transactionId: 7,
    connectionId: 3,
    peer: "127.0.0.1:1234",
    signal: new AbortController().signal,
  };
  const ruled = engine.decide(frame({ register: "02" }), DEFAULT_SETTINGS, context);
  assert.ok(!(ruled instanceof Promise), "a rule decides at once");
  const waiting = engine.decide(frame(), DEFAULT_SETTINGS, context);
  assert.ok(waiting instanceof Promise);
  const plan = await waiting;
  assert.equal(getField(plan.answer, "AF"), "06");
  assert.deepEqual(plan.decidedBy, { source: "operator", note: "key a" });
  assert.equal(plan.notMatched?.length, 1);
  assert.equal(asked.length, 1);
  assert.equal(asked[0].request.amount, 1250);
  assert.equal(asked[0].context.peer, "127.0.0.1:1234");
  // An identification is answered by the settings, without asking.
  const ident = await engine.decide(frame({ action: "identification" }), DEFAULT_SETTINGS, context);
  assert.equal(ident.decidedBy?.source, "settings");
  assert.equal(asked.length, 1);
});

Deno.test("queues by register: the register's own first, then the one for every register", () => {
  const engine = new RuleEngine({ scenario: parseScenario("rules: [{ outcome: forbidden }]") });
  engine.enqueue(notDone("timeout"));
  assert.equal(engine.enqueueFor("02", notDone("refused"), { status: "approved" }), 2);
  assert.throws(() => engine.enqueueFor("2", notDone("refused")), RangeError);
  assert.deepEqual(engine.queues, {
    global: [{ status: "not-done", complement: "08" }],
    registers: { "02": [{ status: "not-done", complement: "04" }, { status: "approved" }] },
  });
  const decideFor = (register: string) =>
    engine.decide(frame({ register }), DEFAULT_SETTINGS, CONTEXT()) as Plan;
  const first = decideFor("02");
  assert.equal(getField(first.answer, "AF"), "04");
  assert.deepEqual(first.decidedBy, { source: "queue", note: "queue of register 02, 1 left" });
  // Register 01 has no queue of its own: the one for every register.
  const other = decideFor("01");
  assert.equal(getField(other.answer, "AF"), "08");
  assert.deepEqual(other.decidedBy, { source: "queue", note: "0 left in the queue" });
  assert.equal(getField(decideFor("02").answer, "AE"), "10");
  // Both queues empty: the rule decides; an empty register queue is not listed.
  assert.equal(getField(decideFor("02").answer, "AF"), "05");
  assert.deepEqual(engine.queues, { global: [], registers: {} });
  engine.enqueue({ status: "approved" });
  engine.enqueueFor("03", notDone("refused"));
  engine.enqueueFor("04", notDone("refused"));
  assert.equal(engine.clearQueue("03").length, 1);
  assert.deepEqual(Object.keys(engine.queues.registers), ["04"]);
  assert.equal(engine.clearQueue().length, 2, "every queue");
  assert.deepEqual(engine.queues, { global: [], registers: {} });
});

Deno.test("an asker that does not take the request leaves it to the settings, at once", () => {
  let asked = 0;
  const engine = new RuleEngine({
    ask: () => {
      asked++;
      return undefined;
    },
  });
  const plan = engine.decide(frame(), { ...DEFAULT_SETTINGS, failure: true }, {
    ...CONTEXT(),
    transactionId: 1,
    connectionId: 1,
    peer: "127.0.0.1:1234",
    signal: new AbortController().signal,
  });
  assert.ok(!(plan instanceof Promise), "decided at once");
  assert.equal(asked, 1);
  assert.equal(getField(plan.answer, "AF"), "11");
  assert.equal(plan.decidedBy?.source, "settings");
});
