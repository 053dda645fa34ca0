/**
 * The words of the findings, in English: one entry per finding code (and per kind of
 * `request-nonconformant`), each a function of the finding's facts. Detectors never
 * write words; another language is another catalogue of the same shape.
 *
 * @module
 */

/** The figures a finding's words are made from. */
export type Facts = Readonly<Record<string, string | number>>;

/** The words of one code or kind. */
export interface FindingWords {
  /** One line. */
  title(facts: Facts): string;
  /** What was seen and why it matters. */
  explanation(facts: Facts): string;
  /** What to change in the POS. */
  advice(facts: Facts): string;
}

/** A catalogue: the words of every code, and of the kinds of `request-nonconformant`. */
export interface Catalogue {
  /** The language, BCP 47 (`en`, `fr`). */
  language: string;
  /** Words by finding code. */
  codes: Readonly<Record<string, FindingWords>>;
  /** Words of `request-nonconformant` by kind, or by family (`missing`, `format`...). */
  kinds: Readonly<Record<string, FindingWords>>;
}

const s = (value: string | number | undefined) => String(value ?? "?");

/** The English catalogue. */
export const ENGLISH: Catalogue = {
  language: "en",
  codes: {
    "reads-once": {
      title: () => "The POS reads the answer once and misses the rest",
      explanation: (f) =>
        `${
          f.how === "next-request"
            ? "The POS sent its next request"
            : f.how === "write-failed"
            ? "The POS was gone"
            : "The POS closed the connection"
        } while the answer was still being sent${
          f.pieces ? ` (${f.pieces})` : ""
        }. An answer may arrive in several TCP segments, as real terminals send it: a POS that reads once parses only the first part, and can report an approved payment without its authorisation number and card data, or as failed.`,
      advice: () =>
        "Read until the message is whole: records reassembled across reads, the buffer ending on a record boundary with every record of an answer (CZ, AE...), then a short quiet period (300 ms is used by known clients); only then close.",
    },
    "gives-up-early": {
      title: (f) => `The POS gives up after ${s(f.after)}, before the terminal does`,
      explanation: (f) =>
        `The POS closed the connection ${
          s(f.after)
        } after its request, while the cardholder was still paying: the terminal's input time-out is ${
          s(f.inputTimeout)
        }. On a real terminal the payment goes on and may be approved, while the POS reports a failure: the cashier takes the payment again.`,
      advice: (f) =>
        `Wait for the answer at least as long as the terminal's input time-out plus a margin (${
          s(f.inputTimeout)
        } + 60 s here; known clients wait 180 s), and do not close the connection while a payment is in progress.`,
    },
    "no-answer-timeout": {
      title: () => "The POS waits forever when the terminal does not answer",
      explanation: (f) =>
        `The terminal read the request and never answered: the connection was still open after ${
          s(f.open)
        } (limit ${
          s(f.limit)
        }). A POS without an answer time-out hangs the till when a terminal freezes or the network drops silently.`,
      advice: () =>
        "Set a time-out on the answer (the terminal's input time-out plus a margin, such as 180 s), then close the connection and tell the cashier the outcome is unknown: check the terminal before taking the payment again.",
    },
    "resends-after-unknown": {
      title: () => "The POS sends the same payment again after an outcome it could not know",
      explanation: (f) =>
        `Transaction #${s(f.previous)} ended without its answer reaching the POS (${
          s(f.what)
        }); the same payment (same register, amount, currency and action) came again ${
          s(f.after)
        } later. The terminal may have approved the first one: the cardholder is charged twice.`,
      advice: () =>
        "After a lost answer (connection closed, reset, garbage, time-out), do not retry the payment automatically nor invite the cashier to: say the outcome is unknown, ask to check the terminal's last transaction (or its receipt), and offer a cancellation or a new payment only once it is known.",
    },
    "duplicate-after-approval": {
      title: () => "The POS sends an approved payment again (double submit)",
      explanation: (f) =>
        `Transaction #${
          s(f.previous)
        } was approved and its answer delivered; the same payment came again ${
          s(f.after)
        } later (within ${s(f.window)}): the cardholder is charged twice.`,
      advice: () =>
        "Disable the pay button while a payment is in progress and after its approval; tie each payment to the sale and refuse a second one for a sale already paid.",
    },
    "request-nonconformant": {
      title: (f) => `The request does not conform: ${s(f.message)}`,
      explanation: (f) => `${s(f.message)}.`,
      advice: () => "Build the request as PROTOCOL.md §2-3 says.",
    },
    "overlapping-requests": {
      title: () => "The POS sends a request while another is in progress",
      explanation: (f) =>
        `A request came from the same register while transaction #${
          s(f.previous)
        } was still in progress. A real terminal serves one sale at a time: the second request is refused or lost, and the two answers can be mixed up.`,
      advice: () =>
        "Send one request at a time per terminal: wait for the answer (or its time-out, then close) before the next request; disable the pay button meanwhile.",
    },
    "ignores-partial-approval": {
      title: () => "The POS ignores a partial approval",
      explanation: (f) =>
        `Transaction #${s(f.previous)} was approved for ${s(f.approved)} of the ${
          s(f.asked)
        } minor units asked (CB of the answer lower); the next request from the register was neither for the remaining ${
          s(f.remaining)
        } nor a cancellation. The sale is closed as paid: the merchant loses the remainder.`,
      advice: () =>
        "Compare CB of the answer with the amount asked (ignoring leading zeros); when it is lower, ask for the remainder (another payment) or cancel the payment.",
    },
  },
  kinds: {
    "serial-framing": {
      title: () => "The request is wrapped in STX ... ETX + LRC",
      explanation: () =>
        "The records are framed as on the serial link (STX, ETX and an LRC byte). Caisse-AP over IP sends the records bare: the terminal reads STX as a tag and answers AE=01 AF=09, or nothing.",
      advice: () => "Send the records alone over TCP: no STX, ETX nor LRC.",
    },
    "bytes-after-answer": {
      title: () => "The POS sends bytes after the answer (ACK/EOT)",
      explanation: (f) =>
        `After reading the answer the POS sent ${
          f.bytes ? `"${f.bytes}"` : "control bytes"
        }: the serial link's handshake, which Caisse-AP over IP does not use. A terminal that keeps the connection open reads them as the start of a malformed request.`,
      advice: () => "Send nothing after reading the answer: close the connection.",
    },
    "line-terminator": {
      title: () => "The request ends with CR/LF",
      explanation: () =>
        "A line terminator follows the records; Caisse-AP has none. The terminal reads the bytes as a record and rejects the request.",
      advice: () => "Send the records without CR/LF.",
    },
    "bf-sent": {
      title: () => "The POS sends BF (partial payment allowed)",
      explanation: () => "BF is sent with the request: newer Ingenico software fails on it (2025).",
      advice: () => "Never send BF.",
    },
    "unknown-tag": {
      title: (f) => `The POS sends tags Caisse-AP does not define (${s(f.tags)})`,
      explanation: (f) =>
        `The request carries ${
          s(f.tags)
        }. Terminals should ignore unknown tags and echo them, but an unknown tag can also be a misspelt one that the terminal never reads.`,
      advice: () => "Send only the tags of PROTOCOL.md §3.",
    },
    "terminal-tag": {
      title: (f) => `The POS sends a tag only the terminal sends (${s(f.tag)})`,
      explanation: (f) => `${s(f.message)}: a terminal may reject the request.`,
      advice: (f) => `Do not send ${s(f.tag)}.`,
    },
    "amount-zero-padded": {
      title: () => "The amount (CB) is zero-padded",
      explanation: (f) =>
        `${
          s(f.message)
        }. CB takes 2 to 12 digits and terminals accept leading zeros in tests, but known clients send the amount without padding.`,
      advice: () => "Send CB without leading zeros (at least 2 digits: 05 for 0.05 EUR).",
    },
    "amount-with-identification": {
      title: () => "The POS sends CB with an identification (CD=I)",
      explanation: () => "An identification carries no amount.",
      advice: () => "Leave CB out of identification requests.",
    },
    "malformed-frame": {
      title: () => "The request is not a sequence of Caisse-AP records",
      explanation: (f) => `${s(f.message)}. The terminal cannot read it and answers AE=01 AF=09.`,
      advice: () =>
        "Write each record as TAG (2 capital letters), LEN (exactly 3 digits) and LEN characters of value, CZ first, each tag once.",
    },
    "missing": {
      title: (f) => `The POS leaves out ${s(f.tag)}`,
      explanation: (f) => `${s(f.message)}: the terminal answers AE=01 AF=09 (bad message format).`,
      advice: (f) =>
        f.tag === "CJ"
          ? "Send CJ, the POS protocol identifier, 12 digits (012345678901 is accepted by real terminals)."
          : `Send ${s(f.tag)} with every request.`,
    },
    "format": {
      title: (f) => `${s(f.tag)} has the wrong format`,
      explanation: (f) =>
        f.tag === "CB"
          ? `${
            s(f.message)
          }: an amount under 0.10 EUR sent with one digit (CB0015 for 0.05 EUR) is rejected.`
          : `${s(f.message)}.`,
      advice: (f) =>
        f.tag === "CB"
          ? "Zero-fill the amount to at least 2 digits after computing it (05 for 0.05 EUR), at most 12."
          : f.tag === "CJ"
          ? "Send the 12 digits of CJ as its value (the classic bug writes the length, CJ003012)."
          : `Send ${s(f.tag)} as PROTOCOL.md §3 gives its format.`,
    },
    "unknown-value": {
      title: (f) => `${s(f.tag)} has a value the protocol does not know`,
      explanation: (f) => `${s(f.message)}: a terminal may refuse the request.`,
      advice: (f) => `Send one of the values of ${s(f.tag)} listed in PROTOCOL.md §3.`,
    },
  },
};

/**
 * The words of a code, or of a kind of `request-nonconformant`.
 *
 * @param catalogue The catalogue.
 * @param code The finding code.
 * @param facts The facts; `kind` and `family` pick a kind's words.
 * @returns The title, explanation and advice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENGLISH, wordsOf } from "./words_en.ts";
 * const facts = { kind: "bf-sent", family: "bf-sent" };
 * assert.equal(wordsOf(ENGLISH, "request-nonconformant", facts).advice, "Never send BF.");
 * ```
 */
export function wordsOf(
  catalogue: Catalogue,
  code: string,
  facts: Facts,
): { title: string; explanation: string; advice: string } {
  const words =
    (facts.kind !== undefined
      ? catalogue.kinds[String(facts.kind)] ?? catalogue.kinds[String(facts.family)]
      : undefined) ?? catalogue.codes[code];
  if (!words) return { title: code, explanation: code, advice: "" };
  return {
    title: words.title(facts),
    explanation: words.explanation(facts),
    advice: words.advice(facts),
  };
}
