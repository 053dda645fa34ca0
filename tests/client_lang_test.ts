// The client in English and in French, spawned as a user runs it: the words follow
// --lang, else LC_ALL/LC_MESSAGES/LANG; --json is the same bytes in both languages (but
// for elapsedMs, the time the exchange took, which no two runs share).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startTerminal } from "../lib/fixture.ts";
import { seededRandom } from "../lib/random.ts";
import { type Output, run } from "./processes.ts";

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
