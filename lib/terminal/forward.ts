/**
 * Forward mode: a transparent tap between a POS and a real terminal. Each POS connection
 * opens one connection to the terminal ("upstream"); the bytes go both ways unchanged and
 * unbuffered (each segment is written on as soon as it is read, Nagle's algorithm off);
 * an end of stream is passed on as a half-close, an abort as a close. A copy of each
 * segment goes to a decoder per direction, beside the byte pump, never in its path; each
 * exchange then becomes the same transaction the simulator reports
 * ({@linkcode forwardTransaction}), card numbers masked, so that the journal, the log,
 * the control API and the dashboard show real traffic as they show simulated traffic.
 *
 * The tap never answers in the terminal's place: when the terminal cannot be reached,
 * the POS connection is closed (as a switched-off terminal would) and a `problem` event
 * says why, unless a fallback simulator is given (`--forward-fallback simulate`): then
 * the connection goes to it, and its decision answers. A fault, only when asked for
 * (`faultsUpstream`), applies to the answer coming back: the answer is then held until
 * it is whole and delivered as the fault says.
 *
 * The tap is a {@linkcode TerminalSimulator} for whoever listens to it: the same events,
 * hooks before each transaction's end (the journal), `start`, `close`, `address`. The
 * journal's hook runs after the answer reached the POS (the tap never delays it).
 *
 * @module
 */

import { formatHostPort } from "../net.ts";
import { cryptoRandom, type Random } from "../random.ts";
import { maskDigits, maskFields, maskFrame } from "../mask.ts";
import type { ConnectionClosed, ConnectionEvent, ConnectionPhase } from "../diagnosis/input.ts";
import { deliver, endConnection } from "./delivery.ts";
import type { TerminalSettings } from "./behaviour.ts";
import { activeFault, planDelivery } from "./fault.ts";
import { type ForwardTransaction, forwardTransaction, WireCopy } from "./forward_exchange.ts";
import {
  type Arrival,
  type BeforeAnswerHook,
  type ConnectionProblem,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
  type TransactionState,
} from "./simulator.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS } from "../framing.ts";
import { SlotMap } from "../slot_map.ts";

/** Default time the terminal has to accept a connection: 5 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Bytes read at a time, per direction. */
const CHUNK_SIZE = 16 * 1024;

/** The real terminal's address. */
export interface Upstream {
  /** Its host name or address. */
  hostname: string;
  /** Its port. */
  port: number;
}

/** Options of a {@linkcode ForwardTap}. */
export interface ForwardOptions extends Omit<SimulatorOptions, "decide"> {
  /** The real terminal. */
  upstream: Upstream;
  /** Mask card numbers in everything the tap reports. Default: yes. */
  mask?: boolean;
  /** Time the terminal has to accept a connection, in milliseconds. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * Apply the settings' fault (`--fault`) to the answers coming back. Default: no, the
   * tap changes nothing.
   */
  faultsUpstream?: boolean;
  /**
   * Answers in the terminal's place when it cannot be reached: a simulator, not
   * started, made to listen on 127.0.0.1 port 0 (the tap starts and stops it, and
   * connects to it instead of the terminal). Default: none, the POS connection is closed.
   */
  fallback?: TerminalSimulator;
  /** Connects to the terminal. Default: `Deno.connect` (tests replace it). */
  connect?: (upstream: Upstream) => Promise<Deno.TcpConn>;
}

/** A connection problem: the terminal could not be reached. */
export class UpstreamError extends Error {
  /**
   * Makes the error.
   *
   * @param message What went wrong, in words.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpstreamError";
  }
}

/**
 * The tap. Start it, point the POS at its port, close it.
 *
 * @example
 * ```ts ignore
 * // Not run: needs a real terminal at 192.168.1.50 (tests/forward_faults_test.ts runs one)
 * import { ForwardTap } from "./forward.ts";
 * const tap = new ForwardTap({ hostname: "127.0.0.1", port: 0, upstream: { hostname: "192.168.1.50", port: 8888 } });
 * tap.on("answer", (e) => console.log(e.detail.answerText)); // masked
 * await tap.start();
 * ```
 */
export class ForwardTap extends TerminalSimulator {
  /** The real terminal's address, `host:port`. */
  readonly upstream: string;
  readonly #options: ForwardOptions;
  readonly #hooks = new Set<BeforeAnswerHook>();
  readonly #wire = new Set<(event: ConnectionEvent) => void>();
  readonly #peers = new Map<number, string>();
  /** The open links (a SlotMap: an ended one is let go of at once, see slot_map.ts). */
  readonly #connections = new SlotMap<Link>();
  readonly #tasks = new Set<Promise<unknown>>();
  readonly #random: Random;
  readonly #stop = new AbortController();
  #listener?: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  #address?: Deno.NetAddr;
  #accepting?: Promise<void>;
  #connectionCount = 0;
  #transactionCount = 0;
  #closing = false;
  #closed?: Promise<void>;
  #fallback?: { simulator: TerminalSimulator; links: SlotMap<Link>; ids: Map<number, number> };

  /**
   * Makes a tap; {@linkcode ForwardTap.start} starts it.
   *
   * @param options See {@linkcode ForwardOptions}.
   */
  constructor(options: ForwardOptions) {
    super(options);
    this.#options = options;
    this.upstream = formatHostPort(options.upstream);
    this.#random = options.random ?? cryptoRandom();
  }

  /**
   * Changes some settings (the fallback simulator's too).
   *
   * @param changes The settings to change.
   * @returns The settings now in force.
   */
  override update(changes: Partial<TerminalSettings>): Readonly<TerminalSettings> {
    this.#fallback?.simulator.update(changes);
    return super.update(changes);
  }

  /** Whether card numbers are masked. */
  get masking(): boolean {
    return this.#options.mask ?? true;
  }

  /**
   * Adds a hook awaited when a transaction is known (its answer came, or it ended
   * without one), before its end is reported: the journal writes there.
   *
   * @param hook The hook.
   * @returns A function that removes it.
   */
  override beforeAnswer(hook: BeforeAnswerHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /**
   * Listens to the connection events the diagnosis reads besides the journal
   * (`connection`, `disconnect` saying who ended it first and in what phase,
   * `extra-bytes`).
   *
   * @param listener Called with each event.
   * @returns A function that removes it.
   */
  onConnectionEvent(listener: (event: ConnectionEvent) => void): () => void {
    this.#wire.add(listener);
    return () => this.#wire.delete(listener);
  }

  /**
   * Starts listening (and the fallback simulator, if any).
   *
   * @returns The address listened on.
   */
  override async start(): Promise<Deno.NetAddr> {
    if (this.#address) throw new Error("The tap is already started");
    if (this.#options.fallback) await this.#startFallback(this.#options.fallback);
    let listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
    try {
      listener = Deno.listen({
        hostname: this.#options.hostname ?? "0.0.0.0",
        port: this.#options.port ?? 8888,
        transport: "tcp",
      });
    } catch (error) {
      await this.#fallback?.simulator.close({ force: true });
      throw error;
    }
    this.#listener = listener;
    this.#address = listener.addr;
    this.#accepting = this.#acceptLoop(listener);
    this.emit("listening", listener.addr);
    return listener.addr;
  }

  /** The address listened on. */
  override get address(): Deno.NetAddr {
    if (!this.#address) throw new Error("The tap is not started");
    return this.#address;
  }

  /** Number of POS connections open now. */
  override get connections(): number {
    return this.#connections.size;
  }

  /**
   * Stops: no new connection; connections with no exchange in progress are closed, the
   * others end as the POS and the terminal end them (bounded by the idle time-out). With
   * `force`, every connection is closed at once.
   *
   * @param options `force`: close everything now.
   * @returns When every connection has ended.
   */
  override close(options: { force?: boolean } = {}): Promise<void> {
    if (options.force) {
      this.#stop.abort();
      for (const link of this.#connections.values()) link.abort("stopped");
    }
    if (this.#closed) return this.#closed;
    this.#closing = true;
    this.#closed = (async () => {
      try {
        this.#listener?.close();
      } catch { /* already closed */ }
      await this.#accepting;
      for (const link of this.#connections.values()) if (link.idle) link.abort("stopped");
      while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
      await this.#fallback?.simulator.close({ force: options.force ?? false });
      this.emit("close", null);
    })();
    return this.#closed;
  }

  async #acceptLoop(listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>): Promise<void> {
    const max = this.#options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (this.#closing || error instanceof Deno.errors.BadResource) return;
        this.emit("problem", { connectionId: 0, peer: "", error: error as Error, received: "" });
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const id = ++this.#connectionCount;
      let peer = "";
      try {
        peer = formatHostPort(conn.remoteAddr);
      } catch { /* gone already */ }
      if (this.#connections.size >= max) {
        try {
          conn.close();
        } catch { /* gone already */ }
        this.emit("overflow", { connectionId: id, peer, limit: max });
        continue;
      }
      const link = new Link(this.#host(), id, peer, conn);
      this.#connections.set(id, link);
      this.#track(
        link.run().catch((error) => {
          this.emit("problem", { connectionId: id, peer, error: error as Error, received: "" });
        }).finally(() => this.#connections.delete(id)),
      );
    }
  }

  #track<T>(task: Promise<T>): Promise<T> {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task)).catch(() => {});
    return task;
  }

  /** Starts the fallback simulator and relays its transactions as the tap's own. */
  async #startFallback(simulator: TerminalSimulator): Promise<void> {
    const links = new SlotMap<Link>();
    const ids = new Map<number, number>();
    this.#fallback = { simulator, links, ids };
    const copies = new SlotMap<Transaction>();
    const relay = (t: Transaction): Transaction | undefined => {
      const link = links.get(localPort(t.peer));
      if (!link) return undefined;
      let copy = copies.get(t.id);
      if (!copy) {
        copy = { ...t, id: ids.get(t.id) ?? this.#nextTransaction(), ...link.info };
        copies.set(t.id, copy);
      } else Object.assign(copy, { ...t, id: copy.id, ...link.info });
      return copy;
    };
    simulator.on("arrived", ({ detail }) => {
      const link = links.get(localPort(detail.peer));
      if (!link) return;
      const id = this.#nextTransaction();
      ids.set(detail.id, id);
      this.#arrived({ ...detail, id, ...link.info });
    });
    simulator.beforeAnswer(async (t) => {
      const copy = relay(t);
      if (!copy) return;
      this.emit("request", copy);
      for (const hook of [...this.#hooks]) await hook(copy);
    });
    const end = (t: Transaction, type: "answer" | "abandon") => {
      const copy = relay(t);
      copies.delete(t.id);
      ids.delete(t.id);
      if (copy) this.emit(type, copy);
    };
    simulator.on("answer", ({ detail }) => end(detail, "answer"));
    simulator.on("abandon", ({ detail }) => end(detail, "abandon"));
    simulator.on("problem", ({ detail }) => {
      const link = links.get(localPort(detail.peer));
      this.emit("problem", {
        ...detail,
        ...(link ? link.info : {}),
        received: this.masking ? maskFrame(detail.received) : detail.received,
      });
    });
    await simulator.start();
  }

  /** What the connections use of the tap. */
  #host(): LinkHost {
    // deno-lint-ignore no-this-alias
    const tap = this;
    return {
      get options() {
        return tap.#options;
      },
      get settings() {
        return tap.settings;
      },
      upstream: tap.upstream,
      get masking() {
        return tap.masking;
      },
      stopSignal: tap.#stop.signal,
      random: tap.#random,
      get fallback() {
        const fallback = tap.#fallback;
        return fallback
          ? { address: fallback.simulator.address, links: fallback.links }
          : undefined;
      },
      nextTransaction: () => tap.#nextTransaction(),
      problem: (problem) => tap.emit("problem", problem),
      arrived: (arrival) => tap.#arrived(arrival),
      wire: (event) => {
        tap.#announce(event);
        for (const listener of [...tap.#wire]) {
          try {
            listener(event);
          } catch { /* a listener's bug never reaches the pump */ }
        }
      },
      record: (transaction, state, extra) => tap.#record(transaction, state, extra),
    };
  }

  /**
   * The simulator's connection events, from the tap's own: the journal's listeners, the
   * log and the diagnosis (which reads the simulator's events) see the tap as a terminal.
   */
  #announce(event: ConnectionEvent): void {
    if (event.type === "connection") {
      this.#peers.set(event.connectionId, event.peer);
      if (this.listened("connection")) {
        const { type: _, ...info } = event;
        this.emit("connection", info);
      }
    } else if (event.type === "disconnect") {
      const peer = event.peer ?? this.#peers.get(event.connectionId) ?? "";
      this.#peers.delete(event.connectionId);
      if (this.listened("disconnect")) {
        const { type: _, phase, ...info } = event;
        this.emit("disconnect", { ...info, peer, phase: phase ?? "idle" });
      }
    } else if (event.type === "extra-bytes" && this.listened("extra-bytes")) {
      const { type: _, ...info } = event;
      this.emit("extra-bytes", { ...info, peer: this.#peers.get(event.connectionId) ?? "" });
    }
  }

  #nextTransaction(): number {
    return ++this.#transactionCount;
  }

  #arrived(arrival: Arrival): void {
    if (this.listened("arrived")) this.emit("arrived", arrival);
  }

  /** Records a transaction: `request`, the hooks (the journal), then its end. */
  #record(
    transaction: ForwardTransaction,
    state: TransactionState,
    extra: Partial<Transaction>,
  ): void {
    this.#track((async () => {
      this.emit("request", transaction);
      // The answer's findings, one line each: the POS's findings stay the plan's.
      for (const finding of transaction.answerFindings) {
        this.emit("problem", {
          connectionId: transaction.connectionId,
          peer: transaction.peer,
          error: new Error(
            `#${transaction.id} the terminal's answer does not conform: ${
              finding.message.replace(/^Answer: /, "")
            }`,
          ),
          received: "",
        });
      }
      for (const hook of [...this.#hooks]) {
        try {
          await hook(transaction);
        } catch (error) {
          transaction.error = error instanceof Error ? error.message : String(error);
        }
      }
      Object.assign(transaction, extra, { state });
      this.emit(state === "answered" ? "answer" : "abandon", transaction);
    })());
  }
}

/** What a connection uses of its tap. */
interface LinkHost {
  readonly options: ForwardOptions;
  readonly settings: Readonly<TerminalSettings>;
  readonly upstream: string;
  readonly masking: boolean;
  readonly stopSignal: AbortSignal;
  readonly random: Random;
  readonly fallback?: { address: Deno.NetAddr; links: SlotMap<Link> };
  nextTransaction(): number;
  problem(problem: ConnectionProblem): void;
  arrived(arrival: Arrival): void;
  wire(event: ConnectionEvent): void;
  record(
    transaction: ForwardTransaction,
    state: TransactionState,
    extra: Partial<Transaction>,
  ): void;
}

/** The port of a `host:port` peer. */
function localPort(peer: string): number {
  return Number(peer.slice(peer.lastIndexOf(":") + 1));
}

/** Why a link ended at once. */
type AbortReason = "stopped" | "idle" | "pos-reset" | "terminal-reset";

/** One POS connection and its connection to the terminal. */
class Link {
  readonly info: { connectionId: number; peer: string };
  readonly #tap: LinkHost;
  readonly #pos: Deno.TcpConn;
  #terminal?: Deno.TcpConn;
  #request: WireCopy;
  #answer: WireCopy;
  #transactionId?: number;
  #arrivedSent = false;
  #phase: ConnectionPhase = "idle";
  #firstEnd?: { by: "pos" | "terminal"; at: string; phase: ConnectionPhase };
  #idleTimer?: ReturnType<typeof setTimeout>;
  #quietTimer?: ReturnType<typeof setTimeout>;
  #closed = false;
  #aborted?: AbortReason;
  #lastTransaction?: number;
  /** With a fault upstream: the answer, held until it is whole. */
  readonly #faulty: boolean;
  #faultDone?: Promise<void>;
  #posWriteClosed = false;
  readonly #maxBytes: number;

  constructor(tap: LinkHost, id: number, peer: string, pos: Deno.TcpConn) {
    this.#tap = tap;
    this.info = { connectionId: id, peer };
    this.#pos = pos;
    this.#maxBytes = tap.options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#request = new WireCopy(this.#maxBytes);
    this.#answer = new WireCopy(this.#maxBytes);
    this.#faulty = tap.options.faultsUpstream === true &&
      activeFault(undefined, tap.settings.fault) !== undefined;
  }

  /** Whether no exchange is in progress. */
  get idle(): boolean {
    return this.#phase === "idle" || this.#phase === "answered";
  }

  async run(): Promise<void> {
    const tap = this.#tap;
    tap.wire({ type: "connection", ...this.info, at: new Date().toISOString() });
    try {
      this.#terminal = await this.#connect();
    } catch (error) {
      const why = (error as Error).message;
      tap.problem({
        ...this.info,
        error: new UpstreamError(
          `The terminal at ${tap.upstream} cannot be reached (${why}): the POS connection is closed`,
          { cause: error },
        ),
        received: "",
      });
      this.#end("terminal");
      this.#closeAll();
      this.#reportClosed();
      return;
    }
    const fallback = this.#usingFallback;
    if (fallback) {
      tap.problem({
        ...this.info,
        error: new UpstreamError(
          `The terminal at ${tap.upstream} cannot be reached: the simulator answers instead (--forward-fallback simulate)`,
        ),
        received: "",
      });
    }
    for (const conn of [this.#pos, this.#terminal]) {
      try {
        conn.setNoDelay(true);
      } catch { /* gone already: the pump says so */ }
    }
    this.#touch();
    if (tap.stopSignal.aborted) this.abort("stopped");
    await Promise.all([this.#pumpRequests(), this.#pumpAnswers()]);
    await this.#faultDone;
    this.#finishExchange();
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#quietTimer);
    this.#closeAll();
    if (fallback) tap.fallback?.links.delete(this.#fallbackPort);
    this.#reportClosed();
  }

  #usingFallback = false;
  #fallbackPort = 0;

  /** Connects to the terminal, or to the fallback simulator when it cannot be reached. */
  async #connect(): Promise<Deno.TcpConn> {
    const tap = this.#tap;
    const options = tap.options;
    const connect = options.connect ??
      ((u: { hostname: string; port: number }) =>
        Deno.connect({ hostname: u.hostname, port: u.port, transport: "tcp" }));
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    try {
      return await withTimeout(connect(options.upstream), timeoutMs, tap.stopSignal);
    } catch (error) {
      const fallback = tap.fallback;
      if (!fallback || tap.stopSignal.aborted) throw error;
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: fallback.address.port,
        transport: "tcp",
      });
      this.#usingFallback = true;
      this.#fallbackPort = conn.localAddr.port;
      fallback.links.set(this.#fallbackPort, this);
      return conn;
    }
  }

  /** POS to terminal: each segment written on at once; a copy to the request's decoder. */
  async #pumpRequests(): Promise<void> {
    const buffer = new Uint8Array(CHUNK_SIZE);
    const terminal = this.#terminal!;
    for (;;) {
      let n: number | null;
      try {
        n = await this.#pos.read(buffer);
      } catch {
        this.#end("pos");
        this.abort("pos-reset");
        return;
      }
      if (n === null) {
        this.#end("pos");
        try {
          await terminal.closeWrite();
        } catch { /* the terminal is gone: its pump says so */ }
        return;
      }
      const segment = buffer.subarray(0, n);
      this.#touch();
      this.#onRequestBytes(segment);
      try {
        await writeAll(terminal, segment);
      } catch {
        this.#end("terminal");
        this.abort("terminal-reset");
        return;
      }
    }
  }

  /** Terminal to POS: each segment written on at once (or held, with a fault). */
  async #pumpAnswers(): Promise<void> {
    const buffer = new Uint8Array(CHUNK_SIZE);
    const terminal = this.#terminal!;
    for (;;) {
      let n: number | null;
      try {
        n = await terminal.read(buffer);
      } catch {
        this.#end("terminal");
        if (this.#faulty) this.#deliverFault();
        else this.abort("terminal-reset");
        return;
      }
      if (n === null) {
        if (this.#faulty) {
          this.#deliverFault();
          await this.#faultDone;
        } else if (this.#answer.wholeAnswer) this.#finishExchange();
        this.#end("terminal");
        // no-answer upstream: the POS's connection stays open and silent until it gives up.
        if (!this.#holding) await this.#closePosWrite();
        this.#finishExchange();
        return;
      }
      const segment = buffer.subarray(0, n);
      this.#touch();
      this.#onAnswerBytes(segment);
      if (this.#faulty) continue;
      try {
        await writeAll(this.#pos, segment);
      } catch {
        this.#end("pos");
        this.abort("pos-reset");
        return;
      }
    }
  }

  async #closePosWrite(): Promise<void> {
    if (this.#posWriteClosed) return;
    this.#posWriteClosed = true;
    try {
      await this.#pos.closeWrite();
    } catch { /* the POS is gone */ }
  }

  #onRequestBytes(segment: Uint8Array): void {
    if (this.#usingFallback) return;
    // Bytes after an answer: the exchange is over, a new request begins.
    if (!this.#answer.empty) this.#finishExchange();
    this.#request.add(segment);
    if (this.#transactionId === undefined) this.#transactionId = this.#tap.nextTransaction();
    this.#phase = "reading";
    if (this.#request.wholeRequest) {
      this.#phase = "waiting";
      this.#sendArrived();
    }
  }

  #onAnswerBytes(segment: Uint8Array): void {
    if (this.#usingFallback) {
      this.#phase = "answering";
      return;
    }
    if (this.#transactionId === undefined) this.#transactionId = this.#tap.nextTransaction();
    this.#sendArrived();
    this.#answer.add(segment);
    this.#phase = "answering";
    clearTimeout(this.#quietTimer);
    if (this.#answer.wholeAnswer) {
      // An answer on a record boundary with its status: whole unless more comes soon.
      this.#quietTimer = setTimeout(() => {
        this.#quietTimer = undefined;
        if (this.#faulty) this.#deliverFault();
        else this.#finishExchange();
      }, this.#tap.options.quietMs ?? DEFAULT_QUIET_MS);
    }
  }

  #sendArrived(): void {
    if (this.#arrivedSent || this.#transactionId === undefined) return;
    this.#arrivedSent = true;
    const fields = this.#request.fields;
    this.#tap.arrived({
      id: this.#transactionId,
      ...this.info,
      at: new Date().toISOString(),
      fields: this.#tap.masking ? maskFields(fields) : [...fields],
    });
  }

  /** Records the exchange in progress, if any, and starts afresh. */
  #finishExchange(): void {
    clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    const id = this.#transactionId;
    if (id === undefined || this.#usingFallback) return;
    const request = this.#request, answer = this.#answer;
    this.#request = new WireCopy(this.#maxBytes);
    this.#answer = new WireCopy(this.#maxBytes);
    this.#transactionId = undefined;
    this.#arrivedSent = false;
    this.#lastTransaction = id;
    this.#phase = "answered";
    if (!request.empty && answer.empty && this.#looksLikeExtraBytes(request)) {
      this.#tap.wire({
        type: "extra-bytes",
        connectionId: this.info.connectionId,
        at: new Date(request.firstAt).toISOString(),
        bytes: this.#tap.masking ? maskDigits(request.text) : request.text,
      });
      return;
    }
    const tap = this.#tap;
    const transaction = forwardTransaction({
      id,
      ...this.info,
      upstream: tap.upstream,
      request,
      answer,
      mask: tap.masking,
    });
    if (answer.empty) {
      const gone = this.#aborted === "pos-reset" || this.#firstEnd?.by === "pos";
      tap.record(transaction, gone ? "client-gone" : "dropped", {
        sent: "",
        note: gone
          ? "the POS went away before the terminal answered"
          : this.#aborted === "stopped"
          ? "the tap was stopped before the terminal answered"
          : "the terminal ended the connection without an answer",
      });
    } else if (this.#aborted === "pos-reset") {
      tap.record(transaction, "client-gone", {
        note: "the POS went away while the answer was coming: it may not have read it whole",
      });
    } else {
      tap.record(transaction, "answered", { answeredAt: new Date(answer.lastAt).toISOString() });
    }
  }

  /** Bytes that make no request (an ACK and EOT after the answer...). */
  #looksLikeExtraBytes(request: WireCopy): boolean {
    return this.#lastTransaction !== undefined && request.fields.length === 0;
  }

  /** With a fault upstream: delivers the held answer as the fault says. */
  #deliverFault(): void {
    if (this.#faultDone) return;
    clearTimeout(this.#quietTimer);
    const tap = this.#tap;
    const spec = activeFault(undefined, tap.settings.fault);
    this.#faultDone = (async () => {
      const answer = this.#answer;
      const raw = answer.text;
      const delivery = planDelivery(spec, raw, tap.random);
      const id = this.#transactionId;
      const faultNote = { fault: spec, description: delivery.description };
      if (delivery.end === "hold") {
        this.#holding = true;
      } else {
        const result = await deliver(this.#pos, delivery, tap.stopSignal);
        if (delivery.end !== "normal") {
          this.#posWriteClosed = true;
          await endConnection(this.#pos, delivery.end);
          this.#closed = true;
          try {
            this.#terminal?.close();
          } catch { /* closed already */ }
        }
        if (id !== undefined) this.#faultSent = result.sent;
      }
      this.#faultNote = faultNote;
      this.#finishFaulty();
    })();
  }

  #faultSent?: string;
  #holding = false;
  #faultNote?: { fault: unknown; description: string };

  /** Records the exchange whose answer a fault changed. */
  #finishFaulty(): void {
    const id = this.#transactionId;
    if (id === undefined) return;
    const request = this.#request, answer = this.#answer;
    this.#transactionId = undefined;
    this.#lastTransaction = id;
    this.#request = new WireCopy(this.#maxBytes);
    this.#answer = new WireCopy(this.#maxBytes);
    const tap = this.#tap;
    const transaction = forwardTransaction({
      id,
      ...this.info,
      upstream: tap.upstream,
      request,
      answer,
      mask: tap.masking,
    });
    const sent = this.#faultSent ?? "";
    const masked = tap.masking ? maskFrame(sent) : sent;
    const asUsual = sent === answer.text;
    tap.record(transaction, asUsual ? "answered" : "dropped", {
      ...(asUsual ? { answeredAt: new Date().toISOString() } : { sent: masked }),
      note: `fault upstream: ${this.#faultNote?.description ?? ""}`,
    });
    this.#phase = this.#holding ? "held" : "answered";
  }

  /** Closes both connections at once. */
  abort(reason: AbortReason): void {
    this.#aborted ??= reason;
    if (reason === "stopped" || reason === "idle") this.#end("terminal");
    this.#closeAll();
  }

  #closeAll(): void {
    if (this.#closed) {
      try {
        this.#terminal?.close();
      } catch { /* closed already */ }
      return;
    }
    this.#closed = true;
    for (const conn of [this.#pos, this.#terminal]) {
      try {
        conn?.close();
      } catch { /* closed already */ }
    }
  }

  /** Notes who ended the connection first. */
  #end(by: "pos" | "terminal"): void {
    this.#firstEnd ??= { by, at: new Date().toISOString(), phase: this.#phase };
  }

  #reportClosed(): void {
    const end = this.#firstEnd ?? {
      by: "terminal" as const,
      at: new Date().toISOString(),
      phase: this.#phase,
    };
    const id = this.#lastTransaction;
    const event: ConnectionClosed = {
      type: "disconnect",
      ...this.info,
      at: end.at,
      by: end.by,
      phase: end.phase,
      ...(id !== undefined ? { transactionId: id } : {}),
    };
    this.#tap.wire(event);
    if (this.#aborted === "idle") {
      this.#tap.problem({
        ...this.info,
        error: Object.assign(
          new Error(
            `Idle for ${
              (this.#idleMs / 1000).toString()
            } s: the POS and the terminal connections are closed`,
          ),
          { name: "TimeoutError" },
        ),
        received: "",
      });
    }
  }

  get #idleMs(): number {
    return this.#tap.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Restarts the idle timer: no byte either way for that long closes both connections. */
  #touch(): void {
    clearTimeout(this.#idleTimer);
    if (this.#closed) return;
    this.#idleTimer = setTimeout(() => this.abort("idle"), this.#idleMs);
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** A promise, or a `TimeoutError` after `ms`; a connection made too late is closed. */
function withTimeout(
  connecting: Promise<Deno.TcpConn>,
  ms: number,
  signal: AbortSignal,
): Promise<Deno.TcpConn> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      if (done) return;
      finish();
      reject(new Error("the tap is stopping"));
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(new Error(`no connection after ${ms / 1000} s`));
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
    connecting.then((conn) => {
      if (done) {
        try {
          conn.close();
        } catch { /* closed already */ }
        return;
      }
      finish();
      resolve(conn);
    }, (error) => {
      if (done) return;
      finish();
      reject(error);
    });
  });
}
