// The server's outcome control, spawned as a user runs it: scenario files (checked,
// reloaded), magic amounts, the journal, --seed, --time-scale, --interactive's refusal.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pay } from "../lib/pos.ts";
import type { JournalRecord } from "../lib/terminal/journal.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[]): Promise<Output> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "server.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

/** Collects a stream's text as it comes; `waitFor` resolves when a pattern shows up. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters = new Set<() => void>();
  const done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      for (const waiter of [...waiters]) waiter();
    }
    for (const waiter of [...waiters]) waiter();
  })();
  let ended = false;
  done.finally(() => ended = true);
  return {
    get text() {
      return text;
    },
    done,
    /** Waits until `pattern` matches `count` times in the text so far. */
    waitFor(pattern: RegExp, count = 1, ms = 20_000): Promise<string> {
      const global = new RegExp(pattern.source, pattern.flags.replace("g", "") + "g");
      const matches = () => [...text.matchAll(global)].length >= count;
      if (matches()) return Promise.resolve(text);
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (matches()) finish(() => resolve(text));
          else if (ended) finish(() => reject(new Error(`No ${pattern} in:\n${text}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`No ${pattern} within ${ms} ms in:\n${text}`))),
          ms,
        );
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
      });
    },
  };
}

/** Starts the server on a free port of 127.0.0.1, its output collected as it comes. */
async function startServer(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "server.ts", "--host", "127.0.0.1", "--port", "0", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let port = 0;
  try {
    const text = await stdout.waitFor(/^Listening on 127\.0\.0\.1:\d+$/m);
    port = Number(/^Listening on 127\.0\.0\.1:(\d+)$/m.exec(text)![1]);
  } catch (error) {
    child.kill("SIGKILL");
    await Promise.all([child.status, stdout.done, stderr.done]);
    throw new Error(`${(error as Error).message}\n${stderr.text}`);
  }
  return {
    port,
    child,
    stdout,
    stderr,
    /** Sends `signal` and waits for the end. */
    async stop(signal: Deno.Signal = "SIGTERM"): Promise<Output> {
      child.kill(signal);
      const status = await child.status;
      await Promise.all([stdout.done, stderr.done]);
      return { code: status.code, stdout: stdout.text, stderr: stderr.text };
    },
  };
}

const local = (port: number) => ({ host: "127.0.0.1", port, timeoutMs: 20_000, quietMs: 50 });

Deno.test("--help lists the new options and the magic amounts", async () => {
  const { code, stdout } = await run(["--help"]);
  assert.equal(code, 0);
  for (
    const text of [
      "--scenario <file>",
      "--check-scenario <file>",
      "--magic-amounts",
      "--journal <file>",
      "--interactive",
      "--input-timeout <seconds>",
      "--seed <number>",
      "--time-scale <factor>",
      "04  e.g. 12.04 EUR  not done, AF=04 refused",
      "51  e.g. 12.51 EUR  approved for half the amount",
      "other endings: as without --magic-amounts",
    ]
  ) assert.ok(stdout.includes(text), text);
});

Deno.test("--check-scenario: 0 for a valid file, 2 and every problem for a bad one", async (t) => {
  for (const file of ["ci_smoke.yaml", "magic_amounts.yaml", "bad_day.yaml"]) {
    await t.step(`lib/scenarios/${file}`, async () => {
      const { code, stdout, stderr } = await run(["--check-scenario", `lib/scenarios/${file}`]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`^lib/scenarios/${file}: valid, \\d+ rules`));
      assert.equal(stderr, "");
    });
  }
  const dir = await Deno.makeTempDir();
  try {
    await t.step("a bad file: each problem on its own line, exit 2", async () => {
      const path = `${dir}/bad.yaml`;
      await Deno.writeTextFile(
        path,
        "rules:\n  - when: { amout: 3 }\n    outcome: refusd\n",
      );
      const { code, stdout, stderr } = await run(["--check-scenario", path]);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 2, stderr);
      assert.match(lines[0], new RegExp(`^caisse-ap-server: ${path}:2:13: Unknown key "amout"`));
      assert.match(
        lines[1],
        new RegExp(`^caisse-ap-server: ${path}:3:14: Unknown result "refusd"`),
      );
    });
    await t.step("no such file: exit 2", async () => {
      const { code, stderr } = await run(["--check-scenario", `${dir}/none.yaml`]);
      assert.equal(code, 2);
      assert.match(stderr, /No scenario file ".*none\.yaml"\. See 'caisse-ap-server --help'\./);
    });
    await t.step("--scenario with a bad file does not start: exit 2", async () => {
      const path = `${dir}/bad2.yaml`;
      await Deno.writeTextFile(path, "settings: { duration: soon }\n");
      const { code, stdout, stderr } = await run(["--scenario", path, "--port", "0"]);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.match(stderr, /bad2\.yaml:1:23: Expected the duration as a number of seconds/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad values of the new options exit 2 with one line", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--time-scale", "fast"], /expected a number from 0 to 1000 \(factor\)/],
    [["--seed", "-1"], /expected a whole number from 0 to 4294967295 \(seed\)/],
    [["--input-timeout", "x"], /expected a number of seconds/],
    [
      ["--interactive"],
      /--interactive needs a person at a terminal, and standard input is not one/,
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stdout, stderr } = await run(args);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], message);
      assert.match(lines[0], /See 'caisse-ap-server --help'\.$/);
    });
  }
});

Deno.test("--magic-amounts: the last two digits choose, the log names the rule", async () => {
  const server = await startServer(["--magic-amounts", "-d", "0"]);
  try {
    const refused = await pay({ amount: 1204 }, local(server.port));
    assert.equal(refused.answer.complementCode, "04");
    const timeout = await pay({ amount: 99908 }, local(server.port));
    assert.equal(timeout.answer.complementCode, "08");
    const partial = await pay({ amount: 1251 }, local(server.port));
    assert.equal(partial.answer.approved, true);
    assert.equal(partial.answer.amount, 625);
    const approved = await pay({ amount: 1250 }, local(server.port));
    assert.equal(approved.answer.approved, true);
  } finally {
    const { code, stderr } = await server.stop();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Magic amounts on/);
    assert.match(
      stderr,
      /#1 decision: declined \(refused, AF=04\), by magic amount rule 2 "amount ends with 04"/,
    );
    assert.match(stderr, /#4 decision: approved \(cbcontact card\), no rule matched/);
  }
});

Deno.test("without --magic-amounts, an amount ending in 04 is approved", async () => {
  const server = await startServer(["-d", "0"]);
  try {
    assert.equal((await pay({ amount: 1204 }, local(server.port))).answer.approved, true);
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

Deno.test("a scenario file: rules decide, its settings apply, the command line wins", async () => {
  const server = await startServer([
    "--scenario",
    "lib/scenarios/ci_smoke.yaml",
    "--payment-type",
    "amexcontact",
  ]);
  try {
    const refused = await pay({ amount: 1250, privateData: "REFUSE-1" }, local(server.port));
    assert.equal(refused.answer.complementCode, "04");
    const card = await pay({ amount: 1250, privateData: "CARD-1" }, local(server.port));
    assert.equal(card.answer.authorisation, "123456");
    assert.equal(card.answer.cardNumber, "497010######0001");
    // --payment-type on the command line wins over the scenario's cbcontactless.
    assert.equal(card.answer.application, "002");
  } finally {
    const { code, stderr } = await server.stop();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Scenario lib\/scenarios\/ci_smoke\.yaml: 7 rules/);
    assert.match(stderr, /The command line wins over the scenario's payment-type/);
    // The scenario's duration (0.05 s) applies: it was not given on the command line.
    assert.match(stderr, /answers after 0\.05 s, amexcontact/);
    assert.match(
      stderr,
      /#1 decision: declined \(refused, AF=04\), by rule 1 "REFUSE\.\.\. is refused" \(lib\/scenarios\/ci_smoke\.yaml:12\), answer in 50 ms/,
    );
  }
});

Deno.test("the scenario is reloaded on change and on SIGHUP, without dropping a connection", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/live.yaml`;
  await Deno.writeTextFile(path, "rules:\n  - outcome: { result: refused, delay: 1.5 }\n");
  const server = await startServer(["--scenario", path, "-d", "0"]);
  try {
    // A payment in flight while the file changes keeps the answer it was given.
    const inFlight = pay({ amount: 1250 }, local(server.port));
    await server.stderr.waitFor(/#1 decision: declined/);
    await Deno.writeTextFile(path, "rules:\n  - outcome: forbidden\n");
    await server.stderr.waitFor(/Scenario .*live\.yaml reloaded: 1 rules, counters reset/);
    assert.equal((await inFlight).answer.complementCode, "04");
    assert.equal((await pay({ amount: 1250 }, local(server.port))).answer.complementCode, "05");

    // A bad edit is reported; the previous rules stay.
    await Deno.writeTextFile(path, "rules:\n  - outcome: forbiden\n");
    await server.stderr.waitFor(
      /Scenario not reloaded, the previous rules stay: .*live\.yaml:2:14: Unknown result "forbiden": did you mean "forbidden"\?/,
    );
    assert.equal((await pay({ amount: 1250 }, local(server.port))).answer.complementCode, "05");

    // SIGHUP reads the file again, even unchanged.
    await Deno.writeTextFile(path, "rules:\n  - outcome: timeout\n");
    await server.stderr.waitFor(/reloaded: 1 rules/, 2);
    server.child.kill("SIGHUP");
    await server.stderr.waitFor(/SIGHUP: reading the scenario again/);
    await server.stderr.waitFor(/reloaded: 1 rules/, 3);
    assert.equal((await pay({ amount: 1250 }, local(server.port))).answer.complementCode, "08");
  } finally {
    const { code, stderr } = await server.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, stderr);
  }
});

Deno.test("--journal: the entry is on disk when the POS has its answer", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/journal.jsonl`;
  const server = await startServer(["--journal", path, "--magic-amounts", "-d", "0"]);
  let answer = "";
  try {
    answer = (await pay({ amount: 1204, privateData: "ORDER-1" }, local(server.port))).answerText;
  } finally {
    // No time to write anything after the answer: killed at once, no clean stop.
    server.child.kill("SIGKILL");
    await server.child.status;
    await Promise.all([server.stdout.done, server.stderr.done]);
  }
  try {
    const records = (await Deno.readTextFile(path)).trimEnd().split("\n")
      .map((line) => JSON.parse(line) as JournalRecord);
    assert.equal(records[0].type, "start");
    const entry = records.find((r) => r.type === "transaction");
    assert.ok(entry && entry.type === "transaction", JSON.stringify(records));
    assert.equal(entry.answer.raw, answer);
    assert.equal(entry.request.fields.CF, "ORDER-1");
    assert.equal(entry.decision.decidedBy?.rule?.origin, "magic-amounts");
    assert.equal(entry.decision.outcome, "declined");
    assert.match(entry.peer, /^127\.0\.0\.1:\d+$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--journal: a folder that does not exist exits 3", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/missing/j.jsonl`;
    const { code, stdout, stderr } = await run(["--journal", path, "--port", "0"]);
    assert.equal(code, 3);
    assert.equal(stdout, "");
    assert.ok(stderr.startsWith(`caisse-ap-server: cannot open the journal "${path}": `), stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--seed: two runs, same requests, same answers", async () => {
  const requests = [
    { amount: 1250 },
    { amount: 300, action: "credit" as const },
    { amount: 50001 },
    { amount: 4200, application: "00C" },
    { amount: 777 },
    { amount: 778, register: "02" },
    { amount: 779 },
    { amount: 780 },
  ];
  const answers = async (seed: string) => {
    const server = await startServer([
      "--scenario",
      "lib/scenarios/bad_day.yaml",
      "--time-scale",
      "0.001",
      "--seed",
      seed,
    ]);
    try {
      const texts: string[] = [];
      for (const request of requests) {
        texts.push((await pay(request, local(server.port))).answerText);
      }
      return texts;
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  };
  const first = await answers("42");
  const second = await answers("42");
  assert.deepEqual(second, first);
  // bad_day.yaml's answers: approved, forbidden refund, refused big amount, refused first
  // cheque, then its cycle; register 02 times out. All with CZ 0301.
  assert.ok(first.every((a) => a.startsWith("CZ0040301")));
  assert.deepEqual(first.map((a) => /AE002(\d\d)(?:AF\d{3}(\d\d))?/.exec(a)!.slice(1).join("/")), [
    "10/",
    "01/05",
    "01/04",
    "01/04",
    "10/",
    "01/08",
    "01/04",
    "10/",
  ]);
  const other = await answers("43");
  assert.notDeepEqual(other, first);
});

Deno.test("--time-scale: a long delay answered fast, the log says both", async () => {
  const server = await startServer(["--duration", "120", "--time-scale", "0.001"]);
  try {
    const result = await pay({ amount: 1250 }, local(server.port));
    assert.equal(result.answer.approved, true);
  } finally {
    const { code, stderr } = await server.stop();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Time scale 0\.001/);
    assert.match(
      stderr,
      /#1 decision: approved \(cbcontact card\), answer in 120 ms \(120 s scaled\)/,
    );
  }
});
