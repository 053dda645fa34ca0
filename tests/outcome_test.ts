// Every outcome a rule, a queue or a person can ask for, applied by the pure decide().
import assert from "node:assert/strict";
import {
  decide,
  DEFAULT_SETTINGS,
  type Directive,
  examineRequest,
  type TerminalSettings,
} from "../lib/terminal/behaviour.ts";
import {
  COMPLEMENT_NAMES,
  describeOutcome,
  notDone,
  type OutcomeSpec,
  parseResult,
} from "../lib/terminal/outcome.ts";
import { seededRandom } from "../lib/random.ts";
import { decodePartial, encode, type Field, getField } from "../lib/tlv.ts";

const DEBIT = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const CHEQUE = DEBIT.replace("CB0041250", "CC00300CCB0041250");
const NOW = new Date("2026-11-27T12:00:00Z");
const BY: Directive["by"] = { source: "queue" };

function run(frame: string, outcome?: OutcomeSpec, settings: Partial<TerminalSettings> = {}) {
  const plan = decide(
    decodePartial(frame),
    { ...DEFAULT_SETTINGS, ...settings },
    { now: NOW, random: seededRandom(3) },
    outcome ? { outcome, by: BY } : undefined,
  );
  return { ...plan, frame: encode(plan.answer), get: (tag: string) => getField(plan.answer, tag) };
}

const tags = (fields: Field[]) => fields.map((f) => f.tag);

Deno.test("not done with every AF code, by name: echo + AE=01 + AF, after the delay", async (t) => {
  for (const [name, code] of Object.entries(COMPLEMENT_NAMES)) {
    await t.step(`${name} is AF=${code}`, () => {
      const plan = run(DEBIT, notDone(name), { delayMs: 700 });
      assert.equal(plan.outcome, "declined");
      assert.equal(plan.frame, `${DEBIT}AE00201AF002${code}`);
      assert.equal(plan.delayMs, 700);
      assert.deepEqual(plan.decidedBy, BY);
      assert.deepEqual(plan.applied, { status: "not-done", complement: code });
    });
  }
});

Deno.test("results are read by name or code, and described in words", () => {
  assert.deepEqual(parseResult("refused"), { status: "not-done", complement: "04" });
  assert.deepEqual(parseResult("Timeout"), { status: "not-done", complement: "08" });
  assert.deepEqual(parseResult("4"), { status: "not-done", complement: "04" });
  assert.deepEqual(parseResult("approved"), { status: "approved" });
  assert.equal(parseResult("refusd"), undefined);
  assert.throws(() => notDone("approved"), RangeError);
  assert.throws(() => notDone("stolen"), /Unknown result "stolen"/);
  assert.equal(describeOutcome(notDone("abandon")), "operator abandon, AF=11");
  assert.equal(describeOutcome(notDone("cardholder-abandon")), "cardholder abandon, AF=06");
  assert.equal(
    describeOutcome({ status: "approved", approvedAmount: { percent: 50 } }),
    "approved, partial: 50%",
  );
});

Deno.test("AF detail follows the code", () => {
  const plan = run(DEBIT, notDone("refused", { complementDetail: " PLAFOND" }));
  assert.equal(plan.get("AF"), "04 PLAFOND");
  assert.equal(plan.reason, 'refused, AF=04, detail "PLAFOND"');
});

Deno.test("approved: the settings' card, or the outcome's", async (t) => {
  await t.step("the default card data, as without an outcome", () => {
    const plan = run(DEBIT, { status: "approved" });
    const plain = run(DEBIT);
    // Same random draws in the same order: the same answer.
    assert.equal(plan.frame, plain.frame);
    assert.deepEqual(tags(plan.answer).slice(7), [
      "AE",
      "CC",
      "CI",
      "AC",
      "AA",
      "AI",
      "AB",
      "CF",
      "CG",
    ]);
    assert.equal(plan.decidedBy?.source, "queue");
    assert.equal(plain.decidedBy?.source, "settings");
  });
  await t.step("payment type, application and read mode", () => {
    const plan = run(DEBIT, { status: "approved", paymentType: "amexcontactless" });
    assert.equal(plan.get("CC"), "00D");
    assert.equal(plan.get("CI"), "2");
    assert.match(plan.reason, /^amexcontactless card/);
    const odd = run(DEBIT, { status: "approved", application: "00E", readMode: "4" });
    assert.equal(odd.get("CC"), "00E");
    assert.equal(odd.get("CI"), "4");
  });
  await t.step("card data and authorisation number", () => {
    const plan = run(DEBIT, {
      status: "approved",
      authorisation: "A1B2C3",
      card: { pan: "497010######0001", expiry: "2812", aid: "A0000000421010" },
    });
    assert.equal(plan.get("AC"), "A1B2C3");
    assert.equal(plan.get("AA"), "497010######0001");
    assert.equal(plan.get("AB"), "2812");
    assert.equal(plan.get("AI"), "A0000000421010");
  });
  await t.step("given values do not shift the random ones that follow", () => {
    const given = run(DEBIT, { status: "approved", authorisation: "000000" });
    const drawn = run(DEBIT, { status: "approved" });
    assert.equal(given.get("AA"), drawn.get("AA"));
    assert.equal(given.get("AB"), drawn.get("AB"));
  });
  await t.step("partial approval, in minor units or percent", () => {
    const minor = run(DEBIT, { status: "approved", approvedAmount: { minor: 500 } });
    assert.equal(minor.get("CB"), "500");
    assert.match(minor.reason, /partial approval: 500 of 1250 minor units/);
    const percent = run(DEBIT.replace("CB0041250", "CB0041251"), {
      status: "approved",
      approvedAmount: { percent: 50 },
    });
    assert.equal(percent.get("CB"), "625");
    const tiny = run(DEBIT.replace("CB0041250", "CB00201"), {
      status: "approved",
      approvedAmount: { percent: 50 },
    });
    assert.equal(tiny.get("CB"), "00");
  });
  await t.step("records added, replaced and removed, last", () => {
    const plan = run(DEBIT + "CF003REF", {
      status: "approved",
      tags: { ZT: "CK003100", CG: "777", CF: null, AL: "1" },
    });
    assert.equal(plan.get("ZT"), "CK003100");
    assert.equal(plan.get("CG"), "777");
    assert.equal(plan.get("CF"), undefined);
    assert.equal(plan.get("AL"), "1");
    assert.equal(plan.answer[0].tag, "CZ");
    assert.match(plan.reason, /records set: ZT, CG, CF, AL/);
  });
});

Deno.test("cheques: approved is AE=10 alone, not done any AF", () => {
  assert.equal(run(CHEQUE, { status: "approved" }).frame, `${CHEQUE}AE00210`);
  assert.equal(run(CHEQUE, notDone("timeout")).frame, `${CHEQUE}AE00201AF00208`);
  const partial = run(CHEQUE, { status: "approved", approvedAmount: { minor: 1000 } });
  assert.equal(partial.frame, `${CHEQUE.replace("CB0041250", "CB0041000")}AE00210`);
});

Deno.test("not done: what the outcome gives explicitly is answered too", () => {
  const plan = run(
    DEBIT,
    notDone("refused", { paymentType: "cbcontactless", card: { pan: "1234######5678" } }),
  );
  assert.equal(plan.get("CC"), "00B");
  assert.equal(plan.get("CI"), "2");
  assert.equal(plan.get("AA"), "1234######5678");
  assert.equal(plan.get("AC"), undefined);
  assert.equal(plan.get("AE"), "01");
});

Deno.test("delays: the outcome's, fixed or drawn in its range, or the settings'", () => {
  assert.equal(run(DEBIT, { status: "approved" }, { delayMs: 1500 }).delayMs, 1500);
  assert.equal(run(DEBIT, { status: "approved", delay: { minMs: 0, maxMs: 0 } }).delayMs, 0);
  const drawn = new Set<number>();
  for (let seed = 0; seed < 40; seed++) {
    const plan = decide(decodePartial(DEBIT), DEFAULT_SETTINGS, {
      now: NOW,
      random: seededRandom(seed),
    }, { outcome: { status: "approved", delay: { minMs: 100, maxMs: 110 } }, by: BY });
    assert.ok(plan.delayMs >= 100 && plan.delayMs <= 110, `${plan.delayMs}`);
    drawn.add(plan.delayMs);
  }
  assert.ok(drawn.size > 3, `only ${[...drawn]}`);
});

Deno.test("an outcome applies whatever the action and answer mode", async (t) => {
  await t.step("identification refused (payment application not in front)", () => {
    const plan = run("CZ0040300CJ012012345678901CA00201CD001I", notDone("not-completed"));
    assert.equal(plan.frame, "CZ0040300CJ012012345678901CA00201CD001IAE00201AF00207");
    assert.equal(plan.delayMs, 0);
  });
  await t.step("identification approved: the terminal's CJ", () => {
    const plan = run("CZ0040300CJ012012345678901CA00201CD001I", { status: "approved" }, {
      terminalId: "330538600404",
    });
    assert.equal(plan.frame, "CZ0040300CJ012330538600404CA00201CD001IAE00210");
  });
  await t.step("BA=1 answered with the outcome instead of AE=11, at once by default", () => {
    const plan = run(DEBIT.replace("BA0010", "BA0011"), notDone("refused"));
    assert.equal(plan.get("AE"), "01");
    assert.equal(plan.delayMs, 0);
  });
  await t.step("an action the settings do not support, done", () => {
    const plan = run(DEBIT.replace("CD0010", "CD0013"), { status: "approved" });
    assert.equal(plan.frame, `${DEBIT.replace("CD0010", "CD0013")}AE00210`);
    assert.match(plan.reason, /action CD=3 done/);
  });
});

Deno.test("the request still forces AF=09 and AF=13 before any outcome", () => {
  const unreadable = run("CZ0040300CA00201", { status: "approved" });
  assert.equal(unreadable.get("AF"), "09");
  assert.equal(unreadable.decidedBy?.source, "protocol");
  const currency = run(DEBIT.replace("CE003978", "CE003000"), { status: "approved" });
  assert.equal(currency.get("AF"), "13");
  assert.equal(currency.decidedBy?.source, "protocol");
  assert.equal(
    examineRequest(decodePartial(DEBIT.replace("CE003978", "CE003000"))).forced,
    "currency",
  );
  assert.equal(examineRequest(decodePartial("CZ0040300CA00201")).forced, "unreadable");
  assert.equal(examineRequest(decodePartial(DEBIT)).forced, undefined);
});

Deno.test("without an outcome the settings decide, as the reference tool", () => {
  const plan = run(DEBIT, undefined, { failure: true, failureType: "refused" });
  assert.equal(plan.reason, "failure mode, refused");
  assert.deepEqual(plan.applied, { status: "not-done", complement: "04" });
  assert.deepEqual(plan.decidedBy, { source: "settings" });
});
