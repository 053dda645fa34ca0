/**
 * Sources of random numbers for the simulated terminal: a cryptographic one by default
 * and a seeded one for answers that are the same on every run.
 *
 * @module
 */

/** A source of random whole numbers. */
export interface Random {
  /**
   * Draws a whole number from 0 to `max - 1`.
   *
   * @param max Exclusive upper bound, from 1 to 2^32.
   * @returns The number.
   */
  int(max: number): number;
}

/**
 * A random source backed by `crypto.getRandomValues`, refilled in blocks.
 *
 * @returns The random source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cryptoRandom } from "./random.ts";
 * const digit = cryptoRandom().int(10);
 * assert.ok(Number.isInteger(digit) && digit >= 0 && digit <= 9);
 * ```
 */
export function cryptoRandom(): Random {
  const block = new Uint32Array(256);
  let next = block.length;
  return {
    int(max: number): number {
      if (next === block.length) {
        crypto.getRandomValues(block);
        next = 0;
      }
      return Math.floor((block[next++] / 0x1_0000_0000) * max);
    },
  };
}

/**
 * A seeded random source (sfc32, seeded through splitmix32): the same seed gives the
 * same numbers on every run and every platform.
 *
 * @param seed Any whole number.
 * @returns The random source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./random.ts";
 * assert.equal(seededRandom(42).int(1000), seededRandom(42).int(1000));
 * ```
 */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return { int: (max: number) => Math.floor((next() / 0x1_0000_0000) * max) };
}

/**
 * Draws a string of random decimal digits.
 *
 * @param random The random source.
 * @param count How many digits.
 * @returns The digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomDigits, seededRandom } from "./random.ts";
 * assert.match(randomDigits(seededRandom(1), 6), /^[0-9]{6}$/);
 * ```
 */
export function randomDigits(random: Random, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += String.fromCharCode(0x30 + random.int(10));
  return out;
}
