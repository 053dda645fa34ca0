/**
 * A logger that keeps its lines until the real one is ready: `server.ts` starts listening
 * before LogTape is loaded, logs into a {@linkcode BufferedLogger} meanwhile, then
 * connects it to LogTape's logger, which writes what was kept, in order and with the
 * time each line was logged, and every line after it as it comes.
 *
 * @module
 */

import type { CliLogLevel } from "./log_levels.ts";
import type { SimulatorLogger } from "./terminal/log_core.ts";

/** The levels, lowest first (LogTape's `warning` is the command line's `warn`). */
const RANKS: Readonly<Record<string, number>> = {
  debug: 0,
  info: 1,
  warn: 2,
  warning: 2,
  error: 3,
};

type Method = "debug" | "info" | "warn" | "error";

/** A line kept until the logger is connected. */
interface KeptLine {
  method: Method;
  message: string;
  properties: Record<string, unknown>;
  /** When it was logged, in milliseconds since the epoch. */
  at: number;
}

/**
 * Keeps the lines at the level given or above until {@linkcode BufferedLogger.connect},
 * then passes every line on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedLogger } from "./log_buffer.ts";
 * const lines: string[] = [];
 * const keep = (message: string) => void lines.push(message);
 * const logger = new BufferedLogger("info");
 * logger.info("first", {});
 * logger.debug("below the level", {});
 * logger.connect({ debug: keep, info: keep, warn: keep, error: keep });
 * logger.warn("second", {});
 * assert.deepEqual(lines, ["first", "second"]);
 * ```
 */
export class BufferedLogger implements SimulatorLogger {
  readonly #lowest: number;
  #kept: KeptLine[] = [];
  #target?: SimulatorLogger;

  /**
   * Makes the logger; it keeps what it is given until it is connected.
   *
   * @param level The lowest level kept (the one LogTape will write).
   */
  constructor(level: CliLogLevel) {
    this.#lowest = RANKS[level];
  }

  /**
   * Whether a level is written: the connected logger's answer, or the level given.
   *
   * @param level The level.
   * @returns Whether records of that level are written.
   */
  isEnabledFor(level: "debug" | "info" | "warning" | "error"): boolean {
    const target = this.#target;
    if (target) return target.isEnabledFor?.(level) ?? true;
    return RANKS[level] >= this.#lowest;
  }

  /**
   * Logs a detail.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  debug(message: string, properties: Record<string, unknown>): void {
    this.#log("debug", message, properties);
  }

  /**
   * Logs an event.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  info(message: string, properties: Record<string, unknown>): void {
    this.#log("info", message, properties);
  }

  /**
   * Logs something that went wrong.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  warn(message: string, properties: Record<string, unknown>): void {
    this.#log("warn", message, properties);
  }

  /**
   * Logs a failure.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  error(message: string, properties: Record<string, unknown>): void {
    this.#log("error", message, properties);
  }

  /**
   * Passes what was kept to `target`, in order, then every line as it comes.
   *
   * @param target The real logger.
   * @param at Writes a kept line as logged at its time (the default writes it now).
   */
  connect(
    target: SimulatorLogger,
    at: (time: number, write: () => void) => void = (_time, write) => write(),
  ): void {
    const kept = this.#kept;
    this.#kept = [];
    for (const line of kept) {
      at(line.at, () => target[line.method](line.message, line.properties));
    }
    this.#target = target;
  }

  #log(method: Method, message: string, properties: Record<string, unknown>): void {
    const target = this.#target;
    if (target) return target[method](message, properties);
    if (RANKS[method] < this.#lowest) return;
    this.#kept.push({ method, message, properties, at: Date.now() });
  }
}
