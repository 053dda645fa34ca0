// No word shown to a person is left outside the catalogues. How it is detected:
// - index.html: every text node that is not blank sits in an element with a data-i18n key
//   (whose English is the text the HTML holds, so the page before the catalogue loads is
//   the English one), or inside an element marked translate="no" (brand, shortcut keys,
//   the languages' own names), or is the <title> (the script writes it); every aria-label
//   has its data-i18n-aria-label.
// - dashboard.js, diagnosis.js (the Findings and Campaign panels) and the client's functions that write words (lib/message.ts,
//   lib/client_run.ts): no string literal holds prose, that is two words of letters in a
//   row ("Waiting for the card", "approved, contactless", "refused (AF=04)") or a
//   capitalised word ("Saved"); the words come from tr()/t() with a key. Checked against
//   the sources before the translation: the detector finds their 46 sentences.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { EN } from "../lib/i18n/en.ts";
import { CATALOGUES, LANGUAGES } from "../lib/i18n/mod.ts";
import { dashboardCatalogue } from "../lib/i18n/dashboard.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const read = (path: string) => Deno.readTextFile(`${ROOT}${path}`);
const messages: Readonly<Record<string, string>> = EN;

/** A string literal's static text: template parts joined by a `${}` marker. */
interface Literal {
  text: string;
  line: number;
}

/**
 * The string literals of JavaScript or TypeScript source, comments and regular
 * expressions skipped, nested templates followed.
 */
function stringLiterals(source: string): Literal[] {
  const found: Literal[] = [];
  let i = 0;
  let lastSignificant = "";
  const lineAt = (at: number) => source.slice(0, at).split("\n").length;

  function readQuoted(quote: string): void {
    const start = i;
    i++;
    let text = "";
    while (i < source.length && source[i] !== quote) {
      if (source[i] === "\\") {
        text += source[i + 1];
        i += 2;
      } else text += source[i++];
    }
    i++;
    found.push({ text, line: lineAt(start) });
  }

  function readTemplate(): void {
    const start = i;
    i++;
    let text = "";
    while (i < source.length && source[i] !== "`") {
      if (source[i] === "\\") {
        text += source[i + 1];
        i += 2;
      } else if (source[i] === "$" && source[i + 1] === "{") {
        i += 2;
        text += "${}";
        readCode("}");
        i++;
      } else text += source[i++];
    }
    i++;
    found.push({ text, line: lineAt(start) });
  }

  /** Reads code up to `end` at depth 0 (or the end of the source). */
  function readCode(end: string | undefined): void {
    let depth = 0;
    while (i < source.length) {
      const c = source[i];
      if (end && c === end && depth === 0) return;
      if (c === "{") depth++;
      if (c === "}") depth--;
      if (c === '"' || c === "'") {
        readQuoted(c);
        lastSignificant = "a";
      } else if (c === "`") {
        readTemplate();
        lastSignificant = "a";
      } else if (c === "/" && source[i + 1] === "/") {
        while (i < source.length && source[i] !== "\n") i++;
      } else if (c === "/" && source[i + 1] === "*") {
        i = source.indexOf("*/", i + 2) + 2;
      } else if (
        c === "/" &&
        (lastSignificant === "" || "(,=:[!&|?{};+-*%<>~^".includes(lastSignificant) ||
          /\b(return|typeof|case)$/.test(source.slice(0, i).trimEnd()))
      ) {
        // A regular expression: up to the unescaped slash outside a class.
        i++;
        let inClass = false;
        while (i < source.length && (source[i] !== "/" || inClass)) {
          if (source[i] === "\\") i++;
          else if (source[i] === "[") inClass = true;
          else if (source[i] === "]") inClass = false;
          i++;
        }
        i++;
        lastSignificant = "a";
      } else {
        if (!/\s/.test(c)) lastSignificant = c;
        i++;
      }
    }
  }

  readCode(undefined);
  return found;
}

/** Whether a literal's text is prose for a person. */
function isProse(text: string): boolean {
  return /\p{L}{2,}[,;:!?]?[ \u00a0]+\(?\p{L}{2,}/u.test(text) ||
    /(^|[^\p{L}-])\p{Lu}\p{Ll}+/u.test(text);
}

/** The literals of source that are prose, as `line: text`. */
function proseIn(source: string, allowed: readonly string[] = []): string[] {
  return stringLiterals(source)
    .filter(({ text }) => isProse(text) && !allowed.includes(text))
    .map(({ text, line }) => `${line}: ${text}`);
}

/** The source of the named top-level functions of a module. */
function functionSources(source: string, names: readonly string[]): string {
  return names.map((name) => {
    const start = source.search(new RegExp(`\\n(export )?(async )?function ${name}\\(`));
    assert.ok(start >= 0, `function ${name}`);
    const end = source.indexOf("\n}\n", start);
    return source.slice(start, end + 3);
  }).join("\n");
}

Deno.test("the detectors find what they look for", () => {
  const sample = `
    // "Commented out words" are not shown.
    const a = "Waiting for the card";
    const b = \`Saved\`;
    const c = tr("dash.saved", { n: \`\${x ? \`Nested words here\` : ""}\` });
    const d = /"not a string"/.test(e) ? "ok" : 'fine';
    const f = ["approved, contactless", "refused (AF=04)"];
  `;
  assert.deepEqual(proseIn(sample), [
    "3: Waiting for the card",
    "4: Saved",
    "5: Nested words here",
    "7: approved, contactless",
    "7: refused (AF=04)",
  ]);
  assert.equal(isProse("dash.saved"), false);
  assert.equal(isProse("content-type"), false);
  assert.equal(isProse("HTTP ${}"), false);
});

Deno.test("dashboard.js: every word from the catalogue", async () => {
  const script = await read("lib/terminal/dashboard/dashboard.js");
  assert.deepEqual(proseIn(script, ["use strict"]), []);
  // Every key the script names exists in both languages.
  const keys = [...script.matchAll(/tr\(\s*"([a-z.-]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 40, `${keys.length} keys`);
  for (const key of keys) {
    for (const lang of LANGUAGES) {
      const catalogue: Readonly<Record<string, string>> = CATALOGUES[lang];
      assert.ok(catalogue[key] !== undefined, `${key} in ${lang}`);
    }
  }
});

Deno.test("diagnosis.js: every word from the catalogue", async () => {
  const script = await read("lib/terminal/dashboard/diagnosis.js");
  assert.deepEqual(proseIn(script, ["use strict"]), []);
  // Every key the script names exists in both languages, and the catalogue the page loads
  // (GET /api/i18n) serves it.
  const keys = [...script.matchAll(/tr\(\s*"([a-z.-]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 10, `${keys.length} keys`);
  const served = dashboardCatalogue();
  for (const key of keys) {
    for (const lang of LANGUAGES) {
      const catalogue: Readonly<Record<string, string>> = CATALOGUES[lang];
      assert.ok(catalogue[key] !== undefined, `${key} in ${lang}`);
      assert.ok(served.messages[lang][key] !== undefined, `${key} served in ${lang}`);
    }
  }
  // The keys it builds: severities, the campaign's states and the standard cases' words.
  for (
    const [built, example] of [
      ["`diag.severity.${", "diag.severity.money"],
      ["`diag.state.${", "diag.state.dropped"],
      ["`campaign.${", "campaign.approval.instruction"],
    ]
  ) {
    assert.ok(script.includes(built), built);
    for (const lang of LANGUAGES) assert.ok(served.messages[lang][example], `${example} ${lang}`);
  }
  // No English words kept aside for later (the first version had a DIAGNOSIS_WORDS table).
  assert.doesNotMatch(script, /DIAGNOSIS_WORDS/);
});

Deno.test("index.html: every text under a data-i18n key or translate=no", async () => {
  const html = await read("lib/terminal/dashboard/index.html");
  const VOID = new Set(["meta", "link", "input", "br", "img", "hr"]);
  const stack: { tag: string; attributes: string }[] = [];
  const problems: string[] = [];
  let keys = 0;
  const pattern = /<!--[\s\S]*?-->|<!doctype[^>]*>|<(\/?)([a-z0-9]+)([^>]*)>|([^<]+)/gi;
  for (const match of html.matchAll(pattern)) {
    const [, closing, tag, attributes, text] = match;
    if (tag) {
      const name = tag.toLowerCase();
      if (closing) {
        const open = stack.pop();
        assert.equal(open?.tag, name, `</${name}> closes <${open?.tag}>`);
      } else {
        if (/aria-label="/.test(attributes) && !/data-i18n-aria-label="/.test(attributes)) {
          problems.push(`<${name}${attributes}> has an aria-label without a key`);
        }
        if (!VOID.has(name)) stack.push({ tag: name, attributes });
      }
      continue;
    }
    if (!text || text.trim() === "") continue;
    const words = text.replace(/\s+/g, " ").trim();
    const inner = stack.at(-1)!;
    if (stack.some((open) => /translate="no"/.test(open.attributes))) continue;
    if (inner.tag === "title" || inner.tag === "script" || inner.tag === "style") continue;
    const key = /data-i18n="([a-z0-9.-]+)"/.exec(inner.attributes)?.[1];
    if (!key) {
      problems.push(`"${words}" in <${inner.tag}> has no data-i18n key`);
      continue;
    }
    keys++;
    assert.equal(messages[key], words, `the English of ${key} is the page's text`);
  }
  assert.deepEqual(problems, []);
  assert.ok(keys > 40, `${keys} keys`);
});

Deno.test("the client's words: from the catalogue", async () => {
  const message = functionSources(await read("lib/message.ts"), [
    "compareAnswer",
    "moneyText",
    "explainAnswer",
    "statusLine",
    "answerRows",
    "amountText",
  ]);
  const run = functionSources(await read("lib/client_run.ts"), ["answerLines", "errorText"]);
  const explain = functionSources(await read("lib/report.ts"), [
    "formatReport",
    "meaningIn",
    "describeRequest",
  ]);
  const usage = functionSources(await read("client.ts"), ["usageIn"]);
  assert.deepEqual(proseIn(message), []);
  assert.deepEqual(proseIn(run), []);
  assert.deepEqual(proseIn(explain), []);
  assert.deepEqual(proseIn(usage), []);
});
