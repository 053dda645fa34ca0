// The package as a registry would take it: `deno publish --dry-run` runs every check of a
// real publish (deno.json fields, exports, slow types, file list) without uploading, and
// needs no network once the dependencies are cached, so it runs here with every proxy
// pointing at a closed port to prove it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

Deno.test("deno.json has what publishing needs: name, version, license, exports", async () => {
  assert.match(config.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
  assert.match(config.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  assert.equal(config.license, "GPL-3.0-or-later");
  const license = await Deno.readTextFile(join(ROOT, "LICENSE"));
  assert.match(license, /GNU GENERAL PUBLIC LICENSE\s+Version 3/);
  assert.deepEqual(Object.keys(config.exports), [
    ".",
    "./codec",
    "./pos",
    "./testing",
    "./terminal",
    "./diagnosis",
    "./client",
    "./server",
  ]);
  for (const path of Object.values(config.exports) as string[]) {
    assert.ok((await Deno.stat(join(ROOT, path))).isFile, path);
    const file = path.replace(/^\.\//, "");
    const included = (config.publish.include as string[]).some((entry) =>
      entry === file || (entry.endsWith("/") && file.startsWith(entry))
    );
    assert.ok(included, path);
  }
  // No import map: remote and compiled runs ignore it, so nothing may depend on one.
  assert.equal(config.imports, undefined);
  assert.equal(config.importMap, undefined);
});

Deno.test("deno publish --dry-run passes, offline", async () => {
  const closed = "http://127.0.0.1:9";
  const { code, stdout, stderr } = await run(
    Deno.execPath(),
    // --allow-dirty: the suite also runs in a work tree with uncommitted changes.
    ["publish", "--dry-run", "--allow-dirty"],
    { cwd: ROOT, env: { HTTPS_PROXY: closed, HTTP_PROXY: closed, NO_PROXY: "" } },
  );
  const output = stdout + stderr;
  assert.equal(code, 0, output);
  assert.match(output, /Simulating publish of @[^@\s]+@\d+\.\d+\.\d+/);
  assert.ok(output.includes(`${config.name}@${config.version}`), output);
  assert.match(output, /Dry run complete/);
  // The files published: the library, the programs, their modules; not the tests or CI.
  const files = output.split("\n").map((line) => line.trim()).filter((line) =>
    line.startsWith("file://")
  );
  const published = (name: string) => files.some((file) => file.includes(`/${name} (`));
  for (const name of ["mod.ts", "client.ts", "server.ts", "deno.json", "README.md", "LICENSE"]) {
    assert.ok(published(name), `${name} is not published:\n${output}`);
  }
  assert.ok(published("lib/fixture.ts"), output);
  assert.ok(!files.some((file) => /\/(tests|\.ci|\.github)\//.test(file)), output);
});

Deno.test("deno doc --lint passes for every export", async () => {
  const exports = Object.values(config.exports) as string[];
  const { code, stdout, stderr } = await run(
    Deno.execPath(),
    ["doc", "--lint", ...exports],
    { cwd: ROOT },
  );
  assert.equal(code, 0, stdout + stderr);
});
