/**
 * The simulator's log: listens to a {@linkcode TerminalSimulator}'s events and writes each
 * exchange through LogTape: the peer, the raw request, a table of its records with their
 * names, the decision, why and what decided it (which rule), the raw answer, and what a
 * fault did with it; connections refused or closed for a limit. Wire data is escaped
 * before it is logged.
 *
 * The functions are `log_core.ts`'s, with LogTape's logger by default.
 *
 * @module
 */

import { getLogger } from "../deps_logging.ts";
import type { TerminalControl } from "./control.ts";
import * as core from "./log_core.ts";
import type { SimulatorLogger } from "./log_core.ts";
import type { TerminalSimulator } from "./simulator.ts";
import type { PosWatch } from "./watch.ts";

export { describeDecider, formatTable, type SimulatorLogger } from "./log_core.ts";

/**
 * Logs what a simulator does, under the category `["caisse-ap", "terminal"]`.
 *
 * @param simulator The simulator to listen to.
 * @param logger Where to log. Default: LogTape's `caisse-ap.terminal` logger.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logSimulator } from "./log.ts";
 * import { TerminalSimulator } from "./simulator.ts";
 *
 * const messages: string[] = []; // LogTape's logger when none is given
 * const keep = (message: string) => void messages.push(message);
 * const simulator = new TerminalSimulator({ hostname: "127.0.0.1", port: 0 });
 * logSimulator(simulator, { debug: keep, info: keep, warn: keep, error: keep });
 * await simulator.start();
 * await simulator.close();
 * assert.deepEqual(messages, ["Listening on {address}"]);
 * ```
 */
export function logSimulator(
  simulator: TerminalSimulator,
  logger: SimulatorLogger = getLogger(["caisse-ap", "terminal"]),
): void {
  core.logSimulator(simulator, logger);
}

/**
 * Logs what the control layer does: holds and releases, under the category
 * `["caisse-ap", "terminal"]`.
 *
 * @param control The control layer to listen to.
 * @param logger Where to log. Default: LogTape's `caisse-ap.terminal` logger.
 *
 * @example
 * ```ts ignore
 * // Not run: needs an assembled terminal (log_core.ts's example runs one).
 * import { logControl } from "./log.ts";
 * logControl(terminal.control);
 * ```
 */
export function logControl(
  control: TerminalControl,
  logger: SimulatorLogger = getLogger(["caisse-ap", "terminal"]),
): void {
  core.logControl(control, logger);
}

/**
 * Logs one warning line per new finding of the diagnosis (its code, title and POS), and
 * the end of the campaign, under the category `["caisse-ap", "terminal"]`.
 *
 * @param watch The watch on the POS.
 * @param logger Where to log. Default: LogTape's `caisse-ap.terminal` logger.
 *
 * @example
 * ```ts ignore
 * // Not run: needs a terminal with a diagnosis, and LogTape configured to show it.
 * import { logFindings } from "./log.ts";
 * logFindings(terminal.watch);
 * ```
 */
export function logFindings(
  watch: PosWatch,
  logger: SimulatorLogger = getLogger(["caisse-ap", "terminal"]),
): void {
  core.logFindings(watch, logger);
}
