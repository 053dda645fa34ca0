// The diagnosis end to end: scripted points of sale over TCP play the standard campaign
// against a real simulator on 127.0.0.1, at a small time scale.
import assert from "node:assert/strict";
import { startTerminal } from "../lib/fixture.ts";
import { FINDING_CODE_NAMES, STANDARD_CAMPAIGN } from "../lib/diagnosis/mod.ts";
import { NAIVE, playCampaign } from "./pos_script.ts";

const SCALE = 0.01;

function options() {
  return {
    campaign: STANDARD_CAMPAIGN,
    timeScale: SCALE,
    // The cases' delays are the settings' (3 s, scaled).
    settings: { delayMs: 3000 },
  };
}

Deno.test("the standard campaign over TCP", async (t) => {
  await t.step("a naive POS gets every finding code", async () => {
    await using terminal = await startTerminal(options());
    const changes: string[] = [];
    terminal.watch!.on("finding", ({ detail }) => {
      if (detail.new) changes.push(detail.finding.code);
    });
    // The naive POS, as two registers: one gives up too early, one never does.
    await playCampaign(terminal.endpoint, NAIVE, { register: "01", timeScale: SCALE });
    await playCampaign(terminal.endpoint, { noTimeout: true }, {
      register: "02",
      timeScale: SCALE,
      firstAmount: 5000,
    });
    const findings = terminal.findings();
    const codes = new Set(findings.map((f) => f.code));
    assert.deepEqual(FINDING_CODE_NAMES.filter((code) => !codes.has(code)), []);
    const kinds = new Set(
      findings.filter((f) => f.code === "request-nonconformant").map((f) => f.kind),
    );
    for (const kind of ["serial-framing", "bf-sent", "format-cb", "bytes-after-answer"]) {
      assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(", ")}`);
    }
    assert.ok(findings.every((f) => f.pos.address === "127.0.0.1"));
    assert.deepEqual(new Set(changes), codes);
    const state = terminal.watch!.campaignState()!;
    assert.equal(state.over, true);
    const results = state.registers[0].results;
    const seen = (name: string) => results.find((r) => r.name === name)!.findings;
    assert.ok(seen("split-answer").includes("reads-once"), JSON.stringify(results));
    assert.ok(seen("terminal-timeout").includes("gives-up-early"), JSON.stringify(results));
  });
  await t.step("a careful POS gets no money nor failure finding", async () => {
    await using terminal = await startTerminal(options());
    await playCampaign(terminal.endpoint, {}, { timeScale: SCALE });
    const serious = terminal.findings().filter((f) =>
      f.severity === "money" || f.severity === "failure"
    );
    assert.deepEqual(serious, []);
    const state = terminal.watch!.campaignState()!;
    assert.equal(state.over, true);
    assert.deepEqual(terminal.watch!.campaign!.unreached(), []);
  });
});
