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
  FR_READ_MODES,
  FR_STATUSES,
} from "./fr.ts";
import { ACTIONS, APPLICATIONS, COMPLEMENTS, READ_MODES, STATUSES } from "../tags.ts";

export type { MessageKey };

/** A language of the words: `en` English, `fr` French. */
export type Language = "en" | "fr";

/** The languages, English (the default) first. */
export const LANGUAGES: readonly Language[] = Object.freeze(["en", "fr"]);

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
 * import { placeholders } from "./mod.ts";
 * placeholders("{a} of {b}, {a}"); // ["a", "b"]
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
 * import { t } from "./mod.ts";
 * t("en", "dash.register", { register: "01" }); // "Register 01"
 * t("fr", "dash.register", { register: "01" }); // "Caisse 01"
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

/**
 * The language a text names: `fr`, `fr-FR`, `fr_CA.UTF-8` are French; `en`, `en_US`
 * English; anything else, none.
 *
 * @param text A language tag or POSIX locale name.
 * @returns The language, or `undefined`.
 *
 * @example
 * ```ts
 * import { parseLanguage } from "./mod.ts";
 * parseLanguage("fr_FR.UTF-8"); // "fr"
 * parseLanguage("de-DE"); // undefined
 * ```
 */
export function parseLanguage(text: string | undefined | null): Language | undefined {
  const match = /^([a-z]{2,3})(?:$|[-_.@])/i.exec((text ?? "").trim());
  const code = match?.[1].toLowerCase();
  return code === "fr" || code === "en" ? code : undefined;
}

/** The environment variables that choose the language, POSIX's order. */
export interface LanguageEnvironment {
  /** Overrides every other. */
  LC_ALL?: string;
  /** The language of messages. */
  LC_MESSAGES?: string;
  /** The default locale. */
  LANG?: string;
}

/**
 * The language of the environment, as POSIX programs choose it: the first of `LC_ALL`,
 * `LC_MESSAGES` and `LANG` that is set and not empty decides (`fr_FR.UTF-8`: French;
 * `C`, `POSIX`, `de_DE`...: English); when none is set (as on Windows), the locale
 * `Intl` reports decides; English when it is neither French nor English.
 *
 * @param env The variables.
 * @param intlLocale The user's locale as `Intl` gives it, when the variables say nothing.
 * @returns The language.
 *
 * @example
 * ```ts
 * import { detectLanguage } from "./mod.ts";
 * detectLanguage({ LANG: "fr_FR.UTF-8" }); // "fr"
 * detectLanguage({ LC_ALL: "C", LANG: "fr_FR.UTF-8" }); // "en"
 * detectLanguage({}, "fr-CA"); // "fr"
 * ```
 */
export function detectLanguage(env: LanguageEnvironment, intlLocale?: string): Language {
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"] as const) {
    const value = env[name];
    if (value !== undefined && value !== "") return parseLanguage(value) ?? "en";
  }
  return parseLanguage(intlLocale) ?? "en";
}

/**
 * The language of this process's environment: {@linkcode detectLanguage} on its
 * variables (none when they cannot be read) and, on Windows, the user's locale from
 * `Intl`.
 *
 * @returns The language.
 *
 * @example
 * ```ts
 * import { environmentLanguage, LANGUAGES } from "./mod.ts";
 * LANGUAGES.includes(environmentLanguage()); // true
 * ```
 */
export function environmentLanguage(): Language {
  const env: LanguageEnvironment = {};
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"] as const) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    } catch {
      // No permission to read the environment: as if the variable were not set.
    }
  }
  const intl = Deno.build.os === "windows"
    ? new Intl.DateTimeFormat().resolvedOptions().locale
    : undefined;
  return detectLanguage(env, intl);
}

/**
 * The language a browser asks for, from `Accept-Language` or `navigator.languages`:
 * the first French or English one, in the order given (weights respected); English
 * when none.
 *
 * @param accepted The header's value, or the list of languages.
 * @returns The language.
 *
 * @example
 * ```ts
 * import { negotiateLanguage } from "./mod.ts";
 * negotiateLanguage("de-DE,fr;q=0.8,en;q=0.5"); // "fr"
 * negotiateLanguage(["es", "en-US"]); // "en"
 * ```
 */
export function negotiateLanguage(accepted: string | readonly string[] | null): Language {
  const entries = typeof accepted === "string"
    ? accepted.split(",").map((part, index) => {
      const [tag, ...rest] = part.trim().split(";");
      const q = rest.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    }).sort((a, b) => b.q - a.q || a.index - b.index).filter((e) => e.q > 0).map((e) => e.tag)
    : accepted ?? [];
  for (const tag of entries) {
    const language = parseLanguage(tag);
    if (language) return language;
  }
  return "en";
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
 * import { formatMoney } from "./mod.ts";
 * const euro = { code: "EUR", digits: 2 };
 * formatMoney("fr", 1250, euro) === "12,50\u00a0€"; // true
 * formatMoney("en", 1250, euro); // "€12.50"
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
 * import { terminalAmount } from "./mod.ts";
 * terminalAmount("fr", 1250, { code: "EUR", digits: 2 }); // "12,50 EUR"
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
 * import { formatDateTime } from "./mod.ts";
 * formatDateTime("fr", "2026-12-03T14:05:09Z", "UTC"); // "03/12/2026 14:05:09"
 * formatDateTime("en", "2026-12-03T14:05:09Z", "UTC"); // "03/12/2026, 14:05:09"
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
export type CodeTable = "CD" | "CC" | "CI" | "AE" | "AF";

/** The tables of meanings, by language and tag. */
export const CODE_TABLES: Readonly<
  Record<Language, Readonly<Record<CodeTable, Readonly<Record<string, string>>>>>
> = Object.freeze({
  en: { CD: ACTIONS, CC: APPLICATIONS, CI: READ_MODES, AE: STATUSES, AF: COMPLEMENTS },
  fr: {
    CD: FR_ACTIONS,
    CC: FR_APPLICATIONS,
    CI: FR_READ_MODES,
    AE: FR_STATUSES,
    AF: FR_COMPLEMENTS,
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
 * import { codeMeaning } from "./mod.ts";
 * codeMeaning("fr", "AF", "04"); // "refusé"
 * codeMeaning("en", "CC", "00B"); // "CB contactless"
 * ```
 */
export function codeMeaning(lang: Language, tag: CodeTable, code: string): string | undefined {
  const key = tag === "AF" ? code.slice(0, 2) : code;
  return Object.hasOwn(CODE_TABLES[lang][tag], key) ? CODE_TABLES[lang][tag][key] : undefined;
}
