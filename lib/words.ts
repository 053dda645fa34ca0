/**
 * Words for messages: "did you mean...?" (the known word nearest to a mistyped one), a
 * list of quoted words, and an option's name in kebab-case.
 *
 * @module
 */

/**
 * Finds the word of a list nearest to `word` by edit distance (Levenshtein), if one is
 * near enough to be a likely typo.
 *
 * @param word What was typed.
 * @param words The words that exist.
 * @param options `maxDistance`: the largest distance still suggested (default 2);
 * `prefixes`: count a word that starts with what was typed (3 letters or more) as 1 away.
 * @returns The nearest word, or `undefined` when none is near enough.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closestWord } from "./words.ts";
 * assert.equal(closestWord("refusd", ["refused", "forbidden"]), "refused");
 * const faults = ["approve-then-drop"];
 * assert.equal(closestWord("approve-then", faults, { prefixes: true }), "approve-then-drop");
 * ```
 */
export function closestWord(
  word: string,
  words: readonly string[],
  options: { maxDistance?: number; prefixes?: boolean } = {},
): string | undefined {
  let best: string | undefined;
  let bestDistance = (options.maxDistance ?? 2) + 1;
  for (const candidate of words) {
    const d = options.prefixes && word.length >= 3 && candidate.startsWith(word)
      ? 1
      : editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The number of single-character insertions, deletions and substitutions that turn one
 * text into the other.
 *
 * @param a A text.
 * @param b Another.
 * @returns The distance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editDistance } from "./words.ts";
 * assert.equal(editDistance("kitten", "sitting"), 3);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * Writes words as a quoted list, for messages: `"a", "b", "c"`.
 *
 * @param words The words.
 * @returns Each word in double quotes, separated by a comma and a space.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteList } from "./words.ts";
 * assert.equal(quoteList(["refuse", "timeout"]), '"refuse", "timeout"');
 * ```
 */
export function quoteList(words: readonly string[]): string {
  return words.map((word) => `"${word}"`).join(", ");
}

/**
 * Writes a camelCase name in kebab-case, as an option on the command line:
 * `failureType` is `failure-type`.
 *
 * @param name The camelCase name.
 * @returns The kebab-case name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kebabCase } from "./words.ts";
 * assert.equal(kebabCase("httpToken"), "http-token");
 * ```
 */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
