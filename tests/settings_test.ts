// The settings table and what is derived from it: the command line (parseServerArgs,
// without a subprocess), the scenario reader, the control API's view and change; then
// the one assembly of the terminal (no late binding, arrivals, the clock).
import assert from "node:assert/strict";
import { pay } from "../lib/pos.ts";
import { startTerminal } from "../lib/fixture.ts";
import { assembleTerminal } from "../lib/terminal/assemble.ts";
import { decide, DEFAULT_SETTINGS } from "../lib/terminal/behaviour.ts";
import type { Arrival } from "../lib/terminal/control.ts";
import { makeAccessPolicy } from "../lib/terminal/http/auth.ts";
import { parseSettingsChange } from "../lib/terminal/http/input.ts";
import { createControlHandler } from "../lib/terminal/http/routes.ts";
import { settingsView } from "../lib/terminal/http/views.ts";
import {
  describeScenario,
  parseScenario,
  readSettingsValue,
  scenarioProblems,
  SETTING_KEYS,
} from "../lib/terminal/scenario.ts";
import { parseServerArgs, serverCommand } from "../lib/terminal/server_config.ts";
import {
  legacyOptions,
  overlaySettings,
  overriddenSettings,
  type SettingRow,
  SETTINGS,
} from "../lib/terminal/settings.ts";

/** A value of each setting other than its default, as the API and a scenario write it. */
function sample(row: SettingRow): unknown {
  const type = row.type;
  switch (type.kind) {
    case "flag":
      return true;
    case "word":
      return type.words.find((word) => word !== row.default);
    case "seconds":
      return 1.5;
    case "integer":
      return type.max;
    case "tag":
      return { CG: "9876543210", CZ: "0320", CJ: "999999999999" }[type.tag] ??
        JSON.parse(type.example);
    case "fault":
      return { kind: "split-answer", segments: 3, gap: 0.2 };
  }
}

Deno.test("the settings table: keys, fields and options are unique and consistent", () => {
  const keys = SETTINGS.map((row) => row.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(new Set(SETTINGS.map((row) => row.field)).size, keys.length);
  for (const row of SETTINGS) {
    assert.match(row.key, /^[a-z]+(-[a-z]+)*$/, row.key);
    assert.ok(row.option.flags.includes(`--${row.key}`), `${row.key}: ${row.option.flags}`);
    assert.ok(row.help.length > 10, row.key);
  }
  assert.deepEqual(SETTING_KEYS, SETTINGS.filter((row) => row.scenario).map((row) => row.key));
  assert.deepEqual(legacyOptions(), {
    "-ft": "--failure-type",
    "-pt": "--payment-type",
    "-sc": "--seller-contract",
  });
});

Deno.test("every setting of the table, through each way in", async (t) => {
  await using terminal = await startTerminal();
  const handler = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
    onError: (error) => {
      throw error;
    },
  });
  const api = async (method: string, body?: unknown) => {
    const response = await handler(
      new Request("http://127.0.0.1:8080/api/settings", {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      }),
    );
    return { status: response.status, body: await response.json() };
  };
  try {
    for (const row of SETTINGS) {
      await t.step(row.key, async () => {
        const value = sample(row);
        assert.notEqual(value, undefined, row.key);
        // GET shows every setting PATCH accepts, and PATCH takes back what GET shows.
        const before = await api("GET");
        assert.ok(row.key in before.body, `GET /api/settings has no "${row.key}"`);
        const changed = await api("PATCH", { [row.key]: value });
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
        assert.deepEqual(changed.body[row.key], value);
        assert.deepEqual((await api("GET")).body[row.key], value);
        const back = await api("PATCH", { [row.key]: before.body[row.key] });
        assert.equal(back.status, 200, JSON.stringify(back.body));
        assert.deepEqual(back.body, before.body);
        // A scenario may set it, or is told it may not.
        const read = readSettingsValue({ [row.key]: value });
        if (row.scenario) assert.equal(read.problems, undefined, read.problems?.join());
        else assert.match(read.problems?.[0] ?? "", new RegExp(`Unknown key "${row.key}"`));
        // The command line has it, and parses it as the API reads it.
        const option = serverCommand().options.find((o) => o.long === `--${row.key}`);
        assert.ok(option, `no --${row.key}`);
        const args = row.type.kind === "flag"
          ? [`--${row.key}`, ...(row.key === "hold" ? ["--http", "0"] : [])]
          : [
            `--${row.key}`,
            row.type.kind === "fault" ? "split-answer:segments=3,gap=0.2" : String(value),
          ];
        const { config } = parseServerArgs(args, { stdinIsTerminal: () => false });
        assert.ok(config, args.join(" "));
        assert.ok(config.givenSettings.has(row.key));
        const fromCli = row.scope === "terminal"
          ? (config.settings as unknown as Record<string, unknown>)[row.field]
          : config[row.field as "hold" | "magicAmounts"];
        const fromApi = parseSettingsChange({ [row.key]: value })[row.field];
        assert.deepEqual(fromCli, fromApi);
      });
    }
  } finally {
    handler.events.close();
  }
});

Deno.test("GET /api/settings shows fault and strict", () => {
  const view = settingsView({
    ...DEFAULT_SETTINGS,
    fault: { kind: "slow-answer", bytes: 2, intervalMs: 500 },
    strict: true,
    magicAmounts: false,
    hold: false,
  });
  assert.deepEqual(view.fault, { kind: "slow-answer", bytes: 2, interval: 0.5 });
  assert.equal(view.strict, true);
  assert.deepEqual(Object.keys(view).sort(), SETTINGS.map((row) => row.key).sort());
  const unset = settingsView({ ...DEFAULT_SETTINGS, magicAmounts: false, hold: false });
  assert.equal(unset.fault, null);
  assert.equal(unset.strict, false);
  // null takes an optional setting back to unset.
  assert.deepEqual(parseSettingsChange({ fault: null, "answer-version": null }), {
    fault: undefined,
    answerVersion: undefined,
  });
});

Deno.test("parseServerArgs: a configuration, without a subprocess", async (t) => {
  await t.step("the defaults", () => {
    const { config } = parseServerArgs([]);
    assert.ok(config);
    assert.deepEqual(config.settings, DEFAULT_SETTINGS);
    assert.equal(config.givenSettings.size, 0);
    assert.equal(config.port, 8888);
    assert.equal(config.host, "0.0.0.0");
    assert.equal(config.hold, false);
    assert.equal(config.magicAmounts, undefined);
  });
  await t.step("the reference tool's spellings and the settings given", () => {
    const { config } = parseServerArgs([
      "-f",
      "-ft",
      "refused",
      "-d",
      "0.5",
      "-sc",
      "777",
      "--strict",
      "--fault",
      "no-answer",
      "--magic-amounts",
      "--port",
      "0",
    ]);
    assert.ok(config);
    assert.deepEqual(config.settings, {
      ...DEFAULT_SETTINGS,
      failure: true,
      failureType: "refused",
      delayMs: 500,
      merchantContract: "777",
      strict: true,
      fault: { kind: "no-answer" },
    });
    assert.deepEqual(
      [...config.givenSettings].sort(),
      [
        "duration",
        "failure",
        "failure-type",
        "fault",
        "magic-amounts",
        "seller-contract",
        "strict",
      ],
    );
    assert.equal(config.magicAmounts, true);
    assert.equal(config.port, 0);
  });
  await t.step("usage errors give exit code 2", () => {
    const stderr = Deno.stderr.writeSync;
    const written: string[] = [];
    Deno.stderr.writeSync = (bytes: Uint8Array) => {
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    };
    try {
      for (
        const [args, message] of [
          [["--seller-contract", "12345678901"], /--seller-contract must be 1 to 10 characters/],
          [["--terminal-id", "12"], /Invalid --terminal-id "12"/],
          [["--hold"], /--hold needs --http/],
          [["--http-token", "x"], /--http-token goes with --http/],
          [["--interactive"], /--interactive needs a person at a terminal/],
          [["--input-timeout", "0"], /from more than 0 to 3600/],
          [["--fault", "no-anwser"], /did you mean "no-answer"/],
        ] as const
      ) {
        written.length = 0;
        const parsed = parseServerArgs(args, { stdinIsTerminal: () => false });
        assert.equal(parsed.exit, 2, args.join(" "));
        assert.match(written.join(""), message);
      }
    } finally {
      Deno.stderr.writeSync = stderr;
    }
  });
  await t.step("--interactive with a person at the keyboard", () => {
    const { config } = parseServerArgs(["--interactive"], { stdinIsTerminal: () => true });
    assert.equal(config?.interactive, true);
  });
});

Deno.test("a scenario's settings yield to the command line's", () => {
  const scenario = parseScenario("settings: { duration: 2, failure: true }\nrules: []\n");
  const { config } = parseServerArgs(["-d", "0.1"]);
  assert.ok(config);
  const settings = overlaySettings(config.settings, scenario.settings, config.givenSettings);
  assert.equal(settings.delayMs, 100);
  assert.equal(settings.failure, true);
  assert.deepEqual(overriddenSettings(scenario.settings, config.givenSettings), ["duration"]);
});

Deno.test("one scenario summary, one scenario error format", () => {
  assert.equal(
    describeScenario(parseScenario("settings: { duration: 1, strict: true }\nrules: []\n")),
    "0 rules, 2 settings",
  );
  assert.equal(
    describeScenario(
      parseScenario("settings: { magic-amounts: true }\nrules: [{ outcome: refused }]"),
    ),
    "1 rule, 0 settings, magic amounts on",
  );
  let problems: string[] = [];
  try {
    parseScenario("rules:\n  - outcome: refusd\n  - outcome: 99x\n", "s.yaml");
  } catch (error) {
    problems = scenarioProblems(error);
  }
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^s\.yaml:2:14: Unknown result "refusd"/);
  assert.match(problems[1], /^s\.yaml:3:14: /);
  assert.deepEqual(scenarioProblems(new Error("No such file")), ["No such file"]);
});

Deno.test("assembleTerminal: arrivals before the decision, and the clock everywhere it reaches", async () => {
  const clock = new Date("2030-01-02T03:04:05.000Z");
  const terminal = assembleTerminal({
    simulator: { hostname: "127.0.0.1", port: 0, now: () => clock },
    settings: { delayMs: 0 },
    hold: true,
    journal: {},
    control: {},
  });
  const control = terminal.control!;
  const arrived: Arrival[] = [];
  control.on("arrived", (event) => arrived.push(event.detail));
  const address = await terminal.simulator.start();
  try {
    const payment = pay({ amount: 1250 }, { host: "127.0.0.1", port: address.port });
    const held = await control.nextHeld();
    // Announced before it was decided: it is still waiting for a decision.
    assert.equal(arrived.length, 1);
    assert.equal(arrived[0].id, held.id);
    assert.equal(arrived[0].at, clock.toISOString());
    control.decideHeldWith(held.id, "refuse");
    assert.equal((await payment).answer.reason, "refused");
    const [entry] = control.journal.list();
    assert.equal(entry.decidedAt, clock.toISOString());
    assert.equal(entry.answeredAt, clock.toISOString());
  } finally {
    await terminal.close();
    await terminal.simulator.close();
  }
});

Deno.test("assembleTerminal: an answer source decides instead of the engine", async () => {
  const terminal = assembleTerminal({
    simulator: { hostname: "127.0.0.1", port: 0 },
    settings: { delayMs: 0 },
    decide: (request, settings, context) =>
      decide(request, { ...settings, failure: true }, context),
  });
  const address = await terminal.simulator.start();
  try {
    const { answer } = await pay({ amount: 100 }, { host: "127.0.0.1", port: address.port });
    assert.equal(answer.approved, false);
  } finally {
    await terminal.close();
    await terminal.simulator.close();
  }
});
