// Interactive mode's core, without a terminal: keys from a stream, the screen in a string.
import assert from "node:assert/strict";
import { pending } from "./pending.ts";
import { DEFAULT_SETTINGS } from "../lib/terminal/behaviour.ts";
import {
  Operator,
  OPERATOR_KEYS,
  renderCountdown,
  renderPrompt,
  withReadMode,
} from "../lib/terminal/interactive.ts";

/** An operator whose keys the test types, and whose screen it reads. */
function harness(options: { timeScale?: number; tickMs?: number } = {}) {
  let type!: (keys: string) => void;
  const keys = new ReadableStream<string>({
    start(controller) {
      type = (text) => controller.enqueue(text);
    },
  });
  let screen = "";
  const operator = new Operator({ keys, write: (text) => screen += text }, options);
  return { operator, type: (text: string) => type(text), screen: () => screen };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

Deno.test("the prompt shows the amount, the action and the POS, and the keys", () => {
  const lines = renderPrompt(pending(3, { register: "02", privateData: "ORDER-7" }));
  assert.equal(
    lines[0],
    '#3 debit of 12.50 EUR from register 02 at 127.0.0.1:40000, reference "ORDER-7"',
  );
  assert.match(lines.slice(1).join("\n"), /\[c\] approve, card inserted \(contact\)/);
  assert.match(lines.slice(1).join("\n"), /\[x\] cancel, red button \(AF=11\)/);
  assert.equal(
    renderPrompt(
      pending(4, { action: "credit", amount: 1000, currency: "JPY", application: "00C" }),
    )[0],
    "#4 credit (refund) of 1000 JPY by cheque from register 01 at 127.0.0.1:40000",
  );
  assert.equal(renderCountdown(3, 118_400), "#3 time-out (AF=08) in 119 s, press a key");
  assert.equal(renderCountdown(3, -5), "#3 time-out (AF=08) in 0 s, press a key");
});

Deno.test("each key gives its outcome", async (t) => {
  const expected: Record<string, unknown> = {
    c: { status: "approved", paymentType: "cbcontact" },
    l: { status: "approved", paymentType: "cbcontactless" },
    r: { status: "not-done", complement: "04" },
    x: { status: "not-done", complement: "11" },
    a: { status: "not-done", complement: "06" },
    t: { status: "not-done", complement: "08" },
  };
  assert.deepEqual(OPERATOR_KEYS.map((k) => k.key), Object.keys(expected));
  for (const [key, outcome] of Object.entries(expected)) {
    await t.step(key, async () => {
      const { operator, type, screen } = harness();
      try {
        const answer = operator.ask(pending(1));
        await tick();
        assert.match(screen(), /#1 debit of 12\.50 EUR/);
        type(key.toUpperCase());
        const { outcome: got, note } = await answer;
        assert.deepEqual(got, { ...outcome as object, delay: { minMs: 0, maxMs: 0 } });
        assert.match(note ?? "", new RegExp(`^key "${key}"`));
      } finally {
        await operator.close();
      }
    });
  }
  await t.step("approving keeps the card's brand", () => {
    assert.equal(withReadMode("amexcontact", "contactless"), "amexcontactless");
    assert.equal(withReadMode("cbcontactless", "contact"), "cbcontact");
    const amex = { ...DEFAULT_SETTINGS, paymentType: "amexcontactless" as const };
    assert.equal(OPERATOR_KEYS[0].outcome(amex).paymentType, "amexcontact");
  });
});

Deno.test("other keys are ignored; one transaction at a time, oldest first", async () => {
  const { operator, type, screen } = harness();
  try {
    const first = operator.ask(pending(1));
    const second = operator.ask(pending(2, { amount: 999 }));
    await tick();
    assert.equal(operator.waiting, 2);
    assert.doesNotMatch(screen(), /#2 debit/);
    type("zq?\r");
    await tick();
    assert.equal(operator.waiting, 2);
    type("r");
    assert.equal((await first).outcome.complement, "04");
    await tick();
    assert.match(screen(), /#2 debit of 9\.99 EUR/);
    type("l");
    assert.equal((await second).outcome.status, "approved");
    assert.equal(operator.waiting, 0);
    // A key with nothing to decide does nothing.
    type("r");
    await tick();
  } finally {
    await operator.close();
  }
});

Deno.test("the input time-out answers AF=08, scaled, and counts down", async () => {
  const { operator, screen } = harness({ timeScale: 0.001, tickMs: 30 });
  try {
    // 120 s scaled by 0.001: 120 ms.
    const answered = await operator.ask(pending(5));
    assert.deepEqual(answered.outcome, {
      status: "not-done",
      complement: "08",
      delay: { minMs: 0, maxMs: 0 },
    });
    assert.equal(answered.note, "input time-out, no key pressed");
    assert.match(screen(), /#5 time-out \(AF=08\) in 1 s, press a key/);
    assert.ok(screen().split("time-out (AF=08) in").length > 2, "the countdown was redrawn");
  } finally {
    await operator.close();
  }
});

Deno.test("a transaction waiting its turn times out too", async () => {
  const { operator, type } = harness({ timeScale: 0.001 });
  try {
    const first = operator.ask(pending(1, {}, { inputTimeoutMs: 60_000 }));
    const second = operator.ask(pending(2, {}, { inputTimeoutMs: 100 }));
    // The second's 0.1 ms time-out passes while the first is shown.
    assert.equal((await second).outcome.complement, "08");
    type("c");
    assert.equal((await first).outcome.status, "approved");
  } finally {
    await operator.close();
  }
});

Deno.test("a forced stop withdraws the question; closing answers the rest AF=08", async () => {
  const { operator } = harness();
  const stop = new AbortController();
  const asked = operator.ask(pending(1, {}, {}, stop.signal));
  const other = operator.ask(pending(2));
  stop.abort(new Error("stopped"));
  await assert.rejects(asked, /stopped/);
  assert.equal(operator.waiting, 1);
  await operator.close();
  assert.equal((await other).outcome.complement, "08");
  await assert.rejects(operator.ask(pending(3, {}, {}, stop.signal)), /stopped/);
});
