/**
 * Reading one Caisse-AP message from a byte stream.
 *
 * Caisse-AP over IP has no framing: no start or end byte, no overall length. A reader
 * infers the end of a message: the bytes received end exactly on a record boundary and
 * no further byte arrives for a short quiet period, or the peer closes. Records split
 * across TCP segments are reassembled, however long the pauses between them: silence
 * inside a record never ends a message, and a peer that pauses longer than the quiet
 * period within a message gets a longer quiet period. A size cap and a time-out end
 * runaway input.
 *
 * @module
 */

import { type Field, type PartialDecode, RecordScanner, toText } from "./tlv.ts";

/** Default silence, after a record boundary, that ends a message: 300 ms. */
export const DEFAULT_QUIET_MS = 300;
/** Default cap on the size of one message: 64 KiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024;

/** Something bytes can be read from, like a `Deno.Conn`. */
export interface ByteSource {
  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns How many bytes were read, or `null` at the end of the stream.
   */
  read(buffer: Uint8Array): Promise<number | null>;
}

/** How {@linkcode MessageReader.read} decides that a message is whole. */
export interface ReadOptions {
  /**
   * Silence after a record boundary that ends the message, in milliseconds. Default
   * {@linkcode DEFAULT_QUIET_MS}. When the peer paused longer than that between two
   * pieces of the message, the silence must last {@linkcode QUIET_PAUSE_FACTOR} times its
   * longest pause: a slow sender is not cut off at its first record boundary.
   */
  quietMs?: number;
  /** Largest message accepted, in bytes. Default {@linkcode DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /**
   * Time allowed for the whole message, from the call, in milliseconds. Default: no limit.
   */
  timeoutMs?: number;
  /**
   * Silence inside a record that ends the message as it is (cut short), in milliseconds.
   * Default: none; the message waits for its end until `timeoutMs`.
   */
  stallMs?: number;
  /**
   * Ends the message at once, without waiting for the quiet period, when it returns true
   * for the records of a message that ends on a record boundary.
   */
  isComplete?: (fields: readonly Field[]) => boolean;
  /**
   * Whether silence may end a message that ends on a record boundary with these records.
   * When it returns false, the reader waits for more, as inside a record (until the peer
   * closes, `stallMs` or `timeoutMs`). Default: always. A POS reading an answer passes
   * {@linkcode holdsStatus}: an answer without its status (AE) is not whole.
   */
  mayEnd?: (fields: readonly Field[]) => boolean;
  /** Cancels the reading; the returned promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Why a message ended: `complete` (the `isComplete` test passed), `quiet` (silence after
 * a record boundary, or after a defect), `stalled` (silence inside a record, see
 * `stallMs`), `closed` (the peer closed the stream).
 */
export type MessageEnd = "complete" | "quiet" | "stalled" | "closed";

/** One message read from a stream. */
export interface Message extends PartialDecode {
  /** The bytes received, one character per byte (Latin-1), to log or echo exactly. */
  text: string;
  /** Why the message ended. */
  end: MessageEnd;
  /** When its first byte arrived, in milliseconds since the epoch. */
  startedAt: number;
}

/**
 * No whole message within the time allowed. Carries what was received.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MessageTimeoutError } from "./framing.ts";
 * const error = new MessageTimeoutError(180_000, "CZ004");
 * assert.equal(error.name, "TimeoutError");
 * assert.equal(error.message, "No whole message within 180 s: 5 bytes received");
 * ```
 */
export class MessageTimeoutError extends Error {
  /** The time allowed, in milliseconds. */
  readonly timeoutMs: number;
  /** What was received before the time ran out (Latin-1 text). */
  readonly received: string;

  /**
   * Builds the error.
   *
   * @param timeoutMs The time allowed.
   * @param received What was received.
   */
  constructor(timeoutMs: number, received: string) {
    super(
      received.length === 0
        ? `No data within ${formatMs(timeoutMs)}`
        : `No whole message within ${formatMs(timeoutMs)}: ${received.length} bytes received`,
    );
    this.name = "TimeoutError";
    this.timeoutMs = timeoutMs;
    this.received = received;
  }
}

/**
 * A message larger than the cap. Carries the start of what was received.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MessageSizeError } from "./framing.ts";
 * assert.equal(new MessageSizeError(65536, "CZ004").message, "Message larger than 65536 bytes");
 * ```
 */
export class MessageSizeError extends RangeError {
  /** The cap, in bytes. */
  readonly maxBytes: number;
  /** The start of what was received (Latin-1 text). */
  readonly received: string;

  /**
   * Builds the error.
   *
   * @param maxBytes The cap.
   * @param received What was received.
   */
  constructor(maxBytes: number, received: string) {
    super(`Message larger than ${maxBytes} bytes`);
    this.name = "MessageSizeError";
    this.maxBytes = maxBytes;
    this.received = received;
  }
}

/**
 * How many times the longest pause seen inside a message the silence that ends it must
 * last, when that is longer than the quiet period: 2.
 */
export const QUIET_PAUSE_FACTOR = 2;

/**
 * Whether an answer's records hold its status (AE): the test a POS gives
 * {@linkcode ReadOptions.mayEnd}, so that an answer paused on a record boundary before
 * its status is not taken as whole.
 *
 * @param fields The records received so far.
 * @returns Whether AE is among them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdsStatus } from "./framing.ts";
 * assert.equal(holdsStatus([{ tag: "CZ", value: "0300" }]), false);
 * assert.equal(holdsStatus([{ tag: "CZ", value: "0300" }, { tag: "AE", value: "10" }]), true);
 * ```
 */
export function holdsStatus(fields: readonly Field[]): boolean {
  return fields.some((f) => f.tag === "AE");
}

const TIMER = Symbol("timer");
/** Bytes read at a time: a request is about 70 bytes, an answer a few hundred. */
const CHUNK_SIZE = 2 * 1024;
/**
 * Read buffers given back by readers done with them ({@linkcode MessageReader.release}),
 * for the next readers: a server makes a reader per connection, and allocating its buffer
 * costs microseconds and collections of the heap.
 */
const spareChunks: Uint8Array[] = [];
/** How many spare buffers are kept at most (512 KiB). */
const SPARE_CHUNKS_MAX = 256;

/**
 * Waits this long or longer share one timer ({@linkcode afterTimer}): a server waits for
 * each connection's request with the idle time-out (180 s by default), and setting and
 * clearing a runtime timer costs about 2 microseconds and an object that outlives the
 * young generation.
 */
const LONG_WAIT_MS = 1000;
/** How often the shared timer looks at the long waits: they end up to this much late. */
const LONG_WAIT_TICK_MS = 50;
/** The long waits: when each is due, and what it does then. */
const longWaits = new Set<{ due: number; fire: () => void }>();
let longTimer: ReturnType<typeof setInterval> | undefined;

/**
 * Calls `fire` after `ms` milliseconds, unless cancelled: a runtime timer for a short
 * wait, the shared one for a long wait (late by at most {@linkcode LONG_WAIT_TICK_MS}).
 *
 * @returns A function that cancels it.
 */
function afterTimer(ms: number, fire: () => void): () => void {
  if (ms < LONG_WAIT_MS) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  }
  const wait = { due: Date.now() + ms, fire };
  longWaits.add(wait);
  // A server with connections waiting keeps the one timer: it does not set one per wait.
  longTimer ??= setInterval(tickLongWaits, LONG_WAIT_TICK_MS);
  return () => {
    // Let go of what `fire` holds (the read and its connection) before the Set lets go
    // of the wait: a table the Set has outgrown stays in the old generation until the
    // next full collection, and the young collections take what it points to as alive.
    // Without this, a server under load kept twice the objects alive at each young
    // collection (measured with --trace-gc-nvp: 1.4 MB against 0.67 MB).
    wait.fire = NOTHING;
    if (longWaits.delete(wait)) stopIfIdle();
  };
}

const NOTHING = () => {};

function tickLongWaits(): void {
  const now = Date.now();
  for (const wait of longWaits) {
    if (wait.due > now) continue;
    longWaits.delete(wait);
    const fire = wait.fire;
    wait.fire = NOTHING;
    fire();
  }
  stopIfIdle();
}

/** No wait left: the timer stops (nothing keeps a program alive that has nothing to do). */
function stopIfIdle(): void {
  if (longWaits.size > 0 || longTimer === undefined) return;
  clearInterval(longTimer);
  longTimer = undefined;
}

/**
 * Reads messages, one after the other, from a byte stream such as a TCP connection.
 * Bytes that arrive after a message (while the answer is being prepared) are kept for
 * the next one. Not for concurrent use: one `read` at a time.
 *
 * @example Read a request from a stream (here in memory; a TCP connection in practice)
 * ```ts
 * import assert from "node:assert/strict";
 * import { MessageReader } from "./framing.ts";
 * const bytes = new TextEncoder().encode("CZ0040300CB0041250");
 * let sent = false;
 * const source = {
 *   read: (buffer: Uint8Array) => {
 *     if (sent) return Promise.resolve(null); // the peer closed the connection
 *     sent = true;
 *     buffer.set(bytes);
 *     return Promise.resolve(bytes.length);
 *   },
 * };
 * const message = await new MessageReader(source).read({ timeoutMs: 180_000 });
 * assert.deepEqual(message?.fields, [{ tag: "CZ", value: "0300" }, { tag: "CB", value: "1250" }]);
 * ```
 */
export class MessageReader {
  readonly #source: ByteSource;
  /** The read buffer, taken at the first read (see {@linkcode MessageReader.release}). */
  #chunk?: Uint8Array;
  #pending: Promise<number | null> | null = null;
  #carry = "";
  #eof = false;
  #reset = false;
  #startedAt = 0;
  #maxBytes = DEFAULT_MAX_BYTES;
  readonly #now: () => number;

  /**
   * Makes a reader.
   *
   * @param source Where bytes come from.
   * @param options `now`: the clock of the messages' `startedAt`, in milliseconds since
   * the epoch (default `Date.now`); the waits and time-outs use the real time.
   */
  constructor(source: ByteSource, options: { now?: () => number } = {}) {
    this.#source = source;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the peer has closed its side of the stream. */
  get ended(): boolean {
    return this.#eof;
  }

  /**
   * Whether the stream ended by a connection reset (an abortive close, TCP RST) rather
   * than a close: a reset ends the stream like a close, and this says which it was.
   */
  get reset(): boolean {
    return this.#reset;
  }

  /**
   * Reads the next message.
   *
   * @param options See {@linkcode ReadOptions}.
   * @returns The message, or `null` when the stream ended before its first byte.
   * @throws {MessageTimeoutError} No whole message within `timeoutMs`.
   * @throws {MessageSizeError} More than `maxBytes` bytes.
   */
  async read(options: ReadOptions = {}): Promise<Message | null> {
    const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#maxBytes = maxBytes;
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const scanner = new RecordScanner();
    let text = this.#carry;
    this.#carry = "";
    let boundary = text.length > 0 && scanner.scan(text);
    let startedAt = text.length > 0 ? this.#startedAt : 0;
    // The longest pause between two pieces of this message, and when the last one came.
    let longestPause = 0;
    let lastArrival = text.length > 0 ? Date.now() : 0;
    for (;;) {
      if (text.length > maxBytes) throw new MessageSizeError(maxBytes, text.slice(0, 1024));
      if (boundary && options.isComplete?.(scanner.fields)) {
        return { ...scanner.finish(text), text, end: "complete", startedAt };
      }
      if (this.#eof) {
        if (text.length === 0) return null;
        return { ...scanner.finish(text), text, end: "closed", startedAt };
      }
      // Silence ends a message that stands on a record boundary (and may end there), or
      // one that can no longer become valid; otherwise wait for the rest until the
      // deadline, or until a silence inside a record as long as stallMs.
      const quiet = scanner.stopped ||
        (boundary && (options.mayEnd === undefined || options.mayEnd(scanner.fields)));
      const stalling = !quiet && text.length > 0 && options.stallMs !== undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new MessageTimeoutError(options.timeoutMs ?? 0, text);
      const silence = Math.max(quietMs, QUIET_PAUSE_FACTOR * longestPause);
      const wait = quiet
        ? silence - (Date.now() - lastArrival)
        : stalling
        ? options.stallMs!
        : Infinity;
      const got = wait <= 0 ? TIMER : await this.#next(Math.min(wait, left), options.signal);
      if (got === TIMER) {
        // At the deadline too: a message that may end there is better than none.
        if (quiet) return { ...scanner.finish(text), text, end: "quiet", startedAt };
        if (stalling && wait <= left) {
          return { ...scanner.finish(text), text, end: "stalled", startedAt };
        }
        continue;
      }
      if (got !== null) {
        const now = Date.now();
        if (text.length === 0) startedAt = this.#now();
        else longestPause = Math.max(longestPause, now - lastArrival);
        lastArrival = now;
        text += got;
        boundary = scanner.scan(text);
      }
    }
  }

  /**
   * Waits until the peer closes the stream, keeping any bytes it sends meanwhile for the
   * next {@linkcode MessageReader.read}. Used while an answer is delayed, to notice a
   * point of sale that gave up.
   *
   * @param signal Stops the waiting (the promise then resolves with `false`).
   * @returns `true` when the peer closed, `false` when the signal stopped the wait.
   */
  async waitForEnd(signal: AbortSignal): Promise<boolean> {
    while (!this.#eof) {
      if (signal.aborted) return false;
      let got: string | null | typeof TIMER;
      try {
        got = await this.#next(Infinity, signal);
      } catch (error) {
        if (signal.aborted) return false;
        throw error;
      }
      if (typeof got === "string") {
        if (this.#carry.length === 0) this.#startedAt = this.#now();
        this.#carry += got;
        // Whatever the peer sends meanwhile, keep no more than the next read accepts.
        if (this.#carry.length > this.#maxBytes) {
          this.#carry = this.#carry.slice(0, this.#maxBytes + 1);
        }
      }
    }
    return true;
  }

  /**
   * Reads what the peer sends until it closes the stream or more than `maxBytes` came,
   * whatever they are (bytes kept from before first): what a server reads after its
   * answer, bounded in time by closing the connection.
   *
   * @param maxBytes How many bytes are enough.
   * @returns What was read (Latin-1 text), at most `maxBytes`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MessageReader } from "./framing.ts";
   * const chunks = ["\x06", "\x04"];
   * const reader = new MessageReader({
   *   read: (buffer: Uint8Array) => {
   *     const chunk = chunks.shift();
   *     if (chunk === undefined) return Promise.resolve(null);
   *     buffer[0] = chunk.charCodeAt(0);
   *     return Promise.resolve(1);
   *   },
   * });
   * assert.equal(await reader.readToEnd(64), "\x06\x04");
   * assert.equal(reader.ended, true);
   * ```
   */
  async readToEnd(maxBytes: number): Promise<string> {
    let text = this.#carry;
    this.#carry = "";
    while (text.length <= maxBytes && !this.#eof) {
      const got = await this.#next(Infinity);
      if (typeof got === "string") text += got;
    }
    return text.slice(0, maxBytes);
  }

  /**
   * Gives the read buffer back for another reader, once this one is done with its stream
   * (a server calls it when the connection is closed). Kept when a read is still pending,
   * which may yet write into it. A reader used again takes another buffer.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MessageReader } from "./framing.ts";
   * const reader = new MessageReader({ read: () => Promise.resolve(null) });
   * assert.equal(await reader.read(), null);
   * reader.release();
   * assert.equal(await reader.read(), null); // still usable
   * ```
   */
  release(): void {
    const chunk = this.#chunk;
    if (!chunk || this.#pending !== null) return;
    this.#chunk = undefined;
    if (spareChunks.length < SPARE_CHUNKS_MAX) spareChunks.push(chunk);
  }

  async #next(waitMs: number, signal?: AbortSignal): Promise<string | null | typeof TIMER> {
    if (this.#pending === null) {
      this.#chunk ??= spareChunks.pop() ?? new Uint8Array(CHUNK_SIZE);
      const pending = this.#source.read(this.#chunk);
      pending.catch(() => {});
      this.#pending = pending;
    }
    const pending = this.#pending;
    if (signal) signal.throwIfAborted();
    let cancelTimer: (() => void) | undefined;
    let onAbort: (() => void) | undefined;
    // Without a time limit or a signal, the read itself (the read after an answer, the
    // wait for a close): no promise of its own.
    const waiting = waitMs === Infinity && !signal
      ? pending
      : new Promise<number | null | typeof TIMER>((resolve, reject) => {
        pending.then(resolve, reject);
        if (waitMs !== Infinity) cancelTimer = afterTimer(waitMs, () => resolve(TIMER));
        if (signal) {
          onAbort = () => reject(signal.reason);
          signal.addEventListener("abort", onAbort, { once: true });
        }
      });
    try {
      const got = await waiting;
      if (got === TIMER) return TIMER;
      this.#pending = null;
      if (got === null) {
        this.#eof = true;
        return null;
      }
      return toText(this.#chunk!.subarray(0, got));
    } catch (error) {
      if (signal?.aborted) throw error;
      // A reset connection ends the stream like a close.
      this.#pending = null;
      this.#eof = true;
      if (isConnectionEnd(error)) {
        this.#reset = error instanceof Deno.errors.ConnectionReset;
        return null;
      }
      throw error;
    } finally {
      cancelTimer?.();
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }
}

function isConnectionEnd(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.NotConnected;
}

/**
 * Formats milliseconds for a message: `180 s`, `1.5 s`, `300 ms`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMs } from "./framing.ts";
 * assert.equal(formatMs(180_000), "180 s");
 * assert.equal(formatMs(1500), "1.5 s");
 * assert.equal(formatMs(300), "300 ms");
 * ```
 */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Writes all of `bytes`, however many calls it takes.
 *
 * @param conn Where to write.
 * @param bytes What to write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeAll } from "./framing.ts";
 * const chunks: string[] = [];
 * const conn = { // takes at most 4 bytes a call, as a busy socket may
 *   write: (p: Uint8Array) => {
 *     chunks.push(new TextDecoder().decode(p.subarray(0, 4)));
 *     return Promise.resolve(Math.min(p.length, 4));
 *   },
 * };
 * await writeAll(conn, new TextEncoder().encode("CZ0040300"));
 * assert.deepEqual(chunks, ["CZ00", "4030", "0"]);
 * ```
 */
export async function writeAll(
  conn: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
