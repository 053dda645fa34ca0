// Record, then replay: a session through the tap in front of a simulator (the "real
// terminal"), recorded as a scenario; the simulator replaying it gives the same requests
// the same answers, byte for byte.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildRequest, type RequestOptions } from "../lib/message.ts";
import { seededRandom } from "../lib/random.ts";
import { RuleEngine } from "../lib/terminal/engine.ts";
import { ForwardTap } from "../lib/terminal/forward.ts";
import { recordedRule, renderRecording, ScenarioRecorder } from "../lib/terminal/record.ts";
import { parseScenario } from "../lib/terminal/scenario.ts";
import { TerminalSimulator, type Transaction } from "../lib/terminal/simulator.ts";
import { decode, encode } from "../lib/tlv.ts";
import { posExchange, until } from "./forward_helpers.ts";
import { run, startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The session: payments, a refusal (magic amount 12.04), a repeat, an identification, a refund. */
const SESSION: RequestOptions[] = [
  { amount: 1250 },
  { amount: 1204 },
  { amount: 1250 },
  { action: "identification" },
  { amount: 990, action: "credit", register: "02" },
  { amount: 1250 },
  { amount: 777, immediate: true },
];
const requests = SESSION.map((options) => encode(buildRequest(options)));

Deno.test("recordedRule and renderRecording (pure)", async (t) => {
  const base: Transaction = {
    id: 4,
    connectionId: 1,
    peer: "p",
    receivedAt: "",
    decidedAt: "",
    end: "complete",
    requestText: "",
    answerText: "x",
    state: "answered",
    delayMs: 1234,
    request: decode(requests[0]),
    plan: {
      outcome: "declined",
      answer: decode("CZ0040301CA00201AE00201AF00604 ABC"),
      delayMs: 1234,
      reason: "",
      findings: [],
    },
  };
  await t.step("a rule matching the request, giving the answer exactly", () => {
    const rule = recordedRule(base);
    assert.ok(typeof rule !== "string");
    assert.deepEqual(rule.when, { action: "debit", amount: 1250, currency: "978", register: "01" });
    assert.equal(rule.result, "04");
    assert.equal(rule.delayMs, 1234);
    assert.deepEqual(rule.answer, [
      { tag: "CZ", value: "0301" },
      { tag: "CA", value: null },
      { tag: "AE", value: "10".replace("10", "01") },
      { tag: "AF", value: "04 ABC" },
    ]);
  });
  await t.step("a malformed request is left out, with why", () => {
    const rule = recordedRule({
      ...base,
      request: [],
      plan: { ...base.plan, findings: [{ level: "error", message: "Empty frame" }] },
    });
    assert.equal(typeof rule, "string");
  });
  await t.step("no answer: closed by the terminal is replayed, the POS gone is not", () => {
    const closed = recordedRule({ ...base, answerText: "", state: "dropped" });
    assert.ok(typeof closed !== "string" && closed.noAnswer);
    const gone = recordedRule({ ...base, answerText: "", state: "client-gone" });
    assert.match(String(gone), /the POS went away before the terminal answered/);
  });
  await t.step("identical requests: the later first, with nth", () => {
    const rule = recordedRule(base);
    assert.ok(typeof rule !== "string");
    const text = renderRecording({
      upstream: "u:1",
      startedAt: "2026-01-01T00:00:00.000Z",
      answerVersion: "0301",
      rules: [rule, { ...rule, name: "second" }],
      skipped: ["#9: why"],
    });
    const scenario = parseScenario(text, "r.yaml");
    assert.equal(scenario.rules.length, 2);
    assert.equal(scenario.rules[0].ref.name, "second");
    assert.deepEqual(scenario.rules[0].when.nth, [2]);
    assert.equal(scenario.rules[1].when.nth, undefined);
    assert.equal(scenario.settings.answerVersion, "0301");
    assert.match(text, /# Not replayed: #9: why/);
  });
});

/** Sends the session's requests one after the other; the bytes each POS got. */
async function session(port: number): Promise<string[]> {
  const answers: string[] = [];
  for (const request of requests) answers.push((await posExchange(port, request)).bytes);
  return answers;
}

Deno.test("record through the tap, replay with the scenario: same answers byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/desk.yaml`;
  const engine = new RuleEngine({ magicAmounts: true });
  const real = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 30, answerVersion: "0301", merchantContract: "777001" },
    random: seededRandom(5),
    decide: engine.decide,
  });
  const { port: realPort } = await real.start();
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: realPort },
  });
  const recorder = await ScenarioRecorder.open(path, { upstream: tap.upstream });
  let ended = 0;
  const add = ({ detail }: CustomEvent<Transaction>) => {
    recorder.add(detail);
    ended++;
  };
  tap.on("answer", add);
  tap.on("abandon", add);
  const { port: tapPort } = await tap.start();
  let recorded: string[];
  try {
    recorded = await session(tapPort);
    await until(() => ended === requests.length, "every transaction recorded");
    await recorder.flush();
  } finally {
    await tap.close({ force: true });
    await real.close({ force: true });
  }
  assert.equal(recorder.failure, undefined);
  const text = await Deno.readTextFile(path);
  const scenario = parseScenario(text, path);
  assert.equal(scenario.rules.length, requests.length);
  assert.equal(scenario.settings.answerVersion, "0301");
  assert.equal(scenario.settings.merchantContract, "777001");
  assert.equal(scenario.settings.terminalId, "012345678901");
  // The replay: another simulator, another seed, the recorded scenario deciding.
  const replay = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { ...scenario.settings },
    random: seededRandom(99),
    decide: new RuleEngine({ scenario }).decide,
    timeScale: 0,
  });
  const { port: replayPort } = await replay.start();
  try {
    const replayed = await session(replayPort);
    assert.deepEqual(replayed, recorded);
  } finally {
    await replay.close({ force: true });
  }
  // Nothing left behind but the file.
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["desk.yaml"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("server.ts --forward --record: a file --check-scenario accepts, written as it goes", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/shop.yaml`;
  const real = await startServer(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}server.ts`,
    "--host",
    "127.0.0.1",
    "-p",
    "0",
    "-d",
    "0",
    "--seed",
    "3",
  ]);
  const tap = await startServer(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}server.ts`,
    "--host",
    "127.0.0.1",
    "-p",
    "0",
    "--forward",
    `127.0.0.1:${real.port}`,
    "--record",
    path,
  ]);
  try {
    await posExchange(tap.port, requests[0]);
    await posExchange(tap.port, requests[1]);
    // Written as the session goes: the file holds both before the tap stops.
    await until(
      () => {
        try {
          return parseScenario(Deno.readTextFileSync(path), path).rules.length === 2;
        } catch {
          return false;
        }
      },
      "the recording",
      20_000,
    );
  } finally {
    const out = await tap.stop();
    await real.stop();
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Recording the terminal as a scenario in/);
  }
  const check = await run(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}server.ts`,
    "--check-scenario",
    path,
  ]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /valid/);
  await Deno.remove(dir, { recursive: true });
});
