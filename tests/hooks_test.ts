// The simulator's hooks: an asynchronous decision, a hook awaited before each answer, and
// the time scale, over TCP on 127.0.0.1.
import assert from "node:assert/strict";
import { pay, PosError } from "../lib/pos.ts";
import { decide, type Plan } from "../lib/terminal/behaviour.ts";
import { RuleEngine } from "../lib/terminal/engine.ts";
import { notDone } from "../lib/terminal/outcome.ts";
import {
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
} from "../lib/terminal/simulator.ts";

const local = (port: number) => ({ host: "127.0.0.1", port, timeoutMs: 10_000, quietMs: 50 });

async function withTerminal(
  options: SimulatorOptions,
  fn: (port: number, terminal: TerminalSimulator) => Promise<void>,
) {
  const terminal = new TerminalSimulator({ hostname: "127.0.0.1", port: 0, ...options });
  const { port } = await terminal.start();
  try {
    await fn(port, terminal);
  } finally {
    await terminal.close({ force: true });
  }
}

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

/** Whether a promise is still pending after the event loop had a chance to settle it. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol();
  const result = await Promise.race([
    promise.then(() => "settled", () => "settled"),
    new Promise((resolve) => setTimeout(() => resolve(marker), 100)),
  ]);
  return result === marker;
}

Deno.test("the decision may be asynchronous: the answer waits for it", async () => {
  const decided = deferred();
  const released = deferred();
  await withTerminal({
    settings: { delayMs: 0 },
    decide: async (request, settings, context) => {
      decided.resolve();
      await released.promise;
      return decide(request, settings, context, {
        outcome: notDone("refused"),
        by: { source: "operator", note: "test" },
      });
    },
  }, async (port, terminal) => {
    const seen: Transaction[] = [];
    terminal.on("request", (e) => seen.push(e.detail));
    const payment = pay({ amount: 1250 }, local(port));
    await decided.promise;
    assert.ok(await isPending(payment), "answered before the decision");
    assert.equal(seen.length, 0, "the request event follows the decision");
    released.resolve();
    const result = await payment;
    assert.equal(result.answer.complementCode, "04");
    assert.equal(seen[0].plan.decidedBy?.note, "test");
  });
});

Deno.test("a forced stop abandons a decision that waits, through the context's signal", async () => {
  const waiting = deferred();
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    decide: (_request, _settings, context) => {
      waiting.resolve();
      return new Promise<Plan>((_resolve, reject) => {
        context.signal.addEventListener("abort", () => reject(context.signal.reason), {
          once: true,
        });
      });
    },
  });
  const { port } = await terminal.start();
  const payment = pay({ amount: 1250 }, local(port));
  await waiting.promise;
  const states: string[] = [];
  terminal.on("abandon", (e) => states.push(e.detail.state));
  await terminal.close({ force: true });
  await assert.rejects(payment, (e: unknown) => e instanceof PosError && e.kind === "closed");
  assert.deepEqual(states, [], "nothing was decided, so nothing is abandoned");
});

Deno.test("hooks before the answer are awaited; a failing one means no answer", async (t) => {
  await t.step("the answer waits for the hook", async () => {
    const called = deferred<Transaction>();
    const released = deferred();
    await withTerminal({ settings: { delayMs: 0 } }, async (port, terminal) => {
      terminal.beforeAnswer(async (transaction) => {
        called.resolve(transaction);
        await released.promise;
      });
      const payment = pay({ amount: 1250 }, local(port));
      const transaction = await called.promise;
      assert.equal(transaction.state, "pending");
      assert.match(transaction.answerText, /AE00210/);
      assert.ok(await isPending(payment), "answered before the hook finished");
      released.resolve();
      assert.equal((await payment).answer.approved, true);
      assert.equal(transaction.state, "answered");
    });
  });
  await t.step("hooks run in order, and can be removed", async () => {
    await withTerminal({ settings: { delayMs: 0 } }, async (port, terminal) => {
      const calls: string[] = [];
      terminal.beforeAnswer(() => {
        calls.push("first");
      });
      const remove = terminal.beforeAnswer(() => {
        calls.push("second");
      });
      await pay({ amount: 1250 }, local(port));
      remove();
      await pay({ amount: 1250 }, local(port));
      assert.deepEqual(calls, ["first", "second", "first"]);
    });
  });
  await t.step("a hook that throws: no answer, state failed", async () => {
    await withTerminal({ settings: { delayMs: 0 } }, async (port, terminal) => {
      terminal.beforeAnswer(() => {
        throw new Error("disk full");
      });
      const ended = new Promise<Transaction>((resolve) =>
        terminal.on("abandon", (e) => resolve(e.detail))
      );
      await assert.rejects(
        pay({ amount: 1250 }, local(port)),
        (e: unknown) => e instanceof PosError && e.kind === "closed",
      );
      const transaction = await ended;
      assert.equal(transaction.state, "failed");
      assert.equal(transaction.error, "disk full");
    });
  });
});

Deno.test("the time scale multiplies the planned delay", async () => {
  await withTerminal(
    { settings: { delayMs: 60_000 }, timeScale: 0.001 },
    async (port, terminal) => {
      const answered = new Promise<Transaction>((resolve) =>
        terminal.on("answer", (e) => resolve(e.detail))
      );
      // A minute unscaled: the payment's own 10 s time-out would fail first.
      const result = await pay({ amount: 1250 }, local(port));
      assert.equal(result.answer.approved, true);
      const transaction = await answered;
      assert.equal(transaction.plan.delayMs, 60_000);
      assert.equal(transaction.delayMs, 60);
    },
  );
  assert.throws(() => new TerminalSimulator({ timeScale: -1 }), RangeError);
});

Deno.test("the rule engine as the decision hook, over TCP", async () => {
  const engine = new RuleEngine({ magicAmounts: true });
  await withTerminal({ settings: { delayMs: 0 }, decide: engine.decide }, async (port) => {
    const refused = await pay({ amount: 1204 }, local(port));
    assert.equal(refused.answer.reason, "refused");
    engine.enqueue(notDone("forbidden"));
    const queued = await pay({ amount: 1250 }, local(port));
    assert.equal(queued.answer.reason, "forbidden");
    const approved = await pay({ amount: 1250 }, local(port));
    assert.equal(approved.answer.approved, true);
  });
});
