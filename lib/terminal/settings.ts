/**
 * The terminal's settings, one row each: the name written in a scenario, the control API
 * and on the command line, the field it sets, the type of its value (which says how it
 * is read from a command-line string, a YAML value or a JSON value, and checked), its
 * default, its help, how the API shows it, and who may set it. The server's options, the
 * scenario reader's `settings`, the API's `PATCH /api/settings` and `GET /api/settings`,
 * and the dashboard's settings form are all derived from {@linkcode SETTINGS}: a new
 * setting is one row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findSetting, SETTINGS } from "./settings.ts";
 * assert.ok(SETTINGS.map((row) => row.key).includes("failure-type"));
 * assert.equal(findSetting("duration")?.field, "delayMs");
 * ```
 *
 * @module
 */

import type { FailureType, PaymentType, TerminalSettings } from "./behaviour.ts";
import { DEFAULT_SETTINGS, FAILURE_COMPLEMENTS, PAYMENT_TYPES } from "./defaults.ts";
import type { ControlSettings } from "./control.ts";
import { FAULTS, type FaultSpec } from "./fault.ts";

/**
 * The type of a setting's value, which decides how it is read (from a command-line
 * string, a YAML value or a JSON value), checked and shown:
 *
 * - `flag`: true or false (on the command line, the option alone sets it);
 * - `word`: one of `words`;
 * - `seconds`: a number of seconds (decimals allowed) up to `max`, kept in milliseconds;
 *   `positive`: 0 is refused;
 * - `integer`: a whole number from `min` to `max`;
 * - `tag`: the value of a Caisse-AP record, checked against the tag dictionary; `length`
 *   bounds its length on the command line; `optional`: `null` in JSON (the API) unsets it;
 * - `fault`: a fault, `NAME` or `NAME:param=value,...` on the command line, a name or a
 *   mapping `{ kind, ...parameters }` in YAML and JSON.
 */
export type SettingType =
  | { readonly kind: "flag" }
  | { readonly kind: "word"; readonly words: readonly string[] }
  | { readonly kind: "seconds"; readonly max: number; readonly positive?: boolean }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | {
    readonly kind: "tag";
    readonly tag: string;
    readonly example: string;
    readonly length?: { readonly min: number; readonly max: number };
    readonly optional?: boolean;
  }
  | { readonly kind: "fault" };

/** How a setting appears on the command line of `server.ts`. */
export interface SettingOption {
  /** commander's flags: `-d, --duration <seconds>`, `--strict`. The long name is the key. */
  readonly flags: string;
  /** The reference tool's multi-letter short form, rewritten before parsing: `-ft`. */
  readonly legacy?: string;
  /** How the default is shown in the help when it is not the value itself: `"3"`. */
  readonly defaultLabel?: string;
}

/** One setting of the terminal: one row of {@linkcode SETTINGS}. */
export interface SettingRow {
  /** Its name in a scenario's `settings`, in the API and as the long option: kebab-case. */
  readonly key: string;
  /** The field it sets: of the simulator's settings, or the control's (`magicAmounts`, `hold`). */
  readonly field: keyof ControlSettings;
  /**
   * Whose it is: `terminal`, a field of {@linkcode TerminalSettings} (the simulator's);
   * `control`, of the rules engine or the hold desk (`magicAmounts`, `hold`).
   */
  readonly scope: "terminal" | "control";
  /** The type of its value. */
  readonly type: SettingType;
  /** What it is, in the messages about a bad value: `the duration`, `failure type`. */
  readonly what: string;
  /** Its help on the command line. */
  readonly help: string;
  /** Its default, in the field's unit; none when unset by default. */
  readonly default?: unknown;
  /** Whether a scenario's `settings` may set it. */
  readonly scenario: boolean;
  /** How it is given on the command line of `server.ts`. */
  readonly option: SettingOption;
}

const MAX_SECONDS = 3600;

/**
 * Every setting of the terminal, in the order of the help. The command-line options,
 * the scenario reader's `settings`, the control API's settings (read and shown) and the
 * dashboard's form come from this table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SETTINGS } from "./settings.ts";
 * const row = (key: string) => SETTINGS.find((setting) => setting.key === key);
 * assert.equal(row("duration")?.scenario, true); // a scenario may set it
 * assert.equal(row("hold")?.scenario, false); // the control API and the command line only
 * ```
 */
export const SETTINGS: readonly SettingRow[] = Object.freeze(
  [
    {
      key: "duration",
      field: "delayMs",
      scope: "terminal",
      type: { kind: "seconds", max: MAX_SECONDS },
      what: "the duration",
      help: "time the cardholder takes before the answer",
      default: DEFAULT_SETTINGS.delayMs,
      scenario: true,
      option: { flags: "-d, --duration <seconds>", defaultLabel: "3" },
    },
    {
      key: "failure",
      field: "failure",
      scope: "terminal",
      type: { kind: "flag" },
      what: "failure",
      help: "fail every transaction (default: approve)",
      scenario: true,
      option: { flags: "-f, --failure" },
    },
    {
      key: "failure-type",
      field: "failureType",
      scope: "terminal",
      type: { kind: "word", words: Object.keys(FAILURE_COMPLEMENTS) as FailureType[] },
      what: "failure type",
      help:
        "how a card payment fails (also -ft): abandon (AF=11), timeout (AF=08), refused (AF=04), forbidden (AF=05); a cheque always gets AF=04",
      default: DEFAULT_SETTINGS.failureType,
      scenario: true,
      option: { flags: "--failure-type <type>", legacy: "-ft" },
    },
    {
      key: "payment-type",
      field: "paymentType",
      scope: "terminal",
      type: { kind: "word", words: Object.keys(PAYMENT_TYPES) as PaymentType[] },
      what: "payment type",
      help:
        "card used on success (also -pt): cbcontact, cbcontactless, amexcontact, amexcontactless",
      default: DEFAULT_SETTINGS.paymentType,
      scenario: true,
      option: { flags: "--payment-type <type>", legacy: "-pt" },
    },
    {
      key: "seller-contract",
      field: "merchantContract",
      scope: "terminal",
      type: { kind: "tag", tag: "CG", example: '"424242"', length: { min: 1, max: 10 } },
      what: "seller contract",
      help: "merchant contract number sent in CG (also -sc), at most 10 characters",
      default: DEFAULT_SETTINGS.merchantContract,
      scenario: true,
      option: { flags: "--seller-contract <number>", legacy: "-sc" },
    },
    {
      key: "answer-version",
      field: "answerVersion",
      scope: "terminal",
      type: { kind: "tag", tag: "CZ", example: '"0301"', optional: true },
      what: "answer version",
      help: "protocol version (CZ) of the answers, e.g. 0301 (default: the request's)",
      scenario: true,
      option: { flags: "--answer-version <CZ>" },
    },
    {
      key: "terminal-id",
      field: "terminalId",
      scope: "terminal",
      type: { kind: "tag", tag: "CJ", example: '"012345678901"' },
      what: "terminal id",
      help: "the terminal's CJ, sent in identification (CD=I) answers",
      default: DEFAULT_SETTINGS.terminalId,
      scenario: true,
      option: { flags: "--terminal-id <CJ>" },
    },
    {
      key: "input-timeout",
      field: "inputTimeoutMs",
      scope: "terminal",
      type: { kind: "seconds", max: MAX_SECONDS, positive: true },
      what: "the input time-out",
      help:
        "time the cardholder has before the terminal answers AF=08 (the countdown of --interactive)",
      default: DEFAULT_SETTINGS.inputTimeoutMs,
      scenario: true,
      option: { flags: "--input-timeout <seconds>", defaultLabel: "120" },
    },
    {
      key: "magic-amounts",
      field: "magicAmounts",
      scope: "control",
      type: { kind: "flag" },
      what: "magic-amounts",
      help:
        "the last two digits of the amount choose the outcome (table below); after --scenario's rules",
      scenario: true,
      option: { flags: "--magic-amounts" },
    },
    {
      key: "fault",
      field: "fault",
      scope: "terminal",
      type: { kind: "fault" },
      what: "fault",
      help:
        "what goes wrong with every debit, credit and cancellation whose outcome names no fault: NAME or NAME:param=value,... (list below)",
      scenario: true,
      option: { flags: "--fault <fault>" },
    },
    {
      key: "strict",
      field: "strict",
      scope: "terminal",
      type: { kind: "flag" },
      what: "strict",
      help: "answer AE=01 AF=09 to any request with a conformance finding, a warning included",
      scenario: true,
      option: { flags: "--strict" },
    },
    {
      key: "hold",
      field: "hold",
      scope: "control",
      type: { kind: "flag" },
      what: "hold",
      help:
        "start in hold mode: each payment waits for a decision from the dashboard or the API (needs --http)",
      scenario: false,
      option: { flags: "--hold" },
    },
    {
      key: "resend-window",
      field: "resendWindowMs",
      scope: "terminal",
      type: { kind: "seconds", max: 86_400 },
      what: "the resend window",
      help:
        "diagnosis: the same payment again within this time after an outcome the POS could not know is resends-after-unknown (real time)",
      default: DEFAULT_SETTINGS.resendWindowMs,
      scenario: true,
      option: { flags: "--resend-window <seconds>", defaultLabel: "120" },
    },
    {
      key: "duplicate-window",
      field: "duplicateWindowMs",
      scope: "terminal",
      type: { kind: "seconds", max: 86_400 },
      what: "the duplicate window",
      help:
        "diagnosis: the same payment again within this time after its approval is duplicate-after-approval (real time)",
      default: DEFAULT_SETTINGS.duplicateWindowMs,
      scenario: true,
      option: { flags: "--duplicate-window <seconds>", defaultLabel: "10" },
    },
    {
      key: "partial-window",
      field: "partialWindowMs",
      scope: "terminal",
      type: { kind: "seconds", max: 86_400 },
      what: "the partial approval window",
      help:
        "diagnosis: after a partial approval, the next request within this time must be for the rest or a cancellation (real time)",
      default: DEFAULT_SETTINGS.partialWindowMs,
      scenario: true,
      option: { flags: "--partial-window <seconds>", defaultLabel: "120" },
    },
    {
      key: "no-answer-limit",
      field: "noAnswerLimitMs",
      scope: "terminal",
      type: { kind: "seconds", max: 86_400, positive: true },
      what: "the no-answer limit",
      help:
        "diagnosis: a connection still open this long under no-answer is no-answer-timeout; the fault holds it that long and a bit more (scaled by --time-scale, like --input-timeout)",
      default: DEFAULT_SETTINGS.noAnswerLimitMs,
      scenario: true,
      option: { flags: "--no-answer-limit <seconds>", defaultLabel: "180" },
    },
  ] satisfies SettingRow[],
);

/** The keys of the settings a scenario may set, in the order of {@linkcode SETTINGS}. */
export const SCENARIO_SETTING_KEYS: readonly string[] = Object.freeze(
  SETTINGS.filter((row) => row.scenario).map((row) => row.key),
);

/** The keys of every setting, as `PATCH /api/settings` accepts and `GET` shows them. */
export const SETTING_KEYS_ALL: readonly string[] = Object.freeze(SETTINGS.map((row) => row.key));

/**
 * The row of a setting.
 *
 * @param key Its kebab-case key, such as `duration`.
 * @returns The row, or `undefined` for an unknown key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findSetting } from "./settings.ts";
 * assert.equal(findSetting("seller-contract")?.field, "merchantContract");
 * assert.equal(findSetting("colour"), undefined);
 * ```
 */
export function findSetting(key: string): SettingRow | undefined {
  return SETTINGS.find((row) => row.key === key);
}

/**
 * The reference tool's multi-letter short options, to long options, from the table.
 *
 * @returns For example `{ "-ft": "--failure-type" }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { legacyOptions } from "./settings.ts";
 * assert.equal(legacyOptions()["-sc"], "--seller-contract");
 * ```
 */
export function legacyOptions(): Record<string, string> {
  return Object.fromEntries(
    SETTINGS.filter((row) => row.option.legacy).map((row) => [row.option.legacy!, `--${row.key}`]),
  );
}

/**
 * A setting's value as the API shows it (and as `PATCH` takes it back): seconds for
 * durations, `null` for an unset optional value, a fault as `{ kind, ...parameters }`.
 *
 * @param row The setting.
 * @param value Its value, in the field's unit.
 * @returns The JSON value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findSetting, viewSetting } from "./settings.ts";
 * assert.equal(viewSetting(findSetting("duration")!, 1500), 1.5);
 * assert.deepEqual(viewSetting(findSetting("fault")!, { kind: "split-answer", gapMs: 200 }), {
 *   kind: "split-answer",
 *   gap: 0.2,
 * });
 * ```
 */
export function viewSetting(row: SettingRow, value: unknown): unknown {
  switch (row.type.kind) {
    case "flag":
      return value === true;
    case "seconds":
      return (value as number) / 1000;
    case "fault":
      return value === undefined ? null : faultView(value as FaultSpec);
    default:
      return value ?? null;
  }
}

/** A fault as written in a scenario: `{ kind, name: value }`, durations in seconds. */
function faultView(fault: FaultSpec): Record<string, unknown> {
  const view: Record<string, unknown> = { kind: fault.kind };
  for (const parameter of FAULTS[fault.kind].parameters) {
    const value = (fault as unknown as Record<string, number | undefined>)[parameter.key];
    if (value !== undefined) {
      view[parameter.name] = parameter.unit === "seconds" ? value / 1000 : value;
    }
  }
  return view;
}

/**
 * Every setting as the API shows it, under its key, from the control's settings.
 *
 * @param settings The terminal's settings, the magic amounts and hold mode.
 * @returns One entry per row of {@linkcode SETTINGS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { viewSettings } from "./settings.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * const view = viewSettings({ ...DEFAULT_SETTINGS, magicAmounts: false, hold: true });
 * assert.equal(view["duration"], 3);
 * assert.equal(view["hold"], true);
 * assert.equal(view["fault"], null);
 * ```
 */
export function viewSettings(settings: Readonly<ControlSettings>): Record<string, unknown> {
  return Object.fromEntries(
    SETTINGS.map((row) => [row.key, viewSetting(row, settings[row.field])]),
  );
}

/**
 * The terminal's settings from values given by key (the command line's), the others
 * at their defaults ({@linkcode DEFAULT_SETTINGS}).
 *
 * @param values Values by field, as parsed; `undefined` ones are left out.
 * @returns The terminal's settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalSettings } from "./settings.ts";
 * const settings = terminalSettings({ delayMs: 500, strict: undefined });
 * assert.equal(settings.delayMs, 500);
 * assert.equal("strict" in settings, false);
 * ```
 */
export function terminalSettings(values: Partial<Record<string, unknown>>): TerminalSettings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of SETTINGS) {
    if (row.scope === "terminal" && values[row.field] !== undefined) {
      settings[row.field] = values[row.field];
    }
  }
  return settings as unknown as TerminalSettings;
}

/**
 * A scenario's settings over the command line's, except those given on the command line
 * (which win).
 *
 * @param base The settings from the command line, defaults included.
 * @param scenario The scenario's settings.
 * @param fromCommandLine The keys given on the command line.
 * @returns The settings in force.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overlaySettings } from "./settings.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * const settings = overlaySettings(
 *   { ...DEFAULT_SETTINGS, delayMs: 100 },
 *   { delayMs: 2000, failure: true },
 *   new Set(["duration"]),
 * );
 * assert.deepEqual([settings.delayMs, settings.failure], [100, true]);
 * ```
 */
export function overlaySettings(
  base: Readonly<TerminalSettings>,
  scenario: Readonly<Partial<TerminalSettings>> | undefined,
  fromCommandLine: ReadonlySet<string>,
): TerminalSettings {
  const settings: Record<string, unknown> = { ...base };
  for (const row of SETTINGS) {
    if (row.scope !== "terminal" || fromCommandLine.has(row.key)) continue;
    if (scenario && row.field in scenario) {
      settings[row.field] = (scenario as Record<string, unknown>)[row.field];
    }
  }
  return settings as unknown as TerminalSettings;
}

/**
 * The keys of a scenario's settings that the command line overrides, for the log.
 *
 * @param scenario The scenario's settings.
 * @param fromCommandLine The keys given on the command line.
 * @returns The keys, in the order of {@linkcode SETTINGS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overriddenSettings } from "./settings.ts";
 * assert.deepEqual(overriddenSettings({ delayMs: 2000 }, new Set(["duration", "failure"])), [
 *   "duration",
 * ]);
 * ```
 */
export function overriddenSettings(
  scenario: Readonly<Partial<TerminalSettings>>,
  fromCommandLine: ReadonlySet<string>,
): string[] {
  return SETTINGS.filter((row) =>
    row.scope === "terminal" && row.field in scenario && fromCommandLine.has(row.key)
  ).map((row) => row.key);
}
