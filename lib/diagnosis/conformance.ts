/**
 * The kinds of conformance problems of a request, for the finding
 * `request-nonconformant`: the journal entry's findings (from `checkRequest`) sorted
 * into stable kinds, plus what only the raw bytes show (the serial STX/ETX/LRC framing,
 * control bytes such as ACK/EOT before a request, a CR/LF terminator, an amount
 * zero-padded). Pure.
 *
 * @module
 */

import { checkRequest, type Finding } from "../message.ts";
import { decodePartial } from "../tlv.ts";
import type { Severity } from "./finding.ts";

/** One kind of conformance problem in one request. */
export interface ConformanceProblem {
  /**
   * Stable kebab-case kind: `serial-framing`, `bytes-after-answer`, `line-terminator`,
   * `bf-sent`, `unknown-tag`, `terminal-tag`, `amount-zero-padded`,
   * `amount-with-identification`, `malformed-frame`, `missing-<tag>`, `format-<tag>`
   * (`format-cb`: CB with one digit...), `unknown-value-<tag>`.
   */
  kind: string;
  /** The family of the kind (`missing`, `format`...); the kind itself when it has none. */
  family: string;
  /** How bad it is. */
  severity: Severity;
  /** The tag concerned, if any. */
  tag?: string;
  /** What is wrong, in words (the checker's message, or the raw check's). */
  message: string;
  /** For `unknown-tag`: every unknown tag of the request. */
  tags?: string[];
}

const STX = "\x02";
const ETX = "\x03";
/** Bytes of the serial link's handshakes: ACK, EOT, NAK, ENQ. */
const HANDSHAKE = new Set(["\x06", "\x04", "\x15", "\x05"]);

/**
 * Sorts a request's conformance problems into kinds, one entry per kind.
 *
 * @param raw The request as received, one character per byte.
 * @param findings Its findings, as `checkRequest` gave them (the journal entry's). When
 * the raw bytes carry a framing or control bytes, the records inside are checked again
 * and the findings that are only a consequence of the framing are left out.
 * @param fields The request's records by tag, to spot a zero-padded amount.
 * @returns The problems, one per kind, in the order found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { conformanceProblems } from "./conformance.ts";
 * import { checkRequest } from "../message.ts";
 * import { decode } from "../tlv.ts";
 * const raw = "CZ0040300CJ012012345678901CA00201CE003978CD0010CB00205BF0010";
 * const problems = conformanceProblems(raw, checkRequest(decode(raw)));
 * assert.deepEqual(problems.map((p) => p.kind), ["bf-sent"]);
 * ```
 */
export function conformanceProblems(
  raw: string,
  findings: readonly Finding[],
  fields: Readonly<Record<string, string>> = {},
): ConformanceProblem[] {
  if (findings.length === 0 && isPlain(raw) && !isZeroPadded(fields.CB)) return [];
  const problems = new Map<string, ConformanceProblem>();
  const add = (problem: ConformanceProblem) => {
    const known = problems.get(problem.kind);
    if (!known) problems.set(problem.kind, problem);
    else if (known.tags && problem.tag && !known.tags.includes(problem.tag)) {
      known.tags.push(problem.tag);
    }
  };
  let inner = raw;
  let skip = 0;
  while (skip < inner.length && HANDSHAKE.has(inner[skip])) skip++;
  if (skip > 0) {
    add(raw_("bytes-after-answer", "warning", "Control bytes (ACK/EOT) before the request"));
    inner = inner.slice(skip);
  }
  if (inner.startsWith(STX) || inner.includes(ETX)) {
    add(raw_(
      "serial-framing",
      "failure",
      "The records are wrapped in STX ... ETX + LRC, the serial link's framing",
    ));
    const start = inner.startsWith(STX) ? 1 : 0;
    const end = inner.indexOf(ETX);
    inner = inner.slice(start, end < 0 ? undefined : end);
  }
  const terminator = /[\r\n]+$/.exec(inner);
  if (terminator) {
    add(raw_("line-terminator", "failure", "The request ends with CR/LF"));
    inner = inner.slice(0, terminator.index);
  }
  let checked: readonly Finding[] = findings;
  let innerFields = fields;
  if (inner !== raw) {
    const decoded = decodePartial(inner);
    checked = checkRequest(decoded.fields, decoded.error);
    innerFields = Object.fromEntries(decoded.fields.map((f) => [f.tag, f.value]));
  }
  for (const finding of checked) add(classify(finding));
  const amount = innerFields.CB;
  if (amount !== undefined && isZeroPadded(amount)) {
    add({
      kind: "amount-zero-padded",
      family: "amount-zero-padded",
      severity: "info",
      tag: "CB",
      message: `CB "${amount}" is zero-padded`,
    });
  }
  return [...problems.values()];
}

/**
 * Whether a request's bytes are records only: no handshake byte before them, no STX or
 * ETX, no CR or LF at the end (the cases the checks above look for). Most requests are:
 * they are then judged by their findings alone, without a pass over their text again.
 */
function isPlain(raw: string): boolean {
  if (raw.length === 0) return true;
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  return !HANDSHAKE.has(raw[0]) && first !== 2 && last !== 10 && last !== 13 &&
    !raw.includes(ETX);
}

function isZeroPadded(amount: string | undefined): boolean {
  return amount !== undefined && /^0[0-9]{2,}$/.test(amount);
}

function raw_(kind: string, severity: Severity, message: string): ConformanceProblem {
  return { kind, family: kind, severity, message };
}

/** The kind of one finding of `checkRequest`. */
function classify(finding: Finding): ConformanceProblem {
  const { tag, message } = finding;
  const base = finding.level === "error" ? "failure" : "warning";
  const make = (family: string, severity: Severity, withTag = true): ConformanceProblem => ({
    kind: withTag && tag ? `${family}-${tag.toLowerCase()}` : family,
    family,
    severity,
    ...(tag ? { tag } : {}),
    message,
  });
  if (tag === undefined) return make("malformed-frame", "failure", false);
  if (message.startsWith("Mandatory")) return make("missing", "failure");
  if (tag === "BF" && message.startsWith("BF must not")) return make("bf-sent", "failure", false);
  if (message.startsWith("Unknown tag")) {
    return { ...make("unknown-tag", "warning", false), tags: [tag] };
  }
  if (message.includes("is sent by the terminal")) return make("terminal-tag", "warning", false);
  if (message.startsWith("CB is not sent with an identification")) {
    return make("amount-with-identification", "warning", false);
  }
  if (message.startsWith("Unknown ")) return make("unknown-value", base);
  if (message.includes(" must be ")) return make("format", base);
  // A frame error at a record (bad length, cut short, duplicate, order).
  if (finding.level === "error") return make("malformed-frame", "failure", false);
  return make("other", base);
}
