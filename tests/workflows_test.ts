// The GitHub workflows cannot run here: their YAML is parsed and their structure checked
// against the rest of the repository (the Deno version of .ci/run, the targets of
// .ci/compile.ts, the scripts they call).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS } from "../.ci/compile.ts";
import { YAML } from "../lib/deps.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Job {
  name?: string;
  "runs-on": string;
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown> };
  permissions?: Record<string, string>;
  "timeout-minutes"?: number;
  steps: Step[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

async function load(name: string): Promise<{ text: string; workflow: Workflow }> {
  const text = await Deno.readTextFile(join(ROOT, ".github", "workflows", name));
  const document = YAML.parseDocument(text, { uniqueKeys: true });
  assert.deepEqual(document.errors.map(String), [], `${name}: YAML errors`);
  assert.deepEqual(document.warnings.map(String), [], `${name}: YAML warnings`);
  return { text, workflow: document.toJS() as Workflow };
}

/** The Deno version CI installs (.ci/run), which every workflow must use too. */
async function ciDenoVersion(): Promise<string> {
  const script = await Deno.readTextFile(join(ROOT, ".ci", "run"));
  const match = /^DENO_VERSION=(\S+)$/m.exec(script);
  assert.ok(match, ".ci/run sets no DENO_VERSION");
  return match[1];
}

/** What every workflow must do, whatever it is for. */
async function checkCommon(name: string, text: string, workflow: Workflow): Promise<void> {
  assert.equal(typeof workflow.name, "string", `${name}: name`);
  assert.ok(workflow.on && typeof workflow.on === "object", `${name}: on`);
  // Least privilege by default; a job that writes asks for it.
  assert.deepEqual(workflow.permissions, { contents: "read" }, `${name}: permissions`);
  // Every expression is closed.
  assert.equal(text.split("${{").length, text.split("}}").length, `${name}: unbalanced \${{ }}`);
  const denoVersion = await ciDenoVersion();
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const where = `${name}: job ${id}`;
    assert.equal(typeof job["runs-on"], "string", `${where}: runs-on`);
    assert.ok(Number(job["timeout-minutes"]) > 0, `${where}: timeout-minutes`);
    for (const need of [job.needs ?? []].flat()) {
      assert.ok(need in workflow.jobs, `${where} needs "${need}", which does not exist`);
    }
    assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${where}: steps`);
    for (const step of job.steps) {
      const label = `${where}, step ${step.name ?? step.uses ?? step.run}`;
      assert.ok((step.uses === undefined) !== (step.run === undefined), `${label}: uses or run`);
      if (step.uses) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/, label);
      if (step.uses?.startsWith("denoland/setup-deno@")) {
        assert.equal(step.with?.["deno-version"], `v${denoVersion}`, `${label}: Deno version`);
      }
    }
  }
}

function runs(job: Job): string {
  return job.steps.map((step) => step.run ?? "").join("\n");
}

function stepUsing(job: Job, action: string): Step | undefined {
  return job.steps.find((step) => step.uses?.startsWith(`${action}@`));
}

Deno.test("ci.yml: the tests on Linux, macOS and Windows", async () => {
  const { text, workflow } = await load("ci.yml");
  await checkCommon("ci.yml", text, workflow);
  assert.ok("push" in workflow.on && "pull_request" in workflow.on);
  const job = workflow.jobs.test;
  assert.ok(job, "no test job");
  const systems = job.strategy?.matrix?.os as string[];
  assert.equal(job["runs-on"], "${{ matrix.os }}");
  for (const system of ["ubuntu", "macos", "windows"]) {
    assert.ok(systems.some((os) => os.startsWith(`${system}-`)), `no ${system} runner`);
  }
  // On Windows, git would check out CRLF line endings and deno fmt --check would fail.
  const autocrlf = job.steps.findIndex((step) => /core\.autocrlf false/.test(step.run ?? ""));
  const checkout = job.steps.findIndex((step) => step.uses?.startsWith("actions/checkout@"));
  assert.ok(autocrlf >= 0 && autocrlf < checkout, "core.autocrlf false before the checkout");
  assert.ok(stepUsing(job, "denoland/setup-deno"));
  assert.match(runs(job), /^deno task compile --host$/m);
  assert.match(runs(job), /^deno task test$/m);
});

/** The system and processor of the GitHub-hosted runner labels the release uses. */
const RUNNERS: Record<string, { os: string; arch: string }> = {
  "ubuntu-latest": { os: "linux", arch: "x86_64" },
  "ubuntu-24.04": { os: "linux", arch: "x86_64" },
  "ubuntu-24.04-arm": { os: "linux", arch: "aarch64" },
  "macos-15-intel": { os: "darwin", arch: "x86_64" },
  "macos-15": { os: "darwin", arch: "aarch64" },
  "windows-2025": { os: "windows", arch: "x86_64" },
  "windows-11-arm": { os: "windows", arch: "aarch64" },
};

Deno.test("release.yml: build every target, smoke-test each natively, publish", async (t) => {
  const { text, workflow } = await load("release.yml");
  await checkCommon("release.yml", text, workflow);
  await t.step("runs on a version tag", () => {
    const push = workflow.on.push as { tags?: string[] };
    assert.deepEqual(push.tags, ["v*.*.*"]);
    assert.deepEqual(Object.keys(workflow.on), ["push"]);
  });
  await t.step("build: the tag matches deno.json, deno task compile, dist/ kept", () => {
    const build = workflow.jobs.build;
    assert.match(runs(build), /GITHUB_REF_NAME/);
    assert.match(runs(build), /c\.version/);
    assert.match(runs(build), /^deno task compile$/m);
    const upload = stepUsing(build, "actions/upload-artifact");
    assert.equal(upload?.with?.name, "binaries");
    assert.equal(upload?.with?.path, "dist/");
  });
  await t.step("smoke: each target of .ci/compile.ts on a runner of its own system", () => {
    const smoke = workflow.jobs.smoke;
    assert.deepEqual(smoke.needs, "build");
    assert.equal(smoke["runs-on"], "${{ matrix.runner }}");
    const include = smoke.strategy?.matrix?.include as { target: string; runner: string }[];
    assert.deepEqual(include.map((entry) => entry.target).sort(), [...TARGETS].sort());
    for (const { target, runner } of include) {
      const platform = RUNNERS[runner];
      assert.ok(platform, `unknown runner "${runner}"`);
      assert.ok(target.startsWith(`${platform.arch}-`), `${target} on ${runner}`);
      const os = target.includes("linux")
        ? "linux"
        : target.includes("apple")
        ? "darwin"
        : "windows";
      assert.equal(platform.os, os, `${target} on ${runner}`);
    }
    assert.equal(stepUsing(smoke, "actions/download-artifact")?.with?.name, "binaries");
    assert.match(runs(smoke), /^deno run -A \.ci\/smoke\.ts dist \$\{\{ matrix\.target \}\}$/m);
  });
  await t.step("release: after every smoke test, the binaries and SHA256SUMS", () => {
    const release = workflow.jobs.release;
    assert.deepEqual([release.needs].flat().sort(), ["build", "smoke"]);
    assert.deepEqual(release.permissions, { contents: "write" });
    assert.equal(stepUsing(release, "actions/download-artifact")?.with?.path, "dist");
    assert.match(runs(release), /sha256sum --check --strict SHA256SUMS/);
    assert.match(runs(release), /gh release create "\$\{GITHUB_REF_NAME\}"/);
    assert.match(runs(release), /dist\/\*/);
  });
  await t.step("the scripts the workflows call exist", async () => {
    for (const path of [".ci/compile.ts", ".ci/smoke.ts", ".ci/run"]) {
      assert.ok((await Deno.stat(join(ROOT, path))).isFile, path);
    }
  });
});
