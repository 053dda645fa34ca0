// Campaigns, pure: the standard campaign as data, the run's state machine, and the
// reader of campaign files.
import assert from "node:assert/strict";
import { CampaignRun, parseCampaign, STANDARD_CAMPAIGN } from "../lib/diagnosis/campaign.ts";
import { FINDING_CODE_NAMES } from "../lib/diagnosis/codes.ts";
import { Diagnosis } from "../lib/diagnosis/diagnosis.ts";
import { checkFault, FAULT_KINDS } from "../lib/terminal/fault.ts";
import { ScenarioError } from "../lib/terminal/scenario.ts";
import { at, request, Session } from "./diagnosis_records.ts";

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
    s.pay({ at: 3.5, raw: request({ amount: "1000" }), outcome: "declined", end: null });
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
