/**
 * The npm package a program loads before it has read its options: commander, to read
 * them and print the help. The others have their own files, loaded once the options say
 * what is needed (see {@linkcode ./deps.ts}, which re-exports them all): each npm package
 * adds to the start-up time. Exact versions, as in deps.ts.
 *
 * @module
 */

export { Command, CommanderError, InvalidArgumentError, Option } from "npm:commander@15.1.0";
