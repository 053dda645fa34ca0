// The diagnosis in French: the words catalogue has every code and kind of the English
// one and uses the same facts; the HTML and Markdown reports are in French, their words
// written again from the findings' facts; JUnit XML and JSON do not change.
import assert from "node:assert/strict";
import { CampaignRun, STANDARD_CAMPAIGN } from "../lib/diagnosis/campaign.ts";
import { FINDING_CODE_NAMES } from "../lib/diagnosis/codes.ts";
import { Diagnosis } from "../lib/diagnosis/diagnosis.ts";
import { renderReport, type ReportData } from "../lib/diagnosis/report.ts";
import { ENGLISH, type Facts, type FindingWords } from "../lib/diagnosis/words_en.ts";
import { FRENCH, FRENCH_CODE_SUMMARIES } from "../lib/diagnosis/words_fr.ts";
import { request, Session, T0 } from "./diagnosis_records.ts";

const PROBE = "<script>alert(1)</script>";

/** The facts an English entry reads, each set to a marker: `⟦name⟧`. */
function markedFacts(words: FindingWords): Record<string, string> {
  const source = `${words.title}${words.explanation}${words.advice}`;
  const names = new Set([...source.matchAll(/\bf\.([a-zA-Z]+)/g)].map((m) => m[1]));
  return Object.fromEntries([...names].map((name) => [name, `⟦${name}⟧`]));
}

/** The markers a text shows. */
function markers(text: string): string[] {
  return [...new Set(text.match(/⟦[a-zA-Z]+⟧/g) ?? [])].sort();
}

Deno.test("the French words: every code and kind, the same facts shown", async (t) => {
  await t.step("the same codes and kinds", () => {
    assert.deepEqual(Object.keys(FRENCH.codes).sort(), Object.keys(ENGLISH.codes).sort());
    assert.deepEqual(Object.keys(FRENCH.kinds).sort(), Object.keys(ENGLISH.kinds).sort());
    assert.deepEqual(Object.keys(FRENCH_CODE_SUMMARIES).sort(), [...FINDING_CODE_NAMES].sort());
    assert.equal(FRENCH.language, "fr");
  });
  for (const group of ["codes", "kinds"] as const) {
    await t.step(`the ${group}: each fact the English shows, the French shows`, () => {
      for (const [key, english] of Object.entries(ENGLISH[group])) {
        const french = FRENCH[group][key];
        const base = markedFacts(english);
        // The branches: what the words choose on (how, tag) as each value they test.
        const variants: Facts[] = [
          base,
          { ...base, how: "next-request" },
          { ...base, how: "write-failed" },
          { ...base, tag: "CB" },
          { ...base, tag: "CJ" },
        ];
        for (const facts of variants) {
          for (const part of ["title", "explanation", "advice"] as const) {
            assert.deepEqual(
              markers(french[part](facts)),
              markers(english[part](facts)),
              `${group} ${key} ${part} ${JSON.stringify(facts)}`,
            );
            assert.ok(french[part](facts) !== english[part](facts) || part === "advice");
          }
        }
        assert.doesNotMatch(french.explanation(base), / [:;!?]/, `${key}: French spacing`);
      }
    });
  }
});

/** A naive POS in the standard campaign: a finding of each kind the report shows. */
function naiveRun(): ReportData {
  const run = new CampaignRun(STANDARD_CAMPAIGN);
  const diagnosis = new Diagnosis();
  const s = new Session();
  const peer = (n: number) => `10.0.0.5:${50000 + n}`;
  const pay = (n: number, options: Parameters<Session["pay"]>[0]) => {
    run.choose({ transactionId: n, peer: peer(n), fields: { CA: "01", CD: "0" } });
    s.pay({ ...options, peer: peer(n) });
  };
  pay(1, {
    at: 1,
    raw: request({ amount: "5", more: `XS${String(PROBE.length).padStart(3, "0")}${PROBE}` }),
  });
  pay(2, { at: 5 });
  pay(3, { at: 9 });
  for (const record of s.records) {
    run.add(record);
    run.see(diagnosis.add(record));
  }
  return {
    run: { tool: "caisse-ap test", startedAt: new Date(T0).toISOString(), ended: "stopped" },
    findings: diagnosis.findings(),
    campaign: run.state(),
  };
}

Deno.test("the report in French: HTML and Markdown in French, XML and JSON unchanged", async (t) => {
  const data = naiveRun();
  assert.ok(data.findings.length >= 2);
  await t.step("HTML", () => {
    const html = renderReport(data, "html", "fr");
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /<title>caisse-ap\u00a0: diagnostic de la caisse<\/title>/);
    assert.match(html, /<h2>Résumé<\/h2>/);
    assert.match(html, /<h2>Constats<\/h2>/);
    assert.match(html, /<th>Gravité<\/th><th>Code<\/th><th>Caisse<\/th>/);
    assert.match(html, /La caisse renvoie un paiement accepté \(double envoi\)/);
    assert.match(html, /<strong>Correction\u00a0:<\/strong>/);
    assert.match(html, /Caisse 10\.0\.0\.5 n° 01/);
    assert.match(html, /arrêté/);
    // The cases: their French names, and how their transactions ended in French.
    assert.match(html, /<code>approval<\/code> paiement accepté/);
    assert.match(html, /<td>#1 répondu<br>/);
    assert.doesNotMatch(html, /<td>#\d+ answered/);
    // The finding codes stay as they are; the wire's text is still escaped.
    assert.match(html, /<code>duplicate-after-approval<\/code>/);
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /Findings|Summary|What to fix|The POS sends/);
    assert.equal(renderReport(data, "html", "en"), renderReport(data, "html"));
  });
  await t.step("Markdown", () => {
    const md = renderReport(data, "md", "fr");
    assert.match(md, /^## Diagnostic de la caisse$/m);
    assert.match(md, /^\*\*\d+ constats\*\* sur 1 caisse\(s\)\u00a0: /m);
    assert.match(md, /^\| Gravité \| Code \| Caisse \| Nombre \| Titre \|$/m);
    assert.match(md, /<summary>Ce qu'il faut corriger<\/summary>/);
    assert.match(md, /Première fois 2026-12-03T10:00/);
  });
  await t.step("XML and JSON: the same bytes in every language", () => {
    for (const format of ["xml", "json"] as const) {
      assert.equal(renderReport(data, format, "fr"), renderReport(data, format, "en"));
    }
  });
});
