// Rule matching, as pure functions: conditions, first match, sequences.
import assert from "node:assert/strict";
import { buildRequest, parseRequest, type RequestOptions } from "../lib/message.ts";
import { magicAmountRules } from "../lib/terminal/magic.ts";
import { notDone, type OutcomeSpec } from "../lib/terminal/outcome.ts";
import {
  checkConditions,
  type Conditions,
  describeRule,
  evaluateRules,
  initialRuleState,
  type Rule,
} from "../lib/terminal/rules.ts";

const request = (options: Partial<RequestOptions> = {}) =>
  parseRequest(buildRequest({ amount: 1250, ...options }));
const check = (when: Conditions, options: Partial<RequestOptions> = {}) =>
  checkConditions(when, request(options));

function rule(position: number, when: Conditions, ...outcomes: OutcomeSpec[]): Rule {
  return { ref: { position, origin: "scenario", name: `r${position}` }, when, outcomes };
}

Deno.test("each condition, matched and not matched, says why", async (t) => {
  await t.step("amount: exact, list, range, ends with (on CB's digits)", () => {
    assert.equal(check({ amount: { oneOf: [1250] } }), undefined);
    assert.equal(check({ amount: { oneOf: [1, 2] } }), "amount 1250 is not one of 1, 2");
    assert.equal(check({ amount: { min: 1250, max: 1250 } }), undefined);
    assert.equal(check({ amount: { min: 1251 } }), "amount 1250 is below 1251");
    assert.equal(check({ amount: { max: 1000 } }), "amount 1250 is above 1000");
    assert.equal(check({ amount: { endsWith: "50" } }), undefined);
    assert.equal(check({ amount: { endsWith: "250" } }), undefined);
    assert.equal(check({ amount: { endsWith: "04" } }), "amount 1250 does not end with 04");
    // 4 cents is CB "04": it ends with 04.
    assert.equal(check({ amount: { endsWith: "04" } }, { amount: 4 }), undefined);
    assert.equal(
      check({ amount: { min: 1 }, actions: ["identification"] }, { action: "identification" }),
      "no amount (CB)",
    );
  });
  await t.step("currency, by numeric code", () => {
    assert.equal(check({ currencies: ["978"] }), undefined);
    assert.equal(
      check({ currencies: ["840", "953"] }),
      "currency EUR (978) is not one of USD (840), XPF (953)",
    );
    assert.equal(check({ currencies: ["392"] }, { currency: "JPY" }), undefined);
  });
  await t.step("action: debits, credits and cancellations unless named", () => {
    assert.equal(check({}), undefined);
    assert.equal(check({}, { action: "credit" }), undefined);
    assert.equal(check({}, { action: "cancellation" }), undefined);
    assert.match(
      check({}, { action: "identification" })!,
      /^action identification is not one of debit, credit, cancellation \(a rule naming no action/,
    );
    assert.equal(check({ actions: ["identification"] }, { action: "identification" }), undefined);
    assert.equal(check({ actions: ["credit"] }), "action debit is not credit");
    assert.equal(check({ actions: ["duplicate"] }, { action: "duplicate" }), undefined);
  });
  await t.step("register (CA)", () => {
    assert.equal(check({ registers: ["01"] }), undefined);
    assert.equal(check({ registers: ["02"] }), "register CA=01 is not 02");
    assert.equal(check({ registers: ["02"] }, { register: "02" }), undefined);
  });
  await t.step("application: cheque, card or a code", () => {
    assert.equal(check({ applications: ["card"] }), undefined);
    assert.equal(
      check({ applications: ["cheque"] }),
      "application asked is a card (no CC), not cheque",
    );
    assert.equal(check({ applications: ["cheque"] }, { application: "00C" }), undefined);
    assert.equal(
      check({ applications: ["card"] }, { application: "00C" }),
      "application asked is a cheque, not card",
    );
    assert.equal(check({ applications: ["00B"] }, { application: "00B" }), undefined);
  });
  await t.step("answer mode (BA): end unless said", () => {
    assert.match(check({}, { immediate: true })!, /answer mode is immediate \(BA=1\)/);
    assert.equal(check({ answerMode: "immediate" }, { immediate: true }), undefined);
    assert.equal(check({ answerMode: "any" }, { immediate: true }), undefined);
    assert.equal(check({ answerMode: "any" }), undefined);
    assert.match(check({ answerMode: "immediate" })!, /not immediate/);
  });
  await t.step("private data (CF), a pattern", () => {
    assert.equal(check({ privateData: /^TEST/ }, { privateData: "TEST-1" }), undefined);
    assert.equal(
      check({ privateData: /^TEST/ }, { privateData: "PROD-1" }),
      'private data "PROD-1" does not match /^TEST/',
    );
    assert.equal(check({ privateData: /./ }), "no private data (CF)");
  });
  await t.step("every condition must hold", () => {
    assert.equal(
      check({ amount: { min: 1 }, registers: ["01"], currencies: ["840"] }),
      "currency EUR (978) is not USD (840)",
    );
  });
});

Deno.test("the first matching rule decides; the others say why not", () => {
  const rules = [
    rule(1, { amount: { min: 5000 } }, notDone("refused")),
    rule(2, { registers: ["01"] }, notDone("forbidden")),
    rule(3, {}, notDone("timeout")),
  ];
  const result = evaluateRules(rules, request(), initialRuleState(3));
  assert.equal(result.match?.index, 1);
  assert.deepEqual(result.match?.outcome, notDone("forbidden"));
  assert.deepEqual(result.notMatched, [
    { rule: rules[0].ref, why: "amount 1250 is below 5000" },
  ]);
  const none = evaluateRules(rules.slice(0, 1), request(), initialRuleState(1));
  assert.equal(none.match, undefined);
  assert.equal(none.notMatched.length, 1);
});

Deno.test("sequences: the nth matching request, and cycles", async (t) => {
  await t.step("nth counts the requests that reach the rule and meet its conditions", () => {
    const rules = [
      rule(1, { registers: ["02"] }, notDone("refused")),
      rule(2, { nth: [2, 4], actions: ["debit"] }, notDone("timeout")),
    ];
    let state = initialRuleState(2);
    const outcomes: (string | undefined)[] = [];
    for (const options of [{}, { action: "credit" as const }, {}, { register: "02" }, {}, {}]) {
      const result = evaluateRules(rules, request(options), state);
      state = result.state;
      outcomes.push(result.match?.outcome.complement);
    }
    // Debits from register 01 are the 1st, 3rd, 5th and 6th requests: positions 1 to 4.
    assert.deepEqual(outcomes, [undefined, undefined, "08", "04", undefined, "08"]);
    assert.deepEqual(state.seen, [1, 4]);
    assert.deepEqual(state.decided, [1, 2]);
  });
  await t.step("a miss on nth says which position this was", () => {
    const rules = [rule(1, { nth: [3] }, notDone("refused"))];
    const result = evaluateRules(rules, request(), initialRuleState(1));
    assert.equal(
      result.notMatched[0].why,
      "this is matching request number 1, the rule wants number 3",
    );
  });
  await t.step("a cycle gives its outcomes in turn, round and round", () => {
    const rules = [rule(1, {}, { status: "approved" }, notDone("refused"), notDone("timeout"))];
    let state = initialRuleState(1);
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      const result = evaluateRules(rules, request(), state);
      state = result.state;
      seen.push(result.match!.outcome.complement ?? "ok");
    }
    assert.deepEqual(seen, ["ok", "04", "08", "ok", "04", "08", "ok"]);
  });
  await t.step("evaluation is pure: the same state gives the same answer", () => {
    const rules = [rule(1, { nth: [1] }, notDone("refused"))];
    const state = initialRuleState(1);
    assert.ok(evaluateRules(rules, request(), state).match);
    assert.ok(evaluateRules(rules, request(), state).match);
    assert.deepEqual(state, { seen: [0], decided: [0] });
  });
});

Deno.test("rules are named for people", () => {
  assert.equal(
    describeRule({ position: 2, origin: "scenario", name: "big", file: "s.yaml", line: 9 }),
    'rule 2 "big" (s.yaml:9)',
  );
  assert.equal(describeRule({ position: 1, origin: "scenario" }), "rule 1");
  assert.equal(
    describeRule(magicAmountRules()[1].ref),
    'magic amount rule 2 "amount ends with 04"',
  );
});
