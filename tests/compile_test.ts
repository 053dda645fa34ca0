// The standalone executables: what `deno task compile` (.ci/compile.ts) plans, that
// `deno compile` accepts it, and (where a runtime is at hand) that the binaries it makes
// work: --version and a payment between the server and the client binaries.
//
// `deno compile` writes the program onto a runtime, denort, which it downloads once per
// Deno version and target into $DENO_DIR/dl/release/v<version>/denort-<target>.zip, or
// takes from the DENORT_BIN variable. A machine without the internet and without either
// cannot build a binary that runs: the last test is then ignored, and says why.
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  binaryName,
  cachedRuntimePath,
  findRuntime,
  hostTarget,
  INCLUDE,
  NPM_UNUSED_FILES,
  planCompile,
  PROGRAMS,
  runCompile,
  TARGETS,
  taskPermissions,
} from "../.ci/compile.ts";
import { smoke } from "../.ci/smoke.ts";
import { run } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

Deno.test("TARGETS are exactly the targets this deno compile accepts", async () => {
  // deno compile lists the values it accepts when given one it does not.
  const { code, stderr } = await run(
    Deno.execPath(),
    ["compile", "--target", "no-such-target", "server.ts"],
    { cwd: ROOT },
  );
  assert.notEqual(code, 0);
  const match = /possible values: ([a-z0-9_, -]+)/.exec(stderr);
  assert.ok(match, stderr);
  const accepted = match[1].split(",").map((value) => value.trim()).filter(Boolean);
  assert.deepEqual([...accepted].sort(), [...TARGETS].sort());
});

Deno.test("the runtime looked for is where deno compile reads it", async () => {
  // deno compile logs the runtime it resolved. A proxy that refuses every connection
  // keeps it from downloading anything; it then fails, or builds if the file is there.
  const host = hostTarget();
  assert.ok(host, `deno compile has no target for ${Deno.build.target}`);
  const out = await Deno.makeTempDir({ prefix: "caisse-ap-compile-" });
  try {
    const env = Deno.env.toObject();
    for (const name of ["DENORT_BIN", "https_proxy", "http_proxy", "no_proxy", "all_proxy"]) {
      delete env[name];
    }
    const proxy = "http://127.0.0.1:9";
    const { stderr } = await run(
      Deno.execPath(),
      ["compile", "--log-level=debug", "--target", host, "-o", join(out, "x"), "server.ts"],
      {
        cwd: ROOT,
        env: { ...env, HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: "" },
        clearEnv: true,
      },
    );
    const match = /Resolved denort: (.+)$/m.exec(stderr);
    assert.ok(match, stderr.slice(-2000));
    assert.equal(match[1].trim(), await cachedRuntimePath(host));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the plan: every program for every target, the task's permissions", async (t) => {
  const jobs = await planCompile({ include: ["README.md"], out: "dist" });
  await t.step("one binary per program and target, each name once", () => {
    assert.equal(jobs.length, PROGRAMS.length * TARGETS.length);
    const names = jobs.map((job) => job.output);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes(join("dist", "caisse-ap-server-x86_64-unknown-linux-gnu")));
    assert.ok(names.includes(join("dist", "caisse-ap-client-aarch64-pc-windows-msvc.exe")));
    assert.equal(
      binaryName("caisse-ap-client", "aarch64-apple-darwin"),
      "caisse-ap-client-aarch64-apple-darwin",
    );
  });
  await t.step("permissions: those of the program's deno.json task, and never a prompt", () => {
    assert.deepEqual(taskPermissions("server"), [
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
    ]);
    for (const job of jobs) {
      const task: string = config.tasks[job.program.task];
      const flags = job.args.filter((arg) => /^--(allow|deny)-/.test(arg));
      assert.deepEqual(flags, task.split(" ").filter((word) => word.startsWith("--allow-")));
      assert.ok(task.endsWith(` ${job.program.entry}`), task);
      assert.ok(job.args.includes("--no-prompt"));
      assert.equal(job.args.at(-1), job.program.entry);
      assert.equal(job.args[job.args.indexOf("--target") + 1], job.target);
    }
  });
  await t.step("included files: INCLUDE and --include, in every binary", () => {
    for (const job of jobs) {
      const included = job.args.flatMap((arg, i) => arg === "--include" ? [job.args[i + 1]] : []);
      assert.deepEqual(included, [...INCLUDE, "README.md"]);
    }
  });
  await t.step("left out: npm packages not imported, and npm files never loaded", async () => {
    for (const job of jobs) {
      assert.ok(job.args.includes("--exclude-unused-npm"));
      const excluded = job.args.filter((arg) => arg.startsWith("--exclude="));
      assert.ok(excluded.length > 0);
      for (const arg of excluded) {
        const path = arg.slice("--exclude=".length);
        // Only documents, maps and type declarations, or a whole unused folder.
        const info = await Deno.stat(path);
        assert.ok(info.isDirectory || NPM_UNUSED_FILES.test(path), path);
        assert.ok(!/\.(js|cjs|mjs|json)$/.test(path), path);
      }
      // Windows limits a command line to 32767 characters.
      assert.ok(job.args.join(" ").length < 30_000, `${job.args.join(" ").length} characters`);
    }
  });
});

// Writing the program into an executable that is not denort is only known to work for
// Linux's ELF; on macOS and Windows, CI builds with the real runtime instead.
const STAND_IN = Deno.build.os === "linux"
  ? ""
  : " (skipped: the stand-in is only tried on Linux; here, the test of real binaries covers it when a runtime is at hand)";

Deno.test({
  name:
    `deno compile accepts the plan (the deno binary stands in for the runtime; the output is not run)${STAND_IN}`,
  ignore: STAND_IN !== "",
  fn: async () => {
    // With DENORT_BIN pointing at deno itself, deno compile does everything it does for a
    // release (type check, module graph, npm files, includes, permissions) and writes the
    // program after it. What it makes is no caisse-ap binary (deno ignores the program):
    // it is only measured and checksummed, never run.
    const host = hostTarget();
    assert.ok(host, `deno compile has no target for ${Deno.build.target}`);
    const out = await Deno.makeTempDir({ prefix: "caisse-ap-compile-" });
    try {
      const jobs = await planCompile({ targets: [host], out });
      const lines: string[] = [];
      const built = await runCompile(jobs, {
        log: (line) => lines.push(line),
        env: { DENORT_BIN: Deno.execPath() },
      });
      const standIn = (await Deno.stat(Deno.execPath())).size;
      assert.equal(built.length, PROGRAMS.length);
      for (const binary of built) {
        // The program: our modules, deno.json and the npm files it loads.
        const payload = binary.size - standIn;
        assert.ok(payload > 200_000 && payload < 20_000_000, `${payload} bytes`);
        console.log(`program embedded in ${basename(binary.output)}: ${payload} bytes`);
      }
      const sums = await Deno.readTextFile(join(out, "SHA256SUMS"));
      assert.deepEqual(
        sums.trimEnd().split("\n"),
        built.map((b) => `${b.sha256}  ${basename(b.output)}`),
      );
      assert.equal(lines.length, PROGRAMS.length);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

// The real thing needs a runtime for this machine.
const host = hostTarget();
const runtime = host ? await findRuntime(host) : undefined;
const denortBin = Deno.env.get("DENORT_BIN") ? "is not a file" : "is not set";
const skipped = !host
  ? `deno compile has no target for this machine (${Deno.build.target})`
  : !runtime
  ? `no runtime to build on: DENORT_BIN ${denortBin} and ${await cachedRuntimePath(host)} ` +
    "does not exist; deno compile would have to download it, which a test does not do"
  : undefined;
if (skipped) console.log(`compile_test: building and running the binaries is skipped: ${skipped}`);

Deno.test({
  name: skipped
    ? `the binaries built for this machine: --version, a payment (skipped: ${skipped})`
    : `the binaries built for this machine (runtime from ${runtime!.source}): --version, a payment`,
  ignore: skipped !== undefined,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "caisse-ap-binaries-" });
    try {
      await runCompile(await planCompile({ targets: [host!], out }));
      // The same smoke test as the release runs on each target's own system.
      await smoke(out, host!);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
