/**
 * The control layer: one object to drive a running simulated terminal, from a test or
 * from the HTTP control API (which is a thin shell around it). It changes the settings,
 * queues outcomes (for every register or for one), turns hold mode on and off and
 * decides held transactions, reads and clears the journal, reloads the scenario and
 * resets everything to the startup state. What happens is reported as events: the
 * simulator's transactions, held and released ones, and every change made.
 *
 * It owns no decision of its own: the {@linkcode RuleEngine} decides, the
 * {@linkcode HoldDesk} holds, the {@linkcode Journal} records; the control calls their
 * public methods and listens to their events.
 *
 * @module
 */

import { type DetailOf, Emitter } from "../events.ts";
import type { Plan, ReceivedRequest, TerminalSettings } from "./behaviour.ts";
import type { QueueSnapshot, RuleEngine } from "./engine.ts";
import type { HeldTransaction, HoldDesk, Release } from "./hold.ts";
import { type Journal, type JournalEntry, toJournalEntry } from "./journal.ts";
import type { OutcomeSpec } from "./outcome.ts";
import type { Scenario } from "./scenario.ts";
import type { ScenarioReadResult } from "./scenario_file.ts";
import type { Arrival, DecisionHookContext, TerminalSimulator, Transaction } from "./simulator.ts";

/** The settings the control changes: the terminal's, the magic amounts and hold mode. */
export interface ControlSettings extends TerminalSettings {
  /** Whether the magic amount rules apply. */
  magicAmounts: boolean;
  /** Whether hold mode is on. */
  hold: boolean;
}

/** A change of settings; `answerVersion: undefined` goes back to echoing the request's CZ. */
export type SettingsChange = Partial<ControlSettings>;

/** What a reset goes back to. */
export interface Baseline {
  /** The terminal's settings. */
  settings: TerminalSettings;
  /** The magic amounts: on, off, or (`undefined`) as the scenario says. */
  magicAmounts?: boolean;
  /** Hold mode. */
  hold: boolean;
}

/** The scenario in force, in short. */
export interface ScenarioInfo {
  /** Its file, when it was read from one. */
  file?: string;
  /** Its description. */
  description?: string;
  /** How many rules it has. */
  rules: number;
}

/** Where the terminal stands, in one object. */
export interface ControlStatus {
  /** The version of caisse-ap. */
  version: string;
  /** When the control started (ISO 8601). */
  startedAt: string;
  /** The address the terminal listens on, once it listens. */
  terminal?: { hostname: string; port: number };
  /** Connections open now. */
  connections: number;
  /** The settings in force. */
  settings: ControlSettings;
  /** Transactions held now. */
  held: number;
  /** Outcomes queued, every queue counted. */
  queued: number;
  /** Transactions in the journal's memory, and the number of the last one seen. */
  transactions: { count: number; last?: number };
  /** The scenario in force, if any. */
  scenario?: ScenarioInfo;
  /** Whether the scenario file can be reloaded. */
  reloadable: boolean;
  /** Whether a person at the keyboard decides too (interactive mode). */
  interactive: boolean;
  /** The factor applied to every delay and the input time-out. */
  timeScale: number;
}

/** A request that has just arrived, before anything decides it (the simulator's `arrived`). */
export type { Arrival };

/** The events a {@linkcode TerminalControl} dispatches, with their details. */
export interface ControlEventMap {
  /**
   * A request arrived and is being decided: `decided` follows at once, unless it waits
   * for a person or in hold mode (only when the control's `decide` is the simulator's
   * decision hook).
   */
  arrived: CustomEvent<Arrival>;
  /** A transaction is held, waiting for a decision. */
  held: CustomEvent<HeldTransaction>;
  /** A held transaction was decided, timed out or withdrawn. */
  released: CustomEvent<Release>;
  /** A transaction was decided; its answer is pending (the simulator's `request`). */
  decided: CustomEvent<JournalEntry>;
  /** A transaction was answered (the simulator's `answer`). */
  answered: CustomEvent<JournalEntry>;
  /** A transaction ended without its answer (the simulator's `abandon`). */
  abandoned: CustomEvent<JournalEntry>;
  /** The settings changed (hold mode and the magic amounts included). */
  settings: CustomEvent<ControlSettings>;
  /** The queues changed: outcomes queued, used or cleared. */
  queue: CustomEvent<QueueSnapshot>;
  /** The journal's memory was cleared: how many entries went. */
  journal: CustomEvent<{ cleared: number }>;
  /** Everything was reset: the status after it. */
  reset: CustomEvent<ControlStatus>;
  /** A scenario was put in force. */
  scenario: CustomEvent<ScenarioInfo>;
}

/** What a {@linkcode TerminalControl} drives. */
export interface ControlOptions {
  /** The simulator; its decision hook must be the engine's `decide`. */
  simulator: TerminalSimulator;
  /** The rule engine deciding for the simulator; the hold desk must be among its askers. */
  engine: RuleEngine;
  /** The hold desk. */
  hold: HoldDesk;
  /** The journal attached to the simulator. */
  journal: Journal;
  /** Reads the scenario file again (the server's watcher), when there is one. */
  reloadScenario?: () => Promise<ScenarioReadResult>;
  /** Whether a person at the keyboard decides too. Default: no. */
  interactive?: boolean;
  /** The version shown in the status. Default `""`. */
  version?: string;
  /** What a reset goes back to. Default: the state when the control is made. */
  baseline?: Baseline;
  /** The clock of `startedAt` and of the entries' `endedAt`. Default: the system's. */
  now?: () => Date;
}

/**
 * Drives a simulated terminal: settings, queues, hold mode, journal, scenario, reset.
 *
 * @example Queue a refusal for register 02, hold the other payments, read the journal
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, startTerminal } from "../../mod.ts";
 *
 * await using terminal = await startTerminal();
 * const control = terminal.control;
 * control.enqueue([{ status: "not-done", complement: "04" }], "02");
 * const refused = await pay({ amount: 1250, register: "02" }, terminal.endpoint);
 * assert.equal(refused.answer.reason, "refused");
 *
 * control.update({ hold: true });
 * const payment = pay({ amount: 990 }, terminal.endpoint);
 * const held = await control.nextHeld();
 * control.decideHeldWith(held.id, "contactless");
 * assert.equal((await payment).answer.approved, true);
 * const sources = control.journal.list().map((entry) => entry.decision.decidedBy?.source);
 * assert.deepEqual(sources, ["queue", "operator"]);
 * ```
 */
export class TerminalControl extends Emitter<ControlEventMap> {
  /** The simulator driven. */
  readonly simulator: TerminalSimulator;
  /** The journal of its transactions. */
  readonly journal: Journal;
  readonly #engine: RuleEngine;
  readonly #hold: HoldDesk;
  readonly #reloadScenario?: () => Promise<ScenarioReadResult>;
  readonly #interactive: boolean;
  readonly #version: string;
  readonly #startedAt: string;
  #baseline: Baseline;
  #last?: number;
  #muted = 0;
  readonly #detach: (() => void)[] = [];

  /**
   * Starts listening to the simulator and the hold desk.
   *
   * @param options What to drive.
   */
  constructor(options: ControlOptions) {
    super();
    this.simulator = options.simulator;
    this.journal = options.journal;
    this.#engine = options.engine;
    this.#hold = options.hold;
    this.#reloadScenario = options.reloadScenario;
    this.#interactive = options.interactive ?? false;
    this.#version = options.version ?? "";
    const now = options.now ?? (() => new Date());
    this.#startedAt = now().toISOString();
    this.#baseline = options.baseline ?? {
      settings: { ...this.simulator.settings },
      hold: this.#hold.active,
      magicAmounts: this.#engine.magicAmountsChoice,
    };
    const run = this.journal.run;
    const entry = (t: Transaction) =>
      t.state === "pending"
        ? toJournalEntry(t, run)
        : { ...toJournalEntry(t, run), endedAt: now().toISOString() };
    const simulator = this.simulator, hold = this.#hold;
    this.#detach.push(
      simulator.on("arrived", ({ detail }) => this.emit("arrived", detail)),
      simulator.on("request", ({ detail: t }) => {
        this.#last = Math.max(this.#last ?? 0, t.id);
        this.emit("decided", entry(t));
        if (t.plan.decidedBy?.source === "queue") this.emit("queue", this.#engine.queues);
      }),
      simulator.on("answer", ({ detail: t }) => this.emit("answered", entry(t))),
      simulator.on("abandon", ({ detail: t }) => {
        this.#last = Math.max(this.#last ?? 0, t.id);
        this.emit("abandoned", entry(t));
      }),
      hold.on("held", ({ detail }) => this.emit("held", detail)),
      hold.on("released", ({ detail }) => this.emit("released", detail)),
      hold.on("hold", () => this.emit("settings", this.settings)),
    );
  }

  /**
   * The engine's decision, for a simulator built before its control. Arrivals are
   * reported from the simulator's own `arrived` event, whichever hook decides.
   *
   * @param request The request as decoded.
   * @param settings The terminal's settings.
   * @param context The transaction, the POS and the stop signal.
   * @returns The engine's plan.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TerminalControl } from "./control.ts";
   * import { RuleEngine } from "./engine.ts";
   * import { HoldDesk } from "./hold.ts";
   * import { Journal } from "./journal.ts";
   * import { TerminalSimulator } from "./simulator.ts";
   * import { pay } from "../pos.ts";
   * const engine = new RuleEngine(), hold = new HoldDesk(), journal = new Journal();
   * let control: TerminalControl | undefined;
   * await using simulator = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   settings: { delayMs: 0 },
   *   decide: (r, s, c) => control!.decide(r, s, c),
   * });
   * control = new TerminalControl({ simulator, engine, hold, journal });
   * control.enqueue([{ status: "not-done", complement: "04" }]);
   * const { port } = await simulator.start();
   * assert.equal((await pay({ amount: 1250 }, { port })).answer.reason, "refused");
   * control.close();
   * ```
   */
  decide(
    request: ReceivedRequest,
    settings: Readonly<TerminalSettings>,
    context: DecisionHookContext,
  ): Plan | Promise<Plan> {
    return this.#engine.decide(request, settings, context);
  }

  /** The settings in force: the terminal's, the magic amounts and hold mode. */
  get settings(): ControlSettings {
    return {
      ...this.simulator.settings,
      magicAmounts: this.#engine.magicAmounts,
      hold: this.#hold.active,
    };
  }

  /**
   * Changes some settings; transactions decided from now on use them. Turning hold mode
   * off releases the transactions held (the settings decide them, at once).
   *
   * @param change The settings to change.
   * @returns The settings now in force.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * const control = terminal.control;
   * const settings = control.update({ failure: true, failureType: "refused", hold: false });
   * assert.equal(settings.failure, true);
   * assert.equal(terminal.settings.failureType, "refused"); // in force at once
   * ```
   */
  update(change: SettingsChange): ControlSettings {
    const { magicAmounts, hold, ...terminal } = change;
    if (Object.keys(terminal).length > 0) this.simulator.update(terminal);
    if (magicAmounts !== undefined && magicAmounts !== this.#engine.magicAmounts) {
      this.#engine.setMagicAmounts(magicAmounts);
    }
    // Announced once, below, rather than by the hold desk's own event.
    if (hold !== undefined) this.#quietly(() => this.#hold.setOn(hold));
    const settings = this.settings;
    this.emit("settings", settings);
    return settings;
  }

  /** Every queue: the one for every register and each register's. */
  get queue(): QueueSnapshot {
    return this.#engine.queues;
  }

  /**
   * Queues outcomes for the next transactions, of every register or of one (a register's
   * own queue comes first). They decide before the scenario's rules and hold mode.
   *
   * @param outcomes The outcomes, in order.
   * @param register The register (CA, 2 digits); default: every register.
   * @returns The queues now.
   * @throws {RangeError} When the register is not 2 digits.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * assert.equal(terminal.control.enqueue([{ status: "approved" }]).global.length, 1);
   * ```
   */
  enqueue(outcomes: readonly OutcomeSpec[], register?: string): QueueSnapshot {
    if (register === undefined) this.#engine.enqueue(...outcomes);
    else this.#engine.enqueueFor(register, ...outcomes);
    const queues = this.#engine.queues;
    this.emit("queue", queues);
    return queues;
  }

  /**
   * Empties the queues, or one register's.
   *
   * @param register The register whose queue is emptied. Default: every queue.
   * @returns How many outcomes were removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * terminal.control.enqueue([{ status: "approved" }, { status: "approved" }], "02");
   * assert.equal(terminal.control.clearQueue(), 2);
   * assert.equal(terminal.control.clearQueue(), 0);
   * ```
   */
  clearQueue(register?: string): number {
    const removed = this.#engine.clearQueue(register).length;
    this.emit("queue", this.#engine.queues);
    return removed;
  }

  /** The transactions held now, oldest first. */
  get held(): HeldTransaction[] {
    return this.#hold.list();
  }

  /**
   * Decides a held transaction with an outcome: answered at once unless it gives a delay.
   *
   * @param id The transaction number.
   * @param outcome The outcome.
   * @param note How it was decided, for the log and the journal.
   * @returns Whether it was held.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * assert.equal(terminal.control.decideHeld(1, { status: "approved" }), false); // nothing held
   * ```
   */
  decideHeld(id: number, outcome: OutcomeSpec, note?: string): boolean {
    return this.#hold.decide(id, outcome, note);
  }

  /**
   * Decides a held transaction by name: `contact`, `contactless`, `refuse`, `cancel`,
   * `abandon` or `timeout` (the keys of interactive mode, the dashboard's buttons).
   *
   * @param id The transaction number.
   * @param name The decision.
   * @param note How it was decided. Default: `decision "<name>"`.
   * @returns Whether it was held.
   * @throws {RangeError} When the name is no decision.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * assert.equal(terminal.control.decideHeldWith(1, "refuse"), false); // nothing is held
   * ```
   */
  decideHeldWith(id: number, name: string, note?: string): boolean {
    return this.#hold.decideWith(id, name, note);
  }

  /**
   * Waits for a held transaction: the oldest held now, or the next one.
   *
   * @param signal Stops waiting: the promise rejects with its reason.
   * @returns The transaction.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { pay, startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal({ hold: true });
   * const payment = pay({ amount: 1250 }, terminal.endpoint);
   * const held = await terminal.control.nextHeld(AbortSignal.timeout(10_000));
   * assert.equal(held.request.amount, 1250);
   * terminal.control.decideHeldWith(held.id, "refuse");
   * assert.equal((await payment).answer.reason, "refused");
   * ```
   */
  nextHeld(signal?: AbortSignal): Promise<HeldTransaction> {
    return this.#hold.next(signal);
  }

  /**
   * Empties the journal's memory of the transactions that have ended (a journal file
   * keeps everything).
   *
   * @returns How many entries were removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { pay, startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * await pay({ amount: 1250 }, terminal.endpoint);
   * assert.equal(terminal.control.clearJournal(), 1);
   * assert.equal(terminal.control.clearJournal(), 0);
   * ```
   */
  clearJournal(): number {
    const cleared = this.journal.clear();
    this.emit("journal", { cleared });
    return cleared;
  }

  /**
   * Goes back to the startup state: the settings, the magic amounts and hold mode as at
   * startup (or as the last scenario reload set them), the queues emptied, the transactions
   * held answered as input time-outs (AF=08), the rules' counters at zero and the
   * journal's memory cleared of the transactions that have ended. The scenario in force,
   * the transaction numbers, a journal file, open connections and the transactions in
   * flight are left as they are (the held ones, answered by the reset, are recorded as
   * they end, after it).
   *
   * @returns The status after the reset.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * terminal.control.update({ failure: true });
   * assert.equal(terminal.control.reset().settings.failure, false);
   * ```
   */
  reset(): ControlStatus {
    const baseline = this.#baseline;
    this.#quietly(() => {
      this.#hold.releaseAll("reset: answered as an input time-out");
      this.#hold.setOn(baseline.hold);
    });
    this.#engine.clearQueue();
    this.simulator.update({ ...baseline.settings, answerVersion: baseline.settings.answerVersion });
    // Also puts the rules' counters back to zero.
    this.#engine.setMagicAmounts(baseline.magicAmounts);
    this.journal.clear();
    const status = this.status();
    this.emit("reset", status);
    return status;
  }

  /**
   * Puts a scenario in force with the settings it gives (the server's options win over
   * them), fresh rule counters, and makes them what a reset goes back to. Queues, hold
   * mode and the transactions held stay.
   *
   * @param scenario The scenario, or `undefined` for none.
   * @param settings The settings in force from now on.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseScenario, startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * const scenario = parseScenario("rules: [{ outcome: refused }]");
   * terminal.control.applyScenario(scenario, terminal.settings);
   * assert.equal(terminal.control.status().scenario?.rules, 1);
   * ```
   */
  applyScenario(scenario: Scenario | undefined, settings: TerminalSettings): void {
    this.#engine.load(scenario);
    this.simulator.update({ ...settings, answerVersion: settings.answerVersion });
    this.#baseline = { ...this.#baseline, settings: { ...settings } };
    this.emit("scenario", this.#scenarioInfo() ?? { rules: 0 });
    this.emit("settings", this.settings);
  }

  /**
   * Reads the scenario file again and puts it in force (as a change of the file or SIGHUP
   * does).
   *
   * @returns The new scenario, or why it was not loaded (the previous one stays).
   * @throws {TypeError} When there is no scenario file to reload.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal(); // started without a scenario file
   * await assert.rejects(terminal.control.reloadScenario(), TypeError);
   * // Started with a scenario file (server.ts --scenario FILE), it reads the file again and
   * // resolves to { scenario }, or to { error } when the file is wrong (the previous stays).
   * ```
   */
  async reloadScenario(): Promise<ScenarioReadResult> {
    if (!this.#reloadScenario) {
      throw new TypeError("No scenario file to reload: start with --scenario FILE");
    }
    return await this.#reloadScenario();
  }

  /**
   * Where the terminal stands.
   *
   * @returns The status.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal();
   * const status = terminal.control.status();
   * assert.equal(status.held, 0);
   * assert.equal(status.terminal?.port, terminal.port);
   * ```
   */
  status(): ControlStatus {
    let terminal: ControlStatus["terminal"];
    try {
      const { hostname, port } = this.simulator.address;
      terminal = { hostname, port };
    } catch { /* not listening yet */ }
    const queues = this.#engine.queues;
    const scenario = this.#scenarioInfo();
    return {
      version: this.#version,
      startedAt: this.#startedAt,
      ...(terminal ? { terminal } : {}),
      connections: this.simulator.connections,
      settings: this.settings,
      held: this.#hold.size,
      queued: queues.global.length +
        Object.values(queues.registers).reduce((sum, queue) => sum + queue.length, 0),
      transactions: {
        count: this.journal.size,
        ...(this.#last !== undefined ? { last: this.#last } : {}),
      },
      ...(scenario ? { scenario } : {}),
      reloadable: this.#reloadScenario !== undefined,
      interactive: this.#interactive,
      timeScale: this.simulator.timeScale,
    };
  }

  /**
   * Stops listening, and answers the transactions held as input time-outs (AF=08): call
   * it before stopping the simulator, whose stop waits for the answers in flight.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { pay, startTerminal } from "../../mod.ts";
   * await using terminal = await startTerminal({ hold: true });
   * const payment = pay({ amount: 1250 }, terminal.endpoint);
   * await terminal.control.nextHeld();
   * terminal.control.close();
   * assert.equal((await payment).answer.complementCode, "08"); // input time-out
   * ```
   */
  close(): void {
    this.#hold.releaseAll("the simulator is stopping: answered as an input time-out");
    for (const detach of this.#detach.splice(0)) detach();
  }

  #scenarioInfo(): ScenarioInfo | undefined {
    const scenario = this.#engine.scenario;
    if (!scenario) return undefined;
    return {
      ...(scenario.file !== undefined ? { file: scenario.file } : {}),
      ...(scenario.description !== undefined ? { description: scenario.description } : {}),
      rules: scenario.rules.length,
    };
  }

  /** Runs a change whose own `settings` events are replaced by one from the caller. */
  #quietly(change: () => void): void {
    this.#muted++;
    try {
      change();
    } finally {
      this.#muted--;
    }
  }

  /**
   * Dispatches an event; the `settings` events of a change run by `#quietly` are left out.
   *
   * @param type The event.
   * @param detail Its detail.
   */
  protected override emit<K extends keyof ControlEventMap & string>(
    type: K,
    detail: DetailOf<ControlEventMap, K>,
  ): void {
    if (type === "settings" && this.#muted > 0) return;
    super.emit(type, detail);
  }
}
