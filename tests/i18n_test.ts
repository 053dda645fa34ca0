import assert from "node:assert/strict";
import { EN } from "../lib/i18n/en.ts";
import { FR, frenchSpacing } from "../lib/i18n/fr.ts";
import {
  CATALOGUES,
  CODE_TABLES,
  codeMeaning,
  detectLanguage,
  formatDateTime,
  formatMoney,
  LANGUAGES,
  type MessageKey,
  negotiateLanguage,
  parseLanguage,
  placeholders,
  t,
  TAG_NAMES,
  tagNameIn,
  terminalAmount,
} from "../lib/i18n/mod.ts";
import { dashboardCatalogue } from "../lib/i18n/dashboard.ts";
import { startTerminal } from "../lib/fixture.ts";
import { makeAccessPolicy } from "../lib/terminal/http/auth.ts";
import { createControlHandler } from "../lib/terminal/http/routes.ts";
import { getCurrency } from "../lib/money.ts";
import { parseServerArgs, serverCommand } from "../lib/terminal/server_config.ts";
import { ACTIONS, APPLICATIONS, COMPLEMENTS, READ_MODES, STATUSES, TAGS } from "../lib/tags.ts";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

Deno.test("the catalogues: the same keys, the same placeholders, nothing empty", async (t) => {
  const en = Object.keys(EN).sort();
  await t.step("every key in both", () => {
    assert.deepEqual(Object.keys(FR).sort(), en);
  });
  await t.step("the same placeholders", () => {
    for (const key of en as MessageKey[]) {
      assert.deepEqual(
        placeholders(FR[key]).sort(),
        placeholders(EN[key]).sort(),
        `placeholders of ${key}`,
      );
      assert.ok(EN[key].trim().length > 0 && FR[key].trim().length > 0, key);
    }
  });
  await t.step("French typography: a non-breaking space before : ; ! ? everywhere", () => {
    for (const [key, text] of Object.entries(FR)) {
      assert.doesNotMatch(text, / [:;!?»]/, `${key}: a plain space before a double mark`);
      assert.doesNotMatch(text, /« /, `${key}: a plain space after «`);
      assert.equal(frenchSpacing(text), text, key);
    }
    assert.equal(FR["client.error"], `Erreur${NBSP}: {message}`);
    // A colon without a space before it (codes, times, addresses) is left alone.
    assert.equal(frenchSpacing("AF=04 à 12:30 http://x"), "AF=04 à 12:30 http://x");
  });
});

Deno.test("the terminal's screen: upper case, lines of at most 21 characters", () => {
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries(CATALOGUES[lang])) {
      if (!key.startsWith("screen.") || key === "screen.amount") continue;
      assert.equal(text, text.toUpperCase(), `${lang} ${key} is upper case`);
      assert.match(text, /^[A-Z0-9 .\n]+$/, `${lang} ${key}: no accent, as terminals show it`);
      for (const line of text.split("\n")) {
        assert.ok(line.length <= 21, `${lang} ${key}: "${line}" is too long for the screen`);
      }
    }
  }
  assert.equal(t("fr", "screen.insert-card"), "INSEREZ OU\nPRESENTEZ CARTE");
  assert.equal(t("fr", "screen.approved"), "PAIEMENT ACCEPTE");
  assert.equal(t("en", "screen.refused"), "CARD DECLINED");
});

Deno.test("t fills the placeholders and refuses a missing one", () => {
  assert.equal(t("fr", "dash.reloaded", { rules: 3 }), `Scénario rechargé${NBSP}: 3 règles`);
  assert.equal(t("en", "dash.reloaded", { rules: 3 }), "Scenario reloaded: 3 rules");
  assert.throws(() => t("en", "dash.reloaded"), RangeError);
  assert.deepEqual(placeholders("{a} {b-c} {a}"), ["a", "b-c"]);
});

Deno.test("detectLanguage: LC_ALL, then LC_MESSAGES, then LANG, then Intl, else English", () => {
  assert.equal(detectLanguage({}), "en");
  assert.equal(detectLanguage({}, "en-US"), "en");
  assert.equal(detectLanguage({}, "fr-FR"), "fr");
  assert.equal(detectLanguage({}, "de-DE"), "en");
  assert.equal(detectLanguage({ LANG: "fr_FR.UTF-8" }), "fr");
  assert.equal(detectLanguage({ LANG: "fr_BE@euro" }), "fr");
  assert.equal(detectLanguage({ LANG: "fr_CA.UTF-8" }, "en-US"), "fr");
  assert.equal(detectLanguage({ LANG: "de_DE.UTF-8" }, "fr-FR"), "en", "LANG decides");
  assert.equal(detectLanguage({ LANG: "C.UTF-8" }), "en");
  assert.equal(detectLanguage({ LANG: "fr_FR.UTF-8", LC_MESSAGES: "en_GB.UTF-8" }), "en");
  assert.equal(detectLanguage({ LANG: "en_GB.UTF-8", LC_MESSAGES: "fr_FR.UTF-8" }), "fr");
  assert.equal(detectLanguage({ LC_ALL: "C", LC_MESSAGES: "fr_FR", LANG: "fr_FR" }), "en");
  assert.equal(detectLanguage({ LC_ALL: "fr_FR.UTF-8", LANG: "en_US.UTF-8" }), "fr");
  assert.equal(detectLanguage({ LC_ALL: "", LANG: "fr_FR.UTF-8" }), "fr", "empty is unset");
  assert.equal(parseLanguage("FR"), "fr");
  assert.equal(parseLanguage("french"), undefined);
  assert.equal(parseLanguage("frr"), undefined);
});

Deno.test("negotiateLanguage: Accept-Language and navigator.languages", () => {
  assert.equal(negotiateLanguage(null), "en");
  assert.equal(negotiateLanguage(""), "en");
  assert.equal(negotiateLanguage("fr-FR,fr;q=0.9,en;q=0.8"), "fr");
  assert.equal(negotiateLanguage("en;q=0.5,fr;q=0.9"), "fr", "weights, not order");
  assert.equal(negotiateLanguage("de,es;q=0.9"), "en");
  assert.equal(negotiateLanguage("fr;q=0,en"), "en", "q=0: not acceptable");
  assert.equal(negotiateLanguage(["de-CH", "fr-CH", "en"]), "fr");
});

Deno.test("formatMoney: Intl for the language, exact from minor units", () => {
  const eur = getCurrency("EUR");
  assert.equal(formatMoney("fr", 1250, eur), `12,50${NBSP}€`);
  assert.equal(formatMoney("en", 1250, eur), "€12.50");
  assert.equal(formatMoney("fr", 5, eur), `0,05${NBSP}€`);
  // The largest CB: a float would give ...999,98 or round it.
  assert.equal(
    formatMoney("fr", 999_999_999_999, eur),
    `9${NNBSP}999${NNBSP}999${NNBSP}999,99${NBSP}€`,
  );
  assert.equal(formatMoney("en", 999_999_999_999n * 1000n + 1n, eur), "€9,999,999,999,990.01");
  assert.equal(formatMoney("en", -300, eur), "-€3.00");
  assert.equal(formatMoney("fr", 1000, getCurrency("JPY")), `1${NNBSP}000${NBSP}JPY`);
  assert.equal(formatMoney("en", 1500, getCurrency("BHD")), `BHD${NBSP}1.500`);
  assert.equal(formatMoney("fr", 1500, getCurrency("BHD")), `1,500${NBSP}BHD`);
});

Deno.test("terminalAmount: as the terminal's screen shows it", () => {
  const eur = getCurrency("EUR");
  assert.equal(terminalAmount("fr", 1250, eur), "12,50 EUR");
  assert.equal(terminalAmount("en", 1250, eur), "12.50 EUR");
  assert.equal(terminalAmount("fr", 123456789, eur), "1234567,89 EUR");
  assert.equal(terminalAmount("fr", 1000, getCurrency("JPY")), "1000 JPY");
  assert.equal(terminalAmount("fr", 7, getCurrency("BHD")), "0,007 BHD");
});

Deno.test("formatDateTime: Intl for the language", () => {
  const at = "2026-12-03T14:05:09.000Z";
  assert.equal(formatDateTime("fr", at, "UTC"), "03/12/2026 14:05:09");
  assert.equal(formatDateTime("en", new Date(at), "UTC"), "03/12/2026, 14:05:09");
  assert.equal(formatDateTime("fr", at, "Europe/Paris"), "03/12/2026 15:05:09");
});

Deno.test("the names of codes: French tables keyed by the English tables' codes", () => {
  const english = { CD: ACTIONS, CC: APPLICATIONS, CI: READ_MODES, AE: STATUSES, AF: COMPLEMENTS };
  for (const tag of ["BA", "BB", "BF", "CK", "AL"] as const) {
    assert.deepEqual(
      Object.keys(CODE_TABLES.fr[tag]).sort(),
      Object.keys(TAGS[tag].values!).sort(),
    );
    assert.deepEqual(CODE_TABLES.en[tag], TAGS[tag].values);
  }
  // Every tag with a table of values has it in both languages.
  const withValues = Object.keys(TAGS).filter((tag) => TAGS[tag].values).sort();
  assert.deepEqual(Object.keys(CODE_TABLES.fr).sort(), withValues);
  for (const [tag, table] of Object.entries(english)) {
    const french = CODE_TABLES.fr[tag as keyof typeof english];
    assert.deepEqual(Object.keys(french).sort(), Object.keys(table).sort(), tag);
    assert.equal(CODE_TABLES.en[tag as keyof typeof english], table);
  }
  assert.equal(codeMeaning("fr", "AF", "04"), "refusé");
  assert.equal(codeMeaning("fr", "AF", "08 extra"), "délai de saisie dépassé");
  assert.equal(codeMeaning("en", "CI", "2"), "contactless");
  assert.equal(codeMeaning("fr", "CC", "00C"), "chèque");
  assert.equal(codeMeaning("fr", "CD", "toString"), undefined);
  assert.equal(codeMeaning("fr", "BA", "1"), "réponse immédiate");
});

Deno.test("the names of tags: French for every tag of the protocol", () => {
  assert.deepEqual(Object.keys(TAG_NAMES.fr).sort(), Object.keys(TAGS).sort());
  assert.equal(tagNameIn("fr", "AF"), "complément de statut");
  assert.equal(tagNameIn("en", "AF"), "status complement");
  assert.equal(tagNameIn("fr", "XX"), "unknown tag");
});

Deno.test("the server's --lang: given, else the environment's", () => {
  const fr = () => "fr" as const;
  assert.equal(parseServerArgs(["--lang", "fr"], { language: () => "en" }).config?.lang, "fr");
  assert.equal(parseServerArgs(["--lang", "en"], { language: fr }).config?.lang, "en");
  assert.equal(parseServerArgs([], { language: fr }).config?.lang, "fr");
  assert.ok(serverCommand().options.some((option) => option.long === "--lang"));
});

Deno.test("the dashboard's catalogue: both languages, the codes, the tags, the preference", () => {
  const catalogue = dashboardCatalogue("de-DE,fr;q=0.8");
  assert.equal(catalogue.preferred, "fr");
  assert.equal(dashboardCatalogue(null).preferred, "en");
  assert.deepEqual(catalogue.languages, LANGUAGES);
  for (const lang of LANGUAGES) {
    const keys = Object.keys(catalogue.messages[lang]);
    // The page's, the screen's, the diagnosis panels' and the standard campaign's; not the
    // client's nor the reports'.
    assert.ok(keys.every((key) => /^(dash|screen|diag|campaign)\./.test(key)));
    assert.ok(keys.some((key) => key.startsWith("diag.")));
    assert.ok(keys.some((key) => key.startsWith("campaign.")));
    assert.equal(catalogue.messages[lang]["screen.ready"], t(lang, "screen.ready"));
  }
  assert.equal(catalogue.codes.fr.AF["04"], "refusé");
  assert.equal(catalogue.tags.fr.CB, "montant");
  assert.equal(catalogue.locales.fr, "fr-FR");
  // What the route sends: JSON, whole.
  assert.deepEqual(JSON.parse(JSON.stringify(catalogue)), catalogue);
});

Deno.test("GET /api/i18n serves the dashboard's catalogue", async () => {
  await using terminal = await startTerminal();
  const handle = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
  });
  const response = await handle(
    new Request("http://127.0.0.1:8080/api/i18n", { headers: { "accept-language": "fr-CA" } }),
  );
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.preferred, "fr");
  assert.equal(body.messages.fr["screen.insert-card"], "INSEREZ OU\nPRESENTEZ CARTE");
});
