// Micro-benchmark of the diagnosis's fold: `deno bench tests/bench/diagnosis_bench.ts`.
// The worst case of the load benchmark: one register paying the same amount again and
// again, one connection per payment, so that every payment updates the same finding
// (`duplicate-after-approval`). One iteration folds a payment's three inputs: its
// transaction record, its end record and its connection's end.
import { Diagnosis } from "../../lib/diagnosis/diagnosis.ts";
import type { DiagnosisInput } from "../../lib/diagnosis/input.ts";

const REQUEST = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const ANSWER = "CZ0040300CJ012012345678901CA00201AE00210AF00200CB0041250CD0010CE003978AC006123456";

function inputs(id: number, at: number): DiagnosisInput[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  return [{
    type: "transaction",
    run: "bench",
    id,
    connectionId: id,
    peer: `127.0.0.1:${40000 + (id % 20000)}`,
    receivedAt: iso(at),
    decidedAt: iso(at),
    request: {
      raw: REQUEST,
      end: "complete",
      fields: { CZ: "0300", CJ: "012345678901", CA: "01", CE: "978", BA: "0", CD: "0", CB: "1250" },
    },
    findings: [],
    decision: { outcome: "approved", reason: "default" },
    answer: {
      raw: ANSWER,
      fields: {
        CZ: "0300",
        CJ: "012345678901",
        CA: "01",
        AE: "10",
        AF: "00",
        CB: "1250",
        CD: "0",
        CE: "978",
        AC: "123456",
      },
    },
    delay: { plannedMs: 0, waitedMs: 0 },
    state: "pending",
  }, {
    type: "end",
    run: "bench",
    id,
    state: "answered",
    endedAt: iso(at + 1),
    answeredAt: iso(at + 1),
  }, {
    type: "disconnect",
    connectionId: id,
    peer: `127.0.0.1:${40000 + (id % 20000)}`,
    at: iso(at + 2),
    by: "pos",
    phase: "answered",
    transactionId: id,
  }];
}

const PREPARED = Array.from({ length: 10_000 }, (_, i) => inputs(i + 1, 1_800_000_000_000 + i * 2));

Deno.bench("fold a payment that repeats the last one (3 inputs)", (b) => {
  const diagnosis = new Diagnosis();
  const changed = new Map<string, boolean>();
  b.start();
  for (const payment of PREPARED) {
    for (const input of payment) diagnosis.fold(input, changed);
    changed.clear();
  }
  b.end();
  if (diagnosis.size === 0) throw new Error("Expected a finding");
});
