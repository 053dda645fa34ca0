// The client in English and in French, spawned as a user runs it: the words follow
// --lang, else LC_ALL/LC_MESSAGES/LANG; --json is the same bytes in both languages (but
// for elapsedMs, the time the exchange took, which no two runs share).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startTerminal } from "../lib/fixture.ts";
import { seededRandom } from "../lib/random.ts";
import { type Output, run } from "./processes.ts";
import { parseClientArgs } from "../lib/client_config.ts";
import { buildClientRequest, explainFrame } from "../lib/client_run.ts";
import { t } from "../lib/i18n/mod.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const NBSP = "\u00a0";

function client(args: string[], env: Record<string, string> = {}): Promise<Output> {
  return run(Deno.execPath(), ["run", "-A", "--quiet", "client.ts", ...args], { cwd: ROOT, env });
}

/** A terminal whose answers are the same on every run: seeded draws, no delay. */
function terminal(settings: Record<string, unknown> = {}) {
  return startTerminal({
    hostname: "127.0.0.1",
    port: 0,
    random: seededRandom(7),
    settings: { delayMs: 0, ...settings },
  });
}

/** The --json output with the one figure that changes between runs set aside. */
function stable(json: string): string {
  return json.replace(/"elapsedMs": \d+/, '"elapsedMs": 0');
}

Deno.test("the client in French: an approved payment explained", async (t) => {
  await using fr = await terminal();
  const port = `${fr.endpoint.port}`;
  await t.step("--lang fr", async () => {
    const { code, stdout, stderr } = await client(["-p", port, "-a", "12.50", "--lang", "fr"]);
    assert.equal(code, 0, stderr);
    const lines = stdout.split("\n");
    assert.equal(lines[0], "Accepté (AE=10)");
    assert.match(stdout, new RegExp(`^montant {9}12,50${NBSP}€$`, "m"));
    assert.match(stdout, /^opération {7}0 débit$/m);
    assert.match(stdout, /^application {5}001 CB contact$/m);
    assert.match(stdout, /^mode de lecture 1 carte à puce \(contact\)$/m);
    assert.match(stdout, /^autorisation {4}\d{6}$/m);
    assert.match(stdout, /^caisse {10}01$/m);
    assert.doesNotMatch(stdout, /Approved|amount|read mode/);
  });
  await t.step("LANG=fr_FR.UTF-8 without --lang", async () => {
    const { stdout } = await client(["-p", port, "-a", "3"], {
      LC_ALL: "",
      LANG: "fr_FR.UTF-8",
    });
    assert.match(stdout, /^Accepté \(AE=10\)$/m);
    assert.match(stdout, new RegExp(`^montant {9}3,00${NBSP}€$`, "m"));
  });
  await t.step("--lang en wins over LANG=fr_FR.UTF-8", async () => {
    const { stdout } = await client(["-p", port, "-a", "3", "--lang", "en"], {
      LC_ALL: "",
      LANG: "fr_FR.UTF-8",
    });
    assert.match(stdout, /^Approved \(AE=10\)$/m);
    assert.match(stdout, /^amount {10}3\.00 EUR$/m);
  });
});

Deno.test("the client in French: refusals, time-outs, cheques, errors", async (t) => {
  await using fr = await terminal({ failure: true, failureType: "refused" });
  const port = `${fr.endpoint.port}`;
  await t.step("a refused card", async () => {
    const { code, stdout } = await client(["-p", port, "-a", "7.30", "--lang", "fr"]);
    assert.equal(code, 1);
    assert.equal(stdout.split("\n")[0], `Non effectué (AE=01)${NBSP}: AF=04 refusé`);
  });
  await t.step("a time-out", async () => {
    fr.update({ failureType: "timeout" });
    const { stdout } = await client(["-p", port, "--lang", "fr"]);
    assert.equal(
      stdout.split("\n")[0],
      `Non effectué (AE=01)${NBSP}: AF=08 délai de saisie dépassé`,
    );
  });
  await t.step("a cheque approved", async () => {
    fr.update({ failure: false });
    const { stdout } = await client(["-p", port, "-a", "25", "--check", "--lang", "fr"]);
    assert.match(stdout, /^Accepté \(AE=10\)$/m);
    assert.match(stdout, /^application {5}00C chèque$/m);
  });
  await t.step("no terminal: the error in French, the system's detail after it", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const free = `${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    const fr = await client(["-p", free, "--lang", "fr"]);
    assert.equal(fr.code, 3);
    const [first, second] = fr.stdout.split("\n");
    assert.equal(first, `Erreur${NBSP}: Connexion impossible au terminal 127.0.0.1:${free}`);
    assert.match(second, new RegExp(`^Détail \\(en anglais\\)${NBSP}: Cannot connect to `));
    const en = await client(["-p", free, "--lang", "en"]);
    assert.match(en.stdout, /^Error: Cannot connect to 127\.0\.0\.1:\d+: connection refused/);
  });
});

Deno.test("--json is the same bytes in English and in French", async (t) => {
  for (
    const [name, args] of [
      ["approved", ["-a", "12.50", "--private-data", "ORDER-42"]],
      ["refund", ["-a", "-3"]],
      ["identification", ["--identify"]],
    ] as const
  ) {
    await t.step(name, async () => {
      const outputs: string[] = [];
      for (const lang of ["en", "fr"]) {
        // A terminal of the same seed for each language: the same answer, draw for draw.
        await using each = await terminal();
        const { stdout, stderr } = await client(
          ["-p", `${each.endpoint.port}`, "--json", "--lang", lang, ...args],
          { LC_ALL: "", LANG: lang === "fr" ? "fr_FR.UTF-8" : "en_GB.UTF-8" },
        );
        assert.ok(stdout.startsWith("{"), stderr);
        outputs.push(stable(stdout));
      }
      assert.equal(outputs[1], outputs[0]);
      assert.doesNotMatch(outputs[0], /Accepté|€/);
    });
  }
  await t.step("--explain --json, and the error of a missing terminal", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const free = `${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    for (const args of [["--explain", "CZ0040300CJ003012"], ["-p", free]]) {
      const en = await client([...args, "--json", "--lang", "en"]);
      const fr = await client([...args, "--json", "--lang", "fr"]);
      assert.ok(en.stdout.startsWith("{"));
      assert.equal(fr.stdout, en.stdout);
      assert.equal(fr.code, en.code);
    }
  });
});

/** The command lines of every usage problem the client finds itself. */
const BAD_LINES = [
  ["-a", "1,50"],
  ["-a", "abc"],
  ["-a", "1.234"],
  ["-a", "1.5", "-c", "JPY"],
  ["-a", "1.5555", "-c", "BHD"],
  ["-a", "9999999999999"],
  ["-a", "0"],
  ["-c", "XYZ"],
  ["-a", "-3", "--cancel"],
  ["--identify", "-a", "3"],
  ["--refund", "--cancel"],
  ["--raw", "X", "-a", "3"],
  ["--raw", ""],
  ["--register", "1"],
];

Deno.test("the client's usage errors: a key whose English is the message", async (t) => {
  await t.step("each problem the client finds, in both catalogues", () => {
    for (const args of BAD_LINES) {
      const config = parseClientArgs(args, { lang: "en" });
      const problem = config.kind === "send" ? buildClientRequest(config.request) : config;
      assert.ok("kind" in problem && problem.kind === "usage", args.join(" "));
      assert.ok(problem.words, `${args.join(" ")}: no key`);
      const { key, params } = problem.words;
      assert.equal(translate("en", key, params), problem.message, args.join(" "));
      const french = translate("fr", key, params);
      assert.notEqual(french, problem.message, key);
      for (const value of Object.values(params)) assert.ok(french.includes(value), key);
    }
  });
  await t.step("--explain without a frame", async () => {
    const problem = await explainFrame(
      { kind: "explain", frame: "", json: false, lang: "fr" },
      () => Promise.resolve(""),
    );
    assert.ok("kind" in problem);
    assert.equal(
      translate("fr", problem.words!.key, problem.words!.params),
      "--explain attend une trame",
    );
  });
});

function translate(lang: "en" | "fr", key: string, params: Readonly<Record<string, string>>) {
  return t(lang, key as Parameters<typeof t>[1], params);
}

Deno.test("the client's usage errors and --explain, spawned in both languages", async (t) => {
  await t.step("a bad amount, a bad currency: French with --lang fr, exit code 2", async () => {
    const comma = await client(["-a", "1,50", "--lang", "fr"]);
    assert.equal(comma.code, 2);
    assert.equal(
      comma.stderr,
      `caisse-ap-client${NBSP}: Montant invalide «${NBSP}1,50${NBSP}»${NBSP}: un nombre décimal est attendu, comme «${NBSP}112.45${NBSP}»${NBSP}; le séparateur décimal est le point. Voir 'caisse-ap-client --help'.\n`,
    );
    const currency = await client(["-c", "XYZ"], { LC_ALL: "", LANG: "fr_FR.UTF-8" });
    assert.equal(currency.code, 2);
    assert.match(currency.stderr, /^caisse-ap-client\u00a0: Devise inconnue «\u00a0XYZ\u00a0»/);
    const english = await client(["-c", "XYZ", "--lang", "en"], { LANG: "fr_FR.UTF-8" });
    assert.equal(
      english.stderr,
      `caisse-ap-client: Unknown currency "XYZ": expected an ISO 4217 code such as EUR or 978. See 'caisse-ap-client --help'.\n`,
    );
  });
  await t.step("commander's own: said in French, its detail in English", async () => {
    const { code, stderr } = await client(["--lang", "fr", "--nope"]);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `caisse-ap-client${NBSP}: ligne de commande incorrecte (détail en anglais)${NBSP}: unknown option '--nope'. Voir 'caisse-ap-client --help'.\n`,
    );
  });
  await t.step("--explain in French: the summary, the names, the meanings", async () => {
    const frame = "CZ0040300CJ003012CA00201CE003978CD0010CB0041250";
    const fr = await client(["--explain", frame, "--lang", "fr"]);
    assert.equal(fr.code, 1);
    const lines = fr.stdout.split("\n");
    assert.equal(
      lines[0],
      `Demande (débit de 12,50 EUR), 6 enregistrements${NBSP}: 1 avertissement`,
    );
    assert.match(fr.stdout, /^ {2}CD {2}type d'opération +0 {2}\(débit\)$/m);
    assert.match(
      fr.stdout,
      new RegExp(
        `^avertissement \\(CJ à la position 9\\)${NBSP}: CJ must be 12 digits \\(en anglais\\)$`,
        "m",
      ),
    );
    const en = await client(["--explain", frame, "--lang", "en"]);
    assert.equal(en.stdout.split("\n")[0], "Request (debit of 12.50 EUR), 6 records: 1 warning");
    assert.match(en.stdout, /^ {2}CD {2}action type +0 {2}\(debit\)$/m);
    assert.match(en.stdout, /^warning \(CJ at offset 9\): CJ must be 12 digits$/m);
  });
  await t.step("--explain of an answer: its explanation in French", async () => {
    const fr = await client(["--explain", "CZ0040300AE00201AF00204", "--lang", "fr"]);
    assert.equal(fr.code, 0);
    assert.equal(
      fr.stdout.split("\n")[0],
      `Réponse, 3 enregistrements${NBSP}: conforme au protocole`,
    );
    assert.match(fr.stdout, /^ {2}AF {2}complément de statut +04 {2}\(refusé\)$/m);
    assert.match(fr.stdout, new RegExp(`^ {2}Non effectué \\(AE=01\\)${NBSP}: AF=04 refusé$`, "m"));
  });
});
