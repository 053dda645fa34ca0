/**
 * The rule engine: the one stateful piece between the pure rules and the simulator. It
 * holds the rules in force (a scenario's, then the magic amounts), their counters (the
 * nth matching request, cycles), outcomes queued for the next transactions, and who to
 * ask when nothing else decides (a person, in interactive mode). Its
 * {@linkcode RuleEngine.decide} is the simulator's decision hook.
 *
 * Who decides a request, in order: the request itself when it forces the answer (AF=09,
 * unknown currency); a queued outcome; the first matching rule; the person asked; the
 * terminal's settings.
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

/** Options of a {@linkcode RuleEngine}. */
export interface EngineOptions {
  /** The scenario whose rules apply. Default: none. */
  scenario?: Scenario;
  /** Add the magic amount rules after the scenario's. Default: as the scenario says. */
  magicAmounts?: boolean;
  /**
   * Asked to decide the requests no queued outcome or rule decides (those a rule could
   * decide: debits, credits and cancellations asking for the answer at the end). A person
   * in interactive mode; later, a transaction held for a program. Only asked when the
   * engine is a simulator's decision hook: the context then carries the transaction's
   * number, the POS and the stop signal; otherwise the settings decide.
   */
  ask?: (pending: PendingDecision) => Promise<Answered>;
}

/**
 * Decides requests with a scenario's rules, the magic amounts, queued outcomes and,
 * optionally, a person; keeps the counters rules need.
 *
 * @example Refuse the next payment, whatever it is
 * ```ts
 * import { RuleEngine } from "./engine.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { seededRandom } from "../random.ts";
 * import { decode, getField } from "../tlv.ts";
 * const engine = new RuleEngine({ magicAmounts: true });
 * engine.enqueue({ status: "not-done", complement: "04" });
 * const request = { fields: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250") };
 * const context = { now: new Date(), random: seededRandom(1) };
 * const plan = await engine.decide(request, DEFAULT_SETTINGS, context);
 * getField(plan.answer, "AF"); // "04"
 * plan.decidedBy?.source; // "queue"
 * ```
 */
export class RuleEngine {
  #scenario?: Scenario;
  #magicAmounts: boolean | undefined;
  #rules: readonly Rule[] = [];
  #state: RuleState = initialRuleState(0);
  readonly #queue: OutcomeSpec[] = [];
  readonly #ask?: (pending: PendingDecision) => Promise<Answered>;

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
   * import { RuleEngine } from "./engine.ts";
   * import { parseScenario } from "./scenario.ts";
   * const engine = new RuleEngine();
   * engine.load(parseScenario("rules: [{ outcome: refused }]"));
   * engine.rules.length; // 1
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
   * import { RuleEngine } from "./engine.ts";
   * const engine = new RuleEngine();
   * engine.setMagicAmounts(true);
   * engine.magicAmounts; // true
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

  /** Per-rule counters, by index in {@linkcode RuleEngine.rules}. */
  get state(): RuleState {
    return this.#state;
  }

  /**
   * Queues outcomes for the next transactions a rule could decide (debits, credits and
   * cancellations asking for the answer at the end): each takes the first in the queue,
   * before any rule.
   *
   * @param outcomes The outcomes, in order.
   * @returns How many are queued now.
   *
   * @example The next payment times out, the one after is refused
   * ```ts
   * import { RuleEngine } from "./engine.ts";
   * import { notDone } from "./outcome.ts";
   * new RuleEngine().enqueue(notDone("timeout"), notDone("refused")); // 2
   * ```
   */
  enqueue(...outcomes: OutcomeSpec[]): number {
    this.#queue.push(...outcomes);
    return this.#queue.length;
  }

  /** Outcomes queued and not used yet. */
  get queued(): readonly OutcomeSpec[] {
    return [...this.#queue];
  }

  /**
   * Empties the queue.
   *
   * @returns The outcomes that were queued.
   *
   * @example
   * ```ts
   * import { RuleEngine } from "./engine.ts";
   * const engine = new RuleEngine();
   * engine.enqueue({ status: "approved" });
   * engine.clearQueue(); // [{ status: "approved" }]
   * ```
   */
  clearQueue(): OutcomeSpec[] {
    return this.#queue.splice(0);
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
   * ```ts ignore
   * import { RuleEngine } from "./engine.ts";
   * import { TerminalSimulator } from "./simulator.ts";
   * const engine = new RuleEngine({ magicAmounts: true });
   * const terminal = new TerminalSimulator({ port: 0, decide: engine.decide });
   * ```
   */
  decide = (
    received: ReceivedRequest,
    settings: Readonly<TerminalSettings>,
    context: DecisionContext | DecisionHookContext,
  ): Plan | Promise<Plan> => {
    const examination = examineRequest(received, settings);
    const request = examination.request;
    if (examination.forced || !request) return decide(received, settings, context);
    const open = checkConditions({}, request) === undefined;
    if (open && this.#queue.length > 0) {
      const outcome = this.#queue.shift()!;
      return decide(received, settings, context, {
        outcome,
        by: { source: "queue", note: `${this.#queue.length} left in the queue` },
      });
    }
    const evaluation = evaluateRules(this.#rules, request, this.#state);
    this.#state = evaluation.state;
    const notMatched = evaluation.notMatched;
    if (evaluation.match) {
      const directive: Directive = {
        outcome: evaluation.match.outcome,
        by: { source: "rule", rule: evaluation.match.rule.ref },
        notMatched,
      };
      return decide(received, settings, context, directive);
    }
    const ask = this.#ask;
    if (open && ask && "signal" in context) {
      const pending: PendingDecision = {
        request,
        findings: examination.findings,
        settings,
        context,
      };
      return ask(pending).then(({ outcome, note }) =>
        decide(received, settings, context, {
          outcome,
          by: { source: "operator", ...(note ? { note } : {}) },
          notMatched,
        })
      );
    }
    const plan = decide(received, settings, context);
    return notMatched.length > 0 ? { ...plan, notMatched } : plan;
  };

  #rebuild(): void {
    this.#rules = [
      ...(this.#scenario?.rules ?? []),
      ...(this.magicAmounts ? magicAmountRules() : []),
    ];
    this.#state = initialRuleState(this.#rules.length);
  }
}
