// What each entry point loads before it has read its options, from the module graph that
// `deno info --json` gives (static imports that run, not type-only or dynamic ones): the
// help and the launch stay quick because the YAML reader, the logs, the currencies and
// the control API are loaded only when the options need them (tests/bench/startup.ts
// times it; this checks what makes the time, without timing anything).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);

interface InfoModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier: string } }[];
}

/** The modules `path` loads at once, relative to the repository or `npm:name`. */
async function loadedAtOnce(path: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", path],
    cwd: fileURLToPath(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: InfoModule[];
    redirects?: Record<string, string>;
  };
  const modules = new Map(info.modules.map((module) => [module.specifier, module]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    const url = info.redirects?.[specifier] ?? specifier;
    if (seen.has(url)) return;
    seen.add(url);
    for (const dependency of modules.get(url)?.dependencies ?? []) {
      if (!dependency.isDynamic && dependency.code) visit(dependency.code.specifier);
    }
  };
  visit(info.roots[0]);
  return [...seen].map((url) =>
    url.startsWith(ROOT.href)
      ? url.slice(ROOT.href.length)
      : url.replace(/^npm:\/?(@?[^@/]+(?:\/[^@/]+)?)@.*$/, "npm:$1")
  ).sort();
}

const HEAVY = [
  "npm:yaml",
  "npm:@logtape/logtape",
  "npm:currency-codes",
  "lib/terminal/scenario.ts",
  "lib/terminal/http/serve.ts",
  "lib/terminal/http/routes.ts",
  "lib/terminal/dashboard/assets.ts",
  "lib/terminal/simulator.ts",
  "node:crypto",
];

/** What server.ts loads once it listens (the diagnosis, through the lazy watch). */
const AFTER_LISTENING = [
  "lib/terminal/watch.ts",
  "lib/diagnosis/diagnosis.ts",
  "lib/diagnosis/campaign.ts",
  "lib/diagnosis/codes.ts",
  "lib/diagnosis/report.ts",
];

/** What server.ts loads only with --forward. */
const FORWARD_MODE = [
  "lib/terminal/forward.ts",
  "lib/terminal/forward_exchange.ts",
  "lib/mask.ts",
  "lib/terminal/record.ts",
];

Deno.test("what each entry point loads before reading its options", async (t) => {
  for (const entry of ["server.ts", "lib/terminal/server_config.ts", "client.ts"]) {
    await t.step(`${entry}: commander, and none of the modules read later`, async () => {
      const loaded = await loadedAtOnce(entry);
      assert.ok(loaded.includes("npm:commander"), loaded.join(" "));
      for (const heavy of HEAVY) {
        assert.ok(!loaded.includes(heavy), `${entry} loads ${heavy} at once`);
      }
    });
  }
  await t.step(
    "server.ts's assembly: no npm package, no diagnosis, no tap, no YAML reader, no control API",
    async () => {
      const loaded = await loadedAtOnce("lib/terminal/assemble_core.ts");
      assert.ok(loaded.includes("lib/terminal/simulator.ts"), loaded.join(" "));
      assert.ok(loaded.includes("lib/terminal/watch_lazy.ts"), loaded.join(" "));
      const npm = loaded.filter((module) => module.startsWith("npm:"));
      assert.deepEqual(npm, [], `assemble_core.ts loads ${npm.join(", ")} at once`);
      const laterModules = [...AFTER_LISTENING, ...FORWARD_MODE, ...HEAVY].filter((module) =>
        module !== "lib/terminal/simulator.ts"
      );
      for (const later of laterModules) {
        assert.ok(!loaded.includes(later), `assemble_core.ts loads ${later} at once`);
      }
    },
  );
  await t.step("server.ts's log until LogTape is loaded: no npm package", async () => {
    for (const module of ["lib/terminal/log_core.ts", "lib/log_buffer.ts"]) {
      const loaded = await loadedAtOnce(module);
      assert.deepEqual(loaded.filter((name) => name.startsWith("npm:")), [], module);
    }
  });
  await t.step("the library's assembly: the watch and the tap at once", async () => {
    const loaded = await loadedAtOnce("lib/terminal/assemble.ts");
    for (const part of ["lib/terminal/watch.ts", "lib/terminal/forward.ts"]) {
      assert.ok(loaded.includes(part), `assemble.ts does not load ${part}`);
    }
  });
  await t.step("amounts and currencies: a table, no npm package", async () => {
    const loaded = await loadedAtOnce("lib/money.ts");
    assert.deepEqual(loaded.filter((module) => module.startsWith("npm:")), []);
  });
  await t.step(
    "server.ts loads the diagnosis, the tap and the campaigns by fixed paths",
    async () => {
      const text = await Deno.readTextFile(new URL("server.ts", ROOT));
      for (const path of ["watch.ts", "forward.ts", "assemble_core.ts", "log_core.ts"]) {
        assert.match(
          text,
          new RegExp(`import\\("\\./lib/terminal/${path.replace(".", "\\.")}"\\)`),
        );
      }
    },
  );
  await t.step("the control API: the dashboard's assets on their first request", async () => {
    const loaded = await loadedAtOnce("lib/terminal/http/serve.ts");
    assert.ok(loaded.includes("lib/terminal/http/routes.ts"), loaded.join(" "));
    assert.ok(!loaded.includes("lib/terminal/dashboard/assets.ts"), loaded.join(" "));
  });
});
