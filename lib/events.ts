/**
 * One base class for the objects that report what happens as events (the simulator, the
 * hold desk, the control): typed `on(type, listener)` returning an unsubscribe function,
 * a protected `emit(type, detail)` that costs nothing when nobody listens, and a
 * listener's error caught in one place, so that a bug in a listener never breaks the
 * emitter.
 *
 * @module
 */

/** The event map of an {@linkcode Emitter}: each event type and its `CustomEvent`. */
export type EventMapOf<M> = { [K in keyof M]: CustomEvent<unknown> };

/** The detail of an event of an event map. */
export type DetailOf<M, K extends keyof M> = M[K] extends CustomEvent<infer D> ? D : never;

/** Options of {@linkcode Emitter.on}. */
export interface OnOptions {
  /** Called once, then removed. */
  readonly once?: boolean;
  /** Removes the listener when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * A listener threw: the event type, and the error as `cause`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ListenerError } from "./events.ts";
 * const error = new ListenerError("answer", new Error("a bug"));
 * assert.equal(error.message, 'A listener of the "answer" event failed: a bug');
 * ```
 */
export class ListenerError extends Error {
  /** The event type whose listener threw. */
  readonly type: string;

  /**
   * Makes the error.
   *
   * @param type The event type.
   * @param cause What the listener threw.
   */
  constructor(type: string, cause: unknown) {
    super(
      `A listener of the "${type}" event failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "ListenerError";
    this.type = type;
  }
}

/**
 * An `EventTarget` with typed events. Subclasses dispatch with the protected
 * {@linkcode Emitter.emit}; listeners added with {@linkcode Emitter.on} have their
 * errors caught and given to {@linkcode Emitter.listenerFailed} (by default the static
 * {@linkcode Emitter.reportListenerError}, which writes to the console).
 *
 * @typeParam M The event map: each type and its `CustomEvent<Detail>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Emitter } from "./events.ts";
 *
 * class Bell extends Emitter<{ ring: CustomEvent<number> }> {
 *   ring(times: number) {
 *     this.emit("ring", times);
 *   }
 * }
 * const bell = new Bell();
 * const heard: number[] = [];
 * const stop = bell.on("ring", (e) => heard.push(e.detail));
 * bell.ring(2);
 * stop();
 * bell.ring(3);
 * assert.deepEqual(heard, [2]);
 * ```
 */
export class Emitter<M extends EventMapOf<M>> extends EventTarget {
  /**
   * Where listener errors go when a subclass does not report them otherwise. Replace it
   * to send them to a logger; the default writes them to the console.
   *
   * @param error The error, with the event type.
   */
  static reportListenerError: (error: ListenerError) => void = (error) => {
    console.error(error);
  };

  /** How many listeners each event type has (a count too high only costs a dispatch). */
  readonly #listened = new Map<string, number>();

  /**
   * Adds a typed listener; an error it throws is caught and reported, never thrown to
   * the emitter.
   *
   * @param type The event.
   * @param listener Called with the event.
   * @param options `once`, `signal`.
   * @returns A function that removes the listener.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Emitter } from "./events.ts";
   * const emitter = new Emitter<{ tick: CustomEvent<null> }>();
   * const off = emitter.on("tick", () => {});
   * assert.equal(typeof off, "function");
   * off();
   * ```
   */
  on<K extends keyof M & string>(
    type: K,
    listener: (event: M[K]) => void,
    options: OnOptions = {},
  ): () => void {
    const wrapped = (event: Event) => {
      try {
        listener(event as M[K]);
      } catch (error) {
        this.listenerFailed(new ListenerError(type, error));
      }
    };
    this.addEventListener(type, wrapped, options);
    return () => this.removeEventListener(type, wrapped);
  }

  /**
   * Adds an event listener, counting the listeners of each type so that events nobody
   * listens to cost nothing.
   *
   * @param type The event.
   * @param listener The listener.
   * @param options The usual options of `addEventListener`.
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
    if (listener) this.#listened.set(type, (this.#listened.get(type) ?? 0) + 1);
  }

  /**
   * Removes an event listener.
   *
   * @param type The event.
   * @param listener The listener.
   * @param options The usual options of `removeEventListener`.
   */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
    // A `once` listener leaves without telling: the count may stay too high, which only
    // costs a dispatch; it never goes below the truth, which would lose events.
    if (listener) {
      const count = this.#listened.get(type) ?? 0;
      if (count > 1) this.#listened.set(type, count - 1);
    }
  }

  /**
   * Whether an event type ever had a listener: when not, {@linkcode Emitter.emit} skips
   * it, and a caller may skip preparing its detail too.
   *
   * @param type The event.
   * @returns Whether emitting it may reach a listener.
   */
  protected listened(type: keyof M & string): boolean {
    return this.#listened.has(type);
  }

  /**
   * Dispatches an event, unless nobody ever listened to its type.
   *
   * @param type The event.
   * @param detail Its detail.
   */
  protected emit<K extends keyof M & string>(type: K, detail: DetailOf<M, K>): void {
    if (!this.#listened.has(type)) return;
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /**
   * Reports a listener's error: the one place they go. Subclasses may report them as one
   * of their own events; the default gives them to {@linkcode Emitter.reportListenerError}.
   *
   * @param error The error.
   */
  protected listenerFailed(error: ListenerError): void {
    Emitter.reportListenerError(error);
  }
}
