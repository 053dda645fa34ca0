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
// - a remote import from 127.0.0.1 needs `--allow-import` (implied by -A; a raw GitHub
//   URL is on Deno's default import allow-list);
// - with no deno.json in the working folder no lockfile is written there: the folder is
//   left empty;
// - `--reload=<origin>` re-fetches our modules only (npm packages come from Deno's cache,
//   filled when this suite was loaded); Deno ignores a reload value that ends with "/".
import assert from "node:assert/strict";
import { extname, resolve, sep } from "node:path";
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

/** `deno run -A --reload=<origin> <origin>/<script> ...args` from `cwd`. */
function byUrl(origin: string, script: string, args: string[]): string[] {
  return ["run", "-A", `--reload=${origin}`, `${origin}/${script}`, ...args];
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
      byUrl(http.origin, "server.ts", ["--host", "127.0.0.1", "--port", "0", "-d", "0"]),
      { cwd: folder },
    );
    await t.step("the client by URL pays 12.50 EUR: approved, exit 0", async () => {
      const { code, stdout, stderr } = await run(
        Deno.execPath(),
        byUrl(http.origin, "client.ts", ["-p", `${server!.port}`, "-a", "12.50"]),
        { cwd: folder },
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^Approved \(AE=10\)$/m);
      assert.match(stdout, /^amount +12\.50 EUR$/m);
    });
    await t.step("the modules came from the URL, deno.json included", () => {
      for (
        const path of ["/server.ts", "/client.ts", "/lib/deps.ts", "/lib/cli.ts", "/deno.json"]
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

Deno.test("served as text/plain, like a raw GitHub URL, both programs still load", async () => {
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
  } finally {
    await http.close();
    await Deno.remove(folder, { recursive: true });
  }
});
