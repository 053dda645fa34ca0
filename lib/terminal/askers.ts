/**
 * Several deciders for one transaction: a person at the keyboard (interactive mode) and a
 * program or a browser holding the transaction (hold mode) may both be asked; the first
 * decision wins and the others are withdrawn.
 *
 * @module
 */

import type { Answered, Asker } from "./engine.ts";

/**
 * The reason given to the deciders that lost: their context's signal aborts with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DecidedElsewhere } from "./askers.ts";
 * assert.equal(new DecidedElsewhere().name, "AbortError");
 * assert.ok(new DecidedElsewhere() instanceof DOMException);
 * ```
 */
export class DecidedElsewhere extends DOMException {
  /** Makes the reason. */
  constructor() {
    super("Decided by another decider", "AbortError");
  }
}

/**
 * Combines deciders: each one that takes the transaction (returns a promise) is asked at
 * once, with a signal that aborts, with a {@linkcode DecidedElsewhere} reason, as soon as
 * one of them has decided; the first decision wins. When none takes it, the combination
 * returns `undefined` (the settings decide). When every one fails (the simulator stopped),
 * it rejects with the first failure.
 *
 * @param askers The deciders, in order; `undefined` entries are skipped.
 * @returns One decider to give the rule engine as `ask`.
 *
 * @example A person and the hold desk: whoever decides first
 * ```ts
 * import assert from "node:assert/strict";
 * import { DecidedElsewhere, firstAnswer } from "./askers.ts";
 * import type { Asker, PendingDecision } from "./engine.ts";
 *
 * // In server.ts: firstAnswer([operator.ask, hold.ask]), given to the RuleEngine as `ask`.
 * let withdrawn: unknown;
 * const person: Asker = ({ context }) =>
 *   new Promise((_, reject) => { // waits for a key that never comes
 *     context.signal?.addEventListener("abort", () => reject(withdrawn = context.signal?.reason));
 *   });
 * const program: Asker = () => Promise.resolve({ outcome: { status: "approved" }, note: "API" });
 * const ask = firstAnswer([person, program]);
 * const answered = await ask({ context: {} } as PendingDecision);
 * assert.equal(answered?.note, "API");
 * assert.ok(withdrawn instanceof DecidedElsewhere); // the person is told to stop waiting
 * ```
 *
 * @example Nobody takes it: the settings decide
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstAnswer } from "./askers.ts";
 * const ask = firstAnswer([() => undefined, undefined]);
 * assert.equal(ask({} as Parameters<typeof ask>[0]), undefined);
 * ```
 */
export function firstAnswer(askers: readonly (Asker | undefined)[]): Asker {
  const present = askers.filter((asker): asker is Asker => asker !== undefined);
  return (pending) => {
    if (present.length === 1) return present[0](pending);
    const withdraw = new AbortController();
    const outer = pending.context?.signal;
    const signal = outer ? AbortSignal.any([outer, withdraw.signal]) : withdraw.signal;
    const shared = { ...pending, context: { ...pending.context, signal } };
    const asked = present.map((asker) => asker(shared))
      .filter((answer): answer is Promise<Answered> => answer !== undefined);
    if (asked.length === 0) return undefined;
    if (asked.length === 1) return asked[0];
    return new Promise<Answered>((resolve, reject) => {
      const failures: unknown[] = [];
      for (const answer of asked) {
        answer.then((answered) => {
          withdraw.abort(new DecidedElsewhere());
          resolve(answered);
        }, (error) => {
          failures.push(error);
          if (failures.length === asked.length) reject(failures[0]);
        });
      }
    });
  };
}
