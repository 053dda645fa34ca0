/**
 * Logging set-up for the command-line programs, through LogTape: text for people on
 * standard error (coloured on a terminal), or JSON lines on request. Library code only
 * calls `getLogger(["caisse-ap", ...])`; nothing is printed unless a program configures it.
 *
 * @module
 */

import {
  configureSync,
  getAnsiColorFormatter,
  getJsonLinesFormatter,
  getTextFormatter,
  type LogLevel,
  type LogRecord,
} from "./deps_logging.ts";
import type { CliLogLevel, LogFormat } from "./log_levels.ts";
import { writeAllSync } from "./write.ts";

export { writeAllSync };

export { type CliLogLevel, LOG_FORMATS, LOG_LEVELS, type LogFormat } from "./log_levels.ts";

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Lowest level written. */
  level: CliLogLevel;
  /** `text` for people, `json` for one JSON object per line. */
  format: LogFormat;
  /** Where lines go. Default: standard error. */
  write?: (line: string) => void;
  /** Colour the text. Default: when standard error is a terminal and NO_COLOR is unset. */
  color?: boolean;
}

function writeStderr(line: string): void {
  writeAllSync(Deno.stderr, line);
}

/**
 * Configures LogTape for a program: the `caisse-ap` category at the given level.
 * Calling it again replaces the previous configuration.
 *
 * @param options Level, format and destination.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setupLogging } from "./logging.ts";
 * import { getLogger } from "./deps.ts";
 *
 * const lines: string[] = []; // default: standard error
 * setupLogging({ level: "info", format: "text", color: false, write: (l) => lines.push(l) });
 * const logger = getLogger(["caisse-ap", "pos"]);
 * logger.info("Sending to {where}", { where: "127.0.0.1:8888" });
 * logger.debug("Not written: below the level");
 * assert.equal(lines.length, 1);
 * assert.match(lines[0], /\[INF\] pos: Sending to 127\.0\.0\.1:8888\n$/);
 * ```
 */
export function setupLogging(options: LoggingOptions): void {
  const color = options.color ?? (isTerminal() && !noColor());
  const format: (record: LogRecord) => string = options.format === "json"
    ? getJsonLinesFormatter()
    : color
    ? getAnsiColorFormatter({ timestamp: "time", value: "bare", category: categoryName })
    : getTextFormatter({ timestamp: "time", value: "bare", category: categoryName });
  const write = options.write ?? writeStderr;
  configureSync({
    reset: true,
    sinks: {
      out: (record: LogRecord) =>
        write(format(loggedAt === undefined ? record : { ...record, timestamp: loggedAt })),
    },
    loggers: [
      { category: ["caisse-ap"], lowestLevel: toLogTapeLevel(options.level), sinks: ["out"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["out"] },
    ],
  });
}

/** The time of the lines written by {@linkcode writtenAt}'s `write`. */
let loggedAt: number | undefined;

/**
 * Writes log lines as logged at another time: the lines kept before LogTape was loaded
 * (`BufferedLogger.connect`), with the time they were logged.
 *
 * @param time When they were logged, in milliseconds since the epoch.
 * @param write Logs them, through a logger that {@linkcode setupLogging} configured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setupLogging, writtenAt } from "./logging.ts";
 * import { getLogger } from "./deps_logging.ts";
 * const lines: string[] = [];
 * setupLogging({ level: "info", format: "json", write: (line) => lines.push(line) });
 * writtenAt(Date.UTC(2026, 11, 3, 9), () => getLogger(["caisse-ap"]).info("kept", {}));
 * assert.equal(JSON.parse(lines[0])["@timestamp"], "2026-12-03T09:00:00.000Z");
 * ```
 */
export function writtenAt(time: number, write: () => void): void {
  loggedAt = time;
  try {
    write();
  } finally {
    loggedAt = undefined;
  }
}

function categoryName(category: readonly string[]): string {
  return category.slice(1).join(".");
}

function toLogTapeLevel(level: CliLogLevel): LogLevel {
  return level === "warn" ? "warning" : level;
}

function isTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function noColor(): boolean {
  try {
    return (Deno.env.get("NO_COLOR") ?? "") !== "";
  } catch {
    return false;
  }
}
