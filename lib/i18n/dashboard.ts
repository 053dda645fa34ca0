/**
 * What the dashboard's script needs to speak both languages, as one JSON document served
 * at `GET /api/i18n`: the messages of the page (`dash.*`), of the virtual terminal's
 * screen (`screen.*`), of the diagnosis panels (`diag.*`) and of the standard campaign's
 * cases (`campaign.*`) in each language, the names of the coded values (CD, CC, CI, AE,
 * AF), the locales for `Intl`, and the language the request's `Accept-Language` prefers.
 *
 * @module
 */

import {
  CATALOGUES,
  CODE_TABLES,
  type Language,
  LANGUAGES,
  LOCALES,
  negotiateLanguage,
  TAG_NAMES,
} from "./mod.ts";

/**
 * The keys the page uses: its own (`dash.*`), the terminal's screen (`screen.*`), the
 * diagnosis panels (`diag.*`) and the standard campaign's cases (`campaign.*`).
 */
export const DASHBOARD_PREFIXES: readonly string[] = Object.freeze([
  "dash.",
  "screen.",
  "diag.",
  "campaign.",
]);

/** The dashboard's catalogue, as `GET /api/i18n` sends it. */
export interface DashboardCatalogue {
  /** The languages, English first. */
  languages: readonly Language[];
  /** The language `Accept-Language` prefers (English when neither). */
  preferred: Language;
  /** The locale of each language, for `Intl`. */
  locales: Readonly<Record<Language, string>>;
  /** The page's and the screen's messages, by language and key. */
  messages: Record<Language, Record<string, string>>;
  /** The names of coded values, by language, tag and code. */
  codes: typeof CODE_TABLES;
  /** The names of the tags, by language and tag. */
  tags: typeof TAG_NAMES;
}

/**
 * The dashboard's catalogue.
 *
 * @param acceptLanguage The request's `Accept-Language` header, if any.
 * @returns The catalogue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dashboardCatalogue } from "./dashboard.ts";
 * const catalogue = dashboardCatalogue("fr-FR,fr;q=0.9");
 * assert.equal(catalogue.preferred, "fr");
 * assert.equal(catalogue.messages.fr["screen.approved"], "PAIEMENT ACCEPTE");
 * ```
 */
export function dashboardCatalogue(acceptLanguage: string | null = null): DashboardCatalogue {
  const messages = {} as Record<Language, Record<string, string>>;
  for (const lang of LANGUAGES) {
    messages[lang] = Object.fromEntries(
      Object.entries(CATALOGUES[lang]).filter(([key]) =>
        DASHBOARD_PREFIXES.some((prefix) => key.startsWith(prefix))
      ),
    );
  }
  return {
    languages: LANGUAGES,
    preferred: negotiateLanguage(acceptLanguage),
    locales: LOCALES,
    messages,
    codes: CODE_TABLES,
    tags: TAG_NAMES,
  };
}
