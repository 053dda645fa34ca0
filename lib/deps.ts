/**
 * The only files with `npm:` specifiers are this one and {@linkcode ./deps_startup.ts}
 * (commander, which a program needs before it has read its options; re-exported here).
 * Exact versions, so the program runs the same from source, from a URL (where deno.json
 * is ignored) and compiled.
 *
 * @module
 */

export * from "./deps_startup.ts";
export * as YAML from "npm:yaml@2.9.1";
export {
  configureSync,
  getAnsiColorFormatter,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync as resetLogging,
  type Sink,
} from "npm:@logtape/logtape@2.4.2";
export { default as currencyCodes } from "npm:currency-codes@2.2.0";
