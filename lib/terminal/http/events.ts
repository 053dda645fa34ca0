/**
 * The live event stream of the control API (Server-Sent Events): each client first gets
 * a `snapshot` (status, held transactions, queues, the last transactions of the journal),
 * then every event of the control layer as it happens. The streams listen to the
 * control's events; they never read another module's state but through its public
 * methods.
 *
 * | event | data |
 * | --- | --- |
 * | `snapshot` | `{ status, held, queue, journal }`, first on every stream |
 * | `arrived` | a request arrived and is being decided |
 * | `held` | a transaction held, waiting for a decision |
 * | `released` | a held transaction decided, timed out or withdrawn: `{ id, note, outcome? }` |
 * | `decided` | a transaction decided, its answer pending (a journal entry, with a summary) |
 * | `answered` | a transaction answered |
 * | `abandoned` | a transaction ended without its answer (POS gone, stopped, journal failed) |
 * | `settings` | the settings after a change |
 * | `queue` | the queues after a change |
 * | `journal` | the journal's memory was cleared: `{ cleared }` |
 * | `reset` | the status after a reset |
 * | `scenario` | a scenario was put in force: `{ file, description, rules }` |
 *
 * @module
 */

import type { ControlEventMap, TerminalControl } from "../control.ts";
import { ApiError, SECURITY_HEADERS } from "./responses.ts";
import { watchOf } from "../watch.ts";
import {
  arrivalView,
  heldView,
  queueView,
  releaseView,
  settingsView,
  statusView,
  transactionView,
} from "./views.ts";

/**
 * One Server-Sent Event, as written on the stream: its name and its data as one line of
 * JSON.
 *
 * @param name The event's name.
 * @param data Its data.
 * @returns The text, ending with the blank line that ends an event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEvent } from "./events.ts";
 * assert.equal(formatEvent("journal", { cleared: 2 }), 'event: journal\ndata: {"cleared":2}\n\n');
 * ```
 */
export function formatEvent(name: string, data: unknown): string {
  // JSON.stringify escapes line ends inside strings: the data is always one line.
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** How the control's events are shown on the stream. */
const VIEWS: { [K in keyof ControlEventMap]: (detail: ControlEventMap[K]["detail"]) => unknown } = {
  arrived: arrivalView,
  held: (held) => heldView(held),
  released: releaseView,
  decided: transactionView,
  answered: transactionView,
  abandoned: transactionView,
  settings: settingsView,
  queue: queueView,
  journal: (detail) => detail,
  reset: statusView,
  scenario: (detail) => detail,
};

/** Options of an {@linkcode EventHub}. */
export interface EventHubOptions {
  /** Most streams open at once; one more gets 503. Default 16. */
  maxClients?: number;
  /** Time between two keep-alive comments, in milliseconds. Default 15 s. */
  heartbeatMs?: number;
  /** How many of the last transactions the snapshot holds. Default 100. */
  snapshotSize?: number;
  /** Events a client may leave unread before its stream is closed. Default 1000. */
  maxBacklog?: number;
}

interface Client {
  end(): void;
}

/**
 * The event streams of one control: open one per client, close them all when stopping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventHub } from "./events.ts";
 * import { startTerminal } from "../../fixture.ts";
 *
 * await using terminal = await startTerminal();
 * const hub = new EventHub(terminal.control);
 * const response = hub.open(); // in a server: the answer to GET /api/events
 * const stream = response.body!.pipeThrough(new TextDecoderStream()).getReader();
 * assert.equal((await stream.read()).value, "retry: 2000\n\n");
 * assert.match((await stream.read()).value ?? "", /^event: snapshot\n/);
 * hub.close(); // the server stops: every stream ends
 * assert.equal(hub.clients, 0);
 * await stream.cancel();
 * ```
 */
export class EventHub {
  readonly #control: TerminalControl;
  readonly #maxClients: number;
  readonly #heartbeatMs: number;
  readonly #snapshotSize: number;
  readonly #maxBacklog: number;
  readonly #clients = new Set<Client>();
  #closed = false;

  /**
   * Makes the hub.
   *
   * @param control The control whose events are streamed.
   * @param options Limits and the keep-alive period.
   */
  constructor(control: TerminalControl, options: EventHubOptions = {}) {
    this.#control = control;
    this.#maxClients = options.maxClients ?? 16;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#snapshotSize = options.snapshotSize ?? 100;
    this.#maxBacklog = options.maxBacklog ?? 1000;
  }

  /** Number of streams open. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Opens a stream for one client: the response to send it.
   *
   * @returns The response, `text/event-stream`.
   * @throws {ApiError} 503 when too many streams are open or the hub is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { EventHub } from "./events.ts";
   * import { startTerminal } from "../../fixture.ts";
   *
   * await using terminal = await startTerminal();
   * const hub = new EventHub(terminal.control);
   * const response = hub.open();
   * assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
   * assert.equal(hub.clients, 1);
   * await response.body?.cancel(); // the client went away
   * assert.equal(hub.clients, 0);
   * ```
   */
  open(): Response {
    if (this.#closed) throw new ApiError(503, "The server is stopping");
    if (this.#clients.size >= this.#maxClients) {
      throw new ApiError(
        503,
        `Too many event streams open (${this.#maxClients}): close one and retry`,
      );
    }
    const control = this.#control;
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const unsubscribe: (() => void)[] = [];
        let ended = false;
        const client: Client = {
          end: () => {
            if (ended) return;
            cleanup();
            try {
              controller.close();
            } catch { /* already closed or cancelled */ }
          },
        };
        const write = (text: string) => {
          // A client that reads nothing gets its stream closed rather than memory.
          if ((controller.desiredSize ?? 0) < -this.#maxBacklog) {
            client.end();
            return;
          }
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            // The stream is gone without a cancel: stop listening. An error here would be
            // thrown in the control's event dispatch.
            cleanup();
          }
        };
        for (const type of Object.keys(VIEWS) as (keyof ControlEventMap)[]) {
          const view = VIEWS[type] as (detail: unknown) => unknown;
          // Never throws: a view's error is written to the stream as a comment.
          const listener = (event: CustomEvent<unknown>) => {
            let text: string;
            try {
              text = formatEvent(type, view(event.detail));
            } catch (error) {
              text = `: the ${type} event could not be shown (${(error as Error)?.message})\n\n`;
            }
            write(text);
          };
          unsubscribe.push(control.on(type, listener));
        }
        // The diagnosis: each new or changed finding, and the campaign's moves.
        const watch = watchOf(control);
        if (watch) {
          unsubscribe.push(
            watch.on("finding", ({ detail }) => write(formatEvent("findings", detail))),
            watch.on("campaign", ({ detail }) => write(formatEvent("campaign", detail))),
          );
        }
        const heartbeat = setInterval(() => write(": keep-alive\n\n"), this.#heartbeatMs);
        cleanup = () => {
          ended = true;
          clearInterval(heartbeat);
          for (const stop of unsubscribe.splice(0)) stop();
          this.#clients.delete(client);
        };
        this.#clients.add(client);
        write("retry: 2000\n\n");
        write(formatEvent("snapshot", this.#snapshot()));
      },
      cancel: () => cleanup(),
    });
    return new Response(stream, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "x-accel-buffering": "no",
      },
    });
  }

  /**
   * Ends every stream (clients see the end of the response) and refuses new ones.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { EventHub } from "./events.ts";
   * import { ApiError } from "./responses.ts";
   * import { startTerminal } from "../../fixture.ts";
   *
   * await using terminal = await startTerminal();
   * const hub = new EventHub(terminal.control);
   * hub.close();
   * assert.throws(() => hub.open(), (e) => e instanceof ApiError && e.status === 503);
   * ```
   */
  close(): void {
    this.#closed = true;
    for (const client of [...this.#clients]) client.end();
  }

  #snapshot() {
    const control = this.#control;
    const now = Date.now();
    return {
      status: statusView(control.status()),
      held: control.held.map((held) => heldView(held, now)),
      queue: queueView(control.queue),
      journal: control.journal.list().slice(-this.#snapshotSize).map(transactionView),
    };
  }
}
