// Fuzzing the decoder: random and mutated frames either decode or throw the codec's own
// FrameError, never anything else, and the stream scanner agrees with the decoder.
import assert from "node:assert/strict";
import { decode, decodePartial, encode, FrameError, RecordScanner } from "../lib/tlv.ts";
import { fuzzFrames as frames } from "./fuzz_frames.ts";

const COUNT = 100_000;

Deno.test(`${COUNT} random and mutated frames: decoded or rejected with a FrameError only`, () => {
  const kinds: Record<string, number> = {};
  let decoded = 0;
  for (const frame of frames(COUNT)) {
    let fields;
    try {
      fields = decode(frame);
    } catch (error) {
      if (!(error instanceof FrameError)) {
        throw new Error(`Not a FrameError for ${JSON.stringify(frame)}: ${error}`);
      }
      assert.ok(error.offset >= 0 && error.offset <= frame.length, JSON.stringify(frame));
      kinds[error.kind] = (kinds[error.kind] ?? 0) + 1;
      // The partial decode agrees: same first defect, and what it kept re-encodes.
      const partial = decodePartial(frame);
      assert.equal(partial.error?.kind, error.kind);
      assert.equal(partial.error?.offset, error.offset);
      encode(partial.fields);
      continue;
    }
    decoded++;
    assert.equal(encode(fields), frame, "a frame that decodes re-encodes to itself");
  }
  // Every kind of defect was reached, and some mutated frames were still valid.
  for (const kind of ["tag", "length", "truncated", "character", "duplicate", "order", "empty"]) {
    assert.ok((kinds[kind] ?? 0) > 0, `no ${kind} defect among ${JSON.stringify(kinds)}`);
  }
  assert.ok(decoded > 100, `${decoded} frames decoded`);
  console.log(`fuzz: ${COUNT} frames, ${decoded} decoded, defects ${JSON.stringify(kinds)}`);
});

Deno.test("the stream scanner fed byte by byte agrees with the decoder", () => {
  for (const frame of frames(5_000)) {
    const scanner = new RecordScanner();
    for (let i = 1; i <= frame.length; i++) scanner.scan(frame.slice(0, i));
    const streamed = scanner.finish(frame);
    const whole = decodePartial(frame);
    assert.deepEqual(streamed.fields, whole.fields, JSON.stringify(frame));
    assert.equal(streamed.error?.kind, whole.error?.kind, JSON.stringify(frame));
    assert.equal(streamed.error?.offset, whole.error?.offset, JSON.stringify(frame));
  }
});
