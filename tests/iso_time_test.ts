import assert from "node:assert/strict";
import { isoTime, parseIsoTime } from "../lib/iso_time.ts";

// Each time of a spread (minute boundaries, fractions, before 1970, far years, invalid), in
// an order that moves the kept minute back and forth.
const TIMES = [
  Date.UTC(2026, 11, 3, 10, 0, 0, 0),
  Date.UTC(2026, 11, 3, 10, 0, 59, 999),
  Date.UTC(2026, 11, 3, 10, 1, 0, 0),
  Date.UTC(2026, 11, 3, 9, 59, 59, 999),
  Date.UTC(2026, 11, 31, 23, 59, 59, 999),
  Date.UTC(2027, 0, 1, 0, 0, 0, 1),
  Date.UTC(2028, 1, 29, 12, 30, 7, 70),
  0,
  -1,
  -86_400_001,
  1.5,
  59_999.999,
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  Date.UTC(10000, 0, 1),
  Date.UTC(-1, 0, 1),
  8.64e15,
];

Deno.test("isoTime writes what toISOString writes, whatever minute it kept", () => {
  for (const ms of TIMES) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  // Random times around now and over the years, each twice (the second from the kept minute).
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) {
    const ms = i % 2
      ? Date.now() + Math.floor((next() - 0.5) * 600_000)
      : Math.floor(next() * 4e12);
    assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
    assert.equal(isoTime(ms + 1), new Date(ms + 1).toISOString(), String(ms + 1));
  }
});

Deno.test("isoTime throws on an invalid time, as toISOString does", () => {
  for (const ms of [NaN, Infinity, 8.64e15 + 1]) {
    assert.throws(() => isoTime(ms), RangeError);
  }
});

Deno.test("parseIsoTime reads what Date.parse reads, from the kept minute or not", () => {
  const texts = [
    ...TIMES.map((ms) => new Date(ms).toISOString()),
    "2026-12-03T10:00:05Z",
    "2026-12-03T10:00:05.1Z",
    "2026-12-03T11:00:05.123+01:00",
    "2026-12-03",
    "2026-12-03T10:00:65.000Z",
    "2026-12-03T10:00:0a.000Z",
    "2026-12-03T10:00:05,000Z",
    "",
    "soon",
  ];
  for (const kept of TIMES.slice(0, 4)) {
    isoTime(kept); // the minute kept is that of `kept`
    for (const text of texts) {
      assert.deepEqual(parseIsoTime(text), Date.parse(text), `${text} (kept ${kept})`);
    }
    const now = isoTime(kept + 1234);
    assert.equal(parseIsoTime(now), kept + 1234);
  }
});
