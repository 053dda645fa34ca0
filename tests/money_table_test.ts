// lib/currencies.ts is generated from the currency-codes package (.ci/currencies.ts), so
// that reading an amount loads no npm package; the package stays the source: this fails
// when the table and the package differ (after a new version of the package, run
// `deno run --allow-read --allow-write .ci/currencies.ts`).
import assert from "node:assert/strict";
import { currencyCodes } from "../lib/deps_currency.ts";
import { CURRENCY_TABLE } from "../lib/currencies.ts";
import { findCurrency } from "../lib/money.ts";

Deno.test("the currency table is the currency-codes package's", async (t) => {
  await t.step("the same currencies, row for row", () => {
    const fromPackage = currencyCodes.data
      .map((entry) => [entry.code, entry.number, entry.digits, entry.currency])
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    assert.deepEqual(CURRENCY_TABLE, fromPackage);
  });
  await t.step("every code found as the package finds it, by letters and by number", () => {
    for (const entry of currencyCodes.data) {
      const expected = {
        code: entry.code,
        number: entry.number,
        digits: entry.digits,
        name: entry.currency,
      };
      assert.deepEqual(findCurrency(entry.code), expected);
      assert.deepEqual(findCurrency(entry.code.toLowerCase()), expected);
      assert.deepEqual(findCurrency(entry.number), expected);
      assert.deepEqual(findCurrency(String(Number(entry.number))), expected);
    }
  });
  await t.step("what the package does not know is not found", () => {
    for (const code of ["XYZ", "000", "1000", "EU", "EURO", "", "9 7 8", "97.8"]) {
      assert.equal(
        findCurrency(code),
        undefined,
        `"${code}": ${JSON.stringify(currencyCodes.code(code) ?? null)}`,
      );
      assert.equal(currencyCodes.code(code.trim().toUpperCase()), undefined, code);
    }
  });
});
