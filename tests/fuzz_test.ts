// Fuzzing the decoder: random and mutated frames either decode or throw the codec's own
// FrameError, never anything else, and the stream scanner agrees with the decoder.
import assert from "node:assert/strict";
import { seededRandom } from "../lib/random.ts";
import { decode, decodePartial, encode, FrameError, RecordScanner } from "../lib/tlv.ts";
import { vectors } from "./vectors.ts";

const SEED = 0x5eed_2026;
const COUNT = 100_000;

/** Makes frames: mutations of the vectors (flips, wrong lengths, cuts, non-ASCII, huge lengths) and random bytes. */
function* frames(count: number): Generator<string> {
  const random = seededRandom(SEED);
  const seeds = [...vectors.valid, ...vectors.invalid].map((v) => v.frame);
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)];
  const char = () =>
    String.fromCharCode(random.int(4) === 0 ? random.int(256) : 0x20 + random.int(95));
  for (let i = 0; i < count; i++) {
    let frame = pick(seeds);
    const mutations = 1 + random.int(3);
    for (let m = 0; m < mutations; m++) {
      const at = frame.length === 0 ? 0 : random.int(frame.length);
      switch (random.int(9)) {
        case 0: // flip one byte
          frame = frame.slice(0, at) + char() + frame.slice(at + 1);
          break;
        case 1: // cut
          frame = frame.slice(0, at);
          break;
        case 2: // wrong length field somewhere: three random digits
          frame = frame.slice(0, at) + String(random.int(1000)).padStart(3, "0") +
            frame.slice(at + 3);
          break;
        case 3: // huge length on a new record
          frame += pick(["CF", "ZT", "AK", "CB"]) + "999" + "x".repeat(random.int(50));
          break;
        case 4: // non-ASCII or control byte inserted
          frame = frame.slice(0, at) +
            String.fromCharCode(pick([0, 9, 10, 13, 0x7f, 0x80, 0xc3, 0xe9, 0xff])) +
            frame.slice(at);
          break;
        case 5: // duplicate a chunk
          frame = frame.slice(0, at) + frame.slice(at, at + 1 + random.int(12)) + frame.slice(at);
          break;
        case 6: // splice two frames
          frame = frame.slice(0, at) + pick(seeds).slice(random.int(20));
          break;
        case 7: // random bytes
          frame = Array.from({ length: random.int(40) }, char).join("");
          break;
        default: // lowercase a tag letter or swap records
          frame = frame.slice(0, at) + frame.slice(at, at + 1).toLowerCase() + frame.slice(at + 1);
      }
    }
    yield frame;
  }
}

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
