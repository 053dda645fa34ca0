/**
 * Rules, as pure functions: does a request meet a rule's conditions, and which rule of a
 * list decides it (the first that matches). The counters that sequences need (the nth
 * matching request, cycling through outcomes) are passed in and returned, never kept
 * here: the rule engine (`engine.ts`) keeps them.
 *
 * @module
 */

import type { Action, Request } from "../message.ts";
import { findCurrency, toAmountField } from "../money.ts";
import type { RuleMiss, RuleRef } from "./behaviour.ts";
import type { OutcomeSpec } from "./outcome.ts";

/** Conditions on the amount (CB), in minor units. All that are given must hold. */
export interface AmountCondition {
  /** One of these amounts exactly. */
  readonly oneOf?: readonly number[];
  /** At least this much. */
  readonly min?: number;
  /** At most this much. */
  readonly max?: number;
  /** The minor units, written as CB is (at least 2 digits), end with these digits. */
  readonly endsWith?: string;
}

/** Which answer mode (BA) a rule applies to. */
export type AnswerModeCondition =
  /** BA=0 or no BA: the answer at the end of the transaction (the default). */
  | "end"
  /** BA=1: the immediate answer. */
  | "immediate"
  /** Both. */
  | "any";

/** What the payment application (CC) asked for must be. */
export type ApplicationCondition =
  /** CC=00C. */
  | "cheque"
  /** Anything but a cheque, CC absent included. */
  | "card"
  /** This CC code. */
  | string;

/**
 * What a request must be for a rule to apply. Every condition given must hold; an empty
 * set of conditions matches every debit, credit and cancellation asking for the answer at
 * the end of the transaction.
 */
export interface Conditions {
  /** The amount, in minor units. */
  readonly amount?: AmountCondition;
  /** CE, numeric ISO 4217 codes; one of them. */
  readonly currencies?: readonly string[];
  /** CD; one of them. Default {@linkcode DEFAULT_RULE_ACTIONS}. */
  readonly actions?: readonly Action[];
  /** CA, the register; one of them. */
  readonly registers?: readonly string[];
  /** CC asked for; one of them. */
  readonly applications?: readonly ApplicationCondition[];
  /** BA. Default `"end"`. */
  readonly answerMode?: AnswerModeCondition;
  /** CF must be present and match this pattern. */
  readonly privateData?: RegExp;
  /**
   * Positions, from 1, among the requests that reach this rule and meet its other
   * conditions: `[3]` is the third such request only.
   */
  readonly nth?: readonly number[];
}

/** A rule: conditions, and the outcome (or the outcomes to cycle through) when they hold. */
export interface Rule {
  /** Where it comes from and what it is called, for logs and the journal. */
  readonly ref: RuleRef;
  /** What the request must be. */
  readonly when: Conditions;
  /**
   * The outcomes: one, or several to cycle through (the first request the rule decides
   * gets the first, the next the second, and so on, round and round).
   */
  readonly outcomes: readonly OutcomeSpec[];
}

/** The actions a rule applies to when it names none: the transactions that move money. */
export const DEFAULT_RULE_ACTIONS: readonly Action[] = Object.freeze([
  "debit",
  "credit",
  "cancellation",
]);

/** Per-rule counters of a list of rules, by index in the list. */
export interface RuleState {
  /** Requests that met each rule's conditions other than `nth`. */
  readonly seen: readonly number[];
  /** Requests each rule decided. */
  readonly decided: readonly number[];
}

/** What {@linkcode evaluateRules} found. */
export interface Evaluation {
  /** The deciding rule, its index in the list and the outcome it gives; none if no rule matched. */
  match?: { index: number; rule: Rule; outcome: OutcomeSpec };
  /** The rules consulted before the deciding one (all of them, when none matched). */
  notMatched: RuleMiss[];
  /** The counters after this request. */
  state: RuleState;
}

/**
 * Makes fresh counters for a list of rules.
 *
 * @param count How many rules.
 * @returns Counters at zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialRuleState } from "./rules.ts";
 * assert.deepEqual(initialRuleState(2), { seen: [0, 0], decided: [0, 0] });
 * ```
 */
export function initialRuleState(count: number): RuleState {
  return { seen: new Array(count).fill(0), decided: new Array(count).fill(0) };
}

/**
 * Checks a request against conditions, all but `nth`.
 *
 * @param when The conditions.
 * @param request The request.
 * @returns Why the request does not meet them (the first condition that fails, in words),
 * or `undefined` when it does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkConditions } from "./rules.ts";
 * import { buildRequest, parseRequest } from "../message.ts";
 * const request = parseRequest(buildRequest({ amount: 1250 }));
 * assert.equal(
 *   checkConditions({ amount: { endsWith: "04" } }, request),
 *   "amount 1250 does not end with 04",
 * );
 * assert.equal(checkConditions({ amount: { min: 1000, max: 2000 } }, request), undefined);
 * ```
 */
export function checkConditions(when: Conditions, request: Request): string | undefined {
  const actions = when.actions ?? DEFAULT_RULE_ACTIONS;
  const action = request.action;
  if (action === undefined || !actions.includes(action)) {
    const what = action ?? `CD=${request.actionCode ?? "(none)"}`;
    return `action ${what} is not ${list(actions)}${
      when.actions ? "" : " (a rule naming no action applies to those only)"
    }`;
  }
  const mode = when.answerMode ?? "end";
  if (mode === "end" && request.immediate) {
    return "answer mode is immediate (BA=1); the rule applies to BA=0 only (answer-mode: end)";
  }
  if (mode === "immediate" && !request.immediate) {
    return "answer mode is end of transaction, not immediate (BA=1)";
  }
  if (when.amount) {
    const why = checkAmount(when.amount, request.amount);
    if (why) return why;
  }
  if (when.currencies) {
    const code = request.currencyCode ?? "";
    if (!when.currencies.includes(code)) {
      return `currency ${currencyName(code)} is not ${list(when.currencies.map(currencyName))}`;
    }
  }
  if (when.registers && !when.registers.includes(request.register ?? "")) {
    return `register CA=${request.register ?? "(none)"} is not ${list(when.registers)}`;
  }
  if (when.applications) {
    const asked = request.application;
    const ok = when.applications.some((a) =>
      a === "cheque" ? request.cheque : a === "card" ? !request.cheque : asked === a
    );
    if (!ok) {
      const what = request.cheque
        ? "a cheque"
        : asked === undefined
        ? "a card (no CC)"
        : `CC=${asked}`;
      return `application asked is ${what}, not ${list(when.applications)}`;
    }
  }
  if (when.privateData) {
    if (request.privateData === undefined) return "no private data (CF)";
    if (!when.privateData.test(request.privateData)) {
      return `private data "${request.privateData}" does not match ${when.privateData}`;
    }
  }
  return undefined;
}

function checkAmount(amount: AmountCondition, value: number | undefined): string | undefined {
  if (value === undefined) return "no amount (CB)";
  if (amount.oneOf && !amount.oneOf.includes(value)) {
    return `amount ${value} is not ${list(amount.oneOf.map(String))}`;
  }
  if (amount.min !== undefined && value < amount.min) {
    return `amount ${value} is below ${amount.min}`;
  }
  if (amount.max !== undefined && value > amount.max) {
    return `amount ${value} is above ${amount.max}`;
  }
  if (amount.endsWith !== undefined && !toAmountField(value).endsWith(amount.endsWith)) {
    return `amount ${value} does not end with ${amount.endsWith}`;
  }
  return undefined;
}

/**
 * Finds the rule that decides a request: the first, in order, whose conditions hold and,
 * when it has `nth`, for which this request is at one of the positions asked. Pure: the
 * counters come in `state` and go out in the result.
 *
 * @param rules The rules, in order.
 * @param request The request.
 * @param state The counters, from {@linkcode initialRuleState} or the previous evaluation.
 * @returns The deciding rule and its outcome (if any), why the others did not match, and
 * the new counters.
 *
 * @example The second debit is refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateRules, initialRuleState, type Rule } from "./rules.ts";
 * import { buildRequest, parseRequest } from "../message.ts";
 * const rules: Rule[] = [{
 *   ref: { position: 1, origin: "scenario", name: "second is refused" },
 *   when: { nth: [2] },
 *   outcomes: [{ status: "not-done", complement: "04" }],
 * }];
 * const request = parseRequest(buildRequest({ amount: 1250 }));
 * const first = evaluateRules(rules, request, initialRuleState(1));
 * assert.equal(first.match, undefined);
 * const second = evaluateRules(rules, request, first.state);
 * assert.deepEqual(second.match?.outcome, { status: "not-done", complement: "04" });
 * ```
 */
export function evaluateRules(
  rules: readonly Rule[],
  request: Request,
  state: RuleState,
): Evaluation {
  const seen = [...state.seen];
  const decided = [...state.decided];
  const notMatched: RuleMiss[] = [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const why = checkConditions(rule.when, request);
    if (why !== undefined) {
      notMatched.push({ rule: rule.ref, why });
      continue;
    }
    const position = ++seen[index];
    if (rule.when.nth && !rule.when.nth.includes(position)) {
      notMatched.push({
        rule: rule.ref,
        why: `this is matching request number ${position}, the rule wants number ${
          list(rule.when.nth.map(String))
        }`,
      });
      continue;
    }
    const outcome = rule.outcomes[decided[index] % rule.outcomes.length];
    decided[index]++;
    return { match: { index, rule, outcome }, notMatched, state: { seen, decided } };
  }
  return { notMatched, state: { seen, decided } };
}

/**
 * Names a rule for people: `rule 2 "third debit" (scenario.yaml:14)`.
 *
 * @param ref The rule.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeRule } from "./rules.ts";
 * assert.equal(
 *   describeRule({ position: 2, origin: "scenario", name: "big", file: "s.yaml", line: 9 }),
 *   'rule 2 "big" (s.yaml:9)',
 * );
 * ```
 */
export function describeRule(ref: RuleRef): string {
  const kind = ref.origin === "magic-amounts" ? "magic amount rule" : "rule";
  const name = ref.name ? ` "${ref.name}"` : "";
  const where = ref.file ? ` (${ref.file}${ref.line ? `:${ref.line}` : ""})` : "";
  return `${kind} ${ref.position}${name}${where}`;
}

function list(values: readonly string[]): string {
  if (values.length === 1) return values[0];
  return `one of ${values.join(", ")}`;
}

function currencyName(code: string): string {
  const currency = findCurrency(code);
  return currency ? `${currency.code} (${code})` : code || "(none)";
}
