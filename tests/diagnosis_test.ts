// The diagnosis as a pure fold: each finding code on both sides (a POS that does it gets
// the finding, a careful POS does not), aggregation, incremental use and bounded memory.
import assert from "node:assert/strict";
import { DIAGNOSIS_DEFAULTS, FINDING_CODE_NAMES, noAnswerLimit } from "../lib/diagnosis/codes.ts";
import { conformanceProblems } from "../lib/diagnosis/conformance.ts";
import { diagnose, Diagnosis } from "../lib/diagnosis/diagnosis.ts";
import type { DiagnosisFinding } from "../lib/diagnosis/finding.ts";
import { peerAddress } from "../lib/diagnosis/input.ts";
import { ENGLISH } from "../lib/diagnosis/words_en.ts";
import { checkRequest } from "../lib/message.ts";
import { decode } from "../lib/tlv.ts";
import { at, request, Session, T0 } from "./diagnosis_records.ts";

const codes = (findings: DiagnosisFinding[]) =>
  findings.map((f) => f.kind ? `${f.code}/${f.kind}` : f.code);
const serious = (findings: DiagnosisFinding[]) =>
  findings.filter((f) => f.severity === "money" || f.severity === "failure");

Deno.test("peerAddress drops the port", () => {
  assert.equal(peerAddress("10.0.0.5:50001"), "10.0.0.5");
  assert.equal(peerAddress("[fe80::1]:8888"), "fe80::1");
  assert.equal(peerAddress("localhost"), "localhost");
});

Deno.test("reads-once", async (t) => {
  await t.step("the POS closes after the first piece of a split answer", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({ at: 1, fault: { kind: "split-answer" } });
    s.event({
      type: "disconnect",
      connectionId,
      at: at(4.1),
      by: "pos",
      phase: "answering",
      transactionId: id,
      segmentsSent: 1,
      segmentsPlanned: 2,
    });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["reads-once"]);
    assert.equal(findings[0].severity, "failure");
    assert.deepEqual(findings[0].pos, { address: "10.0.0.5", register: "01" });
    assert.match(findings[0].explanation, /1 of 2 pieces written/);
    assert.equal(findings[0].evidence[0].transactionId, id);
  });
  await t.step("journal only: the POS was gone before the last piece", () => {
    const s = new Session();
    s.pay({
      at: 1,
      fault: { kind: "slow-answer" },
      end: { state: "client-gone", after: 4, sent: "CZ0040300CJ01" },
    });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["reads-once"]);
    assert.equal(findings[0].evidence[0].bytes, "CZ0040300CJ01");
  });
  await t.step("the next request comes while the answer is being sent", () => {
    const s = new Session();
    s.pay({ at: 1, fault: { kind: "split-answer" }, end: { state: "answered", after: 5 } });
    s.pay({ at: 4.5, raw: request({ amount: "990" }) });
    assert.deepEqual(codes(diagnose(s.records)), ["reads-once"]); // not overlapping-requests
  });
  await t.step("careful: reads the whole split answer, then the terminal closes", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({
      at: 1,
      fault: { kind: "split-answer" },
      end: { state: "answered", after: 4.5 },
    });
    s.event({
      type: "disconnect",
      connectionId,
      at: at(5.6),
      by: "pos",
      phase: "answered",
      transactionId: id,
    });
    s.pay({ at: 10, raw: request({ amount: "990" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("gives-up-early", async (t) => {
  await t.step("the POS closes 5 s into a 60 s payment", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({
      at: 1,
      delay: 60,
      end: { state: "answered", after: 60, peerClosedEarly: true },
    });
    // The FIN is seen during the delay: the event comes before the end record.
    s.records.splice(s.records.length - 1, 0, {
      type: "disconnect",
      connectionId,
      at: at(6),
      by: "pos",
      phase: "waiting",
      transactionId: id,
    });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["gives-up-early"]);
    assert.equal(findings[0].facts.after, "5 s");
    assert.match(findings[0].title, /after 5 s/);
    assert.match(findings[0].explanation, /input time-out is 2 min/);
    assert.equal(findings[0].count, 1); // the end record does not count it twice
  });
  await t.step("journal only: closed before an answer due after 3 s", () => {
    const s = new Session();
    s.pay({ at: 1, end: { state: "client-gone", after: 3, peerClosedEarly: true } });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["gives-up-early"]);
    assert.equal(findings[0].facts.after, "less than 3 s");
  });
  await t.step("careful: waits beyond the terminal's input time-out", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({ at: 1, delay: 300, end: null });
    s.event({
      type: "disconnect",
      connectionId,
      at: at(182),
      by: "pos",
      phase: "waiting",
      transactionId: id,
    });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: the time scale shortens the input time-out", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({ at: 1, delay: 3, end: null });
    s.event({
      type: "disconnect",
      connectionId,
      at: at(3),
      by: "pos",
      phase: "waiting",
      transactionId: id,
    });
    assert.deepEqual(diagnose(s.records, { timeScale: 0.01 }), []);
    assert.deepEqual(codes(diagnose(s.records)), ["gives-up-early"]);
  });
});

Deno.test("no-answer-timeout", async (t) => {
  await t.step("still open at the limit: found by tick", () => {
    const s = new Session();
    s.pay({ at: 1, fault: { kind: "no-answer" }, end: null });
    const diagnosis = new Diagnosis();
    for (const record of s.records) assert.deepEqual(diagnosis.add(record), []);
    assert.deepEqual(diagnosis.tick(T0 + 189_000), []); // 5 % of tolerance
    const found = diagnosis.tick(T0 + 191_000);
    assert.deepEqual(codes(found), ["no-answer-timeout"]);
    assert.equal(found[0].facts.limit, "3 min");
    assert.deepEqual(diagnosis.tick(T0 + 500_000), []); // once
  });
  await t.step("journal only: the held connection ended after the limit", () => {
    const s = new Session();
    s.pay({ at: 1, fault: { kind: "no-answer" }, end: { state: "dropped", after: 200, sent: "" } });
    assert.deepEqual(codes(diagnose(s.records)), ["no-answer-timeout"]);
  });
  await t.step("still-open event", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({ at: 1, fault: { kind: "no-answer" }, end: null });
    s.event({ type: "still-open", connectionId, at: at(3), transactionId: id });
    assert.deepEqual(codes(diagnose(s.records, { timeScale: 0.01, now: T0 + 1000 })), [
      "no-answer-timeout",
    ]);
  });
  await t.step("careful: closes at its own time-out, before the limit", () => {
    const s = new Session();
    const { id, connectionId } = s.pay({
      at: 1,
      fault: { kind: "no-answer" },
      end: null,
    });
    s.event({
      type: "disconnect",
      connectionId,
      at: at(170),
      by: "pos",
      phase: "held",
      transactionId: id,
    });
    s.records.push({ type: "end", run: "test", id, state: "dropped", endedAt: at(170), sent: "" });
    assert.deepEqual(diagnose(s.records, { now: T0 + 1_000_000 }), []);
  });
  await t.step("the limit: input time-out + 60 s, scaled, or as set", () => {
    assert.equal(noAnswerLimit(DIAGNOSIS_DEFAULTS), 180_000);
    assert.equal(noAnswerLimit({ ...DIAGNOSIS_DEFAULTS, timeScale: 0.1 }), 18_000);
    assert.equal(noAnswerLimit({ ...DIAGNOSIS_DEFAULTS, noAnswerLimitMs: 5000 }), 5000);
  });
});

Deno.test("resends-after-unknown", async (t) => {
  for (
    const fault of [
      "approve-then-drop",
      "close-before-answer",
      "reset",
      "garbage-answer",
      "truncated-answer",
    ] as const
  ) {
    await t.step(`the same payment 10 s after ${fault}`, () => {
      const s = new Session();
      s.pay({ at: 1, fault: { kind: fault }, end: { state: "dropped", after: 3, sent: "" } });
      s.pay({ at: 14, raw: request({ amount: "0001250" }) }); // zeros do not hide it
      const findings = diagnose(s.records);
      assert.deepEqual(codes(findings), [
        "resends-after-unknown",
        "request-nonconformant/amount-zero-padded",
      ]);
      assert.equal(findings[0].severity, "money");
      assert.equal(findings[0].facts.previous, 1);
      assert.equal(findings[0].last.transactionId, 2);
    });
  }
  await t.step("after no-answer, on a new connection, the old one still held", () => {
    const s = new Session();
    s.pay({ at: 1, fault: { kind: "no-answer" }, end: null });
    s.pay({ at: 40 });
    const findings = diagnose(s.records, { now: T0 + 41_000 });
    assert.deepEqual(codes(findings), ["resends-after-unknown"]); // not also overlapping
  });
  await t.step("careful: a new amount after an unknown outcome", () => {
    const s = new Session();
    s.pay({
      at: 1,
      fault: { kind: "approve-then-drop" },
      end: { state: "dropped", after: 3, sent: "" },
    });
    s.pay({ at: 30, raw: request({ amount: "1299" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: retries after a known refusal, and after busy", () => {
    const s = new Session();
    s.pay({ at: 1, outcome: "declined" });
    s.pay({ at: 10, outcome: "declined", fault: { kind: "busy" }, delay: 0 });
    s.pay({ at: 12 });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: cancels (or asks the status) first, then pays again", () => {
    for (const cd of ["2", "T"]) {
      const s = new Session();
      s.pay({
        at: 1,
        fault: { kind: "approve-then-drop" },
        end: { state: "dropped", after: 3, sent: "" },
      });
      s.pay({ at: 20, raw: request({ cd }), delay: 0 });
      s.pay({ at: 30 });
      const findings = diagnose(s.records).filter((f) => f.code !== "request-nonconformant");
      assert.deepEqual(findings, [], cd);
    }
  });
  await t.step("careful: the same amount long after", () => {
    const s = new Session();
    s.pay({ at: 1, fault: { kind: "reset" }, end: { state: "dropped", after: 0.1, sent: "" } });
    s.pay({ at: 400 });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("duplicate-after-approval", async (t) => {
  await t.step("the same payment 1 s after its approval", () => {
    const s = new Session();
    s.pay({ at: 1 });
    s.pay({ at: 5 });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["duplicate-after-approval"]);
    assert.equal(findings[0].severity, "money");
    assert.match(findings[0].evidence[0].note!, /AC=123456/);
  });
  await t.step("careful: a new amount at once, or the same much later", () => {
    const s = new Session();
    s.pay({ at: 1 });
    s.pay({ at: 5, raw: request({ amount: "1251" }) });
    s.pay({ at: 60, raw: request({ amount: "1251" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: the same amount for another sale, told by the POS's CF", () => {
    const s = new Session();
    s.pay({ at: 1, raw: request({ more: "CF006SALE-1" }) });
    s.pay({ at: 5, raw: request({ more: "CF006SALE-2" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("the same sale's CF again is the same payment", () => {
    const s = new Session();
    s.pay({ at: 1, raw: request({ more: "CF006SALE-1" }) });
    s.pay({ at: 5, raw: request({ more: "CF006SALE-1" }) });
    assert.deepEqual(codes(diagnose(s.records)), ["duplicate-after-approval"]);
  });
  await t.step("careful: a refund of the same amount is another action", () => {
    const s = new Session();
    s.pay({ at: 1 });
    s.pay({ at: 5, raw: request({ cd: "1" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: immediate mode (BA=1) is acknowledged, not approved", () => {
    const s = new Session();
    const raw = request().replace("BA0010", "BA0011");
    s.pay({ at: 1, raw, delay: 0, outcome: "acknowledged" });
    s.pay({ at: 2, raw, delay: 0, outcome: "acknowledged" });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("request-nonconformant", async (t) => {
  await t.step("one finding per kind, counted over requests", () => {
    const s = new Session();
    s.pay({ at: 1, raw: request({ amount: "5" }) }); // CB0015
    s.pay({ at: 20, raw: request({ amount: "5", more: "BF0010" }) });
    s.pay({ at: 40, raw: request({ amount: "15", more: "BF0010" }) });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings).sort(), [
      "request-nonconformant/bf-sent",
      "request-nonconformant/format-cb",
    ]);
    const cb = findings.find((f) => f.kind === "format-cb")!;
    assert.equal(cb.count, 2);
    assert.equal(cb.severity, "failure");
    assert.deepEqual([cb.first.transactionId, cb.last.transactionId], [1, 2]);
    assert.match(cb.advice, /at least 2 digits/);
    const bf = findings.find((f) => f.kind === "bf-sent")!;
    assert.deepEqual([bf.count, bf.first.transactionId, bf.last.transactionId], [2, 2, 3]);
  });
  await t.step("the other integration: no CJ, TI and LB, STX/ETX/LRC, ACK+EOT after", () => {
    const s = new Session();
    const inner = "CZ0040320CA00201CE003978CD0010CB012000000001250TI0041234LB003abc";
    const { id, connectionId } = s.pay({ at: 1, raw: `\x02${inner}\x03\x35` });
    s.event({
      type: "extra-bytes",
      connectionId,
      at: at(4.2),
      transactionId: id,
      bytes: "\x06\x04",
    });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings).sort(), [
      "request-nonconformant/amount-zero-padded",
      "request-nonconformant/bytes-after-answer",
      "request-nonconformant/missing-cj",
      "request-nonconformant/serial-framing",
      "request-nonconformant/unknown-tag",
    ]);
    const unknown = findings.find((f) => f.kind === "unknown-tag")!;
    assert.equal(unknown.facts.tags, "TI, LB");
    assert.equal(unknown.severity, "warning");
    const after = findings.find((f) => f.kind === "bytes-after-answer")!;
    assert.equal(after.evidence[0].bytes, "\\x06\\x04");
    assert.equal(findings.find((f) => f.kind === "amount-zero-padded")!.severity, "info");
  });
  await t.step("ACK+EOT before the next request on a kept-open connection", () => {
    const problems = conformanceProblems(`\x06\x04${request()}`, []);
    assert.deepEqual(problems.map((p) => p.kind), ["bytes-after-answer"]);
  });
  await t.step("the classic CJ bug and a CR/LF terminator", () => {
    const raw = "CZ0040300CJ003012CA00201CE003978CD0010CB0041250";
    assert.deepEqual(
      conformanceProblems(raw, checkRequest(decode(raw))).map((p) => [p.kind, p.severity]),
      [["format-cj", "warning"]],
    );
    assert.deepEqual(conformanceProblems(`${request()}\r\n`, []).map((p) => p.kind), [
      "line-terminator",
    ]);
  });
  await t.step("careful: debit, refund, cancellation, identification, immediate mode", () => {
    const s = new Session();
    s.pay({ at: 1, raw: request() });
    s.pay({ at: 10, raw: request({ cd: "1", amount: "500" }) });
    s.pay({ at: 20, raw: request({ cd: "2", amount: "500" }) });
    s.pay({ at: 30, raw: request({ cd: "I" }), delay: 0 });
    s.pay({
      at: 40,
      raw: request({ amount: "05" }).replace("BA0010", "BA0011"),
      delay: 0,
      outcome: "acknowledged",
    });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("overlapping-requests", async (t) => {
  await t.step("a second request while the first is waiting", () => {
    const s = new Session();
    s.pay({ at: 1, delay: 10, end: { state: "answered", after: 10 } });
    s.pay({ at: 5, raw: request({ amount: "990" }) });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["overlapping-requests"]);
    assert.equal(findings[0].facts.previous, 1);
  });
  await t.step("a double click: the same payment twice at once", () => {
    const s = new Session();
    s.pay({ at: 1, end: null });
    s.pay({ at: 1.1 });
    assert.deepEqual(codes(diagnose(s.records)), ["overlapping-requests"]);
  });
  await t.step("careful: an identification while a payment waits", () => {
    const s = new Session();
    s.pay({ at: 1, delay: 10, end: { state: "answered", after: 10 } });
    s.pay({ at: 5, raw: request({ cd: "I" }), delay: 0 });
    assert.deepEqual(diagnose(s.records), []);
  });
  // A payment held by no-answer (its POS waits 150 s), the next one at 151 s on a new
  // connection, and the held connection's close by the POS seen at `closedAt` (after the
  // next request: the simulator may read the new request before it sees the old end).
  const heldThenPaid = (closedAt: number) => {
    const s = new Session();
    const held = s.pay({ at: 1, fault: { kind: "no-answer" }, end: null });
    s.pay({ at: 151, raw: request({ amount: "990" }), delay: 0 });
    s.event({
      type: "disconnect",
      connectionId: held.connectionId,
      at: at(closedAt),
      by: "pos",
      phase: "held",
      transactionId: held.id,
    });
    s.event({ type: "end", run: "test", id: held.id, state: "dropped", endedAt: at(closedAt) });
    return { records: s.records, held };
  };
  await t.step("careful: gives up on no answer, closes, pays again; the close seen late", () => {
    assert.deepEqual(diagnose(heldThenPaid(151.004).records), []);
  });
  await t.step("a second request while the first is held, its close seen a second later", () => {
    const { records, held } = heldThenPaid(152);
    const findings = diagnose(records);
    assert.deepEqual(codes(findings), ["overlapping-requests"]);
    assert.equal(findings[0].facts.previous, held.id);
  });
  await t.step("careful: one after the other; two registers at once", () => {
    const s = new Session();
    s.pay({ at: 1 });
    s.pay({ at: 4.5, raw: request({ amount: "990" }) });
    s.pay({ at: 20, delay: 5 });
    s.pay({ at: 21, raw: request({ ca: "02", amount: "990" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("ignores-partial-approval", async (t) => {
  const partial = (s: Session, start = 1) =>
    s.pay({
      at: start,
      raw: request({ amount: "1000" }),
      approvedAmount: "600",
    });
  await t.step("the next request is another sale", () => {
    const s = new Session();
    partial(s);
    s.pay({ at: 30, raw: request({ amount: "2500" }) });
    const findings = diagnose(s.records);
    assert.deepEqual(codes(findings), ["ignores-partial-approval"]);
    assert.equal(findings[0].severity, "money");
    assert.deepEqual([findings[0].facts.asked, findings[0].facts.remaining], [1000, 400]);
  });
  await t.step("the full amount again is not a duplicate, it ignores the partial", () => {
    const s = new Session();
    partial(s);
    s.pay({ at: 6, raw: request({ amount: "1000" }) });
    assert.deepEqual(codes(diagnose(s.records)), ["ignores-partial-approval"]);
  });
  await t.step("careful: the remainder (after an identification), or a cancellation", () => {
    const s = new Session();
    partial(s);
    s.pay({ at: 10, raw: request({ cd: "I" }), delay: 0 });
    s.pay({ at: 20, raw: request({ amount: "400" }) });
    partial(s, 40);
    s.pay({ at: 50, raw: request({ amount: "600", cd: "2" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
  await t.step("careful: nothing within the window", () => {
    const s = new Session();
    partial(s);
    s.pay({ at: 500, raw: request({ amount: "2500" }) });
    assert.deepEqual(diagnose(s.records), []);
  });
});

Deno.test("Diagnosis is incremental and bounded", async (t) => {
  await t.step("add returns only what is new or changed", () => {
    const diagnosis = new Diagnosis();
    const s = new Session();
    s.pay({ at: 1, raw: request({ more: "BF0010" }) });
    s.pay({ at: 20, raw: request({ amount: "990", more: "BF0010" }) });
    const returned = s.records.map((r) => diagnosis.add(r));
    const changed = returned.filter((r) => r.length > 0);
    assert.equal(changed.length, 2);
    assert.deepEqual(changed.map((r) => r[0].count), [1, 2]);
    assert.equal(diagnosis.findings().length, 1);
  });
  await t.step("many POS and transactions: findings and memory stay within their caps", () => {
    const diagnosis = new Diagnosis({ maxFindings: 50, maxTransactions: 100, maxPos: 20 });
    const s = new Session();
    for (let i = 0; i < 2000; i++) {
      s.pay({
        at: i,
        raw: request({ more: "BF0010", amount: String(1000 + i) }),
        peer: `10.1.${i >> 8}.${i & 255}:4000`,
      });
    }
    for (const r of s.records) diagnosis.add(r);
    assert.equal(diagnosis.findings().length, 50);
    assert.equal(diagnosis.findings()[0].pos.address.startsWith("10.1.7"), true); // the latest kept
  });
  await t.step("evidence keeps the first and the latest", () => {
    const s = new Session();
    for (let i = 0; i < 9; i++) {
      s.pay({ at: i * 20, raw: request({ more: "BF0010", amount: String(100 + i) }) });
    }
    const [finding] = diagnose(s.records, { maxEvidence: 3 });
    assert.equal(finding.count, 9);
    assert.deepEqual(finding.evidence.map((e) => e.transactionId), [1, 8, 9]);
  });
  await t.step("invalid settings are refused", () => {
    assert.throws(() => new Diagnosis({ resendWindowMs: -1 }), RangeError);
  });
  await t.step("a start record begins a new run: ids may repeat", () => {
    const s = new Session();
    s.pay({
      at: 1,
      fault: { kind: "approve-then-drop" },
      end: { state: "dropped", after: 3, sent: "" },
    });
    const second = new Session();
    second.pay({ at: 500 });
    assert.deepEqual(diagnose([...s.records, ...second.records]), []);
  });
});

Deno.test("every code has its words, and a careful session has no finding", async (t) => {
  await t.step("words", () => {
    for (const code of FINDING_CODE_NAMES) {
      const words = ENGLISH.codes[code];
      assert.ok(words, code);
      assert.ok(words.title({}).length > 0 && !words.title({}).includes("\n"), code);
    }
  });
  await t.step("a naive POS gets every code", () => {
    const s = new Session();
    let t0 = 1;
    const next = (gap = 30) => (t0 += gap);
    const split = s.pay({
      at: next(),
      raw: request({ amount: "5" }),
      fault: { kind: "split-answer" },
    });
    s.event({
      type: "disconnect",
      connectionId: split.connectionId,
      at: at(t0 + 3.05),
      by: "pos",
      phase: "answering",
      segmentsSent: 1,
      segmentsPlanned: 2,
    });
    const early = s.pay({
      at: next(),
      delay: 60,
      end: { state: "client-gone", after: 60, peerClosedEarly: true },
    });
    s.records.splice(s.records.length - 1, 0, {
      type: "disconnect",
      connectionId: early.connectionId,
      at: at(t0 + 10),
      by: "pos",
      phase: "waiting",
    });
    s.pay({
      at: next(),
      raw: request({ amount: "2000" }),
      fault: { kind: "approve-then-drop" },
      end: { state: "dropped", after: 3, sent: "" },
    });
    s.pay({ at: next(5), raw: request({ amount: "2000", more: "BF0010" }) });
    s.pay({ at: next(5), raw: request({ amount: "2000" }) });
    s.pay({ at: next(), raw: request({ amount: "3000" }), approvedAmount: "1000" });
    s.pay({
      at: next(),
      raw: request({ amount: "4000" }),
      delay: 10,
      end: { state: "answered", after: 10 },
    });
    s.pay({ at: t0 + 1, raw: request({ amount: "4100" }) });
    s.pay({
      at: next(),
      raw: request({ amount: "5000" }),
      fault: { kind: "no-answer" },
      end: null,
    });
    const findings = diagnose(s.records, { now: T0 + 10_000_000 });
    assert.deepEqual(new Set(findings.map((f) => f.code)), new Set(FINDING_CODE_NAMES));
    assert.ok(serious(findings).length >= FINDING_CODE_NAMES.length);
  });
  await t.step("a careful POS through every kind of case", () => {
    const s = new Session();
    let t0 = 1;
    const next = (gap = 30) => (t0 += gap);
    let amount = 1000;
    const fresh = () => request({ amount: String(++amount) });
    s.pay({ at: next(), raw: fresh() }); // approval
    s.pay({ at: next(), raw: fresh(), outcome: "declined" }); // refusal
    s.pay({
      at: next(),
      raw: fresh(),
      fault: { kind: "split-answer" },
      end: { state: "answered", after: 4 },
    });
    s.pay({
      at: next(),
      raw: fresh(),
      fault: { kind: "slow-answer" },
      end: { state: "answered", after: 8 },
    });
    s.pay({
      at: next(),
      raw: fresh(),
      fault: { kind: "garbage-answer" },
      end: { state: "dropped", after: 3, sent: "\x00\xff" },
    });
    s.pay({
      at: next(),
      raw: fresh(),
      fault: { kind: "approve-then-drop" },
      end: { state: "dropped", after: 3, sent: "" },
    });
    const held = s.pay({ at: next(), raw: fresh(), fault: { kind: "no-answer" }, end: null });
    s.event({
      type: "disconnect",
      connectionId: held.connectionId,
      at: at(t0 + 175),
      by: "pos",
      phase: "held",
      transactionId: held.id,
    });
    s.records.push({
      type: "end",
      run: "test",
      id: held.id,
      state: "dropped",
      endedAt: at(t0 + 175),
      sent: "",
    });
    next(200);
    s.pay({ at: next(), raw: request({ amount: "1000" }), approvedAmount: "500" });
    s.pay({ at: next(), raw: request({ amount: "500" }) });
    s.pay({ at: next(), raw: fresh(), fault: { kind: "busy" }, outcome: "declined", delay: 0 });
    s.pay({ at: next(), raw: request({ amount: String(amount) }) }); // retry after busy
    s.pay({ at: next(), raw: request({ cd: "I" }), delay: 0 });
    assert.deepEqual(diagnose(s.records, { now: T0 + 10_000_000 }), []);
  });
});
