/**
 * Magic amounts: an opt-in built-in scenario where the last two digits of the amount, in
 * minor units, choose the outcome. The ending is the AF code it answers (12.04 EUR is
 * refused, AF=04; 12.08 EUR times out, AF=08), so the table is easy to remember; an
 * ending of 51 is a partial approval.
 *
 * @module
 */

import type { Rule } from "./rules.ts";
import type { OutcomeSpec } from "./outcome.ts";

/** One row of the magic amounts table. */
export interface MagicAmount {
  /** The last two digits of the amount in minor units. */
  readonly ending: string;
  /** What the terminal does. */
  readonly outcome: OutcomeSpec;
  /** The row in words. */
  readonly description: string;
}

/**
 * The table. Endings that are not here get the settings' answer (approved, unless
 * `failure` is set). AF=09, 10 and 12 are left out on purpose: they would blame the POS's
 * message, and amounts ending in 10 or 12 are too common.
 */
export const MAGIC_AMOUNTS: readonly MagicAmount[] = Object.freeze([
  row("02", { status: "not-done", complement: "02" }, "not done, AF=02 phone call required"),
  row("04", { status: "not-done", complement: "04" }, "not done, AF=04 refused"),
  row("05", { status: "not-done", complement: "05" }, "not done, AF=05 forbidden"),
  row("06", { status: "not-done", complement: "06" }, "not done, AF=06 cardholder abandon"),
  row("07", { status: "not-done", complement: "07" }, "not done, AF=07 not completed"),
  row("08", { status: "not-done", complement: "08" }, "not done, AF=08 input time-out"),
  row(
    "11",
    { status: "not-done", complement: "11" },
    "not done, AF=11 operator abandon (red button)",
  ),
  row("13", { status: "not-done", complement: "13" }, "not done, AF=13 currency not supported"),
  row(
    "51",
    { status: "approved", approvedAmount: { percent: 50 } },
    "approved for half the amount, rounded down (partial approval)",
  ),
]);

function row(ending: string, outcome: OutcomeSpec, description: string): MagicAmount {
  return Object.freeze({ ending, outcome: Object.freeze(outcome), description });
}

/**
 * The magic amounts as rules, to put after a scenario's own rules.
 *
 * @returns One rule per row of {@linkcode MAGIC_AMOUNTS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { magicAmountRules } from "./magic.ts";
 * assert.deepEqual(magicAmountRules()[1].when, { amount: { endsWith: "04" } });
 * ```
 */
export function magicAmountRules(): Rule[] {
  return MAGIC_AMOUNTS.map((magic, i) => ({
    ref: { position: i + 1, origin: "magic-amounts", name: `amount ends with ${magic.ending}` },
    when: { amount: { endsWith: magic.ending } },
    outcomes: [magic.outcome],
  }));
}

/**
 * The table as text, one row per line, for `--help` and the README.
 *
 * @returns The lines: the ending, an example amount in EUR, the outcome.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMagicAmounts } from "./magic.ts";
 * assert.equal(formatMagicAmounts()[1], "04  e.g. 12.04 EUR  not done, AF=04 refused");
 * ```
 */
export function formatMagicAmounts(): string[] {
  return MAGIC_AMOUNTS.map((m) => `${m.ending}  e.g. 12.${m.ending} EUR  ${m.description}`);
}
