// The diagnosis in the language of the person who reads it: `server.ts --lang fr --report
// FILE` writes HTML and Markdown in French; `GET /api/report?format=html&lang=fr` too,
// else the request's Accept-Language; `GET /api/findings?lang=fr` the findings' words in
// French. JUnit XML, JSON and the findings' codes do not change with the language. The
// standard campaign's cases are in both catalogues, the English the campaign's own words.
import assert from "node:assert/strict";
import { startTerminal } from "../lib/fixture.ts";
import { makeAccessPolicy } from "../lib/terminal/http/auth.ts";
import { createControlHandler } from "../lib/terminal/http/routes.ts";
import { CampaignRun, STANDARD_CAMPAIGN } from "../lib/diagnosis/campaign.ts";
import { campaignInLanguage, findingsInLanguage } from "../lib/diagnosis/report.ts";
import { CATALOGUES, LANGUAGES } from "../lib/i18n/mod.ts";
import { describeOutcome } from "../lib/terminal/outcome.ts";
import { request } from "./diagnosis_records.ts";
import { exchange } from "./pos_script.ts";

const BASE = "http://127.0.0.1:8080";
const NBSP = "\u00a0";

Deno.test("the standard campaign's cases: in both catalogues, the English its own", async (t) => {
  await t.step("every case has a title, an instruction and an outcome in each language", () => {
    for (const lang of LANGUAGES) {
      const messages: Readonly<Record<string, string>> = CATALOGUES[lang];
      for (const c of STANDARD_CAMPAIGN.cases) {
        for (const part of ["title", "instruction", "outcome"]) {
          assert.ok(messages[`campaign.${c.name}.${part}`], `${lang} campaign.${c.name}.${part}`);
        }
      }
    }
  });
  await t.step("the English is what the campaign says (one text, no drift)", () => {
    const en: Readonly<Record<string, string>> = CATALOGUES.en;
    for (const c of STANDARD_CAMPAIGN.cases) {
      assert.equal(en[`campaign.${c.name}.title`], c.name);
      assert.equal(en[`campaign.${c.name}.instruction`], c.instruction, c.name);
      assert.equal(en[`campaign.${c.name}.outcome`], describeOutcome(c.outcome), c.name);
    }
  });
  await t.step("campaignInLanguage: French words, the same names and results", () => {
    const run = new CampaignRun(STANDARD_CAMPAIGN);
    run.choose({ transactionId: 1, peer: "10.0.0.5:1", fields: { CA: "01", CD: "0" } });
    const state = run.state();
    const french = campaignInLanguage(state, "fr");
    assert.equal(french.now?.name, "approval");
    assert.equal(french.now?.status, "in-progress");
    assert.match(french.now!.instruction, /^Payez maintenant un montant quelconque/);
    assert.equal(french.cases[2].outcome, "interdit, AF=05");
    assert.deepEqual(french.registers, state.registers);
    assert.deepEqual(french.cases.map((c) => c.name), state.cases.map((c) => c.name));
    assert.equal(campaignInLanguage(state, "en"), state);
    // A campaign file's words are the tester's own: kept as written.
    const file = campaignInLanguage({ ...state, campaign: "pos.yaml" }, "fr");
    assert.equal(file.now?.instruction, state.now?.instruction);
  });
});

Deno.test("the API in French: findings and reports; codes, XML and JSON unchanged", async (t) => {
  await using terminal = await startTerminal({ campaign: STANDARD_CAMPAIGN });
  const handler = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
    onError: (error) => {
      throw error;
    },
  });
  const call = (path: string, headers: Record<string, string> = {}) =>
    handler(new Request(`${BASE}${path}`, { headers }));
  try {
    const seen = await exchange(
      terminal.host,
      terminal.port,
      request({ more: "BF0010" }),
      {},
      5000,
    );
    assert.equal(seen.kind, "answer");

    await t.step("GET /api/findings?lang=fr: the words in French, the rest as it is", async () => {
      const english = (await (await call("/api/findings")).json()).findings;
      const french = (await (await call("/api/findings?lang=fr")).json()).findings;
      const bf = english.findIndex((f: { kind?: string }) => f.kind === "bf-sent");
      assert.ok(bf >= 0);
      assert.equal(english[bf].title, "The POS sends BF (partial payment allowed)");
      assert.equal(french[bf].title, "La caisse envoie BF (paiement partiel autorisé)");
      assert.equal(french[bf].advice, "Ne jamais envoyer BF.");
      const machine = (f: Record<string, unknown>) => {
        const { title: _t, explanation: _e, advice: _a, ...rest } = f;
        return rest;
      };
      assert.deepEqual(french.map(machine), english.map(machine));
      assert.deepEqual((await (await call("/api/findings?lang=en")).json()).findings, english);
      const bad = await call("/api/findings?lang=de");
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /Invalid lang "de": expected one of en, fr/);
    });

    await t.step("GET /api/report: ?lang=, else Accept-Language, else English", async () => {
      const html = async (path: string, headers: Record<string, string> = {}) =>
        await (await call(path, headers)).text();
      const french = await html("/api/report?format=html&lang=fr");
      assert.match(french, /<html lang="fr">/);
      assert.match(french, /<h1>Diagnostic de la caisse<\/h1>/);
      assert.match(french, /La caisse envoie BF \(paiement partiel autorisé\)/);
      assert.match(french, /<code>approval<\/code> paiement accepté/);
      assert.match(french, /Payez maintenant un montant quelconque/);
      assert.doesNotMatch(french, /Pay any amount|The POS sends BF/);
      const accepted = await html("/api/report?format=html", {
        "accept-language": "fr-FR,fr;q=0.9,en;q=0.5",
      });
      assert.match(accepted, /<html lang="fr">/);
      const english = await html("/api/report?format=html");
      assert.match(english, /<html lang="en">/);
      assert.match(english, /<h1>POS diagnosis<\/h1>/);
      assert.match(english, /<code>approval<\/code><\/td>/);
      assert.match(
        await html("/api/report?format=html&lang=en", { "accept-language": "fr" }),
        /<html lang="en">/,
      );
      const md = await html("/api/report?format=md&lang=fr");
      assert.match(md, /^## Diagnostic de la caisse$/m);
      assert.match(md, new RegExp(`^\\*\\*1 constat\\*\\* sur 1 caisse\\(s\\)${NBSP}: `, "m"));
    });

    await t.step("XML and JSON: the same whatever the language", async () => {
      for (const format of ["xml", "json"]) {
        const plain = await (await call(`/api/report?format=${format}`)).text();
        const french = await (await call(`/api/report?format=${format}&lang=fr`, {
          "accept-language": "fr",
        })).text();
        // The report's time (endedAt) is taken at each request: set it aside.
        const stable = (text: string) =>
          text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, "T");
        assert.equal(stable(french), stable(plain), format);
        assert.doesNotMatch(french, /La caisse|Constats/);
      }
    });
  } finally {
    handler.events.close();
  }
});

Deno.test("findingsInLanguage: English as given, French from the facts", () => {
  const finding = {
    code: "gives-up-early",
    severity: "failure" as const,
    title: "The POS gives up after 2 s, before the terminal does",
    explanation: "",
    advice: "",
    pos: { address: "10.0.0.5", register: "01" },
    count: 1,
    first: { at: "2026-12-03T10:00:00Z" },
    last: { at: "2026-12-03T10:00:00Z" },
    evidence: [],
    facts: { after: "2 s", inputTimeout: "120 s" },
  };
  assert.deepEqual(findingsInLanguage([finding], "en"), [finding]);
  const [french] = findingsInLanguage([finding], "fr");
  assert.equal(french.title, "La caisse abandonne au bout de 2 s, avant le terminal");
  assert.match(french.advice, /120 s \+ 60 s ici/);
  assert.equal(finding.explanation, "", "the given finding is not changed");
});

/** Runs server.ts until its campaign time-out ends it, and reads the report it wrote. */
async function reportOfServer(file: string, lang: string): Promise<string> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../server.ts", import.meta.url).pathname,
      ...["--host", "127.0.0.1", "--port", "0", "--campaign", "standard", "--fail-on", "money"],
      ...["--campaign-timeout", "0.3", "--report", file, "--lang", lang],
    ],
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 4, new TextDecoder().decode(stderr));
  return await Deno.readTextFile(file);
}

Deno.test("server.ts --report FILE in the language of --lang", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("HTML in French, then in English", async () => {
      const french = await reportOfServer(`${dir}/fr.html`, "fr");
      assert.match(french, /<html lang="fr">/);
      assert.match(french, /<h1>Diagnostic de la caisse<\/h1>/);
      assert.match(french, /la campagne a dépassé son délai/);
      assert.match(french, /Jamais atteints\u00a0: <code>approval<\/code>/);
      assert.match(french, /Payez maintenant un montant quelconque/);
      const english = await reportOfServer(`${dir}/en.html`, "en");
      assert.match(english, /<html lang="en">/);
      assert.match(english, /the campaign timed out/);
      assert.match(english, /Pay any amount on the POS now/);
    });
    await t.step("Markdown in French", async () => {
      const md = await reportOfServer(`${dir}/fr.md`, "fr");
      assert.match(md, /^## Diagnostic de la caisse$/m);
      assert.match(md, /^Campagne `standard`\u00a0: 20 cas, 0 faits, pas terminée\.$/m);
    });
    await t.step("JUnit XML: the same identifiers in French", async () => {
      const xml = await reportOfServer(`${dir}/fr.xml`, "fr");
      assert.match(xml, /<testcase classname="campaign" name="01 approval"/);
      assert.match(xml, /<skipped message="not reached"\/>/);
      assert.doesNotMatch(xml, /Payez|Diagnostic/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
