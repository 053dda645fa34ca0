/**
 * A conformance report for any captured frame, request or answer: what it holds, in words,
 * and what it does differently from the protocol, with the offsets to look at.
 *
 * @module
 */

import {
  type Answer,
  checkAnswer,
  checkRequest,
  explainAnswer,
  type Finding,
  parseAnswer,
  parseRequest,
} from "./message.ts";
import { formatAmount } from "./money.ts";
import { tagName, valueMeaning } from "./tags.ts";
import { decodePartial, escapeText, type Field, type FrameError, toText } from "./tlv.ts";

/** What {@linkcode reportFrame} found in a frame. */
export interface FrameReport {
  /** `answer` when the frame holds AE (sent by a terminal), `request` otherwise. */
  kind: "request" | "answer";
  /** The frame, one character per byte. */
  text: string;
  /** The records that could be decoded. */
  fields: Field[];
  /** The decoding defect, if the frame is malformed. */
  error?: FrameError;
  /** What the frame does differently from the protocol, errors first. */
  findings: Finding[];
  /** For an answer, the answer read into named properties. */
  answer?: Answer;
}

/**
 * Decodes a frame as far as it goes and checks it: as an answer when it holds AE, as a
 * request otherwise.
 *
 * @param input The frame, as text or bytes.
 * @returns The report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFrame } from "./report.ts";
 * const report = reportFrame("CZ0040300CJ003012CA00201CE003978CD0010CB0041250");
 * assert.equal(report.kind, "request");
 * assert.equal(report.findings[0].message, "CJ must be 12 digits");
 * ```
 */
export function reportFrame(input: string | Uint8Array): FrameReport {
  const text = toText(input);
  const { fields, error } = decodePartial(text);
  const isAnswer = fields.some((f) => f.tag === "AE");
  const base = { text, fields, ...(error ? { error } : {}) };
  return isAnswer
    ? { kind: "answer", ...base, findings: checkAnswer(fields, error), answer: parseAnswer(fields) }
    : { kind: "request", ...base, findings: checkRequest(fields, error) };
}

/**
 * Writes a report for people: a summary line, the table of records with their names and
 * meanings, the defect with a caret under its offset, the findings, and for an answer its
 * explanation in words.
 *
 * @param report The report.
 * @returns The lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatReport, reportFrame } from "./report.ts";
 * assert.equal(
 *   formatReport(reportFrame("CZ0040300AE00201AF00204"))[0],
 *   "Answer, 3 records: conforms to the protocol",
 * );
 * ```
 */
export function formatReport(report: FrameReport): string[] {
  const count = `${report.fields.length} record${report.fields.length === 1 ? "" : "s"}`;
  const errors = report.findings.filter((f) => f.level === "error").length;
  const warnings = report.findings.length - errors;
  const verdict = report.findings.length === 0 ? "conforms to the protocol" : [
    errors && `${errors} error${errors === 1 ? "" : "s"}`,
    warnings && `${warnings} warning${warnings === 1 ? "" : "s"}`,
  ]
    .filter(Boolean).join(", ");
  const lines = [
    `${report.kind === "answer" ? "Answer" : describeRequest(report.fields)}, ${count}: ${verdict}`,
  ];
  for (const { tag, value } of report.fields) {
    const meaning = valueMeaning(tag, value);
    lines.push(
      `  ${tag}  ${tagName(tag).padEnd(25)}  ${escapeText(value)}${
        meaning ? `  (${meaning})` : ""
      }`,
    );
  }
  if (report.error) {
    lines.push(
      `Malformed at offset ${report.error.offset}:`,
      ...caret(report.text, report.error.offset),
    );
  }
  for (const finding of report.findings) {
    const where = [
      finding.tag,
      finding.offset !== undefined ? `at offset ${finding.offset}` : undefined,
    ].filter(Boolean).join(" ");
    lines.push(`${finding.level}${where ? ` (${where})` : ""}: ${finding.message}`);
  }
  if (report.answer) lines.push(...explainAnswer(report.answer).map((line) => `  ${line}`));
  return lines;
}

function describeRequest(fields: Field[]): string {
  const request = parseRequest(fields);
  const action = request.action ??
    (request.actionCode ? `action ${request.actionCode}` : "no action");
  const amount = request.amount !== undefined && request.currency
    ? ` of ${formatAmount(request.amount, request.currency)} ${request.currency.code}`
    : "";
  return `Request (${request.cheque ? "cheque " : ""}${action}${amount})`;
}

/** The frame around `offset`, escaped, with a caret under the byte at `offset`. */
function caret(text: string, offset: number): string[] {
  const from = Math.max(0, offset - 40);
  const before = escapeText(text.slice(from, offset));
  const shown = escapeText(text.slice(from, offset + 40));
  const prefix = from > 0 ? "..." : "";
  return [
    `  ${prefix}${shown}${offset + 40 < text.length ? "..." : ""}`,
    `  ${" ".repeat(prefix.length + before.length)}^`,
  ];
}
