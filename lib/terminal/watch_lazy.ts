/**
 * The watch on the POS loaded after the simulator listens (`server.ts` without a
 * campaign): {@linkcode LazyWatch} captures the simulator's events from the start, as a
 * {@linkcode PosWatch} would queue them, and loads the diagnosis with `import()` when
 * asked; the watch then folds what was captured before it, in order, and the rest as it
 * comes. The findings are never on the answer's hot path, so a late fold loses nothing,
 * and the launch does not wait for the diagnosis's modules.
 *
 * @example
 * ```ts ignore
 * // Not run: needs a simulator and a POS (tests/watch_lazy_test.ts runs them).
 * import { LazyWatch } from "./watch_lazy.ts";
 * const lazy = new LazyWatch((module) => new module.PosWatch());
 * lazy.attach(simulator); // captures at once
 * await simulator.start();
 * const watch = await lazy.load(); // folds what was captured meanwhile
 * ```
 *
 * @module
 */

import { isoTime } from "../iso_time.ts";
import type { TerminalSimulator, Transaction } from "./simulator.ts";
import type { PosWatch, PosWatchOptions, Queued } from "./watch.ts";

/** The watch's module, as `import()` gives it. */
export type WatchModule = typeof import("./watch.ts");

/**
 * The diagnosis's default no-answer margin (`DIAGNOSIS_DEFAULTS.noAnswerMarginMs`), for
 * the no-answer limit before the diagnosis is loaded; tests/startup_test.ts checks that
 * both are the same.
 */
export const NO_ANSWER_MARGIN_MS = 60_000;

/**
 * A {@linkcode PosWatch} made on demand: it captures from {@linkcode LazyWatch.attach}
 * on, and the watch made by {@linkcode LazyWatch.load} folds what was captured first.
 */
export class LazyWatch {
  readonly #make: (module: WatchModule) => PosWatch;
  readonly #options: Pick<PosWatchOptions, "noAnswerLimitMs" | "noAnswerMarginMs">;
  readonly #uses: ((watch: PosWatch, module: WatchModule) => void)[] = [];
  #simulator?: TerminalSimulator;
  #captured: Queued[] = [];
  #stopCapture?: () => void;
  #watch?: PosWatch;
  #module?: WatchModule;
  #loading?: Promise<PosWatch>;
  #closed = false;

  /**
   * Makes the lazy watch; nothing is loaded yet.
   *
   * @param make Makes the watch, given its module.
   * @param options The watch's options that set its no-answer limit (before it is made).
   */
  constructor(
    make: (module: WatchModule) => PosWatch,
    options: Pick<PosWatchOptions, "noAnswerLimitMs" | "noAnswerMarginMs"> = {},
  ) {
    this.#make = make;
    this.#options = options;
  }

  /** The watch, once loaded. */
  get watch(): PosWatch | undefined {
    return this.#watch;
  }

  /**
   * The no-answer limit in force, in milliseconds: the watch's, or before it is loaded
   * the same computed from the simulator's settings.
   */
  get noAnswerLimitMs(): number {
    if (this.#watch) return this.#watch.noAnswerLimitMs;
    const settings = this.#simulator?.settings;
    const scale = this.#simulator?.timeScale ?? 1;
    if (settings?.noAnswerLimitMs !== undefined) return settings.noAnswerLimitMs * scale;
    return this.#options.noAnswerLimitMs ??
      ((settings?.inputTimeoutMs ?? 120_000) +
          (this.#options.noAnswerMarginMs ?? NO_ANSWER_MARGIN_MS)) * scale;
  }

  /**
   * Captures the simulator's transactions and connection events, as
   * {@linkcode PosWatch.attach} would, until the watch is loaded.
   *
   * @param simulator The simulator.
   */
  attach(simulator: TerminalSimulator): void {
    this.#simulator = simulator;
    const push = (item: Queued) => this.#captured.push(item);
    const ended = ({ detail }: CustomEvent<Transaction>) =>
      push({
        kind: "end",
        transaction: detail,
        state: detail.state,
        endedAt: isoTime(Date.now()),
      });
    const offs = [
      simulator.on("request", ({ detail }) => push({ kind: "transaction", transaction: detail })),
      simulator.on("answer", ended),
      simulator.on("abandon", ended),
      simulator.on(
        "connection",
        ({ detail }) => push({ kind: "event", input: { type: "connection", ...detail } }),
      ),
      simulator.on(
        "disconnect",
        ({ detail }) => push({ kind: "event", input: { type: "disconnect", ...detail } }),
      ),
      simulator.on("extra-bytes", ({ detail }) =>
        push({
          kind: "event",
          input: {
            type: "extra-bytes",
            connectionId: detail.connectionId,
            at: detail.at,
            ...(detail.transactionId !== undefined ? { transactionId: detail.transactionId } : {}),
            bytes: detail.bytes,
          },
        })),
    ];
    this.#stopCapture = () => offs.forEach((off) => off());
  }

  /**
   * Calls `use` with the watch as soon as it is made, before it folds anything (at once
   * when it is loaded already).
   *
   * @param use What to do with it (listen to its findings, bind it to the control).
   */
  use(use: (watch: PosWatch, module: WatchModule) => void): void {
    this.#uses.push(use);
    if (this.#watch && this.#module) use(this.#watch, this.#module);
  }

  /**
   * Loads the diagnosis and makes the watch (once): it folds what was captured, then
   * the rest as it comes.
   *
   * @returns The watch.
   */
  load(): Promise<PosWatch> {
    this.#loading ??= import("./watch.ts").then((module) => {
      const watch = this.#make(module);
      this.#watch = watch;
      this.#module = module;
      for (const use of this.#uses) use(watch, module);
      this.#stopCapture?.();
      this.#stopCapture = undefined;
      const captured = this.#captured;
      this.#captured = [];
      if (this.#simulator) {
        watch.attach(this.#simulator);
        // Before anything the simulator sends next: no event comes in between.
        watch.foldEarlier(captured);
      }
      if (this.#closed) watch.close();
      return watch;
    });
    return this.#loading;
  }

  /** Stops capturing, and closes the watch when it is loaded (or once it is: it folds what was captured). */
  close(): void {
    this.#closed = true;
    this.#stopCapture?.();
    this.#stopCapture = undefined;
    this.#watch?.close();
  }
}
