// Faults, strict mode, concurrency and limits from the command line, both programs
// spawned as a user runs them: the example scenario of faults with a journal file, a
// default --fault, --strict, --concurrency busy, --max-connections, and bad values.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { JournalRecord } from "../lib/terminal/journal.ts";
import { type Output, run as runProgram, type RunningServer, startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function client(port: number, args: string[]): Promise<Output> {
  return runProgram(
    Deno.execPath(),
    ["run", "-A", "--quiet", "client.ts", "-p", String(port), ...args],
    { cwd: ROOT },
  );
}

function server(args: string[]): Promise<RunningServer> {
  return startServer(
    Deno.execPath(),
    ["run", "-A", "--quiet", "server.ts", "--host", "127.0.0.1", "--port", "0", ...args],
    { cwd: ROOT },
  );
}

const MAY_BE_TAKEN = "the payment may still have been taken; check the terminal";

Deno.test("--scenario faults.yaml --journal: approve-then-drop, on the client and in the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/faults.jsonl`;
  try {
    const terminal = await server([
      "--scenario",
      "lib/scenarios/faults.yaml",
      "--journal",
      path,
    ]);
    let log: Output;
    try {
      const { code, stdout } = await client(terminal.port, ["--private-data", "DROP-7"]);
      assert.equal(code, 3);
      assert.match(
        stdout.trim(),
        new RegExp(
          `^Error: The terminal at 127\\.0\\.0\\.1:\\d+ closed the connection without answering: ${MAY_BE_TAKEN}$`,
        ),
      );
    } finally {
      log = await terminal.stop();
    }
    assert.match(
      log.stderr,
      /#1 answer not sent \(approve-then-drop\): the terminal believes approved \(cbcontact card, authorisation \d{6}\); the answer is dropped: the connection is closed without it/,
    );
    const records = (await Deno.readTextFile(path)).trimEnd().split("\n")
      .map((line) => JSON.parse(line) as JournalRecord);
    const entry = records.find((r) => r.type === "transaction");
    const end = records.find((r) => r.type === "end");
    assert.ok(entry?.type === "transaction" && end?.type === "end", JSON.stringify(records));
    assert.equal(entry.decision.outcome, "approved");
    assert.match(entry.answer.fields.AC, /^\d{6}$/);
    assert.equal(entry.fault?.spec.kind, "approve-then-drop");
    assert.equal(entry.decision.decidedBy?.rule?.file, "lib/scenarios/faults.yaml");
    assert.equal(end.state, "dropped");
    assert.equal(end.sent, "");
    assert.equal(end.note, "the answer is dropped: the connection is closed without it");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--fault as a default, and --strict", async () => {
  const terminal = await server(["-d", "0", "--fault", "truncated-answer", "--strict"]);
  let log: Output;
  try {
    const cut = await client(terminal.port, ["--amount", "12.50"]);
    assert.equal(cut.code, 3);
    assert.match(
      cut.stdout,
      /^Error: Malformed answer from .*Record "AE" at offset \d+ is cut short/,
    );
    assert.ok(cut.stdout.trim().endsWith(MAY_BE_TAKEN), cut.stdout);
    // The classic client bug is only a warning, but --strict answers AF=09 (no fault:
    // the default fault is for the payments an outcome decides).
    const strict = await client(terminal.port, [
      "--raw",
      "CZ0040300CJ003012CA00201CE003978BA0010CD0010CB0041250",
    ]);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /AF=09 bad message format/);
    // An identification is answered as usual.
    assert.equal((await client(terminal.port, ["--identify"])).code, 0);
  } finally {
    log = await terminal.stop();
  }
  assert.match(log.stderr, /Fault by default: truncated-answer \(inside AE\), for payments/);
  assert.match(log.stderr, /Strict: a request with any finding is answered AF=09/);
  assert.match(
    log.stderr,
    /#2 decision: rejected \(strict mode, bad message format: CJ must be 12 digits\)/,
  );
});

Deno.test("--concurrency busy: one sale at a time, the other answered AE=01 AF=07", async () => {
  const terminal = await server(["-d", "3", "--concurrency", "busy"]);
  let log: Output;
  try {
    const first = client(terminal.port, ["--amount", "10.00"]);
    // The second starts while the first waits for its cardholder (3 s).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = client(terminal.port, ["--amount", "20.00"]);
    const results = await Promise.all([first, second]);
    // Whichever came first is approved; the other found the terminal busy.
    const codes = results.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 1], results.map((r) => r.stdout).join("\n"));
    const busy = results.find((r) => r.code === 1)!;
    assert.match(busy.stdout, /^Not done \(AE=01\): AF=07 not completed$/m);
  } finally {
    log = await terminal.stop();
  }
  assert.match(
    log.stderr,
    /Concurrency busy: one transaction at a time, the others are answered busy/,
  );
  assert.match(log.stderr, /decision: declined \(busy with another sale, AF=07\)/);
});

Deno.test("--max-connections: the connection beyond the limit is closed at once and logged", async () => {
  const terminal = await server(["-d", "0", "--max-connections", "1"]);
  let log: Output;
  const idle = await Deno.connect({ hostname: "127.0.0.1", port: terminal.port });
  try {
    // Let the simulator count the idle one before the client connects.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { code, stdout } = await client(terminal.port, []);
    assert.equal(code, 3);
    assert.match(stdout, /closed the connection without answering/);
  } finally {
    idle.close();
    log = await terminal.stop();
  }
  assert.match(
    log.stderr,
    /Connection #2 from 127\.0\.0\.1:\d+ closed at once: the limit of open connections \(1\) is reached/,
  );
});

Deno.test("bad fault and concurrency values exit 2 with one line", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--fault", "explode"], /Unknown fault "explode": expected one of none, no-answer, /],
    [["--fault", "split-answer:segments=1"], /expected a whole number from 2 to 100, not 1/],
    [["--fault", "slow-answer:speed=3"], /Unknown parameter "speed" of the fault "slow-answer"/],
    [["--concurrency", "serial"], /expected one of parallel, queue, busy/],
    [["--max-connections", "0"], /expected a whole number from 1 to 100000/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stdout, stderr } = await runProgram(
        Deno.execPath(),
        ["run", "-A", "--quiet", "server.ts", ...args],
        { cwd: ROOT },
      );
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /See 'caisse-ap-server --help'\.$/m);
    });
  }
});
