/**
 * The report of a diagnosis, for people and for CI servers: pure renderers from the
 * findings, the campaign's state and the run's facts to JUnit XML (`.xml`), one
 * self-contained HTML page (`.html`), JSON (`.json`) and Markdown for a pull request
 * comment (`.md`). Every value that came from the wire is escaped for its format.
 *
 * @module
 */

import { type Language, type MessageKey, type MessageParams, t } from "../i18n/mod.ts";
import { EN } from "../i18n/en.ts";
import type { CampaignState, CaseInfo, CaseResult } from "./campaign.ts";
import { FINDING_CODE_NAMES, FINDING_CODES } from "./codes.ts";
import {
  type DiagnosisFinding,
  type PosRef,
  SEVERITIES,
  type Severity,
  severityRank,
  worstSeverity,
} from "./finding.ts";
import { ENGLISH, wordsOf } from "./words_en.ts";
import { FRENCH, FRENCH_CODE_SUMMARIES } from "./words_fr.ts";
import { posKey } from "./input.ts";
import { formatFromPath, REPORT_FORMATS, type ReportFormat } from "./report_format.ts";

export { formatFromPath, REPORT_FORMATS, type ReportFormat };

/** Facts about the run the report is about. */
export interface RunInfo {
  /** The tool and its version, such as `caisse-ap 0.1.0`. */
  tool?: string;
  /** When the run started (ISO 8601). */
  startedAt?: string;
  /** When the report was made (ISO 8601). */
  endedAt?: string;
  /**
   * How the run ended: `over` (the campaign's last case done), `timeout` (the campaign
   * time-out), `stopped` (a signal, a request).
   */
  ended?: "over" | "timeout" | "stopped";
  /** The settings worth showing (windows, limits, time scale), as words or numbers. */
  settings?: Record<string, string | number>;
  /** The cases never reached, per register (see `CampaignRun.unreached`). */
  unreached?: { pos?: PosRef; cases: string[] }[];
}

/** What a report is made from. */
export interface ReportData {
  /** The run. */
  run: RunInfo;
  /** Every finding. */
  findings: readonly DiagnosisFinding[];
  /** The campaign's state, when one ran. */
  campaign?: CampaignState;
}

/** The figures of a report. */
export interface ReportSummary {
  /** How many findings. */
  findings: number;
  /** How many of each severity. */
  bySeverity: Record<Severity, number>;
  /** The worst severity, if any finding. */
  worst?: Severity;
  /** The points of sale seen. */
  pos: PosRef[];
  /** With a campaign: cases in all, played (all registers), done, and whether it is over. */
  campaign?: { total: number; played: number; done: number; over: boolean };
}

/**
 * Renders a report. HTML and Markdown are in the language asked for: their words, and
 * the findings' titles, explanations and advice written again from their facts. JUnit
 * XML and JSON are the same in every language (identifiers, codes and the findings as
 * the diagnosis wrote them).
 *
 * @param data The findings, the campaign's state and the run.
 * @param format The format.
 * @param lang The language of HTML and Markdown. Default English.
 * @returns The report's text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderReport } from "./report.ts";
 * const xml = renderReport({ run: {}, findings: [] }, "xml");
 * assert.ok(xml.includes('<testsuites name="caisse-ap diagnosis" tests="0" failures="0"'));
 * ```
 */
export function renderReport(
  data: ReportData,
  format: ReportFormat,
  lang: Language = "en",
): string {
  switch (format) {
    case "xml":
      return renderJunit(data);
    case "html":
      return renderHtml(inLanguage(data, lang), lang);
    case "json":
      return renderJson(data);
    case "md":
      return renderMarkdown(inLanguage(data, lang), lang);
    default:
      throw new RangeError(`Unknown report format "${format}"`);
  }
}

/**
 * The figures of a report: findings by severity, the POS seen, the campaign's progress.
 *
 * @param data The report's data.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarise } from "./report.ts";
 * assert.deepEqual(summarise({ run: {}, findings: [] }).bySeverity, {
 *   money: 0,
 *   failure: 0,
 *   warning: 0,
 *   info: 0,
 * });
 * ```
 */
export function summarise(data: ReportData): ReportSummary {
  const bySeverity = { money: 0, failure: 0, warning: 0, info: 0 };
  for (const finding of data.findings) bySeverity[finding.severity]++;
  const worst = worstSeverity(data.findings);
  const campaign = data.campaign;
  return {
    findings: data.findings.length,
    bySeverity,
    ...(worst ? { worst } : {}),
    pos: posList(data),
    ...(campaign
      ? {
        campaign: {
          total: campaign.total,
          played: campaign.registers.reduce((n, r) => n + r.played, 0),
          done: campaign.registers.reduce(
            (n, r) => n + r.results.filter((x) => x.status === "done").length,
            0,
          ),
          over: campaign.over,
        },
      }
      : {}),
  };
}

function posName(pos: PosRef, lang: Language = "en"): string {
  return t(lang, "report.pos", { address: pos.address || "?", register: pos.register || "?" });
}

/**
 * Findings with their title, explanation and advice written again in a language from
 * their facts (the diagnosis writes them in English). Codes, kinds, severities, counts,
 * evidence and facts are kept as they are; English gives the findings back unchanged.
 *
 * @param findings The findings, as the diagnosis gives them.
 * @param lang The language.
 * @returns The findings in the language (copies; the given ones are not changed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findingsInLanguage } from "./report.ts";
 * import type { DiagnosisFinding } from "./finding.ts";
 * const finding = {
 *   code: "request-nonconformant",
 *   kind: "bf-sent",
 *   title: "The POS sends BF (partial payment allowed)",
 *   facts: { kind: "bf-sent", family: "bf-sent" },
 * } as unknown as DiagnosisFinding;
 * const [french] = findingsInLanguage([finding], "fr");
 * assert.equal(french.title, "La caisse envoie BF (paiement partiel autorisé)");
 * assert.equal(french.code, "request-nonconformant");
 * ```
 */
export function findingsInLanguage(
  findings: readonly DiagnosisFinding[],
  lang: Language,
): DiagnosisFinding[] {
  if (lang === "en") return [...findings];
  const catalogue = lang === "fr" ? FRENCH : ENGLISH;
  return findings.map((f) => ({ ...f, ...wordsOf(catalogue, f.code, f.facts) }));
}

/** The catalogue's key of a standard campaign case's words, if it has one. */
function caseKey(
  campaign: string,
  name: string,
  part: "title" | "instruction" | "outcome",
): MessageKey | undefined {
  // The built-in campaign's name (`STANDARD_CAMPAIGN.name`; a file's is its path).
  if (campaign !== "standard") return undefined;
  const key = `campaign.${name}.${part}`;
  return Object.hasOwn(EN, key) ? key as MessageKey : undefined;
}

/**
 * A campaign's state with the words shown to a person in a language: the standard
 * campaign's instructions and outcomes from the catalogues. A campaign file's words are
 * the tester's own and stay as written; names, positions and results are kept.
 *
 * @param state The campaign's state (`CampaignRun.state()`).
 * @param lang The language.
 * @returns The state in the language (a copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { campaignInLanguage } from "./report.ts";
 * import { CampaignRun, STANDARD_CAMPAIGN } from "./campaign.ts";
 * const state = campaignInLanguage(new CampaignRun(STANDARD_CAMPAIGN).state(), "fr");
 * assert.match(state.now!.instruction, /^Payez maintenant un montant quelconque/);
 * assert.equal(state.cases[1].outcome, "refusé, AF=04");
 * assert.equal(state.cases[1].name, "refused");
 * ```
 */
export function campaignInLanguage(state: CampaignState, lang: Language): CampaignState {
  const words = <T extends CaseInfo>(info: T): T => {
    const instruction = caseKey(state.campaign, info.name, "instruction");
    const outcome = caseKey(state.campaign, info.name, "outcome");
    return {
      ...info,
      ...(instruction ? { instruction: t(lang, instruction) } : {}),
      ...(outcome ? { outcome: t(lang, outcome) } : {}),
    };
  };
  if (lang === "en") return state;
  return {
    ...state,
    ...(state.now ? { now: words(state.now) } : {}),
    cases: state.cases.map(words),
  };
}

/** How a case's transaction ended, in the language (English: the state as it is). */
function stateWord(state: string | undefined, lang: Language): string {
  const key = `diag.state.${state}`;
  return lang !== "en" && Object.hasOwn(EN, key) ? t(lang, key as MessageKey) : state ?? "";
}

/** A case's name for a person: the standard campaign's title in the language, else its name. */
function caseTitle(campaign: string, name: string, lang: Language): string {
  const key = caseKey(campaign, name, "title");
  return key ? t(lang, key) : name;
}

/**
 * The findings and the campaign with their words in the language, written again from
 * their facts (the diagnosis wrote them with its own catalogue, English by default).
 */
function inLanguage(data: ReportData, lang: Language): ReportData {
  if (lang === "en") return data;
  return {
    ...data,
    findings: findingsInLanguage(data.findings, lang),
    ...(data.campaign ? { campaign: campaignInLanguage(data.campaign, lang) } : {}),
  };
}

/** A message whose literal text is escaped for HTML, its values inserted as given (HTML). */
function tHtml(lang: Language, key: MessageKey, params: MessageParams = {}): string {
  const marks = Object.fromEntries(
    Object.keys(params).map((name, i) => [name, `\u0000${i}\u0000`]),
  );
  const values = Object.values(params);
  return escapeHtml(t(lang, key, marks)).replace(
    /\\x00(\d+)\\x00/g,
    (_whole, index: string) => String(values[Number(index)]),
  );
}

function severityWord(severity: Severity, lang: Language): string {
  return t(lang, `report.severity.${severity}`);
}

/** Every POS: those of the campaign first, in order, then those of the findings. */
function posList(data: ReportData): PosRef[] {
  const seen = new Map<string, PosRef>();
  for (const run of data.campaign?.registers ?? []) seen.set(posKey(run.pos), run.pos);
  for (const f of data.findings) if (!seen.has(posKey(f.pos))) seen.set(posKey(f.pos), f.pos);
  return [...seen.values()].map((p) => ({ ...p }));
}

function isSerious(severity: Severity): boolean {
  return severityRank(severity) >= severityRank("failure");
}

function label(f: DiagnosisFinding): string {
  return f.kind ? `${f.code}/${f.kind}` : f.code;
}

/** The findings of a case's result, as finding objects of its POS. */
function caseFindings(
  result: CaseResult,
  findings: readonly DiagnosisFinding[],
): DiagnosisFinding[] {
  return findings.filter((f) => result.findings.includes(label(f)));
}

// ---------------------------------------------------------------- JUnit XML

/** Characters XML 1.0 cannot carry, even escaped. */
// deno-lint-ignore no-control-regex
const XML_INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

/**
 * Escapes text for XML (elements and attributes); characters XML cannot carry become
 * `\xNN`.
 *
 * @param text Any text.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeXml } from "./report.ts";
 * assert.equal(escapeXml('<a href="x">&\x02'), "&lt;a href=&quot;x&quot;&gt;&amp;\\x02");
 * ```
 */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

interface TestCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string; text: string };
  skipped?: string;
  out?: string;
}

function findingText(f: DiagnosisFinding): string {
  const lines = [
    `[${f.severity}] ${label(f)}: ${f.title}`,
    `Seen ${f.count} time${f.count === 1 ? "" : "s"}, first ${occurrence(f.first)}, last ${
      occurrence(f.last)
    }.`,
    f.explanation,
    `Fix: ${f.advice}`,
    ...f.evidence.map((e) =>
      `  - ${e.at}${e.transactionId !== undefined ? ` #${e.transactionId}` : ""}${
        e.note ? `: ${e.note}` : ""
      }${e.bytes !== undefined ? ` [${e.bytes}]` : ""}`
    ),
  ];
  return lines.join("\n");
}

function occurrence(o: { at: string; transactionId?: number }): string {
  return `${o.at}${o.transactionId !== undefined ? ` (#${o.transactionId})` : ""}`;
}

function suiteCases(
  pos: PosRef | undefined,
  data: ReportData,
): TestCase[] {
  const cases: TestCase[] = [];
  const findings = pos ? data.findings.filter((f) => posKey(f.pos) === posKey(pos)) : [];
  const campaign = data.campaign;
  if (campaign) {
    const run = pos ? campaign.registers.find((r) => posKey(r.pos) === posKey(pos)) : undefined;
    for (const info of campaign.cases) {
      const name = `${String(info.position).padStart(2, "0")} ${info.name}`;
      const result = run?.results.find((r) => r.position === info.position);
      const test: TestCase = { classname: "campaign", name };
      if (!result) test.skipped = "not reached";
      else if (result.status !== "done") test.skipped = "not finished";
      else {
        const seen = caseFindings(result, findings);
        const serious = seen.filter((f) => isSerious(f.severity));
        const said = `${info.outcome}; the transaction #${result.transactionId} ended ${
          result.state ?? "?"
        }`;
        if (serious.length > 0) {
          test.failure = {
            message: serious.map((f) => label(f)).join(", "),
            type: worstSeverity(serious)!,
            text: [said, ...seen.map(findingText)].join("\n\n"),
          };
        } else {
          test.out = [said, ...seen.map(findingText)].join("\n\n");
        }
      }
      cases.push(test);
    }
  }
  if (pos) {
    for (const code of FINDING_CODE_NAMES) {
      const mine = findings.filter((f) => f.code === code);
      const serious = mine.filter((f) => isSerious(f.severity));
      const test: TestCase = { classname: "findings", name: code };
      if (serious.length > 0) {
        test.failure = {
          message: serious.map((f) => f.title).join("; "),
          type: worstSeverity(serious)!,
          text: mine.map(findingText).join("\n\n"),
        };
      } else if (mine.length > 0) test.out = mine.map(findingText).join("\n\n");
      cases.push(test);
    }
  }
  return cases;
}

function renderJunit(data: ReportData): string {
  const suites: { name: string; cases: TestCase[] }[] = [];
  const list = posList(data);
  for (const pos of list) suites.push({ name: posName(pos), cases: suiteCases(pos, data) });
  if (list.length === 0 && data.campaign) {
    suites.push({ name: "no POS seen", cases: suiteCases(undefined, data) });
  }
  const count = (cases: TestCase[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  });
  const all = count(suites.flatMap((s) => s.cases));
  const time = data.run.endedAt ?? data.run.startedAt;
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="caisse-ap diagnosis" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}">`,
  ];
  for (const [index, suite] of suites.entries()) {
    const c = count(suite.cases);
    out.push(
      `  <testsuite name="${
        escapeXml(suite.name)
      }" id="${index}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="0"${
        time ? ` timestamp="${escapeXml(time.replace(/\.\d+Z$/, ""))}"` : ""
      }>`,
    );
    for (const test of suite.cases) {
      const open = `    <testcase classname="${escapeXml(test.classname)}" name="${
        escapeXml(test.name)
      }" time="0"`;
      if (!test.failure && test.skipped === undefined && test.out === undefined) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (test.failure) {
        out.push(
          `      <failure message="${escapeXml(test.failure.message)}" type="${
            escapeXml(test.failure.type)
          }">${escapeXml(test.failure.text)}</failure>`,
        );
      }
      if (test.skipped !== undefined) {
        out.push(`      <skipped message="${escapeXml(test.skipped)}"/>`);
      }
      if (test.out !== undefined) out.push(`      <system-out>${escapeXml(test.out)}</system-out>`);
      out.push(`    </testcase>`);
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}

// ---------------------------------------------------------------- JSON

function renderJson(data: ReportData): string {
  return JSON.stringify(
    {
      tool: data.run.tool ?? "caisse-ap",
      run: data.run,
      summary: summarise(data),
      findings: data.findings,
      ...(data.campaign ? { campaign: data.campaign } : {}),
    },
    null,
    2,
  ) + "\n";
}

// ---------------------------------------------------------------- HTML

/**
 * Escapes text for HTML, in elements and quoted attributes; control characters become
 * `\xNN`.
 *
 * @param text Any text.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./report.ts";
 * assert.equal(
 *   escapeHtml(`<script>alert("x")</script>`),
 *   "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;",
 * );
 * ```
 */
export function escapeHtml(text: string): string {
  return escapeXml(text).replace(/&apos;/g, "&#39;");
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code,.bytes{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
.sev{display:inline-block;border-radius:3px;padding:0 .4rem;color:#fff;font-size:.8rem;text-transform:uppercase}
.money{background:#8b0000}.failure{background:#c0392b}.warning{background:#b9770e}.info{background:#2e6da4}
.ok{color:#1e7e34}.finding{border:1px solid #ddd;border-left:5px solid #999;padding:.4rem .9rem;margin:1rem 0}
.finding.money{border-left-color:#8b0000;background:none}.finding.failure{border-left-color:#c0392b;background:none}
.finding.warning{border-left-color:#b9770e;background:none}.finding.info{border-left-color:#2e6da4;background:none}
.advice{background:#eef7ee;padding:.3rem .6rem}.muted{color:#666}
`;

function renderHtml(data: ReportData, lang: Language): string {
  const e = escapeHtml;
  const run = data.run;
  return [
    "<!DOCTYPE html>",
    `<html lang="${lang}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${tHtml(lang, "report.title")}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${tHtml(lang, "report.heading")}</h1>`,
    `<p class="muted">${e(run.tool ?? "caisse-ap")}${
      run.startedAt ? `, ${tHtml(lang, "report.from", { at: e(run.startedAt) })}` : ""
    }${run.endedAt ? ` ${tHtml(lang, "report.to", { at: e(run.endedAt) })}` : ""}${
      run.ended ? ` (${e(endedWords(run.ended, lang))})` : ""
    }</p>`,
    ...htmlSummary(data, lang),
    ...(data.findings.length > 0 ? [`<h2>${tHtml(lang, "report.findings")}</h2>`] : []),
    ...data.findings.flatMap((f) => htmlFinding(f, lang)),
    ...(data.campaign ? htmlCampaign(data.campaign, lang) : []),
    ...htmlCodes(lang),
    ...htmlSettings(run.settings ?? {}, lang),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function htmlSummary(data: ReportData, lang: Language): string[] {
  const e = escapeHtml;
  const summary = summarise(data);
  const out = [`<h2>${tHtml(lang, "report.summary")}</h2>`];
  const th = (key: MessageKey) => `<th>${tHtml(lang, key)}</th>`;
  if (summary.findings === 0) {
    out.push(
      `<p class="ok">${
        tHtml(lang, summary.pos.length === 0 ? "report.no-finding-no-pos" : "report.no-finding")
      }</p>`,
    );
  } else {
    out.push(
      `<p>${
        tHtml(lang, summary.findings === 1 ? "report.count-one" : "report.count-many", {
          count: summary.findings,
          pos: summary.pos.length,
          severities: SEVERITIES.filter((s) => summary.bySeverity[s] > 0)
            .map((s) =>
              `<span class="sev ${s}">${e(severityWord(s, lang))}</span> ${summary.bySeverity[s]}`
            ).join(", "),
        })
      }</p>`,
      `<table><tr>${th("report.col.severity")}${th("report.col.code")}${th("report.col.pos")}${
        th("report.col.count")
      }${th("report.col.title")}</tr>`,
      ...data.findings.map((f) =>
        `<tr><td><span class="sev ${f.severity}">${
          e(severityWord(f.severity, lang))
        }</span></td><td><code>${e(label(f))}</code></td><td>${
          e(posName(f.pos, lang))
        }</td><td>${f.count}</td><td>${e(f.title)}</td></tr>`
      ),
      "</table>",
    );
  }
  if (summary.campaign && data.campaign) {
    const c = summary.campaign;
    const registers = data.campaign.registers.length;
    out.push(
      `<p>${
        tHtml(lang, registers === 1 ? "report.campaign-line-one" : "report.campaign-line", {
          name: `<code>${e(data.campaign.campaign)}</code>`,
          total: c.total,
          done: c.done,
          registers,
          over: tHtml(lang, c.over ? "report.over" : "report.not-over"),
        })
      }</p>`,
    );
  }
  for (const item of data.run.unreached ?? []) {
    const cases = item.cases.map((n) => `<code>${e(n)}</code>`).join(", ");
    out.push(
      `<p>${
        item.pos
          ? tHtml(lang, "report.never-reached-by", { pos: e(posName(item.pos, lang)), cases })
          : tHtml(lang, "report.never-reached", { cases })
      }</p>`,
    );
  }
  return out;
}

function htmlFinding(f: DiagnosisFinding, lang: Language): string[] {
  const e = escapeHtml;
  const th = (key: MessageKey) => `<th>${tHtml(lang, key)}</th>`;
  return [
    `<section class="finding ${f.severity}">`,
    `<h3><span class="sev ${f.severity}">${e(severityWord(f.severity, lang))}</span> ${
      e(f.title)
    }</h3>`,
    `<p class="muted">${
      tHtml(lang, f.count === 1 ? "report.seen-one" : "report.seen-many", {
        label: `<code>${e(label(f))}</code>`,
        pos: e(posName(f.pos, lang)),
        count: f.count,
        first: e(occurrence(f.first)),
        last: e(occurrence(f.last)),
      })
    }</p>`,
    `<p>${e(f.explanation)}</p>`,
    `<p class="advice"><strong>${tHtml(lang, "report.fix")}</strong> ${e(f.advice)}</p>`,
    `<table><tr>${th("report.col.when")}${th("report.col.transaction")}${th("report.col.seen")}${
      th("report.col.bytes")
    }</tr>`,
    ...f.evidence.map((ev) =>
      `<tr><td>${e(ev.at)}</td><td>${ev.transactionId !== undefined ? `#${ev.transactionId}` : ""}${
        ev.connectionId !== undefined
          ? ` <span class="muted">${
            tHtml(lang, "report.connection", { id: ev.connectionId })
          }</span>`
          : ""
      }</td><td>${e(ev.note ?? "")}</td><td class="bytes">${e(ev.bytes ?? "")}</td></tr>`
    ),
    "</table>",
    "</section>",
  ];
}

function htmlCampaign(campaign: CampaignState, lang: Language): string[] {
  const e = escapeHtml;
  const registers = campaign.registers;
  const th = (key: MessageKey) => `<th>${tHtml(lang, key)}</th>`;
  const cell = (run: CampaignState["registers"][number], position: number) => {
    const result = run.results.find((x) => x.position === position);
    if (!result) return `<td class="muted">${tHtml(lang, "report.not-reached")}</td>`;
    const seen = result.findings.length > 0
      ? result.findings.map((x) => `<code>${e(x)}</code>`).join(" ")
      : `<span class="ok">${tHtml(lang, "report.no-finding-case")}</span>`;
    return `<td>#${result.transactionId} ${
      result.status === "done"
        ? e(stateWord(result.state, lang))
        : tHtml(lang, "report.in-progress")
    }<br>${seen}</td>`;
  };
  return [
    `<h2>${tHtml(lang, "report.campaign")}</h2>`,
    `<table><tr><th>#</th>${th("report.col.case")}${th("report.col.terminal-does")}${
      th("report.col.to-do")
    }` +
    registers.map((r) => `<th>${e(posName(r.pos, lang))}</th>`).join("") + "</tr>",
    ...campaign.cases.map((info) =>
      `<tr><td>${info.position}</td><td><code>${e(info.name)}</code>${
        caseTitle(campaign.campaign, info.name, lang) === info.name
          ? ""
          : ` ${e(caseTitle(campaign.campaign, info.name, lang))}`
      }</td><td>${e(info.outcome)}</td><td>${e(info.instruction)}</td>${
        registers.map((r) => cell(r, info.position)).join("")
      }</tr>`
    ),
    "</table>",
  ];
}

function htmlCodes(lang: Language): string[] {
  const th = (key: MessageKey) => `<th>${tHtml(lang, key)}</th>`;
  return [
    `<h2>${tHtml(lang, "report.codes")}</h2>`,
    `<table><tr>${th("report.col.code")}${th("report.col.severity")}${
      th("report.col.meaning")
    }</tr>`,
    ...FINDING_CODE_NAMES.map((code) =>
      `<tr><td><code>${code}</code></td><td>${
        escapeHtml(severityWord(FINDING_CODES[code].severity, lang))
      }</td><td>${
        escapeHtml(
          lang === "fr"
            ? FRENCH_CODE_SUMMARIES[code] ?? FINDING_CODES[code].summary
            : FINDING_CODES[code].summary,
        )
      }</td></tr>`
    ),
    "</table>",
  ];
}

function htmlSettings(settings: Record<string, string | number>, lang: Language): string[] {
  const entries = Object.entries(settings);
  if (entries.length === 0) return [];
  return [
    `<h2>${tHtml(lang, "report.settings")}</h2>`,
    "<table>",
    ...entries.map(([key, value]) =>
      `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(String(value))}</td></tr>`
    ),
    "</table>",
  ];
}

function endedWords(ended: NonNullable<RunInfo["ended"]>, lang: Language): string {
  return t(
    lang,
    ended === "over"
      ? "report.ended.over"
      : ended === "timeout"
      ? "report.ended.timeout"
      : "report.ended.stopped",
  );
}

// ---------------------------------------------------------------- Markdown

/**
 * Makes text safe in a Markdown table cell: no line break, `|` escaped, HTML and
 * Markdown's own marks neutralised.
 *
 * @param text Any text.
 * @returns The text for a cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdown } from "./report.ts";
 * assert.equal(escapeMarkdown("a|b <i>*x*</i>"), "a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt;");
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#])/g, "\\$1");
}

function renderMarkdown(data: ReportData, lang: Language): string {
  const m = escapeMarkdown;
  const summary = summarise(data);
  const out: string[] = [`## ${t(lang, "report.heading")}`, ""];
  if (summary.findings === 0) {
    out.push(
      t(lang, summary.pos.length === 0 ? "report.no-finding-no-pos" : "report.no-finding"),
      "",
    );
  } else {
    out.push(
      t(lang, summary.findings === 1 ? "report.md-count-one" : "report.md-count-many", {
        count: summary.findings,
        pos: summary.pos.length,
        severities: SEVERITIES.filter((s) => summary.bySeverity[s] > 0)
          .map((s) => `${severityWord(s, lang)} ${summary.bySeverity[s]}`).join(", "),
      }),
      "",
      `| ${
        (["severity", "code", "pos", "count", "title"] as const)
          .map((c) => t(lang, `report.col.${c}`)).join(" | ")
      } |`,
      "|---|---|---|---|---|",
    );
    for (const f of data.findings) {
      out.push(
        `| ${severityWord(f.severity, lang)} | \`${label(f)}\` | ${
          m(posName(f.pos, lang))
        } | ${f.count} | ${m(f.title)} |`,
      );
    }
    out.push("");
  }
  if (data.campaign) {
    const c = summary.campaign!;
    out.push(
      t(lang, "report.campaign-md", {
        name: `\`${m(data.campaign.campaign)}\``,
        total: c.total,
        done: c.done,
        over: t(lang, c.over ? "report.over" : "report.not-over"),
      }),
      "",
    );
  }
  for (const item of data.run.unreached ?? []) {
    const cases = item.cases.map((n) => m(n)).join(", ");
    out.push(
      item.pos
        ? t(lang, "report.never-reached-by", { pos: m(posName(item.pos, lang)), cases })
        : t(lang, "report.never-reached", { cases }),
      "",
    );
  }
  if (data.findings.length > 0) {
    out.push(`<details><summary>${t(lang, "report.what-to-fix")}</summary>`, "");
    for (const f of data.findings) {
      out.push(
        `- ${
          t(lang, "report.fix-item", {
            label: m(label(f)),
            severity: severityWord(f.severity, lang),
            pos: m(posName(f.pos, lang)),
            advice: m(f.advice),
            first: m(occurrence(f.first)),
          })
        }`,
      );
    }
    out.push("", "</details>", "");
  }
  return out.join("\n");
}
