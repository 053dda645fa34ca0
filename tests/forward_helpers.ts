// What the forward-mode tests share: a POS that writes a request and notes every segment
// it reads (bytes, time) and how the connection ended; a simulator as the "real
// terminal"; a tap in front of it.
import { type ForwardOptions, ForwardTap } from "../lib/terminal/forward.ts";
import { Journal } from "../lib/terminal/journal.ts";
import { type SimulatorOptions, TerminalSimulator } from "../lib/terminal/simulator.ts";
import { asciiBytes } from "../lib/tlv.ts";

/** What a POS saw of one exchange. */
export interface Seen {
  /** Every byte read, one character per byte. */
  bytes: string;
  /** Each segment read, with when it came (ms after the request was written). */
  segments: { text: string; at: number }[];
  /** How the connection ended: end of stream, an error (reset), or still open at the time-out. */
  end: "eof" | "error" | "timeout";
}

/**
 * Connects, writes `request` (in pieces, if given several), then reads until the end of
 * the stream, an error or `timeoutMs` of silence (then closes).
 */
export async function posExchange(
  port: number,
  request: string | string[],
  options: { timeoutMs?: number; halfClose?: boolean; pauseMs?: number } = {},
): Promise<Seen> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const start = performance.now();
  const pieces = typeof request === "string" ? [request] : request;
  for (const [i, piece] of pieces.entries()) {
    if (i > 0 && options.pauseMs) await sleep(options.pauseMs);
    await conn.write(asciiBytes(piece));
  }
  if (options.halfClose) await conn.closeWrite();
  const seen: Seen = { bytes: "", segments: [], end: "eof" };
  const buffer = new Uint8Array(4096);
  const timeoutMs = options.timeoutMs ?? 5000;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reading = conn.read(buffer);
      // Left pending by a time-out, it ends with the close below: nothing to report.
      reading.catch(() => {});
      const n = await Promise.race([
        reading,
        new Promise<"timeout">((resolve) =>
          timer = setTimeout(() => resolve("timeout"), timeoutMs)
        ),
      ]).finally(() => clearTimeout(timer));
      if (n === "timeout") {
        seen.end = "timeout";
        break;
      }
      if (n === null) break;
      const text = String.fromCharCode(...buffer.subarray(0, n));
      seen.bytes += text;
      seen.segments.push({ text, at: performance.now() - start });
    }
  } catch {
    seen.end = "error";
  }
  try {
    conn.close();
  } catch { /* closed */ }
  // A read left pending by the time-out ends with the close.
  await sleep(0);
  return seen;
}

/** Waits. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A terminal simulator (the "real terminal") and a tap in front of it, journaled. */
export async function withTap(
  fn: (
    ports: {
      direct: number;
      tap: number;
      tapObject: ForwardTap;
      journal: Journal;
      simulator: TerminalSimulator;
    },
  ) => Promise<void>,
  options: { simulator?: SimulatorOptions; tap?: Partial<ForwardOptions> } = {},
): Promise<void> {
  const simulator = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    ...options.simulator,
    settings: { delayMs: 0, ...options.simulator?.settings },
  });
  const { port: direct } = await simulator.start();
  const tapObject = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: direct },
    ...options.tap,
  });
  const journal = new Journal();
  journal.attach(tapObject);
  const { port: tap } = await tapObject.start();
  try {
    await fn({ direct, tap, tapObject, journal, simulator });
  } finally {
    await tapObject.close({ force: true });
    await simulator.close({ force: true });
    await journal.flush();
  }
}

/** Waits until `check` holds, polling (bounded); `poll` runs before each check. */
export async function until(
  check: () => boolean,
  what: string,
  limitMs = 5000,
  poll?: () => Promise<void>,
): Promise<void> {
  const start = Date.now();
  for (;;) {
    await poll?.();
    if (check()) return;
    if (Date.now() - start > limitMs) throw new Error(`Timed out waiting for ${what}`);
    await sleep(poll ? 50 : 5);
  }
}
