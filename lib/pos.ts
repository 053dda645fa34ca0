/**
 * The point-of-sale side: connect to a terminal, send one request, read the whole answer
 * (however it is split), and return it decoded and checked against the request. One
 * request per connection, as every known POS does; the POS closes the connection.
 *
 * The answer ends when the terminal closes the connection or, on a record boundary once
 * the status (AE) has come, after a quiet period (longer when the terminal paused longer
 * within the answer). Pauses inside a record, or before the status, never end it: an
 * answer in any number of pieces is read whole. Whatever goes wrong is a
 * {@linkcode PosError} that says whether the payment may nevertheless have been taken.
 *
 * @module
 */

import {
  DEFAULT_MAX_BYTES,
  DEFAULT_QUIET_MS,
  formatMs,
  holdsStatus,
  type Message,
  type MessageEnd,
  MessageReader,
  writeAll,
} from "./framing.ts";
import {
  type Answer,
  buildRequest,
  CHEQUE_APPLICATION,
  compareAnswer,
  parseAnswer,
  parseRequest,
  type RequestOptions,
} from "./message.ts";
import {
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PORT,
} from "./pos_defaults.ts";
import { formatHostPort } from "./net.ts";
import { decodePartial, encode, escapeText, type Field } from "./tlv.ts";

export { DEFAULT_ANSWER_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PORT };

/** Where the terminal is and how long to wait for it. */
export interface ConnectionOptions {
  /** Host name or address of the terminal. Default `"127.0.0.1"`. */
  host?: string;
  /** Port of the terminal. Default {@linkcode DEFAULT_PORT}. */
  port?: number;
  /** Time allowed to connect, in milliseconds. Default {@linkcode DEFAULT_CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number;
  /** Time allowed for the answer, in milliseconds. Default {@linkcode DEFAULT_ANSWER_TIMEOUT_MS}. */
  timeoutMs?: number;
  /**
   * Silence after a record boundary that ends the answer, in milliseconds, when the
   * terminal keeps the connection open. Default {@linkcode DEFAULT_QUIET_MS}.
   */
  quietMs?: number;
  /** Largest answer accepted, in bytes. Default {@linkcode DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /** Cancels the exchange. */
  signal?: AbortSignal;
}

/**
 * What went wrong talking to the terminal:
 * - `connect`: no connection (refused, unreachable, time-out);
 * - `timeout`: no whole answer in time;
 * - `closed`: the terminal closed the connection without answering;
 * - `reset`: the terminal aborted the connection (TCP RST) without answering;
 * - `protocol`: the answer is malformed (cut short, garbage, too large);
 * - `io`: the connection failed while sending or reading.
 *
 * Every kind but `connect` may hide a payment taken: see
 * {@linkcode PosError.paymentMayBeTaken}.
 */
export type PosErrorKind = "connect" | "timeout" | "closed" | "reset" | "protocol" | "io";

/**
 * A failed exchange with the terminal. Its message says what happened and what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, PosError } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * // The cardholder takes a minute; the POS waits a tenth of a second.
 * await using terminal = await startTerminal({ settings: { delayMs: 60_000 } });
 * try {
 *   await pay({ amount: 1250 }, { ...terminal.endpoint, timeoutMs: 100 });
 *   assert.fail("the terminal did not answer in time");
 * } catch (error) {
 *   assert.ok(error instanceof PosError);
 *   assert.equal(error.kind, "timeout");
 *   assert.equal(error.paymentMayBeTaken, true); // ask the cashier to check the terminal
 * }
 * ```
 */
export class PosError extends Error {
  /** What went wrong. */
  readonly kind: PosErrorKind;
  /** Whether the terminal may have taken the payment although the POS has no answer. */
  readonly paymentMayBeTaken: boolean;
  /** The bytes received, if any (one character per byte). */
  readonly received: string;

  /**
   * Builds the error.
   *
   * @param kind What went wrong.
   * @param message What happened and what to do.
   * @param options The cause, whether the payment may be taken, what was received.
   */
  constructor(
    kind: PosErrorKind,
    message: string,
    options: { cause?: unknown; paymentMayBeTaken?: boolean; received?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PosError";
    this.kind = kind;
    this.paymentMayBeTaken = options.paymentMayBeTaken ?? false;
    this.received = options.received ?? "";
  }
}

/** A request sent and its answer. */
export interface ExchangeResult {
  /** The request's records (as far as they decode, for a raw frame). */
  request: Field[];
  /** The request as sent. */
  requestText: string;
  /** The answer, decoded. */
  answer: Answer;
  /** The answer as received (one character per byte). */
  answerText: string;
  /** How the answer's end was detected: the terminal closed, silence, ... */
  end: MessageEnd;
  /** What a careful POS should notice: partial approval, mismatching echo... */
  warnings: string[];
  /** Time from connection to answer, in milliseconds. */
  elapsedMs: number;
}

/**
 * Sends a request and reads the answer.
 *
 * @param request The request's records, or a raw frame sent exactly as given.
 * @param options Where the terminal is and how long to wait.
 * @returns The exchange.
 * @throws {PosError} No connection, no answer, or a malformed answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exchange } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * const result = await exchange("CZ0040300CJ012012345678901CA00201CD001I", terminal.endpoint);
 * assert.equal(result.answer.status, "10");
 * ```
 */
export async function exchange(
  request: readonly Field[] | string,
  options: ConnectionOptions = {},
): Promise<ExchangeResult> {
  const requestText = typeof request === "string" ? request : encode(request);
  const fields = typeof request === "string" ? decodePartial(request).fields : [...request];
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORT;
  const where = formatHostPort({ hostname: host, port });
  const started = performance.now();
  const conn = await connect(host, port, where, options);
  try {
    await send(conn, requestText, where);
    const message = await readAnswer(conn, where, options);
    const answer = parseAnswer(message.fields);
    return {
      request: fields,
      requestText,
      answer,
      answerText: message.text,
      end: message.end,
      warnings: compareAnswer(parseRequest(fields), answer),
      elapsedMs: performance.now() - started,
    };
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

/** Writes the whole request; a failure is a {@linkcode PosError} of kind `io`. */
async function send(conn: Deno.TcpConn, requestText: string, where: string): Promise<void> {
  try {
    await writeAll(conn, new TextEncoder().encode(requestText));
  } catch (error) {
    throw new PosError(
      "io",
      `Sending the request to ${where} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Reads the whole answer. No answer (the terminal closed or reset the connection) and a
 * malformed one are {@linkcode PosError}s, as are the reader's failures.
 */
async function readAnswer(
  conn: Deno.TcpConn,
  where: string,
  options: ConnectionOptions,
): Promise<Message> {
  const reader = new MessageReader(conn);
  let message;
  try {
    message = await reader.read({
      quietMs: options.quietMs ?? DEFAULT_QUIET_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      timeoutMs: options.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
      mayEnd: holdsStatus,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw readError(error as Error, where, options);
  }
  if (message === null) {
    const reset = reader.reset;
    throw new PosError(
      reset ? "reset" : "closed",
      `The terminal at ${where} ${
        reset ? "reset" : "closed"
      } the connection without answering: the payment may still have been taken; check the terminal`,
      { paymentMayBeTaken: true },
    );
  }
  if (message.error) {
    throw new PosError(
      "protocol",
      `Malformed answer from ${where}: ${message.error.message} (received "${
        escapeText(message.text.slice(0, 300))
      }"): the payment may still have been taken; check the terminal`,
      { cause: message.error, paymentMayBeTaken: true, received: message.text },
    );
  }
  return message;
}

/** The {@linkcode PosError} for a failure of the reader: time-out, too large, I/O. */
function readError(error: Error, where: string, options: ConnectionOptions): PosError {
  const received = (error as { received?: string }).received ?? "";
  if (error.name === "TimeoutError") {
    const partial = received.length === 0
      ? "No answer"
      : `No whole answer (${received.length} bytes received)`;
    return new PosError(
      "timeout",
      `${partial} within ${
        formatMs(options.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS)
      }: the payment may still have been taken; check the terminal`,
      { cause: error, paymentMayBeTaken: true, received },
    );
  }
  if (error.name === "MessageSizeError") {
    return new PosError(
      "protocol",
      `The answer is larger than ${
        options.maxBytes ?? DEFAULT_MAX_BYTES
      } bytes: this is not a Caisse-AP terminal, or it misbehaves`,
      { cause: error, paymentMayBeTaken: true, received },
    );
  }
  return new PosError(
    "io",
    `Reading the answer from ${where} failed: ${error.message}: the payment may still have been taken; check the terminal`,
    { cause: error, paymentMayBeTaken: true },
  );
}

async function connect(
  host: string,
  port: number,
  where: string,
  options: ConnectionOptions,
): Promise<Deno.TcpConn> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(connectTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await Deno.connect({ hostname: host, port, transport: "tcp", signal });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new PosError(
        "connect",
        `Cannot connect to ${where} within ${
          formatMs(connectTimeoutMs)
        }: check the terminal's address and that it is on the network`,
        { cause: error },
      );
    }
    const reason = error instanceof Deno.errors.ConnectionRefused
      ? "connection refused; is the terminal (or the simulator) running on this port?"
      : (error as Error).message;
    throw new PosError("connect", `Cannot connect to ${where}: ${reason}`, { cause: error });
  }
}

/**
 * Builds a request from options, sends it and reads the answer: a debit, a refund
 * (`action: "credit"`), a cheque (`application: "00C"`), an identification...
 *
 * @param request What to ask for (see {@linkcode RequestOptions}).
 * @param options Where the terminal is and how long to wait.
 * @returns The exchange; `result.answer.approved` says whether it was done.
 * @throws {PosError} No connection, no answer, or a malformed answer.
 * @throws {RangeError} A request that cannot be built (amount, currency).
 *
 * @example A 12.50 EUR debit
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * const result = await pay({ amount: 1250, currency: "EUR" }, terminal.endpoint);
 * assert.equal(result.answer.approved, true);
 * assert.match(result.answer.authorisation ?? "", /^[0-9]{6}$/);
 * ```
 */
export async function pay(
  request: RequestOptions,
  options: ConnectionOptions = {},
): Promise<ExchangeResult> {
  // async: a request that cannot be built rejects the promise like any other failure.
  return await exchange(buildRequest(request), options);
}

/**
 * Refunds a card: a credit (CD=1) of the amount, sent like {@linkcode pay}.
 *
 * @param request What to refund: the amount (positive, in minor units), the currency,
 * your reference in `privateData`...; the action is always `"credit"`.
 * @param options Where the terminal is, how long to wait, and an optional `signal`.
 * @returns The exchange; `result.answer.approved` says whether the refund was done.
 * @throws {PosError} No connection, no answer, or a malformed answer.
 * @throws {RangeError} A request that cannot be built (amount, currency).
 *
 * @example Refund 3.00 EUR
 * ```ts
 * import assert from "node:assert/strict";
 * import { refund } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * const result = await refund({ amount: 300, privateData: "ORDER-42" }, terminal.endpoint);
 * assert.equal(result.answer.approved, true);
 * assert.equal(result.answer.privateData, "ORDER-42");
 * ```
 */
export function refund(
  request: Omit<RequestOptions, "action">,
  options: ConnectionOptions = {},
): Promise<ExchangeResult> {
  return pay({ ...request, action: "credit" }, options);
}

/**
 * Pays by cheque: a debit with the cheque application (CC=00C), which the terminal
 * prints; sent like {@linkcode pay}.
 *
 * @param request The amount, the currency...; the application is always
 * {@linkcode CHEQUE_APPLICATION}.
 * @param options Where the terminal is, how long to wait, and an optional `signal`.
 * @returns The exchange; `result.answer.approved` says whether the cheque was accepted.
 * @throws {PosError} No connection, no answer, or a malformed answer.
 * @throws {RangeError} A request that cannot be built (amount, currency).
 *
 * @example A cheque of 25.00 EUR
 * ```ts
 * import assert from "node:assert/strict";
 * import { cheque } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * const result = await cheque({ amount: 2500 }, terminal.endpoint);
 * assert.equal(result.answer.approved, true);
 * ```
 */
export function cheque(
  request: Omit<RequestOptions, "application">,
  options: ConnectionOptions = {},
): Promise<ExchangeResult> {
  return pay({ ...request, application: CHEQUE_APPLICATION }, options);
}

/** What an identification request (CD=I) may carry: no amount, no currency. */
export type IdentificationOptions = Pick<
  RequestOptions,
  "register" | "posId" | "version" | "privateData" | "extra"
>;

/**
 * Asks the terminal to identify itself (CD=I): is a terminal there, and which one? The
 * answer comes at once, with the terminal's own CJ in `result.answer.posId`.
 *
 * @param request The POS's register, identifier, version...; all optional.
 * @param options Where the terminal is, how long to wait, and an optional `signal`.
 * @returns The exchange; `result.answer.approved` is true when the terminal answered AE=10.
 * @throws {PosError} No connection, no answer, or a malformed answer.
 * @throws {TypeError} A register, identifier or version of the wrong shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { identify } from "./pos.ts";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal(); // in a shop: { host: "192.168.1.20", port: 8888 }
 * const result = await identify({}, terminal.endpoint);
 * assert.equal(result.answer.posId, "012345678901"); // the terminal's CJ
 * ```
 */
export function identify(
  request: IdentificationOptions = {},
  options: ConnectionOptions = {},
): Promise<ExchangeResult> {
  return pay({ ...request, action: "identification" }, options);
}
