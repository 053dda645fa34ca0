/**
 * How the simulated terminal answers, as a pure function: a request, the terminal's
 * settings, a clock and a random source in; a plan (the answer, how long to wait before
 * sending it, and why) out. No sockets, no timers: the simulator carries the plan out.
 *
 * The answers follow the reference Python simulator (PROTOCOL.md §4), without its
 * defects: a malformed or incomplete request is answered AE=01 AF=09 in every mode, and
 * the POS's private data (CF) is echoed, not overwritten.
 *
 * @module
 */

import { checkRequest, type Finding, parseRequest } from "../message.ts";
import { findCurrency } from "../money.ts";
import { type Random, randomDigits } from "../random.ts";
import { type Field, type FrameError, setField } from "../tlv.ts";

/** How a failing card payment ends, as in the reference tool's `--failure-type`. */
export type FailureType = "abandon" | "timeout" | "refused" | "forbidden";

/** AF code of each failure type. */
export const FAILURE_COMPLEMENTS: Readonly<Record<FailureType, string>> = {
  abandon: "11",
  timeout: "08",
  refused: "04",
  forbidden: "05",
};

/** The card the simulated cardholder presents, as in the reference tool's `--payment-type`. */
export type PaymentType = "cbcontact" | "cbcontactless" | "amexcontact" | "amexcontactless";

/** Application (CC) and read mode (CI) of each payment type. */
export const PAYMENT_TYPES: Readonly<
  Record<PaymentType, { application: string; readMode: string }>
> = {
  cbcontact: { application: "001", readMode: "1" },
  cbcontactless: { application: "00B", readMode: "2" },
  amexcontact: { application: "002", readMode: "1" },
  amexcontactless: { application: "00D", readMode: "2" },
};

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
}

/** The reference tool's defaults: success, CB contact, 3 s, contract 424242. */
export const DEFAULT_SETTINGS: Readonly<TerminalSettings> = Object.freeze({
  failure: false,
  failureType: "abandon",
  delayMs: 3000,
  paymentType: "cbcontact",
  merchantContract: "424242",
  terminalId: "012345678901",
});

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
  /** Source of authorisation numbers, card numbers and AIDs. */
  random: Random;
}

/**
 * Decides how the terminal answers a request.
 *
 * In order: a request that cannot be read (malformed frame, mandatory record missing,
 * CB or CD not readable) is answered AE=01 AF=09 at once; BA=1 is answered AE=11 at
 * once; an unknown action AE=01 AF=12 and an unknown currency AE=01 AF=13 at once; an
 * identification (CD=I) AE=10 with the terminal's CJ at once. Then, after the delay: in
 * failure mode AE=01 with the failure's AF (always 04 for a cheque); otherwise AE=10,
 * with the card's data for a card payment.
 *
 * @param request The request as decoded.
 * @param settings The terminal's settings.
 * @param context The clock and the random source.
 * @returns The plan.
 *
 * @example
 * ```ts
 * import { decide, DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { decode } from "../tlv.ts";
 * import { seededRandom } from "../random.ts";
 * const plan = decide(
 *   { fields: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250") },
 *   DEFAULT_SETTINGS,
 *   { now: new Date(), random: seededRandom(1) },
 * );
 * plan.outcome; // "approved"
 * plan.delayMs; // 3000
 * ```
 */
export function decide(
  request: ReceivedRequest,
  settings: Readonly<TerminalSettings>,
  context: DecisionContext,
): Plan {
  const findings = checkRequest(request.fields, request.error);
  const answer = echo(request.fields, settings.answerVersion);
  const errors = findings.filter((f) => f.level === "error");
  if (errors.length > 0) {
    return {
      outcome: "rejected",
      answer: status(answer, "01", "09"),
      delayMs: 0,
      reason: `bad message format: ${errors[0].message}${
        errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""
      }`,
      findings,
    };
  }
  const parsed = parseRequest(request.fields);
  if (parsed.immediate) {
    return {
      outcome: "acknowledged",
      answer: status(answer, "11"),
      delayMs: 0,
      reason: "immediate answer asked (BA=1)",
      findings,
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
    };
  }
  if (action === "identification") {
    setField(answer, "CJ", settings.terminalId);
    return {
      outcome: "approved",
      answer: status(answer, "10"),
      delayMs: 0,
      reason: "identification",
      findings,
    };
  }
  if (!findCurrency(parsed.currencyCode ?? "")) {
    return {
      outcome: "declined",
      answer: status(answer, "01", "13"),
      delayMs: 0,
      reason: `currency not supported CE=${parsed.currencyCode}`,
      findings,
    };
  }
  if (settings.failure) {
    const complement = parsed.cheque ? "04" : FAILURE_COMPLEMENTS[settings.failureType];
    return {
      outcome: "declined",
      answer: status(answer, "01", complement),
      delayMs: settings.delayMs,
      reason: parsed.cheque
        ? "failure mode, cheque refused"
        : `failure mode, ${settings.failureType}`,
      findings,
    };
  }
  if (parsed.cheque) {
    return {
      outcome: "approved",
      answer: status(answer, "10"),
      delayMs: settings.delayMs,
      reason: "cheque printed",
      findings,
    };
  }
  const card = PAYMENT_TYPES[settings.paymentType];
  status(answer, "10");
  setField(answer, "CC", card.application);
  setField(answer, "CI", card.readMode);
  setField(answer, "AC", randomDigits(context.random, 6));
  setField(
    answer,
    "AA",
    `${randomDigits(context.random, 6)}######${randomDigits(context.random, 4)}`,
  );
  setField(answer, "AI", `A00000000${randomDigits(context.random, 12)}`);
  setField(answer, "AB", expiry(context));
  if (parsed.privateData === undefined) setField(answer, "CF", DEFAULT_PRIVATE_DATA);
  setField(answer, "CG", settings.merchantContract);
  return {
    outcome: "approved",
    answer,
    delayMs: settings.delayMs,
    reason: `${settings.paymentType} card`,
    findings,
  };
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
function expiry(context: DecisionContext): string {
  const year = (context.now.getFullYear() + 1) % 100;
  const month = 1 + context.random.int(12);
  return `${String(year).padStart(2, "0")}${String(month).padStart(2, "0")}`;
}
