/**
 * The finding codes: one entry per code in {@linkcode FINDING_CODES} (code, severity,
 * detector), like each fault in `FAULTS`. The words are in a catalogue
 * (`words_en.ts`); the fold that calls the detectors is `diagnosis.ts`.
 *
 * A detector is a few hooks called by the fold with the transactions it tracks; each
 * returns {@linkcode Hit}s, which the fold aggregates into findings (one per code, kind
 * and POS, with a count). Hooks only look at bounded state: the recent transactions of
 * the same POS, the held `no-answer` connections, the pending partial approvals.
 *
 * @module
 */

import {
  FINDING_CODE_NAMES,
  FINDING_CODE_SUMMARIES,
  type FindingCode,
  type FindingCodeSummary,
} from "./code_info.ts";
import { parseIsoTime } from "../iso_time.ts";
import type { Finding as MessageFinding } from "../message.ts";
import { escapeText } from "../tlv.ts";
import type { Outcome } from "../terminal/behaviour.ts";
import type { FaultKind } from "../terminal/fault.ts";
import type { FieldMap } from "../terminal/journal.ts";
import type { TransactionState } from "../terminal/simulator.ts";
import { conformanceProblems } from "./conformance.ts";
import type { Evidence, PosRef, Severity } from "./finding.ts";
import { type ConnectionClosed, type ExtraBytes, posKey, type StillOpen } from "./input.ts";
import type { Facts } from "./words_en.ts";

export { FINDING_CODE_NAMES, FINDING_CODE_SUMMARIES, type FindingCode, type FindingCodeSummary };

/** A transaction as the diagnosis tracks it: the journal's entry, times in milliseconds. */
export interface TrackedTransaction {
  /** Number of the transaction. */
  id: number;
  /** Number of its connection. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** The POS: address and register. */
  pos: PosRef;
  /** The request's records by tag that the checks read: CA, CB, CD, CE, BA. */
  fields: FieldMap;
  /** The request, one character per byte. */
  raw: string;
  /** The request's conformance findings (`checkRequest`). */
  findings: MessageFinding[];
  /** The decision's outcome. */
  outcome: Outcome;
  /** The fault planned for the answer, if any. */
  fault?: FaultKind;
  /** The answer as decided, one character per byte. */
  answerRaw: string;
  /** The answer's records by tag that the checks read: CB, AC. */
  answerFields: FieldMap;
  /** When the request's first byte arrived (ms since the epoch). */
  receivedAt: number;
  /** When the answer was due to start: the decision plus the delay waited. */
  answerDueAt: number;
  /** The delay waited, in milliseconds. */
  waitedMs: number;
  /** Where it stands. */
  state: TransactionState;
  /** When it ended. */
  endedAt?: number;
  /** When the whole answer was written. */
  answeredAt?: number;
  /** Whether the POS closed its side before the answer (the journal's flag). */
  peerClosedEarly?: boolean;
  /** With a fault: what was written instead of the answer. */
  sent?: string;
  /** When the POS's end was seen (a `disconnect` event `by: "pos"`). */
  posClosedAt?: number;
  /** Codes already reported about this transaction, and `paired:<id>` marks. */
  marks: Set<string>;
}

/** What a hook sees besides its input. */
export interface DetectorContext {
  /** The settings in force. */
  settings: Readonly<DiagnosisSettings>;
  /** The recent transactions of a POS, oldest first (the one being added excluded). */
  recent(pos: PosRef): readonly TrackedTransaction[];
  /** Transactions held by `no-answer`, by id. */
  holds: Map<number, TrackedTransaction>;
  /** The last partial approval of each POS, by POS key. */
  partials: Map<string, TrackedTransaction>;
  /**
   * Requests that came while an earlier one of their POS was in progress, by the earlier
   * one's id: judged when it ends (see {@linkcode CLOSE_SEEN_LATE_MS}).
   */
  overlaps: Map<number, { earlier: TrackedTransaction; later: TrackedTransaction[] }>;
}

/**
 * How much later than a POS's next request the simulator may see the POS close its
 * previous connection, in milliseconds: 250. A POS that gives up on an answer closes
 * the connection, then sends its next request on a new one; the simulator can read
 * that request before it sees the close. A request is not overlapping when the POS
 * closed the previous one's connection within this time after it.
 */
export const CLOSE_SEEN_LATE_MS = 250;

/** One occurrence of a finding, as a detector reports it. */
export interface Hit {
  /** The POS. */
  pos: PosRef;
  /** When (ms since the epoch). */
  at: number;
  /** The transaction concerned. */
  transactionId?: number;
  /** The kind, for codes with several. */
  kind?: string;
  /** The severity, when the kind sets its own. */
  severity?: Severity;
  /** The figures the words are made from. */
  facts: Facts;
  /** Facts whose comma-separated values are merged over occurrences (`tags`). */
  mergeFacts?: readonly string[];
  /**
   * What was seen. `raw`: wire bytes as they are (one character per byte, at most 300),
   * escaped into `bytes` when the finding is read.
   */
  evidence: Omit<Evidence, "at"> & { raw?: string };
}

/** The hooks of a detector; each is optional. */
export interface Detector {
  /** A transaction was decided (a `transaction` record). */
  transaction?(tx: TrackedTransaction, ctx: DetectorContext): Hit[];
  /** A transaction ended (an `end` record, or a `transaction` record already ended). */
  end?(tx: TrackedTransaction, ctx: DetectorContext): Hit[];
  /** A connection ended. */
  disconnect?(
    event: ConnectionClosed,
    tx: TrackedTransaction | undefined,
    ctx: DetectorContext,
  ): Hit[];
  /** Bytes came after the answer. */
  extraBytes?(event: ExtraBytes, tx: TrackedTransaction | undefined, ctx: DetectorContext): Hit[];
  /** A held connection is still open. */
  stillOpen?(event: StillOpen, tx: TrackedTransaction | undefined, ctx: DetectorContext): Hit[];
  /** The clock moved on (ms since the epoch). */
  tick?(now: number, ctx: DetectorContext): Hit[];
}

/** One finding code: its severity, its summary and its detector. */
export interface FindingCodeInfo extends FindingCodeSummary {
  /** How it is found. */
  readonly detector: Detector;
}

/** The windows and limits of the diagnosis. */
export interface DiagnosisSettings {
  /**
   * The terminal's input time-out (its `inputTimeoutMs` setting), in milliseconds, before
   * the time scale: a POS that gives up sooner gives up early.
   */
  inputTimeoutMs: number;
  /** The simulator's time scale: it scales the input time-out and the no-answer limit. */
  timeScale: number;
  /** Added to the input time-out to make the no-answer limit, before the time scale. */
  noAnswerMarginMs: number;
  /**
   * How long a POS may keep a connection open without an answer, in milliseconds, as is
   * (not scaled). Default: (input time-out + margin) x time scale.
   */
  noAnswerLimitMs?: number;
  /** The same payment again within this time after an unknown outcome is a resend (real time). */
  resendWindowMs: number;
  /** The same payment again within this time after a delivered approval is a duplicate. */
  duplicateWindowMs: number;
  /** The next request within this time after a partial approval must be for the rest. */
  partialWindowMs: number;
  /** Transactions remembered (the oldest go first). */
  maxTransactions: number;
  /** Recent transactions remembered per POS. */
  maxRecentPerPos: number;
  /** Points of sale remembered (the least recently seen go first). */
  maxPos: number;
  /** Findings kept (the least recently updated go first). */
  maxFindings: number;
  /** Examples of evidence kept per finding: the first and the latest. */
  maxEvidence: number;
}

/**
 * The defaults of {@linkcode DiagnosisSettings}: input time-out 120 s (the terminal's
 * default) plus 60 s for the no-answer limit; a resend within 2 minutes, a duplicate
 * within 10 s, the rest of a partial approval within 2 minutes. The windows are real
 * time: they measure people and programs, not the terminal, so the time scale leaves
 * them alone.
 */
export const DIAGNOSIS_DEFAULTS: Readonly<DiagnosisSettings> = Object.freeze({
  inputTimeoutMs: 120_000,
  timeScale: 1,
  noAnswerMarginMs: 60_000,
  resendWindowMs: 120_000,
  duplicateWindowMs: 10_000,
  partialWindowMs: 120_000,
  maxTransactions: 1000,
  maxRecentPerPos: 8,
  maxPos: 200,
  maxFindings: 500,
  maxEvidence: 5,
});

/**
 * The no-answer limit in force: the setting, or (input time-out + margin) x time scale.
 *
 * @param settings The settings.
 * @returns The limit, in milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DIAGNOSIS_DEFAULTS, noAnswerLimit } from "./codes.ts";
 * assert.equal(noAnswerLimit(DIAGNOSIS_DEFAULTS), 180_000);
 * assert.equal(noAnswerLimit({ ...DIAGNOSIS_DEFAULTS, timeScale: 0.01 }), 1_800);
 * ```
 */
export function noAnswerLimit(settings: Readonly<DiagnosisSettings>): number {
  return settings.noAnswerLimitMs ??
    (settings.inputTimeoutMs + settings.noAnswerMarginMs) * settings.timeScale;
}

/** No hit: one array for every hook that finds nothing (the fold only reads it). */
const NONE: Hit[] = [];

/** Faults after which the POS cannot know the outcome. */
const UNKNOWN_FAULTS: ReadonlySet<string> = new Set([
  "no-answer",
  "close-before-answer",
  "reset",
  "approve-then-drop",
  "garbage-answer",
  "truncated-answer",
]);
/** Faults that send the answer in several pieces. */
const PIECEWISE_FAULTS: ReadonlySet<string> = new Set(["split-answer", "slow-answer"]);

/** Longest wire text kept as evidence, in bytes. */
const MAX_EVIDENCE_BYTES = 300;

/**
 * Wire bytes for people and logs: cut to 300 bytes (then `...`),
 * escaped as `escapeText` does (printable ASCII kept, the rest as `\xNN`), in one flat
 * string (a string built character by character is a chain of small pieces, many times
 * its size in memory, for as long as a finding keeps it).
 *
 * @param text The bytes, one character per byte.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evidenceBytes } from "./codes.ts";
 * assert.equal(evidenceBytes("CZ0040300\x06"), "CZ0040300\\x06");
 * ```
 */
export function evidenceBytes(text: string): string {
  const cut = text.length > MAX_EVIDENCE_BYTES ? text.slice(0, MAX_EVIDENCE_BYTES) : text;
  const escaped = escapeText(cut) + (cut.length < text.length ? "..." : "");
  // Flattened: one copy, holding neither the pieces nor the text it was cut from.
  return escaped.length > 0 ? JSON.parse(JSON.stringify(escaped)) : escaped;
}

const bytes = evidenceBytes;

/**
 * The bytes of a piece of evidence: kept as they are when short, escaped when the finding
 * is read (most findings updated by every transaction are read far less often); cut and
 * escaped at once when long, so that no long text is kept.
 */
function wire(text: string): { raw: string } | { bytes: string } {
  return text.length <= MAX_EVIDENCE_BYTES ? { raw: text } : { bytes: bytes(text) };
}

/**
 * A duration for people: `2.5 s`, `3 min 5 s`.
 *
 * @param ms Milliseconds.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./codes.ts";
 * assert.equal(formatDuration(2500), "2.5 s");
 * assert.equal(formatDuration(185_000), "3 min 5 s");
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Whether a transaction is a payment the resend checks concern: a debit or credit, BA=0. */
function isPayment(tx: TrackedTransaction): boolean {
  return (tx.fields.CD === "0" || tx.fields.CD === "1") && tx.fields.BA !== "1" &&
    amountOf(tx.fields.CB) !== undefined;
}

/** CB in minor units: 1 to 12 digits, else `undefined` (read for each recent payment). */
function amountOf(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 12) return undefined;
  let amount = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    amount = amount * 10 + digit;
  }
  return amount;
}

/** The same payment: register, amount (leading zeros aside), currency, action. */
function samePayment(a: TrackedTransaction, b: TrackedTransaction): boolean {
  return a.fields.CA === b.fields.CA && a.fields.CE === b.fields.CE &&
    a.fields.CD === b.fields.CD && amountOf(a.fields.CB) === amountOf(b.fields.CB);
}

/** Whether the POS cannot have known how a transaction ended. */
function outcomeUnknown(tx: TrackedTransaction): boolean {
  return (tx.fault !== undefined && UNKNOWN_FAULTS.has(tx.fault)) || tx.state === "client-gone" ||
    tx.peerClosedEarly === true || tx.posClosedAt !== undefined && tx.endedAt !== undefined &&
      tx.posClosedAt < (tx.answeredAt ?? tx.endedAt) ||
    tx.marks.has("reads-once") || tx.marks.has("gives-up-early");
}

function isPartial(tx: TrackedTransaction): boolean {
  const asked = amountOf(tx.fields.CB);
  const approved = amountOf(tx.answerFields.CB);
  return tx.outcome === "approved" && asked !== undefined && approved !== undefined &&
    approved < asked;
}

/** The latest earlier transaction of the same payment, if any. */
function previousSame(
  tx: TrackedTransaction,
  ctx: DetectorContext,
): TrackedTransaction | undefined {
  // Two detectors ask in turn about the same transaction: the answer is kept for the next.
  if (lastAsked.tx === tx && lastAsked.ctx === ctx) return lastAsked.prev;
  const prev = findPreviousSame(tx, ctx);
  lastAsked = { tx, ctx, prev };
  return prev;
}

let lastAsked: {
  tx?: TrackedTransaction;
  ctx?: DetectorContext;
  prev?: TrackedTransaction;
} = {};

function findPreviousSame(
  tx: TrackedTransaction,
  ctx: DetectorContext,
): TrackedTransaction | undefined {
  const recent = ctx.recent(tx.pos);
  for (let i = recent.length - 1; i >= 0; i--) {
    const prev = recent[i];
    // A cancellation, a status or receipt request in between: the POS found out first.
    if (RESOLVING_ACTIONS.has(prev.fields.CD ?? "")) return undefined;
    if (prev.id !== tx.id && isPayment(prev) && samePayment(prev, tx)) return prev;
  }
  return undefined;
}

/** Actions by which a POS finds out or undoes a payment: cancellation, duplicate receipt, status. */
const RESOLVING_ACTIONS: ReadonlySet<string> = new Set(["2", "3", "T"]);

function once(tx: TrackedTransaction, code: string): boolean {
  if (tx.marks.has(code)) return false;
  tx.marks.add(code);
  return true;
}

function describe(tx: TrackedTransaction): string {
  const what = tx.fault ?? tx.state;
  return `${what}; the terminal ${
    tx.outcome === "approved" ? "approved it" : `said ${tx.outcome}`
  }`;
}

const readsOnce: Detector = {
  transaction(tx, ctx) {
    for (const prev of ctx.recent(tx.pos)) {
      if (!prev.fault || !PIECEWISE_FAULTS.has(prev.fault)) continue;
      const end = prev.answeredAt ?? prev.endedAt;
      if (tx.receivedAt < prev.answerDueAt || (end !== undefined && tx.receivedAt >= end)) continue;
      tx.marks.add(`paired:${prev.id}`);
      if (!once(prev, "reads-once")) continue;
      return [{
        pos: tx.pos,
        at: tx.receivedAt,
        transactionId: prev.id,
        facts: { how: "next-request", next: tx.id },
        evidence: {
          transactionId: prev.id,
          note:
            `next request #${tx.id} arrived while the answer of #${prev.id} was being sent (${prev.fault})`,
        },
      }];
    }
    return NONE;
  },
  end(tx) {
    if (
      tx.state !== "client-gone" || !tx.fault || !PIECEWISE_FAULTS.has(tx.fault) || !tx.sent ||
      tx.sent.length >= tx.answerRaw.length || !once(tx, "reads-once")
    ) return NONE;
    return [{
      pos: tx.pos,
      at: tx.endedAt ?? tx.receivedAt,
      transactionId: tx.id,
      facts: {
        how: "write-failed",
        pieces: `${tx.sent.length} of ${tx.answerRaw.length} bytes written`,
      },
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        bytes: bytes(tx.sent),
        note:
          `the POS was gone after ${tx.sent.length} of ${tx.answerRaw.length} bytes (${tx.fault})`,
      },
    }];
  },
  disconnect(event, tx) {
    if (
      !tx || event.by !== "pos" || event.phase !== "answering" ||
      (event.segmentsSent ?? 0) >= (event.segmentsPlanned ?? 0) || !once(tx, "reads-once")
    ) return NONE;
    return [{
      pos: tx.pos,
      at: parseIsoTime(event.at),
      transactionId: tx.id,
      facts: {
        how: "closed",
        pieces: `${event.segmentsSent} of ${event.segmentsPlanned} pieces written`,
      },
      evidence: {
        transactionId: tx.id,
        connectionId: event.connectionId,
        note: `the POS closed after ${event.segmentsSent} of ${event.segmentsPlanned} pieces`,
      },
    }];
  },
};

const givesUpEarly: Detector = {
  disconnect(event, tx, ctx) {
    if (!tx || event.by !== "pos" || (event.phase !== "waiting" && event.phase !== "held")) {
      return NONE;
    }
    const at = parseIsoTime(event.at);
    tx.posClosedAt = at;
    const inputTimeout = ctx.settings.inputTimeoutMs * ctx.settings.timeScale;
    const after = at - tx.receivedAt;
    if (after >= inputTimeout || !once(tx, "gives-up-early")) return NONE;
    return [{
      pos: tx.pos,
      at,
      transactionId: tx.id,
      facts: { after: formatDuration(after), inputTimeout: formatDuration(inputTimeout) },
      evidence: {
        transactionId: tx.id,
        connectionId: event.connectionId,
        note: `closed ${formatDuration(after)} after the request, ${
          event.phase === "held" ? "no answer coming" : "the answer not yet sent"
        }`,
      },
    }];
  },
  end(tx, ctx) {
    // The journal alone: the POS closed during the delay; when, it does not say.
    const inputTimeout = ctx.settings.inputTimeoutMs * ctx.settings.timeScale;
    if (
      !tx.peerClosedEarly || tx.state === "cancelled" || tx.waitedMs > inputTimeout ||
      !once(tx, "gives-up-early")
    ) return NONE;
    return [{
      pos: tx.pos,
      at: tx.endedAt ?? tx.answerDueAt,
      transactionId: tx.id,
      facts: {
        after: `less than ${formatDuration(tx.waitedMs)}`,
        inputTimeout: formatDuration(inputTimeout),
      },
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        note: `closed before the answer, due ${formatDuration(tx.waitedMs)} after the request`,
      },
    }];
  },
};

/**
 * Whether a connection open `openMs` after its request is past the no-answer limit: by
 * more than 5 % of the limit (at least 100 ms), so that a POS whose time-out is the limit
 * itself (180 s, as known clients) is not taken for one without.
 */
function pastLimit(openMs: number, limit: number): boolean {
  return openMs > limit + Math.max(100, limit * 0.05);
}

function noAnswerHit(tx: TrackedTransaction, at: number, limit: number, note: string): Hit[] {
  if (!once(tx, "no-answer-timeout")) return NONE;
  return [{
    pos: tx.pos,
    at,
    transactionId: tx.id,
    facts: { open: formatDuration(at - tx.receivedAt), limit: formatDuration(limit) },
    evidence: { transactionId: tx.id, connectionId: tx.connectionId, note },
  }];
}

const noAnswerTimeout: Detector = {
  transaction(tx, ctx) {
    if (tx.fault === "no-answer" && tx.state === "pending") ctx.holds.set(tx.id, tx);
    return NONE;
  },
  end(tx, ctx) {
    ctx.holds.delete(tx.id);
    const limit = noAnswerLimit(ctx.settings);
    if (tx.fault !== "no-answer" || tx.endedAt === undefined) return NONE;
    if (!pastLimit(tx.endedAt - tx.receivedAt, limit)) return NONE;
    return noAnswerHit(tx, tx.endedAt, limit, "still open at the limit, closed later");
  },
  disconnect(event, tx, ctx) {
    if (!tx || tx.fault !== "no-answer") return NONE;
    ctx.holds.delete(tx.id);
    const limit = noAnswerLimit(ctx.settings);
    const at = parseIsoTime(event.at);
    if (!pastLimit(at - tx.receivedAt, limit)) return NONE;
    return noAnswerHit(tx, at, limit, `closed by the ${event.by} after the limit`);
  },
  stillOpen(event, tx, ctx) {
    if (!tx || tx.fault !== "no-answer") return NONE;
    const limit = noAnswerLimit(ctx.settings);
    const at = parseIsoTime(event.at);
    if (!pastLimit(at - tx.receivedAt, limit)) return NONE;
    ctx.holds.delete(tx.id);
    return noAnswerHit(tx, at, limit, "still open at the limit");
  },
  tick(now, ctx) {
    const limit = noAnswerLimit(ctx.settings);
    const hits: Hit[] = [];
    for (const [id, tx] of ctx.holds) {
      if (!pastLimit(now - tx.receivedAt, limit)) continue;
      ctx.holds.delete(id);
      hits.push(...noAnswerHit(tx, now, limit, "still open at the limit"));
    }
    return hits;
  },
};

const resendsAfterUnknown: Detector = {
  transaction(tx, ctx) {
    if (!isPayment(tx)) return NONE;
    const prev = previousSame(tx, ctx);
    if (!prev || !outcomeUnknown(prev)) return NONE;
    const since = prev.endedAt ?? prev.answerDueAt;
    const after = tx.receivedAt - since;
    if (after > ctx.settings.resendWindowMs) return NONE;
    tx.marks.add(`paired:${prev.id}`);
    return [{
      pos: tx.pos,
      at: tx.receivedAt,
      transactionId: tx.id,
      facts: {
        previous: prev.id,
        what: describe(prev),
        after: formatDuration(Math.max(after, 0)),
        window: formatDuration(ctx.settings.resendWindowMs),
      },
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        ...wire(tx.raw),
        note: `same payment as #${prev.id} (${describe(prev)})`,
      },
    }];
  },
};

const duplicateAfterApproval: Detector = {
  transaction(tx, ctx) {
    if (!isPayment(tx)) return NONE;
    const prev = previousSame(tx, ctx);
    if (
      !prev || prev.outcome !== "approved" || prev.state !== "answered" ||
      prev.answeredAt === undefined || outcomeUnknown(prev) || isPartial(prev) ||
      tx.marks.has(`paired:${prev.id}`)
    ) return NONE;
    // Two references of the POS's own (CF) that differ: two sales that happen to cost the
    // same (a test suite paying 12.50 again and again), not the same sale sent twice.
    if (
      prev.fields.CF !== undefined && tx.fields.CF !== undefined && prev.fields.CF !== tx.fields.CF
    ) {
      return NONE;
    }
    const after = tx.receivedAt - prev.answeredAt;
    // Sent before the approval reached the POS: that is overlapping-requests.
    if (after < 0 || after > ctx.settings.duplicateWindowMs) return NONE;
    tx.marks.add(`paired:${prev.id}`);
    return [{
      pos: tx.pos,
      at: tx.receivedAt,
      transactionId: tx.id,
      facts: {
        previous: prev.id,
        after: formatDuration(after),
        window: formatDuration(ctx.settings.duplicateWindowMs),
      },
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        ...wire(tx.raw),
        note: `same payment as #${prev.id}, approved (AC=${prev.answerFields.AC ?? "-"})`,
      },
    }];
  },
};

const ignoresPartialApproval: Detector = {
  end(tx, ctx) {
    if (tx.state === "answered" && isPartial(tx) && !outcomeUnknown(tx)) {
      ctx.partials.set(posKey(tx.pos), tx);
    }
    return NONE;
  },
  transaction(tx, ctx) {
    const key = posKey(tx.pos);
    const partial = ctx.partials.get(key);
    if (!partial || partial.id === tx.id || tx.fields.CD === "I") return NONE;
    ctx.partials.delete(key);
    const since = partial.answeredAt ?? partial.endedAt ?? partial.answerDueAt;
    if (tx.receivedAt - since > ctx.settings.partialWindowMs) return NONE;
    const asked = amountOf(partial.fields.CB)!;
    const approved = amountOf(partial.answerFields.CB)!;
    const remaining = asked - approved;
    if (tx.fields.CD === "2") return NONE;
    if (tx.fields.CD === partial.fields.CD && amountOf(tx.fields.CB) === remaining) return NONE;
    tx.marks.add(`paired:${partial.id}`);
    return [{
      pos: tx.pos,
      at: tx.receivedAt,
      transactionId: tx.id,
      facts: { previous: partial.id, asked, approved, remaining },
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        ...wire(tx.raw),
        note: `after #${partial.id} approved ${approved} of ${asked}: CD=${
          tx.fields.CD ?? "-"
        } CB=${tx.fields.CB ?? "-"}`,
      },
    }];
  },
  tick(now, ctx) {
    for (const [key, tx] of ctx.partials) {
      const since = tx.answeredAt ?? tx.endedAt ?? tx.answerDueAt;
      if (now - since > ctx.settings.partialWindowMs) ctx.partials.delete(key);
    }
    return NONE;
  },
};

const requestNonconformant: Detector = {
  transaction(tx) {
    const problems = conformanceProblems(tx.raw, tx.findings, tx.fields);
    // A clean request (nearly all) gives the shared NONE, not a new empty array: one map
    // fewer where the hits are collected, which V8 then does not deoptimize (--trace-deopt).
    if (problems.length === 0) return NONE;
    return problems.map((problem) => ({
      pos: tx.pos,
      at: tx.receivedAt,
      transactionId: tx.id,
      kind: problem.kind,
      severity: problem.severity,
      facts: {
        kind: problem.kind,
        family: problem.family,
        message: problem.message,
        ...(problem.tag ? { tag: problem.tag } : {}),
        ...(problem.tags ? { tags: problem.tags.join(", ") } : {}),
      },
      ...(problem.tags ? { mergeFacts: ["tags"] } : {}),
      evidence: {
        transactionId: tx.id,
        connectionId: tx.connectionId,
        ...wire(tx.raw),
        note: problem.message,
      },
    }));
  },
  extraBytes(event, tx) {
    const pos = tx?.pos;
    if (!pos) return NONE;
    const shown = bytes(event.bytes);
    return [{
      pos,
      at: parseIsoTime(event.at),
      transactionId: tx.id,
      kind: "bytes-after-answer",
      severity: "warning",
      facts: {
        kind: "bytes-after-answer",
        family: "bytes-after-answer",
        message: "Bytes after the answer",
        bytes: shown,
      },
      evidence: {
        transactionId: tx.id,
        connectionId: event.connectionId,
        bytes: shown,
        note: `${event.bytes.length} bytes after the answer of #${tx.id}`,
      },
    }];
  },
};

const overlappingRequests: Detector = {
  transaction(tx, ctx) {
    // An identification (CD=I) mixes up no payment: a POS may check the terminal is there.
    if (tx.fields.CD === "I") return NONE;
    const recent = ctx.recent(tx.pos);
    for (let i = recent.length - 1; i >= 0; i--) {
      const prev = recent[i];
      // The times first: most earlier requests ended before this one came.
      const end = prev.answeredAt ?? prev.endedAt ?? prev.posClosedAt;
      if (prev.receivedAt > tx.receivedAt) continue;
      if (end !== undefined && tx.receivedAt >= end) continue;
      if (prev.id === tx.id || prev.fields.CD === "I" || tx.marks.has(`paired:${prev.id}`)) {
        continue;
      }
      // In progress when it came: judged now if it has ended since, else when it ends (the
      // latest such one only: one finding per request, as when judged at once).
      if (end !== undefined) {
        const hits: Hit[] = [];
        if (judgeOverlap(prev, tx, hits)) return hits;
        continue;
      }
      const waiting = ctx.overlaps.get(prev.id);
      if (waiting) waiting.later.push(tx);
      else ctx.overlaps.set(prev.id, { earlier: prev, later: [tx] });
      return NONE;
    }
    return NONE;
  },
  end(tx, ctx) {
    return judgeOverlaps(tx, ctx);
  },
  disconnect(_event, tx, ctx) {
    return tx ? judgeOverlaps(tx, ctx) : NONE;
  },
  tick(now, ctx) {
    // An earlier request that has not ended by now was in progress when the later came.
    let hits: Hit[] | undefined;
    for (const [id, { earlier, later }] of ctx.overlaps) {
      if ((earlier.answeredAt ?? earlier.endedAt ?? earlier.posClosedAt) !== undefined) {
        // Ended, its end not folded here (forgotten first): judged as at its end.
        (hits ??= []).push(...judgeOverlaps(earlier, ctx));
        continue;
      }
      for (let i = later.length - 1; i >= 0; i--) {
        if (now - later[i].receivedAt <= CLOSE_SEEN_LATE_MS) continue;
        if (once(later[i], "overlapping-requests")) {
          (hits ??= []).push(overlapHit(earlier, later[i]));
        }
        later.splice(i, 1);
      }
      if (later.length === 0) ctx.overlaps.delete(id);
    }
    return hits ?? NONE;
  },
};

/** The requests waiting on one that has now ended, or whose POS closed it: judged. */
function judgeOverlaps(earlier: TrackedTransaction, ctx: DetectorContext): Hit[] {
  const waiting = ctx.overlaps.get(earlier.id);
  if (!waiting || (earlier.answeredAt ?? earlier.endedAt ?? earlier.posClosedAt) === undefined) {
    return NONE;
  }
  ctx.overlaps.delete(earlier.id);
  const hits: Hit[] = [];
  for (const later of waiting.later) judgeOverlap(earlier, later, hits);
  return hits;
}

/**
 * Whether a request came while an earlier one that has ended was in progress; adds the
 * finding's hit if so (once per request). The POS's own close of the earlier connection
 * counts from {@linkcode CLOSE_SEEN_LATE_MS} before it was seen.
 */
function judgeOverlap(
  earlier: TrackedTransaction,
  later: TrackedTransaction,
  hits: Hit[],
): boolean {
  const closed = earlier.posClosedAt;
  if (closed !== undefined && closed - CLOSE_SEEN_LATE_MS <= later.receivedAt) return false;
  const end = earlier.answeredAt ?? earlier.endedAt ?? closed!;
  if (later.receivedAt >= end || !once(later, "overlapping-requests")) return false;
  hits.push(overlapHit(earlier, later));
  return true;
}

function overlapHit(prev: TrackedTransaction, tx: TrackedTransaction): Hit {
  return {
    pos: tx.pos,
    at: tx.receivedAt,
    transactionId: tx.id,
    facts: { previous: prev.id },
    evidence: {
      transactionId: tx.id,
      connectionId: tx.connectionId,
      note:
        `#${tx.id} (connection ${tx.connectionId}) while #${prev.id} (connection ${prev.connectionId}) was in progress`,
    },
  };
}

/** Each code's detector (its severity and summary are in lib/diagnosis/code_info.ts). */
const DETECTORS: Readonly<Record<FindingCode, Detector>> = {
  "reads-once": readsOnce,
  "gives-up-early": givesUpEarly,
  "no-answer-timeout": noAnswerTimeout,
  "resends-after-unknown": resendsAfterUnknown,
  "ignores-partial-approval": ignoresPartialApproval,
  "duplicate-after-approval": duplicateAfterApproval,
  "request-nonconformant": requestNonconformant,
  "overlapping-requests": overlappingRequests,
};

/**
 * Every finding code, in the order of the documentation ({@linkcode FINDING_CODE_NAMES}).
 * The order is also the order the detectors run in: `reads-once`,
 * `resends-after-unknown`, `ignores-partial-approval` and `duplicate-after-approval` pair
 * a request with an earlier one before `overlapping-requests` looks, so one cause makes
 * one finding.
 */
export const FINDING_CODES: Readonly<Record<FindingCode, FindingCodeInfo>> = Object.freeze(
  Object.fromEntries(
    FINDING_CODE_NAMES.map((
      code,
    ) => [code, { ...FINDING_CODE_SUMMARIES[code], detector: DETECTORS[code] }]),
  ) as Record<FindingCode, FindingCodeInfo>,
);

/**
 * Whether a text is a finding code.
 *
 * @param text The text.
 * @returns Whether it is one of {@linkcode FINDING_CODE_NAMES}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFindingCode } from "./codes.ts";
 * assert.equal(isFindingCode("reads-once"), true);
 * assert.equal(isFindingCode("reads-twice"), false);
 * ```
 */
export function isFindingCode(text: string): text is FindingCode {
  return Object.hasOwn(FINDING_CODES, text);
}
