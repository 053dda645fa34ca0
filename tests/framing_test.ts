import assert from "node:assert/strict";
import {
  type ByteSource,
  formatMs,
  holdsStatus,
  MessageReader,
  MessageSizeError,
  MessageTimeoutError,
} from "../lib/framing.ts";
import { vectors } from "./vectors.ts";

type Step = string | { wait: number } | "end";

/** A byte source that plays a script: chunks of text, pauses, then the end (or silence). */
class ScriptedSource implements ByteSource {
  #steps: Step[];
  constructor(steps: Step[]) {
    this.#steps = [...steps];
  }
  async read(buffer: Uint8Array): Promise<number | null> {
    for (;;) {
      const step = this.#steps.shift();
      if (step === undefined) return await new Promise<never>(() => {}); // silence, forever
      if (step === "end") return null;
      if (typeof step === "object") {
        await new Promise((resolve) => setTimeout(resolve, step.wait));
        continue;
      }
      const bytes = new TextEncoder().encode(step);
      buffer.set(bytes);
      return bytes.length;
    }
  }
}

const read = (steps: Step[], options = {}) =>
  new MessageReader(new ScriptedSource(steps)).read({ quietMs: 40, ...options });

Deno.test("a message split at any byte position is reassembled whole", async () => {
  const jobs: Promise<void>[] = [];
  for (const v of vectors.valid) {
    for (let cut = 1; cut < v.frame.length; cut++) {
      jobs.push((async () => {
        const message = await read([v.frame.slice(0, cut), { wait: 2 }, v.frame.slice(cut)]);
        assert.ok(message, `${v.name} cut at ${cut}`);
        assert.equal(message.text, v.frame, `${v.name} cut at ${cut}`);
        assert.equal(message.error, undefined);
        assert.equal(message.end, "quiet");
        assert.deepEqual(message.fields.map((f) => [f.tag, f.value]), v.fields);
      })());
    }
  }
  await Promise.all(jobs);
  assert.ok(jobs.length > 500);
});

Deno.test("a message dribbled one byte at a time is reassembled whole", async () => {
  const frame = vectors.valid[6].frame;
  const steps: Step[] = [];
  for (const c of frame) steps.push(c, { wait: 0 });
  const message = await read(steps);
  assert.equal(message?.text, frame);
});

Deno.test("a message ends when the peer closes, even inside a record", async (t) => {
  await t.step("on a boundary", async () => {
    const message = await read(["CZ0040300CA00201", "end"], { quietMs: 10_000 });
    assert.equal(message?.end, "closed");
    assert.equal(message?.error, undefined);
  });
  await t.step("inside a record: truncated", async () => {
    const message = await read(["CZ0040300CB0", "end"], { quietMs: 10_000 });
    assert.equal(message?.end, "closed");
    assert.equal(message?.error?.kind, "truncated");
    assert.equal(message?.error?.offset, 9);
  });
  await t.step("before any byte: null", async () => {
    assert.equal(await read(["end"]), null);
  });
});

Deno.test("silence inside a record is not the end of a message", async () => {
  // 100 ms of silence inside CB, more than the 40 ms quiet period.
  const message = await read(["CZ0040300CB005112", { wait: 100 }, "45"]);
  assert.equal(message?.text, "CZ0040300CB00511245");
  assert.equal(message?.error, undefined);
});

Deno.test("stallMs ends a message that stops inside a record", async () => {
  const message = await read(["CZ0040300CB005112"], { stallMs: 60, timeoutMs: 5_000 });
  assert.equal(message?.end, "stalled");
  assert.equal(message?.error?.kind, "truncated");
  assert.equal(message?.error?.offset, 9);
});

Deno.test("a pause on a record boundary longer than the quiet period ends the message", async () => {
  const reader = new MessageReader(
    new ScriptedSource(["CZ0040300CA00201", { wait: 120 }, "CZ0040300CA00202", "end"]),
  );
  const first = await reader.read({ quietMs: 40 });
  assert.equal(first?.text, "CZ0040300CA00201");
  const second = await reader.read({ quietMs: 40 });
  assert.equal(second?.text, "CZ0040300CA00202");
  assert.equal(await reader.read({ quietMs: 40 }), null);
});

Deno.test("isComplete ends a message on its boundary without waiting", async () => {
  const started = Date.now();
  const message = await read(["CZ0040300CA00201"], {
    quietMs: 5_000,
    isComplete: (fields: readonly { tag: string }[]) => fields.some((f) => f.tag === "CA"),
  });
  assert.equal(message?.end, "complete");
  assert.ok(Date.now() - started < 4_000);
});

Deno.test("a defect ends the message after the quiet period, with what was read", async () => {
  const message = await read(["CZ0040300CJ01A012345678901"], { timeoutMs: 5_000 });
  assert.equal(message?.end, "quiet");
  assert.equal(message?.error?.kind, "length");
  assert.deepEqual(message?.fields.map((f) => f.tag), ["CZ"]);
});

Deno.test("the time-out ends a message that never completes", async (t) => {
  await t.step("nothing received", async () => {
    await assert.rejects(read([], { timeoutMs: 50 }), (e: unknown) => {
      assert.ok(e instanceof MessageTimeoutError);
      assert.equal(e.received, "");
      assert.equal(e.message, "No data within 50 ms");
      return true;
    });
  });
  await t.step("stopped inside a record", async () => {
    await assert.rejects(read(["CZ0040300CB0"], { timeoutMs: 50 }), (e: unknown) => {
      assert.ok(e instanceof MessageTimeoutError);
      assert.equal(e.received, "CZ0040300CB0");
      return true;
    });
  });
});

Deno.test("the size cap ends runaway input", async () => {
  const big = "CF999" + "x".repeat(999);
  const steps: Step[] = ["CZ0040300"];
  for (let i = 0; i < 80; i++) steps.push(big);
  await assert.rejects(read(steps, { maxBytes: 64 * 1024 }), MessageSizeError);
});

Deno.test("an abort signal cancels the reading", async () => {
  const controller = new AbortController();
  const pending = read(["CZ004"], { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
});

Deno.test("waitForEnd notices the close and keeps bytes for the next message", async () => {
  const reader = new MessageReader(
    new ScriptedSource(["CZ0040300CA00201", { wait: 60 }, "CZ0040300CA00203", "end"]),
  );
  const first = await reader.read({ quietMs: 20 });
  assert.equal(first?.text, "CZ0040300CA00201");
  assert.equal(await reader.waitForEnd(new AbortController().signal), true);
  assert.equal(reader.ended, true);
  const next = await reader.read({ quietMs: 20 });
  assert.equal(next?.text, "CZ0040300CA00203");
  assert.equal(next?.end, "closed");
});

Deno.test("waitForEnd returns false when its signal stops it", async () => {
  const reader = new MessageReader(new ScriptedSource([]));
  assert.equal(await reader.waitForEnd(AbortSignal.timeout(20)), false);
});

Deno.test("formatMs", () => {
  assert.equal(formatMs(300), "300 ms");
  assert.equal(formatMs(1500), "1.5 s");
  assert.equal(formatMs(180_000), "180 s");
});

// What a POS reading an answer relies on: silence ends an answer only on a record
// boundary, once the status (AE) has come, and after more than the longest pause seen.
const ANSWER =
  "CZ0040300CJ012012345678901CA00201CE003978CD0010CB0041250AE00210AC006123456CF004ABCD";
const AE_END = ANSWER.indexOf("AE00210") + 7;

/** The record boundaries of ANSWER. */
function boundaries(text: string): number[] {
  const out: number[] = [];
  for (let at = 0; at < text.length;) {
    at += 5 + Number(text.slice(at + 2, at + 5));
    out.push(at);
  }
  return out;
}

Deno.test("an answer paused on a record boundary before its status is not cut there", async () => {
  const jobs = boundaries(ANSWER).filter((b) => b < AE_END).map(async (cut) => {
    const steps: Step[] = [ANSWER.slice(0, cut), { wait: 120 }, ANSWER.slice(cut)];
    const whole = await read(steps, { mayEnd: holdsStatus });
    assert.equal(whole?.text, ANSWER, `cut at ${cut}`);
    // Without the test, the quiet period ends it at the pause: what a POS must not do.
    const early = await read(steps);
    assert.equal(early?.text, ANSWER.slice(0, cut), `cut at ${cut}`);
    // Let the script's pause run out (its timer belongs to this test).
    await new Promise((resolve) => setTimeout(resolve, 150));
  });
  assert.equal(jobs.length, 6);
  await Promise.all(jobs);
});

Deno.test("a peer that paused longer than the quiet period gets a longer one", async () => {
  // Quiet period 40 ms, pauses of 60 ms. The first pause is inside a record (CJ); after
  // it the reader waits 120 ms of silence, so the pauses on the boundaries after AE do
  // not end the answer.
  const cuts = [20, AE_END, AE_END + 11];
  assert.deepEqual(cuts.slice(1).map((c) => boundaries(ANSWER).includes(c)), [true, true]);
  const steps: Step[] = [];
  let from = 0;
  for (const cut of [...cuts, ANSWER.length]) {
    if (from > 0) steps.push({ wait: 60 });
    steps.push(ANSWER.slice(from, cut));
    from = cut;
  }
  const message = await read(steps, { mayEnd: holdsStatus });
  assert.equal(message?.text, ANSWER);
  assert.equal(message?.end, "quiet");
});

Deno.test("an answer in two pieces, cut anywhere: the status is never misread", async () => {
  const after = new Set(boundaries(ANSWER).filter((b) => b >= AE_END));
  const jobs: Promise<void>[] = [];
  for (let cut = 1; cut < ANSWER.length; cut++) {
    jobs.push((async () => {
      const message = await read([ANSWER.slice(0, cut), { wait: 120 }, ANSWER.slice(cut)], {
        mayEnd: holdsStatus,
      });
      assert.ok(message);
      if (after.has(cut)) {
        // The one case silence cannot tell from the end: a pause on a boundary after the
        // status, as the first pause. The status is there; the records after it are not.
        assert.equal(message.text, ANSWER.slice(0, cut));
      } else {
        assert.equal(message.text, ANSWER, `cut at ${cut}`);
      }
      assert.equal(message.fields.find((f) => f.tag === "AE")?.value, "10", `cut at ${cut}`);
      assert.equal(message.error, undefined);
    })());
  }
  await Promise.all(jobs);
  assert.equal(jobs.length, ANSWER.length - 1);
});

Deno.test("waits of a second or more share one timer: each ends on time, at most a tick late", async () => {
  // Two readers on silent sources, time-outs of 1 s and 1.2 s, and a third whose data
  // comes first: its wait is cancelled and must not fire later.
  const silent = (): ByteSource => ({ read: () => new Promise<never>(() => {}) });
  const started = performance.now();
  const ended = (reader: MessageReader, timeoutMs: number) =>
    reader.read({ timeoutMs }).then(
      () => NaN,
      (error) => {
        assert.ok(error instanceof MessageTimeoutError);
        return performance.now() - started;
      },
    );
  const quick = new MessageReader(new ScriptedSource(["CZ0040300", "end"]));
  const [first, second, message] = await Promise.all([
    ended(new MessageReader(silent()), 1000),
    ended(new MessageReader(silent()), 1200),
    quick.read({ timeoutMs: 1100 }),
  ]);
  assert.equal(message?.text, "CZ0040300");
  assert.ok(first >= 1000 && first < 1000 + 50 + 250, `first ended after ${first} ms`);
  assert.ok(second >= 1200 && second < 1200 + 50 + 250, `second ended after ${second} ms`);
  // The test's op sanitizer checks that the shared timer stopped with the last wait.
});
