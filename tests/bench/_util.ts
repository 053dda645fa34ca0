// Helpers of the benchmark and load tools: start a program, learn its port, read its
// memory, summarise latencies. Linux reads /proc for memory; elsewhere RSS is not printed.
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The simulator as the load tools run it: on a free port of 127.0.0.1, answering at once
 * (`--duration 0`), logging errors only.
 */
export const SIMULATOR_ARGS: readonly string[] = [
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "--duration",
  "0",
  "--log-level",
  "error",
];

/** A program started by {@linkcode startProgram}. */
export interface Program {
  /** Its process id. */
  pid: number;
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Milliseconds from spawn to its "Listening on" line. */
  startupMs: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts a Deno script that prints `Listening on 127.0.0.1:PORT` on standard output.
 *
 * @param script Path of the script, relative to the repository.
 * @param args Its arguments.
 * @param options `denoFlags`: more flags for `deno run` (such as `--v8-flags=...`);
 * `onOutput`: given what the program prints on standard output after it listens.
 * @returns The running program.
 */
export async function startProgram(
  script: string,
  args: string[],
  options: { denoFlags?: string[]; onOutput?: (text: string) => void } = {},
): Promise<Program> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...options.denoFlags ?? [], script, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} ended before listening`);
    text += value;
    const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(text);
    if (match) port = Number(match[1]);
  }
  const startupMs = performance.now() - started;
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      options.onOutput?.(value);
    }
  })();
  return {
    pid: child.pid,
    port,
    startupMs,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5_000);
      await child.status;
      clearTimeout(timer);
      await drained;
    },
  };
}

/**
 * Reads a process's resident memory from /proc: now (`VmRSS`) and at its peak (`VmHWM`).
 *
 * @param pid The process.
 * @returns Megabytes (MiB), or `undefined` where /proc is not available.
 */
export function memory(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Reads the CPU time a process has used so far (user + system), from /proc.
 *
 * @param pid The process.
 * @returns Milliseconds, or `undefined` where /proc is not available.
 */
export function cpuTime(pid: number): number | undefined {
  try {
    // Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses.
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * The value below which a share of the sorted samples fall (nearest rank).
 *
 * @param sorted Samples in increasing order.
 * @param share From 0 to 1.
 * @returns The percentile.
 */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

/**
 * Reads `--name value` options with defaults.
 *
 * @param args The command line.
 * @param defaults The options and their default values.
 * @returns The values.
 */
export function options<T extends Record<string, string>>(args: string[], defaults: T): T {
  const result: Record<string, string> = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, "");
    if (!(name in defaults) || i + 1 >= args.length) {
      throw new Error(
        `Unknown option "${args[i]}": expected ${
          Object.keys(defaults).map((k) => `--${k}`).join(", ")
        }`,
      );
    }
    result[name] = args[++i];
  }
  return result as T;
}

/** Formats a number with a fixed count of decimals. */
export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
