/**
 * Interactive mode: a person at the simulator's keyboard decides each transaction, as a
 * cardholder and a cashier would at a real terminal. The core here reads keys from any
 * stream and writes to any function, so it is tested without a terminal; only the thin
 * shell in `tty.ts` touches the real keyboard.
 *
 * One transaction is shown at a time, oldest first, with a countdown to the terminal's
 * input time-out (`inputTimeoutMs`, times the time scale): when it runs out, the answer
 * is AF=08 (input time-out). A transaction waiting its turn counts down too.
 *
 * @module
 */

import { formatAmount } from "../money.ts";
import { ACTIONS } from "../tags.ts";
import type { PaymentType, TerminalSettings } from "./behaviour.ts";
import type { Answered, PendingDecision } from "./engine.ts";
import type { OutcomeSpec } from "./outcome.ts";

/** What a key does. */
export interface OperatorKey {
  /** The key, lowercase. */
  readonly key: string;
  /**
   * Its name, as the control API and the dashboard call the same decision: `contact`,
   * `contactless`, `refuse`, `cancel`, `abandon`, `timeout`.
   */
  readonly name: string;
  /** What it does, in words. */
  readonly label: string;
  /**
   * The outcome it gives.
   *
   * @param settings The settings in force (for the card brand).
   * @returns The outcome.
   */
  readonly outcome: (settings: Readonly<TerminalSettings>) => OutcomeSpec;
}

const NOW = { minMs: 0, maxMs: 0 };

const keys: OperatorKey[] = [
  {
    key: "c",
    name: "contact",
    label: "approve, card inserted (contact)",
    outcome: (s) => ({
      status: "approved",
      paymentType: withReadMode(s.paymentType, "contact"),
      delay: NOW,
    }),
  },
  {
    key: "l",
    name: "contactless",
    label: "approve, contactless",
    outcome: (s) => ({
      status: "approved",
      paymentType: withReadMode(s.paymentType, "contactless"),
      delay: NOW,
    }),
  },
  {
    key: "r",
    name: "refuse",
    label: "refuse (AF=04)",
    outcome: () => ({ status: "not-done", complement: "04", delay: NOW }),
  },
  {
    key: "x",
    name: "cancel",
    label: "cancel, red button (AF=11)",
    outcome: () => ({ status: "not-done", complement: "11", delay: NOW }),
  },
  {
    key: "a",
    name: "abandon",
    label: "cardholder abandons (AF=06)",
    outcome: () => ({ status: "not-done", complement: "06", delay: NOW }),
  },
  { key: "t", name: "timeout", label: "time-out now (AF=08)", outcome: () => TIMEOUT },
];

/**
 * The keys of interactive mode. The red button is the operator's abandon (AF=11), as the
 * reference tool's `abandon`; the cardholder's abandon (AF=06) has its own key.
 */
export const OPERATOR_KEYS: readonly OperatorKey[] = Object.freeze(keys);

const TIMEOUT: OutcomeSpec = Object.freeze({ status: "not-done", complement: "08", delay: NOW });

/**
 * The payment type of the same card brand read another way.
 *
 * @param type The configured payment type.
 * @param mode Contact or contactless.
 * @returns The payment type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withReadMode } from "./interactive.ts";
 * assert.equal(withReadMode("amexcontact", "contactless"), "amexcontactless");
 * assert.equal(withReadMode("cbcontactless", "contact"), "cbcontact");
 * ```
 */
export function withReadMode(type: PaymentType, mode: "contact" | "contactless"): PaymentType {
  return `${type.startsWith("amex") ? "amex" : "cb"}${mode}` as PaymentType;
}

/**
 * The lines that present a transaction to the person deciding it: what, how much, which
 * POS, and the keys.
 *
 * @param pending The transaction.
 * @returns The lines, without line ends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPrompt } from "./interactive.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { buildRequest, parseRequest } from "../message.ts";
 * import { seededRandom } from "../random.ts";
 * const lines = renderPrompt({
 *   request: parseRequest(buildRequest({ amount: 1250 })),
 *   findings: [],
 *   settings: DEFAULT_SETTINGS,
 *   context: {
 *     now: new Date(),
 *     random: seededRandom(1),
 *     transactionId: 3,
 *     connectionId: 3,
 *     peer: "127.0.0.1:50312",
 *     signal: new AbortController().signal,
 *   },
 * });
 * assert.equal(lines[0], "#3 debit of 12.50 EUR from register 01 at 127.0.0.1:50312");
 * assert.match(lines[1], /^ {3}\[c\] approve, card inserted \(contact\)/);
 * ```
 */
export function renderPrompt(pending: PendingDecision): string[] {
  const r = pending.request;
  const action = r.actionCode === undefined
    ? "request"
    : ACTIONS[r.actionCode] ?? `CD=${r.actionCode}`;
  const amount = r.amount === undefined
    ? ""
    : r.currency
    ? ` of ${formatAmount(r.amount, r.currency)} ${r.currency.code}`
    : ` of ${r.amount} (minor units, CE=${r.currencyCode})`;
  const cheque = r.cheque ? " by cheque" : "";
  const reference = r.privateData === undefined ? "" : `, reference "${r.privateData}"`;
  const keys = OPERATOR_KEYS.map((k) => `[${k.key}] ${k.label}`);
  return [
    `#${pending.context.transactionId} ${action}${amount}${cheque} from register ${
      r.register ?? "?"
    } at ${pending.context.peer}${reference}`,
    `   ${keys.slice(0, 3).join("   ")}`,
    `   ${keys.slice(3).join("   ")}`,
  ];
}

/**
 * The countdown line: seconds left before the input time-out.
 *
 * @param id The transaction number.
 * @param remainingMs Time left, in milliseconds.
 * @returns The line, without line end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCountdown } from "./interactive.ts";
 * assert.equal(renderCountdown(3, 118_400), "#3 time-out (AF=08) in 119 s, press a key");
 * ```
 */
export function renderCountdown(id: number, remainingMs: number): string {
  return `#${id} time-out (AF=08) in ${Math.max(0, Math.ceil(remainingMs / 1000))} s, press a key`;
}

/** Where the operator reads keys and writes to. */
export interface OperatorIO {
  /** Keys as typed: each chunk is one or more characters. */
  keys: ReadableStream<string>;
  /** Writes text for the person (the prompt, the countdown). */
  write: (text: string) => void;
}

/** Options of an {@linkcode Operator}. */
export interface OperatorOptions {
  /** Multiplies the input time-out. Default 1. */
  timeScale?: number;
  /** How often the countdown is redrawn, in milliseconds. Default 1000. */
  tickMs?: number;
}

interface Waiting {
  pending: PendingDecision;
  deadline: number;
  resolve: (answered: Answered) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  onAbort: () => void;
}

/**
 * A person deciding transactions at a keyboard: pass {@linkcode Operator.ask} as the rule
 * engine's `ask`.
 *
 * @example Keys from a stream, output to a string
 * ```ts
 * import assert from "node:assert/strict";
 * import { Operator } from "./interactive.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * import { buildRequest, parseRequest } from "../message.ts";
 * import { seededRandom } from "../random.ts";
 * const keyboard = new TransformStream<string, string>();
 * const typist = keyboard.writable.getWriter();
 * let screen = "";
 * const operator = new Operator({ keys: keyboard.readable, write: (text) => screen += text });
 * const answered = operator.ask({
 *   request: parseRequest(buildRequest({ amount: 1250 })),
 *   findings: [],
 *   settings: DEFAULT_SETTINGS,
 *   context: {
 *     now: new Date(),
 *     random: seededRandom(1),
 *     transactionId: 3,
 *     connectionId: 3,
 *     peer: "127.0.0.1:50312",
 *     signal: new AbortController().signal,
 *   },
 * });
 * assert.match(screen, /#3 debit of 12\.50 EUR/);
 * await typist.write("r"); // the person refuses
 * assert.equal((await answered).outcome.complement, "04");
 * await operator.close();
 * ```
 */
export class Operator {
  readonly #io: OperatorIO;
  readonly #timeScale: number;
  readonly #tickMs: number;
  readonly #queue: Waiting[] = [];
  #shown?: Waiting;
  #ticker?: ReturnType<typeof setInterval>;
  readonly #reader: ReadableStreamDefaultReader<string>;
  readonly #reading: Promise<void>;

  /**
   * Starts reading keys.
   *
   * @param io The key stream and the output.
   * @param options Time scale and countdown refresh.
   */
  constructor(io: OperatorIO, options: OperatorOptions = {}) {
    this.#io = io;
    this.#timeScale = options.timeScale ?? 1;
    this.#tickMs = options.tickMs ?? 1000;
    this.#reader = io.keys.getReader();
    this.#reading = this.#readKeys();
  }

  /** Number of transactions waiting for a decision, the one shown included. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Asks the person to decide a transaction; resolves when a key is pressed or the input
   * time-out runs out; rejects when the context's signal aborts.
   *
   * @param pending The transaction.
   * @returns The outcome chosen, with a note saying how.
   *
   * @example
   * ```ts
   * // No result: a person at the keyboard decides what no queued outcome or rule decides
   * import { Operator } from "./interactive.ts";
   * import { RuleEngine } from "./engine.ts";
   * const operator = new Operator({ keys: new ReadableStream(), write: () => {} });
   * const engine = new RuleEngine({ ask: operator.ask });
   * await operator.close();
   * ```
   */
  ask = (pending: PendingDecision): Promise<Answered> => {
    const signal = pending.context.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    const timeoutMs = Math.round(pending.settings.inputTimeoutMs * this.#timeScale);
    return new Promise<Answered>((resolve, reject) => {
      const waiting: Waiting = {
        pending,
        deadline: Date.now() + timeoutMs,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(waiting, { outcome: TIMEOUT, note: "input time-out, no key pressed" });
        }, timeoutMs),
        onAbort: () => {
          this.#remove(waiting);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiting.onAbort, { once: true });
      this.#queue.push(waiting);
      if (!this.#shown) this.#showNext();
    });
  };

  /**
   * Stops reading keys; transactions still waiting get the input time-out.
   *
   * @returns When the key stream is released.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Operator } from "./interactive.ts";
   * const operator = new Operator({ keys: new ReadableStream(), write: () => {} });
   * await operator.close();
   * assert.equal(operator.waiting, 0);
   * ```
   */
  async close(): Promise<void> {
    for (const waiting of [...this.#queue]) {
      this.#settle(waiting, { outcome: TIMEOUT, note: "interactive mode closed" });
    }
    await this.#reader.cancel().catch(() => {});
    await this.#reading;
  }

  async #readKeys(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.#reader.read();
        if (done) return;
        for (const char of value) this.#press(char);
      }
    } catch {
      // The stream failed or was cancelled: no more keys.
    }
  }

  #press(char: string): void {
    const shown = this.#shown;
    if (!shown) return;
    const key = OPERATOR_KEYS.find((k) => k.key === char.toLowerCase());
    if (!key) return;
    this.#settle(shown, {
      outcome: key.outcome(shown.pending.settings),
      note: `key "${key.key}": ${key.label}`,
    });
  }

  #settle(waiting: Waiting, answered: Answered): void {
    if (!this.#remove(waiting)) return;
    this.#io.write(
      `\r\x1b[2K#${waiting.pending.context.transactionId} ${answered.note ?? "decided"}\n`,
    );
    waiting.resolve(answered);
  }

  /** Takes a transaction out of the queue; shows the next one if it was shown. */
  #remove(waiting: Waiting): boolean {
    const at = this.#queue.indexOf(waiting);
    if (at < 0) return false;
    this.#queue.splice(at, 1);
    clearTimeout(waiting.timer);
    waiting.pending.context.signal.removeEventListener("abort", waiting.onAbort);
    if (this.#shown === waiting) {
      this.#shown = undefined;
      clearInterval(this.#ticker);
      this.#ticker = undefined;
      this.#showNext();
    }
    return true;
  }

  #showNext(): void {
    const next = this.#queue[0];
    if (!next) return;
    this.#shown = next;
    const countdown = () =>
      `\r\x1b[2K${renderCountdown(next.pending.context.transactionId, next.deadline - Date.now())}`;
    this.#io.write(`\n${renderPrompt(next.pending).join("\n")}\n${countdown()}`);
    this.#ticker = setInterval(() => this.#io.write(countdown()), this.#tickMs);
  }
}
