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
import { valueMeaning } from "./tags.ts";
import {
  CODE_TABLES,
  codeMeaning,
  type CodeTable,
  type Language,
  t,
  tagNameIn,
} from "./i18n/mod.ts";
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
 * explanation in words. In French, the findings' own messages (from the checks of
 * `message.ts`) are quoted in English, said so.
 *
 * @param report The report.
 * @param lang The language of the words. Default English.
 * @returns The lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatReport, reportFrame } from "./report.ts";
 * const report = reportFrame("CZ0040300AE00201AF00204");
 * assert.equal(formatReport(report)[0], "Answer, 3 records: conforms to the protocol");
 * assert.equal(
 *   formatReport(report, "fr")[0],
 *   "Réponse, 3 enregistrements\u00a0: conforme au protocole",
 * );
 * ```
 */
export function formatReport(report: FrameReport, lang: Language = "en"): string[] {
  const n = report.fields.length;
  const count = t(lang, n === 1 ? "explain.records-one" : "explain.records", { count: n });
  const errors = report.findings.filter((f) => f.level === "error").length;
  const warnings = report.findings.length - errors;
  const verdict = report.findings.length === 0 ? t(lang, "explain.conforms") : [
    errors && t(lang, errors === 1 ? "explain.errors-one" : "explain.errors", { count: errors }),
    warnings &&
    t(lang, warnings === 1 ? "explain.warnings-one" : "explain.warnings", { count: warnings }),
  ]
    .filter(Boolean).join(", ");
  const what = report.kind === "answer"
    ? t(lang, "explain.answer")
    : describeRequest(report.fields, lang);
  const lines = [t(lang, "explain.summary", { what, count, verdict })];
  // The names' column: 25 wide, wider for a longer name (French names are).
  const width = Math.max(25, ...report.fields.map(({ tag }) => tagNameIn(lang, tag).length));
  for (const { tag, value } of report.fields) {
    const meaning = meaningIn(lang, tag, value);
    lines.push(
      `  ${tag}  ${tagNameIn(lang, tag).padEnd(width)}  ${escapeText(value)}${
        meaning ? `  (${meaning})` : ""
      }`,
    );
  }
  if (report.error) {
    lines.push(
      t(lang, "explain.malformed", { offset: report.error.offset }),
      ...caret(report.text, report.error.offset),
    );
  }
  for (const finding of report.findings) {
    const where = [
      finding.tag,
      finding.offset !== undefined
        ? t(lang, "explain.at-offset", { offset: finding.offset })
        : undefined,
    ].filter(Boolean).join(" ");
    lines.push(t(lang, "explain.finding", {
      level: t(lang, `explain.level.${finding.level}`),
      where: where ? ` (${where})` : "",
      message: finding.message,
    }));
  }
  if (report.answer) {
    lines.push(...explainAnswer(report.answer, lang).map((line) => `  ${line}`));
  }
  return lines;
}

/** What a record's value means, in the language: the coded values of the catalogues. */
function meaningIn(lang: Language, tag: string, value: string): string | undefined {
  if (lang !== "en" && Object.hasOwn(CODE_TABLES[lang], tag)) {
    const meaning = codeMeaning(lang, tag as CodeTable, value);
    if (meaning !== undefined) return meaning;
  }
  return valueMeaning(tag, value);
}

function describeRequest(fields: Field[], lang: Language): string {
  const request = parseRequest(fields);
  // English as the request names it; another language from its catalogue's CD names.
  const named = lang === "en" || !request.actionCode
    ? request.action
    : codeMeaning(lang, "CD", request.actionCode) ?? request.action;
  const action = named ??
    (request.actionCode
      ? t(lang, "explain.action-code", { code: request.actionCode })
      : t(lang, "explain.no-action"));
  const amount = request.amount !== undefined && request.currency
    ? t(lang, "explain.request-amount", {
      amount: lang === "fr"
        ? formatAmount(request.amount, request.currency).replace(".", ",")
        : formatAmount(request.amount, request.currency),
      currency: request.currency.code,
    })
    : "";
  return t(lang, request.cheque ? "explain.request-cheque" : "explain.request", {
    action,
    amount,
  });
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
