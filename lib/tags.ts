/**
 * The Caisse-AP tag dictionary, as data: what each tag means, who sends it, its format
 * and the meaning of its coded values. Source: PROTOCOL.md §3 (public implementations
 * and vendors' documentation; the confidence letter says how well each fact is known).
 *
 * @module
 */

/** Who sends a tag: the point of sale, the terminal, or both (echoed back). */
export type Direction = "pos" | "terminal" | "both";

/**
 * Characters a value may hold: `digits` (0-9), `code` (0-9 and A-Z), `text` (any printable
 * ASCII) or `records` (a constructed value, itself a sequence of records).
 */
export type Charset = "digits" | "code" | "text" | "records";

/** How well a fact is known: A several sources or hardware, B one good source, C one weak one. */
export type Confidence = "A" | "B" | "C";

/** What the dictionary knows of one tag. */
export interface TagInfo {
  /** The tag, two uppercase letters. */
  readonly tag: string;
  /** Short name, for tables and logs. */
  readonly name: string;
  /** Who sends it. */
  readonly direction: Direction;
  /** Characters its value may hold. */
  readonly charset: Charset;
  /** Shortest value. */
  readonly min: number;
  /** Longest value. */
  readonly max: number;
  /** Meaning of each coded value, when the tag is a code. */
  readonly values?: Readonly<Record<string, string>>;
  /** How well it is known. */
  readonly confidence: Confidence;
  /** What a developer should know about it. */
  readonly note?: string;
}

/** CD, action type. */
export const ACTIONS: Readonly<Record<string, string>> = {
  "0": "debit",
  "1": "credit (refund)",
  "2": "cancellation",
  "3": "duplicate receipt",
  "I": "identification",
  "P": "print",
  "T": "transaction status",
};

/** CC, payment application (in an answer: the application used). */
export const APPLICATIONS: Readonly<Record<string, string>> = {
  "000": "any",
  "001": "CB contact",
  "002": "Amex contact",
  "003": "CB Enseigne",
  "005": "Cofinoga",
  "006": "Diners",
  "007": "CB-Pass",
  "008": "Franfinance",
  "009": "JCB",
  "00A": "Banque Accord",
  "00B": "CB contactless",
  "00C": "cheque",
  "00D": "Amex contactless",
  "00E": "CONECS (meal vouchers)",
  "00G": "QuickPass",
  "00I": "CPEI",
  "00U": "UnionPay",
  "00V": "ANCV",
};

/** AE, action status. */
export const STATUSES: Readonly<Record<string, string>> = {
  "10": "done",
  "01": "not done",
  "11": "request taken into account",
};

/** AF, status complement (its first two digits). */
export const COMPLEMENTS: Readonly<Record<string, string>> = {
  "00": "unknown",
  "01": "authorised",
  "02": "phone call required",
  "03": "forced",
  "04": "refused",
  "05": "forbidden",
  "06": "cardholder abandon",
  "07": "not completed",
  "08": "input time-out",
  "09": "bad message format",
  "10": "selection error",
  "11": "operator abandon",
  "12": "unknown action type",
  "13": "currency not supported",
};

/** CI, card read mode. */
export const READ_MODES: Readonly<Record<string, string>> = {
  "0": "any",
  "1": "chip contact",
  "2": "contactless",
  "3": "magnetic stripe",
  "4": "manual entry",
};

const tags: TagInfo[] = [
  {
    tag: "CZ",
    name: "protocol version",
    direction: "both",
    charset: "digits",
    min: 4,
    max: 4,
    confidence: "A",
    note: "first record; 0300 sent by known clients, terminals answered 0300, 0301, 0320",
  },
  {
    tag: "CJ",
    name: "POS protocol identifier",
    direction: "both",
    charset: "digits",
    min: 12,
    max: 12,
    confidence: "A",
    note: "assigned by the association; 012345678901 is accepted by real terminals",
  },
  {
    tag: "CA",
    name: "POS number",
    direction: "both",
    charset: "digits",
    min: 2,
    max: 2,
    confidence: "A",
  },
  {
    tag: "CB",
    name: "amount",
    direction: "both",
    charset: "digits",
    min: 2,
    max: 12,
    confidence: "A",
    note: "minor units, at least 2 digits; an answer may pad it or approve less",
  },
  {
    tag: "CC",
    name: "payment application",
    direction: "both",
    charset: "code",
    min: 3,
    max: 3,
    values: APPLICATIONS,
    confidence: "A",
  },
  {
    tag: "CD",
    name: "action type",
    direction: "both",
    charset: "code",
    min: 1,
    max: 1,
    values: ACTIONS,
    confidence: "A",
  },
  {
    tag: "CE",
    name: "currency",
    direction: "both",
    charset: "digits",
    min: 3,
    max: 3,
    confidence: "A",
    note: "ISO 4217 numeric code",
  },
  {
    tag: "BA",
    name: "answer mode",
    direction: "pos",
    charset: "digits",
    min: 1,
    max: 1,
    values: { "0": "answer at the end of the transaction", "1": "immediate answer" },
    confidence: "A",
  },
  {
    tag: "BB",
    name: "force online authorisation",
    direction: "pos",
    charset: "digits",
    min: 1,
    max: 1,
    values: { "0": "no", "1": "yes" },
    confidence: "B",
  },
  {
    tag: "BF",
    name: "partial payment allowed",
    direction: "pos",
    charset: "digits",
    min: 1,
    max: 1,
    values: { "0": "no", "1": "yes" },
    confidence: "A",
    note: "never send it: newer Ingenico software fails on it",
  },
  {
    tag: "BH",
    name: "shopper phone",
    direction: "pos",
    charset: "text",
    min: 1,
    max: 20,
    confidence: "B",
  },
  {
    tag: "BI",
    name: "shopper e-mail",
    direction: "pos",
    charset: "text",
    min: 1,
    max: 256,
    confidence: "B",
  },
  {
    tag: "CF",
    name: "private data",
    direction: "both",
    charset: "text",
    min: 1,
    max: 99,
    confidence: "A",
    note: "free text from the POS, echoed in the answer",
  },
  {
    tag: "CH",
    name: "external transaction reference",
    direction: "pos",
    charset: "text",
    min: 1,
    max: 999,
    confidence: "B",
  },
  {
    tag: "CK",
    name: "receipt handling",
    direction: "pos",
    charset: "digits",
    min: 3,
    max: 3,
    values: { "000": "no receipt returned", "100": "receipt returned in ZT" },
    confidence: "B",
  },
  {
    tag: "AE",
    name: "action status",
    direction: "terminal",
    charset: "digits",
    min: 2,
    max: 2,
    values: STATUSES,
    confidence: "A",
  },
  {
    tag: "AF",
    name: "status complement",
    direction: "terminal",
    charset: "text",
    min: 2,
    max: 50,
    values: COMPLEMENTS,
    confidence: "A",
    note: "first two digits are the code; acquirer detail may follow",
  },
  {
    tag: "AA",
    name: "card number (masked)",
    direction: "terminal",
    charset: "text",
    min: 1,
    max: 64,
    confidence: "A",
  },
  {
    tag: "AB",
    name: "card expiry (YYMM)",
    direction: "terminal",
    charset: "digits",
    min: 4,
    max: 4,
    confidence: "A",
  },
  {
    tag: "AC",
    name: "authorisation number",
    direction: "terminal",
    charset: "text",
    min: 1,
    max: 10,
    confidence: "A",
  },
  {
    tag: "AI",
    name: "card application identifier (AID)",
    direction: "terminal",
    charset: "code",
    min: 1,
    max: 32,
    confidence: "A",
  },
  {
    tag: "CG",
    name: "merchant contract number",
    direction: "terminal",
    charset: "text",
    min: 1,
    max: 10,
    confidence: "B",
  },
  {
    tag: "CI",
    name: "card read mode",
    direction: "terminal",
    charset: "digits",
    min: 1,
    max: 1,
    values: READ_MODES,
    confidence: "A",
  },
  {
    tag: "AL",
    name: "PAN type",
    direction: "terminal",
    charset: "digits",
    min: 1,
    max: 1,
    values: { "1": "partial PAN" },
    confidence: "B",
  },
  {
    tag: "ZT",
    name: "receipt",
    direction: "terminal",
    charset: "records",
    min: 1,
    max: 999,
    confidence: "A",
    note: "constructed: holds CK and AK (base64 of a Latin-1 receipt)",
  },
  {
    tag: "AK",
    name: "receipt text (base64)",
    direction: "terminal",
    charset: "text",
    min: 1,
    max: 900,
    confidence: "A",
  },
];

/** The dictionary, by tag. */
export const TAGS: Readonly<Record<string, TagInfo>> = Object.freeze(
  Object.fromEntries(tags.map((info) => [info.tag, Object.freeze(info)])),
);

/** Tags every request must hold (CB is not sent with CD=I). */
export const MANDATORY_REQUEST_TAGS: readonly string[] = ["CZ", "CJ", "CA", "CB", "CD", "CE"];

/** Tags an identification request (CD=I) must hold. */
export const MANDATORY_IDENTIFICATION_TAGS: readonly string[] = ["CZ", "CJ", "CA", "CD"];

/**
 * Gets the short name of a tag, or `"unknown tag"`.
 *
 * @param tag The tag.
 * @returns Its name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tagName } from "./tags.ts";
 * assert.equal(tagName("CB"), "amount");
 * ```
 */
export function tagName(tag: string): string {
  return TAGS[tag]?.name ?? "unknown tag";
}

/**
 * Explains a coded value in words, for the tags that have a value table. AF is looked up
 * by its first two digits.
 *
 * @param tag The tag.
 * @param value Its value.
 * @returns The meaning, or `undefined` when the tag has no table or the value is not in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueMeaning } from "./tags.ts";
 * assert.equal(valueMeaning("AF", "04"), "refused");
 * assert.equal(valueMeaning("CC", "00B"), "CB contactless");
 * ```
 */
export function valueMeaning(tag: string, value: string): string | undefined {
  const table = TAGS[tag]?.values;
  if (!table) return undefined;
  return table[tag === "AF" ? value.slice(0, 2) : value];
}

/**
 * Describes a record in words: `AF=04 refused`, or just `AQ=5A12` for an unknown tag.
 *
 * @param tag The tag.
 * @param value Its value.
 * @returns The description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeField } from "./tags.ts";
 * assert.equal(describeField("AF", "04"), "AF=04 refused");
 * ```
 */
export function describeField(tag: string, value: string): string {
  const meaning = valueMeaning(tag, value);
  return meaning ? `${tag}=${value} ${meaning}` : `${tag}=${value}`;
}

/**
 * Checks a value against the tag's format in the dictionary.
 *
 * @param tag The tag.
 * @param value Its value.
 * @returns What is wrong, or `undefined` when the value fits (or the tag is unknown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFormat } from "./tags.ts";
 * assert.equal(checkFormat("CJ", "012"), "CJ must be 12 digits");
 * assert.equal(checkFormat("CB", "1250"), undefined);
 * ```
 */
export function checkFormat(tag: string, value: string): string | undefined {
  const info = TAGS[tag];
  if (!info) return undefined;
  const wrongLength = value.length < info.min || value.length > info.max;
  const wrongChars = (info.charset === "digits" && !/^[0-9]*$/.test(value)) ||
    (info.charset === "code" && !/^[0-9A-Z]*$/.test(value));
  if (!wrongLength && !wrongChars) return undefined;
  // The words only for a value that needs them: every record of every request is checked.
  const size = info.min === info.max ? `${info.min}` : `${info.min} to ${info.max}`;
  const what = info.charset === "digits"
    ? "digits"
    : info.charset === "code"
    ? "digits or capital letters"
    : "characters";
  return `${tag} must be ${size} ${what}`;
}
