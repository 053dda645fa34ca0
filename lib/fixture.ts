/**
 * The simulated terminal as a test fixture: one call starts a {@linkcode TerminalSimulator}
 * on a free port of 127.0.0.1 that answers at once, and the result closes itself with
 * `await using`. It is the simulator itself (a subclass that adds where to connect), with
 * its control layer ({@linkcode TerminalControl}) at hand: queue outcomes for every
 * register or for one, hold transactions and decide them, read the journal, reset.
 *
 * @module
 */

import { VERSION } from "./cli.ts";
import { assembleDecision, completeTerminal, type TerminalConfig } from "./terminal/assemble.ts";
import type { TerminalControl } from "./terminal/control.ts";
import type { Scenario } from "./terminal/scenario.ts";
import type { Campaign } from "./diagnosis/campaign.ts";
import type { DiagnosisFinding } from "./diagnosis/finding.ts";
import type { PosWatch, PosWatchOptions } from "./terminal/watch.ts";
import { type SimulatorOptions, TerminalSimulator } from "./terminal/simulator.ts";

/** Where a POS connects to reach a terminal: pass it (or spread it) as connection options. */
export interface Endpoint {
  /** Address to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
}

/** Options of a {@linkcode TestTerminal}: the simulator's, and what its control starts with. */
export interface TestTerminalOptions extends SimulatorOptions {
  /** The scenario whose rules decide. Default: none. */
  scenario?: Scenario;
  /** Whether the magic amount rules apply. Default: as the scenario says. */
  magicAmounts?: boolean;
  /** Start in hold mode: transactions wait for `control.decideHeld()`. Default: off. */
  hold?: boolean;
  /** How many transactions the journal keeps in memory. Default 1000. */
  journalCapacity?: number;
  /**
   * Run a campaign: each register's Nth debit or credit gets the Nth case (before the
   * queues and the scenario's rules); see `STANDARD_CAMPAIGN`.
   */
  campaign?: Campaign;
  /**
   * The diagnosis's windows and limits, or `false` for none. Default: on, with the
   * defaults (the input time-out and the time scale are the terminal's).
   */
  diagnosis?: Omit<PosWatchOptions, "campaign"> | false;
}

/**
 * A {@linkcode TerminalSimulator} that also says where to connect, with its control
 * layer in {@linkcode TestTerminal.control}. Made by {@linkcode startTerminal};
 * `await using` closes it at the end of the scope, dropping answers still in flight.
 *
 * The decision goes through a {@linkcode RuleEngine} (queued outcomes, the scenario's
 * rules, the magic amounts, hold mode, then the settings). With the `decide` option, that
 * function decides instead, and the control's queues and hold mode do nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startTerminal } from "./fixture.ts";
 * await using terminal = await startTerminal();
 * assert.ok(terminal.port > 0);
 * assert.deepEqual(terminal.endpoint, { host: "127.0.0.1", port: terminal.port });
 * ```
 */
export class TestTerminal extends TerminalSimulator {
  /** Drives this terminal: settings, queues, hold mode, journal, reset. */
  readonly control: TerminalControl;
  /** The watch on the POS: findings, the campaign, the report; none with `diagnosis: false`. */
  readonly watch?: PosWatch;

  /**
   * Makes the terminal; {@linkcode TerminalSimulator.start} starts it.
   *
   * @param options The simulator's options, and what the control starts with.
   */
  constructor(options: TestTerminalOptions = {}) {
    // Assembled as server.ts assembles it: what decides first, then the simulator.
    const config: TerminalConfig = {
      simulator: options,
      settings: options.settings,
      // A test's settings are the ones in force: a scenario gives only its rules.
      givenSettings: "all",
      scenario: options.scenario,
      magicAmounts: options.magicAmounts,
      hold: options.hold,
      ...(options.decide ? { decide: options.decide } : {}),
      journal: { capacity: options.journalCapacity },
      control: { version: VERSION },
      ...(options.diagnosis === false ? {} : {
        diagnosis: {
          ...options.diagnosis,
          ...(options.campaign ? { campaign: options.campaign } : {}),
          tool: `caisse-ap ${VERSION}`,
        },
      }),
    };
    const decision = assembleDecision(config);
    super({
      ...(decision.holdMs !== undefined ? { holdMs: decision.holdMs } : {}),
      ...options,
      settings: decision.settingsFor(options.scenario),
      decide: decision.decide,
    });
    this.control = completeTerminal(this, decision, config).control!;
    if (decision.watch) this.watch = decision.watch;
  }

  /**
   * What the diagnosis found about the POS so far, worst first: assert that a POS test
   * suite leaves no `money` finding, for example.
   *
   * @returns The findings (none with `diagnosis: false`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { pay, startTerminal } from "../mod.ts";
   * await using terminal = await startTerminal();
   * await pay({ amount: 1250 }, terminal.endpoint);
   * assert.equal(terminal.findings().filter((f) => f.severity === "money").length, 0);
   * ```
   */
  findings(): DiagnosisFinding[] {
    return this.watch?.findings() ?? [];
  }

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

  /**
   * Stops, as {@linkcode TerminalSimulator.close}; the transactions held are answered
   * first, as input time-outs (AF=08).
   *
   * @param options `force`: do not wait for answers in flight.
   * @returns When every connection has ended.
   */
  override async close(options: { force?: boolean } = {}): Promise<void> {
    this.control.close();
    await super.close(options);
    this.watch?.close();
  }
}

/**
 * Starts a simulated terminal for a test: on 127.0.0.1, on a port the system picks, with
 * no delay before the answers. Every other option and setting is the simulator's, and
 * any of these defaults can be overridden.
 *
 * @param options The simulator's options (see {@linkcode SimulatorOptions}); `hostname`
 * defaults to `"127.0.0.1"`, `port` to `0` and `settings.delayMs` to `0`; and what its
 * control starts with (see {@linkcode TestTerminalOptions}).
 * @returns The started terminal; close it with `await using` or `close()`.
 * @throws {Deno.errors.AddrInUse} When a fixed `port` is taken.
 *
 * @example An approved payment and a refused one
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, startTerminal } from "../mod.ts";
 *
 * await using terminal = await startTerminal();
 * const approved = await pay({ amount: 1250 }, terminal.endpoint);
 * assert.equal(approved.answer.approved, true);
 *
 * terminal.update({ failure: true, failureType: "refused" });
 * const refused = await pay({ amount: 1250 }, terminal.endpoint);
 * assert.equal(refused.answer.reason, "refused");
 * ```
 *
 * @example Hold mode: the payment waits until the test decides it
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, startTerminal } from "../mod.ts";
 *
 * await using terminal = await startTerminal({ hold: true });
 * const payment = pay({ amount: 1250 }, terminal.endpoint);
 * const held = await terminal.control.nextHeld();
 * assert.equal(held.request.amount, 1250);
 * terminal.control.decideHeldWith(held.id, "refuse");
 * assert.equal((await payment).answer.reason, "refused");
 * ```
 */
export async function startTerminal(options: TestTerminalOptions = {}): Promise<TestTerminal> {
  const terminal = new TestTerminal({
    ...options,
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    settings: { delayMs: 0, ...options.settings },
  });
  await terminal.start();
  return terminal;
}
