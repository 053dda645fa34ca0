/**
 * How the simulated terminal answers, as a pure function: a request, the terminal's
 * settings, a clock and a random source in; a plan (the answer, how long to wait before
 * sending it, and why) out. No sockets, no timers: the simulator carries the plan out.
 *
 * The answers follow the reference Python simulator (PROTOCOL.md §4), without its
 * defects: a malformed or incomplete request is answered AE=01 AF=09 in every mode, and
 * the POS's private data (CF) is echoed, not overwritten. A {@linkcode Directive} (from a
 * scenario's rule, the magic amounts, a person...) replaces the settings' default outcome.
 *
 * @module
 */

import { checkRequest, type Finding, parseRequest, type Request } from "../message.ts";
import { findCurrency, toAmountField } from "../money.ts";
import { type Random, randomDigits } from "../random.ts";
import { encode, type Field, type FrameError, setField } from "../tlv.ts";
import {
  activeFault,
  answersAtOnce,
  type Delivery,
  faultOutcome,
  FAULTS,
  type FaultSpec,
  planDelivery,
} from "./fault.ts";
import { type DelaySpec, describeOutcome, type OutcomeSpec } from "./outcome.ts";
import { DEFAULT_SETTINGS, FAILURE_COMPLEMENTS, PAYMENT_TYPES } from "./defaults.ts";

// Constants that reading the command line needs too, in a module that loads nothing.
export { DEFAULT_SETTINGS, FAILURE_COMPLEMENTS, PAYMENT_TYPES };

/** How a failing card payment ends, as in the reference tool's `--failure-type`. */
export type FailureType = "abandon" | "timeout" | "refused" | "forbidden";

/** The card the simulated cardholder presents, as in the reference tool's `--payment-type`. */
export type PaymentType = "cbcontact" | "cbcontactless" | "amexcontact" | "amexcontactless";

/** Private data (CF) the reference tool sends when the POS sent none. */
export const DEFAULT_PRIVATE_DATA = "1010000000";

/** How the simulated terminal behaves. */
export interface TerminalSettings {
  /** Fail every payment (the reference tool's `--failure`). */
  failure: boolean;
  /** How a card payment fails. */
  failureType: FailureType;
  /** Time the cardholder takes, before a payment is answered, in milliseconds. */
  delayMs: number;
  /** The card presented on success. */
  paymentType: PaymentType;
  /** Merchant contract number (CG), at most 10 characters. */
  merchantContract: string;
  /** CZ of the answers; by default the request's is echoed. */
  answerVersion?: string;
  /** The terminal's own CJ, sent in identification answers (CD=I). */
  terminalId: string;
  /**
   * Time the cardholder has before the terminal gives up with AF=08 (input time-out), in
   * milliseconds: the countdown of interactive mode.
   */
  inputTimeoutMs: number;
  /**
   * The default fault: what goes wrong with the answers of debits, credits and
   * cancellations asking for the answer at the end (BA=0), whatever decides them, unless
   * their outcome names its own fault (`{ kind: "none" }` for none). Default: none.
   */
  fault?: FaultSpec;
  /**
   * Strict mode: a request with any conformance finding, a warning included, is answered
   * AE=01 AF=09 at once and no rule is consulted. Default: off (warnings are only logged
   * and journaled).
   */
  strict?: boolean;
  /**
   * Diagnosis: the same payment again within this time after an outcome the POS could not
   * know is a resend (`resends-after-unknown`), in milliseconds of real time. Default 120 s.
   */
  resendWindowMs?: number;
  /**
   * Diagnosis: the same payment again within this time after a delivered approval is a
   * duplicate (`duplicate-after-approval`), in milliseconds of real time. Default 10 s.
   */
  duplicateWindowMs?: number;
  /**
   * Diagnosis: the next request within this time after a partial approval must be for the
   * rest or a cancellation (`ignores-partial-approval`), in milliseconds. Default 120 s.
   */
  partialWindowMs?: number;
  /**
   * Diagnosis: how long a POS may wait for an answer that never comes
   * (`no-answer-timeout`), in milliseconds, before the time scale (like the input
   * time-out). Default 180 s: the default input time-out plus 60 s.
   */
  noAnswerLimitMs?: number;
}

/** What the terminal makes of a request. */
export type Outcome =
  /** AE=10: done. */
  | "approved"
  /** AE=01 with a reason: refused, abandon, time-out, unknown action... */
  | "declined"
  /** AE=01 AF=09: the request could not be read. */
  | "rejected"
  /** AE=11: immediate mode, request taken into account. */
  | "acknowledged";

/**
 * What chose the answer:
 * - `protocol`: the request itself (unreadable: AF=09; unknown currency: AF=13); no rule
 *   is consulted;
 * - `settings`: the terminal's settings (success, or `failure` and `failureType`);
 * - `rule`: a rule of a scenario or of the magic amounts;
 * - `queue`: an outcome queued by a program for the next transaction;
 * - `operator`: a person, in interactive mode (or a program holding the transaction).
 * - `campaign`: the case of a diagnosis campaign (`--campaign`).
 */
export type DecisionSource =
  | "protocol"
  | "settings"
  | "rule"
  | "queue"
  | "operator"
  | "campaign";

/** Where a rule comes from, to name it in logs and the journal. */
export interface RuleRef {
  /** Position of the rule in its list, from 1. */
  position: number;
  /** Its name, when it has one. */
  name?: string;
  /** `scenario` (a scenario file or object) or `magic-amounts` (the built-in table). */
  origin: "scenario" | "magic-amounts";
  /** The scenario file, when the rule was read from one. */
  file?: string;
  /** Line of the rule in the file, from 1. */
  line?: number;
}

/** What decided a transaction. */
export interface DecidedBy {
  /** The kind of decider. */
  source: DecisionSource;
  /** The rule, when `source` is `rule`. */
  rule?: RuleRef;
  /** More words: which queue, which key the person pressed... */
  note?: string;
}

/** A rule that was consulted before the deciding one and did not match, and why. */
export interface RuleMiss {
  /** The rule. */
  rule: RuleRef;
  /** Why it did not match, for example `amount 1250 is not 1300`. */
  why: string;
}

/** An outcome chosen for one request, and what chose it: the input of {@linkcode decide}. */
export interface Directive {
  /** The outcome. */
  outcome: OutcomeSpec;
  /** What chose it. */
  by: DecidedBy;
  /** The rules consulted before, which did not match. */
  notMatched?: RuleMiss[];
}

/** A fault planned for an answer: what was asked, and how the answer then reaches the POS. */
export interface PlannedFault {
  /** The fault, as asked. */
  spec: FaultSpec;
  /** Where it comes from: the outcome, or the settings' default fault. */
  origin: "outcome" | "settings";
  /** The pieces written, the pauses between them, and how the connection ends. */
  delivery: Delivery;
}

/** The answer to a request and how to send it. */
export interface Plan {
  /** What the terminal makes of the request. */
  outcome: Outcome;
  /** The answer's records, CZ first. */
  answer: Field[];
  /** How long to wait before answering, in milliseconds. */
  delayMs: number;
  /** Why, in words, for the log. */
  reason: string;
  /** What the request does differently from the protocol. */
  findings: Finding[];
  /** What chose the answer. Set by {@linkcode decide}; optional for hand-made plans. */
  decidedBy?: DecidedBy;
  /** Rules consulted before the deciding one (or all of them), which did not match. */
  notMatched?: RuleMiss[];
  /** The outcome applied, when the answer came from one (the settings' default included). */
  applied?: OutcomeSpec;
  /**
   * The fault, when the answer goes wrong on its way to the POS. The rest of the plan is
   * what the terminal decided, and believes; the fault's delivery is what the POS gets.
   */
  fault?: PlannedFault;
}

/** A request as it came off the wire: what could be decoded, and the defect, if any. */
export interface ReceivedRequest {
  /** The records decoded. */
  fields: Field[];
  /** The decoding defect, if the frame was malformed. */
  error?: FrameError;
}

/** What the decision may depend on besides the request and the settings. */
export interface DecisionContext {
  /** The current time (sets the card expiry). */
  now: Date;
  /** Source of authorisation numbers, card numbers, AIDs and random delays. */
  random: Random;
}

/** A request as the decision sees it: its findings, and its properties when readable. */
export interface Examination {
  /** What the request does differently from the protocol, errors first. */
  findings: Finding[];
  /** The request read into named properties; `undefined` when it cannot be read (AF=09). */
  request?: Request;
  /**
   * Why the request itself forces the answer, so that no rule is consulted: `unreadable`
   * (AF=09), `strict` (a finding in strict mode, AF=09) or `currency` (a currency ISO 4217
   * does not know, AF=13). `undefined` when an outcome may decide.
   */
  forced?: "unreadable" | "strict" | "currency";
}

/**
 * Examines a request before deciding: conformance findings, named properties, and
 * whether the request forces its answer (then no rule, queue or person is consulted).
 *
 * @param received The request as decoded.
 * @param settings The settings, for strict mode (`strict`): then any finding forces AF=09.
 * @returns The examination.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { examineRequest } from "./behaviour.ts";
 * import { decodePartial } from "../tlv.ts";
 * assert.equal(examineRequest(decodePartial("CZ0040300CA00201")).forced, "unreadable");
 * ```
 *
 * @example Strict mode: a warning is enough
 * ```ts
 * import assert from "node:assert/strict";
 * import { examineRequest } from "./behaviour.ts";
 * import { decode } from "../tlv.ts";
 * const request = { fields: decode("CZ0040300CJ003012CA00201CE003978CD0010CB0041250") };
 * assert.equal(examineRequest(request).forced, undefined); // CJ of 3 digits is only a warning
 * assert.equal(examineRequest(request, { strict: true }).forced, "strict");
 * ```
 */
export function examineRequest(
  received: ReceivedRequest,
  settings?: Pick<TerminalSettings, "strict">,
): Examination {
  const findings = checkRequest(received.fields, received.error);
  if (findings.some((f) => f.level === "error")) return { findings, forced: "unreadable" };
  if (settings?.strict && findings.length > 0) {
    return { findings, request: parseRequest(received.fields), forced: "strict" };
  }
  const request = parseRequest(received.fields);
  const forced = request.action !== "identification" && !findCurrency(request.currencyCode ?? "")
    ? "currency"
    : undefined;
  return forced ? { findings, request, forced } : { findings, request };
}

/**
 * Decides how the terminal answers a request.
 *
 * In order: a request that cannot be read (malformed frame, mandatory record missing,
 * CB or CD not readable), or in strict mode any request with a finding, is answered
 * AE=01 AF=09 at once. With a `directive` (an outcome
 * chosen by a rule, a queue or a person), a currency ISO 4217 does not know is answered
 * AE=01 AF=13 at once, and otherwise the directive's outcome is applied, whatever the
 * action and answer mode. Without one, the settings decide, as the reference tool: BA=1
 * is answered AE=11 at once; an unknown action AE=01 AF=12 and an unknown currency AE=01
 * AF=13 at once; an identification (CD=I) AE=10 with the terminal's CJ at once. Then,
 * after the delay: in failure mode AE=01 with the failure's AF (always 04 for a cheque);
 * otherwise AE=10, with the card's data for a card payment.
 *
 * @param request The request as decoded.
 * @param settings The terminal's settings.
 * @param context The clock and the random source.
 * @param directive The outcome to apply instead of the settings' default, and what chose it.
 * @param examination What {@linkcode examineRequest} said of this request with these
 * settings, when the caller has it already (it is not worked out twice).
 * @returns The plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decide, DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { decode } from "../tlv.ts";
 * import { seededRandom } from "../random.ts";
 * const plan = decide(
 *   { fields: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250") },
 *   DEFAULT_SETTINGS,
 *   { now: new Date(), random: seededRandom(1) },
 * );
 * assert.equal(plan.outcome, "approved");
 * assert.equal(plan.delayMs, 3000);
 * ```
 *
 * @example A rule's outcome: refused after half a second
 * ```ts
 * import assert from "node:assert/strict";
 * import { decide, DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { decode, getField } from "../tlv.ts";
 * import { seededRandom } from "../random.ts";
 * const plan = decide(
 *   { fields: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250") },
 *   DEFAULT_SETTINGS,
 *   { now: new Date(), random: seededRandom(1) },
 *   {
 *     outcome: { status: "not-done", complement: "04", delay: { minMs: 500, maxMs: 500 } },
 *     by: { source: "queue" },
 *   },
 * );
 * assert.equal(getField(plan.answer, "AF"), "04");
 * assert.equal(plan.delayMs, 500);
 * ```
 */
export function decide(
  request: ReceivedRequest,
  settings: Readonly<TerminalSettings>,
  context: DecisionContext,
  directive?: Directive,
  examination: Examination = examineRequest(request, settings),
): Plan {
  const { findings, request: parsed, forced } = examination;
  const answer = echo(request.fields, settings.answerVersion);
  const protocol: DecidedBy = { source: "protocol" };
  const bySettings: DecidedBy = { source: "settings" };
  const misses = directive?.notMatched?.length ? { notMatched: directive.notMatched } : {};
  if (!parsed || forced === "strict") {
    const errors = forced === "strict" ? findings : findings.filter((f) => f.level === "error");
    return {
      outcome: "rejected",
      answer: status(answer, "01", "09"),
      delayMs: 0,
      reason: `${forced === "strict" ? "strict mode, " : ""}bad message format: ${
        errors[0].message
      }${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`,
      findings,
      decidedBy: forced === "strict" ? { source: "protocol", note: "strict mode" } : protocol,
    };
  }
  const currencyKnown = findCurrency(parsed.currencyCode ?? "") !== undefined;
  if (directive) {
    if (parsed.action !== "identification" && !currencyKnown) {
      return unknownCurrency(answer, parsed, findings, protocol);
    }
    return apply(answer, parsed, settings, context, directive.outcome, {
      findings,
      decidedBy: directive.by,
      ...misses,
    });
  }
  if (parsed.immediate) {
    return {
      outcome: "acknowledged",
      answer: status(answer, "11"),
      delayMs: 0,
      reason: "immediate answer asked (BA=1)",
      findings,
      decidedBy: bySettings,
    };
  }
  const action = parsed.action;
  if (
    action !== "debit" && action !== "credit" && action !== "cancellation" &&
    action !== "identification"
  ) {
    return {
      outcome: "declined",
      answer: status(answer, "01", "12"),
      delayMs: 0,
      reason: `unsupported action type CD=${parsed.actionCode}`,
      findings,
      decidedBy: bySettings,
    };
  }
  if (action === "identification") {
    return apply(answer, parsed, settings, context, { status: "approved" }, {
      findings,
      decidedBy: bySettings,
    });
  }
  if (!currencyKnown) return unknownCurrency(answer, parsed, findings, protocol);
  return apply(answer, parsed, settings, context, defaultOutcome(settings, parsed), {
    findings,
    decidedBy: bySettings,
    reason: settings.failure
      ? parsed.cheque ? "failure mode, cheque refused" : `failure mode, ${settings.failureType}`
      : undefined,
  });
}

/**
 * The outcome the settings give a payment when nothing else decides: approved, or in
 * failure mode not done with the failure type's AF (AF=04 for a cheque, as the i2200).
 *
 * @param settings The terminal's settings.
 * @param request The request.
 * @returns The outcome.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOutcome, DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { buildRequest, parseRequest } from "../message.ts";
 * const request = parseRequest(buildRequest({ amount: 1250 }));
 * assert.deepEqual(defaultOutcome(DEFAULT_SETTINGS, request), { status: "approved" });
 * const failing = { ...DEFAULT_SETTINGS, failure: true, failureType: "refused" } as const;
 * assert.deepEqual(defaultOutcome(failing, request), { status: "not-done", complement: "04" });
 * ```
 */
export function defaultOutcome(
  settings: Readonly<TerminalSettings>,
  request: Request,
): OutcomeSpec {
  if (!settings.failure) return { status: "approved" };
  return {
    status: "not-done",
    complement: request.cheque ? "04" : FAILURE_COMPLEMENTS[settings.failureType],
  };
}

function unknownCurrency(
  answer: Field[],
  parsed: Request,
  findings: Finding[],
  decidedBy: DecidedBy,
): Plan {
  return {
    outcome: "declined",
    answer: status(answer, "01", "13"),
    delayMs: 0,
    reason: `currency not supported CE=${parsed.currencyCode}`,
    findings,
    decidedBy,
  };
}

/** Builds the answer an outcome asks for. */
function apply(
  answer: Field[],
  request: Request,
  settings: Readonly<TerminalSettings>,
  context: DecisionContext,
  asked: OutcomeSpec,
  meta: { findings: Finding[]; decidedBy: DecidedBy; notMatched?: RuleMiss[]; reason?: string },
): Plan {
  // The settings' default fault concerns the transactions a rule could decide.
  const open = !request.immediate &&
    (request.action === "debit" || request.action === "credit" ||
      request.action === "cancellation");
  const fault = activeFault(asked.fault, open ? settings.fault : undefined);
  const outcome = faultOutcome(asked, fault);
  const delayMs = outcome.delay
    ? drawDelay(outcome.delay, context.random)
    : request.action === "identification" || request.immediate || answersAtOnce(fault)
    ? 0
    : settings.delayMs;
  const { reasons, cardAnswered } = outcome.status === "approved"
    ? approve(answer, request, settings, context, outcome)
    : refuse(answer, outcome, fault);
  // What the outcome says explicitly is answered whatever the status.
  if (!cardAnswered) answerExplicit(answer, outcome, settings);
  applyTags(answer, outcome, reasons);
  if (outcome.answer) exactAnswer(answer, outcome.answer, request, reasons);
  // The settings' words ("failure mode, timeout") unless a fault changed the answer.
  const reason = meta.reason === undefined || outcome !== asked ? reasons.join(", ") : meta.reason;
  return {
    outcome: outcome.status === "approved" ? "approved" : "declined",
    answer,
    delayMs,
    reason,
    findings: meta.findings,
    decidedBy: meta.decidedBy,
    ...(meta.notMatched ? { notMatched: meta.notMatched } : {}),
    applied: fault && !asked.fault ? { ...asked, fault } : asked,
    ...(fault
      ? {
        fault: {
          spec: fault,
          origin: asked.fault ? "outcome" as const : "settings" as const,
          // Drawn last, so that the card's values stay the same for a seed.
          delivery: planDelivery(fault, encode(answer), context.random),
        },
      }
      : {}),
  };
}

/** What {@linkcode approve} and {@linkcode refuse} did: the reasons, and whether the card's records are in. */
interface Answered {
  reasons: string[];
  cardAnswered: boolean;
}

/** Approves: AE=10 and what goes with the action (the card's records for a payment). */
function approve(
  answer: Field[],
  request: Request,
  settings: Readonly<TerminalSettings>,
  context: DecisionContext,
  outcome: OutcomeSpec,
): Answered {
  const paymentType = outcome.paymentType ?? settings.paymentType;
  const reasons: string[] = [];
  let cardAnswered = false;
  status(answer, "10");
  if (request.action === "identification") {
    setField(answer, "CJ", settings.terminalId);
    reasons.push("identification");
  } else if (request.cheque) {
    reasons.push("cheque printed");
  } else if (
    request.action === "debit" || request.action === "credit" ||
    request.action === "cancellation"
  ) {
    answerCard(answer, request, settings, context, outcome);
    reasons.push(`${paymentType} card`);
    cardAnswered = true;
  } else {
    reasons.push(`action CD=${request.actionCode} done`);
  }
  if (outcome.approvedAmount && request.amount !== undefined) {
    const approved = "minor" in outcome.approvedAmount
      ? outcome.approvedAmount.minor
      : Math.floor(request.amount * outcome.approvedAmount.percent / 100);
    setField(answer, "CB", toAmountField(approved));
    reasons.push(`partial approval: ${approved} of ${request.amount} minor units`);
  }
  return { reasons, cardAnswered };
}

/** The card's records of an approved payment, drawn unless the outcome gives them. */
function answerCard(
  answer: Field[],
  request: Request,
  settings: Readonly<TerminalSettings>,
  context: DecisionContext,
  outcome: OutcomeSpec,
): void {
  const card = PAYMENT_TYPES[outcome.paymentType ?? settings.paymentType];
  setField(answer, "CC", outcome.application ?? card.application);
  setField(answer, "CI", outcome.readMode ?? card.readMode);
  // Every value is drawn, even when the outcome gives it, so that the values after it
  // stay the same for a seed.
  const authorisation = randomDigits(context.random, 6);
  setField(answer, "AC", outcome.authorisation ?? authorisation);
  const pan = `${randomDigits(context.random, 6)}######${randomDigits(context.random, 4)}`;
  setField(answer, "AA", outcome.card?.pan ?? pan);
  const aid = `A00000000${randomDigits(context.random, 12)}`;
  setField(answer, "AI", outcome.card?.aid ?? aid);
  const expiry = nextYearExpiry(context);
  setField(answer, "AB", outcome.card?.expiry ?? expiry);
  if (request.privateData === undefined) setField(answer, "CF", DEFAULT_PRIVATE_DATA);
  setField(answer, "CG", settings.merchantContract);
}

/** Not done: AE=01 and AF, the reason in the fault's words when a fault forced it. */
function refuse(answer: Field[], outcome: OutcomeSpec, fault: FaultSpec | undefined): Answered {
  const code = outcome.complement ?? "00";
  status(answer, "01", code + (outcome.complementDetail ?? ""));
  const forced = fault && FAULTS[fault.kind].reason;
  return {
    reasons: [forced ? forced(code) : describeOutcome({ ...outcome, fault: undefined })],
    cardAnswered: false,
  };
}

/** The card's records the outcome names, when the card was not answered whole. */
function answerExplicit(
  answer: Field[],
  outcome: OutcomeSpec,
  settings: Readonly<TerminalSettings>,
): void {
  const card = PAYMENT_TYPES[outcome.paymentType ?? settings.paymentType];
  if (outcome.paymentType !== undefined || outcome.application !== undefined) {
    setField(answer, "CC", outcome.application ?? card.application);
  }
  if (outcome.paymentType !== undefined || outcome.readMode !== undefined) {
    setField(answer, "CI", outcome.readMode ?? card.readMode);
  }
  if (outcome.authorisation !== undefined) setField(answer, "AC", outcome.authorisation);
  if (outcome.card?.pan !== undefined) setField(answer, "AA", outcome.card.pan);
  if (outcome.card?.aid !== undefined) setField(answer, "AI", outcome.card.aid);
  if (outcome.card?.expiry !== undefined) setField(answer, "AB", outcome.card.expiry);
}

/** The records the outcome sets or removes, last. */
function applyTags(answer: Field[], outcome: OutcomeSpec, reasons: string[]): void {
  for (const [tag, value] of Object.entries(outcome.tags ?? {})) {
    if (value === null) {
      const at = answer.findIndex((f) => f.tag === tag);
      if (at > 0) answer.splice(at, 1);
    } else setField(answer, tag, value);
  }
  if (outcome.tags && Object.keys(outcome.tags).length > 0) {
    reasons.push(`records set: ${Object.keys(outcome.tags).join(", ")}`);
  }
}

/** The answer's records exactly (a recording), the `null` ones echoed from the request. */
function exactAnswer(
  answer: Field[],
  records: NonNullable<OutcomeSpec["answer"]>,
  request: Request,
  reasons: string[],
): void {
  const exact: Field[] = [];
  for (const { tag, value } of records) {
    const echoed = value ?? request.fields.find((f) => f.tag === tag)?.value;
    if (echoed !== undefined) exact.push({ tag, value: echoed });
  }
  answer.splice(0, answer.length, ...exact);
  reasons.push("recorded answer");
}

/** Draws a delay between its bounds, in whole milliseconds. */
function drawDelay(delay: DelaySpec, random: Random): number {
  if (delay.maxMs <= delay.minMs) return delay.minMs;
  return delay.minMs + random.int(delay.maxMs - delay.minMs + 1);
}

/** The request's records, CZ first (the request's, or the configured answer version). */
function echo(fields: readonly Field[], answerVersion?: string): Field[] {
  const version = answerVersion ?? fields.find((f) => f.tag === "CZ")?.value ?? "0300";
  const answer: Field[] = [{ tag: "CZ", value: version }];
  for (const { tag, value } of fields) if (tag !== "CZ") answer.push({ tag, value });
  return answer;
}

/** Sets AE, and AF when given; an AF echoed from the request is dropped otherwise. */
function status(answer: Field[], ae: string, af?: string): Field[] {
  setField(answer, "AE", ae);
  if (af !== undefined) setField(answer, "AF", af);
  else {
    const at = answer.findIndex((f) => f.tag === "AF");
    if (at >= 0) answer.splice(at, 1);
  }
  return answer;
}

/** Next year and a random month, as YYMM. */
function nextYearExpiry(context: DecisionContext): string {
  const year = (context.now.getFullYear() + 1) % 100;
  const month = 1 + context.random.int(12);
  return `${String(year).padStart(2, "0")}${String(month).padStart(2, "0")}`;
}
