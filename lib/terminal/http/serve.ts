/**
 * The control API and the dashboard on a socket: `Deno.serve` around the handler of
 * `routes.ts`. Listens on 127.0.0.1 by default; any other address needs a token.
 *
 * @module
 */

import { formatHostPort } from "../../net.ts";
import type { TerminalControl } from "../control.ts";
import { checkToken, isLoopback, makeAccessPolicy } from "./auth.ts";
import type { EventHubOptions } from "./events.ts";
import { type ControlHandler, createControlHandler } from "./routes.ts";

/** Options of {@linkcode startControlServer}. */
export interface ControlServerOptions {
  /** Address to listen on. Default `"127.0.0.1"`; another than loopback needs `token`. */
  hostname?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** The token every request must carry (`Authorization: Bearer`); default: none. */
  token?: string;
  /** Limits of the event streams. */
  events?: EventHubOptions;
  /** Told about each request answered: for a log. */
  onRequest?: (request: Request, response: Response) => void;
  /** Told about an unexpected error (a bug), which was answered 500. */
  onError?: (error: unknown, request: Request) => void;
}

/** A running control API server. */
export interface ControlServer {
  /** The address listened on (with the port picked for port 0). */
  readonly address: Deno.NetAddr;
  /** The dashboard's address, such as `http://127.0.0.1:8080/`. */
  readonly url: string;
  /** The handler, to call without the socket. */
  readonly handler: ControlHandler;
  /**
   * Stops: ends the event streams, stops listening, waits for the requests in progress.
   *
   * @returns When stopped.
   */
  close(): Promise<void>;
  /** Stops (`await using`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the control API and the dashboard of a terminal.
 *
 * @param control The terminal's control layer.
 * @param options Where to listen, the token, limits, and what to tell.
 * @returns The running server.
 * @throws {TypeError} When the address is not loopback and no token is given.
 * @throws {RangeError} When the token is unfit (see `checkToken`).
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 *
 * @example The dashboard of a test terminal, on a free port of 127.0.0.1
 * ```ts
 * import assert from "node:assert/strict";
 * import { startTerminal } from "../../fixture.ts";
 * import { startControlServer } from "./serve.ts";
 *
 * await using terminal = await startTerminal();
 * await using server = startControlServer(terminal.control);
 * const response = await fetch(new URL("/api/status", server.url));
 * assert.equal((await response.json()).settings.hold, false);
 * ```
 */
export function startControlServer(
  control: TerminalControl,
  options: ControlServerOptions = {},
): ControlServer {
  const hostname = options.hostname ?? "127.0.0.1";
  if (options.token === undefined && !isLoopback(hostname)) {
    throw new TypeError(
      `Listening on "${hostname}" opens the control API to the network: give a token too`,
    );
  }
  if (options.token !== undefined) {
    const problem = checkToken(options.token);
    if (problem) throw new RangeError(problem);
  }
  // Made once the port is known (the session cookie is named after it), before any request.
  const slot: { handler?: ControlHandler } = {};
  const server = Deno.serve({
    hostname,
    port: options.port ?? 0,
    onListen: () => {},
    onError: (error) => {
      options.onError?.(error, new Request("http://invalid/"));
      return new Response(null, { status: 500 });
    },
  }, async (request) => {
    const response = await slot.handler!(request);
    options.onRequest?.(request, response);
    return response;
  });
  const address = server.addr;
  const handler = createControlHandler(control, {
    access: makeAccessPolicy(options.token, address.port),
    events: options.events,
    onError: options.onError,
  });
  slot.handler = handler;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      handler.events.close();
      await server.shutdown();
    })();
    return closed;
  };
  return {
    address,
    url: `http://${formatHostPort(address)}/`,
    handler,
    close,
    [Symbol.asyncDispose]: close,
  };
}
