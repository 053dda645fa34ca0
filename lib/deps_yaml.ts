/**
 * The YAML reader (scenario and campaign files), in its own file so that a program loads
 * it only when it reads one: see {@linkcode ./deps.ts}.
 *
 * @module
 */

export * as YAML from "npm:yaml@2.9.1";
