/**
 * What a tester asks the simulated terminal to do with a transaction: the
 * {@linkcode OutcomeSpec}. One type serves every way of choosing an answer: the rules of a
 * scenario file, the built-in magic amounts, a person at the keyboard in interactive
 * mode, and outcomes queued or held by a program (the control API builds on it).
 *
 * An outcome says whether the terminal approves (AE=10) or not (AE=01 with an AF code),
 * and may change how: the delay, the card, the approved amount, any answer record.
 * {@linkcode decide} turns it into the answer.
 *
 * @module
 */

import { COMPLEMENTS } from "../tags.ts";
import type { PaymentType } from "./behaviour.ts";
import { describeFault, type FaultSpec } from "./fault.ts";

/** Whether the terminal carries the transaction out: AE=10 or AE=01. */
export type OutcomeStatus = "approved" | "not-done";

/** A delay before the answer: fixed when both bounds are equal, else drawn between them. */
export interface DelaySpec {
  /** Shortest delay, in milliseconds. */
  readonly minMs: number;
  /** Longest delay, in milliseconds (inclusive). */
  readonly maxMs: number;
}

/** Card data to answer instead of the generated values. */
export interface CardSpec {
  /** AA, the masked card number, for example `"497010######0001"`. */
  readonly pan?: string;
  /** AB, the expiry, YYMM. */
  readonly expiry?: string;
  /** AI, the card application identifier, for example `"A0000000421010"`. */
  readonly aid?: string;
}

/** A partial approval: the amount approved (CB of the answer), lower than asked. */
export type ApprovedAmountSpec =
  /** This many minor units. */
  | { readonly minor: number }
  /** This share of the amount asked, in whole percents, rounded down. */
  | { readonly percent: number };

/**
 * How a transaction ends, as a tester wants it. Only `status` is required; what is not
 * said comes from the terminal's settings.
 *
 * `fault` makes the answer go wrong on its way to the POS: the answer is still decided
 * from the rest of the outcome and journaled (that is what the terminal believes), then
 * the fault changes how, or whether, it reaches the POS (see {@linkcode FaultSpec}). A
 * fault is orthogonal to `status`, which is why it is a property and not a third status;
 * two faults decide part of the answer themselves: `approve-then-drop` approves, and
 * `busy` answers AE=01 AF=07 at once.
 */
export interface OutcomeSpec {
  /** Approve (AE=10) or not (AE=01). */
  readonly status: OutcomeStatus;
  /** AF code, two digits, when not done: see {@linkcode COMPLEMENT_NAMES}. */
  readonly complement?: string;
  /** Text that follows the code in AF (the acquirer's detail), up to 48 characters. */
  readonly complementDetail?: string;
  /** Time before the answer. Default: the settings' delay (none for an identification). */
  readonly delay?: DelaySpec;
  /** The card presented: sets CC and CI. Default: the settings' payment type. */
  readonly paymentType?: PaymentType;
  /** CC of the answer, the application used; overrides the payment type's. */
  readonly application?: string;
  /** CI of the answer, how the card was read; overrides the payment type's. */
  readonly readMode?: string;
  /** Card data instead of the generated values. */
  readonly card?: CardSpec;
  /** AC, the authorisation number, instead of a generated one. */
  readonly authorisation?: string;
  /** A partial approval: CB of the answer lower than asked. */
  readonly approvedAmount?: ApprovedAmountSpec;
  /**
   * Answer records to add or replace (a value), or to remove (`null`), applied last.
   * CZ cannot be removed.
   */
  readonly tags?: Readonly<Record<string, string | null>>;
  /**
   * What goes wrong on the way to the POS. Default: the settings' default fault (the
   * server's `--fault`), if any; `{ kind: "none" }` overrides it.
   */
  readonly fault?: FaultSpec;
  /**
   * The answer's records exactly, in order, instead of the answer built from the rest
   * (a recording of a real terminal: see lib/terminal/FORWARD.md). A `null` value is
   * the request's record of that tag, echoed (left out when the request has none).
   */
  readonly answer?: readonly AnswerRecord[];
}

/** A record of an exact answer ({@linkcode OutcomeSpec.answer}). */
export interface AnswerRecord {
  /** The tag. */
  readonly tag: string;
  /** The value, or `null`: the request's value of that tag. */
  readonly value: string | null;
}

/**
 * Names of the AF codes a tester can ask for, in the words of the protocol's table:
 * `refused` is AF=04. `abandon` is the operator's abandon (AF=11), as the reference
 * tool's `--failure-type abandon`; the cardholder's is `cardholder-abandon` (AF=06).
 */
export const COMPLEMENT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  "unknown": "00",
  "phone-call": "02",
  "forced": "03",
  "refused": "04",
  "forbidden": "05",
  "cardholder-abandon": "06",
  "not-completed": "07",
  "timeout": "08",
  "bad-format": "09",
  "selection-error": "10",
  "abandon": "11",
  "operator-abandon": "11",
  "unknown-action": "12",
  "currency-not-supported": "13",
});

/** Names of the card read modes (CI). */
export const READ_MODE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  any: "0",
  contact: "1",
  contactless: "2",
  stripe: "3",
  manual: "4",
});

/**
 * Reads an outcome's result as a person writes it: `approved`, an AF name such as
 * `refused`, or an AF code such as `"04"`.
 *
 * @param text The result.
 * @returns The status and AF code, or `undefined` when the text is neither.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseResult } from "./outcome.ts";
 * assert.deepEqual(parseResult("refused"), { status: "not-done", complement: "04" });
 * assert.deepEqual(parseResult("13"), { status: "not-done", complement: "13" });
 * assert.deepEqual(parseResult("approved"), { status: "approved" });
 * ```
 */
export function parseResult(
  text: string,
): { status: "approved" } | { status: "not-done"; complement: string } | undefined {
  const word = text.trim().toLowerCase();
  if (word === "approved") return { status: "approved" };
  const named = COMPLEMENT_NAMES[word];
  if (named) return { status: "not-done", complement: named };
  if (/^[0-9]{1,2}$/.test(word)) return { status: "not-done", complement: word.padStart(2, "0") };
  return undefined;
}

/**
 * Makes a not-done outcome from an AF name or code.
 *
 * @param result An AF name (`"refused"`) or code (`"04"`).
 * @param more Anything else the outcome should say (delay, detail...).
 * @returns The outcome.
 * @throws {RangeError} When the result is no AF name or code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notDone } from "./outcome.ts";
 * assert.deepEqual(notDone("timeout"), { status: "not-done", complement: "08" });
 * ```
 */
export function notDone(
  result: string,
  more: Omit<OutcomeSpec, "status" | "complement"> = {},
): OutcomeSpec {
  const parsed = parseResult(result);
  if (!parsed || parsed.status !== "not-done") {
    throw new RangeError(
      `Unknown result "${result}": expected an AF name such as "refused" or a code such as "04"`,
    );
  }
  return { status: "not-done", complement: parsed.complement, ...more };
}

/**
 * Describes an outcome in a few words, for logs: `approved`, `refused, AF=04`.
 *
 * @param outcome The outcome.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeOutcome } from "./outcome.ts";
 * const abandon = { status: "not-done", complement: "11" } as const;
 * assert.equal(describeOutcome(abandon), "operator abandon, AF=11");
 * ```
 */
export function describeOutcome(outcome: OutcomeSpec): string {
  const fault = outcome.fault && outcome.fault.kind !== "none"
    ? `, fault ${describeFault(outcome.fault)}`
    : "";
  if (outcome.status === "approved") {
    const partial = outcome.approvedAmount
      ? "minor" in outcome.approvedAmount
        ? `, partial: ${outcome.approvedAmount.minor} minor units`
        : `, partial: ${outcome.approvedAmount.percent}%`
      : "";
    return `approved${partial}${fault}`;
  }
  const code = outcome.complement ?? "00";
  const detail = outcome.complementDetail ? `, detail "${outcome.complementDetail.trim()}"` : "";
  return `${COMPLEMENTS[code] ?? "not done"}, AF=${code}${detail}${fault}`;
}
