// Garbage collection under load: the same load as bench:load (N concurrent POS, one
// connection per transaction) against the bare server and the simulator, each run with V8's
// --trace-gc-nvp, then what the collector did during the measured transactions. The young
// collections' cost grows with what is still alive when they run: a server that lets go of
// a transaction's objects once it is answered keeps that small.
//
//   deno task bench:gc [--concurrency 20] [--total 20000] [--warmup 20000]
//                      [--simulators caisse-ap,+findings]
//
// Per server: the young collections (scavenges) and their pause on the main thread and work
// on V8's helper threads, in microseconds per transaction; the objects they found alive
// (kept in the young generation or promoted to the old one), on average per collection; the
// full collections and their pause.
import { load } from "./load.ts";
import { fixed, options, SIMULATOR_ARGS, startProgram } from "./_util.ts";

/** One line of --trace-gc-nvp: a collection, with its figures. */
type GcRecord = Record<string, number | string | boolean>;

/** The collections a program printed, from the text of its standard output. */
export function gcRecords(text: string): GcRecord[] {
  const records: GcRecord[] = [];
  for (const line of text.split("\n")) {
    const start = line.indexOf("GC: {");
    if (start < 0) continue;
    try {
      records.push(JSON.parse(line.slice(start + 4)));
    } catch { /* a line cut by the end of the run */ }
  }
  return records;
}

/** What the collections of a measured run cost, per transaction and per collection. */
export function gcSummary(records: GcRecord[], transactions: number) {
  const young = records.filter((r) => r.gc === "s" || r.gc === "mms");
  const full = records.filter((r) => r.gc === "mc" || r.gc === "ms");
  const sum = (list: GcRecord[], key: string) =>
    list.reduce((n, r) => n + (typeof r[key] === "number" ? r[key] as number : 0), 0);
  const perYoung = (key: string) => young.length ? sum(young, key) / young.length / 1024 : 0;
  return {
    young: young.length,
    youngPauseUs: (sum(young, "pause") * 1000) / transactions,
    youngHelpersUs: (sum(young, "background.scavenge.parallel") * 1000) / transactions,
    survivedKiB: perYoung("new_space_survived"),
    promotedKiB: perYoung("promoted"),
    full: full.length,
    fullPauseMs: sum(full, "pause"),
  };
}

/** The servers measured, as bench:load names them. */
const SERVERS: Record<string, [string, string[]]> = {
  "bare": ["tests/bench/bare_server.ts", []],
  "caisse-ap": ["server.ts", ["--no-diagnosis"]],
  "+findings": ["server.ts", []],
};

if (import.meta.main) {
  const args = options(Deno.args, {
    concurrency: "20",
    total: "20000",
    warmup: "20000",
    simulators: "caisse-ap,+findings",
  });
  const concurrency = Number(args.concurrency);
  const total = Number(args.total);
  const warmup = Number(args.warmup);
  const names = ["bare", ...args.simulators.split(",").filter((name) => name in SERVERS)];
  console.log(
    `${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}; ${total} transactions ` +
      `per server with ${concurrency} connections at once, after ${warmup} to warm up ` +
      `(the young generation grows to its size meanwhile)`,
  );
  console.log(
    "server      young  pause µs/tx  helpers µs/tx  alive KiB  promoted KiB  full  full pause ms",
  );
  for (const name of names) {
    const [script, extra] = SERVERS[name];
    let output = "";
    const program = await startProgram(
      script,
      script === "server.ts" ? [...SIMULATOR_ARGS, ...extra] : extra,
      { denoFlags: ["--v8-flags=--trace-gc-nvp"], onOutput: (text) => output += text },
    );
    try {
      if (warmup > 0) await load(program.port, concurrency, warmup);
      output = "";
      const result = await load(program.port, concurrency, total);
      // The last lines reach the pipe a little after the last answer.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const s = gcSummary(gcRecords(output), total);
      console.log(
        [
          name.padEnd(10),
          String(s.young).padStart(6),
          fixed(s.youngPauseUs, 2).padStart(12),
          fixed(s.youngHelpersUs, 2).padStart(14),
          fixed(s.survivedKiB, 0).padStart(10),
          fixed(s.promotedKiB, 0).padStart(13),
          String(s.full).padStart(5),
          fixed(s.fullPauseMs, 1).padStart(14),
        ].join(" ") + (result.errors ? `  (${result.errors} errors)` : ""),
      );
    } finally {
      await program.stop();
    }
  }
}
