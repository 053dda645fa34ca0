/**
 * The languages of caisse-ap's words: English and French. One catalogue per language
 * (`en.ts`, `fr.ts`) of messages with named placeholders, {@linkcode t} to fill one in,
 * {@linkcode detectLanguage} to choose the language from the environment, and
 * {@linkcode formatMoney}, {@linkcode terminalAmount} and {@linkcode formatDateTime} to
 * write amounts (exactly, from minor units) and dates as each language does. Machine
 * outputs (`--json`, the API, the journal, finding codes) never go through here.
 *
 * @module
 */

import { EN, type MessageKey } from "./en.ts";
import {
  FR,
  FR_ACTIONS,
  FR_APPLICATIONS,
  FR_COMPLEMENTS,
  FR_OTHER_VALUES,
  FR_READ_MODES,
  FR_STATUSES,
  FR_TAG_NAMES,
} from "./fr.ts";
import {
  ACTIONS,
  APPLICATIONS,
  COMPLEMENTS,
  READ_MODES,
  STATUSES,
  tagName as englishTagName,
  TAGS,
} from "../tags.ts";
import type { Language } from "./language.ts";

export type { MessageKey };
export * from "./language.ts";

/** The locale of each language, for `Intl`. */
export const LOCALES: Readonly<Record<Language, string>> = Object.freeze({
  en: "en-GB",
  fr: "fr-FR",
});

/** The catalogues, by language. */
export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = Object
  .freeze({ en: EN, fr: FR });

/** The values of a message's placeholders, by name. */
export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * The names of the placeholders of a message, in order of first appearance.
 *
 * @param template A message, such as `"Register {register}"`.
 * @returns The names, such as `["register"]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeholders } from "./mod.ts";
 * assert.deepEqual(placeholders("{a} of {b}, {a}"), ["a", "b"]);
 * ```
 */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([a-z][a-z0-9-]*)\}/gi)].map((m) => m[1]))];
}

/**
 * A message in a language, its placeholders filled in.
 *
 * @param lang The language.
 * @param key The message's key.
 * @param params The placeholders' values.
 * @returns The message.
 * @throws {RangeError} When a placeholder has no value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { t } from "./mod.ts";
 * assert.equal(t("en", "dash.register", { register: "01" }), "Register 01");
 * assert.equal(t("fr", "dash.register", { register: "01" }), "Caisse 01");
 * ```
 */
export function t(lang: Language, key: MessageKey, params: MessageParams = {}): string {
  const template = CATALOGUES[lang][key] ?? EN[key];
  return template.replace(/\{([a-z][a-z0-9-]*)\}/gi, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new RangeError(`Message "${key}" needs a value for {${name}}`);
    }
    return String(value);
  });
}

/** A currency as {@linkcode formatMoney} needs it (a `Currency` of `../money.ts`). */
export interface MoneyCurrency {
  /** Alphabetic code, such as `EUR`. */
  readonly code: string;
  /** Number of decimals of its minor unit. */
  readonly digits: number;
}

/** Minor units as exact decimal text (`1250`, 2 digits: `"12.50"`), never through a float. */
function decimalText(minor: number | bigint, digits: number): string {
  const value = BigInt(minor);
  const sign = value < 0n ? "-" : "";
  const text = (value < 0n ? -value : value).toString().padStart(digits + 1, "0");
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * An amount as people of the language write it, with `Intl`, exactly: the minor units
 * become decimal text, which `Intl.NumberFormat` formats without a float (so
 * 999999999999.99 stays exact). French: `12,50 €` (non-breaking spaces); English:
 * `€12.50`.
 *
 * @param lang The language.
 * @param minor The amount in minor units (cents for EUR).
 * @param currency The currency.
 * @returns The amount.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMoney } from "./mod.ts";
 * const euro = { code: "EUR", digits: 2 };
 * assert.equal(formatMoney("fr", 1250, euro) === "12,50\u00a0€", true);
 * assert.equal(formatMoney("en", 1250, euro), "€12.50");
 * ```
 */
export function formatMoney(
  lang: Language,
  minor: number | bigint,
  currency: MoneyCurrency,
): string {
  const format = new Intl.NumberFormat(LOCALES[lang], {
    style: "currency",
    currency: currency.code,
    minimumFractionDigits: currency.digits,
    maximumFractionDigits: currency.digits,
  });
  // Intl.NumberFormat reads a decimal string exactly (ECMA-402 "Intl.NumberFormat v3").
  return format.format(decimalText(minor, currency.digits) as unknown as number);
}

/**
 * An amount as a payment terminal's screen shows it: digits, the language's decimal
 * mark, no grouping, the currency's code: `12,50 EUR` in French, `12.50 EUR` in English.
 *
 * @param lang The language.
 * @param minor The amount in minor units.
 * @param currency The currency.
 * @returns The amount.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalAmount } from "./mod.ts";
 * assert.equal(terminalAmount("fr", 1250, { code: "EUR", digits: 2 }), "12,50 EUR");
 * ```
 */
export function terminalAmount(
  lang: Language,
  minor: number | bigint,
  currency: MoneyCurrency,
): string {
  const text = decimalText(minor, currency.digits);
  return t(lang, "screen.amount", {
    amount: lang === "fr" ? text.replace(".", ",") : text,
    currency: currency.code,
  });
}

/**
 * A date and time as people of the language write them, with `Intl`.
 *
 * @param lang The language.
 * @param date The moment (a `Date`, or ISO 8601 text).
 * @param timeZone The time zone (IANA name); default the system's.
 * @returns The date and time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDateTime } from "./mod.ts";
 * assert.equal(formatDateTime("fr", "2026-12-03T14:05:09Z", "UTC"), "03/12/2026 14:05:09");
 * assert.equal(formatDateTime("en", "2026-12-03T14:05:09Z", "UTC"), "03/12/2026, 14:05:09");
 * ```
 */
export function formatDateTime(lang: Language, date: Date | string, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    dateStyle: "short",
    timeStyle: "medium",
    ...(timeZone ? { timeZone } : {}),
  }).format(typeof date === "string" ? new Date(date) : date);
}

/** The coded values whose meaning is shown to a person, by tag. */
export type CodeTable = "CD" | "CC" | "CI" | "AE" | "AF" | "BA" | "BB" | "BF" | "CK" | "AL";

/** The English table of a tag's values, from `TAGS`. */
function englishValues(tag: string): Readonly<Record<string, string>> {
  return TAGS[tag]?.values ?? {};
}

/** The tables of meanings, by language and tag. */
export const CODE_TABLES: Readonly<
  Record<Language, Readonly<Record<CodeTable, Readonly<Record<string, string>>>>>
> = Object.freeze({
  en: {
    CD: ACTIONS,
    CC: APPLICATIONS,
    CI: READ_MODES,
    AE: STATUSES,
    AF: COMPLEMENTS,
    BA: englishValues("BA"),
    BB: englishValues("BB"),
    BF: englishValues("BF"),
    CK: englishValues("CK"),
    AL: englishValues("AL"),
  },
  fr: {
    CD: FR_ACTIONS,
    CC: FR_APPLICATIONS,
    CI: FR_READ_MODES,
    AE: FR_STATUSES,
    AF: FR_COMPLEMENTS,
    BA: FR_OTHER_VALUES.BA,
    BB: FR_OTHER_VALUES.BB,
    BF: FR_OTHER_VALUES.BF,
    CK: FR_OTHER_VALUES.CK,
    AL: FR_OTHER_VALUES.AL,
  },
});

/**
 * What a coded value means, in a language: an action (CD), an application (CC), a read
 * mode (CI), a status (AE) or a status complement (AF, by its first two digits).
 *
 * @param lang The language.
 * @param tag The tag.
 * @param code The value.
 * @returns The meaning, or `undefined` for an unknown value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeMeaning } from "./mod.ts";
 * assert.equal(codeMeaning("fr", "AF", "04"), "refusé");
 * assert.equal(codeMeaning("en", "CC", "00B"), "CB contactless");
 * ```
 */
export function codeMeaning(lang: Language, tag: CodeTable, code: string): string | undefined {
  const key = tag === "AF" ? code.slice(0, 2) : code;
  return Object.hasOwn(CODE_TABLES[lang][tag], key) ? CODE_TABLES[lang][tag][key] : undefined;
}

/** The names of the tags, by language and tag. */
export const TAG_NAMES: Readonly<Record<Language, Readonly<Record<string, string>>>> = Object
  .freeze({
    en: Object.fromEntries(Object.keys(TAGS).map((tag) => [tag, englishTagName(tag)])),
    fr: FR_TAG_NAMES,
  });

/**
 * A tag's name in a language: `montant` for CB in French.
 *
 * @param lang The language.
 * @param tag The tag.
 * @returns The name; for a tag the protocol does not define, the English table's words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tagNameIn } from "./mod.ts";
 * assert.equal(tagNameIn("fr", "CB"), "montant");
 * assert.equal(tagNameIn("en", "CB"), "amount");
 * ```
 */
export function tagNameIn(lang: Language, tag: string): string {
  const names = TAG_NAMES[lang];
  return Object.hasOwn(names, tag) ? names[tag] : englishTagName(tag);
}
