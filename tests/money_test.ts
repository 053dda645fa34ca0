import assert from "node:assert/strict";
import {
  findCurrency,
  formatAmount,
  fromAmountField,
  getCurrency,
  parseAmount,
  toAmountField,
} from "../lib/money.ts";

const EUR = getCurrency("EUR"), JPY = getCurrency("JPY"), BHD = getCurrency("BHD");

Deno.test("currencies are found by alphabetic or numeric code", () => {
  assert.deepEqual(findCurrency("eur"), { code: "EUR", number: "978", digits: 2, name: "Euro" });
  assert.equal(findCurrency("978")?.code, "EUR");
  assert.equal(findCurrency("48")?.code, "BHD");
  assert.equal(findCurrency("048")?.digits, 3);
  assert.equal(findCurrency("953")?.code, "XPF");
  assert.equal(findCurrency("XPF")?.digits, 0);
  assert.equal(findCurrency("840")?.code, "USD");
  assert.equal(findCurrency("ABC"), undefined);
  assert.equal(findCurrency("000"), undefined);
  assert.equal(findCurrency("EURO"), undefined);
  assert.throws(() => getCurrency("ZZZ"), RangeError);
  assert.throws(() => getCurrency("ZZZ"), /Unknown currency "ZZZ"/);
});

Deno.test("amounts are parsed exactly in each currency's minor units", async (t) => {
  const cases: [string, typeof EUR, number, boolean][] = [
    ["112.45", EUR, 11245, false],
    ["0.05", EUR, 5, false],
    ["12.5", EUR, 1250, false],
    ["3", EUR, 300, false],
    ["-3.00", EUR, 300, true],
    ["+7.10", EUR, 710, false],
    ["0.1", EUR, 10, false],
    ["1000", JPY, 1000, false],
    ["-1000", JPY, 1000, true],
    ["1.5", BHD, 1500, false],
    ["1.234", BHD, 1234, false],
    ["0.001", BHD, 1, false],
    ["9999999999.99", EUR, 999999999999, false],
    ["0009999999999.99", EUR, 999999999999, false],
    ["999999999999", JPY, 999999999999, false],
    // 0.1 + 0.2 is not 0.3 in floating point: the parser never goes through it.
    ["0.30", EUR, 30, false],
    ["1.15", EUR, 115, false],
    ["4.35", EUR, 435, false],
    [" 12.34 ", EUR, 1234, false],
  ];
  for (const [text, currency, minor, negative] of cases) {
    await t.step(`${text} ${currency.code}`, () => {
      assert.deepEqual(parseAmount(text, currency), { minor, negative });
    });
  }
});

Deno.test("bad amounts are errors, never roundings", async (t) => {
  const cases: [string, typeof EUR, ErrorConstructor | RangeErrorConstructor, RegExp][] = [
    ["112.456", EUR, RangeError, /EUR has 2 decimals, not 3/],
    ["1.5", JPY, RangeError, /JPY has 0 decimals, not 1/],
    ["1.2345", BHD, RangeError, /BHD has 3 decimals, not 4/],
    ["10000000000.00", EUR, RangeError, /more than the 12 digits/],
    ["1000000000000", JPY, RangeError, /more than the 12 digits/],
    ["12,50", EUR, SyntaxError, /use a dot as the decimal separator/],
    ["abc", EUR, SyntaxError, /Invalid amount "abc"/],
    ["", EUR, SyntaxError, /Invalid amount ""/],
    ["1.", EUR, SyntaxError, /Invalid amount/],
    [".5", EUR, SyntaxError, /Invalid amount/],
    ["1e3", EUR, SyntaxError, /Invalid amount/],
    ["--1", EUR, SyntaxError, /Invalid amount/],
    ["0x10", EUR, SyntaxError, /Invalid amount/],
    ["1 000", EUR, SyntaxError, /Invalid amount/],
  ];
  for (const [text, currency, type, message] of cases) {
    await t.step(`${JSON.stringify(text)} ${currency.code}`, () => {
      assert.throws(() => parseAmount(text, currency), (e: unknown) => {
        assert.ok(e instanceof type, String(e));
        assert.match((e as Error).message, message);
        return true;
      });
    });
  }
});

Deno.test("amounts are formatted with the currency's decimals", () => {
  assert.equal(formatAmount(11245, EUR), "112.45");
  assert.equal(formatAmount(5, EUR), "0.05");
  assert.equal(formatAmount(0, EUR), "0.00");
  assert.equal(formatAmount(-300, EUR), "-3.00");
  assert.equal(formatAmount(1000, JPY), "1000");
  assert.equal(formatAmount(1500, BHD), "1.500");
  assert.equal(formatAmount(999999999999, EUR), "9999999999.99");
});

Deno.test("CB values: at least two digits out, leading zeros ignored in", () => {
  assert.equal(toAmountField(5), "05");
  assert.equal(toAmountField(0), "00");
  assert.equal(toAmountField(11245), "11245");
  assert.equal(toAmountField(999999999999), "999999999999");
  assert.throws(() => toAmountField(1e12), RangeError);
  assert.throws(() => toAmountField(-1), RangeError);
  assert.throws(() => toAmountField(1.5), RangeError);
  assert.equal(fromAmountField("000000001250"), 1250);
  assert.equal(fromAmountField("05"), 5);
  assert.equal(fromAmountField(""), undefined);
  assert.equal(fromAmountField(undefined), undefined);
  assert.equal(fromAmountField("12a"), undefined);
  assert.equal(fromAmountField("1234567890123"), undefined);
});
