// The fuzzer's frames, shared by the decoder's fuzz test and the live fuzz of a running
// simulator: mutations of the test vectors and random bytes, the same for a seed.
import { seededRandom } from "../lib/random.ts";
import { vectors } from "./vectors.ts";

/** The seed of the fuzz tests. */
export const FUZZ_SEED = 0x5eed_2026;

/**
 * Makes frames: mutations of the vectors (flips, wrong lengths, cuts, non-ASCII, huge
 * lengths) and random bytes, one character per byte.
 *
 * @param count How many.
 * @param seed The seed: the same seed gives the same frames.
 * @returns The frames, one at a time.
 */
export function* fuzzFrames(count: number, seed = FUZZ_SEED): Generator<string> {
  const random = seededRandom(seed);
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
