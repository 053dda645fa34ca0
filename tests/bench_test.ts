// The benchmark and load tools still work: each runs with tiny figures and prints its
// report. Nothing here times anything: the figures are for `deno task bench`.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

async function tool(script: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `tests/bench/${script}`, ...args],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, stdout + new TextDecoder().decode(output.stderr));
  return stdout;
}

Deno.test("the benchmark tools run and report", async (t) => {
  await t.step("load: simulator against the bare server, no error", async () => {
    const out = await tool("load.ts", [
      "--concurrency",
      "2,4",
      "--total",
      "40",
      "--rounds",
      "2",
      "--warmup",
      "20",
    ]);
    assert.match(out, /^bare +2 +80 /m);
    // The warm-up's own figures, every server's.
    assert.match(
      out,
      /^Warm-up, each server's first 20 transactions \(2 connections\), before the rounds: bare \d+ tx\/s( \d+ µs\/tx)?, 0 errors; caisse-ap .*, 0 errors; \+findings .*, 0 errors; tap\+sim .*, 0 errors$/m,
    );
    assert.match(out, /^caisse-ap +4 +80 /m);
    assert.match(out, /^\+findings +4 +80 /m);
    assert.match(
      out,
      /^caisse-ap, 2 connections: [\d.]+ % of the bare server's throughput \(median of 2 rounds; [\d.]+ to [\d.]+ %\), 0 errors$/m,
    );
    assert.match(out, /^caisse-ap, 4 connections: [\d.]+ % .*, 0 errors$/m);
    assert.match(out, /^\+findings, 4 connections: [\d.]+ % .*, 0 errors$/m);
    // Each round on its own, every server with its CPU per transaction.
    assert.match(
      out,
      /^ {2}4 connections, round 2: bare \d+ tx\/s( \d+ µs\/tx)?; caisse-ap \d+ tx\/s( \d+ µs\/tx)?, [\d.]+ %; \+findings \d+ tx\/s( \d+ µs\/tx)?, [\d.]+ %$/m,
    );
    // Forward mode: the tap in front of the simulator.
    assert.match(out, /^tap\+sim +4 +80 /m);
    assert.match(
      out,
      /^2 connections, forward mode \(tap in front of the simulator\): [\d.]+ % of the simulator alone's throughput \([\d.]+ to [\d.]+ %\), 0 errors$/m,
    );
  });
  await t.step("many cardholders", async () => {
    const out = await tool("cardholders.ts", ["--pos", "5", "--delay", "0.1"]);
    assert.match(
      out,
      /^5 POS paying at once, terminal delay 0\.1 s: last answer after [\d.]+ s .*, 0 errors/m,
    );
  });
  await t.step("idle connections", async () => {
    const out = await tool("idle.ts", ["--connections", "20", "--hold", "0.2"]);
    assert.match(out, /^20 idle connections: .* a payment meanwhile was answered$/m);
  });
  await t.step("start-up", async () => {
    const out = await tool("startup.ts", ["--runs", "1"]);
    assert.match(out, /^start-up over 1 runs .* ratio to the hello-world:$/m);
    assert.match(out, /^hello-world +\d+ ms \(\d+-\d+\) +1\.00x$/m);
    for (
      const label of [
        "commander --help",
        "client.ts --help",
        "server.ts --help",
        "server.ts listening",
      ]
    ) {
      assert.match(out, new RegExp(`^${label} +\\d+ ms \\(\\d+-\\d+\\) +\\d+\\.\\d\\dx$`, "m"));
    }
  });
  await t.step("garbage collection under load", async () => {
    const out = await tool("gc.ts", ["--total", "300", "--warmup", "0", "--concurrency", "4"]);
    for (const name of ["bare", "caisse-ap", "\\+findings"]) {
      assert.match(
        out,
        new RegExp(`^${name} +\\d+ +[\\d.]+ +[\\d.]+ +\\d+ +\\d+ +\\d+ +[\\d.]+$`, "m"),
      );
    }
  });
});

Deno.test("bench:gc reads V8's collection lines", async () => {
  const { gcRecords, gcSummary } = await import("./bench/gc.ts");
  const text = [
    "Listening on 127.0.0.1:1234",
    '[1:0x1]  35 ms: GC: {"pause":2,"gc":"s","new_space_survived":2048,"promoted":1024,"background.scavenge.parallel":1}',
    '[1:0x1]  36 ms: GC: {"pause":4,"gc":"s","new_space_survived":4096,"promoted":3072,"background.scavenge.parallel":3}',
    '[1:0x1]  40 ms: GC: {"pause":1.5,"gc":"mc"}',
    '[1:0x1]  41 ms: GC: {"pause":1,"gc":"s","new_sp', // cut by the end of the run
  ].join("\n");
  const records = gcRecords(text);
  assert.equal(records.length, 3);
  assert.deepEqual(gcSummary(records, 1000), {
    young: 2,
    youngPauseUs: 6,
    youngHelpersUs: 4,
    survivedKiB: 3,
    promotedKiB: 2,
    full: 1,
    fullPauseMs: 1.5,
  });
});
