// The clock given to the assembly (`simulator.now`) reaches every timestamp of a
// transaction: the journal's records, the control's entries and status, the hold desk's
// `heldAt` and `deadline`, the simulator's `receivedAt`. A clock stopped in 2001 shows any
// that still read the system's.
import assert from "node:assert/strict";
import { pay } from "../mod.ts";
import { assembleTerminal } from "../lib/terminal/assemble.ts";
import type { JournalEntry, JournalRecord } from "../lib/terminal/journal.ts";

const INJECTED = "2001-02-03T04:05:06.000Z";
const TIMEOUT = "2001-02-03T04:07:06.000Z"; // INJECTED + the 120 s input time-out

Deno.test("an injected clock reaches every timestamp of a transaction", async (t) => {
  const records: JournalRecord[] = [];
  const terminal = assembleTerminal({
    simulator: { hostname: "127.0.0.1", port: 0, now: () => new Date(INJECTED) },
    settings: { delayMs: 0 },
    hold: true,
    journal: { sink: { append: (record) => Promise.resolve(void records.push(record)) } },
    control: {},
  });
  const control = terminal.control!;
  const entries: JournalEntry[] = [];
  control.on("decided", (event) => entries.push(event.detail));
  control.on("answered", (event) => entries.push(event.detail));
  await terminal.simulator.start();
  try {
    const { hostname: host, port } = terminal.simulator.address;
    const payment = pay({ amount: 1250 }, { host, port, timeoutMs: 10_000 });
    const held = await control.nextHeld();
    await t.step("the hold desk: heldAt, and the deadline from it", () => {
      assert.equal(held.heldAt, INJECTED);
      assert.equal(held.deadline, TIMEOUT);
    });
    control.decideHeldWith(held.id, "contact");
    const result = await payment;
    assert.equal(result.answer.status, "10");
    await terminal.journal!.flush();
    await t.step("the journal: the start record, the entry's times", () => {
      const start = records.find((record) => record.type === "start");
      assert.equal(start?.type === "start" ? start.at : undefined, INJECTED);
      const [entry] = terminal.journal!.list();
      assert.equal(entry.receivedAt, INJECTED);
      assert.equal(entry.decidedAt, INJECTED);
      assert.equal(entry.answeredAt, INJECTED);
      assert.equal(entry.endedAt, INJECTED);
    });
    await t.step("the journal file's records: every time field", () => {
      const times = records.flatMap((record) =>
        Object.entries(record).filter(([key]) => key === "at" || key.endsWith("At"))
      );
      assert.ok(times.length >= 4, JSON.stringify(records));
      for (const [key, value] of times) assert.equal(value, INJECTED, key);
    });
    await t.step("the control: its start, and its entries' times", () => {
      assert.equal(control.status().startedAt, INJECTED);
      assert.equal(entries.length, 2);
      for (const entry of entries) {
        assert.equal(entry.receivedAt, INJECTED);
        assert.equal(entry.decidedAt, INJECTED);
      }
      assert.equal(entries[1].endedAt, INJECTED);
    });
  } finally {
    await terminal.close();
    await terminal.simulator.close();
  }
});
