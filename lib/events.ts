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

/** A listener as an {@linkcode Emitter} keeps it. */
interface Entry {
  /** Calls the listener. */
  readonly call: (event: Event) => void;
  /** The listener as given, to find it again (`removeEventListener`). */
  readonly original: unknown;
  readonly capture: boolean;
  readonly once: boolean;
  /** Added with `on` (only `removeEventListener` of a listener added with it finds it). */
  readonly fromOn: boolean;
  /** Removed: a dispatch under way skips it. */
  removed: boolean;
  /** Removes it (at most once). */
  readonly remove: () => void;
}

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
 * {@linkcode Emitter.emit}; listeners (added with {@linkcode Emitter.on} or
 * `addEventListener`, called in the order they were added) have their errors caught and
 * given to {@linkcode Emitter.listenerFailed} (by default the static
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

  /**
   * The listeners of each type, in the order they were added, whichever way (`on` or
   * `addEventListener`). An array is replaced, never changed, so that a dispatch goes
   * through the listeners there were when it started; a type without listeners has none.
   * The emitter keeps them itself rather than in the `EventTarget`: a dispatch then
   * costs a loop, not the DOM's event path (the simulator emits several events per
   * transaction).
   */
  readonly #listeners = new Map<string, readonly Entry[]>();

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
    return this.#add(type, listener as (event: Event) => void, listener, false, true, options);
  }

  /**
   * Adds an event listener, as `EventTarget` does (a listener already added with the
   * same `capture` is not added again); it is called in its turn among those added with
   * {@linkcode Emitter.on}, and its errors are caught and reported as theirs.
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
    if (!listener) return;
    const capture = typeof options === "boolean" ? options : options?.capture === true;
    const added = this.#listeners.get(type)?.some((e) =>
      e.original === listener && e.capture === capture && !e.fromOn
    );
    if (added) return;
    const call = typeof listener === "function"
      ? listener
      : (event: Event) => listener.handleEvent(event);
    this.#add(type, call, listener, capture, false, typeof options === "object" ? options : {});
  }

  /**
   * Removes an event listener added with `addEventListener`.
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
    const capture = typeof options === "boolean" ? options : options?.capture === true;
    const entry = this.#listeners.get(type)?.find((e) =>
      e.original === listener && e.capture === capture && !e.fromOn
    );
    entry?.remove();
  }

  /**
   * Calls the listeners of the event's type, in order. A listener removed meanwhile by an
   * earlier one is not called, as in the DOM.
   *
   * @param event The event.
   * @returns `false` when a listener called `preventDefault` on a cancelable event.
   */
  override dispatchEvent(event: Event): boolean {
    const entries = this.#listeners.get(event.type);
    if (!entries) return true;
    for (const entry of entries) {
      if (entry.removed) continue;
      if (entry.once) entry.remove();
      try {
        entry.call(event);
      } catch (error) {
        this.listenerFailed(new ListenerError(event.type, error));
      }
    }
    return !event.defaultPrevented;
  }

  /**
   * Whether an event type has a listener now: when not, {@linkcode Emitter.emit} skips
   * it, and a caller may skip preparing its detail too.
   *
   * @param type The event.
   * @returns Whether emitting it reaches a listener.
   */
  protected listened(type: keyof M & string): boolean {
    return this.#listeners.has(type);
  }

  /**
   * Dispatches an event, unless nobody listens to its type.
   *
   * @param type The event.
   * @param detail Its detail.
   */
  protected emit<K extends keyof M & string>(type: K, detail: DetailOf<M, K>): void {
    if (!this.#listeners.has(type)) return;
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #add(
    type: string,
    call: (event: Event) => void,
    original: unknown,
    capture: boolean,
    fromOn: boolean,
    options: { once?: boolean; signal?: AbortSignal },
  ): () => void {
    const signal = options.signal;
    if (signal?.aborted) return () => {};
    const listeners = this.#listeners;
    const onAbort = () => entry.remove();
    const entry: Entry = {
      call,
      original,
      capture,
      once: options.once === true,
      fromOn,
      removed: false,
      remove: () => {
        if (entry.removed) return;
        entry.removed = true;
        signal?.removeEventListener("abort", onAbort);
        const rest = (listeners.get(type) ?? []).filter((e) => e !== entry);
        if (rest.length > 0) listeners.set(type, rest);
        else listeners.delete(type);
      },
    };
    listeners.set(type, [...(listeners.get(type) ?? []), entry]);
    signal?.addEventListener("abort", onAbort, { once: true });
    return entry.remove;
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
