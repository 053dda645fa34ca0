/**
 * The I/O side of faults: writes the pieces of a {@linkcode Delivery} planned by
 * `planDelivery` with their pauses, and ends a connection the way a fault asks (closed or
 * aborted). What to send, and when, is decided before (pure, in `fault.ts`); this module
 * only carries it out.
 *
 * About `reset`: Deno 2 offers no way to abort a connection accepted by `Deno.listen`
 * with a TCP RST (`Deno.TcpConn` has no `SO_LINGER`; `node:net`'s `resetAndDestroy()`
 * sends one, but only on sockets `node:net` made itself). {@linkcode endConnection} closes
 * the connection at once without shutting down its sending side first; on the wire that
 * is a FIN, unless the POS sent bytes the terminal has not read (then the system sends an
 * RST).
 *
 * @module
 */

import type { Delivery } from "./fault.ts";

/** What {@linkcode deliver} needs of a connection: a `Deno.TcpConn` has it all. */
export interface DeliveryConnection {
  /**
   * Writes bytes.
   *
   * @param bytes The bytes.
   * @returns How many were written.
   */
  write(bytes: Uint8Array): Promise<number>;
  /**
   * Turns Nagle's algorithm off (`true`), so that each write leaves at once.
   *
   * @param noDelay Whether to send at once.
   */
  setNoDelay?(noDelay?: boolean): void;
}

/** How a {@linkcode deliver} call went. */
export interface DeliveryResult {
  /** What was written, one character per byte. */
  sent: string;
  /**
   * `done`: every piece was written; `peer-gone`: a write failed (the POS went away);
   * `stopped`: the signal stopped it, between pieces.
   */
  result: "done" | "peer-gone" | "stopped";
  /** The write error, for `peer-gone`. */
  error?: Error;
}

/**
 * Writes the pieces of a delivery, each after its pause, each in its own write (Nagle's
 * algorithm off, so that the pieces leave as separate TCP segments). The end of the
 * connection is left to the caller (see {@linkcode endConnection}).
 *
 * @param conn Where to write.
 * @param delivery The pieces and their pauses.
 * @param signal Stops the delivery between two pieces (a forced stop of the simulator).
 * @returns What was written and how it went; never rejects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliver } from "./delivery.ts";
 * const written: string[] = [];
 * const conn = {
 *   write: (bytes: Uint8Array) => {
 *     written.push(new TextDecoder().decode(bytes));
 *     return Promise.resolve(bytes.length);
 *   },
 * };
 * const result = await deliver(conn, {
 *   segments: [{ text: "CZ004", pauseMs: 0 }, { text: "0300", pauseMs: 10 }],
 *   end: "normal",
 *   description: "two pieces",
 * }, new AbortController().signal);
 * assert.equal(result.sent, "CZ0040300");
 * assert.deepEqual(written, ["CZ004", "0300"]);
 * ```
 */
export async function deliver(
  conn: DeliveryConnection,
  delivery: Delivery,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  let sent = "";
  if (delivery.segments.length > 1) {
    try {
      conn.setNoDelay?.(true);
    } catch { /* closed meanwhile: the write says so */ }
  }
  for (const segment of delivery.segments) {
    if (signal.aborted) return { sent, result: "stopped" };
    if (segment.pauseMs > 0 && !(await pause(segment.pauseMs, signal))) {
      return { sent, result: "stopped" };
    }
    const buffer = takeBuffer(segment.text);
    try {
      const bytes = buffer.subarray(0, segment.text.length);
      let written = 0;
      while (written < bytes.length) {
        written += await conn.write(written === 0 ? bytes : bytes.subarray(written));
      }
    } catch (error) {
      return { sent, result: "peer-gone", error: error as Error };
    } finally {
      // The write is over (done or failed): nothing writes from the buffer any more.
      giveBack(buffer);
    }
    sent += segment.text;
  }
  return { sent, result: "done" };
}

/**
 * Ends a connection as a fault asks: `close` shuts down the sending side (a FIN), then
 * closes; `reset` closes at once (an abortive close, emulated: see the module's notes).
 * Never throws.
 *
 * @param conn The connection.
 * @param how `close` or `reset`.
 * @returns When it is closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endConnection } from "./delivery.ts";
 * const calls: string[] = [];
 * const conn = { // a Deno.TcpConn in the simulator
 *   closeWrite: () => Promise.resolve(void calls.push("closeWrite")),
 *   close: () => void calls.push("close"),
 * };
 * await endConnection(conn, "close");
 * assert.deepEqual(calls, ["closeWrite", "close"]); // a FIN first
 * calls.length = 0;
 * await endConnection(conn, "reset");
 * assert.deepEqual(calls, ["close"]);
 * ```
 */
export async function endConnection(
  conn: { closeWrite(): Promise<void>; close(): void },
  how: "close" | "reset",
): Promise<void> {
  if (how === "close") {
    try {
      await conn.closeWrite();
    } catch { /* the POS is gone already */ }
  }
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** Answers up to this size are written from a reused buffer. */
const SPARE_SIZE = 4096;
/** Write buffers of SPARE_SIZE bytes given back after their write, for the next answers. */
const spareBuffers: Uint8Array[] = [];
/** How many are kept at most (1 MiB). */
const SPARE_MAX = 256;

/**
 * The bytes of a text (one byte per character) in a buffer of its own for the time of a
 * write: a reused one for the usual answer, a runtime allocating each new buffer for
 * microseconds (more than a write's own work on the JavaScript side).
 */
function takeBuffer(text: string): Uint8Array {
  const buffer = text.length <= SPARE_SIZE
    ? spareBuffers.pop() ?? new Uint8Array(SPARE_SIZE)
    : new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) buffer[i] = text.charCodeAt(i) & 0xff;
  return buffer;
}

function giveBack(buffer: Uint8Array): void {
  if (buffer.length === SPARE_SIZE && spareBuffers.length < SPARE_MAX) spareBuffers.push(buffer);
}

/** Waits `ms`; `false` when the signal stopped the wait. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
