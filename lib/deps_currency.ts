/**
 * currency-codes (ISO 4217: numeric codes, minor units), in its own file: see
 * {@linkcode ./deps.ts}.
 *
 * @module
 */

export { default as currencyCodes } from "npm:currency-codes@2.2.0";
