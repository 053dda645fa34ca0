/**
 * The simulated terminal, assembled in one order: the hold desk and the rules engine
 * (what decides), then the simulator (given the decision, not a hook bound later), then
 * the journal, the control layer and the watch on the scenario file. `server.ts` and the
 * test fixture ({@linkcode startTerminal}) both assemble it here.
 *
 * Nothing is bound late: the simulator announces each request (`arrived`) before it is
 * decided, and the control reports it (`arrived`); the scenario watcher is made before
 * the control, which is given its `reload`, and the control applies each new version.
 *
 * The watch on the POS and forward mode's tap are made here at once; `server.ts` uses
 * `assemble_core.ts`, which loads them only when its options need them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleTerminal } from "./assemble.ts";
 * import { pay } from "../pos.ts";
 * const terminal = assembleTerminal({
 *   simulator: { hostname: "127.0.0.1", port: 0 },
 *   settings: { delayMs: 0 },
 *   journal: {},
 *   control: {},
 * });
 * const { port } = await terminal.simulator.start();
 * assert.equal((await pay({ amount: 1250 }, { port })).answer.approved, true);
 * assert.equal(terminal.journal?.list().length, 1);
 * await terminal.close();
 * await terminal.simulator.close();
 * ```
 *
 * @module
 */

import {
  assembleDecision as assembleDecisionWith,
  assembleTerminal as assembleTerminalWith,
  type AssemblyParts,
  completeTerminal as completeTerminalWith,
  type Decision,
  type Terminal,
  type TerminalConfig,
} from "./assemble_core.ts";
import * as forward from "./forward.ts";
import type { TerminalSimulator } from "./simulator.ts";
import * as watch from "./watch.ts";

export type { Decision, ForwardSource, Terminal, TerminalConfig } from "./assemble_core.ts";

/** Every part at once: the watch is made with the decision, the tap when asked for. */
const PARTS: AssemblyParts = { watch, forward };

/**
 * The first half of the assembly: the hold desk, the rules engine and the decision hook,
 * made before the simulator so that it is given them (and the watch on the POS, with a
 * diagnosis).
 *
 * @param config What to assemble.
 * @returns What decides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleDecision } from "./assemble.ts";
 * const { engine, hold } = assembleDecision({ hold: true });
 * assert.deepEqual([engine.magicAmounts, hold.active], [false, true]);
 * ```
 */
export function assembleDecision(config: TerminalConfig): Decision {
  return assembleDecisionWith(config, PARTS);
}

/**
 * The second half of the assembly, once the simulator is made with the decision: the
 * journal, the control layer and the watch on the scenario file.
 *
 * @param simulator The simulator, made with `decision.decide` and
 * `decision.settingsFor(config.scenario)`.
 * @param decision What {@linkcode assembleDecision} made.
 * @param config The same configuration.
 * @returns The terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleDecision, completeTerminal } from "./assemble.ts";
 * import { TerminalSimulator } from "./simulator.ts";
 * const decision = assembleDecision({});
 * const simulator = new TerminalSimulator({ decide: decision.decide });
 * const terminal = completeTerminal(simulator, decision, { journal: {}, control: {} });
 * assert.ok(terminal.control);
 * assert.equal(terminal.control.journal, terminal.journal);
 * await terminal.close();
 * ```
 */
export function completeTerminal<S extends TerminalSimulator>(
  simulator: S,
  decision: Decision,
  config: TerminalConfig,
): Terminal<S> {
  return completeTerminalWith(simulator, decision, config, PARTS);
}

/**
 * Assembles a simulated terminal: {@linkcode assembleDecision}, the simulator, then
 * {@linkcode completeTerminal}. Start it with `terminal.simulator.start()`.
 *
 * @param config What to assemble.
 * @returns The terminal, not started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleTerminal } from "./assemble.ts";
 * const terminal = assembleTerminal({ settings: { failure: true }, journal: {}, control: {} });
 * assert.equal(terminal.control?.settings.failure, true);
 * await terminal.close();
 * ```
 */
export function assembleTerminal(config: TerminalConfig): Terminal {
  return assembleTerminalWith(config, PARTS);
}
