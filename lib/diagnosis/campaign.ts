/**
 * Campaigns: the cases that find a POS's defects, in order. The Nth debit or credit of a
 * register gets the Nth case's outcome (or fault); other requests pass through. Pure:
 * the built-in {@linkcode STANDARD_CAMPAIGN} as data, a reader for campaign files
 * ({@linkcode parseCampaign}, the scenario syntax), and the state machine of a run
 * ({@linkcode CampaignRun}), which the server asks for each payment's outcome and feeds
 * with the journal's records and the findings.
 *
 * ```yaml
 * description: Two cases
 * settings:
 *   duration: 0.5
 * cases:
 *   - name: approval
 *     outcome: approved
 *     instruction: Pay any amount on the POS now
 *   - name: lost approval
 *     fault: approve-then-drop
 *     instruction: Pay a new amount; do what the POS tells the cashier
 *     reveals: [resends-after-unknown]
 * ```
 *
 * @module
 */

import { YAML } from "../deps.ts";
import { closestWord } from "../words.ts";
import type { Outcome, TerminalSettings } from "../terminal/behaviour.ts";
import { describeOutcome, type OutcomeSpec } from "../terminal/outcome.ts";
import {
  readOutcomeValue,
  readSettingsValue,
  ScenarioError,
  type ScenarioProblem,
} from "../terminal/scenario.ts";
import type { TransactionState } from "../terminal/simulator.ts";
import { FINDING_CODE_NAMES, type FindingCode, isFindingCode } from "./codes.ts";
import type { DiagnosisFinding, PosRef } from "./finding.ts";
import { type DiagnosisInput, peerAddress } from "./input.ts";

/** One case of a campaign. */
export interface CampaignCase {
  /** Its name, short: `approve-then-drop`. */
  readonly name: string;
  /** What the terminal does with the payment (a fault included, under `fault`). */
  readonly outcome: OutcomeSpec;
  /** What the tester does on the POS, in words. */
  readonly instruction: string;
  /** The finding codes the case is designed to reveal. */
  readonly reveals: readonly FindingCode[];
}

/** A campaign: its cases, in order, and the settings it needs. */
export interface Campaign {
  /** `standard`, or the file it was read from. */
  readonly name: string;
  /** Free text. */
  readonly description?: string;
  /** Settings of the terminal the campaign sets (a scenario's `settings`). */
  readonly settings?: Partial<TerminalSettings>;
  /** The cases. */
  readonly cases: readonly CampaignCase[];
}

const NEW_AMOUNT =
  "use an amount not used before in this campaign: the diagnosis recognises a payment sent again by its register, amount and currency";
const UNKNOWN =
  "The answer will not reach the POS. Do what the POS tells the cashier: if it invites you to take the payment again, do it with the same amount, as a cashier would; if it says the outcome is unknown and to check the terminal, go on with the next case";

function step(
  name: string,
  outcome: OutcomeSpec,
  instruction: string,
  reveals: FindingCode[] = [],
): CampaignCase {
  return Object.freeze({
    name,
    outcome: Object.freeze(outcome),
    instruction,
    reveals: Object.freeze(["request-nonconformant", ...reveals]) as readonly FindingCode[],
  });
}

/**
 * The built-in campaign `standard`: every answer a POS must handle, in an order where
 * each case with an outcome the POS cannot know is followed by a payment that shows
 * whether the POS sends it again. Delays are the settings' (3 s by default) unless said,
 * and follow the time scale.
 */
export const STANDARD_CAMPAIGN: Campaign = Object.freeze({
  name: "standard",
  description: "Every answer and fault a POS must survive, one payment each",
  cases: Object.freeze([
    step(
      "approval",
      { status: "approved" },
      `Pay any amount on the POS now (for every case, ${NEW_AMOUNT}). The payment is approved: check the POS shows the authorisation number and the card.`,
      ["duplicate-after-approval", "overlapping-requests"],
    ),
    step(
      "refused",
      { status: "not-done", complement: "04" },
      "Pay a new amount: the card is refused (AF=04). Check the POS says refused; paying again is fine.",
    ),
    step(
      "forbidden",
      { status: "not-done", complement: "05" },
      "Pay a new amount: the card is forbidden (AF=05). Check the POS says so.",
    ),
    step(
      "phone-call",
      { status: "not-done", complement: "02" },
      "Pay a new amount: the terminal asks for a phone call to the bank (AF=02). Check the POS says the payment is not done.",
    ),
    step(
      "cardholder-abandon",
      { status: "not-done", complement: "06" },
      "Pay a new amount: the cardholder abandons (AF=06). Check the POS says the payment is not done.",
    ),
    step(
      "cheque",
      { status: "approved" },
      "Pay a new amount by cheque if the POS offers it (CC=00C), by card otherwise: it is approved.",
    ),
    step(
      "partial-approval",
      { status: "approved", approvedAmount: { percent: 50 } },
      "Pay a new amount of at least 1.00: the terminal approves only half of it. A careful POS asks for the rest (pay it as the next case) or cancels the payment.",
      ["ignores-partial-approval"],
    ),
    step(
      "terminal-timeout",
      { status: "not-done", complement: "08", delay: { minMs: 120_000, maxMs: 120_000 } },
      "Pay a new amount and wait: the cardholder never finishes, and the terminal gives up after its input time-out (2 minutes, scaled by --time-scale, AF=08). The POS must wait for it.",
      ["gives-up-early"],
    ),
    step(
      "operator-abandon",
      { status: "not-done", complement: "11" },
      "Pay a new amount: the operator abandons on the terminal (AF=11). Check the POS says the payment is not done.",
    ),
    step(
      "busy",
      { status: "approved", fault: { kind: "busy" } },
      "Pay a new amount: the terminal answers at once that it is busy with another sale (AF=07). Check the POS says so; paying the same amount again is fine.",
    ),
    step(
      "refuse-connections",
      { status: "approved", fault: { kind: "refuse-connections" } },
      "Pay a new amount: it is approved, then the terminal refuses connections for 5 s. Start the next case at once: the POS should say the terminal cannot be reached, and work when it is back.",
    ),
    step(
      "split-answer",
      { status: "approved", fault: { kind: "split-answer" } },
      "Pay a new amount: the approval comes in two pieces, half a second apart. Check the POS shows the authorisation number and the card, not a failure.",
      ["reads-once"],
    ),
    step(
      "slow-answer",
      { status: "approved", fault: { kind: "slow-answer" } },
      "Pay a new amount: the approval comes 4 bytes every 0.1 s. Check the POS shows the authorisation number and the card.",
      ["reads-once", "gives-up-early"],
    ),
    step(
      "garbage-answer",
      { status: "approved", fault: { kind: "garbage-answer" } },
      `Pay a new amount: the terminal approves, and the POS receives bytes that are no answer. ${UNKNOWN}.`,
      ["resends-after-unknown"],
    ),
    step(
      "truncated-answer",
      { status: "approved", fault: { kind: "truncated-answer" } },
      `Pay a new amount: the terminal approves, and the answer is cut short. ${UNKNOWN}.`,
      ["resends-after-unknown"],
    ),
    step(
      "approve-then-drop",
      { status: "approved", fault: { kind: "approve-then-drop" } },
      `Pay a new amount: the terminal approves and closes the connection without the answer. ${UNKNOWN}.`,
      ["resends-after-unknown"],
    ),
    step(
      "no-answer",
      { status: "approved", fault: { kind: "no-answer" } },
      `Pay a new amount: the terminal never answers and keeps the connection open. Wait for the POS to give up (a careful POS does within the input time-out plus a minute). ${UNKNOWN}.`,
      ["no-answer-timeout", "gives-up-early", "resends-after-unknown"],
    ),
    step(
      "close",
      { status: "approved", fault: { kind: "close-before-answer" } },
      `Pay a new amount: the terminal closes the connection as soon as it has read the request. ${UNKNOWN}.`,
      ["resends-after-unknown"],
    ),
    step(
      "reset",
      { status: "approved", fault: { kind: "reset" } },
      `Pay a new amount: the terminal aborts the connection as soon as it has read the request. ${UNKNOWN}.`,
      ["resends-after-unknown"],
    ),
    step(
      "approval-after-faults",
      { status: "approved" },
      "Pay a new amount: it is approved. The POS must work normally after the faults.",
    ),
  ]),
});

/** The built-in campaigns, by name. */
export const BUILT_IN_CAMPAIGNS: Readonly<Record<string, Campaign>> = Object.freeze({
  standard: STANDARD_CAMPAIGN,
});

const TOP_KEYS = ["description", "settings", "cases"];
const CASE_KEYS = ["name", "outcome", "fault", "instruction", "reveals"];
const DEFAULT_INSTRUCTION = "Pay any amount on the POS now";

/**
 * Reads a campaign from YAML: `description`, `settings` (as a scenario's) and `cases`, a
 * list of `{ name, outcome and/or fault, instruction, reveals }` (or the list alone).
 * Outcomes, faults and settings are read by the scenario reader, with its words and
 * checks. Pure.
 *
 * @param text The YAML text.
 * @param file The file name, for messages and the campaign's name. Default `"campaign"`.
 * @returns The campaign.
 * @throws {ScenarioError} Every problem with its line and column (those found inside an
 * outcome or a fault are given at the start of its value).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCampaign } from "./campaign.ts";
 * const campaign = parseCampaign(`
 * cases:
 *   - name: refused
 *     outcome: refused
 *   - name: lost
 *     fault: approve-then-drop
 *     reveals: [resends-after-unknown]
 * `, "two.yaml");
 * assert.deepEqual(campaign.cases[1].outcome, {
 *   status: "approved",
 *   fault: { kind: "approve-then-drop" },
 * });
 * ```
 */
export function parseCampaign(text: string, file = "campaign"): Campaign {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const problems: ScenarioProblem[] = [];
  const fail = (node: unknown, kind: ScenarioProblem["kind"], message: string) => {
    const offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    problems.push({ kind, line, column: col, message });
  };
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({
      kind: "syntax",
      line,
      column: col,
      message: `Invalid YAML: ${error.message.split("\n")[0]}`,
    });
  }
  if (problems.length > 0) throw new ScenarioError(file, problems);
  let description: string | undefined;
  let settings: Partial<TerminalSettings> | undefined;
  let list: YAML.YAMLSeq | undefined;
  const root = doc.contents;
  if (YAML.isSeq(root)) list = root;
  else if (YAML.isMap(root)) {
    for (const pair of root.items) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : "";
      const value = pair.value as YAML.Node | null;
      if (key === "description") {
        if (YAML.isScalar(value) && typeof value.value === "string") description = value.value;
        else fail(value ?? pair.key, "type", "Expected the description as text");
      } else if (key === "settings") {
        const read = readSettingsValue(value?.toJSON() ?? null);
        if (read.problems) { for (const p of read.problems) fail(value, "value", p); }
        else settings = read.value.settings;
      } else if (key === "cases") {
        if (YAML.isSeq(value)) list = value;
        else {fail(
            value ?? pair.key,
            "type",
            "Expected the cases as a list, each item starting with -",
          );}
      } else fail(pair.key, "unknown-key", unknownKey(key, "the campaign", TOP_KEYS));
    }
  } else {
    fail(root, "type", 'Expected a campaign: a mapping with "cases", or a list of cases');
  }
  if (!list && problems.length === 0) fail(root, "missing-key", 'The campaign has no "cases"');
  const cases: CampaignCase[] = [];
  for (const [index, item] of (list?.items ?? []).entries()) {
    const read = readCase(item as YAML.Node, index + 1, fail);
    if (read) cases.push(read);
  }
  if (list && list.items.length === 0) fail(list, "type", "Expected at least one case");
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ScenarioError(file, problems);
  }
  return Object.freeze({
    name: file,
    ...(description !== undefined ? { description } : {}),
    ...(settings !== undefined ? { settings } : {}),
    cases: Object.freeze(cases),
  });
}

function unknownKey(key: string, what: string, keys: readonly string[]): string {
  const near = closestWord(key, keys);
  return `Unknown key "${key}" in ${what}: ${
    near ? `did you mean "${near}"? ` : ""
  }expected one of ${keys.map((k) => `"${k}"`).join(", ")}`;
}

function readCase(
  node: YAML.Node,
  position: number,
  fail: (node: unknown, kind: ScenarioProblem["kind"], message: string) => void,
): CampaignCase | undefined {
  if (!YAML.isMap(node)) {
    fail(
      node,
      "type",
      `Expected case ${position} as a mapping of keys (name, outcome, fault, instruction, reveals)`,
    );
    return undefined;
  }
  let name: string | undefined;
  let instruction = DEFAULT_INSTRUCTION;
  let outcomeNode: YAML.Node | undefined;
  let faultNode: YAML.Node | undefined;
  const reveals: FindingCode[] = [];
  let ok = true;
  const bad = (at: unknown, kind: ScenarioProblem["kind"], message: string) => {
    ok = false;
    fail(at, kind, message);
  };
  for (const pair of node.items) {
    const key = YAML.isScalar(pair.key) ? String(pair.key.value) : "";
    const value = (pair.value ?? pair.key) as YAML.Node;
    if (key === "name" || key === "instruction") {
      if (!YAML.isScalar(value) || value.value === null || typeof value.value === "object") {
        bad(value, "type", `Expected the ${key} of case ${position} as text`);
      } else if (key === "name") name = String(value.value);
      else instruction = String(value.value);
    } else if (key === "outcome") outcomeNode = value;
    else if (key === "fault") faultNode = value;
    else if (key === "reveals") {
      const items = YAML.isSeq(value) ? value.items as YAML.Node[] : [value];
      for (const item of items) {
        const code = YAML.isScalar(item) ? String(item.value) : "";
        if (isFindingCode(code)) reveals.push(code);
        else {
          const near = closestWord(code, FINDING_CODE_NAMES, { maxDistance: 3, prefixes: true });
          bad(
            item,
            "value",
            `Unknown finding code "${code}": ${
              near ? `did you mean "${near}"? ` : ""
            }expected one of ${FINDING_CODE_NAMES.join(", ")}`,
          );
        }
      }
    } else bad(pair.key, "unknown-key", unknownKey(key, `case ${position}`, CASE_KEYS));
  }
  if (name === undefined) bad(node, "missing-key", `Case ${position} has no "name"`);
  if (!outcomeNode && !faultNode) {
    bad(
      node,
      "missing-key",
      `Case ${position} has no "outcome" nor "fault": say what the terminal does, such as outcome: refused`,
    );
  }
  if (!ok || (!outcomeNode && !faultNode)) return undefined;
  const outcome = outcomeNode?.toJSON();
  const fault = faultNode?.toJSON();
  const value = fault === undefined
    ? outcome
    : outcome === undefined
    ? { fault }
    : typeof outcome === "object" && outcome !== null && !Array.isArray(outcome)
    ? { ...outcome, fault }
    : { result: outcome, fault };
  const read = readOutcomeValue(value);
  if (read.problems) {
    for (const problem of read.problems) {
      fail(outcomeNode ?? faultNode, "value", `Case ${position}: ${problem}`);
    }
    return undefined;
  }
  return Object.freeze({
    name: name!,
    outcome: read.value,
    instruction,
    reveals: Object.freeze(reveals),
  });
}

/** What a campaign needs to know of a request to choose its case. */
export interface CampaignRequest {
  /** The number its transaction will have. */
  transactionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** The request's records by tag (CA and CD are read). */
  fields: Readonly<Record<string, string>>;
}

/** The case chosen for a payment. */
export interface CampaignChoice {
  /** Position of the case, from 1. */
  position: number;
  /** The case. */
  case: CampaignCase;
}

/** What happened to one case of a register. */
export interface CaseResult {
  /** Position of the case, from 1. */
  position: number;
  /** Its name. */
  name: string;
  /** The transaction it was played with. */
  transactionId: number;
  /** `in-progress` until the transaction ends. */
  status: "in-progress" | "done";
  /** What the terminal decided, once journaled. */
  outcome?: Outcome;
  /** How the transaction ended: `answered`, `dropped`, `client-gone`... */
  state?: TransactionState;
  /** The findings seen with it: `code` or `code/kind`. */
  findings: string[];
}

/** One register's run of the campaign. */
export interface RegisterRun {
  /** The POS: address and register. */
  pos: PosRef;
  /** How many cases it was given. */
  played: number;
  /** The cases played, in order. */
  results: CaseResult[];
}

/** A case as the state shows it. */
export interface CaseInfo {
  /** Position, from 1. */
  position: number;
  /** Name. */
  name: string;
  /** What the tester does. */
  instruction: string;
  /** The outcome, in words. */
  outcome: string;
  /** The codes it is designed to reveal. */
  reveals: readonly string[];
}

/** The state of a campaign run: what `GET /api/campaign` gives. */
export interface CampaignState {
  /** The campaign's name. */
  campaign: string;
  /** Its description. */
  description?: string;
  /** How many cases. */
  total: number;
  /** Whether every register that started has played and finished every case. */
  over: boolean;
  /**
   * The case now: the one in progress, or the next to play (of the register seen last;
   * the first case before any payment).
   */
  now?: CaseInfo & { status: "next" | "in-progress"; pos?: PosRef };
  /** The registers, in order of their first payment. */
  registers: RegisterRun[];
  /** Every case. */
  cases: CaseInfo[];
}

/**
 * A run of a campaign: gives each register's Nth debit or credit the Nth case, follows
 * each case's transaction in the journal, and collects the findings seen with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
 * const run = new CampaignRun(STANDARD_CAMPAIGN);
 * const debit = { transactionId: 1, peer: "10.0.0.5:50000", fields: { CA: "01", CD: "0" } };
 * assert.equal(run.choose(debit)?.case.name, "approval");
 * const status = { transactionId: 2, peer: "10.0.0.5:50001", fields: { CA: "01", CD: "I" } };
 * assert.equal(run.choose(status), undefined); // not a payment: no case
 * assert.equal(run.state().now?.name, "approval");
 * ```
 */
export class CampaignRun {
  /** The campaign. */
  readonly campaign: Campaign;
  readonly #registers = new Map<string, RegisterRun>();
  readonly #byTransaction = new Map<number, CaseResult>();
  #lastKey?: string;

  /**
   * Starts a run.
   *
   * @param campaign The campaign.
   */
  constructor(campaign: Campaign) {
    if (campaign.cases.length === 0) {
      throw new RangeError(`The campaign "${campaign.name}" has no case`);
    }
    this.campaign = campaign;
  }

  /**
   * The case of a request: the register's next case for a debit or a credit (CD 0 or 1);
   * `undefined` for other requests and once the register has played every case.
   *
   * @param request The transaction number, the peer and the request's records.
   * @returns The case, or `undefined` (the request is decided as without a campaign).
   *
   * @example
   * ```ts
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * import assert from "node:assert/strict";
   * const run = new CampaignRun(STANDARD_CAMPAIGN);
   * const credit = { transactionId: 1, peer: "10.0.0.5:1", fields: { CA: "01", CD: "1" } };
   * assert.equal(run.choose(credit)?.position, 1);
   * ```
   */
  choose(request: CampaignRequest): CampaignChoice | undefined {
    const cd = request.fields.CD;
    if (cd !== "0" && cd !== "1") return undefined;
    const pos = { address: peerAddress(request.peer), register: request.fields.CA ?? "" };
    const key = `${pos.address}|${pos.register}`;
    let run = this.#registers.get(key);
    if (!run) {
      run = { pos, played: 0, results: [] };
      this.#registers.set(key, run);
    }
    this.#lastKey = key;
    if (run.played >= this.campaign.cases.length) return undefined;
    const chosen = this.campaign.cases[run.played];
    run.played++;
    const result: CaseResult = {
      position: run.played,
      name: chosen.name,
      transactionId: request.transactionId,
      status: "in-progress",
      findings: [],
    };
    run.results.push(result);
    this.#byTransaction.set(request.transactionId, result);
    return { position: run.played, case: chosen };
  }

  /**
   * Follows the journal: a transaction's outcome, how it ended. A `start` record (a new
   * simulator run, whose transaction numbers start again) is ignored: restart the
   * campaign with the simulator.
   *
   * @param input A journal record or connection event.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * const run = new CampaignRun(STANDARD_CAMPAIGN);
   * run.choose({ transactionId: 7, peer: "10.0.0.5:1", fields: { CA: "01", CD: "0" } });
   * run.add({ type: "end", run: "r", id: 7, state: "answered", endedAt: "2026-12-03T10:00:03Z" });
   * const [result] = run.state().registers[0].results;
   * assert.equal(result.status, "done");
   * assert.equal(result.state, "answered");
   * ```
   */
  add(input: DiagnosisInput): void {
    if (input.type !== "transaction" && input.type !== "end") return;
    const result = this.#byTransaction.get(input.id);
    if (!result) return;
    if (input.type === "transaction") result.outcome = input.decision.outcome;
    if (input.state !== "pending") {
      result.state = input.state;
      result.status = "done";
    }
  }

  /**
   * Collects findings: each is shown with the cases of the transactions it names (its
   * evidence, and the earlier transaction it refers to, such as the lost approval that
   * was sent again).
   *
   * @param findings New or changed findings.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * import type { DiagnosisFinding } from "./finding.ts";
   * const run = new CampaignRun(STANDARD_CAMPAIGN);
   * run.choose({ transactionId: 7, peer: "10.0.0.5:1", fields: { CA: "01", CD: "0" } });
   * // In a server: run.see(diagnosis.add(record)). Here, a finding's fields that name transactions:
   * const finding = { code: "reads-once", last: { transactionId: 7 }, evidence: [], facts: {} };
   * run.see([finding as unknown as DiagnosisFinding]);
   * assert.deepEqual(run.state().registers[0].results[0].findings, ["reads-once"]);
   * ```
   */
  see(findings: readonly DiagnosisFinding[]): void {
    for (const finding of findings) {
      const label = finding.kind ? `${finding.code}/${finding.kind}` : finding.code;
      const ids = new Set<number>();
      for (const e of finding.evidence) if (e.transactionId !== undefined) ids.add(e.transactionId);
      if (finding.last.transactionId !== undefined) ids.add(finding.last.transactionId);
      if (typeof finding.facts.previous === "number") ids.add(finding.facts.previous);
      for (const id of ids) {
        const result = this.#byTransaction.get(id);
        if (result && !result.findings.includes(label)) result.findings.push(label);
      }
    }
  }

  /** Whether every register that started has played and finished every case. */
  get over(): boolean {
    if (this.#registers.size === 0) return false;
    for (const run of this.#registers.values()) {
      if (run.played < this.campaign.cases.length) return false;
      if (run.results.some((r) => r.status !== "done")) return false;
    }
    return true;
  }

  /**
   * The cases never reached: per register, those it was not given; every case when no
   * payment came.
   *
   * @returns The registers (no `pos` when no payment came) and their cases not reached.
   *
   * @example
   * ```ts
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * import assert from "node:assert/strict";
   * const [unreached] = new CampaignRun(STANDARD_CAMPAIGN).unreached(); // no payment came
   * assert.equal(unreached.cases.length, STANDARD_CAMPAIGN.cases.length);
   * assert.equal(unreached.cases.length, 20);
   * ```
   */
  unreached(): { pos?: PosRef; cases: string[] }[] {
    const names = this.campaign.cases.map((c) => c.name);
    if (this.#registers.size === 0) return [{ cases: names }];
    return [...this.#registers.values()]
      .filter((run) => run.played < names.length)
      .map((run) => ({ pos: { ...run.pos }, cases: names.slice(run.played) }));
  }

  /**
   * Starts again from the first case, for every register.
   *
   * @example
   * ```ts
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * import assert from "node:assert/strict";
   * const run = new CampaignRun(STANDARD_CAMPAIGN);
   * run.choose({ transactionId: 1, peer: "10.0.0.5:1", fields: { CA: "01", CD: "0" } });
   * run.restart();
   * assert.deepEqual(run.state().registers, []);
   * ```
   */
  restart(): void {
    this.#registers.clear();
    this.#byTransaction.clear();
    this.#lastKey = undefined;
  }

  /**
   * The state, as `GET /api/campaign` gives it (a copy).
   *
   * @returns The state.
   *
   * @example
   * ```ts
   * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
   * import assert from "node:assert/strict";
   * const state = new CampaignRun(STANDARD_CAMPAIGN).state();
   * assert.deepEqual([state.total, state.over, state.now?.status], [20, false, "next"]);
   * ```
   */
  state(): CampaignState {
    const cases = this.campaign.cases.map(info);
    const registers = [...this.#registers.values()].map((run) => ({
      pos: { ...run.pos },
      played: run.played,
      results: run.results.map((r) => ({ ...r, findings: [...r.findings] })),
    }));
    const over = this.over;
    let now: CampaignState["now"];
    const last = this.#lastKey ? this.#registers.get(this.#lastKey) : undefined;
    if (!last) now = { ...cases[0], status: "next" };
    else {
      const current = last.results.findLast((r) => r.status === "in-progress");
      if (current) {
        now = { ...cases[current.position - 1], status: "in-progress", pos: { ...last.pos } };
      } else if (last.played < cases.length) {
        now = { ...cases[last.played], status: "next", pos: { ...last.pos } };
      }
    }
    return {
      campaign: this.campaign.name,
      ...(this.campaign.description !== undefined
        ? { description: this.campaign.description }
        : {}),
      total: cases.length,
      over,
      ...(now ? { now } : {}),
      registers,
      cases,
    };
  }
}

function info(c: CampaignCase, index: number): CaseInfo {
  return {
    position: index + 1,
    name: c.name,
    instruction: c.instruction,
    outcome: describeOutcome(c.outcome),
    reveals: [...c.reveals],
  };
}
