/**
 * The journal: every transaction of a simulator, what it asked, what decided its answer
 * and why, what was answered and how it ended. Kept in memory (a bounded ring, for the
 * library and the control API) and, optionally, appended to a sink such as a JSON Lines
 * file ({@linkcode JournalFile}).
 *
 * A transaction is written when it is decided, **before** its delay and its answer: the
 * simulator awaits the write, so a crash never loses a transaction the POS was told
 * about. How it ended (answered, POS gone, cancelled...) follows as a second record.
 *
 * With a fault, the entry says what the terminal believes (the decision and its answer,
 * an authorisation number included) and what happened to the answer: the fault, and at
 * the end the state `dropped`, what was sent instead, and a note in words.
 *
 * @module
 */

import { isoTime } from "../iso_time.ts";
import type { Finding } from "../message.ts";
import { SlotMap } from "../slot_map.ts";
import type { Field } from "../tlv.ts";
import type { DecidedBy, Outcome, RuleMiss } from "./behaviour.ts";
import type { FaultSpec } from "./fault.ts";
import type { OutcomeSpec } from "./outcome.ts";
import type { TerminalSimulator, Transaction, TransactionState } from "./simulator.ts";

/** Records by tag, in wire order (a tag appears once in a message). */
export type FieldMap = Record<string, string>;

/** One transaction, as the journal records it. */
export interface JournalEntry {
  /** The simulator run it belongs to (one per {@linkcode Journal}). */
  run: string;
  /** Number of the transaction, from 1, in order of arrival. */
  id: number;
  /** Number of the connection it came on. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When the request's first byte arrived (ISO 8601). */
  receivedAt: string;
  /** When it was decided (ISO 8601). */
  decidedAt: string;
  /** The request: raw (one character per byte), how its end was found, its records. */
  request: { raw: string; end: Transaction["end"]; fields: FieldMap };
  /** What the request does differently from the protocol (errors first). */
  findings: Finding[];
  /** The decision: its outcome and reason, what decided, and the rules that did not match. */
  decision: {
    outcome: Outcome;
    reason: string;
    decidedBy?: DecidedBy;
    notMatched?: RuleMiss[];
    applied?: OutcomeSpec;
  };
  /** The answer as decided (what the terminal believes it answered): raw and its records. */
  answer: { raw: string; fields: FieldMap };
  /**
   * The fault, if the answer goes wrong on its way: what was asked, where it comes from
   * (the outcome, or the settings' default fault), and what reaches the POS, in words.
   */
  fault?: { spec: FaultSpec; origin: "outcome" | "settings"; delivery: string };
  /** The delay before the answer: as planned, and as waited (after the time scale). */
  delay: { plannedMs: number; waitedMs: number };
  /** Where it stands: `pending` until it ends. */
  state: TransactionState;
  /** When it ended (ISO 8601). */
  endedAt?: string;
  /** When the answer was written (ISO 8601). */
  answeredAt?: string;
  /** Whether the POS closed its side before the answer. */
  peerClosedEarly?: boolean;
  /** What went wrong, for the state `failed`. */
  error?: string;
  /** With a fault: what was written instead of the answer (`""`: nothing). */
  sent?: string;
  /** With a fault: what reached the POS, in words. */
  note?: string;
  /**
   * `"forward"` when a real terminal answered (forward mode: the tap journals what went
   * by); absent when the simulator did.
   */
  source?: "forward";
  /** In forward mode: the real terminal's address, `host:port`. */
  upstream?: string;
  /** In forward mode: what the terminal's answer does differently from the protocol. */
  answerFindings?: Finding[];
}

/** How a transaction ended: the second record of a transaction in a journal file. */
export interface JournalEnd {
  /** Always `"end"`. */
  type: "end";
  /** The run. */
  run: string;
  /** The transaction. */
  id: number;
  /** How it ended. */
  state: TransactionState;
  /** When (ISO 8601). */
  endedAt: string;
  /** When the answer was written (ISO 8601), if it was. */
  answeredAt?: string;
  /** Whether the POS closed its side before the answer. */
  peerClosedEarly?: boolean;
  /** What went wrong, for the state `failed`. */
  error?: string;
  /** With a fault: what was written instead of the answer (`""`: nothing). */
  sent?: string;
  /** With a fault: what reached the POS, in words. */
  note?: string;
}

/** The records a journal writes to its sink, one JSON object each. */
export type JournalRecord =
  /** The journal started. */
  | { type: "start"; run: string; at: string; version: string }
  /** A transaction, decided, before its answer. */
  | ({ type: "transaction" } & JournalEntry)
  /** How a transaction ended. */
  | JournalEnd;

/** Where a journal writes its records: a {@linkcode JournalFile}, for example. */
export interface JournalSink {
  /**
   * Writes a record durably.
   *
   * @param record The record.
   * @returns When it is written.
   */
  append(record: JournalRecord): Promise<void>;
}

/** Options of a {@linkcode Journal}. */
export interface JournalOptions {
  /** How many transactions to keep in memory; the oldest go first. Default 1000. */
  capacity?: number;
  /** Where to write the records too. */
  sink?: JournalSink;
  /** The run's name. Default: a random UUID. */
  run?: string;
  /** The version written in the start record. Default `""`. */
  version?: string;
  /** The clock of the records' `at` and `endedAt`. Default: the system's. */
  now?: () => Date;
}

/** Default number of transactions a journal keeps in memory. */
export const DEFAULT_JOURNAL_CAPACITY = 1000;

/**
 * Makes a journal entry from a transaction. Pure.
 *
 * @param transaction The transaction, as the simulator reports it.
 * @param run The run it belongs to.
 * @returns The entry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type JournalEntry, toJournalEntry } from "./journal.ts";
 * import { startTerminal } from "../fixture.ts";
 * import { pay } from "../pos.ts";
 * await using terminal = await startTerminal();
 * const entries: JournalEntry[] = [];
 * terminal.on("request", (e) => entries.push(toJournalEntry(e.detail, "run-1")));
 * await pay({ amount: 1250 }, terminal.endpoint);
 * assert.equal(entries[0].run, "run-1");
 * assert.equal(entries[0].request.fields.CB, "1250");
 * assert.equal(entries[0].state, "pending"); // decided, the answer not yet sent
 * ```
 */
export function toJournalEntry(
  transaction: Transaction & {
    source?: "forward";
    upstream?: string;
    answerFindings?: Finding[];
  },
  run: string,
): JournalEntry {
  const t = transaction;
  const plan = t.plan;
  return {
    run,
    id: t.id,
    connectionId: t.connectionId,
    peer: t.peer,
    receivedAt: t.receivedAt,
    decidedAt: t.decidedAt,
    request: { raw: t.requestText, end: t.end, fields: fieldMap(t.request) },
    findings: plan.findings,
    decision: {
      outcome: plan.outcome,
      reason: plan.reason,
      ...(plan.decidedBy ? { decidedBy: plan.decidedBy } : {}),
      ...(plan.notMatched ? { notMatched: plan.notMatched } : {}),
      ...(plan.applied ? { applied: plan.applied } : {}),
    },
    answer: { raw: t.answerText, fields: fieldMap(plan.answer) },
    ...(plan.fault
      ? {
        fault: {
          spec: plan.fault.spec,
          origin: plan.fault.origin,
          delivery: plan.fault.delivery.description,
        },
      }
      : {}),
    delay: { plannedMs: plan.delayMs, waitedMs: t.delayMs },
    state: t.state,
    ...ending(t),
    ...(t.source === "forward"
      ? {
        source: t.source,
        upstream: t.upstream,
        ...(t.answerFindings?.length ? { answerFindings: t.answerFindings } : {}),
      }
      : {}),
  };
}

function ending(t: Transaction): Partial<JournalEntry> {
  return {
    ...(t.answeredAt ? { answeredAt: t.answeredAt } : {}),
    ...(t.peerClosedEarly ? { peerClosedEarly: true } : {}),
    ...(t.error ? { error: t.error } : {}),
    ...(t.sent !== undefined ? { sent: t.sent } : {}),
    ...(t.note !== undefined ? { note: t.note } : {}),
  };
}

function fieldMap(fields: readonly Field[]): FieldMap {
  const map: FieldMap = {};
  for (const { tag, value } of fields) if (!(tag in map)) map[tag] = value;
  return map;
}

/**
 * The journal of a simulator: attach it, then list its entries, or read those after a
 * given one, as a control API would.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Journal } from "./journal.ts";
 * import { TerminalSimulator } from "./simulator.ts";
 * import { pay } from "../pos.ts";
 * const terminal = new TerminalSimulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   settings: { delayMs: 0 },
 * });
 * const journal = new Journal({ capacity: 100 });
 * journal.attach(terminal);
 * const { port } = await terminal.start();
 * await pay({ amount: 1250 }, { port });
 * const [entry] = journal.since(0);
 * assert.equal(entry.id, 1);
 * assert.equal(entry.decision.reason, "cbcontact card");
 * await terminal.close();
 * await journal.flush();
 * ```
 */
export class Journal {
  /** The run's name, in every record. */
  readonly run: string;
  readonly #capacity: number;
  readonly #sink?: JournalSink;
  /** The records kept, oldest first (a SlotMap: one dropped is let go of at once). */
  readonly #entries = new SlotMap<JournalEntry>();
  #writes: Promise<void> = Promise.resolve();
  #failure?: Error;

  readonly #now: () => Date;

  /**
   * Makes a journal; with a sink, writes the start record.
   *
   * @param options Capacity, sink, run name.
   */
  constructor(options: JournalOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_JOURNAL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Invalid journal capacity ${capacity}: expected a whole number from 1`);
    }
    this.#capacity = capacity;
    this.#sink = options.sink;
    this.run = options.run ?? crypto.randomUUID();
    this.#now = options.now ?? (() => new Date());
    this.#write({
      type: "start",
      run: this.run,
      at: isoTime(this.#now().getTime()),
      version: options.version ?? "",
    }).catch(() => {});
  }

  /**
   * Records a simulator's transactions: each is written when decided, before its answer
   * (the simulator waits), and its end is recorded when it comes.
   *
   * @param simulator The simulator.
   * @returns A function that detaches the journal.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * import { TerminalSimulator } from "./simulator.ts";
   * const detach = new Journal().attach(new TerminalSimulator({ port: 0 }));
   * assert.equal(typeof detach, "function");
   * detach();
   * ```
   */
  attach(simulator: TerminalSimulator): () => void {
    const removeHook = simulator.beforeAnswer((t) => this.record(t));
    const onEnd = (event: Event) => {
      this.finish((event as CustomEvent<Transaction>).detail);
    };
    simulator.addEventListener("answer", onEnd);
    simulator.addEventListener("abandon", onEnd);
    return () => {
      removeHook();
      simulator.removeEventListener("answer", onEnd);
      simulator.removeEventListener("abandon", onEnd);
    };
  }

  /**
   * Records a decided transaction, in memory and in the sink.
   *
   * @param transaction The transaction.
   * @returns When the sink has it.
   * @throws {Error} When the sink cannot write it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * import { startTerminal } from "../fixture.ts";
   * import { pay } from "../pos.ts";
   * await using terminal = await startTerminal();
   * const journal = new Journal();
   * terminal.beforeAnswer((t) => journal.record(t)); // what attach() does
   * await pay({ amount: 1250 }, terminal.endpoint);
   * assert.equal(journal.get(1)?.request.fields.CB, "1250");
   * ```
   */
  async record(transaction: Transaction): Promise<void> {
    const entry = toJournalEntry(transaction, this.run);
    this.#entries.set(entry.id, entry);
    while (this.#entries.size > this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    await this.#write({ type: "transaction", ...entry });
  }

  /**
   * Records how a transaction ended. The write to the sink is not awaited (see
   * {@linkcode Journal.flush}).
   *
   * @param transaction The transaction, in its final state.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * import { startTerminal } from "../fixture.ts";
   * import { pay } from "../pos.ts";
   * await using terminal = await startTerminal();
   * const journal = new Journal();
   * terminal.beforeAnswer((t) => journal.record(t));
   * const { promise: ended, resolve } = Promise.withResolvers<void>();
   * terminal.on("answer", (e) => {
   *   journal.finish(e.detail); // what attach() does
   *   resolve();
   * });
   * await pay({ amount: 1250 }, terminal.endpoint);
   * await ended;
   * assert.equal(journal.get(1)?.state, "answered");
   * ```
   */
  finish(transaction: Transaction): void {
    const endedAt = isoTime(this.#now().getTime());
    const entry = this.#entries.get(transaction.id);
    if (entry) Object.assign(entry, { state: transaction.state, endedAt, ...ending(transaction) });
    else {
      // Ended before the journal's hook ran (an earlier hook failed): record it whole.
      const late = toJournalEntry(transaction, this.run);
      this.#entries.set(late.id, { ...late, endedAt });
      this.#write({ type: "transaction", ...late, endedAt }).catch(() => {});
      return;
    }
    this.#write({
      type: "end",
      run: this.run,
      id: transaction.id,
      state: transaction.state,
      endedAt,
      ...ending(transaction),
    }).catch(() => {});
  }

  /**
   * The entries in memory, oldest first.
   *
   * @returns Copies of the entries.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * assert.deepEqual(new Journal().list(), []);
   * ```
   */
  list(): JournalEntry[] {
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  /**
   * The entries after a given transaction, oldest first: poll with the last id seen.
   *
   * @param id A transaction number; 0 for all.
   * @returns Copies of the entries with a greater number.
   *
   * @example Poll for new transactions
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * import { startTerminal } from "../fixture.ts";
   * import { pay } from "../pos.ts";
   * await using terminal = await startTerminal();
   * const journal = new Journal();
   * journal.attach(terminal);
   * let last = 0;
   * await pay({ amount: 1250 }, terminal.endpoint);
   * for (const entry of journal.since(last)) last = entry.id;
   * await pay({ amount: 990 }, terminal.endpoint);
   * assert.deepEqual(journal.since(last).map((entry) => entry.id), [2]);
   * ```
   */
  since(id: number): JournalEntry[] {
    return this.list().filter((e) => e.id > id);
  }

  /**
   * One entry.
   *
   * @param id The transaction number.
   * @returns A copy of the entry, or `undefined` when it is not (or no longer) in memory.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * assert.equal(new Journal().get(1), undefined);
   * ```
   */
  get(id: number): JournalEntry | undefined {
    const entry = this.#entries.get(id);
    return entry ? structuredClone(entry) : undefined;
  }

  /**
   * Empties the memory of the transactions that have ended (the sink keeps what it has).
   * Those still waiting for their answer stay, so that how they end is recorded against
   * them (as an `end` record in the sink).
   *
   * @returns How many entries were removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal } from "./journal.ts";
   * const journal = new Journal();
   * assert.equal(journal.clear(), 0);
   * assert.equal(journal.size, 0);
   * ```
   */
  clear(): number {
    let removed = 0;
    for (const [id, entry] of this.#entries) {
      if (entry.state === "pending") continue;
      this.#entries.delete(id);
      removed++;
    }
    return removed;
  }

  /** Number of entries in memory. */
  get size(): number {
    return this.#entries.size;
  }

  /** The first error of the sink, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Waits for every record to reach the sink.
   *
   * @returns When all are written.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Journal, type JournalRecord } from "./journal.ts";
   * const written: JournalRecord[] = [];
   * const sink = { append: async (record: JournalRecord) => void written.push(record) };
   * await new Journal({ sink, run: "run-1" }).flush();
   * assert.deepEqual(written.map((record) => record.type), ["start"]);
   * ```
   */
  async flush(): Promise<void> {
    await this.#writes.catch(() => {});
  }

  #write(record: JournalRecord): Promise<void> {
    if (!this.#sink) return Promise.resolve();
    const sink = this.#sink;
    const write = sink.append(record).catch((error: Error) => {
      this.#failure ??= error;
      throw error;
    });
    this.#writes = Promise.allSettled([this.#writes, write]).then(() => {});
    return write;
  }
}
