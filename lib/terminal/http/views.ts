/**
 * What the control API sends, as pure functions of the control layer's objects: the
 * settings under the names of the server's options (as in a scenario file), and each
 * transaction with a summary in words and its records decoded, ready for the dashboard.
 *
 * @module
 */

import { findCurrency, formatAmount, fromAmountField } from "../../money.ts";
import { ACTIONS, COMPLEMENTS, tagName, valueMeaning } from "../../tags.ts";
import type { Field } from "../../tlv.ts";
import type { DecidedBy, FailureType, PaymentType } from "../behaviour.ts";
import type { Arrival, ControlSettings, ControlStatus } from "../control.ts";
import type { QueueSnapshot } from "../engine.ts";
import type { HeldTransaction, Release } from "../hold.ts";
import type { FieldMap, JournalEntry } from "../journal.ts";
import { describeOutcome, type OutcomeSpec } from "../outcome.ts";
import { describeRule } from "../rules.ts";
import { viewSettings } from "../settings.ts";

/** The settings, named as the server's options and a scenario's `settings`, in seconds. */
export interface SettingsView {
  /** Fail every payment. */
  "failure": boolean;
  /** How a card payment fails in failure mode. */
  "failure-type": FailureType;
  /** Time before the answer, in seconds. */
  "duration": number;
  /** The card presented on success. */
  "payment-type": PaymentType;
  /** The merchant contract (CG). */
  "seller-contract": string;
  /** CZ of the answers; `null`: the request's. */
  "answer-version": string | null;
  /** The terminal's CJ in identification answers. */
  "terminal-id": string;
  /** Time the cardholder has before AF=08, in seconds (before the time scale). */
  "input-timeout": number;
  /** Whether the magic amount rules apply. */
  "magic-amounts": boolean;
  /** The default fault, as in a scenario (`{ kind, ...parameters }`, seconds); `null`: none. */
  "fault": { kind: string; [parameter: string]: number | string } | null;
  /** Whether strict mode is on. */
  "strict": boolean;
  /** Whether hold mode is on. */
  "hold": boolean;
}

/**
 * The settings as the API shows them: every row of the settings table
 * (`SETTINGS` in `../settings.ts`), so every setting `PATCH /api/settings` accepts.
 *
 * @param settings The control's settings.
 * @returns Them under the options' names, durations in seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingsView } from "./views.ts";
 * import { DEFAULT_SETTINGS } from "../behaviour.ts";
 * const view = settingsView({ ...DEFAULT_SETTINGS, magicAmounts: false, hold: true });
 * assert.equal(view.duration, 3); // seconds, as the command line and scenarios write it
 * ```
 */
export function settingsView(settings: ControlSettings): SettingsView {
  return viewSettings(settings) as unknown as SettingsView;
}

/** The status as the API shows it: the control's, with the settings' view. */
export interface StatusView extends Omit<ControlStatus, "settings"> {
  /** The settings in force. */
  settings: SettingsView;
}

/**
 * The status as the API shows it.
 *
 * @param status The control's status.
 * @returns The same, with the settings under the options' names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusView } from "./views.ts";
 * import { startTerminal } from "../../fixture.ts";
 * await using terminal = await startTerminal({ settings: { delayMs: 3000 } });
 * assert.equal(statusView(terminal.control.status()).settings.duration, 3);
 * ```
 */
export function statusView(status: ControlStatus): StatusView {
  return { ...status, settings: settingsView(status.settings) };
}

/** A record with its name and the meaning of its value. */
export interface RecordView {
  /** The tag. */
  tag: string;
  /** The tag's name, such as `amount`. */
  name: string;
  /** The value. */
  value: string;
  /** What a coded value means, such as `refused` for AF=04. */
  meaning?: string;
}

/**
 * Records with their names and meanings.
 *
 * @param fields The records, as a list or by tag.
 * @returns One view per record, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordViews } from "./views.ts";
 * assert.deepEqual(recordViews({ AF: "04" }), [
 *   { tag: "AF", name: "status complement", value: "04", meaning: "refused" },
 * ]);
 * ```
 */
export function recordViews(fields: readonly Field[] | FieldMap): RecordView[] {
  const list = Array.isArray(fields)
    ? fields as readonly Field[]
    : Object.entries(fields).map(([tag, value]) => ({ tag, value }));
  return list.map(({ tag, value }) => {
    const meaning = valueMeaning(tag, value);
    return { tag, name: tagName(tag), value, ...(meaning ? { meaning } : {}) };
  });
}

/** What a request asks, in words. */
export interface RequestSummary {
  /** The action: `debit`, `credit (refund)`, `identification`, `CD=X`... */
  action: string;
  /** CD. */
  actionCode?: string;
  /** The amount with its decimals (`12.50`), or CB as sent when the currency is unknown. */
  amount?: string;
  /** The amount in minor units. */
  minor?: number;
  /** The currency's code (`EUR`), or CE as sent when unknown. */
  currency?: string;
  /** CA, the register. */
  register?: string;
  /** CF, the POS's private data: text from the wire, never markup. */
  privateData?: string;
  /** Whether a cheque is asked for (CC=00C). */
  cheque: boolean;
}

/**
 * What a request asks, in words.
 *
 * @param fields The request's records.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeRequest } from "./views.ts";
 * assert.deepEqual(summarizeRequest({ CD: "0", CB: "1250", CE: "978", CA: "01" }), {
 *   action: "debit",
 *   actionCode: "0",
 *   amount: "12.50",
 *   minor: 1250,
 *   currency: "EUR",
 *   register: "01",
 *   cheque: false,
 * });
 * ```
 */
export function summarizeRequest(fields: FieldMap): RequestSummary {
  const code = fields.CD;
  const minor = fromAmountField(fields.CB);
  const currency = fields.CE === undefined ? undefined : findCurrency(fields.CE);
  return {
    action: code === undefined ? "request" : ACTIONS[code] ?? `CD=${code}`,
    ...(code !== undefined ? { actionCode: code } : {}),
    ...(minor !== undefined
      ? { amount: currency ? formatAmount(minor, currency) : fields.CB, minor }
      : {}),
    ...(fields.CE !== undefined ? { currency: currency?.code ?? fields.CE } : {}),
    ...(fields.CA !== undefined ? { register: fields.CA } : {}),
    ...(fields.CF !== undefined ? { privateData: fields.CF } : {}),
    cheque: fields.CC === "00C",
  };
}

/** A transaction of the journal, with what the dashboard shows of it. */
export interface TransactionView extends JournalEntry {
  /** The request in words, the result and what decided it. */
  summary: RequestSummary & {
    /** The answer in words: `approved`, `refused (AF=04)`... */
    result: string;
    /** Whether the answer is AE=10. */
    approved: boolean;
    /** What decided, in words: `rule 2 "refunds" (shop.yaml:9)`, `settings`... */
    decidedBy: string;
  };
  /** The records of the request and the answer, with their names and meanings. */
  records: { request: RecordView[]; answer: RecordView[] };
}

/**
 * A journal entry as the API and the dashboard show it.
 *
 * @param entry The entry.
 * @returns The entry, with a summary and its records decoded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transactionView } from "./views.ts";
 * import { startTerminal } from "../../fixture.ts";
 * import { pay } from "../../pos.ts";
 * const settings = { failure: true, failureType: "refused" } as const;
 * await using terminal = await startTerminal({ settings });
 * await pay({ amount: 1250 }, terminal.endpoint);
 * const view = transactionView(terminal.control.journal.get(1)!);
 * assert.equal(view.summary.result, "refused (AF=04)");
 * ```
 */
export function transactionView(entry: JournalEntry): TransactionView {
  const answer = entry.answer.fields;
  return {
    ...entry,
    summary: {
      ...summarizeRequest(entry.request.fields),
      result: describeAnswer(answer),
      approved: answer.AE === "10",
      decidedBy: describeDecidedBy(entry.decision.decidedBy),
    },
    records: { request: recordViews(entry.request.fields), answer: recordViews(answer) },
  };
}

/**
 * An answer's result in words.
 *
 * @param answer The answer's records.
 * @returns `approved`, `refused (AF=04)`, `request taken into account (AE=11)`...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeAnswer } from "./views.ts";
 * assert.equal(describeAnswer({ AE: "01", AF: "08" }), "input time-out (AF=08)");
 * ```
 */
export function describeAnswer(answer: FieldMap): string {
  if (answer.AE === "10") return "approved";
  if (answer.AE === "11") return "request taken into account (AE=11)";
  const code = answer.AF?.slice(0, 2);
  if (code === undefined) return `not done (AE=${answer.AE ?? "none"})`;
  return `${COMPLEMENTS[code] ?? "not done"} (AF=${code})`;
}

/**
 * What decided a transaction, in words.
 *
 * @param by What the journal says decided.
 * @returns `rule 1 "big" (s.yaml:4)`, `queued outcome (2 left in the queue)`, `operator
 * (decision "contact")`, `settings`, `protocol`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeDecidedBy } from "./views.ts";
 * assert.equal(
 *   describeDecidedBy({ source: "operator", note: 'decision "refuse"' }),
 *   'operator (decision "refuse")',
 * );
 * ```
 */
export function describeDecidedBy(by: DecidedBy | undefined): string {
  if (!by) return "";
  const note = by.note ? ` (${by.note})` : "";
  switch (by.source) {
    case "rule":
      return by.rule ? describeRule(by.rule) : "a rule";
    case "queue":
      return `queued outcome${note}`;
    default:
      return `${by.source}${note}`;
  }
}

/** A request that has just arrived, as the API shows it. */
export interface ArrivalView {
  /** Number the transaction will have. */
  id: number;
  /** Number of the connection. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When it was read whole (ISO 8601). */
  at: string;
  /** The request in words. */
  summary: RequestSummary;
  /** The records that could be decoded, encoded again. */
  raw: string;
  /** Those records with their names. */
  records: RecordView[];
  /** Why the frame is malformed, if it is. */
  error?: string;
}

/**
 * An arrival as the API shows it.
 *
 * @param arrival The request that arrived.
 * @returns The view.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrivalView } from "./views.ts";
 * const view = arrivalView({
 *   id: 1,
 *   connectionId: 1,
 *   peer: "127.0.0.1:50000",
 *   at: "2026-11-27T12:00:00.000Z",
 *   fields: [{ tag: "CD", value: "0" }, { tag: "CB", value: "1250" }, { tag: "CE", value: "978" }],
 * });
 * assert.equal(view.summary.amount, "12.50");
 * assert.equal(view.raw, "CD0010CB0041250CE003978");
 * ```
 */
export function arrivalView(arrival: Arrival): ArrivalView {
  const fields: FieldMap = {};
  for (const { tag, value } of arrival.fields) if (!(tag in fields)) fields[tag] = value;
  return {
    id: arrival.id,
    connectionId: arrival.connectionId,
    peer: arrival.peer,
    at: arrival.at,
    summary: summarizeRequest(fields),
    raw: frameText(arrival.fields),
    records: recordViews(arrival.fields),
    ...(arrival.error !== undefined ? { error: arrival.error } : {}),
  };
}

/** A transaction held, as the API shows it. */
export interface HeldView {
  /** Number of the transaction. */
  id: number;
  /** Number of the connection. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When it was held (ISO 8601). */
  heldAt: string;
  /** When it times out if nobody decides (ISO 8601). */
  deadline: string;
  /** How long it may wait in all, in milliseconds. */
  timeoutMs: number;
  /** How long it may still wait, in milliseconds (when this view was made). */
  remainingMs: number;
  /** The request in words. */
  summary: RequestSummary;
  /** The request as sent. */
  raw: string;
  /** Its records decoded. */
  records: RecordView[];
}

/**
 * A held transaction as the API shows it.
 *
 * @param held The transaction.
 * @param now The time, in milliseconds since the epoch. Default: now.
 * @returns The view.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heldView } from "./views.ts";
 * import { startTerminal } from "../../fixture.ts";
 * import { pay } from "../../pos.ts";
 * await using terminal = await startTerminal({ hold: true });
 * const payment = pay({ amount: 1250 }, terminal.endpoint);
 * const held = await terminal.control.nextHeld();
 * const now = Date.parse(held.heldAt) + 200; // 0.2 s later
 * assert.equal(heldView(held, now).remainingMs, 119_800); // of the 120 s input time-out
 * terminal.control.decideHeldWith(held.id, "contact");
 * await payment;
 * ```
 */
export function heldView(held: HeldTransaction, now: number = Date.now()): HeldView {
  const fields: FieldMap = {};
  for (const { tag, value } of held.request.fields) if (!(tag in fields)) fields[tag] = value;
  return {
    id: held.id,
    connectionId: held.connectionId,
    peer: held.peer,
    heldAt: held.heldAt,
    deadline: held.deadline,
    timeoutMs: held.timeoutMs,
    remainingMs: Math.max(0, Date.parse(held.deadline) - now),
    summary: summarizeRequest(fields),
    raw: frameText(held.request.fields),
    records: recordViews(held.request.fields),
  };
}

/** A held transaction's release, as the API shows it. */
export interface ReleaseView extends Release {
  /** The outcome in words, when there is one. */
  description?: string;
}

/**
 * A release as the API shows it.
 *
 * @param release The release.
 * @returns The same, with the outcome in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { releaseView } from "./views.ts";
 * const outcome = { status: "not-done", complement: "04" } as const;
 * const release = { id: 3, outcome, note: "test" };
 * assert.equal(releaseView(release).description, "refused, AF=04");
 * ```
 */
export function releaseView(release: Release): ReleaseView {
  return release.outcome
    ? { ...release, description: describeOutcome(release.outcome) }
    : { ...release };
}

/** An outcome queued, with its description. */
export interface QueuedView {
  /** The outcome. */
  outcome: OutcomeSpec;
  /** It in words: `refused, AF=04`. */
  description: string;
}

/** The queues as the API shows them. */
export interface QueueView {
  /** For every register, first first. */
  global: QueuedView[];
  /** By register. */
  registers: Record<string, QueuedView[]>;
}

/**
 * The queues as the API shows them.
 *
 * @param queues The queues.
 * @returns Each outcome with its description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queueView } from "./views.ts";
 * assert.deepEqual(queueView({ global: [{ status: "approved" }], registers: {} }), {
 *   global: [{ outcome: { status: "approved" }, description: "approved" }],
 *   registers: {},
 * });
 * ```
 */
export function queueView(queues: QueueSnapshot): QueueView {
  const describe = (outcomes: OutcomeSpec[]) =>
    outcomes.map((outcome) => ({ outcome, description: describeOutcome(outcome) }));
  return {
    global: describe(queues.global),
    registers: Object.fromEntries(
      Object.entries(queues.registers).map(([register, outcomes]) => [
        register,
        describe(outcomes),
      ]),
    ),
  };
}

/**
 * Records as the text of a frame, without the checks of `encode`: for showing what came
 * off the wire, which may hold what `encode` refuses to send.
 */
function frameText(fields: readonly Field[]): string {
  return fields.map(({ tag, value }) => `${tag}${String(value.length).padStart(3, "0")}${value}`)
    .join("");
}
