// Campaigns, pure: the standard campaign as data, the run's state machine, and the
// reader of campaign files.
import assert from "node:assert/strict";
import { CampaignRun, parseCampaign, STANDARD_CAMPAIGN } from "../lib/diagnosis/campaign.ts";
import { FINDING_CODE_NAMES } from "../lib/diagnosis/codes.ts";
import { Diagnosis } from "../lib/diagnosis/diagnosis.ts";
import { checkFault, FAULT_KINDS } from "../lib/terminal/fault.ts";
import { ScenarioError } from "../lib/terminal/scenario.ts";
import { at, request, Session, T0 } from "./diagnosis_records.ts";

const payment = (id: number, ca = "01", cd = "0", peer = `10.0.0.5:${50000 + id}`) => ({
  transactionId: id,
  peer,
  fields: { CA: ca, CD: cd },
});

Deno.test("the standard campaign", async (t) => {
  const cases = STANDARD_CAMPAIGN.cases;
  await t.step("covers what the issue lists", () => {
    const names = cases.map((c) => c.name);
    for (
      const name of [
        "approval",
        "refused",
        "forbidden",
        "cardholder-abandon",
        "cheque",
        "partial-approval",
        "terminal-timeout",
        "operator-abandon",
        "busy",
        "split-answer",
        "slow-answer",
        "garbage-answer",
        "truncated-answer",
        "approve-then-drop",
        "no-answer",
        "close",
        "reset",
        "refuse-connections",
      ]
    ) assert.ok(names.includes(name), name);
    assert.equal(new Set(names).size, names.length, "names are unique");
  });
  await t.step("every fault, every refusal code, every finding code", () => {
    const faults = new Set(cases.map((c) => c.outcome.fault?.kind).filter(Boolean));
    assert.deepEqual([...faults].sort(), FAULT_KINDS.filter((k) => k !== "none").sort());
    const complements = new Set(cases.map((c) => c.outcome.complement).filter(Boolean));
    for (const af of ["02", "04", "05", "06", "08", "11"]) assert.ok(complements.has(af), af);
    const revealed = new Set(cases.flatMap((c) => c.reveals));
    assert.deepEqual([...revealed].sort(), [...FINDING_CODE_NAMES].sort());
  });
  await t.step("every case is valid and says what to do", () => {
    for (const c of cases) {
      if (c.outcome.fault) assert.equal(checkFault(c.outcome.fault), undefined, c.name);
      assert.match(c.instruction, /^[A-Z].*[.]$/, c.name);
    }
    assert.ok(cases.find((c) => c.name === "partial-approval")!.outcome.approvedAmount);
  });
  await t.step("each case whose outcome the POS cannot know is followed by a payment", () => {
    const unknown = [
      "garbage-answer",
      "truncated-answer",
      "approve-then-drop",
      "no-answer",
      "close",
      "reset",
    ];
    for (const name of unknown) {
      const at = cases.findIndex((c) => c.name === name);
      assert.ok(at >= 0 && at < cases.length - 1, name);
    }
  });
});

Deno.test("CampaignRun", async (t) => {
  await t.step("the Nth debit or credit of a register gets the Nth case", () => {
    const run = new CampaignRun(STANDARD_CAMPAIGN);
    assert.equal(run.choose(payment(1))?.case.name, "approval");
    assert.equal(run.choose(payment(2, "01", "I")), undefined); // identification
    assert.equal(run.choose(payment(3, "01", "2")), undefined); // cancellation
    assert.equal(run.choose(payment(4, "01", "1"))?.case.name, "refused"); // a credit counts
    assert.equal(run.choose(payment(5, "02"))?.case.name, "approval"); // another register
    assert.equal(run.choose(payment(6, "01", "0", "10.0.0.9:1"))?.position, 1); // another POS
    assert.equal(run.choose(payment(7))?.position, 3);
  });
  await t.step("state: the case now, what was seen, over, restart", () => {
    const campaign = { name: "two", cases: STANDARD_CAMPAIGN.cases.slice(0, 2) };
    const run = new CampaignRun(campaign);
    let state = run.state();
    assert.deepEqual([state.now?.name, state.now?.status, state.over, state.total], [
      "approval",
      "next",
      false,
      2,
    ]);
    const s = new Session();
    s.pay({ at: 1, raw: request({ amount: "1000" }) });
    s.pay({ at: 5, raw: request({ amount: "1000" }), outcome: "declined", end: null });
    const diagnosis = new Diagnosis();
    run.choose(payment(1));
    run.choose(payment(2));
    for (const record of s.records) {
      run.add(record);
      run.see(diagnosis.add(record));
    }
    state = run.state();
    assert.deepEqual([state.now?.name, state.now?.status], ["refused", "in-progress"]);
    assert.equal(state.over, false);
    const [first, second] = state.registers[0].results;
    assert.deepEqual(
      [first.status, first.outcome, first.state, first.findings],
      ["done", "approved", "answered", ["duplicate-after-approval"]],
    );
    assert.deepEqual([second.status, second.outcome], ["in-progress", "declined"]);
    run.add({
      type: "end",
      run: "test",
      id: 2,
      state: "answered",
      endedAt: at(9),
    });
    assert.equal(run.over, true);
    assert.equal(run.state().now, undefined);
    assert.equal(run.choose(payment(9)), undefined); // played every case
    assert.deepEqual(run.unreached(), []);
    run.restart();
    assert.deepEqual(run.state().registers, []);
    assert.equal(run.choose(payment(10))?.position, 1);
  });
  await t.step("unreached cases", () => {
    const run = new CampaignRun(STANDARD_CAMPAIGN);
    assert.equal(run.unreached()[0].pos, undefined);
    run.choose(payment(1));
    const [left] = run.unreached();
    assert.deepEqual(left.pos, { address: "10.0.0.5", register: "01" });
    assert.equal(left.cases.length, STANDARD_CAMPAIGN.cases.length - 1);
    assert.equal(left.cases[0], "refused");
  });
  await t.step("a campaign without cases is refused", () => {
    assert.throws(() => new CampaignRun({ name: "empty", cases: [] }), RangeError);
  });
});

Deno.test("parseCampaign", async (t) => {
  await t.step("cases with outcomes, faults, both, instructions and codes", () => {
    const campaign = parseCampaign(
      `description: three cases
settings:
  duration: 0.5
cases:
  - name: refused
    outcome: refused
    instruction: Pay 12.50
  - name: lost
    fault: approve-then-drop
    reveals: [resends-after-unknown]
  - name: slow refusal in pieces
    outcome: { result: "04", delay: 2 }
    fault: { kind: split-answer, segments: 3, gap: 0.2 }
    reveals: reads-once
`,
      "three.yaml",
    );
    assert.equal(campaign.name, "three.yaml");
    assert.equal(campaign.description, "three cases");
    assert.deepEqual(campaign.settings, { delayMs: 500 });
    assert.deepEqual(campaign.cases.map((c) => c.outcome), [
      { status: "not-done", complement: "04" },
      { status: "approved", fault: { kind: "approve-then-drop" } },
      {
        status: "not-done",
        complement: "04",
        delay: { minMs: 2000, maxMs: 2000 },
        fault: { kind: "split-answer", segments: 3, gapMs: 200 },
      },
    ]);
    assert.deepEqual(campaign.cases.map((c) => c.instruction), [
      "Pay 12.50",
      "Pay any amount on the POS now",
      "Pay any amount on the POS now",
    ]);
    assert.deepEqual(campaign.cases.map((c) => c.reveals), [[], ["resends-after-unknown"], [
      "reads-once",
    ]]);
  });
  await t.step("a bare list of cases; a fault's name as the outcome", () => {
    const campaign = parseCampaign("- name: quiet\n  outcome: no-answer\n");
    assert.deepEqual(campaign.cases[0].outcome, {
      status: "approved",
      fault: { kind: "no-answer" },
    });
  });
  await t.step("every problem, with its line", () => {
    const text = `cases:
  - name: a
    outcom: refused
  - name: b
    outcome: refusd
  - outcome: approved
  - name: d
    fault: approve-then-drop
    reveals: [reads-twice]
  - name: e
`;
    let error: ScenarioError | undefined;
    try {
      parseCampaign(text, "bad.yaml");
    } catch (e) {
      if (e instanceof ScenarioError) error = e;
    }
    assert.ok(error);
    const lines = error.problems.map((p) => [p.line, p.message]);
    assert.equal(lines.length, 6);
    assert.ok(
      lines.some(([line, m]) => line === 3 && /"outcom".*did you mean "outcome"/.test(String(m))),
    );
    assert.ok(lines.some(([line, m]) => line === 2 && /no "outcome" nor "fault"/.test(String(m))));
    assert.ok(
      lines.some(([line, m]) => line === 5 && /refusd.*did you mean "refused"/.test(String(m))),
    );
    assert.ok(lines.some(([line, m]) => line === 6 && /no "name"/.test(String(m))));
    assert.ok(
      lines.some(([line, m]) =>
        line === 9 && /reads-twice.*did you mean "reads-once"/.test(String(m))
      ),
    );
    assert.ok(lines.some(([line, m]) => line === 10 && /no "outcome" nor "fault"/.test(String(m))));
    assert.match(error.message, /^bad\.yaml:2:5: /);
  });
  await t.step("not YAML, no cases, a conflict the scenario reader refuses", () => {
    assert.throws(() => parseCampaign("cases: [", "x.yaml"), /x\.yaml:\d+:\d+: Invalid YAML/);
    assert.throws(() => parseCampaign("description: nothing\n"), /no "cases"/);
    assert.throws(
      () => parseCampaign("- name: x\n  outcome: refused\n  fault: approve-then-drop\n"),
      /approve-then-drop.*approves/,
    );
  });
});

/** What a simulated POS does wrong; every defect off is a careful POS. */
interface Defects {
  /** Sends BF=0 with every request. */
  bf?: boolean;
  /** Sends its first payment as 0.05 with one digit, CB0015. */
  oneDigit?: boolean;
  /** Closes after the first piece of a split or slow answer. */
  readsOnce?: boolean;
  /** Gives up this many seconds after its request. Default 180 s. */
  giveUpAfter?: number;
  /** Has no answer time-out at all. */
  noTimeout?: boolean;
  /** Takes the same payment again after an answer that did not come. */
  resends?: boolean;
  /** Treats a partial approval as whole. */
  ignoresPartial?: boolean;
  /** A double click: the same request again while the first is in progress. */
  doubleClick?: boolean;
  /** Submits an approved payment again just after. */
  resubmits?: boolean;
}

const UNKNOWN = new Set([
  "garbage-answer",
  "truncated-answer",
  "approve-then-drop",
  "no-answer",
  "close-before-answer",
  "reset",
]);

/**
 * Plays the standard campaign with a simulated POS, as the simulator would journal it:
 * each payment gets its case, its records follow the case's outcome and fault, and the
 * POS reacts as its defects say.
 */
function play(defects: Defects): { run: CampaignRun; diagnosis: Diagnosis } {
  const run = new CampaignRun(STANDARD_CAMPAIGN);
  const diagnosis = new Diagnosis();
  const s = new Session();
  const more = defects.bf ? "BF0010" : "";
  let now = 1;
  let amount = 1000;
  let next: string | undefined; // the request the POS sends next, if not a new one
  const giveUp = defects.noTimeout ? Infinity : defects.giveUpAfter ?? 180;
  const send = (raw: string) => {
    const fields = Object.fromEntries(
      [...raw.matchAll(/([A-Z]{2})(\d{3})/g)].map((m) => [m[1], ""]),
    );
    for (const tag of ["CA", "CD"]) fields[tag] = /CA002(\d\d)/.exec(raw)![1];
    fields.CD = /CD001(.)/.exec(raw)![1];
    const id = s.records.filter((r) => r.type === "transaction").length + 1;
    return run.choose({ transactionId: id, peer: `10.0.0.5:${50000 + id}`, fields });
  };
  if (defects.oneDigit) {
    // Rejected AF=09 by the request itself: no case is played.
    s.pay({ at: now, raw: request({ amount: "5", more }), outcome: "rejected", delay: 0 });
    now += 10;
  }
  for (let guard = 0; guard < 60 && !run.over; guard++) {
    const raw = next ?? request({ amount: String(++amount), more });
    next = undefined;
    const choice = send(raw);
    if (!choice) break;
    const outcome = choice.case.outcome;
    const fault = outcome.fault?.kind;
    const immediate = fault === "busy" || fault === "close-before-answer" || fault === "reset";
    const delay = outcome.delay ? outcome.delay.minMs / 1000 : immediate ? 0 : 3;
    const approved = outcome.status === "approved" && fault !== "busy";
    const asked = Number(/CB\d{3}(\d+)/.exec(raw)![1]);
    const base = {
      at: now,
      raw,
      delay,
      outcome: approved ? "approved" as const : "declined" as const,
      ...(fault ? { fault: outcome.fault } : {}),
      ...(outcome.approvedAmount ? { approvedAmount: String(Math.floor(asked / 2)) } : {}),
      peer: `10.0.0.5:${50001 + s.records.filter((r) => r.type === "transaction").length}`,
    };
    if (fault === "no-answer") {
      const closeAt = Math.min(giveUp, 200); // the terminal ends the hold at 200 s
      const { id, connectionId } = s.pay({ ...base, end: null });
      s.event({
        type: "disconnect",
        connectionId,
        at: at(now + closeAt),
        by: closeAt < 200 ? "pos" : "terminal",
        phase: "held",
        transactionId: id,
      });
      s.records.push({
        type: "end",
        run: "test",
        id,
        state: "dropped",
        endedAt: at(now + closeAt),
        sent: "",
      });
      now += closeAt + 5;
    } else if (fault && UNKNOWN.has(fault)) {
      s.pay({ ...base, end: { state: "dropped", after: delay + 0.01, sent: "" } });
      now += delay + 5;
    } else if (giveUp < delay) {
      const { id, connectionId } = s.pay({
        ...base,
        end: { state: "client-gone", after: delay, peerClosedEarly: true },
      });
      s.records.splice(s.records.length - 1, 0, {
        type: "disconnect",
        connectionId,
        at: at(now + giveUp),
        by: "pos",
        phase: "waiting",
        transactionId: id,
      });
      now += delay + 5;
    } else if ((fault === "split-answer" || fault === "slow-answer") && defects.readsOnce) {
      const span = fault === "split-answer" ? 0.5 : 4;
      const { id, connectionId } = s.pay({
        ...base,
        end: { state: "answered", after: delay + span },
      });
      s.event({
        type: "disconnect",
        connectionId,
        at: at(now + delay + 0.05),
        by: "pos",
        phase: "answering",
        transactionId: id,
        segmentsSent: 1,
        segmentsPlanned: fault === "split-answer" ? 2 : 30,
      });
      now += delay + span + 5;
    } else {
      s.pay(base);
      if (defects.doubleClick && choice.position === 1) {
        // The second click, while the first waits; it plays the next case.
        const second = send(raw)!;
        s.pay({
          ...base,
          at: now + 0.5,
          outcome: second.case.outcome.status === "approved" ? "approved" : "declined",
        });
      }
      if (defects.resubmits && choice.case.name === "approval-after-faults") {
        // Submitted again once approved: past the last case, the settings approve it.
        const again = send(raw);
        s.pay({
          ...base,
          at: now + delay + 1,
          outcome: !again || again.case.outcome.status === "approved" ? "approved" : "declined",
        });
      }
      now += delay + (fault === "split-answer" ? 0.5 : fault === "slow-answer" ? 4 : 0) + 1;
    }
    if (fault && UNKNOWN.has(fault) && defects.resends) next = raw;
    if (outcome.approvedAmount && !defects.ignoresPartial) {
      next = request({ amount: String(asked - Math.floor(asked / 2)), more });
    }
    now += 20;
  }
  for (const record of s.records) {
    run.add(record);
    run.see(diagnosis.add(record));
  }
  run.see(diagnosis.tick(T0 + (now + 1000) * 1000));
  return { run, diagnosis };
}

Deno.test("the standard campaign reveals each defect of a simulated POS", async (t) => {
  await t.step("a naive POS gets every code", () => {
    const { run, diagnosis } = play({
      bf: true,
      oneDigit: true,
      readsOnce: true,
      giveUpAfter: 30,
      resends: true,
      ignoresPartial: true,
      doubleClick: true,
      resubmits: true,
    });
    assert.equal(run.over, true);
    const codes = new Set(diagnosis.findings().map((f) => f.code));
    const missing = FINDING_CODE_NAMES.filter((c) => !codes.has(c) && c !== "no-answer-timeout");
    assert.deepEqual(missing, []);
    // The cases show what they were designed to reveal.
    const results = run.state().registers[0].results;
    const seen = (name: string) => results.find((r) => r.name === name)!.findings;
    assert.ok(seen("split-answer").includes("reads-once"));
    assert.ok(seen("approve-then-drop").includes("resends-after-unknown"));
    assert.ok(seen("terminal-timeout").includes("gives-up-early"));
  });
  const alone: [Defects, string[]][] = [
    [{ readsOnce: true }, ["reads-once"]],
    [{ giveUpAfter: 30 }, ["gives-up-early"]],
    [{ noTimeout: true }, ["no-answer-timeout"]],
    [{ resends: true }, ["resends-after-unknown"]],
    [{ ignoresPartial: true }, ["ignores-partial-approval"]],
    [{ doubleClick: true }, ["overlapping-requests"]],
    [{ resubmits: true }, ["duplicate-after-approval"]],
    [{ bf: true }, ["request-nonconformant"]],
    [{ oneDigit: true }, ["request-nonconformant"]],
  ];
  for (const [defects, expected] of alone) {
    await t.step(`one defect alone: ${JSON.stringify(defects)}`, () => {
      const { diagnosis } = play(defects);
      assert.deepEqual([...new Set(diagnosis.findings().map((f) => f.code))], expected);
    });
  }
  await t.step("a careful POS gets no finding, and plays every case", () => {
    const { run, diagnosis } = play({});
    assert.deepEqual(diagnosis.findings(), []);
    assert.equal(run.over, true);
    assert.deepEqual(run.unreached(), []);
  });
});
