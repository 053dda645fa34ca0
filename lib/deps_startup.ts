/**
 * The npm package a program loads before it has read its options: commander, to read
 * them and print the help. The others stay in {@linkcode ./deps.ts} (which re-exports
 * this one), loaded once the options say what is needed: each npm package adds to the
 * start-up time. Exact versions, as in deps.ts.
 *
 * @module
 */

export { Command, CommanderError, InvalidArgumentError, Option } from "npm:commander@15.1.0";
