/**
 * What the control API accepts, as pure functions (the body reader aside, which reads a
 * `Request` without a socket): a JSON body of bounded size and depth, then each endpoint's
 * fields checked for their type and value. Unknown fields are errors; settings and
 * outcomes are written as in a scenario file and checked by the same code. Anything
 * wrong is an {@linkcode ApiError} saying what, never an exception that could reach the
 * simulator.
 *
 * @module
 */

import type { TerminalSettings } from "../behaviour.ts";
import type { SettingsChange } from "../control.ts";
import { DECISION_NAMES, decisionOutcome } from "../hold.ts";
import { describeOutcome, type OutcomeSpec } from "../outcome.ts";
import { readOutcomeValue, readSettingsValue } from "../scenario.ts";
import { findSetting, SETTING_KEYS_ALL } from "../settings.ts";
import { quoteList } from "../../words.ts";
import { ApiError } from "./responses.ts";

/** Largest request body accepted: 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest nesting of arrays and objects accepted in a body. */
export const MAX_DEPTH = 16;
/** Most outcomes queued by one request. */
export const MAX_OUTCOMES = 100;

/**
 * Reads a request's JSON body: at most `maxBytes` (413 beyond, without reading further),
 * `application/json` (415 otherwise), UTF-8, well-formed (400 otherwise) and at most
 * {@linkcode MAX_DEPTH} levels deep.
 *
 * @param request The request.
 * @param maxBytes Largest body accepted. Default {@linkcode MAX_BODY_BYTES}.
 * @returns The value, or `undefined` when the body is empty.
 * @throws {ApiError} What is wrong with the body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJson } from "./input.ts";
 * const request = new Request("http://127.0.0.1/api/settings", {
 *   method: "PATCH",
 *   headers: { "content-type": "application/json" },
 *   body: '{"failure": true}',
 * });
 * assert.deepEqual(await readJson(request), { failure: true });
 * ```
 */
export async function readJson(
  request: Request,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<unknown> {
  if (!request.body) return undefined;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (size === 0) return undefined;
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(
      415,
      `Expected a JSON body with "Content-Type: application/json", not "${type || "none"}"`,
    );
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "The body is not UTF-8 text");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `Malformed JSON: ${(error as Error).message}`);
  }
  if (depth(value) > MAX_DEPTH) {
    throw new ApiError(400, `The JSON body is nested more than ${MAX_DEPTH} levels deep`);
  }
  return value;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `The body is larger than ${maxBytes} bytes`);
}

/** How deeply arrays and objects nest in a value (0 for a scalar), without recursion. */
function depth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, level] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, level + 1);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, level + 1]);
  }
  return deepest;
}

/**
 * Refuses query parameters an endpoint does not know.
 *
 * @param url The request's address.
 * @param known The parameters the endpoint takes.
 * @throws {ApiError} 400 for an unknown or repeated parameter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkQuery } from "./input.ts";
 * checkQuery(new URL("http://127.0.0.1/api/journal?since=3"), ["since"]); // accepted
 * assert.throws(
 *   () => checkQuery(new URL("http://127.0.0.1/api/journal?sinc=3"), ["since"]),
 *   { status: 400, message: 'Unknown query parameter "sinc": expected "since"' },
 * );
 * ```
 */
export function checkQuery(url: URL, known: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!known.includes(name)) {
      throw new ApiError(
        400,
        `Unknown query parameter "${name}": ${
          known.length > 0 ? `expected ${quoteList(known)}` : "this endpoint takes none"
        }`,
      );
    }
    if (seen.has(name)) throw new ApiError(400, `The query parameter "${name}" is repeated`);
    seen.add(name);
  }
}

/**
 * Reads a transaction number from a path or a query.
 *
 * @param text The number as written.
 * @param min The smallest number accepted. Default 1.
 * @param what What it is, for the message. Default `transaction number`.
 * @returns The number.
 * @throws {ApiError} 400 when it is not a whole number from `min`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseId } from "./input.ts";
 * assert.equal(parseId("42"), 42);
 * assert.equal(parseId("0", 0, "since"), 0);
 * assert.throws(() => parseId("x"), { status: 400 });
 * ```
 */
export function parseId(text: string, min = 1, what = "transaction number"): number {
  const value = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min)) {
    throw new ApiError(400, `Invalid ${what} "${text}": expected a whole number from ${min}`);
  }
  return value;
}

/**
 * Reads a register (CA): 2 digits, as a JSON string.
 *
 * @param value The value.
 * @returns The register.
 * @throws {ApiError} 400 when it is not 2 digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRegister } from "./input.ts";
 * assert.equal(parseRegister("02"), "02");
 * assert.throws(() => parseRegister("2"), /expected 2 digits as a string, such as "01"/);
 * ```
 */
export function parseRegister(value: unknown): string {
  if (typeof value !== "string" || !/^[0-9]{2}$/.test(value)) {
    throw new ApiError(
      400,
      `Invalid register ${show(value)}: expected 2 digits as a string, such as "01"`,
    );
  }
  return value;
}

/**
 * Reads a change of settings: every key of the settings table (`SETTINGS` in `../settings.ts`), as
 * in a scenario's `settings` (`failure`, `failure-type`, `duration` in seconds,
 * `payment-type`, `seller-contract`, `answer-version`, `terminal-id`, `input-timeout`,
 * `magic-amounts`, `fault`, `strict`), and `hold`. An optional setting given `null`
 * (`answer-version`: the request's CZ; `fault`: none) goes back to unset.
 *
 * @param body The JSON body.
 * @returns The change.
 * @throws {ApiError} 400 listing every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSettingsChange } from "./input.ts";
 * assert.deepEqual(parseSettingsChange({ failure: true, "failure-type": "refused", hold: true }), {
 *   failure: true,
 *   failureType: "refused",
 *   hold: true,
 * });
 * ```
 */
export function parseSettingsChange(body: unknown): SettingsChange {
  const object = expectObject(body, "the settings", SETTING_KEYS_ALL);
  const change: SettingsChange = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const row = findSetting(key)!;
    const unsettable = row.default === undefined && row.type.kind !== "flag";
    if (value === null && unsettable) change[row.field] = undefined;
    else rest[key] = value;
  }
  if (Object.keys(rest).length > 0) {
    const read = readSettingsValue(rest, SETTING_KEYS_ALL);
    if (read.problems) throw invalid([...read.problems]);
    const { settings, ...control } = read.value;
    Object.assign(change, settings, control);
  }
  if (Object.keys(object).length === 0) {
    throw new ApiError(
      400,
      `Nothing to change: give one setting or more of ${quoteList(SETTING_KEYS_ALL)}`,
    );
  }
  return change;
}

/**
 * Reads what to queue: `{ "outcome": ... }`, `{ "outcomes": [...] }` (each written as a
 * scenario's outcome: `"refused"`, `{ "result": "timeout", "delay": 5 }`...) or
 * `{ "decision": "contactless" }` (a dashboard button), with an optional `"register"`.
 *
 * @param body The JSON body.
 * @param settings The settings in force (a decision's card brand).
 * @returns The outcomes, and the register when one is given.
 * @throws {ApiError} 400 listing every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQueueRequest } from "./input.ts";
 * import { DEFAULT_SETTINGS } from "../behaviour.ts";
 * const body = { outcomes: ["refused", "approved"], register: "02" };
 * assert.deepEqual(parseQueueRequest(body, DEFAULT_SETTINGS), {
 *   outcomes: [{ status: "not-done", complement: "04" }, { status: "approved" }],
 *   register: "02",
 * });
 * ```
 */
export function parseQueueRequest(
  body: unknown,
  settings: Readonly<TerminalSettings>,
): { outcomes: OutcomeSpec[]; register?: string } {
  const object = expectObject(body, "what to queue", [
    "outcome",
    "outcomes",
    "decision",
    "register",
  ]);
  const outcomes = readChoice(object, settings, ["outcome", "outcomes", "decision"]).outcomes;
  return {
    outcomes,
    ...("register" in object ? { register: parseRegister(object.register) } : {}),
  };
}

/**
 * Reads the decision of a held transaction: `{ "decision": "contact" }` (a dashboard
 * button: `contact`, `contactless`, `refuse`, `cancel`, `abandon`, `timeout`) or
 * `{ "outcome": ... }` (written as a scenario's outcome), with an optional `"note"` for
 * the journal (up to 100 printable characters).
 *
 * @param body The JSON body.
 * @param settings The settings in force (a decision's card brand).
 * @returns The outcome and the note that says how it was decided.
 * @throws {ApiError} 400 listing every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDecision } from "./input.ts";
 * import { DEFAULT_SETTINGS } from "../behaviour.ts";
 * assert.deepEqual(parseDecision({ decision: "refuse", note: "dashboard" }, DEFAULT_SETTINGS), {
 *   outcome: { status: "not-done", complement: "04" },
 *   note: 'decision "refuse" (dashboard)',
 * });
 * ```
 */
export function parseDecision(
  body: unknown,
  settings: Readonly<TerminalSettings>,
): { outcome: OutcomeSpec; note: string } {
  const object = expectObject(body, "the decision", ["decision", "outcome", "note"]);
  const choice = readChoice(object, settings, ["decision", "outcome"]);
  let suffix = "";
  if ("note" in object) {
    const note = object.note;
    if (typeof note !== "string" || !/^[\x20-\x7e]{1,100}$/.test(note)) {
      throw new ApiError(
        400,
        `Invalid note ${show(note)}: expected 1 to 100 printable ASCII characters`,
      );
    }
    suffix = ` (${note})`;
  }
  return { outcome: choice.outcomes[0], note: `${choice.note}${suffix}` };
}

/**
 * Refuses a body for an endpoint that takes none (an empty object is accepted).
 *
 * @param body The JSON body, or `undefined` when there was none.
 * @throws {ApiError} 400 when it holds anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectNothing } from "./input.ts";
 * expectNothing(undefined);
 * expectNothing({});
 * assert.throws(() => expectNothing({ a: 1 }), { status: 400 });
 * ```
 */
export function expectNothing(body: unknown): void {
  if (body === undefined) return;
  expectObject(body, "the body", []);
}

/** Reads exactly one of the keys that say what to do: an outcome, outcomes or a decision. */
function readChoice(
  object: Record<string, unknown>,
  settings: Readonly<TerminalSettings>,
  keys: readonly ("outcome" | "outcomes" | "decision")[],
): { outcomes: OutcomeSpec[]; note: string } {
  const given = keys.filter((key) => key in object);
  if (given.length !== 1) {
    throw new ApiError(
      400,
      given.length === 0
        ? `Say what to do with one of ${quoteList(keys)}`
        : `Give only one of ${quoteList(given)}`,
    );
  }
  const key = given[0];
  const value = object[key];
  if (key === "decision") {
    const outcome = typeof value === "string" ? decisionOutcome(value, settings) : undefined;
    if (!outcome) {
      throw new ApiError(
        400,
        `Unknown decision ${show(value)}: expected one of ${quoteList(DECISION_NAMES)}`,
      );
    }
    return { outcomes: [outcome], note: `decision "${value}"` };
  }
  const items = key === "outcome" ? [value] : value;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_OUTCOMES) {
    throw new ApiError(
      400,
      `Expected outcomes as a list of 1 to ${MAX_OUTCOMES} outcomes, not ${show(value)}`,
    );
  }
  const outcomes: OutcomeSpec[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const read = readOutcomeValue(item);
    const where = key === "outcome" ? "outcome" : `outcomes[${index}]`;
    if (read.problems) problems.push(...read.problems.map((problem) => `${where}: ${problem}`));
    else outcomes.push(read.value);
  });
  if (problems.length > 0) throw invalid(problems);
  return { outcomes, note: `outcome "${describeOutcome(outcomes[0])}"` };
}

/** A JSON object with only known keys (all keys when `known` is not given). */
function expectObject(
  body: unknown,
  what: string,
  known?: readonly string[],
): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, `Expected ${what} as a JSON object, not ${show(body)}`);
  }
  const object = { ...body } as Record<string, unknown>;
  if (known) {
    const unknown = Object.keys(object).filter((key) => !known.includes(key));
    if (unknown.length > 0) {
      throw invalid(
        unknown.map((key) =>
          `Unknown field "${key}" in ${what}: ${
            known.length > 0 ? `expected ${quoteList(known)}` : "expected none"
          }`
        ),
      );
    }
  }
  return object;
}

function invalid(problems: readonly string[]): ApiError {
  return new ApiError(
    400,
    problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more)`,
    { problems },
  );
}

/** A value from the body, shown in a message: JSON, cut short. */
function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
