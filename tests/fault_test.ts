// Faults as pure functions: parsing and checking them, planning their delivery, and what
// they change in the decision (approve-then-drop approves, busy is AF=07 at once, the
// settings' default fault, none); strict mode; faults in scenario files.
import assert from "node:assert/strict";
import { seededRandom } from "../lib/random.ts";
import { decide, DEFAULT_SETTINGS, type TerminalSettings } from "../lib/terminal/behaviour.ts";
import {
  afterDecision,
  checkFault,
  describeFault,
  FAULT_KINDS,
  faultConflict,
  FAULTS,
  type FaultSpec,
  faultValues,
  formatFault,
  parseFault,
  planDelivery,
} from "../lib/terminal/fault.ts";
import { type OutcomeSpec } from "../lib/terminal/outcome.ts";
import { parseScenario, ScenarioError } from "../lib/terminal/scenario.ts";
import { decodePartial, encode, getField } from "../lib/tlv.ts";

const DEBIT = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const IDENTIFY = "CZ0040300CJ012012345678901CA00201CD001I";
const context = () => ({ now: new Date("2026-11-27T12:00:00Z"), random: seededRandom(3) });

function plan(
  frame: string,
  settings: Partial<TerminalSettings> = {},
  outcome?: OutcomeSpec,
) {
  return decide(
    decodePartial(frame),
    { ...DEFAULT_SETTINGS, ...settings },
    context(),
    outcome ? { outcome, by: { source: "queue" } } : undefined,
  );
}

Deno.test("parseFault reads the command line's NAME[:param=value,...]", async (t) => {
  await t.step("every fault by its name alone", () => {
    for (const kind of FAULT_KINDS) assert.deepEqual(parseFault(kind), { kind });
  });
  await t.step("parameters, durations in seconds kept in milliseconds", () => {
    assert.deepEqual(parseFault("split-answer:segments=3,gap=0.25"), {
      kind: "split-answer",
      segments: 3,
      gapMs: 250,
    });
    assert.deepEqual(parseFault("slow-answer:interval=1"), {
      kind: "slow-answer",
      intervalMs: 1000,
    });
    assert.deepEqual(parseFault("refuse-connections:period=2.5"), {
      kind: "refuse-connections",
      periodMs: 2500,
    });
    assert.deepEqual(parseFault("truncated-answer:at=12"), { kind: "truncated-answer", at: 12 });
  });
  await t.step("mistakes say what is expected", () => {
    const cases: [string, RegExp][] = [
      ["split", /^Unknown fault "split": did you mean "split-answer"\? expected one of none, /],
      ["resett", /^Unknown fault "resett": did you mean "reset"\?/],
      ["reset:at=1", /^The fault "reset" takes no parameter, not "at"$/],
      [
        "split-answer:gaps=1",
        /^Unknown parameter "gaps" of the fault "split-answer": expected segments, gap$/,
      ],
      [
        "split-answer:gap",
        /^Invalid gap "" of the fault "split-answer": expected a number of seconds/,
      ],
      [
        "split-answer:segments=1",
        /^Invalid segments of the fault "split-answer": expected a whole number from 2 to 100, not 1$/,
      ],
      ["garbage-answer:bytes=1.5", /expected a whole number from 1 to 65536, not 1\.5$/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseFault(text), (error: Error) => {
        assert.ok(error instanceof SyntaxError || error instanceof RangeError, text);
        assert.match(error.message, message);
        return true;
      });
    }
  });
  await t.step("formatFault writes it back, defaults filled in", () => {
    for (const kind of FAULT_KINDS) {
      const fault = { kind } as FaultSpec;
      const text = formatFault(fault);
      const again = parseFault(text);
      assert.equal(formatFault(again), text);
      assert.equal(checkFault(again), undefined);
    }
    assert.equal(
      formatFault({ kind: "slow-answer", bytes: 2 }),
      "slow-answer:bytes=2,interval=0.1",
    );
  });
});

Deno.test("checkFault validates faults made by programs (the control API's queue)", () => {
  assert.equal(checkFault({ kind: "no-answer" }), undefined);
  assert.equal(checkFault({ kind: "split-answer", segments: 5, gapMs: 100 }), undefined);
  assert.match(
    checkFault({ kind: "explode" } as unknown as FaultSpec)!,
    /^Unknown fault "explode"/,
  );
  assert.match(
    checkFault({ kind: "split-answer", gapMs: 120_000 })!,
    /^Invalid gap of the fault "split-answer": expected a number of seconds from 0 to 60, not 120$/,
  );
  assert.match(
    checkFault({ kind: "reset", at: 3 } as unknown as FaultSpec)!,
    /^Unknown parameter "at" of the fault "reset"$/,
  );
});

Deno.test("describeFault says it in a few words, for the log", () => {
  assert.equal(describeFault({ kind: "split-answer" }), "split-answer (2 pieces, 0.5 s apart)");
  assert.equal(describeFault({ kind: "garbage-answer", bytes: 5 }), "garbage-answer (5 bytes)");
  assert.equal(describeFault({ kind: "refuse-connections" }), "refuse-connections (for 5 s)");
  assert.equal(describeFault({ kind: "reset" }), "reset");
  for (const kind of FAULT_KINDS) assert.ok(FAULTS[kind].summary.length > 10);
});

Deno.test("planDelivery: what reaches the POS, and how the connection ends", async (t) => {
  const answer = encode(plan(DEBIT).answer);
  const random = () => seededRandom(9);
  await t.step("no fault: the answer, as usual", () => {
    const d = planDelivery(undefined, answer, random());
    assert.deepEqual(d.segments, [{ text: answer, pauseMs: 0 }]);
    assert.equal(d.end, "normal");
  });
  await t.step(
    "nothing sent: no-answer holds, close and approve-then-drop close, reset aborts",
    () => {
      const ends = {
        "no-answer": "hold",
        "close-before-answer": "close",
        "approve-then-drop": "close",
        "reset": "reset",
      } as const;
      for (const [kind, end] of Object.entries(ends)) {
        const d = planDelivery({ kind } as FaultSpec, answer, random());
        assert.deepEqual(d.segments, []);
        assert.equal(d.end, end, kind);
      }
    },
  );
  await t.step("split: every byte once, in order, the pauses between pieces", () => {
    for (const segments of [2, 3, 7, 100]) {
      const d = planDelivery({ kind: "split-answer", segments, gapMs: 40 }, answer, random());
      assert.equal(d.segments.length, segments);
      assert.equal(d.segments.map((s) => s.text).join(""), answer);
      assert.deepEqual(d.segments.map((s) => s.pauseMs), [0, ...Array(segments - 1).fill(40)]);
      assert.ok(d.segments.every((s) => s.text.length > 0));
    }
    // More pieces than bytes: one byte each.
    const tiny = planDelivery({ kind: "split-answer", segments: 50 }, "CZ0040300", random());
    assert.equal(tiny.segments.length, 9);
  });
  await t.step("slow: a few bytes at a time", () => {
    const d = planDelivery({ kind: "slow-answer", bytes: 7, intervalMs: 25 }, answer, random());
    assert.equal(d.segments.map((s) => s.text).join(""), answer);
    assert.ok(d.segments.slice(0, -1).every((s) => s.text.length === 7));
    assert.equal(d.segments.length, Math.ceil(answer.length / 7));
    assert.equal(d.segments[0].pauseMs, 0);
    assert.ok(d.segments.slice(1).every((s) => s.pauseMs === 25));
  });
  await t.step("garbage: never a frame, the size asked, the same for a seed", () => {
    for (let seed = 0; seed < 200; seed++) {
      const d = planDelivery({ kind: "garbage-answer", bytes: 40 }, answer, seededRandom(seed));
      const text = d.segments[0].text;
      assert.equal(text.length, 40);
      assert.ok(decodePartial(text).error, JSON.stringify(text));
      assert.equal(decodePartial(text).error?.offset, 0);
      assert.equal(d.end, "close");
    }
    const again = (seed: number) =>
      planDelivery({ kind: "garbage-answer" }, answer, seededRandom(seed)).segments[0].text;
    assert.equal(again(5), again(5));
  });
  await t.step("truncated: cut inside the status record by default, or where asked", () => {
    const d = planDelivery({ kind: "truncated-answer" }, answer, random());
    const sent = d.segments[0].text;
    assert.ok(answer.startsWith(sent));
    assert.equal(sent.slice(-6), "AE0021");
    assert.equal(decodePartial(sent).error?.kind, "truncated");
    assert.equal(d.end, "close");
    const at = planDelivery({ kind: "truncated-answer", at: 11 }, answer, random());
    assert.equal(at.segments[0].text, answer.slice(0, 11));
    // Never the whole answer, whatever `at` says.
    const over = planDelivery({ kind: "truncated-answer", at: 60_000 }, answer, random());
    assert.equal(over.segments[0].text.length, answer.length - 1);
  });
  await t.step("busy and refuse-connections send the answer as usual", () => {
    for (const kind of ["busy", "refuse-connections", "none"] as const) {
      const d = planDelivery({ kind }, answer, random());
      assert.deepEqual(d.segments, [{ text: answer, pauseMs: 0 }]);
      assert.equal(d.end, "normal");
    }
  });
});

Deno.test("a fault leaves the decision to the rest of the outcome, with two exceptions", async (t) => {
  await t.step("the decision is what the terminal believes: approved, with its card", () => {
    const p = plan(DEBIT, {}, { status: "approved", fault: { kind: "no-answer" } });
    assert.equal(p.outcome, "approved");
    assert.match(getField(p.answer, "AC") ?? "", /^[0-9]{6}$/);
    assert.deepEqual(p.fault?.spec, { kind: "no-answer" });
    assert.equal(p.fault?.origin, "outcome");
    assert.equal(p.fault?.delivery.end, "hold");
    assert.equal(p.delayMs, DEFAULT_SETTINGS.delayMs);
    assert.equal(p.reason, "cbcontact card"); // the decision; the fault is apart
  });
  await t.step("the same seed draws the same card with or without a fault", () => {
    const plain = plan(DEBIT, {}, { status: "approved" });
    const faulty = plan(DEBIT, {}, { status: "approved", fault: { kind: "garbage-answer" } });
    assert.deepEqual(faulty.answer, plain.answer);
  });
  await t.step("approve-then-drop approves, even in failure mode or after a refusal", () => {
    const p = plan(DEBIT, { failure: true }, {
      status: "not-done",
      complement: "04",
      fault: { kind: "approve-then-drop" },
    });
    assert.equal(p.outcome, "approved");
    assert.equal(getField(p.answer, "AE"), "10");
    assert.equal(getField(p.answer, "AF"), undefined);
    assert.match(getField(p.answer, "AC") ?? "", /^[0-9]{6}$/);
    const settings = plan(DEBIT, { failure: true, fault: { kind: "approve-then-drop" } });
    assert.equal(settings.outcome, "approved");
    assert.equal(settings.fault?.origin, "settings");
    assert.doesNotMatch(settings.reason, /failure mode/);
  });
  await t.step("busy is AE=01 AF=07 at once, whatever else the outcome says", () => {
    const p = plan(DEBIT, {}, {
      status: "approved",
      delay: { minMs: 5000, maxMs: 5000 },
      authorisation: "123456",
      fault: { kind: "busy" },
    });
    assert.equal(p.outcome, "declined");
    assert.equal(encode(p.answer), `${DEBIT}AE00201AF00207`);
    assert.equal(p.delayMs, 0);
    assert.match(p.reason, /^busy with another sale, AF=07$/);
  });
  await t.step(
    "close-before-answer and reset strike at once, unless the outcome gives a delay",
    () => {
      for (const kind of ["close-before-answer", "reset"] as const) {
        assert.equal(plan(DEBIT, {}, { status: "approved", fault: { kind } }).delayMs, 0);
        const later = plan(DEBIT, {}, {
          status: "approved",
          delay: { minMs: 700, maxMs: 700 },
          fault: { kind },
        });
        assert.equal(later.delayMs, 700);
      }
      // The other faults strike when the answer is due.
      assert.equal(
        plan(DEBIT, {}, { status: "approved", fault: { kind: "approve-then-drop" } }).delayMs,
        3000,
      );
    },
  );
});

Deno.test("the settings' default fault: for debits, credits and cancellations, unless overridden", async (t) => {
  const settings = { fault: { kind: "split-answer", segments: 3 } as FaultSpec };
  await t.step("a payment decided by the settings gets it", () => {
    const p = plan(DEBIT, settings);
    assert.deepEqual(p.fault?.spec, settings.fault);
    assert.equal(p.fault?.origin, "settings");
    assert.equal(p.fault?.delivery.segments.length, 3);
    assert.deepEqual(p.applied?.fault, settings.fault);
  });
  await t.step("so does one decided by a rule or the queue that names no fault", () => {
    const p = plan(DEBIT, settings, { status: "not-done", complement: "04" });
    assert.equal(p.outcome, "declined");
    assert.equal(p.fault?.origin, "settings");
  });
  await t.step("an outcome's own fault wins; none removes it", () => {
    assert.equal(
      plan(DEBIT, settings, { status: "approved", fault: { kind: "reset" } }).fault?.spec.kind,
      "reset",
    );
    assert.equal(
      plan(DEBIT, settings, { status: "approved", fault: { kind: "none" } }).fault,
      undefined,
    );
  });
  await t.step("identifications, immediate answers and AF=09 do not get it", () => {
    assert.equal(plan(IDENTIFY, settings).fault, undefined);
    assert.equal(plan(DEBIT.replace("BA0010", "BA0011"), settings).fault, undefined);
    assert.equal(plan(DEBIT.replace("CE003978", ""), settings).fault, undefined);
  });
});

Deno.test("strict mode: any finding, a warning included, is AE=01 AF=09 at once", () => {
  const classicBug = DEBIT.replace("CJ012012345678901", "CJ003012");
  const lenient = plan(classicBug);
  assert.equal(lenient.outcome, "approved");
  assert.equal(lenient.findings.length, 1);
  const strict = plan(classicBug, { strict: true });
  assert.equal(strict.outcome, "rejected");
  assert.equal(getField(strict.answer, "AF"), "09");
  assert.equal(strict.delayMs, 0);
  assert.equal(strict.reason, "strict mode, bad message format: CJ must be 12 digits");
  assert.deepEqual(strict.decidedBy, { source: "protocol", note: "strict mode" });
  // No rule is consulted, even one that would match.
  const ruled = plan(classicBug, { strict: true }, { status: "approved" });
  assert.equal(ruled.outcome, "rejected");
  // A conforming request is served as usual.
  assert.equal(plan(DEBIT, { strict: true }).outcome, "approved");
});

Deno.test("faults in scenario files", async (t) => {
  await t.step("a name, a mapping with parameters, a fault as the outcome, in the settings", () => {
    const scenario = parseScenario(`
settings:
  strict: true
  fault: { kind: slow-answer, bytes: 3, interval: 0.05 }
rules:
  - when: { amount: 100 }
    outcome: { result: refused, fault: no-answer }
  - when: { amount: 200 }
    outcome: { fault: { kind: split-answer, segments: 5, gap: 0.2 } }
  - when: { amount: 300 }
    cycle: [approve-then-drop, busy, approved, { fault: none }]
`);
    assert.equal(scenario.settings.strict, true);
    assert.deepEqual(scenario.settings.fault, { kind: "slow-answer", bytes: 3, intervalMs: 50 });
    assert.deepEqual(scenario.rules[0].outcomes[0], {
      status: "not-done",
      complement: "04",
      fault: { kind: "no-answer" },
    });
    assert.deepEqual(scenario.rules[1].outcomes[0].fault, {
      kind: "split-answer",
      segments: 5,
      gapMs: 200,
    });
    assert.deepEqual(scenario.rules[2].outcomes.map((o) => o.fault?.kind), [
      "approve-then-drop",
      "busy",
      undefined,
      "none",
    ]);
  });
  await t.step("mistakes, with their line and column", () => {
    const cases: [string, string, string, number, number, RegExp][] = [
      [
        "unknown fault",
        "rules:\n  - outcome: { fault: no-anwser }\n",
        "value",
        2,
        23,
        /^Unknown fault "no-anwser": did you mean "no-answer"\? expected one of "none", /,
      ],
      [
        "unknown parameter",
        "rules:\n  - outcome: { fault: { kind: split-answer, gaps: 1 } }\n",
        "unknown-key",
        2,
        45,
        /^Unknown key "gaps" in the fault split-answer: did you mean "gap"\?/,
      ],
      [
        "out of range",
        "rules:\n  - outcome: { fault: { kind: split-answer, segments: 1 } }\n",
        "range",
        2,
        55,
        /^Invalid segments of the fault split-answer: expected a whole number from 2 to 100, not 1$/,
      ],
      [
        "no kind",
        "rules:\n  - outcome: { fault: { segments: 3 } }\n",
        "missing-key",
        2,
        23,
        /^The fault has no "kind"/,
      ],
      [
        "approve-then-drop with a refusal",
        "rules:\n  - outcome: { result: refused, fault: approve-then-drop }\n",
        "conflict",
        2,
        24,
        /^"approve-then-drop" approves: it goes with the result approved, not with AF=04$/,
      ],
      [
        "busy with a result",
        "rules:\n  - outcome: { result: approved, fault: busy }\n",
        "conflict",
        2,
        24,
        /^"busy" answers AE=01 AF=07 by itself/,
      ],
      [
        "a fault's name where a result goes",
        "rules:\n  - outcome: { result: no-answer }\n",
        "value",
        2,
        24,
        /^Unknown result "no-answer": it is a fault, which goes under "fault": \{ fault: no-answer \}$/,
      ],
      [
        "a typo of a fault as the outcome",
        "rules:\n  - outcome: garbage\n",
        "value",
        2,
        14,
        /^Unknown result "garbage": .*or a fault such as "no-answer"/,
      ],
    ];
    for (const [name, text, kind, line, column, message] of cases) {
      assert.throws(() => parseScenario(text, "f.yaml"), (error: unknown) => {
        assert.ok(error instanceof ScenarioError, name);
        const problem = error.problems[0];
        assert.equal(problem.kind, kind, `${name}: ${problem.message}`);
        assert.deepEqual(
          [problem.line, problem.column],
          [line, column],
          `${name}: ${problem.message}`,
        );
        assert.match(problem.message, message, name);
        return true;
      });
    }
  });
});

Deno.test("each fault's definition is what the decision and the delivery do", async (t) => {
  const answer = encode(plan(DEBIT).answer);
  await t.step("immediate: the settings' delay is skipped, for those only", () => {
    for (const kind of FAULT_KINDS) {
      const p = plan(DEBIT, { delayMs: 700 }, { status: "approved", fault: { kind } as FaultSpec });
      assert.equal(p.delayMs, FAULTS[kind].immediate ? 0 : 700, kind);
    }
  });
  await t.step("deliver: absent means the answer whole, as usual", () => {
    for (const kind of FAULT_KINDS) {
      const d = planDelivery({ kind } as FaultSpec, answer, seededRandom(1));
      assert.equal(d.asUsual, FAULTS[kind].deliver === undefined, kind);
    }
  });
  await t.step("needs: the scenario reader's conflicts, in the fault's words", () => {
    assert.equal(
      faultConflict({ kind: "approve-then-drop" }, {
        status: "not-done",
        complement: "04",
        written: true,
      }),
      '"approve-then-drop" approves: it goes with the result approved, not with AF=04',
    );
    assert.equal(
      faultConflict({ kind: "approve-then-drop" }, { status: "approved", written: true }),
      undefined,
    );
    assert.equal(
      faultConflict({ kind: "busy" }, { status: "approved", written: true }),
      '"busy" answers AE=01 AF=07 by itself: give no result with it',
    );
    assert.equal(
      faultConflict({ kind: "busy" }, { status: "approved", written: false }),
      undefined,
    );
    assert.equal(faultConflict(undefined, { status: "not-done", written: true }), undefined);
  });
  await t.step("afterDecision: refuse-connections stops listening for its period", () => {
    const calls: [number, number | undefined][] = [];
    const terminal = { refuseConnections: (ms: number, id?: number) => calls.push([ms, id]) };
    afterDecision({ kind: "refuse-connections", periodMs: 1500 }, terminal, 4);
    afterDecision({ kind: "refuse-connections" }, terminal, 5);
    afterDecision({ kind: "reset" }, terminal, 6);
    afterDecision(undefined, terminal, 7);
    assert.deepEqual(calls, [[1500, 4], [5000, 5]]);
  });
  await t.step("faultValues: by name, the defaults filled in", () => {
    assert.deepEqual(faultValues({ kind: "slow-answer", bytes: 2 }), { bytes: 2, intervalMs: 100 });
    assert.deepEqual(faultValues({ kind: "truncated-answer" }), { at: undefined });
    assert.deepEqual(faultValues({ kind: "reset" }), {});
  });
});
