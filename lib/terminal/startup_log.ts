/**
 * What the server logs once it listens: the mode, and one line for each choice that
 * changes how it answers (scenario, magic amounts, interactive and hold modes, seed, time
 * scale, journal, default fault, strict mode, concurrency).
 *
 * @module
 */

import type { TerminalSettings } from "./behaviour.ts";
import { describeFault } from "./fault.ts";
import { formatMs } from "../framing.ts";
import type { SimulatorLogger } from "./log.ts";
import type { Concurrency } from "./simulator.ts";

/** What {@linkcode logStart} reports. */
export interface StartFacts {
  /** The version of caisse-ap. */
  version: string;
  /** The settings in force. */
  settings: Readonly<TerminalSettings>;
  /** The scenario: its file, its number of rules, and the settings the command line overrides. */
  scenario?: { file: string; rules: number; overridden: readonly string[] };
  /** Whether the magic amounts apply. */
  magicAmounts: boolean;
  /** Whether a person at the keyboard decides. */
  interactive: boolean;
  /** The control API's address, and whether it needs a token. */
  http?: { url: string; token: boolean };
  /** Whether hold mode is on. */
  hold: boolean;
  /** The seed, if any. */
  seed?: number;
  /** The time scale. */
  timeScale: number;
  /** The journal file and its run, if any. */
  journal?: { file: string; run: string };
  /** How overlapping transactions are served. */
  concurrency: Concurrency;
  /**
   * The diagnosis, when on: the campaign (name and cases), the report file, `--fail-on`
   * and the campaign time-out.
   */
  diagnosis?: {
    campaign?: { name: string; cases: number };
    report?: string;
    failOn?: string;
    campaignTimeoutMs?: number;
  };
  /** Forward mode, when on. */
  forward?: ForwardFacts;
}

/** What {@linkcode logStart} reports of forward mode. */
export interface ForwardFacts {
  /** The real terminal, `host:port`. */
  upstream: string;
  /** Whether card numbers are masked. */
  mask: boolean;
  /** Whether the simulator answers when the terminal cannot be reached. */
  fallback: boolean;
  /** Whether the default fault applies to the terminal's answers. */
  faultsUpstream: boolean;
  /** The recording, if any. */
  record?: string;
}

/**
 * Logs the start of the terminal at info level.
 *
 * @param logger Where to log.
 * @param facts What to report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logStart } from "./startup_log.ts";
 * import { DEFAULT_SETTINGS } from "./behaviour.ts";
 * const lines: string[] = [];
 * const logger = { debug() {}, warn() {}, error() {}, info: (m: string) => lines.push(m) };
 * logStart(logger, {
 *   version: "0.1.0",
 *   settings: DEFAULT_SETTINGS,
 *   magicAmounts: false,
 *   interactive: false,
 *   hold: false,
 *   timeScale: 1,
 *   concurrency: "parallel",
 * });
 * assert.equal(lines.length, 1);
 * ```
 */
export function logStart(logger: SimulatorLogger, facts: StartFacts): void {
  const s = facts.settings;
  if (facts.forward) logForwardStart(logger, facts.version, facts.forward);
  else {
    logger.info(
      "Terminal simulator {version}: {mode}, answers after {delay} s, {card}, contract {contract}",
      {
        version: facts.version,
        mode: s.failure ? `failure mode (${s.failureType})` : "success mode",
        delay: s.delayMs / 1000,
        card: s.paymentType,
        contract: s.merchantContract,
      },
    );
  }
  if (facts.scenario) {
    const { file, rules, overridden } = facts.scenario;
    logger.info("Scenario {file}: {rules} rules", { file, rules });
    if (overridden.length > 0) {
      logger.info("The command line wins over the scenario's {settings}", {
        settings: overridden.join(", "),
      });
    }
  }
  if (facts.magicAmounts) {
    logger.info("Magic amounts on: the amount's last two digits decide", {});
  }
  if (facts.interactive) {
    logger.info("Interactive mode: each payment waits for a key at this terminal", {});
  }
  if (facts.http) {
    logger.info("Control API and dashboard on {url}{auth}", {
      url: facts.http.url,
      auth: facts.http.token
        ? " (every request needs the token: a browser opens /?token=TOKEN once)"
        : "",
    });
  }
  if (facts.hold) {
    logger.info("Hold mode: each payment waits for a decision on the dashboard or the API", {});
  }
  if (facts.seed !== undefined) logger.info("Seed {seed}", { seed: facts.seed });
  if (facts.timeScale !== 1) {
    logger.info("Time scale {scale}: every delay and the input time-out are multiplied", {
      scale: facts.timeScale,
    });
  }
  if (facts.journal) logger.info("Journal {file} (run {run})", { ...facts.journal });
  if (s.fault && s.fault.kind !== "none" && !facts.forward) {
    logger.info("Fault by default: {fault}, for payments whose outcome names none", {
      fault: describeFault(s.fault),
    });
  }
  if (s.strict) logger.info("Strict: a request with any finding is answered AF=09", {});
  if (facts.concurrency !== "parallel") {
    logger.info("Concurrency {mode}: one transaction at a time{rest}", {
      mode: facts.concurrency,
      rest: facts.concurrency === "queue"
        ? ", the others wait for their turn"
        : ", the others are answered busy (AE=01 AF=07)",
    });
  }
  const d = facts.diagnosis;
  if (d?.campaign) {
    logger.info(
      "Campaign {name}: {cases} cases, the Nth debit or credit of a register gets the Nth",
      {
        ...d.campaign,
      },
    );
  }
  if (d?.report) logger.info("Report {file} written when the server stops", { file: d.report });
  if (d?.failOn) {
    logger.info("Exit code 1 on a finding at {severity} or worse{end}", {
      severity: d.failOn,
      end: d.campaignTimeoutMs === undefined
        ? ""
        : `; the server stops when the campaign is over, or with code 4 after ${
          formatMs(d.campaignTimeoutMs)
        }`,
    });
  }
}

/** Forward mode's start: where the bytes go, what is masked, what may change them. */
function logForwardStart(logger: SimulatorLogger, version: string, forward: ForwardFacts): void {
  logger.info(
    "Tap {version}: forward mode, every byte goes to the terminal at {upstream} and back unchanged; {fallback}",
    {
      version,
      upstream: forward.upstream,
      fallback: forward.fallback
        ? "when it cannot be reached, the simulator answers (--forward-fallback simulate)"
        : "when it cannot be reached, the POS connection is closed",
    },
  );
  if (forward.mask) {
    logger.info(
      "Card numbers are masked (first 6 and last 4 digits) in the log, the journal, the API and the recording",
      {},
    );
  } else {
    logger.warn(
      "--no-mask: full card numbers may be written to the log, the journal, the API and the recording; keep them safe, and do not use it in a shop",
      {},
    );
  }
  if (forward.faultsUpstream) {
    logger.warn(
      "--allow-faults-upstream: the fault changes the real terminal's answers; real payments may be affected (use a test terminal and test cards)",
      {},
    );
  }
  if (forward.record) {
    logger.info("Recording the terminal as a scenario in {file}", { file: forward.record });
  }
}
