// server.ts loads the diagnosis after it listens: the lazy watch captures the simulator's
// events from the start, and the watch loaded later folds them as a watch attached from
// the start would have (the same findings), then the rest as they come.
import assert from "node:assert/strict";
import { pay } from "../lib/pos.ts";
import { assembleTerminal } from "../lib/terminal/assemble_core.ts";
import { DIAGNOSIS_DEFAULTS } from "../lib/diagnosis/codes.ts";
import { type FindingChange, PosWatch } from "../lib/terminal/watch.ts";
import { NO_ANSWER_MARGIN_MS } from "../lib/terminal/watch_lazy.ts";

/** A POS that pays the same amount twice, then sends a request glued to garbage. */
async function traffic(port: number): Promise<void> {
  const endpoint = { host: "127.0.0.1", port };
  assert.equal((await pay({ amount: 1250 }, endpoint)).answer.approved, true);
  assert.equal((await pay({ amount: 1250 }, endpoint)).answer.approved, true);
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  await connection.write(new TextEncoder().encode("CZ00040300CJ012caisse-ap-01CA002BF"));
  await connection.closeWrite();
  for await (const _ of connection.readable) { /* until the terminal closes */ }
}

Deno.test("the watch loaded late folds what came before it", async (t) => {
  const terminal = assembleTerminal({
    simulator: { hostname: "127.0.0.1", port: 0, timeScale: 0.01 },
    settings: { delayMs: 0 },
    diagnosis: {},
    journal: {},
    control: {},
  });
  // The reference: a watch attached from the start.
  const reference = new PosWatch();
  reference.attach(terminal.simulator);
  try {
    await t.step("nothing is loaded before it is asked for", () => {
      assert.ok(terminal.lazyWatch);
      assert.equal(terminal.watch, undefined);
    });
    const { port } = await terminal.simulator.start();
    await traffic(port);
    const expected = reference.findings();
    assert.ok(expected.length > 0, "the traffic makes findings");
    const early: FindingChange[] = [];
    let folded = -1;
    terminal.lazyWatch!.use((watch) => {
      // Before it folds anything: what was captured is not folded yet.
      folded = watch.diagnosis.findings().length;
      watch.on("finding", ({ detail }) => early.push(detail));
    });
    const watch = await terminal.lazyWatch!.load();
    await t.step("what was captured before it is folded, as a watch from the start does", () => {
      assert.equal(folded, 0);
      assert.equal(terminal.watch, watch);
      assert.deepEqual(watch.findings(), expected);
      assert.deepEqual(
        early.filter((change) => change.new).map((change) => change.finding.code).sort(),
        expected.map((finding) => finding.code).sort(),
      );
    });
    await t.step("then what comes, as it comes", async () => {
      await traffic(port);
      assert.deepEqual(watch.findings(), reference.findings());
      assert.notDeepEqual(watch.findings(), expected);
    });
    await t.step("the control API finds it", async () => {
      const { watchOf } = await import("../lib/terminal/watch.ts");
      assert.equal(watchOf(terminal.control!), watch);
    });
  } finally {
    await terminal.close();
    reference.close();
    await terminal.simulator.close();
  }
});

Deno.test("the no-answer limit before the watch is loaded is the watch's", async (t) => {
  await t.step("the default margin is the diagnosis's", () => {
    assert.equal(NO_ANSWER_MARGIN_MS, DIAGNOSIS_DEFAULTS.noAnswerMarginMs);
  });
  for (
    const [name, settings, timeScale, diagnosis] of [
      ["the defaults", {}, 1, {}],
      ["a time scale", {}, 0.01, {}],
      ["an input time-out", { inputTimeoutMs: 30_000 }, 0.5, {}],
      ["a limit in the settings", { noAnswerLimitMs: 5_000 }, 0.1, {}],
      ["a margin in the diagnosis", {}, 1, { noAnswerMarginMs: 1_000 }],
      ["a limit in the diagnosis", {}, 1, { noAnswerLimitMs: 7_000 }],
    ] as const
  ) {
    await t.step(name, async () => {
      const terminal = assembleTerminal({
        simulator: { hostname: "127.0.0.1", port: 0, timeScale },
        settings,
        diagnosis: diagnosis,
      });
      try {
        const before = terminal.lazyWatch!.noAnswerLimitMs;
        const hold = terminal.holdMs!();
        const watch = await terminal.lazyWatch!.load();
        assert.equal(before, watch.noAnswerLimitMs);
        assert.equal(hold, terminal.holdMs!());
      } finally {
        await terminal.close();
      }
    });
  }
});

Deno.test("a watch closed before it is loaded is closed once it is", async () => {
  const terminal = assembleTerminal({ diagnosis: {} });
  await terminal.close();
  const watch = await terminal.lazyWatch!.load();
  assert.deepEqual(watch.findings(), []);
});
