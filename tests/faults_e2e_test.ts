// One test per fault, client and simulator together over 127.0.0.1: the POS client,
// spawned as a user runs it, says what happened, exits as documented and says when the
// payment may have been taken; the journal records what the terminal believes and what
// happened to its answer. The faults are picked by the POS's reference (CF), with the
// rules of the example scenario lib/scenarios/faults.yaml.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pay, PosError } from "../lib/pos.ts";
import { RuleEngine } from "../lib/terminal/engine.ts";
import { Journal, type JournalEntry } from "../lib/terminal/journal.ts";
import { parseScenario } from "../lib/terminal/scenario.ts";
import {
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
} from "../lib/terminal/simulator.ts";
import { decodePartial } from "../lib/tlv.ts";
import { run } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCENARIO_FILE = "lib/scenarios/faults.yaml";
const scenario = parseScenario(await Deno.readTextFile(`${ROOT}${SCENARIO_FILE}`), SCENARIO_FILE);

interface Terminal {
  port: number;
  terminal: TerminalSimulator;
  journal: Journal;
  /** The next transaction to end (answered or not), as the simulator reports it. */
  nextEnd(): Promise<Transaction>;
}

/** A simulator deciding with the faults scenario, journaled in memory. */
async function withFaults(
  fn: (t: Terminal) => Promise<void>,
  options: SimulatorOptions = {},
): Promise<void> {
  const engine = new RuleEngine({ scenario });
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { ...scenario.settings },
    decide: engine.decide,
    ...options,
  });
  const journal = new Journal();
  journal.attach(terminal);
  const ends: Transaction[] = [];
  const waiting: ((t: Transaction) => void)[] = [];
  const onEnd = (event: Event) => {
    const transaction = (event as CustomEvent<Transaction>).detail;
    const waiter = waiting.shift();
    if (waiter) waiter(transaction);
    else ends.push(transaction);
  };
  terminal.addEventListener("answer", onEnd);
  terminal.addEventListener("abandon", onEnd);
  const { port } = await terminal.start();
  try {
    await fn({
      port,
      terminal,
      journal,
      nextEnd: () => {
        const ended = ends.shift();
        if (ended) return Promise.resolve(ended);
        return new Promise((resolve) => waiting.push(resolve));
      },
    });
  } finally {
    await terminal.close({ force: true });
  }
}

/** What the client printed with --json. */
interface ClientJson {
  outcome: string;
  exitCode?: number;
  answer?: { frame: string; fields: Record<string, string>; reason: string | null };
  error?: { kind: string; message: string; paymentMayBeTaken: boolean; received: string };
}

/** Runs client.ts against the simulator, with --json; its exit code and its report. */
async function client(port: number, args: string[]): Promise<{ code: number; json: ClientJson }> {
  const output = await run(
    Deno.execPath(),
    ["run", "-A", "--quiet", "client.ts", "-p", String(port), "--json", ...args],
    { cwd: ROOT },
  );
  try {
    return { code: output.code, json: JSON.parse(output.stdout) };
  } catch {
    throw new Error(
      `No JSON from the client (exit ${output.code}):\n${output.stdout}${output.stderr}`,
    );
  }
}

/** The journal's entry of the transaction whose private data is `cf`. */
function entryOf(journal: Journal, cf: string): JournalEntry {
  const entry = journal.list().find((e) => e.request.fields.CF === cf);
  assert.ok(entry, `no journal entry for CF=${cf}`);
  return entry;
}

const MAY_BE_TAKEN = /the payment may still have been taken; check the terminal$/;

Deno.test("no-answer: the POS times out, exit 3; the terminal approved and withheld its answer", async () => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "NOANSWER-1", "--timeout", "1"]);
    assert.equal(code, 3);
    assert.equal(json.error?.kind, "timeout");
    assert.equal(json.error?.paymentMayBeTaken, true);
    assert.match(json.error!.message, /^No answer within 1 s: /);
    assert.match(json.error!.message, MAY_BE_TAKEN);
    // The POS gave up and closed: the terminal notices and ends the transaction.
    const transaction = await ended;
    assert.equal(transaction.state, "dropped");
    const entry = entryOf(journal, "NOANSWER-1");
    assert.equal(entry.decision.outcome, "approved");
    assert.match(entry.answer.fields.AC, /^[0-9]{6}$/);
    assert.deepEqual(entry.fault?.spec, { kind: "no-answer" });
    assert.equal(entry.fault?.origin, "outcome");
    assert.equal(entry.state, "dropped");
    assert.equal(entry.sent, "");
    assert.match(entry.note!, /kept open, silent, until the POS closes it; the POS closed it$/);
  });
});

Deno.test("close-before-answer: closed without an answer, exit 3; the journal says what was decided", async (t) => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    await t.step("approved by default, then closed at once", async () => {
      const ended = nextEnd();
      const { code, json } = await client(port, ["--private-data", "CLOSE-1"]);
      assert.equal(code, 3);
      assert.equal(json.error?.kind, "closed");
      assert.equal(json.error?.paymentMayBeTaken, true);
      assert.match(
        json.error!.message,
        /^The terminal at 127\.0\.0\.1:\d+ closed the connection without answering: /,
      );
      assert.match(json.error!.message, MAY_BE_TAKEN);
      await ended;
      const entry = entryOf(journal, "CLOSE-1");
      assert.equal(entry.decision.outcome, "approved");
      assert.equal(entry.fault?.spec.kind, "close-before-answer");
      assert.equal(entry.delay.plannedMs, 0);
      assert.equal(entry.state, "dropped");
      assert.equal(entry.sent, "");
      assert.equal(entry.note, "no answer: the connection is closed after the request");
    });
    await t.step("a refusal the POS is never told about", async () => {
      const ended = nextEnd();
      const { code, json } = await client(port, ["--private-data", "REFUSED-DROP-1"]);
      assert.equal(code, 3);
      assert.equal(json.error?.kind, "closed");
      await ended;
      const entry = entryOf(journal, "REFUSED-DROP-1");
      assert.equal(entry.decision.outcome, "declined");
      assert.equal(entry.answer.fields.AF, "04");
      assert.equal(entry.state, "dropped");
    });
  });
});

Deno.test("reset: aborted without an answer, exit 3; the journal says reset", async () => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "RESET-1"]);
    assert.equal(code, 3);
    // Deno cannot send a TCP RST (see delivery.ts): the POS may see a close instead.
    assert.ok(json.error?.kind === "reset" || json.error?.kind === "closed", json.error?.kind);
    assert.equal(json.error?.paymentMayBeTaken, true);
    assert.match(json.error!.message, MAY_BE_TAKEN);
    await ended;
    const entry = entryOf(journal, "RESET-1");
    assert.equal(entry.fault?.spec.kind, "reset");
    assert.equal(entry.state, "dropped");
    assert.equal(entry.note, "no answer: the connection is aborted after the request");
  });
});

Deno.test("approve-then-drop: the POS has no answer, exit 3; the journal: approved, its authorisation number, dropped", async () => {
  // Failure mode: the terminal would refuse, but this fault always approves.
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "DROP-1", "--amount", "42.00"]);
    assert.equal(code, 3);
    assert.equal(json.error?.kind, "closed");
    assert.equal(json.error?.paymentMayBeTaken, true);
    assert.match(json.error!.message, MAY_BE_TAKEN);
    const transaction = await ended;
    assert.equal(transaction.state, "dropped");
    const entry = entryOf(journal, "DROP-1");
    assert.equal(entry.decision.outcome, "approved");
    assert.equal(entry.answer.fields.AE, "10");
    assert.equal(entry.answer.fields.CB, "4200");
    assert.match(entry.answer.fields.AC, /^[0-9]{6}$/);
    assert.equal(entry.fault?.spec.kind, "approve-then-drop");
    assert.equal(entry.state, "dropped");
    assert.equal(entry.sent, "");
    assert.equal(entry.note, "the answer is dropped: the connection is closed without it");
  }, { settings: { ...scenario.settings, failure: true, failureType: "refused" } });
});

Deno.test("split-answer: 4 pieces, pauses longer than the client's quiet period, read whole", async (t) => {
  for (const keepOpen of [false, true]) {
    await t.step(
      keepOpen ? "the terminal keeps the connection open" : "the terminal closes",
      async () => {
        await withFaults(async ({ port, journal, nextEnd }) => {
          const ended = nextEnd();
          const { code, json } = await client(port, ["--private-data", "SPLIT-1"]);
          assert.equal(code, 0, JSON.stringify(json));
          assert.equal(json.outcome, "approved");
          const transaction = await ended;
          assert.equal(transaction.state, "answered");
          const entry = entryOf(journal, "SPLIT-1");
          assert.equal(json.answer?.frame, entry.answer.raw);
          assert.equal(json.answer?.fields.AC, entry.answer.fields.AC);
          assert.equal(entry.fault?.delivery, "the answer in 4 pieces, 0.4 s apart");
          assert.equal(entry.sent, undefined);
        }, { keepOpen });
      },
    );
  }
});

Deno.test("slow-answer: 10 bytes every 0.15 s, slower than the quiet period, read whole", async () => {
  // The terminal keeps the connection open: only silence can end the answer, and the
  // pauses (150 ms) are longer than the client's quiet period (100 ms).
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, [
      "--private-data",
      "SLOW-1",
      "--quiet-period",
      "100",
    ]);
    assert.equal(code, 0, JSON.stringify(json));
    await ended;
    const entry = entryOf(journal, "SLOW-1");
    assert.equal(json.answer?.frame, entry.answer.raw);
    assert.equal(entry.state, "answered");
  }, { keepOpen: true });
});

Deno.test("garbage-answer: a malformed answer, exit 3; the journal has the bytes sent", async () => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "GARBAGE-1"]);
    assert.equal(code, 3);
    assert.equal(json.error?.kind, "protocol");
    assert.equal(json.error?.paymentMayBeTaken, true);
    assert.match(json.error!.message, /^Malformed answer from 127\.0\.0\.1:\d+: Invalid tag /);
    assert.match(json.error!.message, MAY_BE_TAKEN);
    await ended;
    const entry = entryOf(journal, "GARBAGE-1");
    assert.equal(entry.decision.outcome, "approved");
    assert.equal(entry.state, "dropped");
    assert.equal(entry.sent?.length, 32);
    assert.equal(json.error?.received, entry.sent);
    assert.equal(decodePartial(entry.sent!).error?.offset, 0);
  });
});

Deno.test("truncated-answer: cut inside the status record, exit 3; the journal has what was sent", async () => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "TRUNCATED-1"]);
    assert.equal(code, 3);
    assert.equal(json.error?.kind, "protocol");
    assert.match(json.error!.message, /Record "AE" at offset \d+ is cut short/);
    assert.match(json.error!.message, MAY_BE_TAKEN);
    await ended;
    const entry = entryOf(journal, "TRUNCATED-1");
    assert.equal(entry.state, "dropped");
    assert.ok(entry.answer.raw.startsWith(entry.sent!));
    assert.ok(entry.sent!.endsWith("AE0021"), entry.sent);
    assert.equal(json.error?.received, entry.sent);
  });
});

Deno.test("busy: AE=01 AF=07 at once, exit 1 (nothing was taken); the journal says busy", async () => {
  await withFaults(async ({ port, journal, nextEnd }) => {
    const ended = nextEnd();
    const { code, json } = await client(port, ["--private-data", "BUSY-1"]);
    assert.equal(code, 1);
    assert.equal(json.outcome, "not-done");
    assert.equal(json.answer?.fields.AF, "07");
    assert.equal(json.answer?.reason, "not completed");
    await ended;
    const entry = entryOf(journal, "BUSY-1");
    assert.equal(entry.decision.outcome, "declined");
    assert.equal(entry.fault?.spec.kind, "busy");
    assert.equal(entry.state, "answered");
  });
});

Deno.test("refuse-connections: answered, then connections are refused, then accepted again on the same port", async () => {
  await withFaults(async ({ port, terminal, journal, nextEnd }) => {
    const events: string[] = [];
    const listeningAgain = new Promise<number>((resolve) =>
      terminal.on("listening", (e) => resolve(e.detail.port))
    );
    terminal.on("refusing", (e) => events.push(`refusing ${e.detail.periodMs}`));
    const ended = nextEnd();
    const { code } = await client(port, ["--private-data", "OFFLINE-1"]);
    assert.equal(code, 0);
    await ended;
    assert.deepEqual(events, ["refusing 2000"]);
    assert.equal(terminal.refusing, true);
    await assert.rejects(pay({ amount: 100 }, { port, timeoutMs: 5000 }), (e: unknown) => {
      assert.ok(e instanceof PosError);
      assert.equal(e.kind, "connect");
      assert.equal(e.paymentMayBeTaken, false); // never sent
      assert.match(e.message, /connection refused/);
      return true;
    });
    assert.equal(await listeningAgain, port);
    assert.equal(terminal.refusing, false);
    const again = await client(port, ["--private-data", "BACK-1"]);
    assert.equal(again.code, 0);
    const entry = entryOf(journal, "OFFLINE-1");
    assert.deepEqual(entry.fault?.spec, { kind: "refuse-connections", periodMs: 2000 });
    assert.equal(entry.state, "answered");
  });
});
