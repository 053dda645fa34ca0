/**
 * The finding codes, their severity and their one-line summary, without their detectors:
 * what the server's help lists (reading the options loads no detector).
 *
 * @module
 */

import type { Severity } from "./finding.ts";

/** A finding code: stable, kebab-case, documented in the README. */
export type FindingCode =
  | "reads-once"
  | "gives-up-early"
  | "no-answer-timeout"
  | "resends-after-unknown"
  | "ignores-partial-approval"
  | "duplicate-after-approval"
  | "request-nonconformant"
  | "overlapping-requests";

/** A finding code's severity and one-line summary. */
export interface FindingCodeSummary {
  /** The severity (`request-nonconformant`: the worst of its kinds; each kind sets its own). */
  readonly severity: Severity;
  /** One line for the documentation and the help, in English. */
  readonly summary: string;
}

/**
 * Every finding code's severity and summary, in the order of the documentation (the
 * detectors are in `FINDING_CODES`, lib/diagnosis/codes.ts).
 */
export const FINDING_CODE_SUMMARIES: Readonly<Record<FindingCode, FindingCodeSummary>> = Object
  .freeze({
    "reads-once": {
      severity: "failure",
      summary: "the POS stops reading the answer after its first piece",
    },
    "gives-up-early": {
      severity: "failure",
      summary: "the POS closes while the cardholder is still paying",
    },
    "no-answer-timeout": {
      severity: "failure",
      summary: "the POS waits forever for an answer that never comes",
    },
    "resends-after-unknown": {
      severity: "money",
      summary: "the same payment again after an outcome the POS could not know",
    },
    "ignores-partial-approval": {
      severity: "money",
      summary: "after a partial approval, the POS asks neither the rest nor a cancellation",
    },
    "duplicate-after-approval": {
      severity: "money",
      summary:
        "the same payment again just after its approval (double submit); a request whose CF differs from the first's is another sale",
    },
    "request-nonconformant": {
      severity: "failure",
      summary: "the request does not conform (one finding per kind of problem)",
    },
    "overlapping-requests": {
      severity: "failure",
      summary: "a request while another from the same register is in progress",
    },
  });

/** Every finding code, in the order of the documentation. */
export const FINDING_CODE_NAMES: readonly FindingCode[] = Object.freeze(
  Object.keys(FINDING_CODE_SUMMARIES) as FindingCode[],
);
