import assert from "node:assert/strict";
import {
  decide,
  DEFAULT_SETTINGS,
  type FailureType,
  type PaymentType,
  type TerminalSettings,
} from "../lib/terminal/behaviour.ts";
import { seededRandom } from "../lib/random.ts";
import { decodePartial, encode, type Field } from "../lib/tlv.ts";

const DEBIT = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const CHEQUE = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CC00300CCB0041250";
const NOW = new Date("2026-11-27T12:00:00Z");

function run(frame: string, settings: Partial<TerminalSettings> = {}, seed = 7) {
  const plan = decide(decodePartial(frame), { ...DEFAULT_SETTINGS, ...settings }, {
    now: NOW,
    random: seededRandom(seed),
  });
  return { ...plan, frame: encode(plan.answer), tags: plan.answer.map((f) => f.tag) };
}

const value = (fields: Field[], tag: string) => fields.find((f) => f.tag === tag)?.value;

Deno.test("row 1: a mandatory tag missing is echo + AE=01 AF=09 at once, in every mode", async (t) => {
  for (const tag of ["CZ", "CJ", "CA", "CB", "CD", "CE"]) {
    const frame = DEBIT.replace(new RegExp(`${tag}[0-9]{3}[0-9A-Z]+?(?=[A-Z]{2}[0-9]{3}|$)`), "");
    for (const failure of [false, true]) {
      await t.step(`${tag} missing, failure ${failure}`, () => {
        assert.ok(!frame.includes(tag + "0"), frame);
        const plan = run(frame, { failure });
        assert.equal(plan.outcome, "rejected");
        assert.equal(plan.delayMs, 0);
        assert.equal(value(plan.answer, "AE"), "01");
        assert.equal(value(plan.answer, "AF"), "09");
        assert.equal(plan.answer[0].tag, "CZ");
        assert.match(plan.reason, /^bad message format: /);
        assert.ok(plan.findings.some((f) => f.message.startsWith(`Mandatory ${tag} `)));
        // Echo: the request's records, then AE and AF, nothing else.
        const echoed = plan.frame.slice(0, plan.frame.indexOf("AE002"));
        if (tag !== "CZ") assert.equal(echoed, frame);
        assert.deepEqual(plan.tags.slice(-2), ["AE", "AF"]);
      });
    }
  }
});

Deno.test("row 1 also covers malformed frames: what could be read is echoed", async (t) => {
  await t.step("bad length", () => {
    const plan = run("CZ0040300CJ01A012345678901");
    assert.equal(plan.frame, "CZ0040300AE00201AF00209");
    assert.match(plan.reason, /Invalid length "01A" of "CJ" at offset 11/);
  });
  await t.step("CZ not first: the answer still starts with CZ", () => {
    const plan = run("CJ012012345678901CZ0040300CA00201");
    assert.equal(plan.frame, "CZ0040300CJ012012345678901CA00201AE00201AF00209");
  });
  await t.step("no CZ at all: CZ 0300 is answered", () => {
    assert.equal(run("CA00201").frame, "CZ0040300CA00201AE00201AF00209");
  });
  await t.step("amount that is not a number", () => {
    const plan = run(DEBIT.replace("CB0041250", "CB00412.5"));
    assert.equal(plan.outcome, "rejected");
    assert.match(plan.reason, /CB must be 2 to 12 digits/);
  });
});

Deno.test("row 2: BA=1 is echo + AE=11 at once, nothing else", () => {
  const frame = DEBIT.replace("BA0010", "BA0011");
  for (const failure of [false, true]) {
    const plan = run(frame, { failure });
    assert.equal(plan.outcome, "acknowledged");
    assert.equal(plan.frame, frame + "AE00211");
    assert.equal(plan.delayMs, 0);
  }
});

Deno.test("row 3: failure mode, card: echo + AE=01 + the failure's AF, after the delay", async (t) => {
  const expected: Record<FailureType, string> = {
    abandon: "11",
    timeout: "08",
    refused: "04",
    forbidden: "05",
  };
  for (const [failureType, af] of Object.entries(expected) as [FailureType, string][]) {
    await t.step(failureType, () => {
      const plan = run(DEBIT, { failure: true, failureType, delayMs: 1234 });
      assert.equal(plan.outcome, "declined");
      assert.equal(plan.frame, `${DEBIT}AE00201AF002${af}`);
      assert.equal(plan.delayMs, 1234);
    });
  }
});

Deno.test("row 4: failure mode, cheque: echo + AE=01 AF=04 whatever the failure type", () => {
  for (const failureType of ["abandon", "timeout", "refused", "forbidden"] as FailureType[]) {
    const plan = run(CHEQUE, { failure: true, failureType, delayMs: 10 });
    assert.equal(plan.frame, `${CHEQUE}AE00201AF00204`);
    assert.equal(plan.delayMs, 10);
  }
});

Deno.test("row 5: success, cheque: echo + AE=10, nothing else", () => {
  const plan = run(CHEQUE, { delayMs: 10 });
  assert.equal(plan.outcome, "approved");
  assert.equal(plan.frame, `${CHEQUE}AE00210`);
  assert.equal(plan.delayMs, 10);
});

Deno.test("row 6: success, card: echo + AE=10 CC CI AC AA AI AB CF CG", async (t) => {
  const cards: Record<PaymentType, [string, string]> = {
    cbcontact: ["001", "1"],
    cbcontactless: ["00B", "2"],
    amexcontact: ["002", "1"],
    amexcontactless: ["00D", "2"],
  };
  for (
    const [paymentType, [cc, ci]] of Object.entries(cards) as [PaymentType, [string, string]][]
  ) {
    await t.step(paymentType, () => {
      const plan = run(DEBIT, { paymentType });
      assert.equal(plan.outcome, "approved");
      assert.equal(plan.delayMs, 3000);
      assert.ok(plan.frame.startsWith(DEBIT + "AE00210"));
      assert.deepEqual(plan.tags.slice(7), ["AE", "CC", "CI", "AC", "AA", "AI", "AB", "CF", "CG"]);
      assert.equal(value(plan.answer, "CC"), cc);
      assert.equal(value(plan.answer, "CI"), ci);
      assert.match(value(plan.answer, "AC")!, /^[0-9]{6}$/);
      assert.match(value(plan.answer, "AA")!, /^[0-9]{6}######[0-9]{4}$/);
      assert.match(value(plan.answer, "AI")!, /^A00000000[0-9]{12}$/);
      assert.match(value(plan.answer, "AB")!, /^27(0[1-9]|1[0-2])$/);
      assert.equal(value(plan.answer, "CF"), "1010000000");
      assert.equal(value(plan.answer, "CG"), "424242");
    });
  }
  await t.step("the merchant contract is configurable", () => {
    assert.equal(value(run(DEBIT, { merchantContract: "9876543210" }).answer, "CG"), "9876543210");
  });
  await t.step("refunds and cancellations are answered like debits", () => {
    for (const cd of ["1", "2"]) {
      const plan = run(DEBIT.replace("CD0010", `CD001${cd}`));
      assert.equal(plan.outcome, "approved");
      assert.equal(value(plan.answer, "CD"), cd);
    }
  });
});

Deno.test("the POS's private data is echoed, never overwritten", () => {
  const plan = run(DEBIT + "CF006REF-42");
  assert.equal(value(plan.answer, "CF"), "REF-42");
  assert.equal(plan.answer.filter((f) => f.tag === "CF").length, 1);
  assert.ok(plan.frame.startsWith(DEBIT + "CF006REF-42AE00210"));
});

Deno.test("random values come from the random source: same seed, same answer", () => {
  assert.equal(run(DEBIT, {}, 42).frame, run(DEBIT, {}, 42).frame);
  assert.notEqual(run(DEBIT, {}, 42).frame, run(DEBIT, {}, 43).frame);
});

Deno.test("actions and currencies the terminal does not know", async (t) => {
  await t.step("unknown action: AE=01 AF=12 at once", () => {
    const plan = run(DEBIT.replace("CD0010", "CD0013"));
    assert.equal(plan.outcome, "declined");
    assert.deepEqual(plan.tags.slice(-2), ["AE", "AF"]);
    assert.equal(value(plan.answer, "AF"), "12");
    assert.equal(plan.delayMs, 0);
  });
  await t.step("unknown currency: AE=01 AF=13 at once", () => {
    const plan = run(DEBIT.replace("CE003978", "CE003000"));
    assert.equal(value(plan.answer, "AF"), "13");
    assert.equal(plan.delayMs, 0);
    assert.match(plan.findings.map((f) => f.message).join(), /Unknown currency CE=000/);
  });
});

Deno.test("identification (CD=I) is answered at once with the terminal's CJ", () => {
  const plan = run("CZ0040300CJ012012345678901CA00201CD001I", { terminalId: "330538600404" });
  assert.equal(plan.frame, "CZ0040300CJ012330538600404CA00201CD001IAE00210");
  assert.equal(plan.delayMs, 0);
});

Deno.test("the answer version can differ from the request's (quirk 6)", () => {
  assert.ok(run(DEBIT, { answerVersion: "0320" }).frame.startsWith("CZ0040320CJ"));
});

Deno.test("an AE or AF sent by the POS does not leak into the answer", () => {
  const plan = run(DEBIT + "AE00201AF00204");
  assert.equal(value(plan.answer, "AE"), "10");
  assert.equal(value(plan.answer, "AF"), undefined);
});

Deno.test("findings are reported even when the request is served", () => {
  const plan = run("CZ0040300CJ003012CA00201CE003978BA0010CD0010CB0041250");
  assert.equal(plan.outcome, "approved");
  assert.deepEqual(plan.findings.map((f) => f.message), ["CJ must be 12 digits"]);
});
