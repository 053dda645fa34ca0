// The diagnosis from the command line: server.ts plays the standard campaign with a
// scripted POS over TCP, writes a JUnit report, and its exit code says what CI needs.
import assert from "node:assert/strict";
import { NAIVE, playCampaign, type PosDefects } from "./pos_script.ts";

const SCALE = 0.01;

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts server.ts, plays the POS against it (if any), and waits for it to exit by itself. */
async function serveCampaign(args: string[], pos?: PosDefects): Promise<Finished> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../server.ts", import.meta.url).pathname,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      ...args,
    ],
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += value;
    port = Number(/^Listening on 127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1] ?? 0);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stdout += value;
    }
  })();
  try {
    if (!port) throw new Error(`No port:\n${stdout}\n${await stderr}`);
    if (pos) {
      await playCampaign({ host: "127.0.0.1", port }, pos, { timeScale: SCALE }).catch(
        async (error) => {
          await child.status;
          await rest;
          throw new Error(`${error}\n${stdout}\n${(await stderr).slice(-3000)}`);
        },
      );
    }
    const status = await child.status;
    await rest;
    return { code: status.code, stdout, stderr: await stderr };
  } finally {
    clearTimeout(killer);
  }
}

/** Where each JUnit element may stand: its parent. */
const JUNIT_PARENTS: Record<string, string> = {
  testsuites: "",
  testsuite: "testsuites",
  testcase: "testsuite",
  failure: "testcase",
  skipped: "testcase",
  "system-out": "testcase",
};

/**
 * The JUnit report's structure, as its schema says: testsuites > testsuite > testcase >
 * failure | skipped | system-out, nothing else, every element closed, and counts that add
 * up (each suite's and the root's).
 */
function checkJunit(
  xml: string,
): { tests: number; failures: number; names: string[]; failed: string[] } {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  const stack: { name: string; attributes: Record<string, string> }[] = [];
  const suites: { attributes: Record<string, string>; tests: number; failures: number }[] = [];
  let root: Record<string, string> | undefined;
  const names: string[] = [];
  const failed: string[] = [];
  let failedCase = false;
  const tags = /<(\/?)([a-z-]+)((?:\s+[a-z]+="[^"]*")*)\s*(\/?)>/g;
  const last = xml.indexOf("?>") + 2;
  for (const [whole, closing, name, rawAttributes, selfClosing] of xml.slice(last).matchAll(tags)) {
    const attributes = Object.fromEntries(
      [...rawAttributes.matchAll(/([a-z]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    assert.ok(name in JUNIT_PARENTS, `unexpected element <${name}>`);
    if (closing) {
      const open = stack.pop();
      assert.equal(open?.name, name, `</${name}> closes <${open?.name}>`);
      if (name === "testcase") {
        suites.at(-1)!.tests++;
        if (failedCase) suites.at(-1)!.failures++;
      }
      continue;
    }
    assert.equal(
      stack.at(-1)?.name ?? "",
      JUNIT_PARENTS[name],
      `<${name}> inside <${stack.at(-1)?.name}>: ${whole}`,
    );
    if (name === "testsuites") root = attributes;
    if (name === "testsuite") suites.push({ attributes, tests: 0, failures: 0 });
    if (name === "testcase") {
      names.push(attributes.name);
      failedCase = false;
    }
    if (name === "failure") {
      failedCase = true;
      failed.push(`${names.at(-1)}: ${attributes.message ?? ""}`);
    }
    if (selfClosing) {
      if (name === "testcase") suites.at(-1)!.tests++;
      continue;
    }
    stack.push({ name, attributes });
  }
  assert.equal(stack.length, 0, "every element closed");
  assert.ok(root, "a testsuites root");
  assert.ok(suites.length >= 1, "at least one testsuite");
  for (const suite of suites) {
    assert.equal(Number(suite.attributes.tests), suite.tests, JSON.stringify(suite.attributes));
    assert.equal(
      Number(suite.attributes.failures),
      suite.failures,
      JSON.stringify(suite.attributes),
    );
  }
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  assert.equal(Number(root.tests), tests);
  assert.equal(Number(root.failures), failures);
  return { tests, failures, names, failed };
}

Deno.test("server.ts --campaign standard --fail-on money --report FILE", async (t) => {
  const dir = await Deno.makeTempDir();
  const common = ["--campaign", "standard", "--fail-on", "money", "--time-scale", String(SCALE)];
  try {
    await t.step("a naive POS: exit code 1, a JUnit report with failures", async () => {
      const report = `${dir}/naive.xml`;
      const out = await serveCampaign([...common, "--report", report], NAIVE);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /Finding resends-after-unknown \(money\)/);
      assert.match(out.stderr, /Campaign standard over/);
      const junit = checkJunit(await Deno.readTextFile(report));
      assert.ok(junit.failures > 0);
      for (const code of ["resends-after-unknown", "reads-once", "duplicate-after-approval"]) {
        assert.ok(junit.names.some((name) => name.includes(code)), `${code} in ${junit.names}`);
      }
      // The campaign's cases are test cases too.
      assert.ok(junit.names.some((name) => name.includes("approve-then-drop")), `${junit.names}`);
      // Written atomically: no temporary file left beside it.
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["naive.xml"]);
    });
    await t.step("a careful POS: exit code 0", async () => {
      const report = `${dir}/careful.xml`;
      const out = await serveCampaign([...common, "--report", report], {});
      assert.equal(out.code, 0, out.stderr);
      const junit = checkJunit(await Deno.readTextFile(report));
      // Which cases failed, and why, if a careful POS is ever blamed.
      assert.equal(junit.failures, 0, junit.failed.join("\n"));
      assert.ok(junit.tests >= 20);
    });
    await t.step(
      "no POS: the campaign time-out, exit code 4, the cases never reached",
      async () => {
        const report = `${dir}/timeout.json`;
        const out = await serveCampaign([
          ...common,
          "--campaign-timeout",
          "0.5",
          "--report",
          report,
        ]);
        assert.equal(out.code, 4, out.stderr);
        assert.match(
          out.stderr,
          /Campaign time-out: not over after 0\.5 s; cases never reached: approval, refused/,
        );
        const data = JSON.parse(await Deno.readTextFile(report));
        assert.equal(data.run.ended, "timeout");
        assert.equal(data.run.unreached[0].cases.length, 20);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
