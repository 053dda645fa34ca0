/**
 * The terminal's assembly, loading nothing it is not asked for: the watch on the POS
 * and forward mode's tap come from their modules given in {@linkcode AssemblyParts}
 * (`assemble.ts` gives both, for the library and the tests; `server.ts` only what its
 * options need). Without the watch's module, a diagnosis is a {@linkcode LazyWatch}:
 * it captures from the start and is loaded after the simulator listens.
 *
 * @module
 */

import { firstAnswer } from "./askers.ts";
import { DEFAULT_SETTINGS, type TerminalSettings } from "./behaviour.ts";
import { TerminalControl } from "./control.ts";
import { type Asker, RuleEngine } from "./engine.ts";
import { HoldDesk } from "./hold.ts";
import { Journal, type JournalOptions } from "./journal.ts";
import type { Scenario } from "./scenario.ts";
import { type ScenarioWatcher, watchScenarioFile } from "./scenario_file.ts";
import { overlaySettings } from "./settings.ts";
import { type DecisionHook, type SimulatorOptions, TerminalSimulator } from "./simulator.ts";
import type { ForwardTap, Upstream } from "./forward.ts";
import type { PosWatch, PosWatchOptions } from "./watch.ts";
import { LazyWatch, type WatchModule } from "./watch_lazy.ts";

/**
 * The modules the assembly makes parts from, loaded by whoever needs them: the watch's
 * (with it, `diagnosis` makes a {@linkcode PosWatch} at once; without it, a
 * {@linkcode LazyWatch}) and forward mode's (needed with `forward`).
 */
export interface AssemblyParts {
  /** `./watch.ts`. */
  watch?: WatchModule;
  /** `./forward.ts`. */
  forward?: typeof import("./forward.ts");
}

/** What a terminal is assembled from. */
export interface TerminalConfig {
  /** The simulator's options (address, limits, clock, random source, time scale...). */
  simulator?: Omit<SimulatorOptions, "decide" | "settings">;
  /** The settings given (the command line's, a test's); the others are the defaults. */
  settings?: Partial<TerminalSettings>;
  /**
   * The keys of the settings given that a scenario's settings yield to (the command
   * line's), or `"all"`: the scenario's settings never apply. Default: none.
   */
  givenSettings?: ReadonlySet<string> | "all";
  /** The scenario whose rules decide (and whose settings apply). */
  scenario?: Scenario;
  /** Watch this scenario file: each valid edit replaces the scenario. */
  scenarioFile?: {
    /** The file. */
    path: string;
    /** The text in force, so that saving it unchanged does not reset the rules' counters. */
    text?: string;
    /** Called after a new version is in force. */
    onLoad?: (scenario: Scenario) => void;
    /** Called when an edit cannot be read or is not valid: the previous one stays. */
    onError?: (error: Error) => void;
  };
  /** Whether the magic amount rules apply. Default: as the scenario says. */
  magicAmounts?: boolean;
  /** Start in hold mode. Default: off. */
  hold?: boolean;
  /** Who else decides, before the hold desk (a person at the keyboard). */
  askers?: readonly Asker[];
  /** Whether the hold desk decides (hold mode): only when something can decide it. Default: yes. */
  holdDecides?: boolean;
  /**
   * The answer source: decides instead of the rules engine (the queues, rules, magic
   * amounts and hold mode then do nothing). Default: the engine's `decide`.
   */
  decide?: DecisionHook;
  /**
   * Forward mode: the answer source is the real terminal behind a tap
   * ({@linkcode ForwardTap}), not the decision (which then answers only as the fallback).
   * Default: off.
   */
  forward?: ForwardSource;
  /** Keep a journal (in memory, and in `sink` too). Default: none. */
  journal?: JournalOptions;
  /**
   * Watch the POS: findings from what it sends and when it closes, and a campaign as
   * the first decision source (before the queues and the scenario's rules). The input
   * time-out and the time scale default to the terminal's. Default: none.
   */
  diagnosis?: PosWatchOptions;
  /** Drive the terminal with a control layer (needs `journal`). Default: none. */
  control?: {
    /** Whether a person at the keyboard decides too. */
    interactive?: boolean;
    /** The version shown in the status. */
    version?: string;
  };
}

/** Forward mode's answer source: the real terminal, and what to do around it. */
export interface ForwardSource {
  /** The real terminal. */
  upstream: Upstream;
  /** Mask card numbers in what the tap reports. Default: yes. */
  mask?: boolean;
  /** The settings' fault applies to the terminal's answers. Default: no. */
  faultsUpstream?: boolean;
  /** When the terminal cannot be reached, the simulator (the decision) answers. Default: no. */
  fallback?: boolean;
  /** Time the terminal has to accept a connection, in milliseconds. Default 5 s. */
  connectTimeoutMs?: number;
}

/** What decides, made before the simulator: see {@linkcode assembleDecision}. */
export interface Decision {
  /** The hold desk. */
  readonly hold: HoldDesk;
  /** The rules engine. */
  readonly engine: RuleEngine;
  /** The simulator's decision hook: the answer source, or the engine's `decide`. */
  readonly decide: DecisionHook;
  /** The settings in force with a scenario: the ones given over the scenario's. */
  readonly settingsFor: (scenario?: Scenario) => TerminalSettings;
  /**
   * The watch on the POS (findings, campaign), when a diagnosis was asked for; made
   * late with a {@linkcode LazyWatch} (undefined until it is loaded).
   */
  readonly watch?: PosWatch;
  /**
   * The watch made late, when the watch's module was not given (server.ts).
   *
   * @ignore
   */
  readonly lazyWatch?: LazyWatch;
  /**
   * With a diagnosis: how long a `no-answer` fault holds a connection (the simulator's
   * `holdMs`), past the no-answer limit so that a POS that never gives up is seen.
   */
  readonly holdMs?: () => number;
}

/** An assembled terminal: see {@linkcode assembleTerminal}. */
export interface Terminal<S extends TerminalSimulator = TerminalSimulator> extends Decision {
  /** The simulator (not started). */
  readonly simulator: S;
  /** The journal, when one was asked for. */
  readonly journal?: Journal;
  /** The control layer, when one was asked for. */
  readonly control?: TerminalControl;
  /** The watch on the scenario file, when there is one. */
  readonly watcher?: ScenarioWatcher;
  /**
   * Releases what the simulator does not own: answers the held transactions, stops the
   * watch, writes the journal out. Close the simulator too.
   */
  close(): Promise<void>;
}

/**
 * The first half of the assembly: the hold desk, the rules engine and the decision hook,
 * made before the simulator so that it is given them.
 *
 * @param config What to assemble.
 * @param parts The modules of the watch and the tap (see {@linkcode AssemblyParts}).
 * @returns What decides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleDecision } from "./assemble_core.ts";
 * const { engine, hold } = assembleDecision({ hold: true });
 * assert.deepEqual([engine.magicAmounts, hold.active], [false, true]);
 * ```
 */
export function assembleDecision(config: TerminalConfig, parts: AssemblyParts = {}): Decision {
  const now = config.simulator?.now;
  const hold = new HoldDesk({
    on: config.hold ?? false,
    timeScale: config.simulator?.timeScale,
    ...(now ? { now } : {}),
  });
  // A person at the keyboard and the dashboard or API: whoever decides first.
  const askers = [...config.askers ?? [], ...(config.holdDecides ?? true ? [hold.ask] : [])];
  const engine = new RuleEngine({
    scenario: config.scenario,
    magicAmounts: config.magicAmounts,
    ...(askers.length > 0 ? { ask: askers.length === 1 ? askers[0] : firstAnswer(askers) } : {}),
  });
  const base = { ...DEFAULT_SETTINGS, ...config.settings };
  const given = config.givenSettings ?? new Set<string>();
  const settingsFor = (scenario?: Scenario) =>
    given === "all" ? { ...base } : overlaySettings(base, scenario?.settings, given);
  const answer: DecisionHook = config.decide ??
    ((request, settings, context) => engine.decide(request, settings, context));
  const timeScale = config.simulator?.timeScale ?? 1;
  if (config.diagnosis && !parts.watch) {
    if (config.diagnosis.campaign) {
      throw new TypeError("A campaign decides: its watch cannot be loaded late");
    }
    const options = config.diagnosis;
    const lazyWatch = new LazyWatch(
      (module) =>
        new module.PosWatch({
          ...module.diagnosisSettings(settingsFor(config.scenario), timeScale),
          ...options,
        }),
      options,
    );
    const holdMs = () => holdPast(lazyWatch.noAnswerLimitMs);
    return { hold, engine, decide: answer, settingsFor, lazyWatch, holdMs };
  }
  const watch = config.diagnosis && parts.watch
    ? new parts.watch.PosWatch({
      ...parts.watch.diagnosisSettings(settingsFor(config.scenario), timeScale),
      ...config.diagnosis,
    })
    : undefined;
  // Decision order: the campaign's case, then the answer source (queues, rules, hold...).
  const decide = watch?.campaign ? watch.decide(answer) : answer;
  if (!watch) return { hold, engine, decide, settingsFor };
  const holdMs = () => holdPast(watch.noAnswerLimitMs);
  return { hold, engine, decide, settingsFor, watch, holdMs };
}

/**
 * How long a `no-answer` fault holds a connection with a diagnosis: past the no-answer
 * limit in force (a tenth more, at least 1 s), whatever the idle time-out, so that a POS
 * that never gives up is seen still waiting.
 */
function holdPast(limit: number): number {
  return Math.ceil(limit + Math.max(1000, limit * 0.1));
}

/**
 * The second half of the assembly, once the simulator is made with the decision: the
 * journal, the control layer and the watch on the scenario file.
 *
 * @param simulator The simulator, made with `decision.decide` and
 * `decision.settingsFor(config.scenario)`.
 * @param decision What {@linkcode assembleDecision} made.
 * @param config The same configuration.
 * @param parts The same modules.
 * @returns The terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleDecision, completeTerminal } from "./assemble_core.ts";
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
  parts: AssemblyParts = {},
): Terminal<S> {
  const { engine, hold, settingsFor } = decision;
  // One clock for every timestamp: the simulator's (an injected one in tests).
  const now = config.simulator?.now;
  const journal = config.journal
    ? new Journal({ ...(now ? { now } : {}), ...config.journal })
    : undefined;
  journal?.attach(simulator);
  // After the journal: its hook has the record when the watch folds it (never awaited).
  decision.watch?.attach(simulator);
  decision.lazyWatch?.attach(simulator);
  // The control applies each new version; without one, the engine and the simulator.
  const apply = new Set<(scenario: Scenario) => void>();
  const watcher = config.scenarioFile
    ? watchScenarioFile(config.scenarioFile.path, {
      ...(config.scenarioFile.text !== undefined ? { text: config.scenarioFile.text } : {}),
      onLoad: (next) => {
        for (const use of apply) use(next);
        config.scenarioFile?.onLoad?.(next);
      },
      onError: (error) => config.scenarioFile?.onError?.(error),
    })
    : undefined;
  const control = config.control && journal
    ? new TerminalControl({
      simulator,
      engine,
      hold,
      journal,
      ...(config.control.version !== undefined ? { version: config.control.version } : {}),
      interactive: config.control.interactive ?? false,
      ...(watcher ? { reloadScenario: watcher.reload } : {}),
      ...(now ? { now } : {}),
    })
    : undefined;
  if (control && decision.watch) parts.watch?.bindWatch(control, decision.watch);
  if (control) decision.lazyWatch?.use((watch, module) => module.bindWatch(control, watch));
  if (control) {
    apply.add((next) => control.applyScenario(next, settingsFor(next)));
  } else {
    apply.add((next) => {
      engine.load(next);
      simulator.update(settingsFor(next));
    });
  }
  const terminal: Terminal<S> = {
    ...decision,
    simulator,
    ...(journal ? { journal } : {}),
    ...(control ? { control } : {}),
    ...(watcher ? { watcher } : {}),
    async close() {
      decision.watch?.close();
      decision.lazyWatch?.close();
      control?.close();
      await watcher?.close();
      await journal?.flush();
    },
  };
  const lazyWatch = decision.lazyWatch;
  if (lazyWatch) {
    Object.defineProperty(terminal, "watch", { get: () => lazyWatch.watch, enumerable: true });
  }
  return terminal;
}

/**
 * Assembles a simulated terminal: {@linkcode assembleDecision}, the simulator, then
 * {@linkcode completeTerminal}. Start it with `terminal.simulator.start()`.
 *
 * @param config What to assemble.
 * @param parts The modules of the watch and the tap (see {@linkcode AssemblyParts}).
 * @returns The terminal, not started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assembleTerminal } from "./assemble_core.ts";
 * const terminal = assembleTerminal({ settings: { failure: true }, journal: {}, control: {} });
 * assert.equal(terminal.control?.settings.failure, true);
 * await terminal.close();
 * ```
 */
export function assembleTerminal(config: TerminalConfig, parts: AssemblyParts = {}): Terminal {
  const decision = assembleDecision(config, parts);
  if (config.forward) {
    return completeTerminal(assembleTap(config, decision, parts), decision, config, parts);
  }
  const simulator = new TerminalSimulator({
    ...(decision.holdMs !== undefined ? { holdMs: decision.holdMs } : {}),
    ...config.simulator,
    settings: decision.settingsFor(config.scenario),
    decide: decision.decide,
  });
  return completeTerminal(simulator, decision, config, parts);
}

/** Forward mode: the tap, and the simulator that answers when the terminal cannot. */
function assembleTap(
  config: TerminalConfig,
  decision: Decision,
  parts: AssemblyParts,
): ForwardTap {
  const forward = config.forward!;
  if (!parts.forward) throw new TypeError("Forward mode needs its module: pass parts.forward");
  const settings = decision.settingsFor(config.scenario);
  const fallback = forward.fallback
    ? new TerminalSimulator({
      ...config.simulator,
      hostname: "127.0.0.1",
      port: 0,
      settings,
      decide: decision.decide,
    })
    : undefined;
  return new parts.forward.ForwardTap({
    ...config.simulator,
    settings,
    upstream: forward.upstream,
    ...(forward.mask !== undefined ? { mask: forward.mask } : {}),
    ...(forward.faultsUpstream ? { faultsUpstream: true } : {}),
    ...(forward.connectTimeoutMs !== undefined
      ? { connectTimeoutMs: forward.connectTimeoutMs }
      : {}),
    ...(fallback ? { fallback } : {}),
  });
}
