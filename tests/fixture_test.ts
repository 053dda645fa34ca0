// The library as a POS test suite uses it: the terminal fixture and the POS functions.
import assert from "node:assert/strict";
import {
  cheque,
  identify,
  pay,
  PosError,
  refund,
  startTerminal,
  TerminalSimulator,
  TestTerminal,
  type Transaction,
} from "../mod.ts";
import { getField } from "../lib/tlv.ts";

Deno.test("startTerminal: 127.0.0.1, a free port, answers at once", async () => {
  await using terminal = await startTerminal();
  assert.ok(terminal instanceof TestTerminal);
  assert.ok(terminal instanceof TerminalSimulator);
  assert.equal(terminal.host, "127.0.0.1");
  assert.equal(terminal.address.hostname, "127.0.0.1");
  assert.ok(terminal.port > 0);
  assert.deepEqual(terminal.endpoint, { host: "127.0.0.1", port: terminal.port });
  assert.equal(terminal.settings.delayMs, 0);
  const planned: number[] = [];
  terminal.on("request", (event) => planned.push(event.detail.plan.delayMs));
  const result = await pay({ amount: 1250 }, terminal.endpoint);
  assert.equal(result.answer.approved, true);
  // The simulator's default delay is 3 s; the fixture's is none.
  assert.deepEqual(planned, [0]);
});

Deno.test("startTerminal: options and settings pass through, defaults can be overridden", async () => {
  await using terminal = await startTerminal({
    settings: { failure: true, failureType: "forbidden", merchantContract: "777" },
  });
  // The settings given are merged with the fixture's delay of 0, not replacing it.
  assert.equal(terminal.settings.delayMs, 0);
  assert.equal(terminal.settings.failureType, "forbidden");
  const refused = await pay({ amount: 500 }, terminal.endpoint);
  assert.equal(refused.answer.complementCode, "05");

  await using slow = await startTerminal({ settings: { delayMs: 200 }, keepOpen: true });
  assert.equal(slow.settings.delayMs, 200);
  const result = await pay({ amount: 500 }, { ...slow.endpoint, quietMs: 50 });
  assert.ok(result.elapsedMs >= 190, `${result.elapsedMs} ms`);
  assert.equal(result.end, "quiet");
});

Deno.test("the fixture is the simulator: events and update() work through it", async () => {
  await using terminal = await startTerminal();
  const answered: Transaction[] = [];
  terminal.on("answer", (event) => answered.push(event.detail));
  terminal.update({ failure: true, failureType: "timeout" });
  const result = await pay({ amount: 100, privateData: "ORDER-1" }, terminal.endpoint);
  assert.equal(result.answer.reason, "input time-out");
  assert.equal(answered.length, 1);
  assert.equal(answered[0].answerText, result.answerText);
  assert.equal(getField(answered[0].request, "CF"), "ORDER-1");
});

Deno.test("await using closes the terminal and drops the answer in flight", async () => {
  let port = 0;
  let payment: Promise<unknown> | undefined;
  {
    await using terminal = await startTerminal({ settings: { delayMs: 60_000 } });
    port = terminal.port;
    const requested = new Promise((resolve) => terminal.on("request", resolve));
    payment = pay({ amount: 100 }, { ...terminal.endpoint, timeoutMs: 30_000 });
    await requested;
  }
  await assert.rejects(payment, (error: unknown) => {
    assert.ok(error instanceof PosError);
    assert.equal(error.kind, "closed");
    assert.equal(error.paymentMayBeTaken, true);
    return true;
  });
  await assert.rejects(
    pay({ amount: 100 }, { port, connectTimeoutMs: 5_000 }),
    (error: unknown) => error instanceof PosError && error.kind === "connect",
  );
});

Deno.test("refund, cheque and identify send the right request", async (t) => {
  await using terminal = await startTerminal({ settings: { terminalId: "999999999999" } });
  await t.step("refund: CD=1, the amount positive", async () => {
    const result = await refund({ amount: 300, privateData: "ORDER-42" }, terminal.endpoint);
    assert.equal(getField(result.request, "CD"), "1");
    assert.equal(getField(result.request, "CB"), "300");
    assert.equal(result.answer.approved, true);
    assert.equal(result.answer.privateData, "ORDER-42");
  });
  await t.step("cheque: CC=00C, answered AE=10 and nothing else", async () => {
    const result = await cheque({ amount: 2500 }, terminal.endpoint);
    assert.equal(getField(result.request, "CC"), "00C");
    assert.equal(getField(result.request, "CD"), "0");
    assert.equal(result.answer.approved, true);
    assert.equal(result.answer.authorisation, undefined);
  });
  await t.step("identify: CD=I, no amount, the terminal's CJ", async () => {
    const result = await identify({ register: "07" }, terminal.endpoint);
    assert.equal(result.requestText, "CZ0040300CJ012012345678901CA00207CD001I");
    assert.equal(result.answer.approved, true);
    assert.equal(result.answer.posId, "999999999999");
  });
  await t.step("a request that cannot be built rejects, it does not throw", async () => {
    const attempt = refund({ amount: 100, currency: "XXY" }, terminal.endpoint);
    assert.ok(attempt instanceof Promise);
    await assert.rejects(attempt, RangeError);
  });
});

Deno.test("cancelling with an AbortSignal", async (t) => {
  await using terminal = await startTerminal({ settings: { delayMs: 60_000 } });
  await t.step("already aborted: rejects with the reason, sends nothing", async () => {
    const seen: number[] = [];
    const onConnection = () => seen.push(1);
    terminal.on("connection", onConnection);
    const reason = new Error("cashier cancelled");
    await assert.rejects(
      cheque({ amount: 100 }, { ...terminal.endpoint, signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    terminal.removeEventListener("connection", onConnection);
    assert.equal(seen.length, 0);
  });
  await t.step("aborted while the cardholder takes long: rejects with the reason", async () => {
    const controller = new AbortController();
    terminal.addEventListener("request", () => controller.abort(new Error("too long")), {
      once: true,
    });
    const started = performance.now();
    await assert.rejects(
      refund({ amount: 100 }, { ...terminal.endpoint, signal: controller.signal }),
      /too long/,
    );
    assert.ok(performance.now() - started < 30_000);
  });
});

Deno.test("two kinds of time-out", async (t) => {
  await t.step("the POS gives up first: PosError, the payment may be taken", async () => {
    await using terminal = await startTerminal({ settings: { delayMs: 60_000 } });
    await assert.rejects(
      pay({ amount: 100 }, { ...terminal.endpoint, timeoutMs: 300 }),
      (error: unknown) => {
        assert.ok(error instanceof PosError);
        assert.equal(error.kind, "timeout");
        assert.equal(error.paymentMayBeTaken, true);
        return true;
      },
    );
  });
  await t.step("the terminal reports a time-out: an answer, AE=01 AF=08", async () => {
    await using terminal = await startTerminal({
      settings: { failure: true, failureType: "timeout" },
    });
    const result = await pay({ amount: 100 }, terminal.endpoint);
    assert.equal(result.answer.approved, false);
    assert.equal(result.answer.complementCode, "08");
    assert.equal(result.answer.reason, "input time-out");
  });
});
