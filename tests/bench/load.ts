// Load tool: N concurrent POS, M transactions in all, one fresh TCP connection per
// transaction (as real POS do), against the simulator (server.ts, no delay) and, in the same
// run, against a bare Deno server that answers a fixed frame without parsing. Each server
// runs in its own process; this process is the load. Prints throughput, latency, errors and
// the simulator's peak memory, and our throughput as a share of the bare server's.
//
//   deno task bench:load [--concurrency 20,50] [--total 10000] [--warmup 20000]
//                        [--simulators caisse-ap,+findings] [--tap no]
//
// Two simulators by default: `caisse-ap` (--no-diagnosis) and `+findings` (the diagnosis on,
// as server.ts runs by default). With `--tap yes` (the default), forward mode too: a third
// server.ts forwarding to the first simulator (`--forward`), the tap's cost on top of the
// simulator's, as a share of that simulator alone's throughput.
//
// The rounds measure a warm server. V8 compiles the simulator's hot functions (#serve,
// #carryOut, parseRequest, decide, #answer...) with its optimizing compiler only after about
// 16,000 transactions (`--v8-flags=--trace-opt`; large functions need more calls), and
// until then each costs 30 to 50 % more CPU. So each server first answers `--warmup`
// transactions (20,000 by default), whose own figures are printed too: a server's first
// transactions, what a POS test suite meets.
import {
  cpuTime,
  fixed,
  memory,
  options,
  percentile,
  type Program,
  SIMULATOR_ARGS,
  startProgram,
} from "./_util.ts";

const REQUEST = new TextEncoder().encode(
  "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250",
);

/** Result of one load run. */
export interface LoadResult {
  transactions: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * Runs `total` transactions with `concurrency` POS at a time against 127.0.0.1:`port`.
 *
 * @param port The server's port.
 * @param concurrency How many POS at once.
 * @param total How many transactions in all.
 * @returns The figures.
 */
export async function load(port: number, concurrency: number, total: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const buffer = () => new Uint8Array(4096);
  const worker = async () => {
    const chunk = buffer();
    while (next < total) {
      next++;
      const started = performance.now();
      let conn: Deno.TcpConn | undefined;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
        let written = 0;
        while (written < REQUEST.length) written += await conn.write(REQUEST.subarray(written));
        let answer = "";
        for (;;) {
          const n = await conn.read(chunk);
          if (n === null) break;
          answer += String.fromCharCode(...chunk.subarray(0, n));
        }
        if (!answer.includes("AE00210")) errors++;
        else latencies.push(performance.now() - started);
      } catch {
        errors++;
      } finally {
        try {
          conn?.close();
        } catch { /* closed */ }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    transactions: total,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    errors,
  };
}

/** Runs a load and measures the server's CPU time meanwhile, in microseconds per transaction. */
async function measured(server: Program, concurrency: number, total: number) {
  const before = cpuTime(server.pid);
  const result = await load(server.port, concurrency, total);
  const after = cpuTime(server.pid);
  const cpu = before === undefined || after === undefined
    ? undefined
    : ((after - before) * 1000) / total;
  return { result, cpu, peak: memory(server.pid)?.peakMiB };
}

function row(name: string, concurrency: number, r: LoadResult, rss?: number, cpu?: number): string {
  return [
    name.padEnd(10),
    String(concurrency).padStart(5),
    String(r.transactions).padStart(8),
    fixed(r.seconds, 2).padStart(8),
    fixed(r.perSecond, 0).padStart(8),
    fixed(r.p50, 2).padStart(8),
    fixed(r.p99, 2).padStart(8),
    fixed(r.max, 2).padStart(8),
    String(r.errors).padStart(6),
    (rss === undefined ? "-" : fixed(rss, 1)).padStart(10),
    (cpu === undefined ? "-" : fixed(cpu, 0)).padStart(8),
  ].join("  ");
}

/** A server's pace in a run: "caisse-ap 12345 tx/s 67 µs/tx" (the CPU where it is known). */
function pace(name: string, result: LoadResult, cpu?: number): string {
  return `${name} ${fixed(result.perSecond, 0)} tx/s${
    cpu === undefined ? "" : ` ${fixed(cpu, 0)} µs/tx`
  }`;
}

/** The run of median throughput among several, with the median of the other figures. */
function median(runs: { result: LoadResult; cpu?: number; peak?: number }[]) {
  const by = <T>(pick: (r: typeof runs[number]) => T | undefined) =>
    runs.map(pick).filter((v): v is T => v !== undefined) as number[];
  const mid = (values: number[]) =>
    values.length ? [...values].sort((a, b) => a - b)[values.length >> 1] : undefined;
  const results = runs.map((r) => r.result);
  const result: LoadResult = {
    transactions: results.reduce((n, r) => n + r.transactions, 0),
    seconds: results.reduce((n, r) => n + r.seconds, 0),
    perSecond: mid(results.map((r) => r.perSecond))!,
    p50: mid(results.map((r) => r.p50))!,
    p99: mid(results.map((r) => r.p99))!,
    max: Math.max(...results.map((r) => r.max)),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
  return { result, cpu: mid(by((r) => r.cpu)), peak: Math.max(...by((r) => r.peak)) };
}

/** The simulators measured: without the diagnosis, and with it (the default of server.ts). */
const SIMULATORS: Record<string, string[]> = {
  "caisse-ap": ["--no-diagnosis"],
  "+findings": [],
};

if (import.meta.main) {
  const args = options(Deno.args, {
    concurrency: "20,50",
    total: "10000",
    rounds: "5",
    warmup: "20000",
    simulators: "caisse-ap,+findings",
    tap: "yes",
  });
  const levels = args.concurrency.split(",").map(Number);
  const total = Number(args.total);
  const rounds = Number(args.rounds);
  const warmup = Number(args.warmup);
  const names = args.simulators.split(",").filter((name) => name in SIMULATORS);
  const simulators = new Map<string, Program>();
  let bare: Program | undefined;
  let tap: Program | undefined;
  try {
    for (const name of names) {
      simulators.set(
        name,
        await startProgram("server.ts", [...SIMULATOR_ARGS, ...SIMULATORS[name]]),
      );
    }
    const [behind] = [...simulators.values()];
    if (args.tap !== "no" && behind) {
      tap = await startProgram("server.ts", [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--forward",
        `127.0.0.1:${behind.port}`,
        "--log-level",
        "error",
      ]);
    }
    bare = await startProgram("tests/bench/bare_server.ts", []);
    // The servers each round compares; the tap is measured after them, against the first.
    const servers: [string, Program][] = [["bare", bare], ...simulators];
    const warmed: string[] = [];
    if (warmup > 0) {
      for (const [name, server] of [...servers, ...(tap ? [["tap+sim", tap] as const] : [])]) {
        const { result, cpu } = await measured(server, levels[0], warmup);
        warmed.push(`${pace(name, result, cpu)}, ${result.errors} errors`);
      }
    }
    console.log(
      `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ` +
        `${rounds} rounds of ${total} transactions per server and concurrency, the servers ` +
        `taking turns, one connection per transaction, after ${warmup} to warm up; medians of ` +
        `the rounds, max and errors over all of them. caisse-ap: --no-diagnosis; +findings: ` +
        `the diagnosis on (the default)`,
    );
    console.log(
      "server      conc  transact   seconds     tx/s   p50 ms   p99 ms   max ms  errors  peak MiB  CPU µs/tx",
    );
    const shares: string[] = [];
    const roundLines: string[] = [];
    for (const concurrency of levels) {
      const runs = new Map<string, Awaited<ReturnType<typeof measured>>[]>(
        servers.map(([name]) => [name, []]),
      );
      const ratios = new Map<string, number[]>(names.map((name) => [name, []]));
      const tapRuns: Awaited<ReturnType<typeof measured>>[] = [];
      const tapRatios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        // Take turns at going first, so a drift of the machine weighs on all alike.
        const order = [
          ...servers.slice(round % servers.length),
          ...servers.slice(0, round % servers.length),
        ];
        const results = new Map<string, Awaited<ReturnType<typeof measured>>>();
        for (const [name, server] of order) {
          results.set(name, await measured(server, concurrency, total));
        }
        for (const [name, result] of results) runs.get(name)!.push(result);
        if (tap) {
          // The tap's cost: the tap and the simulator behind it, against that simulator alone.
          const tapRun = await measured(tap, concurrency, total);
          tapRuns.push(tapRun);
          tapRatios.push(tapRun.result.perSecond / results.get(names[0])!.result.perSecond);
        }
        for (const name of names) {
          ratios.get(name)!.push(
            results.get(name)!.result.perSecond / results.get("bare")!.result.perSecond,
          );
        }
        // Each round on its own: the machine's slow periods show as rounds where every
        // server, and the simulators most, take more CPU per transaction.
        roundLines.push(
          `${concurrency} connections, round ${round + 1}: ` + servers.map(([name]) => {
            const { result, cpu } = results.get(name)!;
            const share = name === "bare"
              ? ""
              : `, ${fixed((result.perSecond / results.get("bare")!.result.perSecond) * 100)} %`;
            return `${pace(name, result, cpu)}${share}`;
          }).join("; "),
        );
      }
      const base = median(runs.get("bare")!);
      console.log(row("bare", concurrency, base.result, base.peak, base.cpu));
      for (const name of names) {
        const ours = median(runs.get(name)!);
        console.log(row(name, concurrency, ours.result, ours.peak, ours.cpu));
        const sorted = ratios.get(name)!.sort((x, y) => x - y);
        shares.push(
          `${name}, ${concurrency} connections: ${
            fixed(sorted[sorted.length >> 1] * 100)
          } % of the bare server's throughput (median of ${rounds} rounds; ${
            fixed(sorted[0] * 100)
          } to ${fixed(sorted[sorted.length - 1] * 100)} %), ${
            ours.result.errors + base.result.errors
          } errors`,
        );
      }
      if (tap) {
        const tapped = median(tapRuns);
        console.log(row("tap+sim", concurrency, tapped.result, tapped.peak, tapped.cpu));
        tapRatios.sort((x, y) => x - y);
        shares.push(
          `${concurrency} connections, forward mode (tap in front of the simulator): ${
            fixed(tapRatios[tapRatios.length >> 1] * 100)
          } % of the simulator alone's throughput (${fixed(tapRatios[0] * 100)} to ${
            fixed(tapRatios[tapRatios.length - 1] * 100)
          } %), ${tapped.result.errors} errors`,
        );
      }
    }
    for (const line of shares) console.log(line);
    if (warmed.length > 0) {
      console.log(
        `Warm-up, each server's first ${warmup} transactions (${levels[0]} connections), ` +
          `before the rounds: ${warmed.join("; ")}`,
      );
    }
    console.log("Each round (tx/s, the server's CPU per transaction, share of the bare server's):");
    for (const line of roundLines) console.log(`  ${line}`);
  } finally {
    await tap?.stop();
    for (const simulator of simulators.values()) await simulator.stop();
    await bare?.stop();
  }
}
