/**
 * Which language to speak: {@linkcode Language}, {@linkcode detectLanguage} from the
 * environment, {@linkcode negotiateLanguage} from a browser. Light on purpose (no
 * catalogue): the command lines load it to read `--lang` and its default.
 *
 * @module
 */

/** A language of the words: `en` English, `fr` French. */
export type Language = "en" | "fr";

/** The languages, English (the default) first. */
export const LANGUAGES: readonly Language[] = Object.freeze(["en", "fr"]);

/**
 * The language a text names: `fr`, `fr-FR`, `fr_CA.UTF-8` are French; `en`, `en_US`
 * English; anything else, none.
 *
 * @param text A language tag or POSIX locale name.
 * @returns The language, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLanguage } from "./mod.ts";
 * assert.equal(parseLanguage("fr_FR.UTF-8"), "fr");
 * assert.equal(parseLanguage("de-DE"), undefined);
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
 * import assert from "node:assert/strict";
 * import { detectLanguage } from "./mod.ts";
 * assert.equal(detectLanguage({ LANG: "fr_FR.UTF-8" }), "fr");
 * assert.equal(detectLanguage({ LC_ALL: "C", LANG: "fr_FR.UTF-8" }), "en");
 * assert.equal(detectLanguage({}, "fr-CA"), "fr");
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
 * import assert from "node:assert/strict";
 * import { environmentLanguage, LANGUAGES } from "./mod.ts";
 * assert.equal(LANGUAGES.includes(environmentLanguage()), true);
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
 * import assert from "node:assert/strict";
 * import { negotiateLanguage } from "./mod.ts";
 * assert.equal(negotiateLanguage("de-DE,fr;q=0.8,en;q=0.5"), "fr");
 * assert.equal(negotiateLanguage(["es", "en-US"]), "en");
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
