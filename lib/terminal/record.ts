/**
 * Record, then replay: what a real terminal did, seen through the tap, written as a
 * scenario (lib/scenarios/README.md) that the simulator replays (`--scenario`). Each
 * exchange becomes a rule matching its request (action, amount, currency, register,
 * application, answer mode; `nth` for a request repeated identically) whose outcome
 * gives the recorded answer's records exactly (`answer:`, card numbers masked as the
 * journal has them) and the terminal's delay. The settings say what was seen of the
 * terminal: its answer version (CZ), its id (CJ of an identification), its contract (CG).
 *
 * The file is rewritten whole, atomically (a temporary file renamed), after each
 * exchange: it is a valid scenario at every moment, and a crash loses nothing written.
 *
 * @module
 */

import { type Finding, parseRequest } from "../message.ts";
import { getField } from "../tlv.ts";
import type { Transaction } from "./simulator.ts";

/** One rule of a recording, before it is written. */
export interface RecordedRule {
  /** The rule's name: the transaction and its request in words. */
  name: string;
  /** The conditions, as a scenario writes them (`when`). */
  when: Record<string, string | number>;
  /** The result: `approved` or the AF code. */
  result: string;
  /** The delay, in milliseconds. */
  delayMs: number;
  /** The answer's records; `null`: echoed from the request. */
  answer: { tag: string; value: string | null }[];
  /** Close without an answer (`close-before-answer`), when the terminal sent none. */
  noAnswer?: boolean;
  /** The signature of the request's conditions, to count identical requests. */
  key: string;
}

/** What a recording holds: the terminal's settings seen, and the rules in order. */
export interface Recording {
  /** Where the terminal was, for the description. */
  upstream: string;
  /** When the recording started (ISO 8601). */
  startedAt: string;
  /** The answer version seen (CZ of the answers). */
  answerVersion?: string;
  /** The terminal's id seen (CJ of an identification answer). */
  terminalId?: string;
  /** The contract seen (CG of an answer). */
  sellerContract?: string;
  /** The rules, in the order of the exchanges. */
  rules: RecordedRule[];
  /** Exchanges that cannot be replayed, in words (written as comments). */
  skipped: string[];
}

/** The action words of the scenario format, by CD code. */
const ACTION_WORDS: Readonly<Record<string, string>> = {
  "0": "debit",
  "1": "credit",
  "2": "cancellation",
  "I": "identification",
  "D": "duplicate",
  "P": "print",
  "S": "status",
};

/**
 * Makes the rule that replays a transaction, or says why it cannot be replayed. Pure.
 *
 * @param transaction The transaction, as the tap reports it (masked).
 * @returns The rule, or the reason it is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordedRule } from "./record.ts";
 * import { decode } from "../tlv.ts";
 * const rule = recordedRule({
 *   id: 1, connectionId: 1, peer: "p", receivedAt: "", decidedAt: "", end: "complete",
 *   requestText: "", answerText: "x", state: "answered", delayMs: 250,
 *   request: decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250"),
 *   plan: { outcome: "approved", answer: decode("CZ0040300CA00201AE00210"), delayMs: 250, reason: "", findings: [] },
 * });
 * assert.deepEqual(typeof rule === "string" ? rule : rule.when, { action: "debit", amount: 1250, currency: "978", register: "01" });
 * ```
 */
export function recordedRule(transaction: Transaction): RecordedRule | string {
  const t = transaction;
  const request = parseRequest([...t.request]);
  const action = request.actionCode === undefined ? undefined : ACTION_WORDS[request.actionCode];
  if (action === undefined || t.plan.findings.some((f) => f.level === "error")) {
    return `#${t.id}: the request is malformed or its action unknown; the simulator answers it AF=09 or AF=12 by itself`;
  }
  const when: Record<string, string | number> = { action };
  if (request.amount !== undefined) when.amount = request.amount;
  else if (getField(t.request, "CB") !== undefined) return `#${t.id}: its amount cannot be read`;
  if (request.currencyCode !== undefined) when.currency = request.currencyCode;
  if (request.register !== undefined) when.register = request.register;
  if (request.application !== undefined) when.application = request.application;
  if (request.immediate) when["answer-mode"] = "immediate";
  const key = JSON.stringify(when);
  const answered = t.answerText.length > 0;
  if (!answered && t.state === "client-gone") {
    return `#${t.id}: the POS went away before the terminal answered`;
  }
  if (answered && t.state !== "answered") {
    return `#${t.id}: the answer did not reach the POS whole (${t.note ?? t.state})`;
  }
  const answerFindings = (t as { answerFindings?: Finding[] }).answerFindings ?? [];
  if (answered && answerFindings.some((f) => f.level === "error")) {
    return `#${t.id}: the terminal's answer is malformed; a scenario cannot answer it as it was`;
  }
  const status = getField(t.plan.answer, "AE");
  const complement = getField(t.plan.answer, "AF")?.slice(0, 2);
  const requested = new Map(t.request.map((f) => [f.tag, f.value]));
  return {
    name: `#${t.id} ${describeRequest(action, request.amount, request.currencyCode)}`,
    when,
    result: !answered || status === "10" || status === "11" || !complement
      ? "approved"
      : complement,
    delayMs: t.delayMs,
    answer: t.plan.answer.map(({ tag, value }) =>
      tag !== "CZ" && requested.get(tag) === value ? { tag, value: null } : { tag, value }
    ),
    ...(answered ? {} : { noAnswer: true }),
    key,
  };
}

function describeRequest(action: string, amount?: number, currency?: string): string {
  return amount === undefined ? action : `${action} ${amount}${currency ? ` (${currency})` : ""}`;
}

/**
 * Adds a transaction to a recording: its rule, and what it shows of the terminal. Pure
 * but for the recording it changes.
 *
 * @param recording The recording.
 * @param transaction The transaction (masked).
 *
 * @example
 * ```ts ignore
 * // Not run: needs a transaction that went through a tap (see tests/forward_record_test.ts)
 * import { addToRecording } from "./record.ts";
 * addToRecording(recording, transaction);
 * ```
 */
export function addToRecording(recording: Recording, transaction: Transaction): void {
  const answer = transaction.plan.answer;
  if (transaction.answerText.length > 0) {
    recording.answerVersion ??= getField(answer, "CZ");
    const contract = getField(answer, "CG");
    if (contract !== undefined) recording.sellerContract ??= contract;
    if (getField(transaction.request, "CD") === "I") {
      const id = getField(answer, "CJ");
      if (id !== undefined) recording.terminalId ??= id;
    }
  }
  const rule = recordedRule(transaction);
  if (typeof rule === "string") recording.skipped.push(rule);
  else recording.rules.push(rule);
}

/**
 * Writes a recording as a scenario file. Identical requests: the rule of the nth one
 * gets `nth: N` and goes before those of the earlier ones (a rule counts the requests
 * that reach it), so that the nth request gets the nth answer.
 *
 * @param recording The recording.
 * @returns The YAML text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderRecording } from "./record.ts";
 * const text = renderRecording({
 *   upstream: "10.0.0.5:8888",
 *   startedAt: "2026-01-01T00:00:00.000Z",
 *   rules: [],
 *   skipped: [],
 * });
 * assert.equal(text.includes("rules: []"), true);
 * ```
 */
export function renderRecording(recording: Recording): string {
  const lines = [
    `# Recorded by caisse-ap-server --forward ${recording.upstream}, from ${recording.startedAt}.`,
    "# Replay it: deno task server --scenario THIS_FILE (see lib/terminal/FORWARD.md).",
    `description: ${q(`The terminal at ${recording.upstream}, recorded`)}`,
  ];
  const settings: [string, string | undefined][] = [
    ["answer-version", recording.answerVersion],
    ["terminal-id", recording.terminalId],
    ["seller-contract", recording.sellerContract],
  ];
  const given = settings.filter(([, value]) => value !== undefined);
  if (given.length > 0) {
    lines.push("settings:");
    for (const [key, value] of given) lines.push(`  ${key}: ${q(value!)}`);
  }
  for (const why of recording.skipped) lines.push(`# Not replayed: ${oneLine(why)}`);
  const ordered = orderRules(recording.rules);
  if (ordered.length === 0) {
    lines.push("rules: []");
    return lines.join("\n") + "\n";
  }
  lines.push("rules:");
  for (const { rule, nth } of ordered) {
    const when = Object.entries(rule.when).map(([k, v]) =>
      `${k}: ${typeof v === "number" ? v : q(v)}`
    );
    if (nth > 1) when.push(`nth: ${nth}`);
    lines.push(`  - name: ${q(rule.name)}`);
    lines.push(`    when: { ${when.join(", ")} }`);
    if (rule.noAnswer) {
      lines.push(`    outcome: { fault: close-before-answer }`);
      continue;
    }
    lines.push("    outcome:");
    lines.push(`      result: ${q(rule.result)}`);
    lines.push(`      delay: ${rule.delayMs / 1000}`);
    lines.push("      answer:");
    for (const { tag, value } of rule.answer) {
      lines.push(`        ${tag}: ${value === null ? "~ # echoed from the request" : q(value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The rules in the order that replays them: the later of identical requests first. */
function orderRules(rules: readonly RecordedRule[]): { rule: RecordedRule; nth: number }[] {
  const count = new Map<string, number>();
  const groups = new Map<string, { rule: RecordedRule; nth: number }[]>();
  const order: string[] = [];
  for (const rule of rules) {
    const nth = (count.get(rule.key) ?? 0) + 1;
    count.set(rule.key, nth);
    if (!groups.has(rule.key)) {
      groups.set(rule.key, []);
      order.push(rule.key);
    }
    groups.get(rule.key)!.unshift({ rule, nth });
  }
  // One request alone needs no nth.
  return order.flatMap((key) => groups.get(key)!);
}

/** A YAML double-quoted scalar (JSON's escapes are YAML's). */
function q(text: string): string {
  return JSON.stringify(text);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** Options of a {@linkcode ScenarioRecorder}. */
export interface RecorderOptions {
  /** The real terminal, `host:port`. */
  upstream: string;
  /** The clock. Default: `() => new Date()`. */
  now?: () => Date;
}

/**
 * Writes a recording to a file as the session goes: the whole scenario, atomically
 * (written to `FILE.tmp`, then renamed), after each transaction.
 *
 * @example
 * ```ts ignore
 * // Not run: needs a tap in front of a terminal (see tests/forward_record_test.ts)
 * import { ScenarioRecorder } from "./record.ts";
 * const recorder = await ScenarioRecorder.open("desk.yaml", { upstream: tap.upstream });
 * tap.on("answer", (e) => recorder.add(e.detail));
 * tap.on("abandon", (e) => recorder.add(e.detail));
 * await recorder.close();
 * ```
 */
export class ScenarioRecorder {
  /** The file. */
  readonly path: string;
  readonly #recording: Recording;
  #writes: Promise<void> = Promise.resolve();
  #failure?: Error;

  private constructor(path: string, recording: Recording) {
    this.path = path;
    this.#recording = recording;
  }

  /**
   * Creates the file (an empty scenario) and returns the recorder.
   *
   * @param path The file.
   * @param options The terminal's address, the clock.
   * @returns The recorder.
   * @throws {Deno.errors.NotFound} (and others) when the file cannot be written.
   */
  static async open(path: string, options: RecorderOptions): Promise<ScenarioRecorder> {
    const recorder = new ScenarioRecorder(path, {
      upstream: options.upstream,
      startedAt: (options.now ?? (() => new Date()))().toISOString(),
      rules: [],
      skipped: [],
    });
    await recorder.#write();
    return recorder;
  }

  /** The recording so far (a copy). */
  get recording(): Recording {
    return structuredClone(this.#recording);
  }

  /** The first error of a write, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Adds a transaction that has ended, and rewrites the file (not awaited: see
   * {@linkcode ScenarioRecorder.flush}).
   *
   * @param transaction The transaction, masked as the tap reports it.
   */
  add(transaction: Transaction): void {
    addToRecording(this.#recording, transaction);
    this.#writes = this.#writes.then(() => this.#write()).catch((error: Error) => {
      this.#failure ??= error;
    });
  }

  /**
   * Waits for the writes asked so far.
   *
   * @returns When the file holds every transaction added.
   */
  async flush(): Promise<void> {
    await this.#writes;
  }

  async #write(): Promise<void> {
    const text = renderRecording(this.#recording);
    const temporary = `${this.path}.tmp`;
    await Deno.writeTextFile(temporary, text);
    await Deno.rename(temporary, this.path);
  }
}
