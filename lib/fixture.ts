/**
 * The simulated terminal as a test fixture: one call starts a {@linkcode TerminalSimulator}
 * on a free port of 127.0.0.1 that answers at once, and the result closes itself with
 * `await using`. It is the simulator itself (a subclass that only adds where to connect),
 * so everything the simulator can do, the fixture can do.
 *
 * @module
 */

import { type SimulatorOptions, TerminalSimulator } from "./terminal/simulator.ts";

/** Where a POS connects to reach a terminal: pass it (or spread it) as connection options. */
export interface Endpoint {
  /** Address to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
}

/**
 * A started {@linkcode TerminalSimulator} that also says where to connect. Made by
 * {@linkcode startTerminal}; `await using` closes it at the end of the scope, dropping
 * answers still in flight.
 *
 * @example
 * ```ts
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * console.log(terminal.port > 0); // true
 * ```
 */
export class TestTerminal extends TerminalSimulator {
  /**
   * The address a POS should connect to: the one listened on, or the loopback address
   * when the terminal listens on every interface (`0.0.0.0`, `::`).
   */
  get host(): string {
    const { hostname } = this.address;
    if (hostname === "0.0.0.0") return "127.0.0.1";
    if (hostname === "::") return "::1";
    return hostname;
  }

  /** The port listened on (the one the system picked for port 0). */
  get port(): number {
    return this.address.port;
  }

  /**
   * Where to connect, ready for the POS functions: `pay(request, terminal.endpoint)`, or
   * `{ ...terminal.endpoint, timeoutMs: 500 }` to add options.
   */
  get endpoint(): Endpoint {
    return { host: this.host, port: this.port };
  }
}

/**
 * Starts a simulated terminal for a test: on 127.0.0.1, on a port the system picks, with
 * no delay before the answers. Every other option and setting is the simulator's, and
 * any of these defaults can be overridden.
 *
 * @param options The simulator's options (see {@linkcode SimulatorOptions}); `hostname`
 * defaults to `"127.0.0.1"`, `port` to `0` and `settings.delayMs` to `0`.
 * @returns The started terminal; close it with `await using` or `close()`.
 * @throws {Deno.errors.AddrInUse} When a fixed `port` is taken.
 *
 * @example An approved payment and a refused one
 * ```ts
 * import { pay, startTerminal } from "../mod.ts";
 *
 * await using terminal = await startTerminal();
 * const approved = await pay({ amount: 1250 }, terminal.endpoint);
 * console.log(approved.answer.approved); // true
 *
 * terminal.update({ failure: true, failureType: "refused" });
 * const refused = await pay({ amount: 1250 }, terminal.endpoint);
 * console.log(refused.answer.reason); // "refused"
 * ```
 */
export async function startTerminal(options: SimulatorOptions = {}): Promise<TestTerminal> {
  const terminal = new TestTerminal({
    ...options,
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    settings: { delayMs: 0, ...options.settings },
  });
  await terminal.start();
  return terminal;
}
