// deliver writes each piece from a buffer reused from answer to answer: the bytes written
// are those of the piece, whatever the buffer held before, and a failed write gives it back.
import assert from "node:assert/strict";
import { deliver } from "../lib/terminal/delivery.ts";
import type { Delivery } from "../lib/terminal/fault.ts";

/** A connection that keeps a copy of what it is given, at most `perCall` bytes a call. */
function recorder(perCall = Infinity, failAfter = Infinity) {
  const chunks: number[] = [];
  let calls = 0;
  return {
    bytes: () => String.fromCharCode(...chunks),
    write(bytes: Uint8Array): Promise<number> {
      if (++calls > failAfter) return Promise.reject(new Deno.errors.BrokenPipe("gone"));
      const n = Math.min(bytes.length, perCall);
      chunks.push(...bytes.subarray(0, n));
      return Promise.resolve(n);
    },
  };
}

function oneSegment(text: string): Delivery {
  return { segments: [{ text, pauseMs: 0 }], end: "normal", description: "as usual" };
}

const signal = new AbortController().signal;

Deno.test("each answer's bytes exactly, after a longer one in the same buffer", async () => {
  const long = "CZ0040300" + "AB999".padEnd(900, "x");
  const short = "CZ0040300AE00210";
  for (const text of [long, short, "CZ004\xe90\xff0"]) {
    const conn = recorder(7); // written in pieces, as a busy socket takes them
    const result = await deliver(conn, oneSegment(text), signal);
    assert.equal(result.result, "done");
    assert.equal(conn.bytes(), text, "one byte per character, Latin-1 included");
  }
});

Deno.test("an answer larger than the reused buffers is written whole", async () => {
  const text = "CZ0040300" + "x".repeat(10_000);
  const conn = recorder(4096);
  assert.equal((await deliver(conn, oneSegment(text), signal)).result, "done");
  assert.equal(conn.bytes(), text);
});

Deno.test("a failed write says peer-gone, and the next answer is written right", async () => {
  const failing = recorder(3, 2);
  const failed = await deliver(failing, oneSegment("CZ0040300AE00210"), signal);
  assert.equal(failed.result, "peer-gone");
  assert.equal(failing.bytes(), "CZ0040");
  const next = recorder();
  await deliver(next, oneSegment("CZ0040300AE00201"), signal);
  assert.equal(next.bytes(), "CZ0040300AE00201");
});
