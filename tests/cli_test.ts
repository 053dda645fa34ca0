// The two programs as a user runs them: spawned with `deno run`, talking over 127.0.0.1.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  CAN_SIGNAL,
  type Output,
  run as runProgram,
  type RunningServer,
  startServer as startProgram,
} from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Appended to the name of a test of a clean stop, which cannot run on Windows. */
const NO_SIGNALS = CAN_SIGNAL
  ? ""
  : " (skipped on Windows: a child there cannot be sent SIGINT or SIGTERM, only terminated)";

function run(script: "client.ts" | "server.ts", args: string[]): Promise<Output> {
  return runProgram(Deno.execPath(), ["run", "-A", "--quiet", script, ...args], { cwd: ROOT });
}

/** Starts the server on a free port of 127.0.0.1. */
function startServer(args: string[]): Promise<RunningServer> {
  return startProgram(
    Deno.execPath(),
    ["run", "-A", "--quiet", "server.ts", "--host", "127.0.0.1", "--port", "0", ...args],
    { cwd: ROOT },
  );
}

Deno.test("--help shows every option with examples, --version the version", async (t) => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  await t.step("server", async () => {
    const { code, stdout } = await run("server.ts", ["--help"]);
    assert.equal(code, 0);
    for (
      const option of [
        "--port",
        "--host",
        "--failure",
        "--failure-type",
        "(also -ft)",
        "--duration",
        "--payment-type",
        "(also -pt)",
        "--seller-contract",
        "(also -sc)",
        "--log-level",
        "Examples:",
      ]
    ) assert.ok(stdout.includes(option), option);
  });
  await t.step("client", async () => {
    const { code, stdout } = await run("client.ts", ["-h"]);
    assert.equal(code, 0);
    for (
      const option of [
        "--destination",
        "--port",
        "--amount",
        "--check",
        "(also -ck)",
        "--currency",
        "--timeout",
        "--immediate",
        "--register",
        "--private-data",
        "--raw",
        "--json",
        "Exit codes:",
      ]
    ) assert.ok(stdout.includes(option), option);
  });
  await t.step("piped to a reader that has gone (| head): no error, exit 0", async () => {
    for (const script of ["client.ts", "server.ts"] as const) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", script, "--help"],
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Closed long before the program, which takes about 100 ms to start, writes its help.
      await child.stdout.cancel();
      const [errors, { code }] = await Promise.all([
        new Response(child.stderr).text(),
        child.status,
      ]);
      assert.equal(errors, "", script);
      assert.equal(code, 0, script);
    }
  });
  await t.step("--version", async () => {
    for (const script of ["client.ts", "server.ts"] as const) {
      const { code, stdout } = await run(script, ["--version"]);
      assert.equal(code, 0);
      assert.equal(stdout.trim(), config.version);
    }
  });
});

Deno.test("a bad command line exits 2 with one clear line", async (t) => {
  const cases: [("client.ts" | "server.ts"), string[], RegExp][] = [
    ["server.ts", ["--bogus"], /unknown option '--bogus'/],
    [
      "server.ts",
      ["--failure-type", "stolen"],
      /expected one of abandon, timeout, refused, forbidden/,
    ],
    ["server.ts", ["-ft", "stolen"], /expected one of abandon, timeout, refused, forbidden/],
    ["server.ts", ["--port", "70000"], /expected a whole number from 0 to 65535/],
    ["server.ts", ["--duration", "soon"], /expected a number of seconds/],
    [
      "server.ts",
      ["--seller-contract", "12345678901"],
      /--seller-contract must be 1 to 10 characters/,
    ],
    ["server.ts", ["extra"], /too many arguments/],
    ["client.ts", ["--amount", "12,50"], /use a dot as the decimal separator/],
    ["client.ts", ["--amount", "1.234"], /EUR has 2 decimals, not 3/],
    ["client.ts", ["--amount", "0"], /must not be zero/],
    ["client.ts", ["--currency", "EURO"], /Unknown currency "EURO"/],
    ["client.ts", ["--register", "1"], /CA must be 2 digits/],
    ["client.ts", ["--raw", "CZ0040300", "--amount", "3"], /cannot be combined with --amount/],
    ["client.ts", ["--identify", "--amount", "3"], /--identify sends no amount/],
    ["client.ts", ["--refund", "--cancel"], /--refund and --cancel cannot be combined/],
  ];
  for (const [script, args, message] of cases) {
    await t.step(`${script} ${args.join(" ")}`, async () => {
      const { code, stdout, stderr } = await run(script, args);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], message);
      assert.match(lines[0], /See 'caisse-ap-(client|server) --help'\.$/);
    });
  }
});

Deno.test("client and server, spawned, with the reference tool's spellings", async (t) => {
  let output: Output;
  const server = await startServer([
    "-f",
    "-ft",
    "refused",
    "-d",
    "0.1",
    "-sc",
    "9999",
    "-l",
    "INFO",
  ]);
  try {
    await t.step("a refused card: exit 1, the reason in words", async () => {
      const { code, stdout } = await run("client.ts", ["-p", `${server.port}`, "-a", "12.50"]);
      assert.equal(code, 1, stdout);
      assert.match(stdout, /^Not done \(AE=01\): AF=04 refused$/m);
      assert.match(stdout, /^amount +12\.50 EUR$/m);
    });
    await t.step("--json for scripts", async () => {
      const { code, stdout } = await run("client.ts", [
        "-p",
        `${server.port}`,
        "-a",
        "-3",
        "--json",
      ]);
      assert.equal(code, 1);
      const json = JSON.parse(stdout);
      assert.equal(json.outcome, "not-done");
      assert.equal(json.request.fields.CD, "1");
      assert.equal(json.request.fields.CB, "300");
      assert.equal(json.answer.fields.AF, "04");
      assert.equal(json.answer.reason, "refused");
    });
    await t.step("a cheque (-ck) is refused with AF=04 too", async () => {
      const { code, stdout } = await run("client.ts", ["-p", `${server.port}`, "-ck"]);
      assert.equal(code, 1);
      assert.match(stdout, /AF=04 refused/);
    });
  } finally {
    output = await server.stop();
  }
  const { code, stderr } = output;
  await t.step("the log: each request, its records, the decision and the answer", () => {
    assert.match(
      stderr,
      /#1 request from 127\.0\.0\.1:\d+: CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250/,
    );
    assert.match(stderr, /CB {2}amount +1250/);
    assert.match(stderr, /#1 decision: declined \(failure mode, refused\), answer in 100 ms/);
    assert.match(stderr, /#1 answer to 127\.0\.0\.1:\d+: .*AE00201AF00204/);
  });
  await t.step({
    name: `SIGTERM stops it cleanly: exit 0${NO_SIGNALS}`,
    ignore: !CAN_SIGNAL,
    fn: () => {
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Terminated: stopping/);
      assert.match(stderr, /Stopped/);
    },
  });
});

Deno.test("client exit codes against a server in success mode", async (t) => {
  let output: Output;
  const server = await startServer([
    "-d",
    "0",
    "--payment-type",
    "cbcontactless",
    "--log-format",
    "json",
  ]);
  try {
    await t.step("approved: exit 0 and the card in words", async () => {
      const { code, stdout } = await run("client.ts", ["-p", `${server.port}`]);
      assert.equal(code, 0, stdout);
      assert.match(stdout, /^Approved \(AE=10\)$/m);
      assert.match(stdout, /^amount +112\.45 EUR$/m);
      assert.match(stdout, /^application +00B CB contactless$/m);
      assert.match(stdout, /^read mode +2 contactless$/m);
      assert.match(stdout, /^authorisation +\d{6}$/m);
    });
    await t.step("1000 JPY", async () => {
      const { code, stdout } = await run("client.ts", [
        "-p",
        `${server.port}`,
        "-a",
        "1000",
        "-c",
        "JPY",
      ]);
      assert.equal(code, 0);
      assert.match(stdout, /^amount +1000 JPY$/m);
    });
    await t.step("immediate mode: AE=11, exit 0", async () => {
      const { code, stdout } = await run("client.ts", ["-p", `${server.port}`, "--immediate"]);
      assert.equal(code, 0);
      assert.match(stdout, /AE=11/);
    });
    await t.step("a raw frame with a missing record: AF=09, exit 1", async () => {
      const { code, stdout } = await run("client.ts", [
        "-p",
        `${server.port}`,
        "--raw",
        "CZ0040300CA00201",
      ]);
      assert.equal(code, 1);
      assert.match(stdout, /AF=09 bad message format/);
    });
  } finally {
    output = await server.stop("SIGINT");
  }
  const { code, stderr } = output;
  await t.step("--log-format json: every line of the log parses", () => {
    for (const line of stderr.trim().split("\n")) JSON.parse(line);
  });
  await t.step({
    name: `SIGINT stops it cleanly: exit 0${NO_SIGNALS}`,
    ignore: !CAN_SIGNAL,
    fn: () => assert.equal(code, 0, stderr),
  });
  await t.step("no terminal there: exit 3 and what to do", async () => {
    const { code, stdout } = await run("client.ts", [
      "-p",
      `${server.port}`,
      // Windows reports a refused connection on 127.0.0.1 only after about 2 s.
      "--connect-timeout",
      "10",
    ]);
    assert.equal(code, 3);
    assert.match(stdout, /Cannot connect to 127\.0\.0\.1:\d+: connection refused; is the terminal/);
  });
});

Deno.test("--explain checks a captured frame without sending it", async (t) => {
  await t.step("a conforming answer: exit 0", async () => {
    const { code, stdout } = await run("client.ts", [
      "--explain",
      "CZ0040301CJ012330538600404CA00201CD001IAE00210",
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /^Answer, 5 records: conforms to the protocol$/m);
  });
  await t.step("the classic CJ bug: exit 1, the finding with its offset", async () => {
    const { code, stdout } = await run("client.ts", [
      "--explain",
      "CZ0040300CJ003012CA00201CE003978CD0010CB0041250",
      "--json",
    ]);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.findings, [
      { level: "warning", tag: "CJ", offset: 9, message: "CJ must be 12 digits" },
    ]);
  });
  await t.step("read from standard input", async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "client.ts", "--explain", "-"],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("CZ0040300CB0\n"));
    await writer.close();
    const output = await child.output();
    assert.equal(output.code, 1);
    assert.match(new TextDecoder().decode(output.stdout), /Record "CB" at offset 9 is cut short/);
  });
});

Deno.test("the server exits 3 and says so when Deno has no network access", async () => {
  const output = await runProgram(
    Deno.execPath(),
    [
      "run",
      "--allow-read",
      "--allow-env",
      "--quiet",
      "server.ts",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
    ],
    { cwd: ROOT },
  );
  assert.equal(output.code, 3);
  assert.match(
    output.stderr,
    /cannot listen on 127\.0\.0\.1:0: Deno was not given network access: run it with --allow-net/,
  );
});

Deno.test("the server exits 3 when its port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const { code, stderr } = await run("server.ts", ["--host", "127.0.0.1", "--port", `${port}`]);
    assert.equal(code, 3);
    assert.match(
      stderr,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is already in use`),
    );
  } finally {
    listener.close();
  }
});

Deno.test("a client time-out exits 3 and says the payment may have been taken", async (t) => {
  let output: Output;
  const server = await startServer(["-d", "30"]);
  try {
    const { code, stdout } = await run("client.ts", ["-p", `${server.port}`, "--timeout", "0.3"]);
    assert.equal(code, 3);
    assert.equal(
      stdout.trim(),
      "Error: No answer within 300 ms: the payment may still have been taken; check the terminal",
    );
  } finally {
    // The answer in flight would take 30 s: a second signal stops at once.
    output = await server.stop("SIGTERM", true);
  }
  const { code, stderr } = output;
  await t.step({
    name: `a second SIGTERM stops at once, dropping the answer in flight${NO_SIGNALS}`,
    ignore: !CAN_SIGNAL,
    fn: () => {
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Stopping now, answers in flight are dropped/);
      assert.match(stderr, /answer not sent \(cancelled\)/);
    },
  });
});
