// Micro-benchmark of the diagnosis's fold: `deno bench tests/bench/diagnosis_bench.ts`.
// The worst case of the load benchmark: one register paying the same amount again and
// again, one connection per payment, so that every payment updates the same finding
// (`duplicate-after-approval`, and `overlapping-requests` when 20 pay at once). Each
// payment is three inputs: its transaction record, its end record and its connection's end.
import { Diagnosis } from "../../lib/diagnosis/diagnosis.ts";
import type { DiagnosisInput } from "../../lib/diagnosis/input.ts";
import type { DetailOf } from "../../lib/events.ts";
import { cryptoRandom } from "../../lib/random.ts";
import { decode, encode } from "../../lib/tlv.ts";
import { decide, DEFAULT_SETTINGS } from "../../lib/terminal/behaviour.ts";
import {
  type SimulatorEventMap,
  TerminalSimulator,
  type Transaction,
} from "../../lib/terminal/simulator.ts";
import { PosWatch } from "../../lib/terminal/watch.ts";

const REQUEST = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const ANSWER = "CZ0040300CJ012012345678901CA00201AE00210AF00200CB0041250CD0010CE003978AC006123456";

function inputs(id: number, at: number, lasts: number): DiagnosisInput[] {
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
    endedAt: iso(at + lasts),
    answeredAt: iso(at + lasts),
  }, {
    type: "disconnect",
    connectionId: id,
    peer: `127.0.0.1:${40000 + (id % 20000)}`,
    at: iso(at + lasts + 1),
    by: "pos",
    phase: "answered",
    transactionId: id,
  }];
}

/**
 * The inputs of `count` payments, in the order a server folds them: with `overlap`, each
 * payment's end comes after the next `overlap` payments started (that many POS paying at
 * once from one register, as the load benchmark does), so each is also an overlap.
 */
export function payments(count: number, overlap = 0): DiagnosisInput[] {
  const all = Array.from(
    { length: count },
    (_, i) => inputs(i + 1, 1_800_000_000_000 + i * 2, 1 + overlap * 2),
  );
  const order: DiagnosisInput[] = [];
  for (let i = 0; i < count + overlap; i++) {
    if (i < count) order.push(all[i][0]);
    const ended = all[i - overlap];
    if (ended) order.push(ended[1], ended[2]);
  }
  return order;
}

/** Folds inputs into a new diagnosis, as the server's watch does. */
export function foldAll(records: readonly DiagnosisInput[]): Diagnosis {
  const diagnosis = new Diagnosis();
  const changed = new Map<string, boolean>();
  for (const input of records) {
    diagnosis.fold(input, changed);
    changed.clear();
  }
  return diagnosis;
}

const ALONE = payments(10_000);
const AT_ONCE = payments(10_000, 20);

Deno.bench("fold 10,000 payments, each the same as the last (3 inputs each)", () => {
  if (foldAll(ALONE).size === 0) throw new Error("Expected a finding");
});

Deno.bench("fold 10,000 payments, 20 at once from one register", () => {
  if (foldAll(AT_ONCE).size === 0) throw new Error("Expected a finding");
});

// The whole path of the server's watch: the simulator's events (`request`, `answer`,
// `disconnect`, `extra-bytes` none), the watch's queue, its conversion of each transaction
// and the fold, for 10,000 payments of one register as the load benchmark sends them.
class EventSource extends TerminalSimulator {
  fire<K extends keyof SimulatorEventMap & string>(
    type: K,
    detail: DetailOf<SimulatorEventMap, K>,
  ) {
    this.emit(type, detail);
  }
}
const REQUEST_FIELDS = decode(REQUEST);
const PLAN = decide({ fields: REQUEST_FIELDS }, DEFAULT_SETTINGS, {
  now: new Date(),
  random: cryptoRandom(),
});
const ANSWER_TEXT = encode(PLAN.answer);

export async function watchPayments(count: number): Promise<PosWatch> {
  const source = new EventSource();
  const watch = new PosWatch();
  watch.attach(source);
  const start = Date.now();
  for (let id = 1; id <= count; id++) {
    const at = new Date(start + id).toISOString();
    const transaction: Transaction = {
      id,
      connectionId: id,
      peer: `127.0.0.1:${40000 + (id % 20000)}`,
      receivedAt: at,
      requestText: REQUEST,
      end: "complete",
      request: REQUEST_FIELDS,
      plan: PLAN,
      decidedAt: at,
      delayMs: 0,
      answerText: ANSWER_TEXT,
      state: "pending",
    };
    source.fire("request", transaction);
    transaction.state = "answered";
    transaction.answeredAt = at;
    source.fire("answer", transaction);
    source.fire("disconnect", {
      connectionId: id,
      peer: transaction.peer,
      at,
      by: "pos",
      phase: "answered",
      transactionId: id,
    });
    // The server's events come from separate tasks: the watch's microtask runs between.
    if (id % 20 === 0) await Promise.resolve();
  }
  watch.flush();
  watch.close();
  return watch;
}

Deno.bench("watch 10,000 payments through the simulator's events", async () => {
  if ((await watchPayments(10_000)).findings().length === 0) throw new Error("Expected a finding");
});
