/**
 * Which answers the simulator follows with a read of what the POS sends next (an ACK, an
 * EOT: the `extra-bytes` event, which the diagnosis reports as `bytes-after-answer`).
 *
 * Reading after an answer costs a read per connection, a tenth of a transaction's time
 * under load. A POS's protocol layer either sends bytes after an answer or does not, so
 * the simulator reads after every answer to a POS at first; once a POS (address and
 * register) has had {@linkcode READ_EVERY_FIRST} answers followed by nothing, after one
 * answer in {@linkcode READ_ONE_IN}; and after every answer again as soon as bytes come.
 * A POS under test (a campaign, a test suite's few payments) is read after every answer;
 * a load test of thousands of payments, after one in ten once it has shown it sends
 * nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AfterAnswerReads, READ_EVERY_FIRST, READ_ONE_IN } from "./after_answer.ts";
 * const reads = new AfterAnswerReads();
 * for (let i = 0; i < READ_EVERY_FIRST; i++) {
 *   assert.equal(reads.shouldRead("10.0.0.5|01"), true);
 *   reads.saw("10.0.0.5|01", false);
 * }
 * const next = Array.from({ length: READ_ONE_IN }, () => reads.shouldRead("10.0.0.5|01"));
 * assert.equal(next.filter(Boolean).length, 1);
 * reads.saw("10.0.0.5|01", true); // bytes: every answer again
 * assert.equal(reads.shouldRead("10.0.0.5|01"), true);
 * assert.equal(reads.shouldRead("10.0.0.5|01"), true);
 * ```
 *
 * @module
 */

/** Answers to a POS followed by a read before sampling starts: 50. */
export const READ_EVERY_FIRST = 50;
/** Then, one answer in this many: 10. */
export const READ_ONE_IN = 10;
/** Points of sale remembered (the first seen forgotten first): 1,000. */
const MAX_POS = 1000;

/** Per POS: answers read with nothing after them in a row, answers not read since the last. */
interface PosReads {
  clean: number;
  skipped: number;
}

/** The policy, per POS: see the module's documentation. */
export class AfterAnswerReads {
  readonly #pos = new Map<string, PosReads>();

  /**
   * Whether to read after this answer.
   *
   * @param key The POS: its address and register (`10.0.0.5|01`).
   * @returns `true` to read.
   */
  shouldRead(key: string): boolean {
    const reads = this.#pos.get(key);
    if (!reads || reads.clean < READ_EVERY_FIRST) return true;
    if (++reads.skipped < READ_ONE_IN) return false;
    reads.skipped = 0;
    return true;
  }

  /**
   * What a read after an answer found.
   *
   * @param key The POS.
   * @param bytes Whether the POS sent bytes after the answer.
   */
  saw(key: string, bytes: boolean): void {
    let reads = this.#pos.get(key);
    if (!reads) {
      if (this.#pos.size >= MAX_POS) this.#pos.delete(this.#pos.keys().next().value!);
      reads = { clean: 0, skipped: 0 };
      this.#pos.set(key, reads);
    }
    reads.clean = bytes ? 0 : reads.clean + 1;
  }
}
