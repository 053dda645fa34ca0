// The control API: every endpoint and what it refuses, through the request handler
// without a socket; then the server itself on 127.0.0.1:0, with a token and the event
// stream.
import assert from "node:assert/strict";
import { pay } from "../lib/pos.ts";
import { startTerminal, type TestTerminal, type TestTerminalOptions } from "../lib/fixture.ts";
import { TerminalControl } from "../lib/terminal/control.ts";
import { RuleEngine } from "../lib/terminal/engine.ts";
import { HoldDesk } from "../lib/terminal/hold.ts";
import { makeAccessPolicy } from "../lib/terminal/http/auth.ts";
import { MAX_BODY_BYTES } from "../lib/terminal/http/input.ts";
import {
  type ControlHandler,
  createControlHandler,
  MAX_QUEUED,
} from "../lib/terminal/http/routes.ts";
import { startControlServer } from "../lib/terminal/http/serve.ts";
import { Journal } from "../lib/terminal/journal.ts";
import { parseScenario, ScenarioError } from "../lib/terminal/scenario.ts";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";
import { arrivalView } from "../lib/terminal/http/views.ts";

const TOKEN = "0123456789abcdef0123456789abcdef";
const local = { timeoutMs: 30_000, quietMs: 50 };

interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Calls the handler as a client would: JSON in, JSON out. */
function client(handler: ControlHandler, origin = "http://127.0.0.1:8080") {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const response = await handler(new Request(`${origin}${path}`, init));
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get("content-type")?.startsWith("application/json")) {
      parsed = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
}

async function withApi(
  options: TestTerminalOptions,
  fn: (api: ReturnType<typeof client>, terminal: TestTerminal) => Promise<void>,
) {
  await using terminal = await startTerminal(options);
  const handler = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
    onError: (error) => {
      throw error;
    },
  });
  try {
    await fn(client(handler), terminal);
  } finally {
    handler.events.close();
  }
}

Deno.test("GET /api/status: where the terminal stands, with the security headers", async () => {
  await withApi({}, async (api, terminal) => {
    const { status, headers, body } = await api("GET", "/api/status");
    assert.equal(status, 200);
    assert.equal(headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(headers.get("cache-control"), "no-store");
    assert.equal(headers.get("x-content-type-options"), "nosniff");
    assert.match(headers.get("content-security-policy")!, /script-src 'self';/);
    assert.doesNotMatch(headers.get("content-security-policy")!, /unsafe-inline/);
    assert.deepEqual(body.terminal, { hostname: "127.0.0.1", port: terminal.port });
    assert.equal(body.settings.hold, false);
    assert.equal(body.settings.duration, 0);
    assert.equal(body.held, 0);
    assert.equal(body.queued, 0);
    assert.deepEqual(body.transactions, { count: 0 });
    assert.equal(body.reloadable, false);
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.equal((await api("GET", "/api/status?verbose=1")).status, 400);
    const post = await api("POST", "/api/status");
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET");
    assert.match(post.body.error, /Method POST is not allowed here: use GET/);
  });
});

Deno.test("settings: read, change as the options would, refuse what the options refuse", async (t) => {
  await withApi({}, async (api, terminal) => {
    await t.step("GET: the options' names, durations in seconds", async () => {
      const { body } = await api("GET", "/api/settings");
      assert.deepEqual(body, {
        "failure": false,
        "failure-type": "abandon",
        "duration": 0,
        "payment-type": "cbcontact",
        "seller-contract": "424242",
        "answer-version": null,
        "terminal-id": "012345678901",
        "input-timeout": 120,
        "magic-amounts": false,
        "fault": null,
        "strict": false,
        "hold": false,
        "resend-window": 120,
        "duplicate-window": 10,
        "partial-window": 120,
        "no-answer-limit": 180,
      });
    });
    await t.step("PATCH: what is given changes, the rest stays; payments see it", async () => {
      const { status, body } = await api("PATCH", "/api/settings", {
        "failure": true,
        "failure-type": "refused",
        "duration": 0.05,
        "answer-version": "0320",
        "magic-amounts": true,
      });
      assert.equal(status, 200);
      assert.equal(body.failure, true);
      assert.equal(body["failure-type"], "refused");
      assert.equal(body.duration, 0.05);
      assert.equal(body["answer-version"], "0320");
      assert.equal(body["magic-amounts"], true);
      assert.equal(body["payment-type"], "cbcontact");
      assert.equal(terminal.settings.delayMs, 50);
      const result = await pay({ amount: 1250 }, { ...terminal.endpoint, ...local });
      assert.equal(result.answer.complementCode, "04");
      assert.equal(result.answer.version, "0320");
      const back = await api("PATCH", "/api/settings", { "answer-version": null, duration: 0 });
      assert.equal(back.body["answer-version"], null);
      assert.equal(terminal.settings.answerVersion, undefined);
    });
    await t.step("bad settings: 400 with every problem, nothing changed", async () => {
      const before = (await api("GET", "/api/settings")).body;
      const cases: [unknown, RegExp][] = [
        [{ failure: "yes" }, /Expected failure as true or false, not "yes"/],
        [{ duration: -1 }, /the duration from 0 to 3600 seconds, not -1/],
        [{ duration: "3" }, /the duration as a number of seconds/],
        [{ "failure-type": "stolen" }, /Unknown failure type "stolen"/],
        [{ "payment-type": 7 }, /Unknown payment type "7"/],
        [{ "seller-contract": "12345678901" }, /CG must be 1 to 10 characters/],
        [{ "terminal-id": "12" }, /CJ must be 12 digits/],
        [{ "input-timeout": 0 }, /more than 0/],
        [{ hold: "on" }, /Expected hold as true or false, not "on"/],
        [{ colour: "red" }, /Unknown field "colour" in the settings: expected "duration"/],
        [{}, /Nothing to change/],
        [[], /Expected the settings as a JSON object, not \[\]/],
        [null, /Expected the settings as a JSON object, not null/],
        ["refused", /Expected the settings as a JSON object, not "refused"/],
      ];
      for (const [body, message] of cases) {
        const reply = await api("PATCH", "/api/settings", JSON.stringify(body));
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.match(reply.body.error, message);
      }
      const two = await api("PATCH", "/api/settings", { failure: 1, duration: "x", hold: true });
      assert.equal(two.body.problems.length, 2);
      assert.match(two.body.error, /\(and 1 more\)$/);
      assert.deepEqual((await api("GET", "/api/settings")).body, before, "nothing changed");
    });
  });
});

Deno.test("bodies: JSON only, bounded in size and depth, or a 4xx saying why", async () => {
  await withApi({}, async (api) => {
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ["{failure: true}", {}, 400, /^Malformed JSON: /],
      ['{"failure": true', {}, 400, /^Malformed JSON: /],
      ['{"failure": true}', { "content-type": "text/plain" }, 415, /application\/json/],
      [
        "failure=true",
        { "content-type": "application/x-www-form-urlencoded" },
        415,
        /not "application\/x-www-form-urlencoded"/,
      ],
      [`${"[".repeat(40)}${"]".repeat(40)}`, {}, 400, /nested more than 16 levels/],
      [`{"x": "${"a".repeat(MAX_BODY_BYTES)}"}`, {}, 413, /larger than 65536 bytes/],
    ];
    for (const [body, headers, status, message] of cases) {
      const reply = await api("PATCH", "/api/settings", body, headers);
      assert.equal(reply.status, status, body.slice(0, 40));
      assert.match(reply.body.error, message);
    }
    // Not UTF-8.
    const handlerReply = await api(
      "PATCH",
      "/api/settings",
      new TextDecoder("latin1").decode(
        new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]),
      ),
    );
    assert.equal(handlerReply.status, 400);
    // A declared length over the limit is refused before reading.
    const declared = await api("PATCH", "/api/settings", "{}", {
      "content-length": String(MAX_BODY_BYTES + 1),
    });
    assert.equal(declared.status, 413);
  });
});

Deno.test("the journal: list, since an id, one by id, clear", async () => {
  await withApi({}, async (api, terminal) => {
    for (const amount of [100, 200, 300]) {
      await pay({ amount, privateData: `ORDER-${amount}` }, { ...terminal.endpoint, ...local });
    }
    const all = await api("GET", "/api/journal");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.transactions.map((t: { id: number }) => t.id), [1, 2, 3]);
    const first = all.body.transactions[0];
    assert.equal(first.request.fields.CF, "ORDER-100");
    assert.deepEqual(first.summary, {
      action: "debit",
      actionCode: "0",
      amount: "1.00",
      minor: 100,
      currency: "EUR",
      register: "01",
      privateData: "ORDER-100",
      cheque: false,
      result: "approved",
      approved: true,
      decidedBy: "settings",
    });
    assert.deepEqual(first.records.answer.find((r: { tag: string }) => r.tag === "AE"), {
      tag: "AE",
      name: "action status",
      value: "10",
      meaning: "done",
    });
    const since = await api("GET", "/api/journal?since=2");
    assert.deepEqual(since.body.transactions.map((t: { id: number }) => t.id), [3]);
    assert.deepEqual((await api("GET", "/api/journal?since=0")).body.transactions.length, 3);
    const one = await api("GET", "/api/journal/2");
    assert.equal(one.body.request.fields.CB, "200");
    assert.equal(one.body.state, "answered");
    for (
      const [path, status, message] of [
        ["/api/journal/9", 404, /No transaction 9 in the journal/],
        ["/api/journal/0", 400, /Invalid transaction number "0": expected a whole number from 1/],
        ["/api/journal/abc", 400, /Invalid transaction number "abc"/],
        ["/api/journal/1.5", 400, /Invalid transaction number "1\.5"/],
        ["/api/journal/", 400, /Invalid transaction number ""/],
        ["/api/journal?since=-1", 400, /Invalid since "-1"/],
        ["/api/journal?since=2&since=3", 400, /"since" is repeated/],
        ["/api/journal?limit=2", 400, /Unknown query parameter "limit": expected "since"/],
        ["/api/journal/1/2", 404, /No endpoint/],
      ] as const
    ) {
      const reply = await api("GET", path);
      assert.equal(reply.status, status, path);
      assert.match(reply.body.error, message);
    }
    const cleared = await api("DELETE", "/api/journal");
    assert.deepEqual(cleared.body, { cleared: 3 });
    assert.deepEqual((await api("GET", "/api/journal")).body.transactions, []);
  });
});

Deno.test("the queue: outcomes for every register or one, as a scenario writes them", async (t) => {
  await withApi({}, async (api, terminal) => {
    await t.step("queue, read, and the next payments take them", async () => {
      const queued = await api("POST", "/api/queue", {
        outcomes: ["refused", { result: "timeout", delay: 0 }],
      });
      assert.equal(queued.status, 200);
      assert.deepEqual(queued.body.global.map((q: { description: string }) => q.description), [
        "refused, AF=04",
        "input time-out, AF=08",
      ]);
      const mine = await api("POST", "/api/queue", { outcome: "forbidden", register: "02" });
      assert.deepEqual(Object.keys(mine.body.registers), ["02"]);
      const button = await api("POST", "/api/queue", { decision: "contactless", register: "02" });
      assert.deepEqual(button.body.registers["02"][1].outcome, {
        status: "approved",
        paymentType: "cbcontactless",
      });
      assert.equal((await api("GET", "/api/status")).body.queued, 4);
      const payAt = (register: string) =>
        pay({ amount: 100, register }, { ...terminal.endpoint, ...local });
      assert.equal((await payAt("02")).answer.complementCode, "05");
      assert.equal((await payAt("02")).answer.readMode, "2");
      assert.equal((await payAt("02")).answer.complementCode, "04");
      assert.equal((await payAt("01")).answer.complementCode, "08");
      assert.equal((await payAt("01")).answer.approved, true);
      const { body } = await api("GET", "/api/journal");
      assert.equal(
        body.transactions[0].summary.decidedBy,
        "queued outcome (queue of register 02, 1 left)",
      );
    });
    await t.step("clear one register's queue, or all", async () => {
      await api("POST", "/api/queue", { outcome: "approved", register: "03" });
      await api("POST", "/api/queue", { outcome: "approved" });
      const one = await api("DELETE", "/api/queue?register=03");
      assert.equal(one.body.removed, 1);
      assert.equal(one.body.queue.global.length, 1);
      const all = await api("DELETE", "/api/queue");
      assert.deepEqual(all.body, { removed: 1, queue: { global: [], registers: {} } });
      assert.equal((await api("DELETE", "/api/queue?register=3")).status, 400);
    });
    await t.step("what cannot be queued: 400 with every problem", async () => {
      const cases: [unknown, RegExp][] = [
        [{}, /Say what to do with one of "outcome", "outcomes", "decision"/],
        [{ outcome: "refused", outcomes: ["approved"] }, /Give only one of "outcome", "outcomes"/],
        [{ outcome: "refusd" }, /^outcome: Unknown result "refusd": did you mean "refused"\?/],
        [
          { outcomes: ["approved", { result: "approved", colour: 1 }] },
          /^outcomes\[1\]: Unknown key "colour" in the outcome/,
        ],
        [{ outcomes: [] }, /a list of 1 to 100 outcomes, not \[\]/],
        [{ outcomes: "refused" }, /a list of 1 to 100 outcomes, not "refused"/],
        [{ outcomes: Array(101).fill("approved") }, /a list of 1 to 100 outcomes/],
        [{ decision: "approve" }, /Unknown decision "approve": expected one of "contact"/],
        [{ outcome: "refused", register: 2 }, /Invalid register 2: expected 2 digits as a string/],
        [{ outcome: "refused", register: "1" }, /Invalid register "1"/],
        [{ outcome: "refused", note: "x" }, /Unknown field "note" in what to queue/],
        [
          { outcome: { result: "approved", detail: "X" } },
          /"detail" goes with a result that is not done/,
        ],
      ];
      for (const [body, message] of cases) {
        const reply = await api("POST", "/api/queue", body);
        assert.equal(reply.status, 400, JSON.stringify(body).slice(0, 60));
        assert.match(reply.body.error, message);
      }
      assert.equal((await api("GET", "/api/status")).body.queued, 0, "nothing was queued");
    });
    await t.step(`a queue holds at most ${MAX_QUEUED} outcomes: 409 beyond`, async () => {
      for (let i = 0; i < MAX_QUEUED / 100; i++) {
        assert.equal(
          (await api("POST", "/api/queue", { outcomes: Array(100).fill("approved") })).status,
          200,
        );
      }
      const full = await api("POST", "/api/queue", { outcome: "approved" });
      assert.equal(full.status, 409);
      assert.match(full.body.error, /would hold more than 1000 outcomes: clear it first/);
      assert.equal(
        (await api("POST", "/api/queue", { outcome: "approved", register: "09" })).status,
        200,
      );
      await api("DELETE", "/api/queue");
    });
  });
});

Deno.test("hold mode: list the held payments, decide one by a button or an outcome", async (t) => {
  await withApi({}, async (api, terminal) => {
    assert.equal((await api("PATCH", "/api/settings", { hold: true })).body.hold, true);
    await t.step("a button: the payment is answered at once", async () => {
      const payment = pay({ amount: 4200, register: "03", privateData: "<b>x</b>" }, {
        ...terminal.endpoint,
        ...local,
      });
      const held = await terminal.control.nextHeld();
      const list = await api("GET", "/api/held");
      assert.equal(list.body.held.length, 1);
      const view = list.body.held[0];
      assert.equal(view.id, held.id);
      assert.deepEqual(view.summary, {
        action: "debit",
        actionCode: "0",
        amount: "42.00",
        minor: 4200,
        currency: "EUR",
        register: "03",
        privateData: "<b>x</b>",
        cheque: false,
      });
      assert.ok(view.remainingMs > 0 && view.remainingMs <= 120_000);
      assert.equal(view.timeoutMs, 120_000);
      assert.equal((await api("GET", `/api/held/${held.id}`)).body.id, held.id);
      const decided = await api("POST", `/api/held/${held.id}`, {
        decision: "refuse",
        note: "dashboard",
      });
      assert.equal(decided.status, 200);
      assert.deepEqual(decided.body, {
        id: held.id,
        outcome: { status: "not-done", complement: "04" },
        note: 'decision "refuse" (dashboard)',
        description: "refused, AF=04",
      });
      assert.equal((await payment).answer.complementCode, "04");
      const again = await api("POST", `/api/held/${held.id}`, { decision: "contact" });
      assert.equal(again.status, 404);
      assert.match(again.body.error, /Transaction 1 is not held: unknown, already decided/);
      assert.equal((await api("GET", `/api/held/${held.id}`)).status, 404);
      const entry = (await api("GET", `/api/journal/${held.id}`)).body;
      assert.equal(entry.summary.decidedBy, 'operator (decision "refuse" (dashboard))');
    });
    await t.step("any outcome, as a scenario writes it", async () => {
      const payment = pay({ amount: 1000 }, { ...terminal.endpoint, ...local });
      const held = await terminal.control.nextHeld();
      const bad: [unknown, RegExp][] = [
        [{}, /Say what to do with one of "decision", "outcome"/],
        [{ decision: "contact", outcome: "approved" }, /Give only one of "decision", "outcome"/],
        [{ outcomes: ["approved"] }, /Unknown field "outcomes" in the decision/],
        [
          { decision: "contact", note: "x".repeat(101) },
          /Invalid note "x{37}\.\.\.": expected 1 to 100 printable/,
        ],
        [{ decision: "contact", note: "line\nbreak" }, /1 to 100 printable ASCII characters/],
        [{ outcome: { result: "approved", "approved-amount": "150%" } }, /from 0% to 100%/],
      ];
      for (const [body, message] of bad) {
        const reply = await api("POST", `/api/held/${held.id}`, body);
        assert.equal(reply.status, 400, JSON.stringify(body).slice(0, 60));
        assert.match(reply.body.error, message);
      }
      assert.equal(terminal.control.held.length, 1, "still held");
      const decided = await api("POST", `/api/held/${held.id}`, {
        outcome: { result: "approved", "approved-amount": 600, authorisation: "A1B2C3" },
      });
      assert.equal(decided.status, 200);
      const result = await payment;
      assert.equal(result.answer.amount, 600);
      assert.equal(result.answer.authorisation, "A1B2C3");
    });
    await t.step("ids that are no held transaction", async () => {
      assert.equal((await api("POST", "/api/held/99", { decision: "contact" })).status, 404);
      assert.equal((await api("POST", "/api/held/x", { decision: "contact" })).status, 400);
      assert.equal((await api("DELETE", "/api/held/1")).status, 405);
      assert.equal((await api("POST", "/api/held")).status, 405);
    });
  });
});

Deno.test("reset: the startup state, as a JSON status", async () => {
  await withApi({ settings: { failureType: "refused" } }, async (api, terminal) => {
    await api("PATCH", "/api/settings", { failure: true, hold: true, duration: 2 });
    await api("POST", "/api/queue", { outcome: "approved", register: "05" });
    const payment = pay({ amount: 100 }, { ...terminal.endpoint, ...local });
    await terminal.control.nextHeld();
    assert.equal((await api("POST", "/api/reset", { x: 1 })).status, 400);
    const { status, body } = await api("POST", "/api/reset");
    assert.equal(status, 200);
    assert.equal(body.settings.failure, false);
    assert.equal(body.settings["failure-type"], "refused");
    assert.equal(body.settings.hold, false);
    assert.equal(body.settings.duration, 0);
    assert.equal(body.queued, 0);
    assert.equal(body.held, 0);
    assert.equal((await payment).answer.complementCode, "08");
    assert.equal((await api("POST", "/api/reset", {})).status, 200, "an empty object is nothing");
  });
});

Deno.test("reload the scenario: 409 without a file, 422 for a bad edit, 200 with the rules", async () => {
  await withApi({}, async (api) => {
    const reply = await api("POST", "/api/scenario/reload");
    assert.equal(reply.status, 409);
    assert.match(
      reply.body.error,
      /No scenario file to reload: start the simulator with --scenario/,
    );
  });
  // A control whose scenario comes from a file (what the server builds).
  let next: "good" | "bad" = "good";
  const hold = new HoldDesk();
  const engine = new RuleEngine({ ask: hold.ask });
  const simulator = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    decide: engine.decide,
  });
  const control = new TerminalControl({
    simulator,
    engine,
    hold,
    journal: new Journal(),
    reloadScenario: () => {
      if (next === "bad") {
        return Promise.resolve({
          error: new ScenarioError("s.yaml", [
            { kind: "value", line: 2, column: 14, message: "Unknown result" },
            { kind: "value", line: 3, column: 1, message: "Unknown key" },
          ]),
        });
      }
      const scenario = parseScenario("description: d\nrules: [{ outcome: refused }]", "s.yaml");
      control.applyScenario(scenario, simulator.settings);
      return Promise.resolve({ scenario });
    },
  });
  const handler = createControlHandler(control, { access: makeAccessPolicy(undefined, 1) });
  const api = client(handler);
  assert.equal((await api("GET", "/api/status")).body.reloadable, true);
  const good = await api("POST", "/api/scenario/reload");
  assert.equal(good.status, 200);
  assert.deepEqual(good.body, { scenario: { file: "s.yaml", description: "d", rules: 1 } });
  next = "bad";
  const bad = await api("POST", "/api/scenario/reload");
  assert.equal(bad.status, 422);
  assert.equal(
    bad.body.error,
    "The scenario was not reloaded, the previous one stays: s.yaml:2:14: Unknown result",
  );
  assert.deepEqual(bad.body.problems, ["s.yaml:2:14: Unknown result", "s.yaml:3:1: Unknown key"]);
  assert.equal((await api("GET", "/api/status")).body.scenario.rules, 1);
  handler.events.close();
});

Deno.test("the dashboard's files and unknown paths", async () => {
  await withApi({}, async (api) => {
    const page = await api("GET", "/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(page.body, /<script src="\/dashboard\.js" defer><\/script>/);
    assert.match(page.headers.get("content-security-policy")!, /frame-ancestors 'none'/);
    for (
      const [path, type] of [
        ["/dashboard.js", "text/javascript; charset=utf-8"],
        ["/dashboard.css", "text/css; charset=utf-8"],
        ["/favicon.svg", "image/svg+xml"],
      ]
    ) {
      const reply = await api("GET", path);
      assert.equal(reply.status, 200, path);
      assert.equal(reply.headers.get("content-type"), type);
    }
    for (
      const path of ["/index.html", "/constructor", "/__proto__", "/toString", "/api", "/api/"]
    ) {
      const reply = await api("GET", path);
      assert.equal(reply.status, 404, path);
      assert.equal(typeof reply.body.error, "string");
    }
    assert.equal((await api("POST", "/")).status, 405);
  });
});

Deno.test("nothing a request holds can break the API or the simulator", async () => {
  await withApi({}, async (api, terminal) => {
    const bodies = [
      "",
      "null",
      "0",
      "-1e400",
      '"x"',
      "[]",
      "{}",
      '{"__proto__": {"hold": true}}',
      '{"constructor": {"prototype": {}}}',
      '{"outcome": {"__proto__": null}}',
      '{"outcomes": [null, 1, true, [], {}]}',
      '{"decision": {"toString": 1}}',
      '{"outcome": {"delay": {"min": 1e308, "max": 1e308}}}',
      '{"outcome": {"tags": {"AE": "\\u0000"}}}',
      '{"duration": 1e-400, "hold": null}',
      `{"outcome": "${"\\u00e9".repeat(1000)}"}`,
      "\uFEFF{}",
    ];
    const endpoints: [string, string][] = [
      ["PATCH", "/api/settings"],
      ["POST", "/api/queue"],
      ["POST", "/api/held/1"],
      ["POST", "/api/reset"],
      ["POST", "/api/scenario/reload"],
      ["DELETE", "/api/journal"],
      ["DELETE", "/api/queue"],
    ];
    for (const [method, path] of endpoints) {
      for (const body of bodies) {
        const reply = await api(method, path, body === "" ? undefined : body);
        assert.ok(reply.status < 500, `${method} ${path} ${body.slice(0, 30)}: ${reply.status}`);
        assert.equal(typeof reply.body.error === "string" || reply.status < 300, true);
      }
    }
    assert.equal(({} as Record<string, unknown>).hold, undefined, "no prototype pollution");
    // Whatever was accepted above, reset, then the terminal still answers.
    await api("POST", "/api/reset");
    const result = await pay({ amount: 100 }, { ...terminal.endpoint, ...local });
    assert.equal(result.answer.approved, true);
  });
});

/** Reads Server-Sent Events from a response body, one at a time. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(): Promise<{ event: string; data: unknown }> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) return { event, data: JSON.parse(data) };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("The event stream ended");
        buffer += value;
      }
    },
    /** Reads to the end of the stream (the server closed it). */
    async ended(): Promise<boolean> {
      for (;;) {
        const { done } = await reader.read();
        if (done) return true;
      }
    },
    cancel: () => reader.cancel(),
  };
}

Deno.test("the event stream: a snapshot, then transactions as they are held, decided and answered", async () => {
  await using terminal = await startTerminal({ hold: true });
  const handler = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
    events: { maxClients: 2 },
  });
  const response = await handler(new Request("http://127.0.0.1:8080/api/events"));
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(response.headers.get("cache-control"), "no-store");
  const events = sseReader(response.body!);
  try {
    const snapshot = await events.next();
    assert.equal(snapshot.event, "snapshot");
    const data = snapshot.data as { status: { settings: { hold: boolean } }; held: unknown[] };
    assert.equal(data.status.settings.hold, true);
    assert.deepEqual(data.held, []);

    const payment = pay({ amount: 1250, privateData: "<img src=x onerror=alert(1)>" }, {
      ...terminal.endpoint,
      ...local,
    });
    const arrived = await events.next();
    assert.equal(arrived.event, "arrived");
    assert.equal((arrived.data as { summary: { amount: string } }).summary.amount, "12.50");
    const held = await events.next();
    assert.equal(held.event, "held");
    const heldData = held.data as { id: number; summary: { privateData: string } };
    assert.equal(heldData.summary.privateData, "<img src=x onerror=alert(1)>");
    terminal.control.decideHeldWith(heldData.id, "contact");
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await events.next()).event);
    assert.deepEqual(names, ["released", "decided", "answered"]);
    await payment;
    terminal.control.update({ failure: true });
    const settings = await events.next();
    assert.equal(settings.event, "settings");
    assert.equal((settings.data as { failure: boolean }).failure, true);

    // Two streams at most here: the third is refused, and a closed one frees its place.
    const second = await handler(new Request("http://127.0.0.1:8080/api/events"));
    const third = await handler(new Request("http://127.0.0.1:8080/api/events"));
    assert.equal(third.status, 503);
    assert.match((await third.json()).error, /Too many event streams open \(2\)/);
    await second.body!.cancel();
    assert.equal(handler.events.clients, 1);
    // Stopping ends the streams.
    handler.events.close();
    assert.equal(await events.ended(), true);
    assert.equal(handler.events.clients, 0);
  } finally {
    await events.cancel();
    handler.events.close();
  }
});

Deno.test("the server on 127.0.0.1:0 with a token: 401 without it, the bearer, the browser login", async () => {
  await using terminal = await startTerminal();
  await using server = startControlServer(terminal.control, { token: TOKEN });
  assert.equal(server.address.hostname, "127.0.0.1");
  assert.equal(server.url, `http://127.0.0.1:${server.address.port}/`);
  const url = (path: string) => new URL(path, server.url);

  const refused = await fetch(url("/api/status"));
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get("content-type"), "application/json; charset=utf-8");
  assert.match((await refused.json()).error, /Missing token/);
  const page = await fetch(url("/"));
  assert.equal(page.status, 401, "the dashboard's page too");
  await page.body?.cancel();

  const bearer = { authorization: `Bearer ${TOKEN}` };
  const status = await fetch(url("/api/status"), { headers: bearer });
  assert.equal(status.status, 200);
  assert.equal((await status.json()).terminal.port, terminal.port);
  const changed = await fetch(url("/api/settings"), {
    method: "PATCH",
    headers: { ...bearer, "content-type": "application/json" },
    body: JSON.stringify({ failure: true }),
  });
  assert.equal((await changed.json()).failure, true);

  const login = await fetch(url(`/?token=${TOKEN}`), { redirect: "manual" });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get("location"), "/");
  const cookie = login.headers.get("set-cookie")!;
  assert.match(
    cookie,
    new RegExp(
      `^caisse-ap-${server.address.port}=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict$`,
    ),
  );
  await login.body?.cancel();
  const session = { cookie: cookie.split(";")[0] };
  const dashboard = await fetch(url("/"), { headers: session });
  assert.equal(dashboard.status, 200);
  assert.match(await dashboard.text(), /<title>caisse-ap/);
  const events = await fetch(url("/api/events"), { headers: session });
  assert.equal(events.status, 200);
  const stream = sseReader(events.body!);
  assert.equal((await stream.next()).event, "snapshot");
  await stream.cancel();
});

Deno.test("the server refuses to listen beyond this machine without a token", () => {
  assert.throws(
    () => startControlServer({} as TerminalControl, { hostname: "0.0.0.0", port: 0 }),
    /Listening on "0\.0\.0\.0" opens the control API to the network: give a token too/,
  );
  assert.throws(
    () => startControlServer({} as TerminalControl, { token: "short" }),
    RangeError,
  );
});

Deno.test("views never throw on what came off the wire, however odd", () => {
  const view = arrivalView({
    id: 1,
    connectionId: 1,
    peer: "127.0.0.1:1",
    at: "2026-11-27T12:00:00.000Z",
    fields: [{ tag: "CB", value: "" }, { tag: "CF", value: "\x01<b>" }, { tag: "ce", value: "x" }],
    error: "bad",
  });
  assert.equal(view.raw, "CB000CF004\x01<b>ce001x");
  assert.equal(view.summary.privateData, "\x01<b>");
  assert.equal(view.summary.amount, undefined);
  assert.equal(view.error, "bad");
});
