/**
 * Card numbers kept out of what the toolkit writes down: any run of 13 to 19 digits that
 * passes the Luhn check is masked to its first 6 and last 4 digits (`497010######0001`),
 * the way receipts print them. Pure: strings in, strings out, the same length (so a
 * masked frame keeps its record lengths, and so its shape).
 *
 * A card number never starts with 0 (ISO/IEC 7812): stretches that do are left alone,
 * which keeps application identifiers (AI: `A0000000421010`) and a record's length
 * before digits (`CJ012` + `012345678901`) as they are.
 *
 * Where it looks:
 * - in a frame ({@linkcode maskFrame}), in the value of each record, known tag or not;
 *   a value that is itself made of records (ZT) is masked record by record; what is left
 *   after the last whole record (a cut or garbled frame) is masked as plain text;
 * - in plain text ({@linkcode maskDigits}), in every run of digits: a run longer than 19
 *   digits (a record's length written before a card number, two numbers side by side)
 *   is searched for every 13- to 19-digit stretch that passes the check.
 *
 * What it guarantees: no stretch of 13 to 19 digits that starts with 1 to 9 and passes
 * the Luhn check is left in a frame (the lengths in the records' headers left out of
 * the stretches). It may mask a number that is not a card's (one in ten long numbers
 * passes the check): that is the price of never writing a card number down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskDigits, maskFrame } from "./mask.ts";
 * assert.equal(maskDigits("card 4970101234567893 ok"), "card 497010######7893 ok");
 * assert.equal(maskFrame("CZ0040300AA0164970101234567893"), "CZ0040300AA016497010######7893");
 * ```
 *
 * @module
 */

import type { Field } from "./tlv.ts";
import { INCOMPLETE, RECORD_HEADER_LENGTH, recordEnd } from "./tlv.ts";

/** The character that replaces the hidden digits. */
export const MASK_CHARACTER = "#";
/** Shortest card number masked. */
export const MIN_PAN_DIGITS = 13;
/** Longest card number masked. */
export const MAX_PAN_DIGITS = 19;
/** Digits kept at the start of a masked number. */
const KEEP_FIRST = 6;
/** Digits kept at its end. */
const KEEP_LAST = 4;
/** How deep records inside records are looked into. */
const MAX_DEPTH = 4;

/**
 * Whether a string of digits passes the Luhn check (ISO/IEC 7812).
 *
 * @param digits Digits only.
 * @returns Whether its check digit is right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luhnValid } from "./mask.ts";
 * assert.equal(luhnValid("4970101234567893"), true);
 * assert.equal(luhnValid("4970101234567890"), false);
 * ```
 */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const code = digits.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return false;
    let d = code;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Masks, in plain text, every stretch of 13 to 19 digits that passes the Luhn check:
 * its first 6 and last 4 digits are kept, the others become `#`. Searched from the left,
 * the longest stretch first at each position.
 *
 * @param text Any text (one character per byte).
 * @returns The text, of the same length, with no card number left in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskDigits } from "./mask.ts";
 * assert.equal(maskDigits("4970101234567893"), "497010######7893");
 * assert.equal(maskDigits("1234567890123"), "1234567890123");
 * ```
 */
export function maskDigits(text: string): string {
  let out: string[] | undefined;
  const size = text.length;
  let i = 0;
  while (i < size) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < size && isDigit(text.charCodeAt(end))) end++;
    if (end - i >= MIN_PAN_DIGITS) {
      // Positions masked so far in this run break the stretches that cross them.
      let start = i;
      while (start + MIN_PAN_DIGITS <= end) {
        const length = longestValid(text, start, end);
        if (length === 0) {
          start++;
          continue;
        }
        out ??= [...text];
        for (let k = start + KEEP_FIRST; k < start + length - KEEP_LAST; k++) {
          out[k] = MASK_CHARACTER;
        }
        // Its last 4 digits, kept, may begin another stretch.
        start += length - KEEP_LAST;
      }
    }
    i = end;
  }
  return out ? out.join("") : text;
}

/** The length of the longest stretch from `start` (at most to `end`) passing the check; 0: none. */
function longestValid(text: string, start: number, end: number): number {
  // No card number starts with 0 (ISO/IEC 7812: MII 0 is not issued to cards); an AID
  // (A0000000421010) or a record's length before digits (012 + 012345678901) does.
  if (text.charCodeAt(start) === 48) return 0;
  for (let length = Math.min(MAX_PAN_DIGITS, end - start); length >= MIN_PAN_DIGITS; length--) {
    if (luhnValid(text.slice(start, start + length))) return length;
  }
  return 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Masks the card numbers in a frame (or any text): record by record when it is made of
 * records, values that are themselves records (ZT) included; the rest as plain text.
 * The length, the tags and the record headers are kept.
 *
 * @param text The frame, one character per byte: whole, cut short or garbled.
 * @returns The frame with no card number left in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskFrame } from "./mask.ts";
 * assert.equal(maskFrame("ZT021AA0164970101234567893"), "ZT021AA016497010######7893");
 * ```
 */
export function maskFrame(text: string): string {
  const headers: number[] = [];
  const masked = maskRecords(text, 0, false, headers) ?? maskDigits(text);
  // Then across records, the lengths in the headers left out: a frame cut in the middle
  // of a card number, or a record's length that is wrong, does not hide one.
  let view = "";
  let from = 0;
  for (const at of headers) {
    view += masked.slice(from, at + 2) + "---";
    from = at + RECORD_HEADER_LENGTH;
  }
  view += masked.slice(from);
  const across = maskDigits(view);
  if (across === view) return masked;
  const out = [...masked];
  for (let i = 0; i < out.length; i++) if (across[i] !== view[i]) out[i] = MASK_CHARACTER;
  return out.join("");
}

/**
 * Masks records within `text`; with `whole`, `undefined` unless all of it is records.
 * Otherwise what follows the last whole record is masked as plain text.
 */
function maskRecords(
  text: string,
  depth: number,
  whole: boolean,
  headers?: number[],
): string | undefined {
  let offset = 0;
  let out = "";
  while (offset < text.length) {
    // Looked at first: a value that is no record is the common case, and an error costs.
    if (!looksLikeHeader(text, offset)) break;
    let end: number;
    try {
      end = recordEnd(text, offset);
    } catch {
      end = INCOMPLETE;
    }
    if (end === INCOMPLETE) break;
    const value = text.slice(offset + RECORD_HEADER_LENGTH, end);
    headers?.push(offset);
    out += text.slice(offset, offset + RECORD_HEADER_LENGTH) + maskValue(value, depth + 1);
    offset = end;
  }
  if (offset === text.length) return offset === 0 && whole ? undefined : out;
  if (whole) return undefined;
  return out + maskDigits(text.slice(offset));
}

/** Whether a record's header (2 capital letters, 3 digits) starts at `offset`. */
function looksLikeHeader(text: string, offset: number): boolean {
  if (offset + RECORD_HEADER_LENGTH > text.length) return false;
  for (let i = 0; i < RECORD_HEADER_LENGTH; i++) {
    const code = text.charCodeAt(offset + i);
    if (i < 2 ? code < 65 || code > 90 : !isDigit(code)) return false;
  }
  return true;
}

/**
 * Masks one record's value: record by record when it is made of records (ZT), else as
 * plain text.
 *
 * @param value The value.
 * @param depth How deep in records it is (0: a record of the frame). Default 0.
 * @returns The value, masked, of the same length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskValue } from "./mask.ts";
 * assert.equal(maskValue("4970101234567893"), "497010######7893");
 * ```
 */
export function maskValue(value: string, depth = 0): string {
  if (depth < MAX_DEPTH && value.length > RECORD_HEADER_LENGTH) {
    const nested = maskRecords(value, depth, true);
    if (nested !== undefined) return nested;
  }
  return maskDigits(value);
}

/**
 * Masks the values of records.
 *
 * @param fields The records.
 * @returns New records, each value masked with {@linkcode maskValue}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskFields } from "./mask.ts";
 * assert.deepEqual(maskFields([{ tag: "AA", value: "4970101234567893" }]), [{ tag: "AA", value: "497010######7893" }]);
 * ```
 */
export function maskFields(fields: readonly Field[]): Field[] {
  return fields.map(({ tag, value }) => ({ tag, value: maskValue(value) }));
}

/**
 * Whether a text still holds something that could be a card number: a stretch of 13 to
 * 19 digits that passes the Luhn check. What tests assert of every output.
 *
 * @param text Any text.
 * @returns Whether one is there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdsCardNumber } from "./mask.ts";
 * assert.equal(holdsCardNumber("AA0164970101234567893"), true);
 * assert.equal(holdsCardNumber("AA016497010######7893"), false);
 * ```
 */
export function holdsCardNumber(text: string): boolean {
  return maskDigits(text) !== text;
}
