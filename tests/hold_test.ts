// Hold mode's desk, and several deciders for one transaction (a person at the keyboard
// and the hold desk): the first decision wins. Without sockets.
import assert from "node:assert/strict";
import { pending } from "./pending.ts";
import { DecidedElsewhere, firstAnswer } from "../lib/terminal/askers.ts";
import type { Answered, PendingDecision } from "../lib/terminal/engine.ts";
import { DEFAULT_SETTINGS } from "../lib/terminal/behaviour.ts";
import { DECISION_NAMES, decisionOutcome, HoldDesk, type Release } from "../lib/terminal/hold.ts";
import { Operator, OPERATOR_KEYS } from "../lib/terminal/interactive.ts";

function releases(desk: HoldDesk): Release[] {
  const seen: Release[] = [];
  desk.on("released", (event) => seen.push(event.detail));
  return seen;
}

Deno.test("hold mode off: the desk takes nothing", () => {
  const desk = new HoldDesk();
  assert.equal(desk.active, false);
  assert.equal(desk.ask(pending(1)), undefined);
  assert.equal(desk.size, 0);
});

Deno.test("held until decided: listed, decided once, answered at once", async () => {
  const desk = new HoldDesk({ on: true });
  const held: number[] = [];
  desk.on("held", (event) => held.push(event.detail.id));
  const released = releases(desk);
  const first = desk.ask(pending(1, { register: "02", privateData: "ORDER-9" }))!;
  const second = desk.ask(pending(2))!;
  assert.deepEqual(held, [1, 2]);
  assert.deepEqual(desk.list().map((h) => h.id), [1, 2]);
  const listed = desk.get(1)!;
  assert.equal(listed.request.register, "02");
  assert.equal(listed.request.privateData, "ORDER-9");
  assert.equal(listed.timeoutMs, 120_000);
  assert.equal(Date.parse(listed.deadline) - Date.parse(listed.heldAt), 120_000);

  assert.equal(desk.decide(1, { status: "not-done", complement: "04" }, "by the test"), true);
  assert.equal(desk.decide(1, { status: "approved" }), false, "decided once");
  assert.deepEqual(await first, {
    outcome: { status: "not-done", complement: "04", delay: { minMs: 0, maxMs: 0 } },
    note: "by the test",
  });
  // An outcome's own delay is kept.
  const delay = { minMs: 500, maxMs: 500 };
  assert.equal(desk.decide(2, { status: "approved", delay }), true);
  assert.deepEqual((await second).outcome, { status: "approved", delay });
  assert.deepEqual(released.map((r) => [r.id, r.note]), [[1, "by the test"], [2, "decided"]]);
  assert.equal(desk.size, 0);
  assert.equal(desk.decide(7, { status: "approved" }), false, "never held");
});

Deno.test("decisions by name: the keys of interactive mode", async () => {
  // Every key of interactive mode is a decision the desk takes, its outcome less the delay.
  const empty = new HoldDesk();
  for (const { name, outcome } of OPERATOR_KEYS) {
    assert.equal(empty.decideWith(1, name), false, `${name}: taken, though nothing is held`);
    const { delay: _delay, ...expected } = outcome(DEFAULT_SETTINGS);
    assert.deepEqual(decisionOutcome(name, DEFAULT_SETTINGS), expected, name);
  }
  assert.deepEqual(DECISION_NAMES, [
    "contact",
    "contactless",
    "refuse",
    "cancel",
    "abandon",
    "timeout",
  ]);
  const amex = { ...DEFAULT_SETTINGS, paymentType: "amexcontact" as const };
  assert.deepEqual(decisionOutcome("contactless", amex), {
    status: "approved",
    paymentType: "amexcontactless",
  });
  assert.deepEqual(decisionOutcome("cancel", amex), { status: "not-done", complement: "11" });
  assert.equal(decisionOutcome("approve", amex), undefined);
  const desk = new HoldDesk({ on: true });
  const answer = desk.ask(pending(3, {}, { paymentType: "amexcontactless" }))!;
  assert.throws(() => desk.decideWith(3, "approve"), RangeError);
  assert.equal(desk.decideWith(3, "contact"), true);
  assert.deepEqual(await answer, {
    outcome: { status: "approved", paymentType: "amexcontact", delay: { minMs: 0, maxMs: 0 } },
    note: 'decision "contact"',
  });
});

Deno.test("nobody decides: the input time-out answers AF=08", async () => {
  // 120 s times 0.0001: 12 ms.
  const desk = new HoldDesk({ on: true, timeScale: 0.0001 });
  const released = releases(desk);
  const answered = await desk.ask(pending(4))!;
  assert.deepEqual(answered.outcome, {
    status: "not-done",
    complement: "08",
    delay: { minMs: 0, maxMs: 0 },
  });
  assert.equal(answered.note, "input time-out, nobody decided");
  assert.equal(released[0].id, 4);
  assert.equal(desk.size, 0);
});

Deno.test("turning hold mode off lets the held transactions go as the settings say", async () => {
  const desk = new HoldDesk({ on: true });
  const modes: boolean[] = [];
  desk.on("hold", (event) => modes.push(event.detail));
  const card = desk.ask(pending(5, {}, { failure: true, failureType: "refused" }))!;
  const cheque = desk.ask(pending(6, { application: "00C" }, { failure: true }))!;
  desk.setOn(false);
  desk.setOn(false);
  assert.deepEqual(modes, [false], "announced once");
  assert.equal((await card).outcome.complement, "04");
  assert.equal((await cheque).outcome.complement, "04", "a cheque is always AF=04");
  assert.match((await card).note!, /hold mode turned off/);
  assert.equal(desk.ask(pending(7)), undefined);
});

Deno.test("releaseAll answers every held transaction as a time-out; hold mode stays", async () => {
  const desk = new HoldDesk({ on: true });
  const answers = [desk.ask(pending(8))!, desk.ask(pending(9))!];
  desk.releaseAll("reset");
  for (const answer of await Promise.all(answers)) {
    assert.equal(answer.outcome.complement, "08");
    assert.equal(answer.note, "reset");
  }
  assert.equal(desk.active, true);
});

Deno.test("a stopped simulator withdraws the held transaction", async () => {
  const desk = new HoldDesk({ on: true });
  const released = releases(desk);
  const stop = new AbortController();
  const answer = desk.ask(pending(10, {}, {}, stop.signal))!;
  stop.abort(new Error("stopped"));
  await assert.rejects(answer, /stopped/);
  assert.equal(desk.size, 0);
  assert.deepEqual(released, [{ id: 10, note: "withdrawn: the simulator stopped" }]);
  const aborted = AbortSignal.abort(new Error("already"));
  await assert.rejects(desk.ask(pending(11, {}, {}, aborted))!, /already/);
});

Deno.test("next(): the oldest held now, or the next one; a signal stops waiting", async () => {
  const desk = new HoldDesk({ on: true });
  const waiting = desk.next();
  const answer = desk.ask(pending(12))!;
  assert.equal((await waiting).id, 12);
  assert.equal((await desk.next()).id, 12, "already held");
  desk.decideWith(12, "refuse");
  await answer;
  const stop = new AbortController();
  const never = desk.next(stop.signal);
  stop.abort(new Error("enough"));
  await assert.rejects(never, /enough/);
});

Deno.test("firstAnswer: whoever decides first wins, the others are withdrawn", async (t) => {
  await t.step("a person at the keyboard and the hold desk", async () => {
    let type!: (keys: string) => void;
    const keys = new ReadableStream<string>({
      start(controller) {
        type = (text) => controller.enqueue(text);
      },
    });
    const operator = new Operator({ keys, write: () => {} });
    const desk = new HoldDesk({ on: true });
    const released = releases(desk);
    const ask = firstAnswer([operator.ask, desk.ask]);
    try {
      // The desk decides first: the person's prompt goes away.
      const first = ask(pending(20))!;
      assert.equal(operator.waiting, 1);
      desk.decideWith(20, "contactless");
      assert.equal((await first).note, 'decision "contactless"');
      assert.equal(operator.waiting, 0);
      // The person decides first: the held transaction is withdrawn from the desk.
      const second = ask(pending(21))!;
      assert.equal(desk.size, 1);
      type("r");
      assert.equal((await second).outcome.complement, "04");
      assert.equal(desk.size, 0);
      assert.deepEqual(released.at(-1), { id: 21, note: "withdrawn: decided by another decider" });
    } finally {
      await operator.close();
    }
  });
  await t.step("nobody takes it: undefined, and the settings decide", () => {
    const off = new HoldDesk();
    assert.equal(firstAnswer([off.ask, () => undefined])(pending(22)), undefined);
    assert.equal(firstAnswer([])(pending(23)), undefined);
  });
  await t.step("one decider is asked as it is", async () => {
    const answered: Answered = { outcome: { status: "approved" } };
    const ask = firstAnswer([undefined, () => Promise.resolve(answered)]);
    assert.equal(await ask(pending(24)), answered);
  });
  await t.step("the losers see a DecidedElsewhere reason; all failing rejects", async () => {
    const reasons: unknown[] = [];
    const slow = (p: PendingDecision) =>
      new Promise<Answered>((_, reject) => {
        p.context.signal.addEventListener("abort", () => {
          reasons.push(p.context.signal.reason);
          reject(p.context.signal.reason);
        });
      });
    const fast = () => Promise.resolve<Answered>({ outcome: { status: "approved" } });
    await firstAnswer([slow, fast])(pending(25));
    assert.ok(reasons[0] instanceof DecidedElsewhere);
    const failing = () => Promise.reject(new Error("first"));
    const alsoFailing = () => Promise.reject(new Error("second"));
    await assert.rejects(firstAnswer([failing, alsoFailing])(pending(26))!, /first/);
  });
});
