import assert from "node:assert/strict";
import { buildRequest } from "../lib/message.ts";
import { encode } from "../lib/tlv.ts";
import { forwardTransaction, outcomeOf, WireCopy } from "../lib/terminal/forward_exchange.ts";
import { diagnose, type DiagnosisInput } from "../lib/diagnosis/mod.ts";
import { Journal } from "../lib/terminal/journal.ts";
import { posExchange, sleep, until, withTap } from "./forward_helpers.ts";

const REQUEST = encode(buildRequest({ amount: 1250 }));
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("forwardTransaction (pure)", async (t) => {
  await t.step("an approved answer, its delay, masked card number, findings of both sides", () => {
    const request = new WireCopy(1024), answer = new WireCopy(1024);
    request.add(text(REQUEST.slice(0, 10)), 1000);
    request.add(text(REQUEST.slice(10)), 1010);
    answer.add(text("CZ0040300AA0164970101234567893QQ0054970101234567893"), 1400);
    const tx = forwardTransaction({
      id: 3,
      connectionId: 2,
      peer: "10.0.0.1:5000",
      upstream: "10.0.0.2:8888",
      request,
      answer,
    });
    assert.equal(tx.delayMs, 390);
    assert.equal(tx.receivedAt, new Date(1000).toISOString());
    assert.equal(tx.source, "forward");
    assert.equal(tx.upstream, "10.0.0.2:8888");
    assert.equal(tx.end, "complete");
    assert.ok(!tx.answerText.includes("4970101234567893"));
    assert.ok(tx.plan.answer.every((f) => !f.value.includes("4970101234567893")));
    // No AE: a finding about the answer; the frame is also malformed (QQ length).
    assert.ok(
      tx.answerFindings.some((f) =>
        f.message === "Answer: Mandatory AE (action status) is missing"
      ),
    );
    assert.deepEqual(tx.plan.findings, [], "the request's findings only");
    assert.equal(tx.plan.outcome, "declined");
  });
  await t.step("without masking, the values are as received", () => {
    const request = new WireCopy(1024), answer = new WireCopy(1024);
    request.add(text(REQUEST), 0);
    answer.add(text("CZ0040300AE00210AA0164970101234567893"), 5);
    const tx = forwardTransaction({
      id: 1,
      connectionId: 1,
      peer: "p",
      upstream: "u",
      request,
      answer,
      mask: false,
    });
    assert.ok(tx.answerText.endsWith("4970101234567893"));
    assert.equal(tx.plan.outcome, "approved");
    assert.deepEqual(tx.plan.findings, []);
    assert.deepEqual(tx.answerFindings, []);
  });
  await t.step("outcomes from AE", () => {
    assert.equal(outcomeOf([{ tag: "AE", value: "11" }]), "acknowledged");
    assert.equal(outcomeOf([{ tag: "AE", value: "01" }, { tag: "AF", value: "09" }]), "rejected");
    assert.equal(outcomeOf([]), "declined");
  });
  await t.step("the copy is bounded", () => {
    const copy = new WireCopy(8);
    copy.add(text("CZ0040300AE00210"), 0);
    assert.equal(copy.text, "CZ004030");
    assert.equal(copy.oversize, true);
    assert.equal(copy.bytes, 16);
  });
});

Deno.test("forward tap: same bytes as direct, journaled as forward", async (t) => {
  await withTap(async ({ direct, tap, journal, tapObject }) => {
    await t.step("an approved payment", async () => {
      const viaDirect = await posExchange(direct, REQUEST);
      const viaTap = await posExchange(tap, REQUEST);
      assert.equal(viaDirect.end, "eof");
      assert.equal(viaTap.end, "eof");
      // The simulator draws card data at random: same shape, the tap's copy journaled.
      assert.equal(viaTap.bytes.length, viaDirect.bytes.length);
      await until(() => journal.list().some((e) => e.state !== "pending"), "the journal");
      const [entry] = journal.list();
      assert.equal(entry.source, "forward");
      assert.equal(entry.upstream, tapObject.upstream);
      assert.equal(entry.request.raw, REQUEST);
      assert.equal(entry.answer.raw, viaTap.bytes);
      assert.equal(entry.decision.outcome, "approved");
      assert.equal(entry.state, "answered");
    });
  });
});

Deno.test("forward tap: the POS diagnosis applies to real traffic", async () => {
  const records: DiagnosisInput[] = [];
  await withTap(async ({ tap, tapObject }) => {
    const journal = new Journal({ sink: { append: (r) => Promise.resolve(void records.push(r)) } });
    journal.attach(tapObject);
    tapObject.onConnectionEvent((event) => records.push(event));
    // The classic bug: CJ's length sent as its value.
    const bad = "CZ0040300CJ003012CA00201CE003978CD0010CB0041250";
    const seen = await posExchange(tap, bad);
    assert.match(seen.bytes, /AE00210/, "the terminal approves it all the same");
    // A POS that gives up 50 ms into a 0.6 s payment.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: tap });
    await conn.write(new TextEncoder().encode(encode(buildRequest({ amount: 2000 }))));
    await sleep(50);
    conn.close();
    await until(
      () => records.filter((r) => r.type === "disconnect").length === 2 && journal.size === 2,
      "both connections",
    );
    await until(() => journal.list().every((e) => e.state !== "pending"), "both ends");
    await journal.flush();
  }, { simulator: { settings: { delayMs: 600 } } });
  const closed = records.filter((r) => r.type === "disconnect");
  assert.deepEqual(closed.map((r) => r.type === "disconnect" && [r.by, r.phase]), [
    ["terminal", "answered"],
    ["pos", "waiting"],
  ]);
  const codes = diagnose(records).map((f) => f.code);
  assert.ok(codes.includes("request-nonconformant"), codes.join());
  assert.ok(codes.includes("gives-up-early"), codes.join());
});
