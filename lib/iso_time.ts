/**
 * ISO 8601 times (`2026-12-03T10:00:00.000Z`) written and read fast: a server stamps and
 * reads several per transaction, and `Date.prototype.toISOString` and `Date.parse` each
 * cost about half a microsecond. Both keep the text of the current minute and only
 * compute the seconds; any other time goes through `Date`, so the results are always
 * those of `toISOString` and `Date.parse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isoTime, parseIsoTime } from "./iso_time.ts";
 * assert.equal(isoTime(Date.UTC(2026, 11, 3, 10, 0, 5, 42)), "2026-12-03T10:00:05.042Z");
 * assert.equal(parseIsoTime("2026-12-03T10:00:05.042Z"), Date.UTC(2026, 11, 3, 10, 0, 5, 42));
 * ```
 *
 * @module
 */

/** The minute whose text is kept, in minutes since the epoch. */
let minute = NaN;
/** Its text, `YYYY-MM-DDTHH:MM:` (17 characters). */
let prefix = "";

function keep(ms: number): void {
  minute = Math.floor(ms / 60_000);
  prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
}

/**
 * The ISO 8601 text of a time, as `new Date(ms).toISOString()` writes it.
 *
 * @param ms Milliseconds since the epoch.
 * @returns The text, in UTC, to the millisecond.
 * @throws {RangeError} When the time is not a valid date (as `toISOString`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isoTime } from "./iso_time.ts";
 * assert.equal(isoTime(0), "1970-01-01T00:00:00.000Z");
 * assert.equal(isoTime(59_999.9), "1970-01-01T00:00:59.999Z");
 * ```
 */
export function isoTime(ms: number): string {
  // Whole milliseconds in the years 1970 to 9999 take the fast way; toISOString takes care
  // of the rest (fractions, years before 1970 or with six digits, invalid times).
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return new Date(ms).toISOString();
  const whole = Math.floor(ms);
  if (Math.floor(whole / 60_000) !== minute) keep(whole);
  const rest = whole - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return prefix + (seconds < 10 ? "0" : "") + seconds +
    (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") + millis + "Z";
}

/**
 * The time of an ISO 8601 text, as `Date.parse` reads it.
 *
 * @param text The text.
 * @returns Milliseconds since the epoch, `NaN` when it is not a time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIsoTime } from "./iso_time.ts";
 * assert.equal(parseIsoTime("1970-01-01T00:01:00.500Z"), 60_500);
 * assert.equal(parseIsoTime("2026-12-03T11:00:00+01:00"), Date.parse("2026-12-03T10:00:00Z"));
 * assert.ok(Number.isNaN(parseIsoTime("soon")));
 * ```
 */
export function parseIsoTime(text: string): number {
  // `SS.sssZ` after the kept minute's text: read the seconds only.
  if (
    text.length === 24 && prefix.length === 17 && text.startsWith(prefix) &&
    text.charCodeAt(23) === 90
  ) {
    const s1 = text.charCodeAt(17) - 48;
    const s2 = text.charCodeAt(18) - 48;
    const m1 = text.charCodeAt(20) - 48;
    const m2 = text.charCodeAt(21) - 48;
    const m3 = text.charCodeAt(22) - 48;
    if (
      text.charCodeAt(19) === 46 && s1 >= 0 && s1 <= 5 && s2 >= 0 && s2 <= 9 && m1 >= 0 &&
      m1 <= 9 && m2 >= 0 && m2 <= 9 && m3 >= 0 && m3 <= 9
    ) {
      return minute * 60_000 + (s1 * 10 + s2) * 1000 + m1 * 100 + m2 * 10 + m3;
    }
  }
  return Date.parse(text);
}
