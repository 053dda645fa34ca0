/**
 * Scenario files: the terminal's settings and an ordered list of rules, in YAML, read
 * into a {@linkcode Scenario} by a pure function. Every problem is reported with its line
 * and column and what was expected; unknown keys are errors, so a typo never silently
 * turns a rule off.
 *
 * ```yaml
 * settings:
 *   duration: 0.2
 * rules:
 *   - name: big amounts are refused
 *     when: { amount: { min: 100000 } }
 *     outcome: refused
 *   - name: the third payment times out after 5 s
 *     when: { nth: 3 }
 *     outcome: { result: timeout, delay: 5 }
 *   - name: the fourth is approved, but the answer never reaches the POS
 *     when: { nth: 4 }
 *     outcome: { fault: approve-then-drop }
 * ```
 *
 * @module
 */

import { closestWord, quoteList } from "../words.ts";
import { MAX_VALUE_LENGTH } from "../tlv.ts";
import { YAML } from "../deps_yaml.ts";
import { type Action, ACTION_CODES } from "../message.ts";
import { findCurrency, MAX_MINOR_UNITS } from "../money.ts";
import { checkFormat } from "../tags.ts";
import { PAYMENT_TYPES, type PaymentType, type TerminalSettings } from "./behaviour.ts";
import {
  checkFaultParameter,
  FAULT_KINDS,
  faultConflict,
  FAULTS,
  type FaultSpec,
  isFaultKind,
} from "./fault.ts";
import {
  type AnswerRecord,
  type ApprovedAmountSpec,
  type CardSpec,
  COMPLEMENT_NAMES,
  type DelaySpec,
  type OutcomeSpec,
  parseResult,
  READ_MODE_NAMES,
} from "./outcome.ts";
import type {
  AmountCondition,
  AnswerModeCondition,
  ApplicationCondition,
  Conditions,
  Rule,
} from "./rules.ts";
import { findSetting, SCENARIO_SETTING_KEYS, type SettingRow } from "./settings.ts";

/** A scenario: settings and rules, as read from a file. */
export interface Scenario {
  /** The file it was read from, as given. */
  file?: string;
  /** Its description, free text. */
  description?: string;
  /** The settings it sets; the others keep their value. */
  settings: Partial<TerminalSettings>;
  /** Whether the magic amount rules follow the scenario's own rules. */
  magicAmounts: boolean;
  /** The rules, in order. */
  rules: Rule[];
}

/**
 * The kind of a problem in a scenario file:
 * `syntax` (not YAML), `unknown-key`, `missing-key`, `type` (a list where a number is
 * expected...), `value` (an unknown AF name, currency, action...), `range` (a number out
 * of bounds, a minimum above the maximum), `conflict` (keys that exclude each other).
 */
export type ScenarioProblemKind =
  | "syntax"
  | "unknown-key"
  | "missing-key"
  | "type"
  | "value"
  | "range"
  | "conflict";

/** One problem in a scenario file. */
export interface ScenarioProblem {
  /** What kind of problem. */
  kind: ScenarioProblemKind;
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
  /** What is wrong and what was expected. */
  message: string;
}

/**
 * A scenario file that cannot be used. The message names the file, line and column of
 * the first problem; `problems` holds them all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScenario, ScenarioError } from "./scenario.ts";
 * assert.throws(() => parseScenario("rules:\n  - outcome: refusd\n", "s.yaml"), (error) => {
 *   assert.ok(error instanceof ScenarioError);
 *   assert.equal(error.line, 2);
 *   assert.equal(error.column, 14);
 *   assert.match(error.message, /^s\.yaml:2:14: Unknown result "refusd": did you mean/);
 *   return true;
 * });
 * ```
 */
export class ScenarioError extends SyntaxError {
  /** The file, as given. */
  readonly file: string;
  /** Line of the first problem, from 1. */
  readonly line: number;
  /** Column of the first problem, from 1. */
  readonly column: number;
  /** Every problem found, in the order of the file. */
  readonly problems: readonly ScenarioProblem[];

  /**
   * Makes the error.
   *
   * @param file The file, as given.
   * @param problems The problems, at least one.
   */
  constructor(file: string, problems: readonly ScenarioProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    super(`${formatProblem(file, first)}${more}`);
    this.name = "ScenarioError";
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.problems = problems;
  }
}

/**
 * Formats a problem as compilers do: `file:line:column: message`.
 *
 * @param file The file.
 * @param problem The problem.
 * @returns The line of text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProblem } from "./scenario.ts";
 * assert.equal(
 *   formatProblem("s.yaml", { kind: "value", line: 3, column: 7, message: "Unknown result" }),
 *   "s.yaml:3:7: Unknown result",
 * );
 * ```
 */
export function formatProblem(file: string, problem: ScenarioProblem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/**
 * The keys of a scenario's settings: each is the server option of the same name (the
 * rows of {@linkcode SETTINGS} that a scenario may set).
 */
export const SETTING_KEYS: readonly string[] = SCENARIO_SETTING_KEYS;

const TOP_KEYS = ["description", "settings", "rules"];
const RULE_KEYS = ["name", "when", "outcome", "cycle"];
const AMOUNT_KEYS = ["min", "max", "ends-with"];
const CARD_KEYS = ["pan", "expiry", "aid"];
const ACTION_NAMES: Readonly<Record<string, Action>> = {
  ...Object.fromEntries(Object.keys(ACTION_CODES).map((a) => [a, a as Action])),
  refund: "credit",
};
const MAX_SECONDS = 3600;

type Node = YAML.Node | null | undefined;

/** Reads YAML nodes, collecting problems with their positions. */
class Reader {
  readonly problems: ScenarioProblem[] = [];
  readonly #lines: YAML.LineCounter;
  readonly #doc: YAML.Document;

  constructor(lines: YAML.LineCounter, doc: YAML.Document) {
    this.#lines = lines;
    this.#doc = doc;
  }

  position(offset: number): { line: number; column: number } {
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  fail(at: Node | number, kind: ScenarioProblemKind, message: string): undefined {
    const offset = typeof at === "number" ? at : at?.range?.[0] ?? 0;
    this.problems.push({ kind, ...this.position(offset), message });
    return undefined;
  }

  resolve(node: Node): Node {
    return YAML.isAlias(node) ? node.resolve(this.#doc) as Node : node;
  }

  /** Reads a mapping: each known key to its handler, unknown keys reported. */
  map(
    node: Node,
    what: string,
    keys: readonly string[],
    read: (key: string, value: Node, keyNode: YAML.Node) => void,
  ): boolean {
    node = this.resolve(node);
    if (!YAML.isMap(node)) {
      this.fail(node, "type", `Expected ${what} as a mapping of keys (${quoteList(keys)})`);
      return false;
    }
    for (const pair of node.items) {
      const keyNode = pair.key as YAML.Node;
      const key = YAML.isScalar(keyNode) ? String(keyNode.value) : "";
      if (!keys.includes(key)) {
        const near = closestWord(key, keys);
        this.fail(
          keyNode,
          "unknown-key",
          `Unknown key "${key}" in ${what}: ${
            near ? `did you mean "${near}"? ` : ""
          }expected one of ${quoteList(keys)}`,
        );
        continue;
      }
      read(key, this.resolve(pair.value as Node) ?? keyNode, keyNode);
    }
    return true;
  }

  /** The items of a list, or the node itself when it is not a list. */
  items(node: Node): Node[] {
    node = this.resolve(node);
    return YAML.isSeq(node) ? node.items.map((item) => this.resolve(item as Node)) : [node];
  }

  /** A scalar's text as written (so `01` stays "01"), or `undefined` for anything else. */
  text(node: Node): string | undefined {
    if (!YAML.isScalar(node) || node.value === null) return undefined;
    if (typeof node.value === "number" && typeof node.source === "string") return node.source;
    if (typeof node.value === "string" || typeof node.value === "number") {
      return String(node.value);
    }
    return undefined;
  }

  string(node: Node, what: string, example: string): string | undefined {
    const text = this.text(node);
    if (text === undefined) {
      return this.fail(node, "type", `Expected ${what} as text, such as ${example}`);
    }
    return text;
  }

  boolean(node: Node, what: string): boolean | undefined {
    if (YAML.isScalar(node) && typeof node.value === "boolean") return node.value;
    return this.fail(node, "type", `Expected ${what} as true or false, not ${show(node)}`);
  }

  number(node: Node): number | undefined {
    return YAML.isScalar(node) && typeof node.value === "number" ? node.value : undefined;
  }

  /** A whole number in a range. */
  integer(node: Node, what: string, min: number, max: number): number | undefined {
    const value = this.number(node);
    if (value === undefined || !Number.isInteger(value)) {
      return this.fail(
        node,
        "type",
        `Expected ${what} as a whole number from ${min} to ${max}, not ${show(node)}`,
      );
    }
    if (value < min || value > max) {
      return this.fail(node, "range", `Expected ${what} from ${min} to ${max}, not ${value}`);
    }
    return value;
  }

  /** A number of seconds, returned in milliseconds. */
  seconds(node: Node, what: string, options: { positive?: boolean } = {}): number | undefined {
    const value = this.number(node);
    if (value === undefined) {
      return this.fail(
        node,
        "type",
        `Expected ${what} as a number of seconds such as 3 or 0.5, not ${show(node)}`,
      );
    }
    if (value < 0 || value > MAX_SECONDS || (options.positive && value === 0)) {
      return this.fail(
        node,
        "range",
        `Expected ${what} from ${
          options.positive ? "more than " : ""
        }0 to ${MAX_SECONDS} seconds, not ${value}`,
      );
    }
    return Math.round(value * 1000);
  }

  /** One of a set of words. */
  word<T extends string>(node: Node, what: string, words: readonly T[]): T | undefined {
    const text = this.text(node);
    if (text === undefined || !words.includes(text as T)) {
      return this.fail(
        node,
        text === undefined ? "type" : "value",
        `Unknown ${what} ${show(node)}: expected one of ${quoteList(words)}`,
      );
    }
    return text as T;
  }

  /** A value of a tag, checked against the tag dictionary. */
  tagValue(node: Node, what: string, tag: string, example: string): string | undefined {
    const text = this.string(node, what, example);
    if (text === undefined) return undefined;
    const problem = checkFormat(tag, text);
    if (problem) return this.fail(node, "value", `Invalid ${what} "${text}": ${problem}`);
    return text;
  }
}

/**
 * Reads a scenario from YAML text. Pure: no file is read (see `loadScenarioFile`).
 *
 * @param text The YAML text.
 * @param file The file name, for messages and rule references. Default `"scenario"`.
 * @returns The scenario.
 * @throws {ScenarioError} When the text is not YAML or not a valid scenario; every
 * problem is listed with its line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScenario } from "./scenario.ts";
 * const scenario = parseScenario(`
 * settings:
 *   duration: 0.5
 * rules:
 *   - name: refunds are refused
 *     when: { action: refund }
 *     outcome: refused
 * `, "refunds.yaml");
 * assert.equal(scenario.settings.delayMs, 500);
 * assert.deepEqual(scenario.rules[0].ref, {
 *   position: 1,
 *   origin: "scenario",
 *   name: "refunds are refused",
 *   file: "refunds.yaml",
 *   line: 5,
 * });
 * ```
 */
export function parseScenario(text: string, file = "scenario"): Scenario {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const reader = new Reader(lines, doc);
  for (const error of doc.errors) {
    reader.fail(error.pos[0], "syntax", `Invalid YAML: ${firstLine(error.message)}`);
  }
  if (reader.problems.length > 0) throw new ScenarioError(file, reader.problems);
  const scenario: Scenario = { file, settings: {}, magicAmounts: false, rules: [] };
  const root = doc.contents as Node;
  if (root === null || root === undefined) {
    throw new ScenarioError(file, [{
      kind: "type",
      line: 1,
      column: 1,
      message: `The scenario is empty: expected a mapping with ${quoteList(TOP_KEYS)}`,
    }]);
  }
  reader.map(root, "the scenario", TOP_KEYS, (key, value) => {
    if (key === "description") {
      scenario.description = reader.string(value, "the description", '"CI smoke test"');
    } else if (key === "settings") {
      readSettings(reader, value, scenario);
    } else {
      const items = reader.resolve(value);
      if (!YAML.isSeq(items)) {
        reader.fail(value, "type", "Expected the rules as a list, each item starting with -");
        return;
      }
      for (const item of items.items) {
        const rule = readRule(
          reader,
          reader.resolve(item as Node),
          scenario.rules.length + 1,
          file,
        );
        if (rule) scenario.rules.push(rule);
      }
    }
  });
  if (reader.problems.length > 0) {
    reader.problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ScenarioError(file, reader.problems);
  }
  return scenario;
}

/**
 * What reading a value as a part of a scenario gave: the value, or every problem found
 * (values given in code or JSON have no line and column to point at).
 */
export type ValueCheck<T> =
  | { readonly value: T; readonly problems?: undefined }
  | { readonly value?: undefined; readonly problems: readonly string[] };

/**
 * Reads one outcome written as in a scenario file (`"refused"`, `"04"`,
 * `{ result: timeout, delay: 5 }`...) from a value already parsed, such as a JSON body
 * sent to the control API: the same words and the same checks as a scenario's rules.
 * Pure.
 *
 * @param value The outcome: a result word or code, or a mapping of outcome keys.
 * @returns The outcome, or what is wrong with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readOutcomeValue } from "./scenario.ts";
 * assert.deepEqual(readOutcomeValue({ result: "refused", delay: 0.5 }).value, {
 *   status: "not-done",
 *   complement: "04",
 *   delay: { minMs: 500, maxMs: 500 },
 * });
 * assert.match(
 *   readOutcomeValue("refusd").problems?.[0] ?? "",
 *   /^Unknown result "refusd": did you mean "refused"\?/,
 * );
 * ```
 */
export function readOutcomeValue(value: unknown): ValueCheck<OutcomeSpec> {
  return readValue(value, (reader, node) => readOutcome(reader, node));
}

/** Settings read by key: the terminal's, and the control's when they were given. */
export interface SettingsRead {
  /** The terminal's settings given. */
  settings: Partial<TerminalSettings>;
  /** Whether the magic amounts apply, when given. */
  magicAmounts?: boolean;
  /** Whether hold mode is on, when given (the API only, not a scenario). */
  hold?: boolean;
}

/**
 * Reads settings written as in a scenario's `settings` (`duration` in seconds,
 * `failure-type`, `payment-type`, `magic-amounts`...; see {@linkcode SETTING_KEYS}) from a
 * value already parsed, such as a JSON body sent to the control API: the same names and
 * checks as a scenario file and the server's options (one row each of the settings
 * table). Pure.
 *
 * @param value A mapping of setting names to values.
 * @param keys The keys accepted. Default: those a scenario may set.
 * @returns The settings it sets and, when it says, whether the magic amounts apply (and
 * hold mode, when `keys` has it); or what is wrong with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSettingsValue } from "./scenario.ts";
 * assert.deepEqual(
 *   readSettingsValue({ failure: true, "failure-type": "refused", duration: 0.5 }).value,
 *   { settings: { failure: true, failureType: "refused", delayMs: 500 } },
 * );
 * ```
 */
export function readSettingsValue(
  value: unknown,
  keys: readonly string[] = SETTING_KEYS,
): ValueCheck<SettingsRead> {
  return readValue(value, (reader, node) => {
    const target: SettingsRead = { settings: {} };
    readSettings(reader, node, target, keys);
    return target;
  });
}

/** Reads a value given in code (not text) with one of the readers of this module. */
function readValue<T>(
  value: unknown,
  read: (reader: Reader, node: Node) => T | undefined,
): ValueCheck<T> {
  const doc = new YAML.Document(value);
  const reader = new Reader(new YAML.LineCounter(), doc);
  const result = read(reader, doc.contents as Node);
  if (reader.problems.length > 0 || result === undefined) {
    const problems = reader.problems.map((problem) => problem.message);
    return { problems: problems.length > 0 ? problems : ["Invalid value"] };
  }
  return { value: result };
}

function readSettings(
  reader: Reader,
  node: Node,
  target: SettingsRead,
  keys: readonly string[] = SETTING_KEYS,
): void {
  reader.map(node, "the settings", keys, (key, value) => {
    const row = findSetting(key)!;
    const read = readSettingValue(reader, row, value);
    if (read === undefined) return;
    if (row.scope === "terminal") {
      (target.settings as Record<string, unknown>)[row.field] = read;
    } else (target as unknown as Record<string, unknown>)[row.field] = read;
  });
}

/** Reads one setting's value by the type of its row: the same checks for YAML and JSON. */
function readSettingValue(reader: Reader, row: SettingRow, value: Node): unknown {
  const type = row.type;
  switch (type.kind) {
    case "flag":
      return reader.boolean(value, row.what);
    case "word":
      return reader.word(value, row.what, type.words);
    case "seconds":
      return reader.seconds(value, row.what, { positive: type.positive });
    case "integer":
      return reader.integer(value, row.what, type.min, type.max);
    case "tag":
      return reader.tagValue(value, row.what, type.tag, type.example);
    case "fault":
      return readFault(reader, value);
  }
}

function readRule(reader: Reader, node: Node, position: number, file: string): Rule | undefined {
  let name: string | undefined;
  let when: Conditions = {};
  let outcomes: OutcomeSpec[] | undefined;
  let outcomeKey: YAML.Node | undefined;
  const problemsBefore = reader.problems.length;
  const isMap = reader.map(node, `rule ${position}`, RULE_KEYS, (key, value, keyNode) => {
    if (key === "name") name = reader.string(value, "the rule's name", '"refunds are refused"');
    else if (key === "when") when = readConditions(reader, value) ?? {};
    else {
      if (outcomeKey) {
        reader.fail(
          keyNode,
          "conflict",
          `Rule ${position} has both "outcome" and "cycle": give one of them`,
        );
        return;
      }
      outcomeKey = keyNode;
      if (key === "outcome") {
        const outcome = readOutcome(reader, value);
        outcomes = outcome ? [outcome] : [];
      } else {
        const items = reader.resolve(value);
        if (!YAML.isSeq(items) || items.items.length === 0) {
          reader.fail(value, "type", "Expected the cycle as a list of one outcome or more");
          outcomes = [];
          return;
        }
        outcomes = [];
        for (const item of items.items) {
          const outcome = readOutcome(reader, reader.resolve(item as Node));
          if (outcome) outcomes.push(outcome);
        }
      }
    }
  });
  if (!isMap) return undefined;
  if (!outcomeKey) {
    reader.fail(
      node,
      "missing-key",
      `Rule ${position} has no "outcome" (or "cycle"): say what the terminal answers, such as outcome: refused`,
    );
  }
  if (reader.problems.length > problemsBefore || !outcomes) return undefined;
  const line = reader.position(node?.range?.[0] ?? 0).line;
  return {
    ref: { position, origin: "scenario", ...(name !== undefined ? { name } : {}), file, line },
    when,
    outcomes,
  };
}

type MutableConditions = { -readonly [K in keyof Conditions]: Conditions[K] };

/** How each key of a rule's `when` is read, in the order of the messages. */
const CONDITION_READERS: Readonly<
  Record<string, (reader: Reader, value: Node) => MutableConditions>
> = {
  "amount": (reader, value) => ({ amount: readAmount(reader, value) }),
  "currency": (reader, value) => {
    const codes: string[] = [];
    for (const item of reader.items(value)) {
      const text = reader.string(item, "a currency", '"EUR" or "978"');
      if (text === undefined) continue;
      const currency = findCurrency(text);
      if (!currency) {
        reader.fail(
          item,
          "value",
          `Unknown currency "${text}": expected an ISO 4217 code such as "EUR" or "978"`,
        );
      } else codes.push(currency.number);
    }
    return { currencies: codes };
  },
  "action": (reader, value) => {
    const actions: Action[] = [];
    for (const item of reader.items(value)) {
      const name = reader.word(item, "action", Object.keys(ACTION_NAMES));
      if (name) actions.push(ACTION_NAMES[name]);
    }
    return { actions };
  },
  "register": (reader, value) => {
    const registers: string[] = [];
    for (const item of reader.items(value)) {
      const number = reader.number(item);
      const text = number !== undefined && Number.isInteger(number) && number >= 0 &&
          number <= 99
        ? String(number).padStart(2, "0")
        : reader.text(item);
      if (text === undefined || !/^[0-9]{2}$/.test(text)) {
        reader.fail(
          item,
          "value",
          `Invalid register ${show(item)}: expected 2 digits such as "01"`,
        );
      } else registers.push(text);
    }
    return { registers };
  },
  "application": (reader, value) => {
    const applications: ApplicationCondition[] = [];
    for (const item of reader.items(value)) {
      const text = reader.text(item);
      if (text === "cheque" || text === "card") applications.push(text);
      else if (text !== undefined && /^[0-9A-Z]{3}$/.test(text)) applications.push(text);
      else {
        reader.fail(
          item,
          "value",
          `Invalid application ${show(item)}: expected "cheque", "card" or a CC code such as "00B"`,
        );
      }
    }
    return { applications };
  },
  "answer-mode": (reader, value) => ({
    answerMode: reader.word<AnswerModeCondition>(value, "answer mode", ["end", "immediate", "any"]),
  }),
  "private-data": (reader, value) => {
    const pattern = reader.string(value, "the private data pattern", '"^TEST-"');
    if (pattern === undefined) return {};
    try {
      return { privateData: new RegExp(pattern) };
    } catch (error) {
      reader.fail(
        value,
        "value",
        `Invalid private data pattern "${pattern}": ${(error as Error).message}`,
      );
      return {};
    }
  },
  "nth": (reader, value) => {
    const positions: number[] = [];
    for (const item of reader.items(value)) {
      const n = reader.integer(item, "a position (nth)", 1, 1_000_000_000);
      if (n !== undefined) positions.push(n);
    }
    return { nth: positions };
  },
};

const WHEN_KEYS = Object.keys(CONDITION_READERS);

function readConditions(reader: Reader, node: Node): Conditions | undefined {
  const when: MutableConditions = {};
  const ok = reader.map(node, "the conditions (when)", WHEN_KEYS, (key, value) => {
    Object.assign(when, CONDITION_READERS[key](reader, value));
  });
  return ok ? when : undefined;
}

function readAmount(reader: Reader, node: Node): AmountCondition | undefined {
  const minor = (item: Node, what: string) => {
    const value = reader.number(item);
    if (value !== undefined && !Number.isInteger(value)) {
      return reader.fail(
        item,
        "type",
        `Expected ${what} in whole minor units (1250 for 12.50 EUR), not ${show(item)}`,
      );
    }
    return reader.integer(item, what, 0, MAX_MINOR_UNITS);
  };
  if (YAML.isMap(node)) {
    const amount: { min?: number; max?: number; endsWith?: string } = {};
    reader.map(node, "the amount", AMOUNT_KEYS, (key, value) => {
      if (key === "min") amount.min = minor(value, "the minimum amount");
      else if (key === "max") amount.max = minor(value, "the maximum amount");
      else {
        const text = reader.text(value);
        if (text === undefined || !/^[0-9]{1,12}$/.test(text)) {
          reader.fail(
            value,
            "value",
            `Invalid ends-with ${
              show(value)
            }: expected 1 to 12 digits of minor units, such as "04"`,
          );
        } else amount.endsWith = text;
      }
    });
    if (amount.min !== undefined && amount.max !== undefined && amount.min > amount.max) {
      reader.fail(
        node,
        "range",
        `Invalid amount range: the minimum ${amount.min} is above the maximum ${amount.max}`,
      );
    }
    return amount;
  }
  const oneOf: number[] = [];
  for (const item of reader.items(node)) {
    const value = minor(item, "the amount");
    if (value !== undefined) oneOf.push(value);
  }
  return { oneOf };
}

type MutableOutcome = { -readonly [K in keyof OutcomeSpec]: OutcomeSpec[K] };

/** How each key of an outcome is read, in the order of the messages. */
const OUTCOME_READERS: Readonly<
  Record<string, (reader: Reader, value: Node) => Partial<MutableOutcome>>
> = {
  "result": (reader, value) => readResult(reader, value, { faults: false }) ?? {},
  "detail": (reader, value) => ({
    complementDetail: reader.string(value, "the AF detail", '" PLAFOND"'),
  }),
  "delay": (reader, value) => ({ delay: readDelay(reader, value) }),
  "payment-type": (reader, value) => ({
    paymentType: reader.word(value, "payment type", Object.keys(PAYMENT_TYPES) as PaymentType[]),
  }),
  "application": (reader, value) => ({
    application: reader.tagValue(value, "application", "CC", '"00B"'),
  }),
  "read-mode": (reader, value) => {
    const text = reader.text(value);
    const code = text === undefined
      ? undefined
      : READ_MODE_NAMES[text] ?? (/^[0-4]$/.test(text) ? text : undefined);
    if (code !== undefined) return { readMode: code };
    reader.fail(
      value,
      "value",
      `Unknown read mode ${show(value)}: expected one of ${
        quoteList(Object.keys(READ_MODE_NAMES))
      } or a CI digit 0 to 4`,
    );
    return {};
  },
  "card": (reader, value) => ({ card: readCard(reader, value) }),
  "authorisation": (reader, value) => ({
    authorisation: reader.tagValue(value, "authorisation number", "AC", '"123456"'),
  }),
  "approved-amount": (reader, value) => ({ approvedAmount: readApprovedAmount(reader, value) }),
  "tags": (reader, value) => ({ tags: readTags(reader, value) }),
  "fault": (reader, value) => ({ fault: readFault(reader, value) }),
  "answer": (reader, value) => ({ answer: readAnswer(reader, value) }),
};

const OUTCOME_KEYS = Object.keys(OUTCOME_READERS);

function readOutcome(reader: Reader, node: Node): OutcomeSpec | undefined {
  if (YAML.isScalar(node)) return readResult(reader, node);
  const fields: MutableOutcome = { status: "approved" };
  // Where each key was, for the conflicts between keys (the detail: its key).
  const at: Record<string, Node> = {};
  const before = reader.problems.length;
  const ok = reader.map(node, "the outcome", OUTCOME_KEYS, (key, value, keyNode) => {
    at[key] = key === "detail" ? keyNode : value;
    Object.assign(fields, OUTCOME_READERS[key](reader, value));
  });
  if (!ok || reader.problems.length > before) return undefined;
  const conflict = outcomeConflict(fields, at, node);
  if (conflict) return reader.fail(conflict.at, conflict.kind, conflict.message);
  return Object.freeze(removeUndefined(fields));
}

/** What keys of an outcome cannot go together, if anything. */
function outcomeConflict(
  fields: MutableOutcome,
  at: Record<string, Node>,
  node: Node,
): { at: Node; kind: ScenarioProblemKind; message: string } | undefined {
  if (fields.status === "approved" && fields.complementDetail !== undefined) {
    return {
      at: at.detail,
      kind: "conflict",
      message: `"detail" goes with a result that is not done (AF), not with approved`,
    };
  }
  if (fields.status !== "approved" && fields.approvedAmount !== undefined) {
    return {
      at: node,
      kind: "conflict",
      message: `"approved-amount" goes with the result approved, not with AF=${fields.complement}`,
    };
  }
  const conflict = faultConflict(fields.fault, {
    status: fields.status,
    ...(fields.complement !== undefined ? { complement: fields.complement } : {}),
    written: at.result !== undefined,
  });
  if (conflict !== undefined) {
    return { at: at.result ?? at.fault, kind: "conflict", message: conflict };
  }
  const af = (fields.complement ?? "") + (fields.complementDetail ?? "");
  if (fields.status === "not-done" && af.length > 50) {
    return {
      at: at.detail,
      kind: "range",
      message: `AF would be ${af.length} characters: at most 50, the code included`,
    };
  }
  return undefined;
}

/**
 * Reads a result: `approved`, an AF name or code; and, as an outcome of its own
 * (`outcome: no-answer`), a fault's name, approved otherwise.
 */
function readResult(
  reader: Reader,
  node: Node,
  options: { faults: boolean } = { faults: true },
): OutcomeSpec | undefined {
  const text = reader.text(node);
  const result = text === undefined ? undefined : parseResult(text);
  if (result) return result;
  if (options.faults && text !== undefined && isFaultKind(text) && text !== "none") {
    return { status: "approved", fault: { kind: text } as FaultSpec };
  }
  if (!options.faults && text !== undefined && isFaultKind(text)) {
    return reader.fail(
      node,
      "value",
      `Unknown result "${text}": it is a fault, which goes under "fault": { fault: ${text} }`,
    );
  }
  const faults = options.faults ? FAULT_KINDS.filter((k) => k !== "none") : [];
  const near = text === undefined
    ? undefined
    : closestWord(text, ["approved", ...Object.keys(COMPLEMENT_NAMES), ...faults]);
  return reader.fail(
    node,
    text === undefined ? "type" : "value",
    `Unknown result ${show(node)}: ${
      near ? `did you mean "${near}"? ` : ""
    }expected approved, an AF name (${
      quoteList(Object.keys(COMPLEMENT_NAMES))
    }) or a two-digit AF code such as "04"${
      options.faults ? `, or a fault such as "no-answer" (${quoteList(faults)})` : ""
    }`,
  );
}

/**
 * Reads a fault: its name (`fault: no-answer`), or a mapping of its `kind` and
 * parameters (`fault: { kind: split-answer, segments: 3, gap: 0.2 }`).
 */
function readFault(reader: Reader, node: Node): FaultSpec | undefined {
  const kindOf = (value: Node): FaultSpec["kind"] | undefined => {
    const text = reader.text(value);
    if (text !== undefined && isFaultKind(text)) return text;
    const near = text === undefined ? undefined : closestWord(text, FAULT_KINDS);
    return reader.fail(
      value,
      text === undefined ? "type" : "value",
      `Unknown fault ${show(value)}: ${near ? `did you mean "${near}"? ` : ""}expected one of ${
        quoteList(FAULT_KINDS)
      }`,
    );
  };
  node = reader.resolve(node);
  if (!YAML.isMap(node)) {
    if (YAML.isScalar(node)) {
      const kind = kindOf(node);
      return kind ? { kind } as FaultSpec : undefined;
    }
    return reader.fail(
      node,
      "type",
      `Expected the fault as a name such as no-answer, or a mapping such as { kind: split-answer, segments: 3 }`,
    );
  }
  const kindPair = node.items.find((pair) => reader.text(pair.key as Node) === "kind");
  if (!kindPair) {
    return reader.fail(
      node,
      "missing-key",
      `The fault has no "kind": say which, such as { kind: split-answer, segments: 3 }`,
    );
  }
  const kind = kindOf(reader.resolve(kindPair.value as Node) ?? (kindPair.key as Node));
  if (!kind) return undefined;
  const parameters = FAULTS[kind].parameters;
  const fault: Record<string, unknown> = { kind };
  const before = reader.problems.length;
  reader.map(
    node,
    `the fault ${kind}`,
    ["kind", ...parameters.map((p) => p.name)],
    (key, value) => {
      const parameter = parameters.find((p) => p.name === key);
      if (!parameter) return;
      const number = reader.number(value);
      if (number === undefined) {
        reader.fail(
          value,
          "type",
          `Expected ${key} of the fault ${kind} as ${
            parameter.unit === "seconds" ? "a number of seconds such as 0.5" : "a whole number"
          }, not ${show(value)}`,
        );
        return;
      }
      const checked = checkFaultParameter(parameter, number);
      if (checked.problem !== undefined) {
        reader.fail(value, "range", `Invalid ${key} of the fault ${kind}: ${checked.problem}`);
      } else fault[parameter.key] = checked.value;
    },
  );
  return reader.problems.length > before ? undefined : fault as FaultSpec;
}

function readDelay(reader: Reader, node: Node): DelaySpec | undefined {
  if (YAML.isMap(node)) {
    const bounds: { min?: number; max?: number } = {};
    let complete = true;
    reader.map(node, "the delay", ["min", "max"], (key, value) => {
      const ms = reader.seconds(value, `the delay's ${key}imum`);
      if (ms === undefined) complete = false;
      bounds[key as "min" | "max"] = ms;
    });
    if (!complete) return undefined;
    if (bounds.min === undefined || bounds.max === undefined) {
      return reader.fail(
        node,
        "missing-key",
        `Expected the delay as { min: seconds, max: seconds }, with both bounds`,
      );
    }
    if (bounds.min > bounds.max) {
      return reader.fail(
        node,
        "range",
        `Invalid delay range: the minimum ${bounds.min / 1000} s is above the maximum ${
          bounds.max / 1000
        } s`,
      );
    }
    return { minMs: bounds.min, maxMs: bounds.max };
  }
  const ms = reader.seconds(node, "the delay");
  return ms === undefined ? undefined : { minMs: ms, maxMs: ms };
}

function readCard(reader: Reader, node: Node): CardSpec | undefined {
  const card: { pan?: string; expiry?: string; aid?: string } = {};
  reader.map(node, "the card", CARD_KEYS, (key, value) => {
    if (key === "pan") card.pan = reader.tagValue(value, "card number", "AA", '"497010######0001"');
    else if (key === "aid") card.aid = reader.tagValue(value, "AID", "AI", '"A0000000421010"');
    else {
      const expiry = reader.tagValue(value, "expiry", "AB", '"2812"');
      if (expiry !== undefined && !/^[0-9]{2}(0[1-9]|1[0-2])$/.test(expiry)) {
        reader.fail(value, "value", `Invalid expiry "${expiry}": expected YYMM, month 01 to 12`);
      } else card.expiry = expiry;
    }
  });
  return removeUndefined(card);
}

function readApprovedAmount(reader: Reader, node: Node): ApprovedAmountSpec | undefined {
  const text = reader.text(node);
  const percent = text === undefined ? null : /^([0-9]{1,3})\s*%$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (value < 0 || value > 100) {
      return reader.fail(node, "range", `Expected a share from 0% to 100%, not ${text}`);
    }
    return { percent: value };
  }
  const minor = reader.number(node);
  if (minor === undefined || !Number.isInteger(minor)) {
    return reader.fail(
      node,
      "type",
      `Expected the approved amount in whole minor units (500 for 5.00 EUR) or as a share such as "50%", not ${
        show(node)
      }`,
    );
  }
  if (minor < 0 || minor > MAX_MINOR_UNITS) {
    return reader.fail(node, "range", `Expected the approved amount from 0 to ${MAX_MINOR_UNITS}`);
  }
  return { minor };
}

function readTags(reader: Reader, node: Node): Record<string, string | null> | undefined {
  node = reader.resolve(node);
  if (!YAML.isMap(node)) {
    return reader.fail(node, "type", 'Expected the tags as a mapping such as { ZT: "..." }');
  }
  const tags: Record<string, string | null> = {};
  for (const pair of node.items) {
    const keyNode = pair.key as YAML.Node;
    const tag = reader.text(keyNode) ?? "";
    const value = reader.resolve(pair.value as Node);
    if (!/^[A-Z]{2}$/.test(tag)) {
      reader.fail(
        keyNode,
        "value",
        `Invalid tag "${tag}": expected 2 capital letters such as "ZT"`,
      );
      continue;
    }
    if (YAML.isScalar(value) && value.value === null || value === null || value === undefined) {
      if (tag === "CZ") reader.fail(keyNode, "value", "CZ cannot be removed: it comes first");
      else tags[tag] = null;
      continue;
    }
    const text = reader.text(value);
    if (text === undefined) {
      reader.fail(value, "type", `Expected the value of ${tag} as text, or null to remove it`);
    } else if (
      text.length < 1 || text.length > MAX_VALUE_LENGTH || !/^[\x20-\x7e]*$/.test(text)
    ) {
      reader.fail(
        value,
        "value",
        `Invalid value of ${tag}: expected 1 to ${MAX_VALUE_LENGTH} printable ASCII characters`,
      );
    } else tags[tag] = text;
  }
  return tags;
}

/** An exact answer (`answer:`): records in order; `null` echoes the request's. */
function readAnswer(reader: Reader, node: Node): AnswerRecord[] | undefined {
  node = reader.resolve(node);
  if (!YAML.isMap(node)) {
    return reader.fail(
      node,
      "type",
      'Expected the answer as a mapping of records in order, such as { CZ: "0300", AE: "10" }',
    );
  }
  const tags = readTags(reader, node);
  if (tags === undefined) return undefined;
  const records = Object.entries(tags).map(([tag, value]) => ({ tag, value }));
  if (records[0]?.tag !== "CZ") {
    return reader.fail(node, "value", "Expected the answer's records to start with CZ");
  }
  return records;
}

function removeUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/\.$/, "");
}

function show(node: Node): string {
  if (YAML.isScalar(node)) {
    return node.value === null ? "nothing" : `"${node.source ?? String(node.value)}"`;
  }
  if (YAML.isMap(node)) return "a mapping";
  if (YAML.isSeq(node)) return "a list";
  return "nothing";
}

/** The word of `words` closest to `word` (at most 2 edits), for "did you mean". */

/**
 * Every problem of a scenario that could not be used, one line each: `file:line:column:
 * message` for a {@linkcode ScenarioError}, the message of any other error (a file that
 * cannot be read).
 *
 * @param error What reading or parsing the scenario threw.
 * @returns The lines, at least one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScenario, scenarioProblems } from "./scenario.ts";
 * try {
 *   parseScenario("rules: 3", "s.yaml");
 *   assert.fail("the rules are not a list");
 * } catch (error) {
 *   assert.deepEqual(scenarioProblems(error), [
 *     "s.yaml:1:8: Expected the rules as a list, each item starting with -",
 *   ]);
 * }
 * ```
 */
export function scenarioProblems(error: unknown): string[] {
  if (error instanceof ScenarioError) {
    return error.problems.map((problem) => formatProblem(error.file, problem));
  }
  return [error instanceof Error ? error.message : String(error)];
}

/**
 * A scenario in short: its rules, its settings, whether the magic amounts follow.
 *
 * @param scenario The scenario.
 * @returns For example `2 rules, 1 setting, magic amounts on`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeScenario, parseScenario } from "./scenario.ts";
 * const scenario = parseScenario("settings: { duration: 1 }\nrules: [{ outcome: refused }]");
 * assert.equal(describeScenario(scenario), "1 rule, 1 setting");
 * ```
 */
export function describeScenario(scenario: Scenario): string {
  const settings = Object.keys(scenario.settings).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(scenario.rules.length, "rule")}, ${plural(settings, "setting")}${
    scenario.magicAmounts ? ", magic amounts on" : ""
  }`;
}
