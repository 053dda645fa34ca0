// The watch folds a simulator's transaction without writing its journal record first
// (trackDecided); the fold of the record (track) must see the same transaction.
import assert from "node:assert/strict";
import { track, trackDecided } from "../lib/diagnosis/diagnosis.ts";
import { decide, DEFAULT_SETTINGS } from "../lib/terminal/behaviour.ts";
import { FAULT_KINDS, type FaultKind } from "../lib/terminal/fault.ts";
import { toJournalEntry } from "../lib/terminal/journal.ts";
import type { OutcomeSpec } from "../lib/terminal/outcome.ts";
import type { Transaction } from "../lib/terminal/simulator.ts";
import { seededRandom } from "../lib/random.ts";
import { decodePartial, encode } from "../lib/tlv.ts";
import { vectors } from "./vectors.ts";

const OUTCOMES: (OutcomeSpec | undefined)[] = [
  undefined,
  { status: "approved" },
  { status: "not-done", complement: "04" },
  { status: "approved", approvedAmount: { minor: 500 } },
  ...FAULT_KINDS.map((kind) => ({
    status: "approved" as const,
    fault: { kind } as { kind: FaultKind },
  })),
];

/** Transactions as the simulator makes them: every valid vector, with every outcome. */
function transactions(): Transaction[] {
  const random = seededRandom(7);
  const all: Transaction[] = [];
  let id = 0;
  // The vectors, and records twice (the first of each counts; the decoder keeps only the
  // first, a transaction made otherwise may hold both).
  const twice = "CZ0040300CJ012012345678901CA00201CA00202CE003978BA0010CD0010CB0041250CB0041300";
  for (const frame of [...vectors.valid.map((vector) => vector.frame), twice]) {
    const fields = decodePartial(frame).fields;
    if (frame === twice) fields.push({ tag: "CA", value: "02" }, { tag: "CB", value: "1300" });
    for (const outcome of OUTCOMES) {
      const plan = decide(
        { fields },
        DEFAULT_SETTINGS,
        { now: new Date(Date.UTC(2026, 11, 3, 10)), random },
        outcome ? { outcome, by: { source: "settings" } } : undefined,
      );
      id++;
      const at = new Date(Date.UTC(2026, 11, 3, 10, 0, 0, id)).toISOString();
      all.push({
        id,
        connectionId: id * 3,
        peer: id % 2 ? `10.0.0.${id % 250}:${40000 + id}` : `[::1]:${40000 + id}`,
        receivedAt: at,
        requestText: frame,
        end: "complete",
        request: fields,
        plan,
        decidedAt: new Date(Date.parse(at) + 1).toISOString(),
        delayMs: (id % 5) * 100,
        answerText: encode(plan.answer),
        state: "pending",
      });
    }
  }
  return all;
}

Deno.test("trackDecided sees what track sees in the transaction's record as decided", () => {
  const all = transactions();
  assert.ok(all.length > 100);
  assert.ok(all.some((t) => t.plan.fault !== undefined));
  for (const t of all) {
    assert.deepEqual(trackDecided(t), track(toJournalEntry(t, "run")), `#${t.id} ${t.requestText}`);
  }
});

Deno.test("trackDecided reads nothing of how the transaction ended", () => {
  for (const t of transactions().slice(0, 40)) {
    const decided = trackDecided(t);
    const ended: Transaction = {
      ...t,
      state: "client-gone",
      answeredAt: new Date(Date.UTC(2026, 11, 3, 11)).toISOString(),
      peerClosedEarly: true,
      sent: "CZ",
      note: "cut",
    };
    assert.deepEqual(trackDecided(ended), decided);
  }
});
