/**
 * What the diagnosis says about a point of sale: a {@linkcode DiagnosisFinding}, its
 * {@linkcode Severity}, and the exit decision of a CI run (`--fail-on`) as pure
 * functions.
 *
 * @module
 */

/**
 * How bad a finding is, worst first:
 * - `money`: the cardholder or the merchant can lose money (a double charge, an unpaid
 *   remainder);
 * - `failure`: a payment goes wrong (rejected, misread, lost);
 * - `warning`: a real terminal may reject the request or misbehave;
 * - `info`: worth knowing, harmless on the terminals known.
 */
export type Severity = "money" | "failure" | "warning" | "info";

/** The severities, worst first. */
export const SEVERITIES: readonly Severity[] = Object.freeze([
  "money",
  "failure",
  "warning",
  "info",
]);

/** The point of sale a finding is about: its IP address (no port) and register (CA). */
export interface PosRef {
  /** IP address, without the port (which changes with every connection). */
  address: string;
  /** Register number (CA), `""` when the request had none. */
  register: string;
}

/** When and where a finding was seen. */
export interface Occurrence {
  /** When (ISO 8601). */
  at: string;
  /** The transaction, when one is concerned. */
  transactionId?: number;
}

/**
 * One piece of evidence: what the simulator saw. Wire bytes are given **escaped**
 * (printable ASCII kept, the rest as `\xNN`, see `escapeText` in `lib/tlv.ts`), so a
 * finding is safe to print, log and serialise; renderers must still escape them for
 * their format (HTML, XML).
 */
export interface Evidence {
  /** When (ISO 8601). */
  at: string;
  /** The transaction concerned. */
  transactionId?: number;
  /** The connection concerned. */
  connectionId?: number;
  /** The bytes concerned, escaped. */
  bytes?: string;
  /** What was seen, in words (English; not translated). */
  note?: string;
}

/**
 * A defect of a point of sale, seen from the terminal's side of the socket. Findings of
 * the same code (and kind) about the same POS are one finding with a count.
 */
export interface DiagnosisFinding {
  /** Stable kebab-case code, such as `reads-once` (see `FINDING_CODES`). */
  code: string;
  /**
   * For codes with several kinds (`request-nonconformant`): the kind, stable kebab-case,
   * such as `bf-sent` or `missing-cj`.
   */
  kind?: string;
  /** How bad it is. */
  severity: Severity;
  /** One line. */
  title: string;
  /** What the simulator saw and why it matters. */
  explanation: string;
  /** What to change in the POS. */
  advice: string;
  /** The POS. */
  pos: PosRef;
  /** How many times it was seen. */
  count: number;
  /** The first time. */
  first: Occurrence;
  /** The last time. */
  last: Occurrence;
  /** A few examples: the first, then the latest ones. */
  evidence: Evidence[];
  /**
   * The figures the words are made from (seconds, limits, tags...), so that another
   * language's catalogue can write the words again.
   */
  facts: Record<string, string | number>;
}

/**
 * The rank of a severity: 3 for `money` down to 0 for `info`.
 *
 * @param severity The severity.
 * @returns Its rank; higher is worse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { severityRank } from "./finding.ts";
 * assert.equal(severityRank("money"), 3);
 * assert.ok(severityRank("money") > severityRank("warning"));
 * ```
 */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/**
 * Whether a text is a severity.
 *
 * @param text The text.
 * @returns Whether it is one of {@linkcode SEVERITIES}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSeverity } from "./finding.ts";
 * assert.equal(isSeverity("failure"), true);
 * assert.equal(isSeverity("error"), false);
 * ```
 */
export function isSeverity(text: string): text is Severity {
  return (SEVERITIES as readonly string[]).includes(text);
}

/**
 * The worst severity among findings.
 *
 * @param findings The findings.
 * @returns The worst severity, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { worstSeverity } from "./finding.ts";
 * assert.equal(worstSeverity([{ severity: "warning" }, { severity: "money" }]), "money");
 * assert.equal(worstSeverity([]), undefined);
 * ```
 */
export function worstSeverity(
  findings: Iterable<Pick<DiagnosisFinding, "severity">>,
): Severity | undefined {
  let worst: Severity | undefined;
  for (const { severity } of findings) {
    if (worst === undefined || severityRank(severity) > severityRank(worst)) worst = severity;
  }
  return worst;
}

/**
 * The exit decision of `--fail-on`: whether a finding at that severity or worse exists.
 *
 * @param findings The findings.
 * @param failOn The least severity that fails the run: `money`, `failure` or `warning`.
 * @returns `true` when the run should exit with code 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shouldFail } from "./finding.ts";
 * assert.equal(shouldFail([{ severity: "warning" }], "failure"), false);
 * assert.equal(shouldFail([{ severity: "money" }], "failure"), true);
 * assert.equal(shouldFail([{ severity: "warning" }], "warning"), true);
 * ```
 */
export function shouldFail(
  findings: Iterable<Pick<DiagnosisFinding, "severity">>,
  failOn: Exclude<Severity, "info">,
): boolean {
  const worst = worstSeverity(findings);
  return worst !== undefined && severityRank(worst) >= severityRank(failOn);
}
