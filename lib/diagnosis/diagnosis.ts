/**
 * The diagnosis of a point of sale: a pure, incremental fold over the journal's records
 * and the connection events (`input.ts`), which returns the findings each input makes
 * new or changes. Memory is bounded (the oldest transactions, POS and findings go
 * first); the checks that depend on time (`no-answer-timeout`) run on
 * {@linkcode Diagnosis.tick}, with a time given by the caller: no timer, no clock read.
 *
 * @example A whole journal at once: the POS paid again after a lost approval
 * ```ts
 * import assert from "node:assert/strict";
 * import { diagnose } from "./diagnosis.ts";
 * import { pay, startTerminal } from "../../mod.ts";
 *
 * await using terminal = await startTerminal();
 * terminal.control.enqueue([{ status: "approved", fault: { kind: "approve-then-drop" } }]);
 * await assert.rejects(pay({ amount: 1250 }, terminal.endpoint)); // approved, answer lost
 * await pay({ amount: 1250 }, terminal.endpoint); // the POS sends it again
 * // The records of a journal file (JSON Lines) read the same.
 * const entries = terminal.control.journal.list();
 * const records = entries.map((entry) => ({ type: "transaction" as const, ...entry }));
 * const [finding] = diagnose(records);
 * assert.equal(finding.code, "resends-after-unknown");
 * assert.equal(finding.severity, "money");
 * ```
 *
 * @module
 */

import { isoTime, parseIsoTime } from "../iso_time.ts";
import { SlotMap } from "../slot_map.ts";
import type { FieldMap, JournalEntry } from "../terminal/journal.ts";
import type { FaultKind } from "../terminal/fault.ts";
import type { Transaction } from "../terminal/simulator.ts";
import type { Field } from "../tlv.ts";
import {
  type Detector,
  type DetectorContext,
  DIAGNOSIS_DEFAULTS,
  type DiagnosisSettings,
  evidenceBytes,
  FINDING_CODE_NAMES,
  FINDING_CODES,
  type FindingCode,
  type Hit,
  type TrackedTransaction,
} from "./codes.ts";
import type { DiagnosisFinding, Evidence, Occurrence, PosRef, Severity } from "./finding.ts";
import { type DiagnosisInput, peerAddress, posKey } from "./input.ts";
import { type Catalogue, ENGLISH, wordsOf } from "./words_en.ts";

/** A hit and the code of the detector that made it. */
type CodedHit = Hit & { code: FindingCode };

/** When and where, as the fold keeps it: the time in milliseconds. */
interface KeptOccurrence {
  at: number;
  transactionId?: number;
}

/** A piece of evidence as the fold keeps it: the time in milliseconds, the bytes raw. */
type KeptEvidence = Omit<Evidence, "at"> & { at: number; raw?: string };

/**
 * A finding as the fold keeps it: without its words, which are written from its facts
 * when it is read, its times as numbers and its evidence's bytes not yet escaped (an
 * aggregate finding updated by every transaction is not written out each time).
 */
interface Kept {
  code: FindingCode;
  kind?: string;
  severity: Severity;
  pos: PosRef;
  count: number;
  first: KeptOccurrence;
  last: KeptOccurrence;
  evidence: KeptEvidence[];
  facts: Record<string, string | number>;
}

/** The hooks of one kind, with their codes, in the order of the codes. */
type Hooks<K extends keyof Detector> = readonly [FindingCode, NonNullable<Detector[K]>][];

function hooks<K extends keyof Detector>(name: K): Hooks<K> {
  const list: [FindingCode, NonNullable<Detector[K]>][] = [];
  for (const code of FINDING_CODE_NAMES) {
    const detector = FINDING_CODES[code].detector;
    const hook = detector[name];
    if (hook) list.push([code, hook.bind(detector) as NonNullable<Detector[K]>]);
  }
  return list;
}

/** Each hook kind's detectors, looked up once. */
const HOOKS = {
  transaction: hooks("transaction"),
  end: hooks("end"),
  disconnect: hooks("disconnect"),
  extraBytes: hooks("extraBytes"),
  stillOpen: hooks("stillOpen"),
  tick: hooks("tick"),
};

/** Options of a {@linkcode Diagnosis}: its settings, and the words' catalogue. */
export interface DiagnosisOptions extends Partial<DiagnosisSettings> {
  /** The words. Default {@linkcode ENGLISH}. */
  catalogue?: Catalogue;
}

/**
 * The incremental diagnosis, for a long-running server: {@linkcode Diagnosis.add} each
 * record and event as it comes, {@linkcode Diagnosis.tick} now and then (every second
 * is plenty), and read {@linkcode Diagnosis.findings}.
 *
 * @example
 * ```ts
 * import { Diagnosis } from "./diagnosis.ts";
 * import assert from "node:assert/strict";
 * const diagnosis = new Diagnosis({ timeScale: 0.01 });
 * const start = { type: "start", run: "r", at: "2026-12-03T10:00:00.000Z", version: "" } as const;
 * assert.deepEqual(diagnosis.add(start), []);
 * assert.deepEqual(diagnosis.tick(Date.parse("2026-12-03T10:05:00.000Z")), []);
 * assert.deepEqual(diagnosis.findings(), []);
 * ```
 */
export class Diagnosis {
  #settings: Readonly<DiagnosisSettings>;
  readonly #catalogue: Catalogue;
  /** The transactions in progress (a SlotMap: an ended one is let go of at once). */
  readonly #transactions = new SlotMap<TrackedTransaction>();
  readonly #recent = new Map<string, TrackedTransaction[]>();
  /** The key of the POS last in the map of recent transactions. */
  #lastPos?: string;
  readonly #connections = new Map<number, number>();
  readonly #findings = new Map<string, Kept>();
  readonly #context: DetectorContext;
  /** The recent transactions of the POS last asked about (reset when they change). */
  #asked?: { pos: PosRef; list: readonly TrackedTransaction[] };

  /**
   * Makes a diagnosis.
   *
   * @param options Windows, limits and catalogue; see {@linkcode DIAGNOSIS_DEFAULTS}.
   */
  constructor(options: DiagnosisOptions = {}) {
    const { catalogue, ...settings } = options;
    this.#settings = merge(DIAGNOSIS_DEFAULTS, settings);
    this.#catalogue = catalogue ?? ENGLISH;
    const recent = this.#recent;
    this.#context = {
      settings: this.#settings,
      // The detectors ask several times about the POS of the transaction being added.
      recent: (pos) => {
        if (pos === this.#asked?.pos) return this.#asked.list;
        const list = recent.get(posKey(pos)) ?? [];
        this.#asked = { pos, list };
        return list;
      },
      holds: new Map(),
      partials: new Map(),
      overlaps: new Map(),
    };
  }

  /** The settings in force. */
  get settings(): Readonly<DiagnosisSettings> {
    return this.#settings;
  }

  /**
   * Changes some settings (the windows and limits changed through the control API, for
   * example); what is tracked stays.
   *
   * @param changes The settings to change; `undefined` ones are left alone.
   * @returns The settings now in force.
   * @throws {RangeError} When a value is not a number from 0.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Diagnosis } from "./diagnosis.ts";
   * assert.equal(new Diagnosis().configure({ duplicateWindowMs: 5000 }).duplicateWindowMs, 5000);
   * ```
   */
  configure(changes: Partial<DiagnosisSettings>): Readonly<DiagnosisSettings> {
    this.#settings = merge(this.#settings, changes);
    this.#context.settings = this.#settings;
    return this.#settings;
  }

  /**
   * Folds one record or event in.
   *
   * @param input A journal record (`start`, `transaction`, `end`) or a connection event.
   * @returns The findings it made new or changed (copies), in the order of the codes.
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * const diagnosis = new Diagnosis();
   * const opened = diagnosis.add({
   *   type: "connection",
   *   connectionId: 1,
   *   peer: "10.0.0.5:50000",
   *   at: "2026-12-03T10:00:00.000Z",
   * });
   * assert.deepEqual(opened, []); // a connection alone says nothing
   * ```
   */
  add(input: DiagnosisInput): DiagnosisFinding[] {
    const changed = new Map<string, boolean>();
    this.fold(input, changed);
    return this.#copies(changed);
  }

  /**
   * Folds one record or event in without copying the findings it changes: for a server
   * that folds every transaction and reads the findings now and then. The keys it puts
   * in `changed` give the findings through {@linkcode Diagnosis.findingOf}.
   *
   * @param input A journal record (`start`, `transaction`, `end`) or a connection event.
   * @param changed Where the key of each finding made new (`true`) or changed (`false`)
   * is set; a key already there keeps `true`.
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * const diagnosis = new Diagnosis();
   * const changed = new Map<string, boolean>();
   * diagnosis.fold({ type: "extra-bytes", connectionId: 1, at: "2026-12-03T10:00:00Z", bytes: "\x06" }, changed);
   * assert.equal(changed.size, 0); // bytes on no known transaction say nothing
   * ```
   */
  fold(input: DiagnosisInput, changed: Map<string, boolean>): void {
    const hits: CodedHit[] = [];
    switch (input.type) {
      case "start":
        this.#asked = undefined;
        this.#transactions.clear();
        this.#recent.clear();
        this.#lastPos = undefined;
        this.#connections.clear();
        this.#context.holds.clear();
        this.#context.partials.clear();
        this.#context.overlaps.clear();
        return;
      case "transaction":
        this.#onTransaction(track(input), hits);
        break;
      case "end": {
        const tx = this.#transactions.get(input.id);
        if (!tx) return;
        ending(tx, input);
        for (const [code, hook] of HOOKS.end) collect(hits, code, hook(tx, this.#context));
        // Its connection gone already (the POS closed first): nothing will ask for it by
        // its number again; the recent ones of its POS keep it for the comparisons.
        if (this.#connections.get(tx.connectionId) !== tx.id) this.#forget(tx);
        break;
      }
      case "connection":
        this.#connections.delete(input.connectionId);
        this.#connections.set(input.connectionId, 0);
        this.#trim(this.#connections, this.settings.maxTransactions);
        return;
      case "disconnect": {
        const tx = this.#transactionOf(input.connectionId, input.transactionId);
        this.#connections.delete(input.connectionId);
        for (const [code, hook] of HOOKS.disconnect) {
          collect(hits, code, hook(input, tx, this.#context));
        }
        // Ended, its connection gone: as above.
        if (tx && tx.state !== "pending") this.#forget(tx);
        break;
      }
      case "extra-bytes": {
        const tx = this.#transactionOf(input.connectionId, input.transactionId);
        for (const [code, hook] of HOOKS.extraBytes) {
          collect(hits, code, hook(input, tx, this.#context));
        }
        break;
      }
      case "still-open": {
        const tx = this.#transactionOf(input.connectionId, input.transactionId);
        for (const [code, hook] of HOOKS.stillOpen) {
          collect(hits, code, hook(input, tx, this.#context));
        }
        break;
      }
      default:
        return;
    }
    if (hits.length > 0) this.#record(hits, changed);
  }

  /**
   * A copy of one finding, by the key {@linkcode Diagnosis.fold} gave.
   *
   * @param key The key.
   * @returns A copy of the finding, or `undefined` when it is gone (forgotten, cleared).
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * assert.equal(new Diagnosis().findingOf("reads-once||10.0.0.5|01"), undefined);
   * ```
   */
  findingOf(key: string): DiagnosisFinding | undefined {
    const kept = this.#findings.get(key);
    return kept ? this.#copy(kept) : undefined;
  }

  /**
   * Runs the checks that depend on time: a held connection past the no-answer limit;
   * partial approvals past their window are forgotten.
   *
   * @param now The time (a `Date` or milliseconds since the epoch).
   * @returns The findings it made new or changed.
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * assert.deepEqual(new Diagnosis().tick(new Date()), []);
   * ```
   */
  tick(now: Date | number): DiagnosisFinding[] {
    const ms = typeof now === "number" ? now : now.getTime();
    const hits: CodedHit[] = [];
    for (const [code, hook] of HOOKS.tick) collect(hits, code, hook(ms, this.#context));
    const changed = new Map<string, boolean>();
    if (hits.length > 0) this.#record(hits, changed);
    return this.#copies(changed);
  }

  /**
   * Every finding, worst first, then by code order, POS and kind.
   *
   * @returns Copies of the findings.
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * assert.deepEqual(new Diagnosis().findings(), []);
   * ```
   */
  findings(): DiagnosisFinding[] {
    return sortFindings([...this.#findings.values()].map((kept) => this.#copy(kept)));
  }

  /** Number of findings. */
  get size(): number {
    return this.#findings.size;
  }

  /**
   * Forgets every finding (a campaign restarts); the transactions tracked stay.
   *
   * @example
   * ```ts
   * import { Diagnosis } from "./diagnosis.ts";
   * import assert from "node:assert/strict";
   * const diagnosis = new Diagnosis();
   * diagnosis.clear();
   * assert.equal(diagnosis.size, 0);
   * ```
   */
  clear(): void {
    this.#findings.clear();
  }

  /**
   * Folds in a simulator's transaction as it was decided: what {@linkcode Diagnosis.fold}
   * does with its `transaction` record (state `pending`, without how it ended), without
   * writing that record first. A server's watch does it for every request.
   *
   * @param transaction The transaction (only what was known when decided is read).
   * @param changed As for {@linkcode Diagnosis.fold}.
   *
   * @example
   * ```ts ignore
   * // Not run: `transaction` stands for the detail of a simulator's `request` event.
   * diagnosis.foldDecided(transaction, changed);
   * ```
   */
  foldDecided(transaction: Transaction, changed: Map<string, boolean>): void {
    const hits: CodedHit[] = [];
    this.#onTransaction(trackDecided(transaction), hits);
    if (hits.length > 0) this.#record(hits, changed);
  }

  #onTransaction(tx: TrackedTransaction, hits: CodedHit[]): void {
    this.#transactions.delete(tx.id);
    this.#transactions.set(tx.id, tx);
    this.#trim(this.#transactions, this.settings.maxTransactions);
    if (this.#connections.has(tx.connectionId)) this.#connections.delete(tx.connectionId);
    this.#connections.set(tx.connectionId, tx.id);
    this.#trim(this.#connections, this.settings.maxTransactions);
    for (const [code, hook] of HOOKS.transaction) collect(hits, code, hook(tx, this.#context));
    if (tx.state !== "pending") {
      for (const [code, hook] of HOOKS.end) collect(hits, code, hook(tx, this.#context));
    }
    // Only now among the recent ones: the detectors above compare it with the earlier.
    const key = posKey(tx.pos);
    let list = this.#recent.get(key);
    if (!list || key !== this.#lastPos) {
      // The most recently seen POS last (the first go when there are too many); a POS
      // seen again in a row is there already, and a Map moved each time costs tables.
      list ??= [];
      this.#recent.delete(key);
      this.#recent.set(key, list);
      this.#lastPos = key;
    }
    list.push(tx);
    if (list.length > this.settings.maxRecentPerPos) list.shift();
    this.#trim(this.#recent, this.settings.maxPos);
    this.#asked = undefined;
    this.#trim(this.#context.holds, this.settings.maxTransactions);
    this.#trim(this.#context.partials, this.settings.maxPos);
    this.#trim(this.#context.overlaps, this.settings.maxTransactions);
  }

  /**
   * Stops tracking a transaction by its number once it has ended and its connection is
   * gone: in a server, the transactions tracked are then those in progress, not the last
   * thousand (each kept one outlives the young generation of the heap, which then grows).
   */
  #forget(tx: TrackedTransaction): void {
    if (!this.#context.holds.has(tx.id)) this.#transactions.delete(tx.id);
  }

  #transactionOf(connectionId: number, id?: number): TrackedTransaction | undefined {
    const txId = id ?? this.#connections.get(connectionId);
    return txId ? this.#transactions.get(txId) : undefined;
  }

  #record(hits: CodedHit[], changed: Map<string, boolean>): void {
    for (const hit of hits) {
      const code = hit.code;
      const key = `${code}|${hit.kind ?? ""}|${hit.pos.address}|${hit.pos.register}`;
      const at = hit.at;
      if (!Number.isFinite(at)) throw new RangeError(`Invalid time of a finding "${at}"`);
      const occurrence: KeptOccurrence = { at };
      if (hit.transactionId !== undefined) occurrence.transactionId = hit.transactionId;
      const evidence: KeptEvidence = Object.assign({ at }, hit.evidence);
      let finding = this.#findings.get(key);
      if (!finding) {
        finding = {
          code,
          severity: hit.severity ?? FINDING_CODES[code].severity,
          pos: { address: hit.pos.address, register: hit.pos.register },
          count: 1,
          first: occurrence,
          last: occurrence,
          evidence: [evidence],
          facts: { ...hit.facts },
        };
        if (hit.kind !== undefined) finding.kind = hit.kind;
        changed.set(key, true);
      } else {
        this.#findings.delete(key);
        const facts = finding.facts;
        const merged = hit.mergeFacts;
        const before = merged?.map((name) => facts[name]);
        Object.assign(facts, hit.facts);
        if (merged) {
          merged.forEach((name, i) => {
            const all = new Set(
              `${before![i] ?? ""}, ${hit.facts[name] ?? ""}`.split(", ").filter(Boolean),
            );
            facts[name] = [...all].slice(0, 20).join(", ");
          });
        }
        finding.count++;
        finding.last = occurrence;
        const evidences = finding.evidence;
        evidences.push(evidence);
        if (evidences.length > this.settings.maxEvidence) {
          evidences.splice(1, evidences.length - this.settings.maxEvidence);
        }
        if (!changed.has(key)) changed.set(key, false);
      }
      this.#findings.set(key, finding);
    }
    this.#trim(this.#findings, this.settings.maxFindings);
  }

  /** Copies of the findings of some keys, worst first (those gone left out). */
  #copies(changed: Map<string, boolean>): DiagnosisFinding[] {
    const copies: DiagnosisFinding[] = [];
    for (const key of changed.keys()) {
      const kept = this.#findings.get(key);
      if (kept) copies.push(this.#copy(kept));
    }
    return sortFindings(copies);
  }

  /** A finding as it is read: a copy, with its words written from its facts. */
  #copy(kept: Kept): DiagnosisFinding {
    const words = wordsOf(this.#catalogue, kept.code, kept.facts);
    const finding: DiagnosisFinding = { code: kept.code } as DiagnosisFinding;
    if (kept.kind !== undefined) finding.kind = kept.kind;
    finding.severity = kept.severity;
    finding.title = words.title;
    finding.explanation = words.explanation;
    finding.advice = words.advice;
    finding.pos = { ...kept.pos };
    finding.count = kept.count;
    finding.first = occurrenceOf(kept.first);
    finding.last = occurrenceOf(kept.last);
    finding.evidence = kept.evidence.map(evidenceOf);
    finding.facts = { ...kept.facts };
    return finding;
  }

  /** Drops the oldest entries of a map beyond a size (maps keep insertion order). */
  #trim<K>(
    map: { readonly size: number; keys(): Iterator<K>; delete(key: K): boolean },
    size: number,
  ): void {
    while (map.size > Math.max(size, 1)) map.delete(map.keys().next().value as K);
  }
}

function merge(
  base: Readonly<DiagnosisSettings>,
  changes: Partial<DiagnosisSettings>,
): Readonly<DiagnosisSettings> {
  const merged: DiagnosisSettings = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`Invalid diagnosis setting ${key} "${value}": expected a number from 0`);
    }
  }
  return Object.freeze(merged);
}

/**
 * Diagnoses a whole journal at once (a JSON Lines file read back, a fixture's records).
 *
 * @param inputs The records and events, in the order they happened.
 * @param options Windows, limits, catalogue; `now` runs the time checks at that time
 * (by default, at the time of the last input).
 * @returns Every finding, worst first.
 *
 * @example
 * ```ts
 * import { diagnose } from "./diagnosis.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(diagnose([]), []);
 * ```
 */
export function diagnose(
  inputs: Iterable<DiagnosisInput>,
  options: DiagnosisOptions & { now?: Date | number } = {},
): DiagnosisFinding[] {
  const { now, ...rest } = options;
  const diagnosis = new Diagnosis(rest);
  let last = 0;
  for (const input of inputs) {
    diagnosis.add(input);
    last = Math.max(last, inputTime(input));
  }
  diagnosis.tick(now ?? last);
  return diagnosis.findings();
}

function inputTime(input: DiagnosisInput): number {
  const text = input.type === "start" || "at" in input && typeof input.at === "string"
    ? (input as { at: string }).at
    : input.type === "transaction"
    ? input.endedAt ?? input.decidedAt
    : input.type === "end"
    ? input.endedAt
    : undefined;
  const ms = text === undefined ? NaN : parseIsoTime(text);
  return Number.isFinite(ms) ? ms : 0;
}

function time(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoTime(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * What the checks keep of a transaction record.
 *
 * @param entry The record.
 * @returns The transaction as tracked.
 * @ignore
 */
export function track(entry: JournalEntry): TrackedTransaction {
  const receivedAt = time(entry.receivedAt) ?? time(entry.decidedAt) ?? 0;
  const decidedAt = time(entry.decidedAt) ?? receivedAt;
  const fault = entry.fault?.spec.kind;
  const tx: TrackedTransaction = {
    id: entry.id,
    connectionId: entry.connectionId,
    peer: entry.peer,
    pos: { address: peerAddress(entry.peer), register: entry.request.fields.CA ?? "" },
    fields: pick(entry.request.fields, REQUEST_TAGS),
    raw: entry.request.raw,
    findings: entry.findings,
    outcome: entry.decision.outcome,
    answerRaw: entry.answer.raw,
    answerFields: pick(entry.answer.fields, ANSWER_TAGS),
    receivedAt,
    answerDueAt: decidedAt + entry.delay.waitedMs,
    waitedMs: entry.delay.waitedMs,
    state: entry.state,
    marks: new Set(),
  };
  if (fault && fault !== "none") tx.fault = fault as FaultKind;
  ending(tx, entry);
  return tx;
}

/**
 * What {@linkcode track} makes of the journal record of a transaction when decided, made
 * from the transaction itself (tests/diagnosis_track_test.ts checks they are the same).
 *
 * @param t The transaction.
 * @returns The transaction as tracked.
 * @ignore
 */
export function trackDecided(t: Transaction): TrackedTransaction {
  const receivedAt = time(t.receivedAt) ?? time(t.decidedAt) ?? 0;
  const decidedAt = time(t.decidedAt) ?? receivedAt;
  const plan = t.plan;
  const fields = pickFields(t.request, REQUEST_TAG_SET);
  const tx: TrackedTransaction = {
    id: t.id,
    connectionId: t.connectionId,
    peer: t.peer,
    pos: { address: peerAddress(t.peer), register: fields.CA ?? "" },
    fields,
    raw: t.requestText,
    findings: plan.findings,
    outcome: plan.outcome,
    answerRaw: t.answerText,
    answerFields: pickFields(plan.answer, ANSWER_TAG_SET),
    receivedAt,
    answerDueAt: decidedAt + t.delayMs,
    waitedMs: t.delayMs,
    state: "pending",
    marks: new Set(),
  };
  const fault = plan.fault?.spec.kind;
  if (fault && fault !== "none") tx.fault = fault;
  return tx;
}

/**
 * As {@linkcode pick}, from the records themselves: the first of each tag, in one pass
 * over the records (in their order, which the checks do not depend on).
 */
function pickFields(fields: readonly Field[], tags: Readonly<Record<string, true>>): FieldMap {
  const picked: FieldMap = {};
  for (const { tag, value } of fields) {
    if (tags[tag] === true && picked[tag] === undefined) picked[tag] = value;
  }
  return picked;
}

/** The request's records the checks read. */
const REQUEST_TAGS = ["CA", "CB", "CD", "CE", "BA", "CF"] as const;
/** The answer's records the checks read. */
const ANSWER_TAGS = ["CB", "AC"] as const;
/** The same, for {@linkcode pickFields}. */
const REQUEST_TAG_SET = tagSet(REQUEST_TAGS);
const ANSWER_TAG_SET = tagSet(ANSWER_TAGS);

function tagSet(tags: readonly string[]): Readonly<Record<string, true>> {
  const set: Record<string, true> = Object.create(null);
  for (const tag of tags) set[tag] = true;
  return set;
}

/**
 * Some records of a message: a transaction is kept for a while (the recent ones of each
 * POS), and what it keeps outlives the young generation of the heap, so it keeps little.
 */
function pick(fields: FieldMap, tags: readonly string[]): FieldMap {
  const picked: FieldMap = {};
  for (const tag of tags) {
    const value = fields[tag];
    if (value !== undefined) picked[tag] = value;
  }
  return picked;
}

function ending(
  tx: TrackedTransaction,
  end: Pick<
    JournalEntry,
    "state" | "endedAt" | "answeredAt" | "peerClosedEarly" | "sent"
  >,
): void {
  tx.state = end.state;
  const endedAt = time(end.endedAt);
  if (endedAt !== undefined) tx.endedAt = endedAt;
  const answeredAt = time(end.answeredAt);
  if (answeredAt !== undefined) tx.answeredAt = answeredAt;
  if (end.peerClosedEarly) tx.peerClosedEarly = true;
  if (end.sent !== undefined) tx.sent = end.sent;
}

const SEVERITY_ORDER = ["money", "failure", "warning", "info"];

/**
 * Sorts findings: worst first, then in the order of the codes, then by POS and kind.
 *
 * @param findings The findings (sorted in place).
 * @returns The same array.
 *
 * @example
 * ```ts
 * import { sortFindings } from "./diagnosis.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sortFindings([]), []);
 * ```
 */
export function sortFindings(findings: DiagnosisFinding[]): DiagnosisFinding[] {
  const order = (code: string) => (FINDING_CODE_NAMES as readonly string[]).indexOf(code);
  return findings.sort((a, b) =>
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    order(a.code) - order(b.code) ||
    a.pos.address.localeCompare(b.pos.address) || a.pos.register.localeCompare(b.pos.register) ||
    (a.kind ?? "").localeCompare(b.kind ?? "")
  );
}

function iso(ms: number): string {
  return isoTime(ms);
}

function occurrenceOf(kept: KeptOccurrence): Occurrence {
  return kept.transactionId !== undefined
    ? { at: iso(kept.at), transactionId: kept.transactionId }
    : { at: iso(kept.at) };
}

/** A piece of evidence as it is read: its time in ISO 8601, its bytes escaped. */
function evidenceOf(kept: KeptEvidence): Evidence {
  const evidence: Evidence = { at: iso(kept.at) };
  if (kept.transactionId !== undefined) evidence.transactionId = kept.transactionId;
  if (kept.connectionId !== undefined) evidence.connectionId = kept.connectionId;
  if (kept.bytes !== undefined) evidence.bytes = kept.bytes;
  else if (kept.raw !== undefined) evidence.bytes = evidenceBytes(kept.raw);
  if (kept.note !== undefined) evidence.note = kept.note;
  return evidence;
}

/** Adds a detector's hits, with its code. */
function collect(hits: CodedHit[], code: FindingCode, found: Hit[] | undefined): void {
  if (!found) return;
  for (const hit of found) {
    (hit as CodedHit).code = code;
    hits.push(hit as CodedHit);
  }
}
