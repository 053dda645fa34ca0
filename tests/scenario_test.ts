// Scenario files: what they can say, and one test per kind of mistake.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildRequest, parseRequest } from "../lib/message.ts";
import { MAGIC_AMOUNTS, magicAmountRules } from "../lib/terminal/magic.ts";
import { evaluateRules, initialRuleState } from "../lib/terminal/rules.ts";
import {
  parseScenario,
  readOutcomeValue,
  readSettingsValue,
  ScenarioError,
  type ScenarioProblemKind,
  SETTING_KEYS,
} from "../lib/terminal/scenario.ts";

const SCENARIOS = fileURLToPath(new URL("../lib/scenarios/", import.meta.url));

const FULL = `
description: every key
settings:
  duration: 0.25
  failure: true
  failure-type: refused
  payment-type: amexcontact
  seller-contract: 0012
  answer-version: "0301"
  terminal-id: "330538600404"
  input-timeout: 30
  magic-amounts: true
rules:
  - name: all conditions
    when:
      amount: { min: 100, max: 99999, ends-with: "04" }
      currency: [EUR, 840]
      action: [debit, refund]
      register: 01
      application: [card, "00B"]
      answer-mode: any
      private-data: "^T-[0-9]+$"
      nth: [1, 3]
    outcome:
      result: approved
      delay: { min: 1, max: 2.5 }
      payment-type: cbcontactless
      application: "00B"
      read-mode: contactless
      card: { pan: "497010######0001", expiry: 2812, aid: A0000000421010 }
      authorisation: 42
      approved-amount: 25%
      tags: { ZT: "CK003100", CF: null }
  - when: { amount: [1250, 1300] }
    cycle: [approved, 4, { result: timeout, detail: " LATE", delay: 3 }]
  - outcome: { approved-amount: 500 }
`;

Deno.test("a scenario with every key reads into settings and rules", () => {
  const scenario = parseScenario(FULL, "full.yaml");
  assert.equal(scenario.description, "every key");
  assert.deepEqual(scenario.settings, {
    delayMs: 250,
    failure: true,
    failureType: "refused",
    paymentType: "amexcontact",
    merchantContract: "0012",
    answerVersion: "0301",
    terminalId: "330538600404",
    inputTimeoutMs: 30_000,
  });
  assert.equal(scenario.magicAmounts, true);
  assert.equal(scenario.rules.length, 3);
  const [all, cycle, last] = scenario.rules;
  assert.deepEqual(all.ref, {
    position: 1,
    origin: "scenario",
    name: "all conditions",
    file: "full.yaml",
    line: 14,
  });
  assert.deepEqual({ ...all.when, privateData: String(all.when.privateData) }, {
    amount: { min: 100, max: 99999, endsWith: "04" },
    currencies: ["978", "840"],
    actions: ["debit", "credit"],
    registers: ["01"],
    applications: ["card", "00B"],
    answerMode: "any",
    privateData: "/^T-[0-9]+$/",
    nth: [1, 3],
  });
  assert.deepEqual(all.outcomes, [{
    status: "approved",
    delay: { minMs: 1000, maxMs: 2500 },
    paymentType: "cbcontactless",
    application: "00B",
    readMode: "2",
    card: { pan: "497010######0001", expiry: "2812", aid: "A0000000421010" },
    authorisation: "42",
    approvedAmount: { percent: 25 },
    tags: { ZT: "CK003100", CF: null },
  }]);
  assert.deepEqual(cycle.when, { amount: { oneOf: [1250, 1300] } });
  assert.deepEqual(cycle.outcomes, [
    { status: "approved" },
    { status: "not-done", complement: "04" },
    {
      status: "not-done",
      complement: "08",
      complementDetail: " LATE",
      delay: { minMs: 3000, maxMs: 3000 },
    },
  ]);
  assert.equal(cycle.ref.line, 34);
  assert.deepEqual(last.outcomes, [{ status: "approved", approvedAmount: { minor: 500 } }]);
});

Deno.test("small scenarios: only rules, only settings, YAML anchors", () => {
  assert.deepEqual(parseScenario("rules: []").rules, []);
  assert.deepEqual(parseScenario("settings: { duration: 0 }").settings, { delayMs: 0 });
  const anchors = parseScenario(`
rules:
  - when: { register: "02" }
    outcome: &slow { result: refused, delay: 5 }
  - outcome: *slow
`);
  assert.deepEqual(anchors.rules[1].outcomes, anchors.rules[0].outcomes);
  assert.equal(anchors.rules[1].ref.name, undefined);
});

function problemsOf(text: string): ScenarioError {
  try {
    parseScenario(text, "bad.yaml");
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    assert.ok(error instanceof SyntaxError);
    return error;
  }
  assert.fail("the scenario was accepted");
}

Deno.test("one error per kind, with file, line, column and what was expected", async (t) => {
  const cases: [string, string, ScenarioProblemKind, number, number, RegExp][] = [
    [
      "bad YAML",
      "rules:\n  - when: { amount: 12\n",
      "syntax",
      3,
      1,
      /^Invalid YAML: /,
    ],
    [
      "duplicate key",
      "rules: []\nrules: []\n",
      "syntax",
      2,
      1,
      /^Invalid YAML: Map keys must be unique/,
    ],
    [
      "unknown key, with a suggestion",
      "rules:\n  - when: { amout: 1250 }\n    outcome: refused\n",
      "unknown-key",
      2,
      13,
      /^Unknown key "amout" in the conditions \(when\): did you mean "amount"\? expected one of "amount", /,
    ],
    [
      "unknown top-level key",
      "rule: []\n",
      "unknown-key",
      1,
      1,
      /^Unknown key "rule" in the scenario: did you mean "rules"\?/,
    ],
    [
      "missing outcome",
      "rules:\n  - when: { register: '02' }\n",
      "missing-key",
      2,
      5,
      /^Rule 1 has no "outcome" \(or "cycle"\)/,
    ],
    [
      "wrong type: a decimal amount",
      "rules:\n  - when: { amount: 12.50 }\n    outcome: refused\n",
      "type",
      2,
      21,
      /^Expected the amount in whole minor units \(1250 for 12\.50 EUR\), not "12\.50"$/,
    ],
    [
      "wrong type: rules not a list",
      "rules: { outcome: refused }\n",
      "type",
      1,
      8,
      /^Expected the rules as a list/,
    ],
    [
      "wrong type: a boolean",
      "settings: { failure: yes }\n",
      "type",
      1,
      22,
      /^Expected failure as true or false, not "yes"$/,
    ],
    [
      "bad AF name",
      "rules:\n  - outcome: refusd\n",
      "value",
      2,
      14,
      /^Unknown result "refusd": did you mean "refused"\? expected approved, an AF name/,
    ],
    [
      "unknown currency",
      "rules:\n  - when: { currency: EURO }\n    outcome: refused\n",
      "value",
      2,
      23,
      /^Unknown currency "EURO": expected an ISO 4217 code/,
    ],
    [
      "bad pattern",
      "rules:\n  - when: { private-data: '(' }\n    outcome: refused\n",
      "value",
      2,
      27,
      /^Invalid private data pattern "\(": /,
    ],
    [
      "bad tag value for the dictionary",
      "settings:\n  answer-version: 301\n",
      "value",
      2,
      19,
      /^Invalid answer version "301": CZ must be 4 digits$/,
    ],
    [
      "bad range: minimum above maximum",
      "rules:\n  - when: { amount: { min: 500, max: 100 } }\n    outcome: refused\n",
      "range",
      2,
      21,
      /^Invalid amount range: the minimum 500 is above the maximum 100$/,
    ],
    [
      "bad delay range",
      "rules:\n  - outcome: { delay: { min: 5, max: 1 } }\n",
      "range",
      2,
      23,
      /^Invalid delay range: the minimum 5 s is above the maximum 1 s$/,
    ],
    [
      "out of bounds",
      "settings: { duration: 7200 }\n",
      "range",
      1,
      23,
      /^Expected the duration from 0 to 3600 seconds, not 7200$/,
    ],
    [
      "nth from 1",
      "rules:\n  - when: { nth: 0 }\n    outcome: refused\n",
      "range",
      2,
      18,
      /^Expected a position \(nth\) from 1 to 1000000000, not 0$/,
    ],
    [
      "outcome and cycle together",
      "rules:\n  - outcome: refused\n    cycle: [approved]\n",
      "conflict",
      3,
      5,
      /^Rule 1 has both "outcome" and "cycle"/,
    ],
    [
      "partial approval of a refusal",
      "rules:\n  - outcome: { result: refused, approved-amount: 10 }\n",
      "conflict",
      2,
      14,
      /^"approved-amount" goes with the result approved, not with AF=04$/,
    ],
    [
      "empty file",
      "# nothing yet\n",
      "type",
      1,
      1,
      /^The scenario is empty/,
    ],
  ];
  for (const [what, text, kind, line, column, message] of cases) {
    await t.step(what, () => {
      const error = problemsOf(text);
      const first = error.problems[0];
      assert.equal(first.kind, kind, first.message);
      assert.deepEqual([first.line, first.column], [line, column], first.message);
      assert.match(first.message, message);
      assert.doesNotMatch(first.message, /\.$/);
      assert.equal(error.file, "bad.yaml");
      assert.equal(error.line, line);
      assert.equal(error.column, column);
      assert.ok(error.message.startsWith(`bad.yaml:${line}:${column}: `), error.message);
    });
  }
});

Deno.test("every problem of a file is reported, in the order of the file", () => {
  const error = problemsOf(`
settings:
  payment-type: visa
  duration: fast
rules:
  - when: { action: steal }
    outcome: { result: refused, colour: red }
  - outcome: approved
`);
  assert.deepEqual(error.problems.map((p) => [p.line, p.kind]), [
    [3, "value"],
    [4, "type"],
    [6, "value"],
    [7, "unknown-key"],
  ]);
  assert.match(error.message, /^bad\.yaml:3:17: Unknown payment type "visa".* \(and 3 more\)$/);
});

Deno.test("the settings keys are the server's option names", async () => {
  // Each key of a scenario's settings must be a long option of server.ts, as its help says.
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "server.ts", "--help"],
    cwd: fileURLToPath(new URL("../", import.meta.url)),
    stdin: "null",
  }).output();
  assert.equal(output.code, 0);
  const options = new Set(
    [...new TextDecoder().decode(output.stdout).matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]),
  );
  assert.ok(SETTING_KEYS.length > 5);
  for (const key of SETTING_KEYS) {
    assert.ok(options.has(key), `--${key} is not an option of server.ts`);
  }
});

Deno.test("the shipped example scenarios are valid", async (t) => {
  const files = [...Deno.readDirSync(SCENARIOS)].map((e) => e.name)
    .filter((name) => name.endsWith(".yaml")).sort(); // README.md describes them
  assert.deepEqual(files, ["bad_day.yaml", "ci_smoke.yaml", "faults.yaml", "magic_amounts.yaml"]);
  for (const file of files) {
    await t.step(file, async () => {
      const path = `${SCENARIOS}${file}`;
      const scenario = parseScenario(await Deno.readTextFile(path), path);
      assert.ok(scenario.rules.length > 0);
      assert.ok(scenario.description);
    });
  }
  await t.step("magic_amounts.yaml decides as --magic-amounts does", async () => {
    const written = parseScenario(
      await Deno.readTextFile(`${SCENARIOS}magic_amounts.yaml`),
    ).rules;
    const builtIn = magicAmountRules();
    assert.equal(written.length, MAGIC_AMOUNTS.length);
    for (let ending = 0; ending < 100; ending++) {
      const request = parseRequest(buildRequest({ amount: 1200 + ending }));
      const a = evaluateRules(written, request, initialRuleState(written.length));
      const b = evaluateRules(builtIn, request, initialRuleState(builtIn.length));
      assert.deepEqual(a.match?.outcome, b.match?.outcome, `ending ${ending}`);
      assert.equal(a.match?.index, b.match?.index);
    }
  });
});

Deno.test("an outcome or settings given as a value (JSON) are read as in a file", async (t) => {
  await t.step("the same words and the same outcome as a rule's", () => {
    const yaml = parseScenario(`
rules:
  - outcome:
      result: approved
      delay: { min: 1, max: 2 }
      payment-type: amexcontactless
      card: { pan: "497010######0001", expiry: "2812" }
      approved-amount: 50%
      tags: { ZT: "receipt", CG: null }
`).rules[0].outcomes[0];
    const json = readOutcomeValue(JSON.parse(`{
      "result": "approved",
      "delay": { "min": 1, "max": 2 },
      "payment-type": "amexcontactless",
      "card": { "pan": "497010######0001", "expiry": "2812" },
      "approved-amount": "50%",
      "tags": { "ZT": "receipt", "CG": null }
    }`));
    assert.deepEqual(json.value, yaml);
    assert.deepEqual(readOutcomeValue("timeout").value, { status: "not-done", complement: "08" });
    assert.deepEqual(readOutcomeValue("13").value, { status: "not-done", complement: "13" });
  });
  await t.step("every problem, without a line to point at", () => {
    const read = readOutcomeValue({ result: "refusd", delay: -1, colour: "red" });
    assert.equal(read.value, undefined);
    assert.equal(read.problems?.length, 3);
    assert.match(read.problems![0], /Unknown result "refusd": did you mean "refused"\?/);
    assert.match(read.problems!.join("\n"), /Unknown key "colour" in the outcome/);
    assert.match(read.problems!.join("\n"), /the delay from 0 to 3600 seconds, not -1/);
    for (const bad of [null, true, [], ["approved"], { result: 4.5 }, { detail: "x" }]) {
      assert.ok(readOutcomeValue(bad).problems, JSON.stringify(bad));
    }
  });
  await t.step("settings: the options' names and checks", () => {
    assert.deepEqual(
      readSettingsValue({
        "duration": 0.5,
        "failure": true,
        "failure-type": "refused",
        "payment-type": "cbcontactless",
        "input-timeout": 30,
        "magic-amounts": false,
      }).value,
      {
        settings: {
          delayMs: 500,
          failure: true,
          failureType: "refused",
          paymentType: "cbcontactless",
          inputTimeoutMs: 30_000,
        },
        magicAmounts: false,
      },
    );
    assert.deepEqual(readSettingsValue({ duration: 1 }).value, { settings: { delayMs: 1000 } });
    const bad = readSettingsValue({ "failure": "yes", "duration": 4000, "terminal-id": "12" });
    assert.deepEqual(bad.problems, [
      'Expected failure as true or false, not "yes"',
      "Expected the duration from 0 to 3600 seconds, not 4000",
      'Invalid terminal id "12": CJ must be 12 digits',
    ]);
    assert.ok(readSettingsValue([]).problems);
  });
});
