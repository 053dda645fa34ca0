// Both programs run from a URL, as `deno run -A https://<raw url>/server.ts`: the
// repository is served over HTTP on 127.0.0.1 and each program runs by URL from an empty
// temporary folder, so nothing of the clone (deno.json, deno.lock) can help them.
//
// What this checks, and the Deno 2 details it depends on:
// - every import is relative, `node:` or a full `npm:name@x.y.z` specifier: deno.json is
//   not read for a remote module (no import map, no tasks), and npm specifiers work inside
//   remote modules;
// - the version comes from a JSON import of ../deno.json, which must load remotely too,
//   whether the server sends `application/json` or, like raw.githubusercontent.com,
//   `text/plain` for every file (Deno then goes by the extension);
// - no `--allow-import` is needed: Deno allows the module named on the command line and
//   its static imports from any host (only a dynamic import, or a local module importing
//   a remote one, needs it), so the client runs with just its task's permissions;
// - no lockfile is written in the working folder, even when it holds a deno.json asking
//   for one (a user's own project), and that project's import map changes nothing;
// - `--reload=<origin>` re-fetches our modules only (npm packages come from Deno's cache,
//   filled when this suite was loaded); Deno ignores a reload value that ends with "/".
import assert from "node:assert/strict";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { run, type RunningServer, startServer } from "./processes.ts";

const ROOT = resolve(fileURLToPath(new URL("../", import.meta.url)));
const config = JSON.parse(await Deno.readTextFile(resolve(ROOT, "deno.json")));

const CORRECT_TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/** Serves the repository's .ts and .json files; `contentType` picks the header. */
function serveRepository(contentType: (extension: string) => string) {
  const served: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      const file = resolve(ROOT, `.${path}`);
      const extension = extname(file);
      if (!file.startsWith(ROOT + sep) || !(extension in CORRECT_TYPES)) {
        return new Response("Not found", { status: 404 });
      }
      try {
        const body = await Deno.readFile(file);
        served.push(path);
        return new Response(body, { headers: { "content-type": contentType(extension) } });
      } catch {
        return new Response("Not found", { status: 404 });
      }
    },
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    served,
    close: () => server.shutdown(),
  };
}

/** `deno run <permissions> --reload=<origin> <origin>/<script> ...args`. */
function byUrl(
  origin: string,
  script: string,
  args: string[],
  permissions: string[] = ["-A"],
): string[] {
  return ["run", ...permissions, `--reload=${origin}`, `${origin}/${script}`, ...args];
}

/** The permissions of a deno.json task, such as `--allow-net`. */
function taskPermissions(task: string): string[] {
  return (config.tasks[task] as string).split(" ").filter((word) => word.startsWith("--allow-"));
}

async function listFolder(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names;
}

Deno.test("server and client run by URL from an empty folder: a whole payment", async (t) => {
  const http = serveRepository((extension) => CORRECT_TYPES[extension]);
  const folder = await Deno.makeTempDir({ prefix: "caisse-ap-url-" });
  let server: RunningServer | undefined;
  try {
    server = await startServer(
      Deno.execPath(),
      byUrl(http.origin, "server.ts", [
        ...["--host", "127.0.0.1", "--port", "0", "-d", "0", "--http", "0"],
      ]),
      { cwd: folder },
    );
    await t.step("the client by URL, with its task's permissions only: approved", async () => {
      const permissions = taskPermissions("client");
      assert.deepEqual(permissions, ["--allow-net", "--allow-read", "--allow-env"]);
      const { code, stdout, stderr } = await run(
        Deno.execPath(),
        byUrl(http.origin, "client.ts", ["-p", `${server!.port}`, "-a", "12.50"], [
          "--no-prompt",
          ...permissions,
        ]),
        { cwd: folder },
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^Approved \(AE=10\)$/m);
      assert.match(stdout, /^amount +12\.50 EUR$/m);
    });
    await t.step(
      "its dashboard is served, though no file beside the module can be read",
      async () => {
        assert.ok(server!.dashboard, "no dashboard address printed");
        const page = await fetch(server!.dashboard!);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<title>caisse-ap/);
        for (const [path, type] of [["/dashboard.js", "javascript"], ["/dashboard.css", "css"]]) {
          const asset: Response = await fetch(new URL(path, server!.dashboard));
          assert.equal(asset.status, 200, path);
          assert.match(asset.headers.get("content-type") ?? "", new RegExp(type));
          await asset.body?.cancel();
        }
        const status = await (await fetch(new URL("/api/status", server!.dashboard))).json();
        assert.equal(status.transactions.count, 1, "the payment by URL is in the journal");
      },
    );
    await t.step("the modules came from the URL, deno.json included", () => {
      for (
        const path of [
          "/server.ts",
          "/client.ts",
          "/lib/deps_startup.ts",
          "/lib/deps_logging.ts",
          "/lib/deps_yaml.ts",
          "/lib/currencies.ts",
          "/lib/cli.ts",
          "/deno.json",
          "/lib/terminal/dashboard/assets.ts",
        ]
      ) {
        assert.ok(http.served.includes(path), `${path} was not fetched: ${http.served}`);
      }
    });
    await t.step("the working folder is left empty: no lockfile, no node_modules", async () => {
      assert.deepEqual(await listFolder(folder), []);
    });
  } finally {
    const output = await server?.stop();
    await http.close();
    await Deno.remove(folder, { recursive: true });
    if (output) assert.match(output.stderr, /#1 answer to 127\.0\.0\.1:\d+: .*AE00210/);
  }
});

Deno.test("served as text/plain, like a raw GitHub URL, and from a Deno project: both load", async () => {
  const http = serveRepository(() => "text/plain; charset=utf-8");
  const folder = await Deno.makeTempDir({ prefix: "caisse-ap-url-" });
  try {
    for (const script of ["server.ts", "client.ts"]) {
      const { code, stdout, stderr } = await run(
        Deno.execPath(),
        byUrl(http.origin, script, ["--version"]),
        { cwd: folder },
      );
      assert.equal(code, 0, stderr);
      assert.equal(stdout.trim(), config.version);
    }
    assert.ok(http.served.includes("/deno.json"));
    // Run from inside a Deno project of the user's: its config changes nothing, and no
    // lockfile is written there.
    await Deno.writeTextFile(
      join(folder, "deno.json"),
      JSON.stringify({ lock: true, imports: { commander: "npm:commander@2.0.0" } }),
    );
    const { code, stdout, stderr } = await run(
      Deno.execPath(),
      byUrl(http.origin, "client.ts", ["--version"]),
      { cwd: folder },
    );
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), config.version);
    assert.deepEqual(await listFolder(folder), ["deno.json"]);
  } finally {
    await http.close();
    await Deno.remove(folder, { recursive: true });
  }
});
