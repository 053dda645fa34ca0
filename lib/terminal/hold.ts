/**
 * Hold mode: transactions wait until a program or a person in a browser decides them, as
 * a payment waits at a real terminal for the card. The {@linkcode HoldDesk} is a decider
 * for the rule engine (its {@linkcode HoldDesk.ask}): while hold mode is on, each request
 * no queued outcome or rule decides is held, listed, and answered as soon as it is
 * decided, with the outcome given. Nobody deciding within the terminal's input time-out
 * (`inputTimeoutMs`, times the time scale) gets AF=08 (input time-out), as in interactive
 * mode, whose keys are the decisions here too.
 *
 * @module
 */

import { Emitter } from "../events.ts";
import { quoteList } from "../words.ts";
import type { Finding, Request } from "../message.ts";
import { defaultOutcome, type TerminalSettings } from "./behaviour.ts";
import { DecidedElsewhere } from "./askers.ts";
import type { Answered, PendingDecision } from "./engine.ts";
import { OPERATOR_KEYS } from "./interactive.ts";
import type { OutcomeSpec } from "./outcome.ts";

/** A transaction held, waiting for a decision. */
export interface HeldTransaction {
  /** Number of the transaction. */
  id: number;
  /** Number of the connection it came on. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** The request, read into named properties. */
  request: Request;
  /** What the request does differently from the protocol. */
  findings: Finding[];
  /** When it was held (ISO 8601). */
  heldAt: string;
  /** How long it may wait for a decision, in milliseconds (after the time scale). */
  timeoutMs: number;
  /** When it times out (AF=08) if nobody decides (ISO 8601). */
  deadline: string;
}

/** How a held transaction left the desk. */
export interface Release {
  /** Number of the transaction. */
  id: number;
  /** The outcome it was given; absent when it was withdrawn (decided elsewhere, stopped). */
  outcome?: OutcomeSpec;
  /** How it was decided, in words. */
  note: string;
}

/** The events a {@linkcode HoldDesk} dispatches, with their details. */
export interface HoldEventMap {
  /** A transaction is held. */
  held: CustomEvent<HeldTransaction>;
  /** A held transaction was decided, timed out or withdrawn. */
  released: CustomEvent<Release>;
  /** Hold mode was turned on or off. */
  hold: CustomEvent<boolean>;
}

/** Options of a {@linkcode HoldDesk}. */
export interface HoldOptions {
  /** Whether hold mode is on from the start. Default: off. */
  on?: boolean;
  /** Multiplies the input time-out. Default 1. */
  timeScale?: number;
  /**
   * The clock of `heldAt` and `deadline` (the wait itself is a timer). Default: the
   * system's.
   */
  now?: () => Date;
}

/** The names of the decisions: the keys of interactive mode, by name. */
export const DECISION_NAMES: readonly string[] = Object.freeze(OPERATOR_KEYS.map((k) => k.name));

const NOW = Object.freeze({ minMs: 0, maxMs: 0 });

/**
 * The outcome of a named decision (a button of the dashboard, a key of interactive mode),
 * without a delay: `contact` and `contactless` approve with the settings' card brand read
 * that way, `refuse` is AF=04, `cancel` the red button (AF=11), `abandon` the
 * cardholder's (AF=06), `timeout` AF=08.
 *
 * @param name The decision, one of {@linkcode DECISION_NAMES}.
 * @param settings The settings in force (the card brand).
 * @returns The outcome, or `undefined` for an unknown name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decisionOutcome } from "./hold.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * assert.deepEqual(decisionOutcome("contactless", DEFAULT_SETTINGS), {
 *   status: "approved",
 *   paymentType: "cbcontactless",
 * });
 * assert.deepEqual(decisionOutcome("cancel", DEFAULT_SETTINGS), {
 *   status: "not-done",
 *   complement: "11",
 * });
 * assert.equal(decisionOutcome("dance", DEFAULT_SETTINGS), undefined);
 * ```
 */
export function decisionOutcome(
  name: string,
  settings: Readonly<TerminalSettings>,
): OutcomeSpec | undefined {
  const key = OPERATOR_KEYS.find((k) => k.name === name);
  if (!key) return undefined;
  const { delay: _delay, ...outcome } = key.outcome(settings);
  return outcome;
}

interface Waiting {
  held: HeldTransaction;
  pending: PendingDecision;
  resolve: (answered: Answered) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  onAbort: () => void;
}

/**
 * Holds transactions until they are decided: give {@linkcode HoldDesk.ask} to the rule
 * engine, turn hold mode on, and decide what it lists.
 *
 * @example Hold the next payment, then approve it
 * ```ts
 * import assert from "node:assert/strict";
 * import { HoldDesk } from "./hold.ts";
 * import { RuleEngine } from "./engine.ts";
 * import { pay, TerminalSimulator } from "../../mod.ts";
 *
 * const hold = new HoldDesk({ on: true });
 * const engine = new RuleEngine({ ask: hold.ask });
 * await using terminal = new TerminalSimulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   decide: engine.decide,
 * });
 * const { port } = await terminal.start();
 * const payment = pay({ amount: 1250 }, { port });
 * const held = await hold.next();
 * assert.equal(held.request.amount, 1250);
 * hold.decide(held.id, { status: "approved" }, "approved by the test");
 * assert.equal((await payment).answer.approved, true);
 * ```
 */
export class HoldDesk extends Emitter<HoldEventMap> {
  #on: boolean;
  readonly #timeScale: number;
  readonly #waiting = new Map<number, Waiting>();

  readonly #now: () => Date;

  /**
   * Makes a desk.
   *
   * @param options Whether hold mode is on, and the time scale.
   */
  constructor(options: HoldOptions = {}) {
    super();
    this.#on = options.on ?? false;
    this.#timeScale = options.timeScale ?? 1;
    this.#now = options.now ?? (() => new Date());
  }

  /** Whether hold mode is on: requests are held. */
  get active(): boolean {
    return this.#on;
  }

  /** Number of transactions held now. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Turns hold mode on or off. Turning it off releases the transactions held: each gets
   * what the settings give (approved, or the failure of failure mode), at once.
   *
   * @param on Whether requests are held from now on.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * const hold = new HoldDesk();
   * hold.setOn(true);
   * assert.equal(hold.active, true);
   * ```
   */
  setOn(on: boolean): void {
    if (on === this.#on) return;
    this.#on = on;
    this.emit("hold", on);
    if (!on) {
      for (const waiting of [...this.#waiting.values()]) {
        this.#settle(
          waiting,
          defaultOutcome(waiting.pending.settings, waiting.pending.request),
          "hold mode turned off: as the settings say",
        );
      }
    }
  }

  /**
   * The decider to give the rule engine: holds the request while hold mode is on
   * (resolves when it is decided or times out; rejects when the context's signal aborts),
   * and returns `undefined` while it is off.
   *
   * @param pending The request waiting for a decision.
   * @returns The decision to come, or `undefined`.
   *
   * @example
   * ```ts
   * // No result: wires the desk into a rule engine (the class example holds a payment)
   * import { HoldDesk } from "./hold.ts";
   * import { RuleEngine } from "./engine.ts";
   * const hold = new HoldDesk();
   * const engine = new RuleEngine({ ask: hold.ask });
   * ```
   */
  ask = (pending: PendingDecision): Promise<Answered> | undefined => {
    if (!this.#on) return undefined;
    const signal = pending.context.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    const timeoutMs = Math.max(0, Math.round(pending.settings.inputTimeoutMs * this.#timeScale));
    const now = this.#now().getTime();
    const held: HeldTransaction = {
      id: pending.context.transactionId,
      connectionId: pending.context.connectionId,
      peer: pending.context.peer,
      request: pending.request,
      findings: pending.findings,
      heldAt: new Date(now).toISOString(),
      timeoutMs,
      deadline: new Date(now + timeoutMs).toISOString(),
    };
    return new Promise<Answered>((resolve, reject) => {
      const waiting: Waiting = {
        held,
        pending,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(
            waiting,
            { status: "not-done", complement: "08" },
            "input time-out, nobody decided",
          );
        }, timeoutMs),
        onAbort: () => {
          if (!this.#remove(waiting)) return;
          this.emit("released", { id: held.id, note: withdrawal(signal.reason) });
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiting.onAbort, { once: true });
      this.#waiting.set(held.id, waiting);
      this.emit("held", copy(held));
    });
  };

  /**
   * The transactions held now, oldest first.
   *
   * @returns Copies of them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * assert.deepEqual(new HoldDesk().list(), []);
   * ```
   */
  list(): HeldTransaction[] {
    return [...this.#waiting.values()].map((w) => copy(w.held));
  }

  /**
   * One transaction held.
   *
   * @param id The transaction number.
   * @returns A copy of it, or `undefined` when it is not held (any more).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * assert.equal(new HoldDesk().get(1), undefined);
   * ```
   */
  get(id: number): HeldTransaction | undefined {
    const waiting = this.#waiting.get(id);
    return waiting ? copy(waiting.held) : undefined;
  }

  /**
   * Decides a held transaction: it is answered with the outcome, at once unless the
   * outcome gives a delay (the time it was held was the cardholder's).
   *
   * @param id The transaction number.
   * @param outcome The outcome.
   * @param note How it was decided, for the log and the journal.
   * @returns Whether it was held (`false`: unknown, already decided or timed out).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * assert.equal(new HoldDesk().decide(7, { status: "approved" }), false); // not held
   * ```
   */
  decide(id: number, outcome: OutcomeSpec, note = "decided"): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting) return false;
    this.#settle(waiting, outcome, note);
    return true;
  }

  /**
   * Decides a held transaction by a decision's name (see {@linkcode decisionOutcome}).
   *
   * @param id The transaction number.
   * @param name The decision: `contact`, `contactless`, `refuse`, `cancel`, `abandon`,
   * `timeout`.
   * @param note How it was decided. Default: `decision "<name>"`.
   * @returns Whether it was held.
   * @throws {RangeError} When the name is no decision.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * assert.equal(new HoldDesk().decideWith(7, "contactless"), false); // not held
   * ```
   */
  decideWith(id: number, name: string, note?: string): boolean {
    if (!DECISION_NAMES.includes(name)) {
      throw new RangeError(
        `Unknown decision "${name}": expected one of ${quoteList(DECISION_NAMES)}`,
      );
    }
    const waiting = this.#waiting.get(id);
    if (!waiting) return false;
    return this.decide(
      id,
      decisionOutcome(name, waiting.pending.settings)!,
      note ?? `decision "${name}"`,
    );
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
   * import { HoldDesk } from "./hold.ts";
   * import { RuleEngine } from "./engine.ts";
   * import { pay, TerminalSimulator } from "../../mod.ts";
   * const hold = new HoldDesk({ on: true });
   * const engine = new RuleEngine({ ask: hold.ask });
   * await using terminal = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   decide: engine.decide,
   * });
   * const { port } = await terminal.start();
   * const payment = pay({ amount: 1250 }, { port });
   * const held = await hold.next(AbortSignal.timeout(10_000));
   * hold.decideWith(held.id, "refuse");
   * assert.equal((await payment).answer.reason, "refused");
   * ```
   */
  next(signal?: AbortSignal): Promise<HeldTransaction> {
    const first = this.#waiting.values().next().value;
    if (first) return Promise.resolve(copy(first.held));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onHeld = (event: Event) => {
        signal?.removeEventListener("abort", onAbort);
        resolve((event as CustomEvent<HeldTransaction>).detail);
      };
      const onAbort = () => {
        this.removeEventListener("held", onHeld);
        reject(signal!.reason);
      };
      this.addEventListener("held", onHeld, { once: true });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Releases every held transaction with an input time-out (AF=08), at once: for a reset
   * or a stop. Hold mode stays as it is.
   *
   * @param note Why, for the log and the journal.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * import { RuleEngine } from "./engine.ts";
   * import { pay, TerminalSimulator } from "../../mod.ts";
   * const hold = new HoldDesk({ on: true });
   * const engine = new RuleEngine({ ask: hold.ask });
   * await using terminal = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   decide: engine.decide,
   * });
   * const { port } = await terminal.start();
   * const payment = pay({ amount: 1250 }, { port });
   * await hold.next();
   * hold.releaseAll("the simulator is stopping");
   * assert.equal((await payment).answer.complementCode, "08"); // input time-out
   * assert.equal(hold.size, 0);
   * assert.equal(hold.active, true); // hold mode stays as it is
   * ```
   */
  releaseAll(note: string): void {
    for (const waiting of [...this.#waiting.values()]) {
      this.#settle(waiting, { status: "not-done", complement: "08" }, note);
    }
  }

  /**
   * Adds a typed event listener: the old name of {@linkcode HoldDesk.on}.
   *
   * @deprecated Use {@linkcode HoldDesk.on}, as on every emitter of the terminal.
   * @param type The event.
   * @param listener Called with the event.
   * @returns A function that removes the listener.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HoldDesk } from "./hold.ts";
   * const hold = new HoldDesk();
   * const seen: boolean[] = [];
   * const stop = hold.listen("hold", (e) => seen.push(e.detail));
   * hold.setOn(true);
   * stop();
   * hold.setOn(false);
   * assert.deepEqual(seen, [true]);
   * ```
   */
  listen<K extends keyof HoldEventMap & string>(
    type: K,
    listener: (event: HoldEventMap[K]) => void,
  ): () => void {
    return this.on(type, listener);
  }

  #settle(waiting: Waiting, outcome: OutcomeSpec, note: string): void {
    if (!this.#remove(waiting)) return;
    const decided = outcome.delay ? outcome : { ...outcome, delay: NOW };
    this.emit("released", { id: waiting.held.id, outcome: decided, note });
    waiting.resolve({ outcome: decided, note });
  }

  #remove(waiting: Waiting): boolean {
    if (this.#waiting.get(waiting.held.id) !== waiting) return false;
    this.#waiting.delete(waiting.held.id);
    clearTimeout(waiting.timer);
    waiting.pending.context.signal.removeEventListener("abort", waiting.onAbort);
    return true;
  }
}

function copy(held: HeldTransaction): HeldTransaction {
  return structuredClone(held);
}

function withdrawal(reason: unknown): string {
  if (reason instanceof DecidedElsewhere) {
    return "withdrawn: decided by another decider";
  }
  return "withdrawn: the simulator stopped";
}
