/**
 * Faults: the unhappy paths between a terminal's decision and the point of sale. The
 * terminal decides a transaction as usual (that is what it believes happened, and what
 * the journal records); a fault then changes how, or whether, the answer reaches the POS:
 * never sent, the connection closed or reset, the answer split, dribbled, cut short or
 * replaced by garbage; or the terminal is busy, or stops accepting connections.
 *
 * This module is pure: it names and parses faults ({@linkcode parseFault}), describes
 * them, and plans their delivery ({@linkcode planDelivery}: the pieces written, the pauses
 * between them, how the connection ends). The simulator's I/O shell (`delivery.ts`)
 * carries the plan out.
 *
 * Each fault is one entry of {@linkcode FAULTS} (a {@linkcode FaultDefinition}): its
 * summary and typed parameters, whether it answers at once, the outcome it forces and the
 * one it needs, its words in logs, its delivery and what it does after the decision. The
 * decision, the simulator, the log and the scenario reader ask the entry
 * ({@linkcode faultOutcome}, {@linkcode answersAtOnce}, {@linkcode afterDecision},
 * {@linkcode faultConflict}, {@linkcode describeFault}, {@linkcode planDelivery}) and
 * never test a fault's name: a new fault is a new entry, and a new name in
 * {@linkcode FaultKind} and {@linkcode FaultSpec}.
 *
 * @module
 */

import { closestWord } from "../words.ts";
import type { Random } from "../random.ts";
import type { OutcomeSpec } from "./outcome.ts";

/** The name of a fault. */
export type FaultKind =
  | "none"
  | "no-answer"
  | "close-before-answer"
  | "reset"
  | "approve-then-drop"
  | "split-answer"
  | "slow-answer"
  | "garbage-answer"
  | "truncated-answer"
  | "busy"
  | "refuse-connections";

/**
 * A fault, as a tester asks for it: its kind and, for some, parameters (a missing
 * parameter takes its default, see {@linkcode FAULTS}).
 *
 * - `none`: no fault (overrides a default fault, such as the server's `--fault`);
 * - `no-answer`: the request is read and never answered; the connection stays open, silent,
 *   until the POS closes it (or the idle time-out);
 * - `close-before-answer`: the connection is closed as soon as the request is read (or
 *   after the outcome's own `delay`, when it gives one), without an answer;
 * - `reset`: the same, with an abortive close (Deno sends a FIN: see lib/terminal/FAULTS.md,
 *   "Reset in Deno");
 * - `approve-then-drop`: the terminal approves (AE=10, with its authorisation number)
 *   and, after the delay, closes the connection without sending the answer;
 * - `split-answer`: the answer in `segments` pieces, `gapMs` apart;
 * - `slow-answer`: the answer `bytes` bytes at a time, `intervalMs` apart;
 * - `garbage-answer`: `bytes` bytes that are not a Caisse-AP frame instead of the answer,
 *   then the connection is closed;
 * - `truncated-answer`: the answer cut inside a record (after `at` bytes; by default in
 *   the middle of the status record AE), then the connection is closed;
 * - `busy`: answered at once AE=01 AF=07 (not completed), as a terminal serving another
 *   sale;
 * - `refuse-connections`: answered as decided, and the terminal stops listening for
 *   `periodMs` (connections are refused), then listens again on the same port.
 */
export type FaultSpec =
  | { readonly kind: "none" }
  | { readonly kind: "no-answer" }
  | { readonly kind: "close-before-answer" }
  | { readonly kind: "reset" }
  | { readonly kind: "approve-then-drop" }
  | { readonly kind: "split-answer"; readonly segments?: number; readonly gapMs?: number }
  | { readonly kind: "slow-answer"; readonly bytes?: number; readonly intervalMs?: number }
  | { readonly kind: "garbage-answer"; readonly bytes?: number }
  | { readonly kind: "truncated-answer"; readonly at?: number }
  | { readonly kind: "busy" }
  | { readonly kind: "refuse-connections"; readonly periodMs?: number };

/** A parameter of a fault, as written in a scenario file or on the command line. */
export interface FaultParameter {
  /** The name written: `segments`, `gap`... */
  readonly name: string;
  /** The property of {@linkcode FaultSpec} it sets: `segments`, `gapMs`... */
  readonly key: string;
  /** `count` (a whole number), `bytes` (a whole number) or `seconds` (decimals allowed, kept in milliseconds). */
  readonly unit: "count" | "bytes" | "seconds";
  /** Smallest value, in the unit written (seconds for durations). */
  readonly min: number;
  /** Largest value, in the unit written. */
  readonly max: number;
  /** The default, in the property's unit (milliseconds for durations); none for `at`. */
  readonly default?: number;
  /** What it sets, in words. */
  readonly description: string;
}

/** What the documentation and the help say about a fault. */
export interface FaultInfo {
  /** One line: what the POS sees. */
  readonly summary: string;
  /** Its parameters, if any. */
  readonly parameters: readonly FaultParameter[];
}

/** The values of a fault's parameters by {@linkcode FaultParameter.key}, defaults filled in. */
export type FaultValues = Readonly<Record<string, number | undefined>>;

/** What a fault can act on after the decision: the terminal. */
export interface FaultTerminal {
  /** Stops listening for a while (see the simulator's `refuseConnections`). */
  refuseConnections(periodMs: number, transactionId?: number): void;
}

/**
 * A fault, whole: what it is, what it needs and what it does. A new fault is one entry
 * of {@linkcode FAULTS}; nothing else in the terminal names a fault.
 */
export interface FaultDefinition extends FaultInfo {
  /** Answered at once: the settings' delay does not apply (an outcome's own delay does). */
  readonly immediate?: boolean;
  /**
   * The outcome it forces, from the outcome asked for (`approve-then-drop` approves,
   * `busy` is not done AF=07); absent: the outcome as asked.
   */
  readonly outcome?: (asked: OutcomeSpec, fault: FaultSpec) => OutcomeSpec;
  /**
   * What it needs of the outcome it goes with, checked by the scenario reader:
   * `approved` (only with the result approved) or `no-result` (it answers by itself).
   */
  readonly needs?: "approved" | "no-result";
  /** The reason of a not-done answer it forces, in words (its AF code given). */
  readonly reason?: (complement: string) => string;
  /** The words after its name in logs: `3 pieces, 0.2 s apart`; absent: the name alone. */
  readonly describe?: (values: FaultValues) => string;
  /** How the answer reaches the POS; absent: the answer as usual, whole. */
  readonly deliver?: (answer: string, values: FaultValues, random: Random) => Delivery;
  /** What it does to the terminal once the transaction is decided. */
  readonly afterDecision?: (
    terminal: FaultTerminal,
    values: FaultValues,
    transactionId: number,
  ) => void;
}

/**
 * The answer AF of a busy terminal: 07, not completed (lib/terminal/FAULTS.md, "Why busy
 * is AF=07", says why).
 */
export const BUSY_COMPLEMENT = "07";

/** Nothing sent, the connection ended `end`: the delivery of the faults that drop the answer. */
function nothing(end: DeliveryEnd, description: string): () => Delivery {
  return () => ({ segments: [], end, description, asUsual: false });
}

/**
 * Every fault, with what it needs and does, in the order of the documentation: the one
 * place a fault is defined.
 */
export const FAULTS: Readonly<Record<FaultKind, FaultDefinition>> = Object.freeze({
  "none": { summary: "no fault (overrides a default fault)", parameters: [] },
  "no-answer": {
    summary: "read the request, never answer; the connection stays open until the POS closes it",
    parameters: [],
    deliver: nothing(
      "hold",
      "no answer: the connection is kept open, silent, until the POS closes it",
    ),
  },
  "close-before-answer": {
    summary: "close the connection as soon as the request is read, without an answer",
    parameters: [],
    immediate: true,
    deliver: nothing("close", "no answer: the connection is closed after the request"),
  },
  "reset": {
    summary:
      "abort the connection as soon as the request is read (emulated: see lib/terminal/FAULTS.md)",
    parameters: [],
    immediate: true,
    deliver: nothing("reset", "no answer: the connection is aborted after the request"),
  },
  "approve-then-drop": {
    summary: "approve (AE=10, authorisation number), then close without sending the answer",
    parameters: [],
    needs: "approved",
    outcome: (asked) => {
      if (asked.status === "approved") return asked;
      const { complement: _c, complementDetail: _d, ...rest } = asked;
      return { ...rest, status: "approved" };
    },
    deliver: nothing("close", "the answer is dropped: the connection is closed without it"),
  },
  "split-answer": {
    summary: "send the answer in several pieces with pauses between them",
    parameters: [
      {
        name: "segments",
        key: "segments",
        unit: "count",
        min: 2,
        max: 100,
        default: 2,
        description: "number of pieces",
      },
      {
        name: "gap",
        key: "gapMs",
        unit: "seconds",
        min: 0,
        max: 60,
        default: 500,
        description: "pause between two pieces",
      },
    ],
    describe: (v) => `${v.segments} pieces, ${seconds(v.gapMs!)} apart`,
    deliver: (answer, v) => {
      const count = Math.min(v.segments!, answer.length);
      const segments: DeliverySegment[] = [];
      for (let i = 0; i < count; i++) {
        const from = Math.floor(answer.length * i / count);
        const to = Math.floor(answer.length * (i + 1) / count);
        segments.push({ text: answer.slice(from, to), pauseMs: i === 0 ? 0 : v.gapMs! });
      }
      return {
        segments,
        end: "normal",
        description: `the answer in ${count} pieces, ${seconds(v.gapMs!)} apart`,
        asUsual: false,
      };
    },
  },
  "slow-answer": {
    summary: "send the answer a few bytes at a time",
    parameters: [
      {
        name: "bytes",
        key: "bytes",
        unit: "bytes",
        min: 1,
        max: 1000,
        default: 4,
        description: "bytes per piece",
      },
      {
        name: "interval",
        key: "intervalMs",
        unit: "seconds",
        min: 0,
        max: 60,
        default: 100,
        description: "pause between two pieces",
      },
    ],
    describe: (v) => `${bytes(v.bytes!)} every ${seconds(v.intervalMs!)}`,
    deliver: (answer, v) => {
      const segments: DeliverySegment[] = [];
      for (let at = 0; at < answer.length; at += v.bytes!) {
        segments.push({
          text: answer.slice(at, at + v.bytes!),
          pauseMs: at === 0 ? 0 : v.intervalMs!,
        });
      }
      return {
        segments,
        end: "normal",
        description: `the answer ${bytes(v.bytes!)} at a time, every ${seconds(v.intervalMs!)}`,
        asUsual: false,
      };
    },
  },
  "garbage-answer": {
    summary: "send bytes that are not a Caisse-AP frame instead of the answer, then close",
    parameters: [
      {
        name: "bytes",
        key: "bytes",
        unit: "bytes",
        min: 1,
        max: 65_536,
        default: 32,
        description: "how many bytes",
      },
    ],
    describe: (v) => `${v.bytes} bytes`,
    deliver: (_answer, v, random) => ({
      segments: [{ text: garbage(v.bytes!, random), pauseMs: 0 }],
      end: "close",
      description:
        `${v.bytes} bytes of garbage instead of the answer, then the connection is closed`,
      asUsual: false,
    }),
  },
  "truncated-answer": {
    summary: "send the answer cut inside a record, then close",
    parameters: [
      {
        name: "at",
        key: "at",
        unit: "bytes",
        min: 1,
        max: 65_535,
        description: "bytes sent (default: up to the middle of the status record AE)",
      },
    ],
    describe: (v) => v.at === undefined ? "inside AE" : `${v.at} bytes`,
    deliver: (answer, v) => {
      const at = Math.min(v.at ?? insideStatus(answer), Math.max(answer.length - 1, 0));
      return {
        segments: [{ text: answer.slice(0, at), pauseMs: 0 }],
        end: "close",
        description:
          `the answer cut after ${at} of its ${answer.length} bytes, then the connection is closed`,
        asUsual: false,
      };
    },
  },
  "busy": {
    summary:
      `answer at once AE=01 AF=${BUSY_COMPLEMENT} (not completed), as a terminal busy with another sale`,
    parameters: [],
    immediate: true,
    needs: "no-result",
    outcome: (_asked, fault) => ({ status: "not-done", complement: BUSY_COMPLEMENT, fault }),
    reason: (complement) => `busy with another sale, AF=${complement}`,
  },
  "refuse-connections": {
    summary: "answer as decided, then refuse connections for a period (stop listening)",
    parameters: [
      {
        name: "period",
        key: "periodMs",
        unit: "seconds",
        min: 0.01,
        max: 3600,
        default: 5000,
        description: "how long connections are refused",
      },
    ],
    describe: (v) => `for ${seconds(v.periodMs!)}`,
    afterDecision: (terminal, v, transactionId) =>
      terminal.refuseConnections(v.periodMs!, transactionId),
  },
});

/** Every fault name, in the order of the documentation. */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(Object.keys(FAULTS) as FaultKind[]);

/**
 * Whether a text is the name of a fault.
 *
 * @param name The text.
 * @returns Whether it is one of {@linkcode FAULT_KINDS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFaultKind } from "./fault.ts";
 * assert.equal(isFaultKind("reset"), true);
 * assert.equal(isFaultKind("explode"), false);
 * ```
 */
export function isFaultKind(name: string): name is FaultKind {
  return Object.hasOwn(FAULTS, name);
}

/**
 * Checks one parameter's value, written in its unit (seconds for durations), and gives
 * it in the unit of {@linkcode FaultSpec} (milliseconds for durations).
 *
 * @param parameter The parameter.
 * @param value The value written.
 * @returns The value to store, or the problem in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFaultParameter, FAULTS } from "./fault.ts";
 * const gap = FAULTS["split-answer"].parameters[1];
 * assert.deepEqual(checkFaultParameter(gap, 0.25), { value: 250 });
 * assert.equal(
 *   checkFaultParameter(gap, 90).problem,
 *   "expected a number of seconds from 0 to 60, not 90",
 * );
 * ```
 */
export function checkFaultParameter(
  parameter: FaultParameter,
  value: number,
): { value: number; problem?: undefined } | { value?: undefined; problem: string } {
  const { min, max } = parameter;
  const expected = parameter.unit === "seconds"
    ? `a number of seconds from ${min} to ${max}`
    : `a whole number from ${min} to ${max}`;
  if (
    !Number.isFinite(value) || value < min || value > max ||
    (parameter.unit !== "seconds" && !Number.isInteger(value))
  ) {
    return { problem: `expected ${expected}, not ${value}` };
  }
  return { value: parameter.unit === "seconds" ? Math.round(value * 1000) : value };
}

/**
 * Reads a fault as written on the command line: its name, then optionally a colon and
 * parameters `name=value` separated by commas (durations in seconds).
 *
 * @param text For example `"no-answer"` or `"split-answer:segments=3,gap=0.2"`.
 * @returns The fault.
 * @throws {SyntaxError} An unknown fault or parameter, or a parameter without a value.
 * @throws {RangeError} A parameter out of its range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFault } from "./fault.ts";
 * assert.deepEqual(parseFault("split-answer:segments=3,gap=0.2"), {
 *   kind: "split-answer",
 *   segments: 3,
 *   gapMs: 200,
 * });
 * assert.deepEqual(parseFault("reset"), { kind: "reset" });
 * assert.throws(() => parseFault("explode"), SyntaxError);
 * ```
 */
export function parseFault(text: string): FaultSpec {
  const colon = text.indexOf(":");
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!isFaultKind(name)) {
    const near = closestWord(name, FAULT_KINDS, { maxDistance: 3, prefixes: true });
    throw new SyntaxError(
      `Unknown fault "${name}": ${near ? `did you mean "${near}"? ` : ""}expected one of ${
        FAULT_KINDS.join(", ")
      }`,
    );
  }
  const info = FAULTS[name];
  const spec: Record<string, unknown> = { kind: name };
  const rest = colon < 0 ? "" : text.slice(colon + 1).trim();
  if (rest === "") return spec as FaultSpec;
  for (const item of rest.split(",")) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const parameter = info.parameters.find((p) => p.name === key);
    if (!parameter) {
      throw new SyntaxError(
        info.parameters.length === 0
          ? `The fault "${name}" takes no parameter, not "${key}"`
          : `Unknown parameter "${key}" of the fault "${name}": expected ${
            info.parameters.map((p) => p.name).join(", ")
          }`,
      );
    }
    const raw = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (!/^[0-9]+(\.[0-9]+)?$/.test(raw)) {
      throw new SyntaxError(
        `Invalid ${key} "${raw}" of the fault "${name}": expected ${
          parameter.unit === "seconds" ? "a number of seconds" : "a whole number"
        }, such as ${key}=${parameter.unit === "seconds" ? "0.5" : "3"}`,
      );
    }
    const checked = checkFaultParameter(parameter, Number(raw));
    if (checked.problem !== undefined) {
      throw new RangeError(`Invalid ${key} of the fault "${name}": ${checked.problem}`);
    }
    spec[parameter.key] = checked.value;
  }
  return spec as FaultSpec;
}

/**
 * Checks a fault made by a program (a queued outcome, the control API): a known kind,
 * known parameters, each in its range.
 *
 * @param fault The fault.
 * @returns The problem in words, or `undefined` when the fault is valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFault } from "./fault.ts";
 * assert.equal(
 *   checkFault({ kind: "split-answer", segments: 1 }),
 *   'Invalid segments of the fault "split-answer": expected a whole number from 2 to 100, not 1',
 * );
 * assert.equal(checkFault({ kind: "no-answer" }), undefined);
 * ```
 */
export function checkFault(fault: FaultSpec): string | undefined {
  if (!fault || typeof fault !== "object" || !isFaultKind(String(fault.kind))) {
    return `Unknown fault "${(fault as { kind?: unknown })?.kind}": expected one of ${
      FAULT_KINDS.join(", ")
    }`;
  }
  const info = FAULTS[fault.kind];
  for (const [key, value] of Object.entries(fault)) {
    if (key === "kind") continue;
    const parameter = info.parameters.find((p) => p.key === key);
    if (!parameter) return `Unknown parameter "${key}" of the fault "${fault.kind}"`;
    if (typeof value !== "number") {
      return `Invalid ${parameter.name} of the fault "${fault.kind}": expected a number`;
    }
    const written = parameter.unit === "seconds" ? value / 1000 : value;
    const checked = checkFaultParameter(parameter, written);
    if (checked.problem !== undefined) {
      return `Invalid ${parameter.name} of the fault "${fault.kind}": ${checked.problem}`;
    }
  }
  return undefined;
}

/**
 * Writes a fault back as the command line takes it, every parameter given.
 *
 * @param fault The fault.
 * @returns For example `"split-answer:segments=2,gap=0.5"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFault } from "./fault.ts";
 * assert.equal(formatFault({ kind: "split-answer" }), "split-answer:segments=2,gap=0.5");
 * assert.equal(formatFault({ kind: "reset" }), "reset");
 * ```
 */
export function formatFault(fault: FaultSpec): string {
  const values = faultValues(fault);
  const parameters = FAULTS[fault.kind].parameters
    .filter((p) => values[p.key] !== undefined)
    .map((p) => `${p.name}=${p.unit === "seconds" ? values[p.key]! / 1000 : values[p.key]}`);
  return parameters.length === 0 ? fault.kind : `${fault.kind}:${parameters.join(",")}`;
}

/**
 * Describes a fault in a few words, for logs: `split-answer (3 pieces, 0.2 s apart)`.
 *
 * @param fault The fault.
 * @returns The words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFault } from "./fault.ts";
 * assert.equal(describeFault({ kind: "slow-answer" }), "slow-answer (4 bytes every 0.1 s)");
 * ```
 */
export function describeFault(fault: FaultSpec): string {
  const words = FAULTS[fault.kind].describe?.(faultValues(fault));
  return words === undefined ? fault.kind : `${fault.kind} (${words})`;
}

/**
 * The values of a fault's parameters, by key, defaults filled in: what a caller reads
 * instead of a parameter's position.
 *
 * @param fault The fault.
 * @returns Each parameter's value (`undefined` for one without a default, not given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultValues } from "./fault.ts";
 * assert.deepEqual(faultValues({ kind: "split-answer", segments: 3 }), {
 *   segments: 3,
 *   gapMs: 500,
 * });
 * ```
 */
export function faultValues(fault: FaultSpec): FaultValues {
  const values: Record<string, number | undefined> = {};
  for (const parameter of FAULTS[fault.kind].parameters) {
    values[parameter.key] =
      (fault as unknown as Record<string, number | undefined>)[parameter.key] ??
        parameter.default;
  }
  return values;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function bytes(count: number): string {
  return `${count} byte${count === 1 ? "" : "s"}`;
}

/**
 * How the connection ends after the pieces of a {@linkcode Delivery}:
 * - `normal`: as without a fault (closed after the answer, unless kept open);
 * - `close`: closed at once (a FIN), the POS reads the end of the stream;
 * - `reset`: aborted (see lib/terminal/FAULTS.md: Deno cannot send a TCP RST);
 * - `hold`: kept open and silent until the POS closes it, the idle time-out or a stop.
 */
export type DeliveryEnd = "normal" | "close" | "reset" | "hold";

/** One piece of what reaches the POS. */
export interface DeliverySegment {
  /** The bytes, one character per byte. */
  readonly text: string;
  /** Pause before writing it, in milliseconds. */
  readonly pauseMs: number;
}

/** How an answer reaches the POS: the pieces written, in order, and how the connection ends. */
export interface Delivery {
  /** The pieces, each after its pause; none when nothing is sent. */
  readonly segments: readonly DeliverySegment[];
  /** How the connection ends. */
  readonly end: DeliveryEnd;
  /** What reaches the POS, in words, for the log and the journal. */
  readonly description: string;
  /**
   * Whether the answer goes as without a fault: whole, at once, the connection as usual
   * ({@linkcode planDelivery} always says; absent counts as no).
   */
  readonly asUsual?: boolean;
}

/**
 * Plans how an answer reaches the POS under a fault. Pure: the garbage bytes are drawn
 * from `random`.
 *
 * @param fault The fault (`undefined` or `none`: the whole answer, as usual).
 * @param answer The answer as decided, one character per byte.
 * @param random Where garbage bytes come from.
 * @returns The delivery.
 *
 * @example An answer in three pieces
 * ```ts
 * import assert from "node:assert/strict";
 * import { planDelivery } from "./fault.ts";
 * import { seededRandom } from "../random.ts";
 * const fault = { kind: "split-answer", segments: 3, gapMs: 200 } as const;
 * const plan = planDelivery(fault, "CZ0040300AE00210", seededRandom(1));
 * assert.deepEqual(plan.segments.map((s) => s.text), ["CZ004", "0300A", "E00210"]);
 * assert.deepEqual(plan.segments.map((s) => s.pauseMs), [0, 200, 200]);
 * ```
 */
export function planDelivery(
  fault: FaultSpec | undefined,
  answer: string,
  random: Random,
): Delivery {
  const deliver = fault && FAULTS[fault.kind].deliver;
  if (!deliver) {
    return {
      segments: [{ text: answer, pauseMs: 0 }],
      end: "normal",
      description: "the answer",
      asUsual: true,
    };
  }
  return deliver(answer, faultValues(fault), random);
}

/**
 * The fault in force, if any: the one the outcome names, else the default one; `none`
 * (which overrides a default) is no fault.
 *
 * @param asked The outcome's fault.
 * @param fallback The default fault (the settings').
 * @returns The fault, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activeFault } from "./fault.ts";
 * assert.equal(activeFault({ kind: "none" }, { kind: "reset" }), undefined);
 * assert.deepEqual(activeFault(undefined, { kind: "reset" }), { kind: "reset" });
 * ```
 */
export function activeFault(
  asked: FaultSpec | undefined,
  fallback: FaultSpec | undefined,
): FaultSpec | undefined {
  const chosen = asked ?? fallback;
  return chosen && chosen.kind !== "none" ? chosen : undefined;
}

/**
 * The outcome a fault leaves: the one it forces, or the one asked for.
 *
 * @param asked The outcome asked for.
 * @param fault The fault in force.
 * @returns The outcome to answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultOutcome } from "./fault.ts";
 * const refused = { status: "not-done", complement: "04" } as const;
 * assert.deepEqual(faultOutcome(refused, { kind: "approve-then-drop" }), { status: "approved" });
 * assert.equal(faultOutcome(refused, { kind: "reset" }), refused);
 * ```
 */
export function faultOutcome(asked: OutcomeSpec, fault: FaultSpec | undefined): OutcomeSpec {
  const force = fault && FAULTS[fault.kind].outcome;
  return force ? force(asked, fault) : asked;
}

/**
 * Whether a fault answers at once, the settings' delay left out.
 *
 * @param fault The fault in force.
 * @returns Whether it is immediate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answersAtOnce } from "./fault.ts";
 * assert.equal(answersAtOnce({ kind: "busy" }), true);
 * assert.equal(answersAtOnce({ kind: "no-answer" }), false);
 * ```
 */
export function answersAtOnce(fault: FaultSpec | undefined): boolean {
  return fault !== undefined && FAULTS[fault.kind].immediate === true;
}

/**
 * What is wrong with a fault beside the result it goes with, for the scenario reader:
 * `approve-then-drop` approves, `busy` answers by itself.
 *
 * @param fault The fault of the outcome.
 * @param outcome The outcome's status and AF code, and whether a result was written.
 * @returns The problem in words, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultConflict } from "./fault.ts";
 * assert.equal(
 *   faultConflict({ kind: "busy" }, { status: "approved", written: true }),
 *   '"busy" answers AE=01 AF=07 by itself: give no result with it',
 * );
 * assert.equal(faultConflict({ kind: "reset" }, { status: "not-done", written: true }), undefined);
 * ```
 */
export function faultConflict(
  fault: FaultSpec | undefined,
  outcome: { status: string; complement?: string; written: boolean },
): string | undefined {
  const needs = fault && FAULTS[fault.kind].needs;
  if (needs === "approved" && outcome.status !== "approved") {
    return `"${
      fault!.kind
    }" approves: it goes with the result approved, not with AF=${outcome.complement}`;
  }
  if (needs === "no-result" && outcome.written) {
    const forced = faultOutcome({ status: "approved" }, fault);
    return `"${
      fault!.kind
    }" answers AE=01 AF=${forced.complement} by itself: give no result with it`;
  }
  return undefined;
}

/**
 * Does what a fault does to the terminal once the transaction is decided (such as
 * `refuse-connections` stopping to listen).
 *
 * @param fault The fault in force.
 * @param terminal The terminal.
 * @param transactionId The transaction decided.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { afterDecision } from "./fault.ts";
 * const periods: number[] = [];
 * const terminal = { refuseConnections: (ms: number) => periods.push(ms) };
 * afterDecision({ kind: "refuse-connections" }, terminal, 1);
 * assert.deepEqual(periods, [5000]);
 * ```
 */
export function afterDecision(
  fault: FaultSpec | undefined,
  terminal: FaultTerminal,
  transactionId: number,
): void {
  if (!fault) return;
  FAULTS[fault.kind].afterDecision?.(terminal, faultValues(fault), transactionId);
}

/** An offset inside the value of the status record AE (or the middle of the answer). */
function insideStatus(answer: string): number {
  // Walk the records: a tag "AE" found by a plain search could sit inside a value.
  let offset = 0;
  while (offset + 5 <= answer.length) {
    const tag = answer.slice(offset, offset + 2);
    const length = Number(answer.slice(offset + 2, offset + 5));
    if (!Number.isInteger(length)) break;
    if (tag === "AE") return offset + 5 + Math.floor(length / 2);
    offset += 5 + length;
  }
  return Math.floor(answer.length / 2);
}

/**
 * Bytes that are no Caisse-AP frame: the first is never an uppercase letter (no tag can
 * start there), the others a mix of printable ASCII, control and non-ASCII bytes.
 */
function garbage(count: number, random: Random): string {
  const first = "\x00\x15\xff#?~abc"[random.int(9)];
  let text = first;
  for (let i = 1; i < count; i++) {
    const kind = random.int(4);
    text += String.fromCharCode(
      kind === 0 ? random.int(32) : kind === 1 ? 0x80 + random.int(128) : 0x20 + random.int(95),
    );
  }
  return text;
}
