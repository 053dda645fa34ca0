/**
 * A point of sale scripted over TCP, for the diagnosis's proofs: it plays a campaign
 * against a real simulator, one payment after another, reacting to what it receives as
 * a POS would; each defect a real POS integration has can be switched on.
 *
 * Run alone, it plays against a server: `deno run -A tests/pos_script.ts PORT naive|careful
 * [TIME_SCALE]`.
 *
 * @module
 */

import { decodePartial, getField } from "../lib/tlv.ts";
import { request } from "./diagnosis_records.ts";

/** What the POS does wrong; every defect off is a careful POS. */
export interface PosDefects {
  /** Reads the answer with one read call, then closes. */
  readsOnce?: boolean;
  /** Sends a first payment of 0.05 with one digit (CB0015), before the campaign. */
  oneDigit?: boolean;
  /** Sends BF=0 with every request. */
  bf?: boolean;
  /** Sends a first payment wrapped in STX ... ETX + LRC, before the campaign. */
  stxEtx?: boolean;
  /** Waits for an answer without any time-out. */
  noTimeout?: boolean;
  /** Gives up after a time-out shorter than the terminal's input time-out (30 s scaled). */
  shortTimeout?: boolean;
  /** Takes the same payment again after an answer that did not come or could not be read. */
  resends?: boolean;
  /** Submits the first approved payment a second time at once (double submit). */
  doubleSubmit?: boolean;
  /** Sends a second payment on another connection while the one of `overlapAt` waits. */
  overlapping?: boolean;
  /** Treats a partial approval as whole: the next payment is a new one. */
  ignoresPartial?: boolean;
  /** Writes ACK + EOT after reading an answer. */
  ackEot?: boolean;
}

/** Every defect, but a time-out (the short one). */
export const NAIVE: PosDefects = Object.freeze({
  readsOnce: true,
  oneDigit: true,
  bf: true,
  stxEtx: true,
  shortTimeout: true,
  resends: true,
  doubleSubmit: true,
  overlapping: true,
  ignoresPartial: true,
  ackEot: true,
});

/** What one exchange gave the POS. */
export type Seen =
  | { kind: "answer"; fields: Record<string, string> }
  | { kind: "unknown"; why: string };

/** Options of {@linkcode playCampaign}. */
export interface PlayOptions {
  /** The register, CA. Default `"01"`. */
  register?: string;
  /** The server's time scale (the POS's time-outs follow it). Default 1. */
  timeScale?: number;
  /** How many payments the campaign gives cases to. Default 20 (the standard campaign). */
  cases?: number;
  /** Which payment (from 1) gets a second one beside it, with `overlapping`. Default 8. */
  overlapAt?: number;
  /** First amount, in cents; each payment takes a new one. Default 1000. */
  firstAmount?: number;
}

/** The exchanges of a run: the request and what the POS saw. */
export interface Played {
  raw: string;
  seen: Seen;
}

const encoder = new TextEncoder();

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

async function connect(host: string, port: number): Promise<Deno.TcpConn> {
  // A terminal refusing connections for a while: try again, as a POS's retry does.
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.connect({ hostname: host, port });
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Reads with an inactivity time-out (`Infinity`: none); `null` at its end. */
async function readChunk(
  conn: Deno.TcpConn,
  timeoutMs: number,
): Promise<Uint8Array | null | "timeout"> {
  const buffer = new Uint8Array(4096);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = conn.read(buffer).then((n) => n === null ? null : buffer.slice(0, n));
  read.catch(() => {});
  try {
    return await Promise.race([
      read.catch(() => null),
      ...(timeoutMs === Infinity ? [] : [
        new Promise<"timeout">((resolve) =>
          timer = setTimeout(() => resolve("timeout"), timeoutMs)
        ),
      ]),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function close(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch { /* closed already */ }
}

/**
 * One exchange: connect, send, read the answer as the defects say, close.
 *
 * @param host Where.
 * @param port Which port.
 * @param raw The request.
 * @param defects The POS's defects.
 * @param timeoutMs The POS's answer time-out (inactivity), or `Infinity`.
 * @returns What the POS saw.
 */
export async function exchange(
  host: string,
  port: number,
  raw: string,
  defects: PosDefects,
  timeoutMs: number,
): Promise<Seen> {
  const conn = await connect(host, port);
  try {
    try {
      await conn.write(encoder.encode(raw));
    } catch {
      return { kind: "unknown", why: "closed before the request" };
    }
    let text = "";
    for (;;) {
      const chunk = await readChunk(conn, timeoutMs);
      if (chunk === "timeout") return { kind: "unknown", why: "time-out" };
      if (chunk === null) break;
      text += latin1(chunk);
      if (defects.readsOnce) break;
    }
    const decoded = decodePartial(text);
    const fields: Record<string, string> = {};
    for (const field of decoded.fields) fields[field.tag] ??= field.value;
    if (decoded.error || getField(decoded.fields, "AE") === undefined) {
      return {
        kind: "unknown",
        why: text.length === 0 ? "closed without an answer" : "unreadable",
      };
    }
    if (defects.ackEot) {
      try {
        await conn.write(encoder.encode("\x06\x04"));
      } catch { /* the terminal is gone */ }
    }
    return { kind: "answer", fields };
  } finally {
    close(conn);
  }
}

/**
 * Plays a campaign as a POS: one payment after another, each with a new amount unless
 * the POS takes one again (a resend, the rest of a partial approval), until the campaign
 * has given its cases.
 *
 * @param endpoint Where the terminal listens.
 * @param defects What the POS does wrong.
 * @param options Register, time scale, cases.
 * @returns Every exchange, in order.
 */
export async function playCampaign(
  endpoint: { host: string; port: number },
  defects: PosDefects,
  options: PlayOptions = {},
): Promise<Played[]> {
  const { host, port } = endpoint;
  const register = options.register ?? "01";
  const scale = options.timeScale ?? 1;
  const cases = options.cases ?? 20;
  const overlapAt = options.overlapAt ?? 8;
  const more = defects.bf ? "BF0010" : "";
  // A careful POS waits longer than the input time-out (120 s), less than 180 s.
  const timeoutMs = defects.noTimeout
    ? Infinity
    : (defects.shortTimeout ? 30_000 : 150_000) * scale;
  const played: Played[] = [];
  const send = async (raw: string) => {
    const seen = await exchange(host, port, raw, defects, timeoutMs);
    played.push({ raw, seen });
    return seen;
  };
  if (defects.oneDigit) await send(request({ amount: "5", ca: register, more }));
  if (defects.stxEtx) {
    const inner = `${request({ amount: "777", ca: register, more })}\x03`;
    let lrc = 0;
    for (const c of inner) lrc ^= c.charCodeAt(0);
    await send(`\x02${inner}${String.fromCharCode(lrc)}`);
  }
  let amount = options.firstAmount ?? 1000;
  let next: string | undefined;
  let doubled = false;
  for (let payments = 0; payments < cases;) {
    const raw = next ?? request({ amount: String(++amount), ca: register, more });
    next = undefined;
    payments++;
    let seen: Seen;
    if (defects.overlapping && payments === overlapAt && payments < cases) {
      // A second click on another connection while the first payment waits.
      const first = send(raw);
      await new Promise((resolve) => setTimeout(resolve, Math.max(20, 100 * scale * 2)));
      payments++;
      await send(request({ amount: String(++amount), ca: register, more }));
      seen = await first;
    } else seen = await send(raw);
    if (seen.kind === "unknown") {
      if (defects.resends) next = raw;
      continue;
    }
    const asked = Number(/CB\d{3}(\d+)/.exec(raw)![1]);
    const approved = seen.fields.AE === "10" ? Number(seen.fields.CB ?? asked) : undefined;
    if (approved !== undefined && approved < asked && !defects.ignoresPartial) {
      next = request({ amount: String(asked - approved), ca: register, more });
    }
    if (approved !== undefined && defects.doubleSubmit && !doubled && payments < cases) {
      doubled = true;
      payments++;
      await send(raw);
    }
  }
  return played;
}

if (import.meta.main) {
  const [port, kind = "careful", scale = "1"] = Deno.args;
  const defects = kind === "naive" ? NAIVE : kind === "no-timeout" ? { noTimeout: true } : {};
  await playCampaign({ host: "127.0.0.1", port: Number(port) }, defects, {
    timeScale: Number(scale),
  });
}
