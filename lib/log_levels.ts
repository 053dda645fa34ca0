/**
 * The log levels and formats of the command line, apart from {@linkcode ./logging.ts} so
 * that reading the options does not load LogTape. logging.ts re-exports them.
 *
 * @module
 */

/** Log levels of the command line, as in the reference tool. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A log level of the command line. */
export type CliLogLevel = typeof LOG_LEVELS[number];
/** Output formats of the log. */
export const LOG_FORMATS = ["text", "json"] as const;
/** An output format of the log. */
export type LogFormat = typeof LOG_FORMATS[number];
