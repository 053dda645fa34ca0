/**
 * LogTape, the programs' logs, in its own file so that `--help` does not load it: see
 * {@linkcode ./deps.ts}.
 *
 * @module
 */

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
