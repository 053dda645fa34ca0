/**
 * The rule engine: the one stateful piece between the pure rules and the simulator. It
 * holds the rules in force (a scenario's, then the magic amounts), their counters (the
 * nth matching request, cycles), outcomes queued for the next transactions, and who to
 * ask when nothing else decides (a person, in interactive mode). Its
 * {@linkcode RuleEngine.decide} is the simulator's decision hook.
 *
 * Who decides a request, in order: the request itself when it forces the answer (AF=09,
 * unknown currency); a queued outcome (the request's register's queue, then the queue for
 * every register); the first matching rule; whoever is asked (a person, a program holding
 * the transaction); the terminal's settings.
 *
 * @module
 */

import type { Finding, Request } from "../message.ts";
import {
  decide,
  type DecisionContext,
  type Directive,
  examineRequest,
  type Plan,
  type ReceivedRequest,
  type TerminalSettings,
} from "./behaviour.ts";
import { magicAmountRules } from "./magic.ts";
import type { OutcomeSpec } from "./outcome.ts";
import {
  checkConditions,
  evaluateRules,
  initialRuleState,
  type Rule,
  type RuleState,
} from "./rules.ts";
import type { Scenario } from "./scenario.ts";
import type { DecisionHookContext } from "./simulator.ts";

/** A request waiting for someone to decide it, as {@linkcode EngineOptions.ask} gets it. */
export interface PendingDecision {
  /** The request, read into named properties. */
  request: Request;
  /** What the request does differently from the protocol. */
  findings: Finding[];
  /** The settings in force. */
  settings: Readonly<TerminalSettings>;
  /** Transaction and connection numbers, the POS's address, and the stop signal. */
  context: DecisionHookContext;
}

/** What someone asked to decide answers: the outcome, and a note for the log and journal. */
export interface Answered {
  /** The outcome chosen. */
  outcome: OutcomeSpec;
  /** How it was chosen, in words, for example `key "r" (refuse)`. */
  note?: string;
}

/**
 * Someone (or something) asked to decide a request no queued outcome or rule decides: a
 * person at the keyboard, a transaction held for a program. Returns `undefined` when it
 * will not decide this one (hold mode is off): the settings then decide at once.
 */
export type Asker = (pending: PendingDecision) => Promise<Answered> | undefined;

/** The outcomes queued, for every register (`global`) and for one register each. */
export interface QueueSnapshot {
  /** Outcomes for the next transactions of any register, first first. */
  global: OutcomeSpec[];
  /** Outcomes for the next transactions of one register (CA), by register. */
  registers: Record<string, OutcomeSpec[]>;
}

/** Options of a {@linkcode RuleEngine}. */
export interface EngineOptions {
  /** The scenario whose rules apply. Default: none. */
  scenario?: Scenario;
  /** Add the magic amount rules after the scenario's. Default: as the scenario says. */
  magicAmounts?: boolean;
  /**
   * Asked to decide the requests no queued outcome or rule decides (those a rule could
   * decide: debits, credits and cancellations asking for the answer at the end). A person
   * in interactive mode, a transaction held for a program, or both (see `firstAnswer`).
   * Only asked when the engine is a simulator's decision hook: the context then carries
   * the transaction's number, the POS and the stop signal; otherwise, or when the asker
   * returns `undefined`, the settings decide.
   */
  ask?: Asker;
}

/**
 * Decides requests with a scenario's rules, the magic amounts, queued outcomes and,
 * optionally, a person; keeps the counters rules need.
 *
 * @example Refuse the next payment, whatever it is
 * ```ts
 * import assert from "node:assert/strict";
 * import { RuleEngine } from "./engine.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { seededRandom } from "../random.ts";
 * import { decode, getField } from "../tlv.ts";
 * const engine = new RuleEngine({ magicAmounts: true });
 * engine.enqueue({ status: "not-done", complement: "04" });
 * const request = {
 *   fields: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250"),
 * };
 * const context = { now: new Date(), random: seededRandom(1) };
 * const plan = await engine.decide(request, DEFAULT_SETTINGS, context);
 * assert.equal(getField(plan.answer, "AF"), "04");
 * assert.equal(plan.decidedBy?.source, "queue");
 * ```
 */
export class RuleEngine {
  #scenario?: Scenario;
  #magicAmounts: boolean | undefined;
  #rules: readonly Rule[] = [];
  #state: RuleState = initialRuleState(0);
  readonly #queue: OutcomeSpec[] = [];
  readonly #registerQueues = new Map<string, OutcomeSpec[]>();
  readonly #ask?: Asker;

  /**
   * Makes an engine.
   *
   * @param options The scenario, the magic amounts, who to ask.
   */
  constructor(options: EngineOptions = {}) {
    this.#magicAmounts = options.magicAmounts;
    this.#ask = options.ask;
    this.load(options.scenario);
  }

  /**
   * Puts a scenario's rules in force (or none), with fresh counters. Transactions already
   * decided keep their answer.
   *
   * @param scenario The scenario; `undefined` removes its rules.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * import { parseScenario } from "./scenario.ts";
   * const engine = new RuleEngine();
   * engine.load(parseScenario("rules: [{ outcome: refused }]"));
   * assert.equal(engine.rules.length, 1);
   * ```
   */
  load(scenario: Scenario | undefined): void {
    this.#scenario = scenario;
    this.#rebuild();
  }

  /**
   * Turns the magic amount rules on or off, overriding the scenario's choice. Resets the
   * counters.
   *
   * @param on Whether they apply; `undefined` lets the scenario decide.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * const engine = new RuleEngine();
   * engine.setMagicAmounts(true);
   * assert.equal(engine.magicAmounts, true);
   * ```
   */
  setMagicAmounts(on: boolean | undefined): void {
    this.#magicAmounts = on;
    this.#rebuild();
  }

  /** The scenario in force, if any. */
  get scenario(): Scenario | undefined {
    return this.#scenario;
  }

  /** The rules in force, in order: the scenario's, then the magic amounts. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** Whether the magic amount rules apply. */
  get magicAmounts(): boolean {
    return this.#magicAmounts ?? this.#scenario?.magicAmounts ?? false;
  }

  /**
   * The magic amounts as chosen by the options or {@linkcode RuleEngine.setMagicAmounts}:
   * on, off, or `undefined` when the scenario decides.
   */
  get magicAmountsChoice(): boolean | undefined {
    return this.#magicAmounts;
  }

  /** Per-rule counters, by index in {@linkcode RuleEngine.rules}. */
  get state(): RuleState {
    return this.#state;
  }

  /**
   * Queues outcomes for the next transactions a rule could decide (debits, credits and
   * cancellations asking for the answer at the end), whatever their register: each takes
   * the first in the queue, before any rule (a register's own queue comes first, see
   * {@linkcode RuleEngine.enqueueFor}).
   *
   * @param outcomes The outcomes, in order.
   * @returns How many are queued now for every register.
   *
   * @example The next payment times out, the one after is refused
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * import { notDone } from "./outcome.ts";
   * assert.equal(new RuleEngine().enqueue(notDone("timeout"), notDone("refused")), 2);
   * ```
   */
  enqueue(...outcomes: OutcomeSpec[]): number {
    this.#queue.push(...outcomes);
    return this.#queue.length;
  }

  /**
   * Queues outcomes for the next transactions of one register (the request's CA): they
   * come before the outcomes queued for every register.
   *
   * @param register The register, 2 digits such as `"01"`.
   * @param outcomes The outcomes, in order.
   * @returns How many are queued now for this register.
   * @throws {RangeError} When the register is not 2 digits.
   *
   * @example Register 02's next payment is refused; the others' are not concerned
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * import { notDone } from "./outcome.ts";
   * const engine = new RuleEngine();
   * assert.equal(engine.enqueueFor("02", notDone("refused")), 1);
   * assert.deepEqual(engine.queues.registers, {
   *   "02": [{ status: "not-done", complement: "04" }],
   * });
   * assert.deepEqual(engine.queues.global, []);
   * ```
   */
  enqueueFor(register: string, ...outcomes: OutcomeSpec[]): number {
    if (!/^[0-9]{2}$/.test(register)) {
      throw new RangeError(`Invalid register "${register}": expected 2 digits such as "01"`);
    }
    const queue = this.#registerQueues.get(register) ?? [];
    queue.push(...outcomes);
    if (queue.length > 0) this.#registerQueues.set(register, queue);
    return queue.length;
  }

  /** Outcomes queued for every register and not used yet. */
  get queued(): readonly OutcomeSpec[] {
    return [...this.#queue];
  }

  /** Every queue: the one for every register and each register's, copied. */
  get queues(): QueueSnapshot {
    const registers: Record<string, OutcomeSpec[]> = {};
    for (const [register, queue] of [...this.#registerQueues].sort(([a], [b]) => a < b ? -1 : 1)) {
      registers[register] = [...queue];
    }
    return { global: [...this.#queue], registers };
  }

  /**
   * Empties the queues: every queue, or one register's.
   *
   * @param register A register whose queue alone is emptied. Default: every queue.
   * @returns The outcomes that were queued (the queue for every register first).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * const engine = new RuleEngine();
   * engine.enqueue({ status: "approved" });
   * assert.deepEqual(engine.clearQueue(), [{ status: "approved" }]);
   * ```
   */
  clearQueue(register?: string): OutcomeSpec[] {
    if (register !== undefined) {
      const queue = this.#registerQueues.get(register) ?? [];
      this.#registerQueues.delete(register);
      return queue;
    }
    const removed = this.#queue.splice(0);
    for (const queue of this.#registerQueues.values()) removed.push(...queue);
    this.#registerQueues.clear();
    return removed;
  }

  /**
   * Decides a request: the simulator's decision hook. Asynchronous only when a person is
   * asked.
   *
   * @param received The request as decoded.
   * @param settings The terminal's settings.
   * @param context The clock, the random source and, from the simulator, the transaction.
   * @returns The plan, with what decided it and why earlier rules did not match.
   *
   * @example As the simulator's decision hook
   * ```ts
   * import assert from "node:assert/strict";
   * import { RuleEngine } from "./engine.ts";
   * import { TerminalSimulator } from "./simulator.ts";
   * import { pay } from "../pos.ts";
   * const engine = new RuleEngine({ magicAmounts: true });
   * await using terminal = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   decide: engine.decide,
   *   settings: { delayMs: 0 },
   * });
   * const { port } = await terminal.start();
   * const result = await pay({ amount: 1204 }, { port }); // 12.04 EUR: refused (AF=04)
   * assert.equal(result.answer.complementCode, "04");
   * ```
   */
  decide = (
    received: ReceivedRequest,
    settings: Readonly<TerminalSettings>,
    context: DecisionContext | DecisionHookContext,
  ): Plan | Promise<Plan> => {
    const examination = examineRequest(received, settings);
    const request = examination.request;
    if (examination.forced || !request) {
      return decide(received, settings, context, undefined, examination);
    }
    const open = checkConditions({}, request) === undefined;
    const queued = open ? this.#takeQueued(request.register) : undefined;
    if (queued) return decide(received, settings, context, queued, examination);
    const evaluation = evaluateRules(this.#rules, request, this.#state);
    this.#state = evaluation.state;
    const notMatched = evaluation.notMatched;
    if (evaluation.match) {
      const directive: Directive = {
        outcome: evaluation.match.outcome,
        by: { source: "rule", rule: evaluation.match.rule.ref },
        notMatched,
      };
      return decide(received, settings, context, directive, examination);
    }
    const ask = this.#ask;
    if (open && ask && "signal" in context) {
      const pending: PendingDecision = {
        request,
        findings: examination.findings,
        settings,
        context,
      };
      const asked = ask(pending);
      if (asked) {
        return asked.then(({ outcome, note }) =>
          decide(received, settings, context, {
            outcome,
            by: { source: "operator", ...(note ? { note } : {}) },
            notMatched,
          }, examination)
        );
      }
    }
    const plan = decide(received, settings, context, undefined, examination);
    return notMatched.length > 0 ? { ...plan, notMatched } : plan;
  };

  /** The next queued outcome for a request of this register: its own queue first. */
  #takeQueued(register: string | undefined): Directive | undefined {
    const own = register === undefined ? undefined : this.#registerQueues.get(register);
    if (own && own.length > 0) {
      const outcome = own.shift()!;
      if (own.length === 0) this.#registerQueues.delete(register!);
      return {
        outcome,
        by: { source: "queue", note: `queue of register ${register}, ${own.length} left` },
      };
    }
    if (this.#queue.length === 0) return undefined;
    const outcome = this.#queue.shift()!;
    return { outcome, by: { source: "queue", note: `${this.#queue.length} left in the queue` } };
  }

  #rebuild(): void {
    this.#rules = [
      ...(this.#scenario?.rules ?? []),
      ...(this.magicAmounts ? magicAmountRules() : []),
    ];
    this.#state = initialRuleState(this.#rules.length);
  }
}
