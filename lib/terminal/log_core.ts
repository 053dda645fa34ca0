/**
 * The simulator's log: listens to a {@linkcode TerminalSimulator}'s events and writes each
 * exchange through LogTape: the peer, the raw request, a table of its records with their
 * names, the decision, why and what decided it (which rule), the raw answer, and what a
 * fault did with it; connections refused or closed for a limit. Wire data is escaped
 * before it is logged.
 *
 * The logger is given (`log.ts` gives LogTape's by default): `server.ts` logs into a
 * buffer until LogTape is loaded, after it listens.
 *
 * @module
 */

import { formatHostPort } from "../net.ts";
import { formatMs } from "../framing.ts";
import { tagName, valueMeaning } from "../tags.ts";
import { escapeText, type Field } from "../tlv.ts";
import type { Plan } from "./behaviour.ts";
import { describeFault, FAULTS } from "./fault.ts";
import { describeRule } from "./rules.ts";
import type { TerminalControl } from "./control.ts";
import { describeOutcome } from "./outcome.ts";
import type { TerminalSimulator, Transaction } from "./simulator.ts";
import type { PosWatch } from "./watch.ts";

/**
 * Formats records as an aligned table, one line per record, with the tag's name and the
 * meaning of coded values.
 *
 * @param fields The records.
 * @returns The lines, indented by two spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./log.ts";
 * assert.deepEqual(formatTable([{ tag: "AF", value: "04" }]), [
 *   "  AF  status complement          04  (refused)",
 * ]);
 * ```
 */
export function formatTable(fields: readonly Field[]): string[] {
  return fields.map(({ tag, value }) => {
    const meaning = valueMeaning(tag, value);
    return `  ${tag}  ${tagName(tag).padEnd(25)}  ${escapeText(value)}${
      meaning ? `  (${meaning})` : ""
    }`;
  });
}

/** Where {@linkcode logSimulator} writes: a LogTape logger, or anything shaped like one. */
export interface SimulatorLogger {
  /**
   * Logs a detail.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  debug(message: string, properties: Record<string, unknown>): void;
  /**
   * Logs an event.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  info(message: string, properties: Record<string, unknown>): void;
  /**
   * Logs something that went wrong.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  warn(message: string, properties: Record<string, unknown>): void;
  /**
   * Logs a failure.
   *
   * @param message A message template, with `{name}` placeholders.
   * @param properties The values of the placeholders, and more data.
   */
  error(message: string, properties: Record<string, unknown>): void;
  /**
   * Whether a level is written at all; when it is not, the log skips preparing the
   * message (LogTape's loggers have it). Default: every level is.
   *
   * @param level The level.
   * @returns Whether records of that level are written.
   */
  isEnabledFor?(level: "debug" | "info" | "warning" | "error"): boolean;
}

/**
 * Says what decided a plan, as the decision's log line ends: `, by rule 2 "refunds"
 * (s.yaml:9)`, `, no rule matched`, or nothing when the settings decided and no rule was
 * consulted.
 *
 * @param plan The plan.
 * @returns The words, starting with a comma, or `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeDecider } from "./log.ts";
 * const by = describeDecider({
 *   outcome: "declined", answer: [], delayMs: 0, reason: "refused (AF=04)", findings: [],
 *   decidedBy: { source: "rule", rule: { position: 1, origin: "scenario", name: "big" } },
 * });
 * assert.equal(by, ', by rule 1 "big"');
 * ```
 */
export function describeDecider(plan: Plan): string {
  const by = plan.decidedBy;
  switch (by?.source) {
    case "rule":
      return by.rule ? `, by ${describeRule(by.rule)}` : ", by a rule";
    case "queue":
      return `, by a queued outcome${by.note ? ` (${by.note})` : ""}`;
    case "operator":
      return `, by the operator${by.note ? ` (${by.note})` : ""}`;
    case "campaign":
      return `, by the campaign${by.note ? ` (${by.note})` : ""}`;
    default:
      return plan.notMatched && plan.notMatched.length > 0
        ? `, no rule matched (${plan.notMatched.length} consulted)`
        : "";
  }
}

/**
 * Logs what a simulator does, under the category `["caisse-ap", "terminal"]`. Whether
 * the logger writes debug lines is read once, here: without them, connections are not
 * followed at all.
 *
 * @param simulator The simulator to listen to.
 * @param logger Where to log (LogTape's `caisse-ap.terminal` logger in `log.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logSimulator } from "./log_core.ts";
 * import { TerminalSimulator } from "./simulator.ts";
 * import { pay } from "../pos.ts";
 *
 * const messages: string[] = []; // a LogTape logger in a program; templates kept here
 * const keep = (message: string) => void messages.push(message);
 * const logger = { debug: keep, info: keep, warn: keep, error: keep };
 * await using terminal = new TerminalSimulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   settings: { delayMs: 0 },
 * });
 * logSimulator(terminal, logger);
 * const { port } = await terminal.start();
 * await pay({ amount: 1250 }, { port });
 * assert.equal(messages[0], "Listening on {address}");
 * assert.ok(messages.includes("#{id} decision: {outcome} ({reason}){fault}{by}{delay}"));
 * ```
 */
export function logSimulator(
  simulator: TerminalSimulator,
  logger: SimulatorLogger,
): void {
  const enabled = (level: "debug" | "info") => logger.isEnabledFor?.(level) ?? true;
  logListening(simulator, logger);
  logConnections(simulator, logger, enabled);
  simulator.on("request", ({ detail }) => logDecision(detail, logger, enabled));
  simulator.on("answer", ({ detail }) => logAnswer(detail, logger, enabled));
  simulator.on("abandon", ({ detail }) => logAbandon(detail, logger));
}

type Enabled = (level: "debug" | "info") => boolean;

/** Listening, and refusing connections for a while (`refuse-connections`). */
function logListening(simulator: TerminalSimulator, logger: SimulatorLogger): void {
  let refused = false;
  simulator.on("listening", ({ detail }) => {
    if (refused) {
      refused = false;
      logger.info("Listening again on {address}", { address: formatHostPort(detail) });
    } else logger.debug("Listening on {address}", { address: formatHostPort(detail) });
  });
  simulator.on("refusing", ({ detail }) => {
    refused = true;
    logger.warn("Refusing connections for {period} (not listening until {until}){by}", {
      period: formatMs(detail.periodMs),
      until: detail.until,
      by: detail.transactionId === undefined
        ? ""
        : `, fault refuse-connections of #${detail.transactionId}`,
      transactionId: detail.transactionId,
    });
  });
}

/** Connections: opened, closed, over the limit, waiting their turn, failed. */
function logConnections(
  simulator: TerminalSimulator,
  logger: SimulatorLogger,
  enabled: Enabled,
): void {
  simulator.on("overflow", ({ detail }) => {
    logger.warn(
      "Connection #{connectionId} from {peer} closed at once: the limit of open connections ({limit}) is reached",
      { ...detail },
    );
  });
  simulator.on("queued", ({ detail }) => {
    logger.info("#{transactionId} from {peer} waits for its turn: {ahead} ahead of it", {
      ...detail,
    });
  });
  // Debug lines only: below that level (read once, here) the simulator is not even asked
  // for these events, which it then does not make (one per connection).
  if (enabled("debug")) {
    simulator.on("connection", ({ detail }) => {
      logger.debug("Connection #{connectionId} from {peer}", { ...detail });
    });
    simulator.on("disconnect", ({ detail }) => {
      logger.debug("Connection #{connectionId} from {peer} closed", { ...detail });
    });
  }
  simulator.on("problem", ({ detail }) => {
    const quiet = detail.error.name === "TimeoutError" && detail.received.length === 0;
    const props = {
      connectionId: detail.connectionId,
      peer: detail.peer,
      error: detail.error.message,
      received: escapeText(detail.received.slice(0, 200)),
    };
    if (quiet) logger.debug("Connection #{connectionId} from {peer}: {error}, closed", props);
    else logger.warn("Connection #{connectionId} from {peer}: {error}", props);
  });
}

/** A request and its decision. */
function logDecision(t: Transaction, logger: SimulatorLogger, enabled: Enabled): void {
  const base = { id: t.id, peer: t.peer, connectionId: t.connectionId };
  if (!enabled("info")) {
    // Findings are warnings: they are logged whatever else is not.
    for (const finding of t.plan.findings) warnFinding(logger, base, finding);
    return;
  }
  logger.info("#{id} request from {peer}: {frame}", {
    ...base,
    frame: escapeText(t.requestText),
  });
  if (t.request.length > 0) {
    logger.info(`#{id} decoded:\n${formatTable(t.request).join("\n")}`, {
      ...base,
      fields: t.request,
    });
  }
  for (const finding of t.plan.findings) warnFinding(logger, base, finding);
  for (const miss of t.plan.notMatched ?? []) {
    logger.debug("#{id} {rule} did not match: {why}", {
      ...base,
      rule: describeRule(miss.rule),
      why: miss.why,
    });
  }
  const scaled = t.delayMs !== t.plan.delayMs ? ` (${formatMs(t.plan.delayMs)} scaled)` : "";
  const fault = t.plan.fault;
  logger.info("#{id} decision: {outcome} ({reason}){fault}{by}{delay}", {
    ...base,
    outcome: t.plan.outcome,
    reason: t.plan.reason,
    // A fault that gives the reason its own words (busy) is said there already.
    fault: fault && FAULTS[fault.spec.kind].reason === undefined
      ? `, fault ${describeFault(fault.spec)}${fault.origin === "settings" ? " (the default)" : ""}`
      : "",
    by: describeDecider(t.plan),
    delay: t.delayMs > 0 ? `, answer in ${formatMs(t.delayMs)}${scaled}` : "",
    delayMs: t.delayMs,
    decidedBy: t.plan.decidedBy,
  });
}

/** An answer written. */
function logAnswer(t: Transaction, logger: SimulatorLogger, enabled: Enabled): void {
  if (enabled("info")) {
    logger.info("#{id} answer to {peer}{how}: {frame}", {
      id: t.id,
      peer: t.peer,
      how: t.plan.fault && !t.plan.fault.delivery.asUsual ? ` (${t.note})` : "",
      frame: escapeText(t.answerText),
      outcome: t.plan.outcome,
    });
  }
  if (t.peerClosedEarly) {
    logger.warn("#{id} the POS closed its side before the answer; it may not have read it", {
      id: t.id,
    });
  }
}

/** A transaction that ended without its answer. */
function logAbandon(t: Transaction, logger: SimulatorLogger): void {
  if (t.state === "failed") {
    logger.error("#{id} answer not sent (failed): {error}; the connection is closed", {
      id: t.id,
      state: t.state,
      error: t.error,
    });
    return;
  }
  if (t.state === "dropped") {
    const ac = t.plan.answer.find((f) => f.tag === "AC")?.value;
    logger.warn(
      "#{id} answer not sent ({fault}): the terminal believes {outcome} ({reason}); {note}{sent}",
      {
        id: t.id,
        state: t.state,
        fault: t.plan.fault?.spec.kind ?? "fault",
        outcome: t.plan.outcome,
        reason: ac ? `${t.plan.reason}, authorisation ${escapeText(ac)}` : t.plan.reason,
        note: t.note ?? "",
        sent: t.sent ? `; sent instead: ${escapeText(t.sent.slice(0, 200))}` : "",
      },
    );
    return;
  }
  logger.warn("#{id} answer not sent ({state}): {why}", {
    id: t.id,
    state: t.state,
    why: t.state === "client-gone"
      ? `the POS at ${t.peer} went away; the terminal decided "${t.plan.outcome}"`
      : "the simulator was stopped",
  });
}

/**
 * Logs what the control layer does besides the simulator's exchanges: transactions held
 * and released, under the category `["caisse-ap", "terminal"]`. Wire data is escaped.
 *
 * @param control The control to listen to.
 * @param logger Where to log (LogTape's `caisse-ap.terminal` logger in `log.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logControl } from "./log_core.ts";
 * import { pay, startTerminal } from "../../mod.ts";
 *
 * const messages: string[] = [];
 * const keep = (message: string) => void messages.push(message);
 * await using terminal = await startTerminal({ hold: true });
 * logControl(terminal.control, { debug: keep, info: keep, warn: keep, error: keep });
 * const payment = pay({ amount: 990 }, terminal.endpoint);
 * terminal.control.decideHeldWith((await terminal.control.nextHeld()).id, "refuse");
 * await payment;
 * assert.deepEqual(messages, [
 *   "#{id} held: waiting for a decision (dashboard or API), time-out in {timeout}",
 *   "#{id} released: {outcome}, {note}",
 * ]);
 * ```
 */
export function logControl(
  control: TerminalControl,
  logger: SimulatorLogger,
): void {
  control.on("held", ({ detail: held }) => {
    logger.info("#{id} held: waiting for a decision (dashboard or API), time-out in {timeout}", {
      id: held.id,
      timeout: formatMs(held.timeoutMs),
      register: held.request.register === undefined ? undefined : escapeText(held.request.register),
    });
  });
  control.on("released", ({ detail: release }) => {
    logger.info("#{id} released: {outcome}, {note}", {
      id: release.id,
      outcome: release.outcome ? describeOutcome(release.outcome) : "not decided here",
      note: escapeText(release.note),
    });
  });
}

/**
 * Logs one warning line per new finding of the diagnosis (its code, title and POS), and
 * the end of the campaign, under the category `["caisse-ap", "terminal"]`.
 *
 * @param watch The watch on the POS.
 * @param logger Where to log (LogTape's `caisse-ap.terminal` logger in `log.ts`).
 *
 * @example
 * ```ts ignore
 * // Not run: needs a terminal with a diagnosis (tests/watch_lazy_test.ts, server.ts).
 * import { logFindings } from "./log_core.ts";
 * logFindings(terminal.watch, logger);
 * ```
 */
export function logFindings(
  watch: PosWatch,
  logger: SimulatorLogger,
): void {
  watch.on("finding", ({ detail }) => {
    if (!detail.new) return;
    const f = detail.finding;
    logger.warn("Finding {code} ({severity}): {title}, POS {address} register {register}", {
      code: f.kind ? `${f.code}/${f.kind}` : f.code,
      severity: f.severity,
      title: escapeText(f.title),
      address: f.pos.address,
      register: escapeText(f.pos.register || "?"),
      transactionId: f.first.transactionId,
    });
  });
  watch.on("campaign-over", ({ detail }) => {
    logger.info("Campaign {campaign} over: {registers} register(s) played its {total} cases", {
      campaign: detail.campaign,
      registers: detail.registers.length,
      total: detail.total,
    });
  });
}

function warnFinding(
  logger: SimulatorLogger,
  base: Record<string, unknown>,
  finding: Plan["findings"][number],
): void {
  logger.warn("#{id} {level}: {message}", {
    ...base,
    level: finding.level === "error" ? "error in request" : "conformance",
    message: finding.message,
    tag: finding.tag,
    offset: finding.offset,
  });
}
