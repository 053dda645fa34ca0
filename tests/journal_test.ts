// The journal: in memory (a bounded ring) and in a JSON Lines file, written before the
// answer is sent.
import assert from "node:assert/strict";
import { pay } from "../lib/pos.ts";
import { RuleEngine } from "../lib/terminal/engine.ts";
import {
  Journal,
  type JournalEntry,
  type JournalRecord,
  type JournalSink,
} from "../lib/terminal/journal.ts";
import { JournalFile, parseJournal, readJournalFile } from "../lib/terminal/journal_file.ts";
import { parseScenario } from "../lib/terminal/scenario.ts";
import { TerminalSimulator, type Transaction } from "../lib/terminal/simulator.ts";

const local = (port: number) => ({ host: "127.0.0.1", port, timeoutMs: 10_000, quietMs: 50 });

async function withJournaledTerminal(
  journal: Journal,
  fn: (port: number, terminal: TerminalSimulator) => Promise<void>,
  options: ConstructorParameters<typeof TerminalSimulator>[0] = {},
) {
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 0 },
    ...options,
  });
  const detach = journal.attach(terminal);
  const { port } = await terminal.start();
  try {
    await fn(port, terminal);
  } finally {
    await terminal.close({ force: true });
    detach();
    await journal.flush();
  }
}

Deno.test("every transaction is in the journal: request, decision and why, answer, end", async () => {
  const scenario = parseScenario(
    `
rules:
  - name: big ones are refused
    when: { amount: { min: 10000 } }
    outcome: refused
  - name: refunds are forbidden
    when: { action: refund }
    outcome: forbidden
`,
    "j.yaml",
  );
  const journal = new Journal({ run: "test-run" });
  const engine = new RuleEngine({ scenario });
  await withJournaledTerminal(journal, async (port) => {
    await pay({ amount: 1250 }, local(port));
    await pay({ amount: 20000, privateData: "REF-9" }, local(port));
    await pay({ amount: 300, action: "credit" }, local(port));
    // The end of a transaction is recorded when the simulator reports it.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }, { decide: engine.decide, timeScale: 0.5 });
  const entries = journal.list();
  assert.deepEqual(entries.map((e) => e.id), [1, 2, 3]);
  const [approved, refused, forbidden] = entries;
  assert.equal(approved.run, "test-run");
  assert.equal(approved.state, "answered");
  assert.ok(approved.answeredAt && approved.endedAt);
  assert.match(approved.peer, /^127\.0\.0\.1:\d+$/);
  assert.equal(approved.connectionId, 1);
  assert.equal(approved.request.fields.CB, "1250");
  assert.equal(approved.request.end, "complete");
  assert.match(approved.request.raw, /^CZ0040300CJ012/);
  assert.equal(approved.answer.fields.AE, "10");
  assert.equal(approved.decision.decidedBy?.source, "settings");
  assert.equal(approved.decision.notMatched?.length, 2);
  assert.deepEqual(approved.findings, []);
  assert.deepEqual(refused.decision.decidedBy, {
    source: "rule",
    rule: {
      position: 1,
      origin: "scenario",
      name: "big ones are refused",
      file: "j.yaml",
      line: 3,
    },
  });
  assert.equal(refused.answer.fields.AF, "04");
  assert.equal(refused.request.fields.CF, "REF-9");
  assert.deepEqual(forbidden.decision.notMatched, [{
    rule: {
      position: 1,
      origin: "scenario",
      name: "big ones are refused",
      file: "j.yaml",
      line: 3,
    },
    why: "amount 300 is below 10000",
  }]);
  assert.deepEqual(forbidden.decision.applied, { status: "not-done", complement: "05" });
  assert.deepEqual(approved.delay, { plannedMs: 0, waitedMs: 0 });
});

Deno.test("the memory journal: list, since, get, clear, and a bounded ring", async () => {
  const journal = new Journal({ capacity: 3 });
  await withJournaledTerminal(journal, async (port) => {
    for (let i = 0; i < 5; i++) await pay({ amount: 100 + i }, local(port));
  });
  assert.equal(journal.size, 3);
  assert.deepEqual(journal.list().map((e) => e.id), [3, 4, 5]);
  assert.deepEqual(journal.since(4).map((e) => e.id), [5]);
  assert.deepEqual(journal.since(0).map((e) => e.request.fields.CB), ["102", "103", "104"]);
  assert.equal(journal.get(1), undefined);
  assert.equal(journal.get(4)?.request.fields.CB, "103");
  // Copies: changing one does not change the journal.
  journal.get(4)!.state = "cancelled";
  assert.equal(journal.get(4)?.state, "answered");
  journal.clear();
  assert.equal(journal.size, 0);
  assert.throws(() => new Journal({ capacity: 0 }), RangeError);
});

Deno.test("the journal's record is written before the answer is sent", async () => {
  const records: JournalRecord[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let writing!: () => void;
  const written = new Promise<void>((resolve) => writing = resolve);
  const slowSink: JournalSink = {
    async append(record) {
      if (record.type === "transaction") {
        writing();
        await held;
      }
      records.push(record);
    },
  };
  const journal = new Journal({ sink: slowSink, run: "r" });
  await withJournaledTerminal(journal, async (port) => {
    let answered = false;
    const payment = pay({ amount: 1250 }, local(port)).then((r) => {
      answered = true;
      return r;
    });
    await written;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(answered, false, "the answer was sent before the journal was written");
    release();
    assert.equal((await payment).answer.approved, true);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  assert.deepEqual(records.map((r) => r.type), ["start", "transaction", "end"]);
  const transaction = records[1] as JournalEntry;
  assert.equal(transaction.state, "pending");
  assert.equal(records[2].type === "end" && records[2].state, "answered");
});

Deno.test("a journal that cannot be written: no answer, the transaction fails", async () => {
  const journal = new Journal({
    sink: { append: () => Promise.reject(new Error("No space left on device")) },
  });
  const ended: Transaction[] = [];
  await withJournaledTerminal(journal, async (port, terminal) => {
    terminal.on("abandon", (e) => ended.push(e.detail));
    await assert.rejects(pay({ amount: 1250 }, local(port)), /closed the connection/);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  assert.equal(ended[0]?.state, "failed");
  assert.equal(ended[0]?.error, "No space left on device");
  assert.equal(journal.get(1)?.state, "failed");
  assert.match(journal.failure?.message ?? "", /No space left/);
});

Deno.test("a journal file: one JSON object per line, appended across runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/journal.jsonl`;
    for (const run of ["first", "second"]) {
      const file = await JournalFile.open(path);
      const journal = new Journal({ sink: file, run, version: "test" });
      await withJournaledTerminal(journal, async (port) => {
        await Promise.all([1, 2, 3].map((i) => pay({ amount: 100 * i }, local(port))));
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
      await file.close();
      await assert.rejects(file.append({ type: "start", run, at: "", version: "" }), /closed/);
    }
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    const records = lines.map((line) => JSON.parse(line) as JournalRecord);
    assert.equal(records.length, 2 * (1 + 3 + 3));
    for (const run of ["first", "second"]) {
      const mine = records.filter((r) => r.run === run);
      assert.equal(mine[0].type, "start");
      const transactions = mine.filter((r) => r.type === "transaction") as JournalEntry[];
      const ends = mine.filter((r) => r.type === "end");
      assert.deepEqual(transactions.map((t) => t.id).sort(), [1, 2, 3]);
      assert.deepEqual(ends.map((e) => e.type === "end" && e.state), [
        "answered",
        "answered",
        "answered",
      ]);
      assert.deepEqual(
        transactions.map((t) => t.request.fields.CB).sort(),
        ["100", "200", "300"],
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("clearing the journal keeps the transactions still waiting for their answer", async () => {
  const records: JournalRecord[] = [];
  const journal = new Journal({ sink: { append: (r) => Promise.resolve(void records.push(r)) } });
  let answered!: () => void;
  const gate = new Promise<void>((resolve) => answered = resolve);
  await withJournaledTerminal(journal, async (port, terminal) => {
    await pay({ amount: 100 }, local(port));
    // The second payment waits in a hook after its record: still pending.
    const decided = new Promise<void>((resolve) => terminal.on("request", () => resolve()));
    const remove = terminal.beforeAnswer(() => gate);
    const second = pay({ amount: 200 }, local(port));
    await decided;
    await journal.flush();
    assert.equal(journal.clear(), 1);
    assert.deepEqual(journal.list().map((e) => [e.id, e.state]), [[2, "pending"]]);
    answered();
    await second;
    remove();
    assert.equal(journal.get(2)?.state, "answered");
    assert.equal(journal.clear(), 1);
    assert.equal(journal.size, 0);
  });
  // In the sink, the second transaction ended with an end record, not a second copy.
  const second = records.filter((r) => r.type !== "start" && r.id === 2).map((r) => r.type);
  assert.deepEqual(second, ["transaction", "end"]);
});

Deno.test("a journal file torn by a crash: the next record on a new line, the torn line skipped", async (t) => {
  const dir = await Deno.makeTempDir();
  const start = (run: string): JournalRecord => ({ type: "start", run, at: "t", version: "v" });
  try {
    await t.step("a torn last line: the next run starts a new line", async () => {
      const path = `${dir}/torn.jsonl`;
      const whole = JSON.stringify(start("first"));
      const torn = '{"type":"transaction","id":1,"amou';
      await Deno.writeTextFile(path, `${whole}\n${torn}`);
      const file = await JournalFile.open(path, { sync: false });
      await file.append(start("second"));
      await file.append(start("third"));
      await file.close();
      assert.equal(
        await Deno.readTextFile(path),
        `${whole}\n${torn}\n${JSON.stringify(start("second"))}\n${
          JSON.stringify(start("third"))
        }\n`,
      );
      const { records, skipped } = await readJournalFile(path);
      assert.deepEqual(records, [start("first"), start("second"), start("third")]);
      assert.equal(skipped, 1);
    });
    await t.step(
      "a whole last line, or an empty file: nothing added before the record",
      async () => {
        for (const before of ["", JSON.stringify(start("first")) + "\n"]) {
          const path = `${dir}/whole-${before.length}.jsonl`;
          await Deno.writeTextFile(path, before);
          const file = await JournalFile.open(path, { sync: false });
          await file.append(start("second"));
          await file.close();
          assert.equal(
            await Deno.readTextFile(path),
            `${before}${JSON.stringify(start("second"))}\n`,
          );
          assert.equal((await readJournalFile(path)).skipped, 0);
        }
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reading a journal: whole JSON objects kept, anything else skipped and counted", () => {
  const record = { type: "start", run: "r", at: "t", version: "v" };
  const text = [
    JSON.stringify(record),
    "",
    '{"type":"end","id":1,"sta',
    "42",
    "null",
    "[1]",
    "  ",
    JSON.stringify({ ...record, run: "s" }),
  ].join("\n");
  assert.deepEqual(parseJournal(text), { records: [record, { ...record, run: "s" }], skipped: 4 });
  assert.deepEqual(parseJournal(""), { records: [], skipped: 0 });
});
