/**
 * The simulated payment terminal over TCP: listens like a real terminal, reads each
 * request whole (split records reassembled), asks {@linkcode decide} (or the decision
 * hook: rules, a person...) how to answer, waits the planned delay without blocking anyone
 * else, and writes the answer.
 *
 * What happens is reported as events (an `EventTarget`); the log and any other observer
 * listen to them. Hooks registered with {@linkcode TerminalSimulator.beforeAnswer} are
 * awaited after each decision and before its answer: the journal writes there.
 *
 * A plan may carry a fault (`fault.ts`): the simulator then delivers the answer as the
 * fault's plan says (`delivery.ts`): split, dribbled, cut short, replaced, or not at all.
 * Limits keep it up whatever it is sent: a cap on simultaneous connections, an idle
 * time-out, a silence inside a record, a largest message; nothing a POS sends grows its
 * memory without bound, and no error stops it.
 *
 * @module
 */

import {
  DEFAULT_MAX_BYTES,
  DEFAULT_QUIET_MS,
  type Message,
  MessageReader,
  MessageSizeError,
  MessageTimeoutError,
} from "../framing.ts";
import { SlotMap } from "../slot_map.ts";
import { cryptoRandom, type Random } from "../random.ts";
import { MANDATORY_IDENTIFICATION_TAGS, MANDATORY_REQUEST_TAGS } from "../tags.ts";
import { decodePartial, encode, type Field, getField } from "../tlv.ts";
import {
  decide,
  type DecisionContext,
  DEFAULT_SETTINGS,
  type Plan,
  type ReceivedRequest,
  type TerminalSettings,
} from "./behaviour.ts";
import { AfterAnswerReads } from "./after_answer.ts";
import { deliver, endConnection } from "./delivery.ts";
import { afterDecision, planDelivery } from "./fault.ts";
import { Emitter, type ListenerError } from "../events.ts";
import { formatHostPort } from "../net.ts";
import { isoTime } from "../iso_time.ts";
import {
  CONCURRENCY_MODES,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
} from "./defaults.ts";

// Constants that reading the command line needs too, in a module that loads nothing.
export {
  CONCURRENCY_MODES,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
};

/** Options of a {@linkcode TerminalSimulator}. */
export interface SimulatorOptions {
  /** Address to listen on. Default `"0.0.0.0"` (all IPv4 interfaces). */
  hostname?: string;
  /** Port to listen on; 0 picks a free one. Default 8888. */
  port?: number;
  /** How the terminal answers; missing settings take {@linkcode DEFAULT_SETTINGS}. */
  settings?: Partial<TerminalSettings>;
  /**
   * Silence that ends a request, in milliseconds, when the request is not yet known to be
   * whole. Default {@linkcode DEFAULT_QUIET_MS}.
   */
  quietMs?: number;
  /**
   * Always wait for the quiet period. By default a request that ends on a record boundary
   * and holds every mandatory record is answered at once.
   */
  waitQuiet?: boolean;
  /** Largest request accepted, in bytes. Default {@linkcode DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /**
   * Time a connection may take to send a whole request, in milliseconds; an idle
   * connection is then closed, and a partial request answered AE=01 AF=09. Default 60 s.
   */
  idleTimeoutMs?: number;
  /**
   * Silence inside a record after which the request is taken as cut short and answered
   * AE=01 AF=09, in milliseconds. Default {@linkcode DEFAULT_RECORD_TIMEOUT_MS}.
   */
  recordTimeoutMs?: number;
  /**
   * Longest time a `no-answer` fault holds a connection open and silent, in milliseconds
   * (not scaled). Default: the idle time-out. The diagnosis sets it past its no-answer
   * limit, so that a POS without an answer time-out is seen still waiting.
   */
  holdMs?: number | (() => number);
  /** Keep the connection open after an answer, for the next request. Default: close it. */
  keepOpen?: boolean;
  /** Source of random card data. Default: `crypto.getRandomValues`. */
  random?: Random;
  /** The clock. Default: `() => new Date()`. */
  now?: () => Date;
  /**
   * Replaces the decision (scenarios, interactive mode): gets the request, the current
   * settings and the context, returns the plan or a promise of it (a person may take
   * their time). Default {@linkcode decide}.
   */
  decide?: DecisionHook;
  /**
   * Multiplies every planned delay: 0.01 answers a 3 s delay in 30 ms. Default 1. The
   * network time-outs (idle, record, quiet period) are not scaled, nor are the pauses of
   * faults (split, slow answers) and the period of `refuse-connections`.
   */
  timeScale?: number;
  /**
   * Most connections open at once; beyond it, a new connection is closed at once (an
   * `overflow` event). Default {@linkcode DEFAULT_MAX_CONNECTIONS}.
   */
  maxConnections?: number;
  /**
   * How transactions that overlap are served: see {@linkcode Concurrency}. Default
   * `"parallel"`.
   */
  concurrency?: Concurrency;
}

/**
 * How the simulator serves transactions that overlap (a request read while another
 * transaction is in progress, from its request to the end of its answer):
 * - `parallel`: each on its own, at once (load tests; no real terminal does this);
 * - `queue`: one at a time, in order of arrival; the others wait for their turn before
 *   they are decided (and their delay starts);
 * - `busy`: one at a time; a request that arrives meanwhile is answered at once AE=01
 *   AF=07 (not completed), as a real terminal serving another sale (the `busy` fault).
 */
export type Concurrency = "parallel" | "queue" | "busy";

/** What a decision hook gets besides the request and the settings. */
export interface DecisionHookContext extends DecisionContext {
  /** Number the transaction will have. */
  transactionId: number;
  /** Number of the connection the request came on. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** Aborted when the simulator is stopped at once: a hook that waits should give up. */
  signal: AbortSignal;
}

/**
 * Decides how to answer a request, at once or later (a person deciding, a held
 * transaction): {@linkcode decide} is one, a rule engine's `decide` another.
 */
export type DecisionHook = (
  request: ReceivedRequest,
  settings: Readonly<TerminalSettings>,
  context: DecisionHookContext,
) => Plan | Promise<Plan>;

/**
 * Called after a transaction is decided and before its answer is sent (before its
 * delay); the answer waits for the returned promise. If it throws, the answer is not
 * sent: the transaction ends `failed`.
 */
export type BeforeAnswerHook = (transaction: Transaction) => void | Promise<void>;

/** Where a transaction stands. */
export type TransactionState =
  /** Decided, waiting for the planned delay. */
  | "pending"
  /** The answer was written. */
  | "answered"
  /** The POS went away before the answer could be written. */
  | "client-gone"
  /** The simulator was stopped before the answer (forced close). */
  | "cancelled"
  /** A hook before the answer failed (the journal could not be written): not answered. */
  | "failed"
  /**
   * A fault kept the answer from the POS: nothing sent (no-answer, close-before-answer,
   * reset, approve-then-drop), or bytes that are not the answer (garbage, truncated).
   */
  | "dropped";

/** One request and its answer, as the events report it. */
export interface Transaction {
  /** Number of the transaction, from 1, in order of arrival. */
  id: number;
  /** Number of the connection it came on. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When the request's first byte arrived (ISO 8601). */
  receivedAt: string;
  /** The request as received, one character per byte. */
  requestText: string;
  /** How the request's end was detected. */
  end: Message["end"] | "timeout" | "oversize";
  /** The records that could be decoded. */
  request: Field[];
  /** The plan: outcome, answer, delay, reason, what decided, conformance findings. */
  plan: Plan;
  /** When the decision was made (ISO 8601). */
  decidedAt: string;
  /** The delay waited before the answer: the plan's, times the time scale, in milliseconds. */
  delayMs: number;
  /** The answer as sent. */
  answerText: string;
  /** Where it stands. */
  state: TransactionState;
  /** When the answer was written (ISO 8601). */
  answeredAt?: string;
  /** Whether the POS closed its side of the connection before the answer. */
  peerClosedEarly?: boolean;
  /** What went wrong, when the state is `failed`. */
  error?: string;
  /**
   * With a fault that changes the bytes (garbage, truncated, or nothing sent): what was
   * written, one character per byte; `""` when nothing was.
   */
  sent?: string;
  /** With a fault: what reached the POS, in words. */
  note?: string;
}

/** Details of the events about a connection. */
export interface ConnectionInfo {
  /** Number of the connection, from 1. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
}

/** A POS connected: the `connection` event. */
export interface ConnectionOpenedInfo extends ConnectionInfo {
  /** When it was accepted (ISO 8601). */
  at: string;
}

/**
 * What the terminal was doing on a connection when it ended: `idle` (no request in
 * progress), `reading` (a request partly received), `waiting` (decided, the answer not
 * started: the cardholder "paying"), `answering` (between the first and the last piece
 * of the answer), `held` (a `no-answer` fault keeps it open), `answered` (after the
 * whole answer).
 */
export type ConnectionPhase = "idle" | "reading" | "waiting" | "answering" | "held" | "answered";

/**
 * A connection ended: the `disconnect` event, emitted once per connection, when the
 * POS's end of stream (FIN) or reset is seen (`by: "pos"`, which may be before the
 * transaction in progress ends: while its answer is delayed or held) or, when the
 * terminal closed first, once it is closed (`by: "terminal"`).
 */
export interface ConnectionClosedInfo extends ConnectionInfo {
  /** When the end was seen (ISO 8601). */
  at: string;
  /** Who ended the connection first. */
  by: "pos" | "terminal";
  /** What the terminal was doing then. */
  phase: ConnectionPhase;
  /** The transaction in progress, or the last one of the connection. */
  transactionId?: number;
  /** In `answering`: pieces of the answer written when the POS's end was seen. */
  segmentsSent?: number;
  /** In `answering`: pieces the answer was planned in. */
  segmentsPlanned?: number;
}

/**
 * Bytes the POS sent after an answer that make no request (an ACK and an EOT, for
 * example): the `extra-bytes` event, emitted only when someone listens, after a short
 * read ({@linkcode EXTRA_BYTES_WINDOW_MS}, at most {@linkcode EXTRA_BYTES_MAX} bytes).
 */
export interface ExtraBytesInfo extends ConnectionInfo {
  /** When they arrived (ISO 8601). */
  at: string;
  /** The transaction they followed. */
  transactionId?: number;
  /** The bytes, one character per byte. */
  bytes: string;
}

/**
 * How long the simulator reads after an answer when someone listens to `extra-bytes`,
 * on a connection not kept open: 300 ms. A POS that closes ends it at once.
 */
export const EXTRA_BYTES_WINDOW_MS = 300;
/**
 * How often, at most, the connections reading after their answer are checked for the end
 * of that read ({@linkcode EXTRA_BYTES_WINDOW_MS}): 50 ms, one timer for them all.
 */
const LINGER_SWEEP_MS = 50;
/** Most bytes read after an answer for `extra-bytes`: 64. */
export const EXTRA_BYTES_MAX = 64;

/** A connection problem that is not a transaction: idle, oversize, I/O error. */
export interface ConnectionProblem extends ConnectionInfo {
  /** What went wrong. */
  error: Error;
  /** What was received before it went wrong (one character per byte). */
  received: string;
}

/** A connection closed at once because too many were open. */
export interface ConnectionOverflow extends ConnectionInfo {
  /** The cap, {@linkcode SimulatorOptions.maxConnections}. */
  limit: number;
}

/** The simulator stopped listening for a while (`refuse-connections`). */
export interface RefusalPeriod {
  /** How long, in milliseconds. */
  periodMs: number;
  /** Until when (ISO 8601). */
  until: string;
  /** The transaction that asked for it, if one did. */
  transactionId?: number;
}

/** A request waiting for its turn (`concurrency: "queue"`). */
export interface QueuedRequest extends ConnectionInfo {
  /** The number its transaction will have. */
  transactionId: number;
  /** How many transactions are ahead of it (in progress or waiting). */
  ahead: number;
}

/** A request that has just arrived, before anything decides it. */
export interface Arrival {
  /** Number the transaction will have. */
  id: number;
  /** Number of the connection it came on. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When it was read whole (ISO 8601). */
  at: string;
  /** The records that could be decoded. */
  fields: Field[];
  /** Why the frame is malformed, if it is. */
  error?: string;
}

/** The events a {@linkcode TerminalSimulator} dispatches, with their details. */
export interface SimulatorEventMap {
  /** Listening: the address. */
  listening: CustomEvent<Deno.NetAddr>;
  /** A POS connected. */
  connection: CustomEvent<ConnectionOpenedInfo>;
  /** A request was read whole, before anything decides it; `request` follows once decided. */
  arrived: CustomEvent<Arrival>;
  /** A request was read and decided; the answer is pending. */
  request: CustomEvent<Transaction>;
  /** An answer was written. */
  answer: CustomEvent<Transaction>;
  /** A decided transaction ended without its answer (POS gone, forced stop, failed hook). */
  abandon: CustomEvent<Transaction>;
  /**
   * A connection ended: once per connection, when the POS's end is seen (it may be before
   * the transaction in progress ends), or once the terminal closed it.
   */
  disconnect: CustomEvent<ConnectionClosedInfo>;
  /** Bytes after an answer that make no request (only read when someone listens). */
  "extra-bytes": CustomEvent<ExtraBytesInfo>;
  /** A connection failed outside a transaction (idle time-out, I/O error). */
  problem: CustomEvent<ConnectionProblem>;
  /** A connection beyond the cap was closed at once. */
  overflow: CustomEvent<ConnectionOverflow>;
  /** The simulator stopped listening for a while; `listening` follows when it listens again. */
  refusing: CustomEvent<RefusalPeriod>;
  /** A request waits for its turn (`concurrency: "queue"`). */
  queued: CustomEvent<QueuedRequest>;
  /** The simulator stopped. */
  close: CustomEvent<null>;
}

/**
 * The simulated terminal. Start it, point POS software at its port, close it.
 *
 * @example A terminal that approves after 10 ms, on a free port of 127.0.0.1
 * ```ts
 * import assert from "node:assert/strict";
 * import { TerminalSimulator } from "./simulator.ts";
 * import { pay } from "../pos.ts";
 *
 * await using terminal = new TerminalSimulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   settings: { delayMs: 10 },
 * });
 * const { port } = await terminal.start();
 * const decided: string[] = [];
 * terminal.on("request", (e) => decided.push(e.detail.plan.outcome));
 * const result = await pay({ amount: 1250 }, { port });
 * assert.equal(result.answer.approved, true);
 * assert.deepEqual(decided, ["approved"]);
 * ```
 */
export class TerminalSimulator extends Emitter<SimulatorEventMap> {
  /** The settings in force; change them with {@linkcode TerminalSimulator.update}. */
  settings: Readonly<TerminalSettings>;
  readonly #options: SimulatorOptions;
  readonly #random: Random;
  readonly #now: () => Date;
  /** The simulator's clock in milliseconds: `Date.now` itself unless a clock was given. */
  readonly #nowMs: () => number;
  readonly #decide: DecisionHook;
  readonly #timeScale: number;
  readonly #maxConnections: number;
  readonly #concurrency: Concurrency;
  readonly #beforeAnswer = new Set<BeforeAnswerHook>();
  readonly #afterAnswerReads = new AfterAnswerReads();
  #listener?: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  #address?: Deno.NetAddr;
  #accepting?: Promise<void>;
  #connectionCount = 0;
  #transactionCount = 0;
  /** The open connections (a SlotMap: a closed one is let go of at once, see slot_map.ts). */
  readonly #connections = new SlotMap<Deno.TcpConn>();
  readonly #idle = new Set<number>();
  /** Connections reading after their answer (`extra-bytes`), oldest first, with their end. */
  readonly #lingering = new SlotMap<{ until: number; watch: Watch }>();
  #lingerTimer?: ReturnType<typeof setTimeout>;
  readonly #tasks = new Set<Promise<void>>();
  /** Transactions from their request to the end of their answer (busy answers aside). */
  readonly #inProgress = new Set<number>();
  /** The end of the last turn taken (`concurrency: "queue"`). */
  #turn: Promise<void> = Promise.resolve();
  #waitingTurns = 0;
  readonly #stopDelays = new AbortController();
  /** Ends the connections held open by `no-answer` (any stop, graceful or not). */
  readonly #stopHolds = new AbortController();
  #refusingUntil = 0;
  #reopenTimer?: ReturnType<typeof setTimeout>;
  #closing = false;
  #closed?: Promise<void>;

  /**
   * Makes a simulator; {@linkcode TerminalSimulator.start} starts it.
   *
   * @param options See {@linkcode SimulatorOptions}.
   */
  constructor(options: SimulatorOptions = {}) {
    super();
    this.#options = options;
    this.settings = Object.freeze({ ...DEFAULT_SETTINGS, ...options.settings });
    this.#random = options.random ?? cryptoRandom();
    this.#now = options.now ?? (() => new Date());
    const now = options.now;
    this.#nowMs = now ? () => now().getTime() : Date.now;
    this.#decide = options.decide ?? decide;
    const scale = options.timeScale ?? 1;
    if (!(scale >= 0) || !Number.isFinite(scale)) {
      throw new RangeError(`Invalid time scale ${scale}: expected a number from 0`);
    }
    this.#timeScale = scale;
    const max = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Invalid maximum of connections ${max}: expected a whole number from 1`);
    }
    this.#maxConnections = max;
    const concurrency = options.concurrency ?? "parallel";
    if (!CONCURRENCY_MODES.includes(concurrency)) {
      throw new RangeError(
        `Invalid concurrency "${concurrency}": expected one of ${CONCURRENCY_MODES.join(", ")}`,
      );
    }
    this.#concurrency = concurrency;
  }

  /** The time now in ISO 8601, by the simulator's clock. */
  #stamp(): string {
    return isoTime(this.#nowMs());
  }

  /** The factor applied to every planned delay. */
  get timeScale(): number {
    return this.#timeScale;
  }

  /** How overlapping transactions are served. */
  get concurrency(): Concurrency {
    return this.#concurrency;
  }

  /**
   * Adds a hook awaited after each decision, before the answer (and its delay): the
   * answer is sent only once every hook has settled. If a hook throws, the answer is not
   * sent and the transaction ends `failed` (reported by an `abandon` event).
   *
   * @param hook The hook.
   * @returns A function that removes the hook.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TerminalSimulator } from "./simulator.ts";
   * import { pay } from "../pos.ts";
   *
   * await using terminal = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   settings: { delayMs: 0 },
   * });
   * const { port } = await terminal.start();
   * const answering: number[] = [];
   * const remove = terminal.beforeAnswer((t) => {
   *   answering.push(t.id); // a hook may also be async: the answer waits for it
   * });
   * await pay({ amount: 1250 }, { port });
   * remove();
   * await pay({ amount: 1250 }, { port });
   * assert.deepEqual(answering, [1]);
   * ```
   */
  beforeAnswer(hook: BeforeAnswerHook): () => void {
    this.#beforeAnswer.add(hook);
    return () => this.#beforeAnswer.delete(hook);
  }

  /**
   * Changes some settings; transactions decided from now on use them.
   *
   * @param changes The settings to change.
   * @returns The settings now in force.
   */
  update(changes: Partial<TerminalSettings>): Readonly<TerminalSettings> {
    this.settings = Object.freeze({ ...this.settings, ...changes });
    return this.settings;
  }

  /**
   * Starts listening.
   *
   * @returns The address listened on (with the port picked when asked for port 0); it
   * rejects when the port is taken (`Deno.errors.AddrInUse`) or the simulator is started
   * already, never throws.
   */
  start(): Promise<Deno.NetAddr> {
    try {
      if (this.#address) throw new Error("The simulator is already started");
      this.#listen(this.#options.port ?? 8888);
      return Promise.resolve(this.#address!);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The address listened on (also while connections are refused). */
  get address(): Deno.NetAddr {
    if (!this.#address) throw new Error("The simulator is not started");
    return this.#address;
  }

  /** Number of connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Whether new connections are refused now (see {@linkcode TerminalSimulator.refuseConnections}). */
  get refusing(): boolean {
    return this.#reopenTimer !== undefined;
  }

  /**
   * Stops listening for a while, as a terminal that restarts: connecting to its port is
   * refused; then it listens again on the same port. Connections already open are served
   * as usual. Called again meanwhile, it extends the period (never shortens it).
   *
   * @param periodMs How long, in milliseconds.
   * @param transactionId The transaction that asked for it, for the event.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TerminalSimulator } from "./simulator.ts";
   * import { pay, PosError } from "../pos.ts";
   *
   * await using terminal = new TerminalSimulator({
   *   hostname: "127.0.0.1",
   *   port: 0,
   *   settings: { delayMs: 0 },
   * });
   * const { port } = await terminal.start();
   * const listening = new Promise((resolve) => terminal.on("listening", resolve));
   * terminal.refuseConnections(50); // the POS cannot connect for 50 ms
   * await assert.rejects(
   *   pay({ amount: 1250 }, { port }),
   *   (e) => e instanceof PosError && e.kind === "connect" && !e.paymentMayBeTaken,
   * );
   * await listening; // on the same port again
   * assert.equal((await pay({ amount: 1250 }, { port })).answer.approved, true);
   * ```
   */
  refuseConnections(periodMs: number, transactionId?: number): void {
    if (!this.#address || this.#closing) return;
    const until = Date.now() + Math.max(0, periodMs);
    if (until <= this.#refusingUntil) return;
    this.#refusingUntil = until;
    if (this.#reopenTimer === undefined) {
      const listener = this.#listener;
      this.#listener = undefined;
      try {
        listener?.close();
      } catch { /* already closed */ }
    }
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => this.#reopen(), until - Date.now());
    this.emit("refusing", {
      periodMs,
      until: new Date(until).toISOString(),
      ...(transactionId !== undefined ? { transactionId } : {}),
    });
  }

  /**
   * Stops: no new connection is accepted, connections waiting for a request (or held by
   * `no-answer`) are closed, and answers in flight are sent after their delay. With
   * `force`, pending answers are dropped at once.
   *
   * @param options `force`: do not wait for answers in flight.
   * @returns When every connection has ended.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    if (options.force) this.#stopDelays.abort();
    if (this.#closed) return this.#closed;
    this.#closing = true;
    this.#stopHolds.abort();
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = undefined;
    this.#closed = (async () => {
      try {
        this.#listener?.close();
      } catch { /* already closed */ }
      await this.#accepting;
      for (const id of this.#idle) this.#closeConnection(id);
      while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = undefined;
      this.emit("close", null);
    })();
    return this.#closed;
  }

  /** Closes at once, dropping answers in flight (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close({ force: true });
  }

  /**
   * A listener's error is reported as a `problem` event (and dropped, for a `problem`
   * listener): a listener that throws does not stop the simulator.
   *
   * @param error The error.
   */
  protected override listenerFailed(error: ListenerError): void {
    if (error.type === "problem") return;
    this.emit("problem", { connectionId: 0, peer: "", error, received: "" });
  }

  /** Listens on `port` and accepts connections. */
  #listen(port: number): void {
    const listener = Deno.listen({
      hostname: this.#options.hostname ?? "0.0.0.0",
      port,
      transport: "tcp",
    });
    this.#listener = listener;
    this.#address = listener.addr;
    const previous = this.#accepting;
    const loop = this.#acceptLoop(listener);
    this.#accepting = previous ? Promise.all([previous, loop]).then(() => {}) : loop;
    this.emit("listening", listener.addr);
  }

  /** Listens again after a refusal period; retries every second if the port is taken. */
  #reopen(): void {
    this.#reopenTimer = undefined;
    if (this.#closing) return;
    try {
      this.#listen(this.#address!.port);
    } catch (error) {
      this.emit("problem", {
        connectionId: 0,
        peer: "",
        error: new Error(
          `Cannot listen again on port ${this.#address!.port}: ${
            errorText(error)
          }; trying again in 1 s`,
          { cause: error },
        ),
        received: "",
      });
      this.#reopenTimer = setTimeout(() => this.#reopen(), 1000);
    }
  }

  async #acceptLoop(listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (this.#closing || listener !== this.#listener) return;
        if (error instanceof Deno.errors.BadResource) return;
        // A failed accept (out of file descriptors...) must not stop the terminal.
        this.emit("problem", {
          connectionId: 0,
          peer: "",
          error: error as Error,
          received: "",
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const id = ++this.#connectionCount;
      if (this.#connections.size >= this.#maxConnections) {
        let peer = "";
        try {
          peer = formatHostPort(conn.remoteAddr);
          conn.close();
        } catch { /* gone already */ }
        this.emit("overflow", { connectionId: id, peer, limit: this.#maxConnections });
        continue;
      }
      this.#connections.set(id, conn);
      // #serve reports its own errors; this catch only keeps a bug from becoming an
      // unhandled rejection, which would end the process.
      const task = this.#serve(id, conn)
        .catch((error) => {
          this.emit("problem", {
            connectionId: id,
            peer: "",
            error: error as Error,
            received: "",
          });
        })
        .finally(() => this.#tasks.delete(task));
      this.#tasks.add(task);
    }
  }

  #closeConnection(id: number): void {
    const conn = this.#connections.get(id);
    if (!conn) return;
    this.#connections.delete(id);
    this.#idle.delete(id);
    try {
      conn.close();
    } catch { /* already closed */ }
  }

  async #serve(id: number, conn: Deno.TcpConn): Promise<void> {
    let peer = "";
    try {
      peer = formatHostPort(conn.remoteAddr);
    } catch { /* the POS is gone already */ }
    const info = { connectionId: id, peer };
    if (this.listened("connection")) {
      this.emit("connection", { ...info, at: this.#stamp() });
    }
    const reader = new MessageReader(conn, { now: this.#nowMs });
    const watch: Watch = { info, reader, phase: "idle", ended: false };
    try {
      let open = true;
      let received: { message: Message; end: Transaction["end"] } | null | undefined;
      do {
        this.#idle.add(id);
        if (this.#closing) break;
        received = await this.#readRequest(reader, info);
        this.#idle.delete(id);
        if (!received) {
          // Ended by the POS, unless the terminal closed it (a stop).
          if (reader.ended && this.#connections.has(id) && !this.#closing) {
            this.#posEnded(watch, "idle");
          }
          break;
        }
        if (this.#afterAnswer(watch, received.message)) continue;
        watch.phase = "reading";
        if (reader.ended) this.#posEnded(watch);
        open = await this.#transact(conn, reader, watch, received);
      } while (open && this.#options.keepOpen && !reader.ended && !this.#closing);
      // Here, once the transaction's own objects are gone (a connection that lingers
      // keeps no more than its reader alive).
      received = undefined;
      if (watch.readAfterAnswer) await this.#readExtra(watch);
    } catch (error) {
      if (!this.#closing) {
        this.emit("problem", { ...info, error: error as Error, received: "" });
      }
    } finally {
      this.#closeConnection(id);
      reader.release();
      if (!watch.ended) {
        watch.ended = true;
        this.emit(
          "disconnect",
          this.#closedInfo(
            watch,
            reader.ended && !this.#closing && !watch.expired ? "pos" : "terminal",
          ),
        );
      }
    }
  }

  /** The POS's end of stream is seen: `disconnect` now, once per connection. */
  #posEnded(watch: Watch, phase?: ConnectionPhase): void {
    if (watch.ended) return;
    watch.ended = true;
    if (phase) watch.phase = phase;
    this.emit("disconnect", this.#closedInfo(watch, "pos"));
  }

  #closedInfo(watch: Watch, by: "pos" | "terminal"): ConnectionClosedInfo {
    const info: ConnectionClosedInfo = {
      connectionId: watch.info.connectionId,
      peer: watch.info.peer,
      at: this.#stamp(),
      by,
      phase: watch.phase,
    };
    if (watch.transactionId !== undefined) info.transactionId = watch.transactionId;
    if (watch.phase === "answering") {
      info.segmentsSent = watch.segmentsSent ?? 0;
      info.segmentsPlanned = watch.segmentsPlanned ?? 0;
    }
    return info;
  }

  /**
   * On a connection kept open, after an answer: bytes that make no request (control
   * characters only, such as ACK and EOT) are reported as `extra-bytes` and skipped,
   * when someone listens. `true` when they were.
   */
  #afterAnswer(watch: Watch, message: Message): boolean {
    if (
      watch.phase !== "answered" || message.text.length > EXTRA_BYTES_MAX ||
      !this.listened("extra-bytes") || !CONTROL_ONLY.test(message.text)
    ) return false;
    this.emit("extra-bytes", {
      ...watch.info,
      at: this.#stamp(),
      ...(watch.transactionId !== undefined ? { transactionId: watch.transactionId } : {}),
      bytes: message.text,
    });
    return true;
  }

  /**
   * After an answer on a connection that is not kept open, when someone listens to
   * `extra-bytes` (after every answer to a POS at first, then one in ten once it has shown
   * it sends nothing: see {@linkcode AfterAnswerReads}): reads briefly what the POS sends
   * (an ACK, an EOT), bounded in time and size; a POS that closes ends the read at once.
   * The terminal's side is closed already. The read costs one pending read: no timer of
   * its own, the connections lingering so are closed at their time by one timer shared
   * by all ({@linkcode EXTRA_BYTES_WINDOW_MS} after the answer, give or take
   * {@linkcode LINGER_SWEEP_MS}).
   */
  async #readExtra(watch: Watch): Promise<void> {
    const id = watch.info.connectionId;
    this.#lingering.set(id, { until: Date.now() + EXTRA_BYTES_WINDOW_MS, watch });
    this.#sweepLater();
    let bytes = "";
    try {
      bytes = await watch.reader.readToEnd(EXTRA_BYTES_MAX);
    } catch {
      // A failed read ends the reading: what came before it is not worth a report.
    } finally {
      // The shared timer stays armed: it ends when it finds no connection (or at close).
      this.#lingering.delete(id);
    }
    this.#afterAnswerReads.saw(watch.pos!, bytes.length > 0);
    if (bytes.length > 0) {
      this.emit("extra-bytes", {
        ...watch.info,
        at: this.#stamp(),
        ...(watch.transactionId !== undefined ? { transactionId: watch.transactionId } : {}),
        bytes,
      });
    }
    if (watch.reader.ended && !watch.expired) this.#posEnded(watch);
  }

  /** Arms the shared timer of the lingering connections, when they have none. */
  #sweepLater(): void {
    if (this.#lingerTimer !== undefined) return;
    const first = this.#lingering.values().next().value;
    if (!first) return;
    this.#lingerTimer = setTimeout(
      this.#sweep,
      Math.max(LINGER_SWEEP_MS, first.until - Date.now()),
    );
  }

  /** Closes the lingering connections whose time is up (all of them when stopping). */
  readonly #sweep = (): void => {
    this.#lingerTimer = undefined;
    const now = Date.now();
    for (const [id, lingering] of this.#lingering) {
      if (lingering.until > now && !this.#closing) break;
      this.#lingering.delete(id);
      // The terminal ends it: its read ends as if the POS had closed, which it did not.
      lingering.watch.expired = true;
      this.#closeConnection(id);
    }
    this.#sweepLater();
  };

  /** Reads one request; `undefined` when the connection ended or idled out without one. */
  async #readRequest(
    reader: MessageReader,
    info: ConnectionInfo,
  ): Promise<{ message: Message; end: Transaction["end"] } | null | undefined> {
    const options = this.#options;
    try {
      const message = await reader.read({
        quietMs: options.quietMs ?? DEFAULT_QUIET_MS,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
        timeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        stallMs: options.recordTimeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS,
        isComplete: options.waitQuiet ? undefined : holdsMandatoryRecords,
      });
      return message ? { message, end: message.end } : message === null ? null : undefined;
    } catch (error) {
      if (this.#closing) return undefined;
      const partial = error instanceof MessageTimeoutError || error instanceof MessageSizeError
        ? error.received
        : "";
      this.emit("problem", { ...info, error: error as Error, received: partial });
      // Bytes that never made a whole request still get an answer: AE=01 AF=09.
      if (partial.length === 0) return undefined;
      const decoded = decodePartial(partial);
      return {
        message: {
          ...decoded,
          text: partial,
          end: "closed",
          startedAt: this.#nowMs(),
        },
        end: error instanceof MessageSizeError ? "oversize" : "timeout",
      };
    }
  }

  /**
   * Decides a request, waits, and answers it (or not, with a fault).
   *
   * @returns Whether the connection may serve another request.
   */
  async #transact(
    conn: Deno.TcpConn,
    reader: MessageReader,
    watch: Watch,
    received: { message: Message; end: Transaction["end"] },
  ): Promise<boolean> {
    const info = watch.info;
    const id = ++this.#transactionCount;
    watch.transactionId = id;
    // Concurrency: who is in progress decides whether this one waits or is busy.
    let busyWith: number | undefined;
    let release: (() => void) | undefined;
    if (this.#concurrency === "busy" && this.#inProgress.size > 0) {
      busyWith = this.#inProgress.values().next().value;
    } else if (this.#concurrency === "queue") {
      const ahead = this.#inProgress.size + this.#waitingTurns;
      if (ahead > 0) this.emit("queued", { ...info, transactionId: id, ahead });
      release = await this.#takeTurn();
      if (!release) return false;
    }
    if (busyWith === undefined) this.#inProgress.add(id);
    try {
      return await this.#carryOut(id, conn, reader, watch, received, busyWith);
    } finally {
      this.#inProgress.delete(id);
      release?.();
    }
  }

  /** Waits for the transactions ahead (queue mode); `undefined` when stopped at once. */
  async #takeTurn(): Promise<(() => void) | undefined> {
    const previous = this.#turn;
    let release!: () => void;
    this.#turn = new Promise<void>((resolve) => release = resolve);
    this.#waitingTurns++;
    const stop = this.#stopDelays.signal;
    let onStop: (() => void) | undefined;
    const stopped = await Promise.race([
      previous.then(() => false),
      new Promise<boolean>((resolve) => {
        if (stop.aborted) resolve(true);
        onStop = () => resolve(true);
        stop.addEventListener("abort", onStop, { once: true });
      }),
    ]);
    if (onStop) stop.removeEventListener("abort", onStop);
    this.#waitingTurns--;
    if (stopped) {
      release();
      return undefined;
    }
    return release;
  }

  async #carryOut(
    id: number,
    conn: Deno.TcpConn,
    reader: MessageReader,
    watch: Watch,
    received: { message: Message; end: Transaction["end"] },
    busyWith: number | undefined,
  ): Promise<boolean> {
    const info = watch.info;
    const { message } = received;
    const plan = await this.#decideRequest(id, message, info, busyWith);
    if (!plan) return false;
    const transaction: Transaction = {
      id,
      ...info,
      receivedAt: message.startedAt ? isoTime(message.startedAt) : this.#stamp(),
      requestText: message.text,
      end: received.end,
      request: message.fields,
      plan,
      decidedAt: this.#stamp(),
      delayMs: Math.round(plan.delayMs * this.#timeScale),
      answerText: encode(plan.answer),
      state: "pending",
    };
    this.emit("request", transaction);
    if (this.#beforeAnswer.size > 0 && !await this.#runHooks(transaction)) return false;
    afterDecision(plan.fault?.spec, this, id);
    watch.phase = "waiting";
    if (transaction.delayMs > 0) {
      const waited = await this.#wait(transaction.delayMs, reader, () => this.#posEnded(watch));
      if (waited === "peer-closed") transaction.peerClosedEarly = true;
      if (waited === "stopped") return this.#abandon(transaction, "cancelled");
    }
    return await this.#answer(conn, reader, transaction, watch);
  }

  /**
   * Announces a request (`arrived`) and decides it; `undefined` when stopped at once
   * while a person (or a program) was deciding.
   */
  async #decideRequest(
    id: number,
    message: Message,
    info: ConnectionInfo,
    busyWith: number | undefined,
  ): Promise<Plan | undefined> {
    const request = message.error
      ? { fields: message.fields, error: message.error }
      : { fields: message.fields };
    // Not even prepared when nobody listens: this is the hot path.
    if (this.listened("arrived")) {
      this.emit("arrived", {
        id,
        ...info,
        at: this.#stamp(),
        fields: [...message.fields],
        ...(message.error ? { error: message.error.message } : {}),
      });
    }
    const context = {
      now: this.#now(),
      random: this.#random,
      transactionId: id,
      ...info,
      signal: this.#stopDelays.signal,
    };
    try {
      return busyWith !== undefined
        // A busy terminal does not get to the sale: no rule, queue or person is consulted.
        ? decide(request, this.settings, context, {
          outcome: { status: "not-done", fault: { kind: "busy" } },
          by: { source: "settings", note: `busy with transaction #${busyWith}` },
        })
        : await this.#decide(request, this.settings, context);
    } catch (error) {
      if (this.#stopDelays.signal.aborted) return undefined;
      throw error;
    }
  }

  /** Awaits the hooks before the answer; `false` (and `abandon`) when one failed. */
  async #runHooks(transaction: Transaction): Promise<boolean> {
    for (const hook of [...this.#beforeAnswer]) {
      try {
        await hook(transaction);
      } catch (error) {
        transaction.error = errorText(error);
        this.#abandon(transaction, "failed");
        return false;
      }
    }
    return true;
  }

  /** Ends a transaction without its answer: its state, then `abandon`. */
  #abandon(transaction: Transaction, state: TransactionState): false {
    transaction.state = state;
    this.emit("abandon", transaction);
    return false;
  }

  /**
   * Sends the answer as its delivery says (a fault may split, cut, replace or drop it).
   *
   * @returns Whether the connection may serve another request.
   */
  async #answer(
    conn: Deno.TcpConn,
    reader: MessageReader,
    transaction: Transaction,
    watch: Watch,
  ): Promise<boolean> {
    const fault = transaction.plan.fault;
    const delivery = fault?.delivery ??
      planDelivery(undefined, transaction.answerText, this.#random);
    if (delivery.end === "hold") {
      watch.phase = "held";
      const held = await this.#hold(reader, () => this.#posEnded(watch));
      transaction.sent = "";
      transaction.note = `${delivery.description}; ${HOLD_ENDS[held]}`;
      return this.#abandon(transaction, "dropped");
    }
    watch.phase = "answering";
    const result = delivery.segments.length > 1 && !watch.ended
      ? await this.#deliverWatched(conn, reader, delivery, watch)
      : await deliver(conn, delivery, this.#stopDelays.signal);
    if (fault) {
      if (result.sent !== transaction.answerText) transaction.sent = result.sent;
      transaction.note = delivery.description;
    }
    if (result.result !== "done") {
      return this.#abandon(transaction, result.result === "stopped" ? "cancelled" : "client-gone");
    }
    if (delivery.end !== "normal") {
      await endConnection(conn, delivery.end);
      return this.#abandon(transaction, "dropped");
    }
    transaction.state = "answered";
    transaction.answeredAt = this.#stamp();
    watch.phase = "answered";
    this.emit("answer", transaction);
    if (!this.#options.keepOpen) {
      try {
        await conn.closeWrite();
      } catch { /* the POS is gone already */ }
      if (this.listened("extra-bytes") && !reader.ended) {
        const { peer, request } = transaction;
        const pos = `${peer.slice(0, peer.lastIndexOf(":"))}|${getField(request, "CA") ?? ""}`;
        watch.readAfterAnswer = this.#afterAnswerReads.shouldRead(pos);
        watch.pos = pos;
      }
    }
    return true;
  }

  /**
   * Delivers an answer in several pieces while watching for the POS's end: a POS that
   * closes after the first piece is seen when it does (`disconnect`, phase `answering`,
   * with the pieces written so far).
   */
  async #deliverWatched(
    conn: Deno.TcpConn,
    reader: MessageReader,
    delivery: Parameters<typeof deliver>[1],
    watch: Watch,
  ): Promise<Awaited<ReturnType<typeof deliver>>> {
    const ends: number[] = [];
    let total = 0;
    for (const segment of delivery.segments) ends.push(total += segment.text.length);
    watch.segmentsPlanned = ends.length;
    watch.segmentsSent = 0;
    let written = 0;
    const counting = {
      write: async (bytes: Uint8Array) => {
        const n = await conn.write(bytes);
        written += n;
        while (watch.segmentsSent! < ends.length && ends[watch.segmentsSent!] <= written) {
          watch.segmentsSent!++;
        }
        return n;
      },
      setNoDelay: (on: boolean) => conn.setNoDelay(on),
    };
    const stopWatch = new AbortController();
    const watching = reader.waitForEnd(stopWatch.signal).catch(() => true).then((ended) => {
      if (ended) this.#posEnded(watch);
    });
    try {
      return await deliver(counting, delivery, this.#stopDelays.signal);
    } finally {
      stopWatch.abort();
      await watching;
    }
  }

  /**
   * Keeps a connection open and silent (`no-answer`) until the POS closes it, the hold
   * limit (`holdMs`, by default the idle time-out), or a stop: a POS that never gives up cannot hold a connection forever.
   */
  async #hold(
    reader: MessageReader,
    onPeerEnd: () => void,
  ): Promise<"peer-closed" | "idle" | "stopped"> {
    const stop = this.#stopHolds.signal;
    if (stop.aborted) return "stopped";
    const timer = new AbortController();
    const timeout = setTimeout(
      () => timer.abort(),
      (typeof this.#options.holdMs === "function"
        ? this.#options.holdMs()
        : this.#options.holdMs) ??
        this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    );
    const onStop = () => timer.abort();
    stop.addEventListener("abort", onStop, { once: true });
    try {
      const closed = await reader.waitForEnd(timer.signal).catch(() => true);
      if (closed) {
        onPeerEnd();
        return "peer-closed";
      }
      return stop.aborted ? "stopped" : "idle";
    } finally {
      clearTimeout(timeout);
      stop.removeEventListener("abort", onStop);
    }
  }

  /** Waits the delay; notices a POS that closes meanwhile and a forced stop. */
  async #wait(
    delayMs: number,
    reader: MessageReader,
    onPeerEnd: () => void,
  ): Promise<"done" | "peer-closed" | "stopped"> {
    const stop = this.#stopDelays.signal;
    if (stop.aborted) return "stopped";
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), delayMs);
    const onStop = () => timer.abort();
    stop.addEventListener("abort", onStop, { once: true });
    let peerClosed = false;
    try {
      // A POS that closes its side may still read the answer (half-close): keep waiting.
      peerClosed = await reader.waitForEnd(timer.signal).catch(() => true);
      if (peerClosed) onPeerEnd();
      if (peerClosed && !timer.signal.aborted) {
        await new Promise<void>((resolve) =>
          timer.signal.addEventListener("abort", () => resolve(), { once: true })
        );
      }
    } finally {
      clearTimeout(timeout);
      stop.removeEventListener("abort", onStop);
    }
    if (stop.aborted) return "stopped";
    return peerClosed ? "peer-closed" : "done";
  }
}

/** What the simulator knows of a connection, for its `disconnect` event. */
interface Watch {
  info: ConnectionInfo;
  reader: MessageReader;
  phase: ConnectionPhase;
  transactionId?: number;
  segmentsSent?: number;
  segmentsPlanned?: number;
  /** Whether `disconnect` was emitted. */
  ended: boolean;
  /** Whether the terminal closed it at the end of the read after the answer. */
  expired?: boolean;
  /** Whether to read what the POS sends after the answer ({@linkcode EXTRA_BYTES_WINDOW_MS}). */
  readAfterAnswer?: boolean;
  /** The POS, for {@linkcode AfterAnswerReads}: address and register. */
  pos?: string;
}

/** Bytes that are no request: control characters only (ACK, EOT, NAK...). */
// deno-lint-ignore no-control-regex
const CONTROL_ONLY = /^[\x00-\x1F\x7F]+$/;

/** How a connection held by `no-answer` ended, in words. */
const HOLD_ENDS = {
  "peer-closed": "the POS closed it",
  "idle": "closed at the idle time-out",
  "stopped": "closed when the simulator stopped",
} as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a request holds every mandatory record, so it can be answered at once. */
export function holdsMandatoryRecords(fields: readonly Field[]): boolean {
  const mandatory = getField(fields, "CD") === "I"
    ? MANDATORY_IDENTIFICATION_TAGS
    : MANDATORY_REQUEST_TAGS;
  for (const tag of mandatory) if (getField(fields, tag) === undefined) return false;
  return true;
}
