/**
 * Amounts and currencies: decimal text to minor units and back, exactly (no floating
 * point), for every ISO 4217 currency and its own number of decimals.
 *
 * @module
 */

// A generated table of the currency-codes package (.ci/currencies.ts; a test checks it
// against the package): no npm package is loaded to read an amount.
import { CURRENCY_TABLE } from "./currencies.ts";

/** An ISO 4217 currency. */
export interface Currency {
  /** Alphabetic code, for example `"EUR"`. */
  readonly code: string;
  /** Numeric code, three digits, for example `"978"` (the value of CE). */
  readonly number: string;
  /** Number of decimals of its minor unit: 2 for EUR, 0 for JPY, 3 for BHD. */
  readonly digits: number;
  /** English name. */
  readonly name: string;
}

/** Largest amount CB can carry: 12 digits of minor units. */
export const MAX_MINOR_UNITS = 999_999_999_999;

/** Each currency by alphabetic and numeric code, made on the first look-up. */
let byCode: Map<string, Currency> | undefined;

function currencies(): Map<string, Currency> {
  if (byCode) return byCode;
  byCode = new Map();
  for (const [code, number, digits, name] of CURRENCY_TABLE) {
    const currency = Object.freeze({ code, number, digits, name });
    byCode.set(code, currency);
    byCode.set(number, currency);
  }
  return byCode;
}

/**
 * Finds a currency by alphabetic code (any case) or numeric code (`978`, `48` or `048`).
 *
 * @param code The code.
 * @returns The currency, or `undefined` when ISO 4217 has no such code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findCurrency } from "./money.ts";
 * assert.equal(findCurrency("jpy")?.digits, 0);
 * assert.equal(findCurrency("978")?.code, "EUR");
 * assert.equal(findCurrency("XYZ"), undefined);
 * ```
 */
export function findCurrency(code: string): Currency | undefined {
  const key = code.trim().toUpperCase();
  // Every key of the table is three letters or three digits: a hit is a currency.
  return currencies().get(key) ??
    (/^[0-9]{1,2}$/.test(key) ? currencies().get(key.padStart(3, "0")) : undefined);
}

/**
 * Gets a currency by alphabetic or numeric code.
 *
 * @param code The code.
 * @returns The currency.
 * @throws {RangeError} When ISO 4217 has no such code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getCurrency } from "./money.ts";
 * assert.equal(getCurrency("EUR").number, "978");
 * assert.throws(() => getCurrency("XYZ"), RangeError);
 * ```
 */
export function getCurrency(code: string): Currency {
  const found = findCurrency(code);
  if (!found) {
    throw new RangeError(
      `Unknown currency "${code}": expected an ISO 4217 code such as "EUR" or "978"`,
    );
  }
  return found;
}

/** An amount parsed from text. */
export interface ParsedAmount {
  /** Absolute value in minor units (cents for EUR). */
  minor: number;
  /** Whether the text had a minus sign (a refund, for the client). */
  negative: boolean;
}

/**
 * Parses a decimal amount exactly: `"112.45"` EUR is 11245 cents. A dot is the decimal
 * separator; a leading `-` marks a negative amount.
 *
 * @param text The amount, for example `"112.45"`, `"-3"`, `"1000"`.
 * @param currency The currency, which sets how many decimals are allowed.
 * @returns The amount in minor units and its sign.
 * @throws {SyntaxError} Text that is not a decimal number.
 * @throws {RangeError} More decimals than the currency has, or more than 12 digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getCurrency, parseAmount } from "./money.ts";
 * assert.deepEqual(parseAmount("112.45", getCurrency("EUR")), { minor: 11245, negative: false });
 * assert.deepEqual(parseAmount("1000", getCurrency("JPY")), { minor: 1000, negative: false });
 * assert.throws(() => parseAmount("1.5", getCurrency("JPY")), RangeError);
 * ```
 */
export function parseAmount(text: string, currency: Currency): ParsedAmount {
  const match = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/.exec(text.trim());
  if (!match) {
    const hint = /^[+-]?[0-9]+,[0-9]+$/.test(text.trim())
      ? ": use a dot as the decimal separator"
      : "";
    throw new SyntaxError(
      `Invalid amount "${text}": expected a decimal number such as "112.45"${hint}`,
    );
  }
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > currency.digits) {
    throw new RangeError(
      `Invalid amount "${text}": ${currency.code} has ${currency.digits} decimal${
        currency.digits === 1 ? "" : "s"
      }, not ${fraction.length}`,
    );
  }
  const digits = (whole + fraction.padEnd(currency.digits, "0")).replace(/^0+(?=.)/, "");
  if (digits.length > 12) {
    throw new RangeError(
      `Invalid amount "${text}": ${digits} minor units of ${currency.code} is more than the 12 digits CB can carry`,
    );
  }
  return { minor: Number(digits), negative: sign === "-" };
}

/**
 * Formats minor units as a decimal amount: 11245 cents is `"112.45"`.
 *
 * @param minor Minor units, a whole number.
 * @param currency The currency.
 * @returns The decimal text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatAmount, getCurrency } from "./money.ts";
 * assert.equal(formatAmount(5, getCurrency("EUR")), "0.05");
 * assert.equal(formatAmount(1500, getCurrency("BHD")), "1.500");
 * ```
 */
export function formatAmount(minor: number, currency: Currency): string {
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(currency.digits + 1, "0");
  if (currency.digits === 0) return sign + digits;
  const cut = digits.length - currency.digits;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/**
 * Writes minor units as the value of CB: at least 2 digits (`"05"`), at most 12.
 *
 * @param minor Minor units, a whole number from 0 to 999999999999.
 * @returns The CB value.
 * @throws {RangeError} A negative, fractional or too large amount.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toAmountField } from "./money.ts";
 * assert.equal(toAmountField(5), "05");
 * assert.throws(() => toAmountField(-1), RangeError);
 * ```
 */
export function toAmountField(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0 || minor > MAX_MINOR_UNITS) {
    throw new RangeError(
      `Invalid amount ${minor}: expected whole minor units from 0 to ${MAX_MINOR_UNITS}`,
    );
  }
  return String(minor).padStart(2, "0");
}

/**
 * Reads a CB value: digits only, leading zeros ignored (answers may be zero-padded).
 *
 * @param value The CB value.
 * @returns Minor units, or `undefined` when the value is not 1 to 12 digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromAmountField } from "./money.ts";
 * assert.equal(fromAmountField("000000001250"), 1250);
 * assert.equal(fromAmountField("12.50"), undefined);
 * ```
 */
export function fromAmountField(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,12}$/.test(value)) return undefined;
  return Number(value);
}
