// The server's control API options, spawned as a user runs them: --http, --http-token,
// --hold, with the client paying and the API deciding. The browser test drives the
// dashboard itself.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { run as runProgram, startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TOKEN = "0123456789abcdef0123456789abcdef";

function server(args: string[]) {
  return startServer(
    Deno.execPath(),
    ["run", "-A", "--quiet", "server.ts", "--host", "127.0.0.1", "--port", "0", ...args],
    { cwd: ROOT },
  );
}

function client(args: string[]) {
  return runProgram(Deno.execPath(), ["run", "-A", "--quiet", "client.ts", ...args], {
    cwd: ROOT,
  });
}

/** Waits until the API lists a held payment (the client is paying meanwhile). */
async function nextHeld(dashboard: string, headers: HeadersInit = {}): Promise<{ id: number }> {
  // The stream's first events say what is held; no polling, no clock.
  const response = await fetch(new URL("/api/events", dashboard), { headers });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("The event stream ended before a payment was held");
      buffer += value;
      const snapshot = /^event: snapshot\ndata: (.*)$/m.exec(buffer);
      const held = snapshot ? JSON.parse(snapshot[1]).held[0] : undefined;
      if (held) return held;
      const event = /^event: held\ndata: (.*)$/m.exec(buffer);
      if (event) return JSON.parse(event[1]);
    }
  } finally {
    await reader.cancel();
  }
}

Deno.test("bad --http, --http-token and --hold exit 2 with one line", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--http", "eighty"], /Invalid --http address "eighty": expected PORT or HOST:PORT/],
    [["--http", "70000"], /Invalid --http address "70000"/],
    [
      ["--http", "0.0.0.0:8080"],
      /--http 0\.0\.0\.0:8080 opens the control API beyond this machine: give --http-token TOKEN too/,
    ],
    [["--http-token", TOKEN], /--http-token goes with --http/],
    [["--hold"], /--hold needs --http/],
    [
      ["--http", "0", "--hold", "--time-scale", "0"],
      /--time-scale 0 leaves no time to decide in --hold mode/,
    ],
    [
      ["--http", "0", "--http-token", "secret"],
      /Invalid --http-token: the token must be 16 to 256 characters, not 6/,
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stdout, stderr } = await runProgram(
        Deno.execPath(),
        ["run", "-A", "--quiet", "server.ts", ...args],
        { cwd: ROOT },
      );
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], message);
      assert.match(lines[0], /See 'caisse-ap-server --help'\.$/);
    });
  }
});

Deno.test("--http --hold: the client's payment waits for the API's decision", async () => {
  const dir = await Deno.makeTempDir();
  const scenario = `${dir}/s.yaml`;
  await Deno.writeTextFile(scenario, "rules:\n  - when: { amount: 999 }\n    outcome: forbidden\n");
  const terminal = await server(["--http", "0", "--hold", "-d", "0", "--scenario", scenario]);
  let output;
  try {
    assert.match(terminal.dashboard ?? "", /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const api = (path: string) => new URL(path, terminal.dashboard);
    const status = await (await fetch(api("/api/status"))).json();
    assert.equal(status.settings.hold, true);
    assert.equal(status.terminal.port, terminal.port);
    assert.deepEqual(status.scenario, { file: scenario, rules: 1 });

    const payment = client(["-p", `${terminal.port}`, "-a", "12.50"]);
    const held = await nextHeld(terminal.dashboard!);
    const decided = await fetch(api(`/api/held/${held.id}`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ decision: "contactless" }),
    });
    assert.equal(decided.status, 200);
    await decided.body?.cancel();
    const paid = await payment;
    assert.equal(paid.code, 0, paid.stderr);
    assert.match(paid.stdout, /^Approved \(AE=10\)$/m);
    assert.match(paid.stdout, /^read mode +2 contactless$/m);

    // The rule decides before hold mode; the file reloads through the API.
    const ruled = await client(["-p", `${terminal.port}`, "-a", "9.99"]);
    assert.equal(ruled.code, 1);
    await Deno.writeTextFile(scenario, "rules:\n  - when: { amount: 999 }\n    outcome: refused\n");
    const reload = await fetch(api("/api/scenario/reload"), { method: "POST" });
    assert.deepEqual(await reload.json(), { scenario: { file: scenario, rules: 1 } });
    const refused = await client(["-p", `${terminal.port}`, "-a", "9.99"]);
    assert.match(refused.stdout, /AF=04 refused/);
  } finally {
    output = await terminal.stop();
    await Deno.remove(dir, { recursive: true });
  }
  assert.match(output.stderr, /#1 held: waiting for a decision \(dashboard or API\)/);
  assert.match(output.stderr, /#1 released: approved, decision "contactless"/);
  assert.match(output.stderr, /Control API: POST \/api\/held\/1, 200/);
});

Deno.test("--http-token: the API refuses requests without it", async () => {
  const terminal = await server(["--http", "127.0.0.1:0", "--http-token", TOKEN, "-d", "0"]);
  try {
    const url = new URL("/api/status", terminal.dashboard);
    const refused = await fetch(url);
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error, /Missing token/);
    const allowed = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(allowed.status, 200);
    await allowed.body?.cancel();
  } finally {
    const { stdout, stderr } = await terminal.stop();
    assert.ok(!stdout.includes(TOKEN) && !stderr.includes(TOKEN), "the token is never printed");
  }
});

Deno.test("the server exits 3 when the --http port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const { code, stdout, stderr } = await runProgram(
      Deno.execPath(),
      [
        "run",
        "-A",
        "--quiet",
        "server.ts",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--http",
        `${port}`,
      ],
      { cwd: ROOT },
    );
    assert.equal(code, 3, stderr);
    assert.match(
      stderr,
      new RegExp(
        `cannot serve the control API on 127\\.0\\.0\\.1:${port}: port ${port} is already in use`,
      ),
    );
    assert.doesNotMatch(stdout, /Listening on/);
  } finally {
    listener.close();
  }
});

Deno.test("--help lists the control API's options", async () => {
  const { code, stdout } = await runProgram(
    Deno.execPath(),
    ["run", "-A", "--quiet", "server.ts", "--help"],
    { cwd: ROOT },
  );
  assert.equal(code, 0);
  for (
    const text of ["--http <[host:]port>", "--http-token <token>", "--hold", "--http 8080 --hold"]
  ) {
    assert.ok(stdout.includes(text), text);
  }
});
