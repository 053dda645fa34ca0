/**
 * The pure half of forward mode: what the tap makes of the bytes it saw go by. A
 * {@linkcode WireCopy} per direction receives a copy of each segment (never in the path
 * of the bytes), decodes records as they come, and {@linkcode forwardTransaction} turns
 * one request and the real terminal's answer into the same {@linkcode Transaction} the
 * simulator reports, card numbers masked: the journal, the log, the control API and the
 * dashboard then show it as they show the simulator's.
 *
 * @module
 */

import { holdsStatus } from "../framing.ts";
import { maskDigits, maskFields, maskFrame } from "../mask.ts";
import { checkAnswer, checkRequest, type Finding } from "../message.ts";
import { valueMeaning } from "../tags.ts";
import { type Field, getField, RecordScanner } from "../tlv.ts";
import type { Outcome, Plan } from "./behaviour.ts";
import { holdsMandatoryRecords, type Transaction } from "./simulator.ts";

/** Where a transaction came from: a transaction of forward mode says so. */
export interface ForwardedFrom {
  /** Always `"forward"`: the real terminal answered. */
  source: "forward";
  /** The real terminal's address, `host:port`. */
  upstream: string;
  /**
   * What the terminal's answer does differently from the protocol (`checkAnswer`), each
   * message starting with `Answer:`. The plan's `findings` are the request's only, as
   * the simulator's (the POS's diagnosis reads them).
   */
  answerFindings: Finding[];
}

/** A transaction of forward mode: the simulator's shape, and where it came from. */
export type ForwardTransaction = Transaction & ForwardedFrom;

/**
 * A copy of one direction of a connection, decoded as it comes: the text (one character
 * per byte, kept up to a bound) and its records. Never in the path of the bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WireCopy } from "./forward_exchange.ts";
 * const copy = new WireCopy(1024);
 * copy.add(new TextEncoder().encode("CZ0040300AE0"));
 * copy.add(new TextEncoder().encode("0210"));
 * assert.deepEqual([copy.onBoundary, copy.fields.length], [true, 2]);
 * ```
 */
export class WireCopy {
  /** The text so far, one character per byte (up to the bound). */
  text = "";
  /** Bytes seen, the ones beyond the bound included. */
  bytes = 0;
  /** When the first byte came (epoch milliseconds); 0: none yet. */
  firstAt = 0;
  /** When the last byte came (epoch milliseconds). */
  lastAt = 0;
  /** Whether bytes beyond the bound were left out of the copy. */
  oversize = false;
  /** Whether the text ends on a record boundary, its records read. */
  onBoundary = false;
  readonly #max: number;
  #scanner = new RecordScanner();

  /**
   * Makes an empty copy.
   *
   * @param maxBytes How many bytes are kept: the rest is forwarded, not copied.
   */
  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  /** The records read so far. */
  get fields(): Field[] {
    return this.#scanner.fields;
  }

  /** Whether nothing came. */
  get empty(): boolean {
    return this.bytes === 0;
  }

  /**
   * Adds a segment.
   *
   * @param segment The bytes, as forwarded.
   * @param at When they came (epoch milliseconds). Default: now.
   */
  add(segment: Uint8Array, at: number = Date.now()): void {
    if (this.bytes === 0) this.firstAt = at;
    this.lastAt = at;
    this.bytes += segment.length;
    const room = this.#max - this.text.length;
    if (room <= 0) {
      this.oversize = true;
      return;
    }
    const kept = segment.length > room ? segment.subarray(0, room) : segment;
    if (kept.length < segment.length) this.oversize = true;
    this.text += String.fromCharCode.apply(null, kept as unknown as number[]);
    this.onBoundary = this.#scanner.scan(this.text);
  }

  /** Whether a request is whole: on a record boundary with every mandatory record. */
  get wholeRequest(): boolean {
    return this.onBoundary && holdsMandatoryRecords(this.fields);
  }

  /** Whether an answer may be whole: on a record boundary, with its status (AE). */
  get wholeAnswer(): boolean {
    return this.onBoundary && holdsStatus(this.fields);
  }

  /**
   * Ends the reading: the records and the defect of the frame, if any.
   *
   * @returns The records and the first defect.
   */
  finish(): { fields: Field[]; error?: ReturnType<RecordScanner["finish"]>["error"] } {
    return this.#scanner.finish(this.text);
  }
}

/** What {@linkcode forwardTransaction} needs of one exchange. */
export interface ForwardExchange {
  /** Number of the transaction. */
  id: number;
  /** Number of the connection. */
  connectionId: number;
  /** The POS's address. */
  peer: string;
  /** The real terminal's address. */
  upstream: string;
  /** The request's copy. */
  request: WireCopy;
  /** The answer's copy (empty: none came). */
  answer: WireCopy;
  /** Whether card numbers are masked. Default: yes. */
  mask?: boolean;
  /** When the exchange is recorded (epoch milliseconds), if no answer came. Default: now. */
  now?: number;
}

/**
 * Turns one exchange seen by the tap into a transaction, as the simulator reports its
 * own: the request and the answer decoded, conformance findings for both (the request's
 * in the plan, the answer's in `answerFindings`, starting with `Answer:`), the outcome read from AE, the terminal's real delay (from the
 * request's last byte to the answer's first). Card numbers are masked in every text,
 * record and message unless `mask` is `false`. Pure.
 *
 * @param exchange The exchange.
 * @returns The transaction, `pending` (the caller ends it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forwardTransaction, WireCopy } from "./forward_exchange.ts";
 * const request = new WireCopy(1024), answer = new WireCopy(1024);
 * request.add(new TextEncoder().encode("CZ0040300CJ012012345678901CA00201CD0010CB0041250CE003978"), 1000);
 * answer.add(new TextEncoder().encode("CZ0040300AE00210AA0164970101234567893"), 1250);
 * const t = forwardTransaction({ id: 1, connectionId: 1, peer: "p", upstream: "u:1", request, answer });
 * assert.deepEqual([t.plan.outcome, t.delayMs, t.answerText.slice(-16)], ["approved", 250, "497010######7893"]);
 * ```
 */
export function forwardTransaction(exchange: ForwardExchange): ForwardTransaction {
  const { request, answer } = exchange;
  const mask = exchange.mask ?? true;
  const text = mask ? maskFrame : (t: string) => t;
  const records = mask ? maskFields : (f: readonly Field[]) => [...f];
  const asked = request.finish();
  const answered = answer.empty ? { fields: [] as Field[] } : answer.finish();
  const masked = (finding: Finding) =>
    mask ? { ...finding, message: maskDigits(finding.message) } : finding;
  const findings = (request.empty ? [] : checkRequest(asked.fields, asked.error)).map(masked);
  const answerFindings = (answer.empty ? [] : checkAnswer(answered.fields, answered.error))
    .map((finding) => masked({ ...finding, message: `Answer: ${finding.message}` }));
  const decidedMs = answer.empty ? exchange.now ?? Date.now() : answer.firstAt;
  const startedMs = request.empty ? decidedMs : request.firstAt;
  const delayMs = answer.empty || request.empty ? 0 : Math.max(0, answer.firstAt - request.lastAt);
  const outcome = outcomeOf(answered.fields);
  const plan: Plan = {
    outcome,
    answer: records(answered.fields),
    delayMs,
    reason: reasonOf(exchange.upstream, answered.fields, answer.empty),
    findings,
  };
  return {
    id: exchange.id,
    connectionId: exchange.connectionId,
    peer: exchange.peer,
    receivedAt: new Date(startedMs).toISOString(),
    requestText: text(request.text),
    end: request.oversize ? "oversize" : request.wholeRequest ? "complete" : "closed",
    request: records(asked.fields),
    plan,
    decidedAt: new Date(decidedMs).toISOString(),
    delayMs,
    answerText: text(answer.text),
    state: "pending",
    source: "forward",
    upstream: exchange.upstream,
    answerFindings,
  };
}

/**
 * What a terminal's answer says, as the simulator's outcomes: AE=10 approved, AE=11
 * acknowledged, AE=01 AF=09 rejected, anything else (AE=01, no status) declined.
 *
 * @param fields The answer's records.
 * @returns The outcome.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeOf } from "./forward_exchange.ts";
 * assert.equal(outcomeOf([{ tag: "AE", value: "01" }, { tag: "AF", value: "04" }]), "declined");
 * ```
 */
export function outcomeOf(fields: readonly Field[]): Outcome {
  const status = getField(fields, "AE");
  if (status === "10") return "approved";
  if (status === "11") return "acknowledged";
  if (status === "01" && getField(fields, "AF")?.startsWith("09")) return "rejected";
  return "declined";
}

/** The reason of a forwarded answer, in words. */
function reasonOf(upstream: string, fields: readonly Field[], empty: boolean): string {
  if (empty) return `the terminal at ${upstream} sent no answer`;
  const status = getField(fields, "AE");
  if (status === undefined) return `the terminal at ${upstream} answered without a status (AE)`;
  const complement = getField(fields, "AF");
  const code = complement?.slice(0, 2);
  const meaning = code === undefined ? valueMeaning("AE", status) : valueMeaning("AF", code);
  return `the terminal at ${upstream} answered AE=${status}${
    code === undefined ? "" : ` AF=${code}`
  }${meaning ? ` (${meaning})` : ""}`;
}
