/**
 * Typed Caisse-AP requests and answers: build a request from options, read a request or
 * an answer into named properties, check a request against the protocol, and explain an
 * answer in words.
 *
 * @module
 */

import {
  type Currency,
  findCurrency,
  formatAmount,
  fromAmountField,
  toAmountField,
} from "./money.ts";
import {
  ACTIONS,
  APPLICATIONS,
  checkFormat,
  COMPLEMENTS,
  MANDATORY_IDENTIFICATION_TAGS,
  MANDATORY_REQUEST_TAGS,
  STATUSES,
  tagName,
  TAGS,
  valueMeaning,
} from "./tags.ts";
import { decode, type Field, type FrameError, getField, RECORD_HEADER_LENGTH } from "./tlv.ts";
import { DEFAULT_POS_ID } from "./pos_defaults.ts";
import {
  codeMeaning,
  type CodeTable,
  formatMoney,
  type Language,
  t,
  tagNameIn,
} from "./i18n/mod.ts";

export { DEFAULT_POS_ID };

/** What the point of sale asks for (CD). */
export type Action =
  | "debit"
  | "credit"
  | "cancellation"
  | "identification"
  | "duplicate"
  | "print"
  | "status";

/** CD value of each action. */
export const ACTION_CODES: Readonly<Record<Action, string>> = {
  debit: "0",
  credit: "1",
  cancellation: "2",
  duplicate: "3",
  identification: "I",
  print: "P",
  status: "T",
};

/** The protocol version that known clients send. */
export const DEFAULT_VERSION = "0300";
/** CC value that asks for a cheque. */
export const CHEQUE_APPLICATION = "00C";

/** Options of {@linkcode buildRequest}. */
export interface RequestOptions {
  /** What to do. Default `"debit"`. */
  action?: Action;
  /** Amount in minor units (cents for EUR). Required, except for an identification. */
  amount?: number;
  /** Currency, alphabetic or numeric code, or a {@linkcode Currency}. Default `"EUR"`. */
  currency?: string | Currency;
  /** POS (register) number, CA: 2 digits. Default `"01"`. */
  register?: string;
  /** POS protocol identifier, CJ: 12 digits. Default {@linkcode DEFAULT_POS_ID}. */
  posId?: string;
  /** Protocol version, CZ. Default {@linkcode DEFAULT_VERSION}. */
  version?: string;
  /** Answer at once with AE=11 (BA=1) rather than at the end of the transaction. */
  immediate?: boolean;
  /** Payment application, CC, for example {@linkcode CHEQUE_APPLICATION}. */
  application?: string;
  /** Private data, CF: free text echoed by the terminal, often the POS's reference. */
  privateData?: string;
  /** Force an online authorisation (BB=1). */
  forceOnline?: boolean;
  /** More records, sent after the others (their tags must not repeat the others'). */
  extra?: readonly Field[];
}

/**
 * Builds a request. Records come in the order known clients send them: CZ, CJ, CA, CE,
 * BA, CD, CC, CB, then CF, BB and the extra records. BF is never sent.
 *
 * @param options What to ask for.
 * @returns The request's records.
 * @throws {RangeError} An amount or currency that cannot be sent, a missing amount.
 * @throws {TypeError} A register, identifier or tag of the wrong shape.
 *
 * @example A debit of 112.45 EUR
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRequest } from "./message.ts";
 * import { encode } from "./tlv.ts";
 * assert.equal(
 *   encode(buildRequest({ amount: 11245 })),
 *   "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB00511245",
 * );
 * ```
 */
export function buildRequest(options: RequestOptions): Field[] {
  const action = options.action ?? "debit";
  const code = ACTION_CODES[action];
  if (code === undefined) {
    throw new TypeError(
      `Unknown action "${action}": expected one of ${Object.keys(ACTION_CODES).join(", ")}`,
    );
  }
  const fields: Field[] = [
    { tag: "CZ", value: checked("CZ", options.version ?? DEFAULT_VERSION) },
    { tag: "CJ", value: checked("CJ", options.posId ?? DEFAULT_POS_ID) },
    { tag: "CA", value: checked("CA", options.register ?? "01") },
  ];
  if (action === "identification") {
    fields.push({ tag: "CD", value: code });
  } else {
    const currency = typeof options.currency === "object"
      ? options.currency
      : findCurrency(options.currency ?? "EUR");
    if (!currency) {
      throw new RangeError(
        `Unknown currency "${options.currency}": expected an ISO 4217 code such as "EUR" or "978"`,
      );
    }
    if (options.amount === undefined) {
      throw new RangeError(`Missing amount: a ${action} needs one`);
    }
    fields.push(
      { tag: "CE", value: currency.number },
      { tag: "BA", value: options.immediate ? "1" : "0" },
      { tag: "CD", value: code },
    );
    if (options.application !== undefined) {
      fields.push({ tag: "CC", value: checked("CC", options.application) });
    }
    fields.push({ tag: "CB", value: toAmountField(options.amount) });
  }
  if (options.privateData !== undefined) {
    fields.push({ tag: "CF", value: checked("CF", options.privateData) });
  }
  if (options.forceOnline) fields.push({ tag: "BB", value: "1" });
  for (const field of options.extra ?? []) {
    if (fields.some((f) => f.tag === field.tag)) {
      throw new TypeError(`Extra record "${field.tag}" repeats a tag of the request`);
    }
    fields.push({ tag: field.tag, value: field.value });
  }
  return fields;
}

function checked(tag: string, value: string): string {
  const problem = checkFormat(tag, value);
  if (problem) throw new TypeError(`Invalid ${tagName(tag)} "${value}": ${problem}`);
  return value;
}

/** A request, read into named properties. Absent records are `undefined`. */
export interface Request {
  /** All the records, in wire order. */
  fields: Field[];
  /** CZ. */
  version?: string;
  /** CJ. */
  posId?: string;
  /** CA. */
  register?: string;
  /** CD, the action code. */
  actionCode?: string;
  /** The action, when CD is a known code. */
  action?: Action;
  /** CB in minor units, when it is 1 to 12 digits. */
  amount?: number;
  /** CE, the numeric currency code. */
  currencyCode?: string;
  /** The currency, when CE is a known ISO 4217 code. */
  currency?: Currency;
  /** BA=1: answer at once. */
  immediate: boolean;
  /** CC, the application asked for. */
  application?: string;
  /** CC=00C: a cheque. */
  cheque: boolean;
  /** CF. */
  privateData?: string;
}

const ACTION_BY_CODE: Readonly<Record<string, Action>> = Object.fromEntries(
  Object.entries(ACTION_CODES).map(([action, code]) => [code, action as Action]),
);

/**
 * Reads a request's records into named properties.
 *
 * @param fields The records.
 * @returns The request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRequest } from "./message.ts";
 * import { decode } from "./tlv.ts";
 * const request = parseRequest(
 *   decode("CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB00511245"),
 * );
 * assert.equal(request.amount, 11245);
 * assert.equal(request.currency?.code, "EUR");
 * ```
 */
export function parseRequest(fields: Field[]): Request {
  const actionCode = getField(fields, "CD");
  const currencyCode = getField(fields, "CE");
  const application = getField(fields, "CC");
  return {
    fields,
    version: getField(fields, "CZ"),
    posId: getField(fields, "CJ"),
    register: getField(fields, "CA"),
    actionCode,
    action: actionCode === undefined ? undefined : ACTION_BY_CODE[actionCode],
    amount: fromAmountField(getField(fields, "CB")),
    currencyCode,
    currency: currencyCode !== undefined && /^[0-9]{3}$/.test(currencyCode)
      ? findCurrency(currencyCode)
      : undefined,
    immediate: getField(fields, "BA") === "1",
    application,
    cheque: application === CHEQUE_APPLICATION,
    privateData: getField(fields, "CF"),
  };
}

/** One thing a request does differently from what the protocol expects. */
export interface Finding {
  /**
   * `error`: a terminal cannot process the request (it answers AE=01 AF=09);
   * `warning`: a real terminal may reject it or misbehave.
   */
  level: "error" | "warning";
  /** The tag concerned, if any. */
  tag?: string;
  /** Byte offset of the record concerned (of the defect, for a frame error). */
  offset?: number;
  /** What is wrong, in words, for example `"CJ must be 12 digits"`. */
  message: string;
}

/**
 * Checks a request against the protocol (PROTOCOL.md §2-3): mandatory records, the format
 * of each known tag, known action and currency, tags a POS should not send.
 *
 * @param fields The request's records, as decoded.
 * @param frameError The decoding defect, if the frame was malformed: it is reported first.
 * @returns The findings, errors first; empty for a conforming request.
 *
 * @example The classic client bug: the length of CJ sent as its value
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRequest } from "./message.ts";
 * import { decode } from "./tlv.ts";
 * assert.deepEqual(checkRequest(decode("CZ0040300CJ003012CA00201CE003978CD0010CB0041250")), [
 *   { level: "warning", tag: "CJ", offset: 9, message: "CJ must be 12 digits" },
 * ]);
 * ```
 */
export function checkRequest(fields: readonly Field[], frameError?: FrameError): Finding[] {
  const errors: Finding[] = frameErrorFinding(frameError);
  const actionCode = getField(fields, "CD");
  const mandatory = actionCode === "I" ? MANDATORY_IDENTIFICATION_TAGS : MANDATORY_REQUEST_TAGS;
  for (const tag of mandatory) {
    if (getField(fields, tag) === undefined) {
      errors.push({
        level: "error",
        tag,
        message: `Mandatory ${tag} (${tagName(tag)}) is missing`,
      });
    }
  }
  const warnings = checkRecords(fields, "pos", errors);
  if (actionCode === "I" && getField(fields, "CB") !== undefined) {
    warnings.push({
      level: "warning",
      tag: "CB",
      message: "CB is not sent with an identification (CD=I)",
    });
  }
  return joined(errors, warnings);
}

/**
 * Checks an answer against the protocol: AE present and known, AF given with AE=01, the
 * format of each known tag. Records of the request echoed by the terminal are expected.
 *
 * @param fields The answer's records, as decoded.
 * @param frameError The decoding defect, if the frame was malformed: it is reported first.
 * @returns The findings, errors first; empty for a conforming answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkAnswer } from "./message.ts";
 * import { decode } from "./tlv.ts";
 * const message = "AE=01 without AF: the reason is not given";
 * assert.deepEqual(checkAnswer(decode("CZ0040300AE00201")), [
 *   { level: "warning", tag: "AE", offset: 9, message },
 * ]);
 * ```
 */
export function checkAnswer(fields: readonly Field[], frameError?: FrameError): Finding[] {
  const errors: Finding[] = frameErrorFinding(frameError);
  const status = getField(fields, "AE");
  if (status === undefined) {
    errors.push({ level: "error", tag: "AE", message: "Mandatory AE (action status) is missing" });
  }
  const warnings = checkRecords(fields, "terminal", errors);
  if (status === "01" && getField(fields, "AF") === undefined) {
    warnings.push({
      level: "warning",
      tag: "AE",
      offset: offsetOf(fields, "AE"),
      message: "AE=01 without AF: the reason is not given",
    });
  }
  return joined(errors, warnings);
}

function frameErrorFinding(frameError?: FrameError): Finding[] {
  if (!frameError) return [];
  return [{
    level: "error",
    ...(frameError.tag ? { tag: frameError.tag } : {}),
    offset: frameError.offset,
    message: frameError.message,
  }];
}

function offsetOf(fields: readonly Field[], tag: string): number | undefined {
  let offset = 0;
  for (const field of fields) {
    if (field.tag === tag) return offset;
    offset += RECORD_HEADER_LENGTH + field.value.length;
  }
  return undefined;
}

/**
 * Checks the format and the coded values of every known record; returns the warnings and
 * pushes to `errors` what makes a request unusable (an unreadable CB or CD).
 */
/** Errors then warnings, in a new array only when both have some (the usual: neither). */
function joined(errors: Finding[], warnings: Finding[]): Finding[] {
  return warnings.length === 0 ? errors : errors.length === 0 ? warnings : [...errors, ...warnings];
}

function checkRecords(
  fields: readonly Field[],
  sender: "pos" | "terminal",
  errors: Finding[],
): Finding[] {
  const warnings: Finding[] = [];
  let offset = 0;
  for (const { tag, value } of fields) {
    const info = TAGS[tag];
    // Only a problem's finding needs where it is: a clean record makes no object.
    const at = offset;
    offset += RECORD_HEADER_LENGTH + value.length;
    if (!info) {
      warnings.push(warning(tag, at, `Unknown tag ${tag} (kept, echoed)`));
      continue;
    }
    const problem = info.charset === "records" ? checkConstructed(value) : checkFormat(tag, value);
    if (problem) {
      // An amount or action the terminal cannot read makes the request unusable.
      const unusable = sender === "pos" && (tag === "CB" || tag === "CD");
      (unusable ? errors : warnings).push({
        level: unusable ? "error" : "warning",
        tag,
        offset: at,
        message: problem,
      });
      continue;
    }
    if (sender === "pos" && info.direction === "terminal") {
      warnings.push(warning(tag, at, `${tag} is sent by the terminal, not the POS`));
    } else if (sender === "pos" && tag === "BF") {
      warnings.push(warning(tag, at, "BF must not be sent: newer Ingenico software fails on it"));
    } else if (tag === "CD" && !(value in ACTIONS)) {
      warnings.push(warning(tag, at, `Unknown action type CD=${value}`));
    } else if (tag === "CE" && !findCurrency(value)) {
      warnings.push(warning(tag, at, `Unknown currency CE=${value} (ISO 4217)`));
    } else if (tag === "CC" && !(value in APPLICATIONS)) {
      warnings.push(warning(tag, at, `Unknown application CC=${value}`));
    } else if (info.values && tag !== "CC" && valueMeaning(tag, value) === undefined) {
      warnings.push(warning(tag, at, `Unknown value ${tag}=${value}`));
    }
  }
  return warnings;
}

/** A warning about the record of `tag` at `offset`. */
function warning(tag: string, offset: number, message: string): Finding {
  return { level: "warning", tag, offset, message };
}

function checkConstructed(value: string): string | undefined {
  try {
    decode(value, { versionFirst: false });
    return undefined;
  } catch (error) {
    return `Constructed value is malformed: ${(error as Error).message}`;
  }
}

/** An answer, read into named properties. Absent records are `undefined`. */
export interface Answer {
  /** All the records, in wire order. */
  fields: Field[];
  /** AE: `"10"` done, `"01"` not done, `"11"` request taken into account. */
  status?: string;
  /** AE=10. */
  approved: boolean;
  /** AE=11: the immediate-mode acknowledgement. */
  acknowledged: boolean;
  /** AF, whole. */
  complement?: string;
  /** The first two digits of AF. */
  complementCode?: string;
  /** The meaning of AF's code, for example `"refused"`. */
  reason?: string;
  /** CZ. */
  version?: string;
  /** CJ. */
  posId?: string;
  /** CA. */
  register?: string;
  /** CD. */
  actionCode?: string;
  /** CB in minor units (leading zeros ignored). */
  amount?: number;
  /** CE. */
  currencyCode?: string;
  /** The currency, when CE is known. */
  currency?: Currency;
  /** CC, the application used. */
  application?: string;
  /** CI, how the card was read. */
  readMode?: string;
  /** AC, the authorisation number. */
  authorisation?: string;
  /** AA, the masked card number. */
  cardNumber?: string;
  /** AB, the card expiry (YYMM). */
  expiry?: string;
  /** AI, the card application identifier. */
  aid?: string;
  /** CG, the merchant contract number. */
  contract?: string;
  /** CF, the private data. */
  privateData?: string;
  /** The records of ZT, the receipt, when present and well formed. */
  receipt?: Field[];
}

/**
 * Reads an answer's records into named properties.
 *
 * @param fields The records.
 * @returns The answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAnswer } from "./message.ts";
 * import { decode } from "./tlv.ts";
 * const answer = parseAnswer(decode("CZ0040300CA00201CD0010CB0041250CE003978AE00201AF00204"));
 * assert.equal(answer.approved, false);
 * assert.equal(answer.reason, "refused");
 * ```
 */
export function parseAnswer(fields: Field[]): Answer {
  const status = getField(fields, "AE");
  const complement = getField(fields, "AF");
  const complementCode = complement?.slice(0, 2);
  const currencyCode = getField(fields, "CE");
  const zt = getField(fields, "ZT");
  let receipt: Field[] | undefined;
  if (zt !== undefined) {
    try {
      receipt = decode(zt, { versionFirst: false });
    } catch {
      receipt = undefined;
    }
  }
  return {
    fields,
    status,
    approved: status === "10",
    acknowledged: status === "11",
    complement,
    complementCode,
    reason: complementCode === undefined ? undefined : COMPLEMENTS[complementCode],
    version: getField(fields, "CZ"),
    posId: getField(fields, "CJ"),
    register: getField(fields, "CA"),
    actionCode: getField(fields, "CD"),
    amount: fromAmountField(getField(fields, "CB")),
    currencyCode,
    currency: currencyCode !== undefined && /^[0-9]{3}$/.test(currencyCode)
      ? findCurrency(currencyCode)
      : undefined,
    application: getField(fields, "CC"),
    readMode: getField(fields, "CI"),
    authorisation: getField(fields, "AC"),
    cardNumber: getField(fields, "AA"),
    expiry: getField(fields, "AB"),
    aid: getField(fields, "AI"),
    contract: getField(fields, "CG"),
    privateData: getField(fields, "CF"),
    receipt,
  };
}

/**
 * Compares an approved answer with its request, as a careful POS must (quirks 2, 3 and 6
 * of PROTOCOL.md §5): only when AE=10, amounts compared ignoring leading zeros, CZ allowed
 * to differ. A lower amount is a partial approval.
 *
 * @param request The request sent.
 * @param answer The answer received.
 * @param lang The language of the words. Default English.
 * @returns What differs, in words; empty when all is consistent or the answer is not AE=10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRequest, compareAnswer, parseAnswer, parseRequest } from "./message.ts";
 * const request = parseRequest(buildRequest({ amount: 1250 }));
 * const answer = parseAnswer([...request.fields, { tag: "AE", value: "10" }]);
 * assert.deepEqual(compareAnswer(request, answer), []);
 * ```
 */
export function compareAnswer(request: Request, answer: Answer, lang: Language = "en"): string[] {
  if (!answer.approved) return [];
  const notes: string[] = [];
  for (
    const [tag, asked, got] of [
      ["CA", request.register, answer.register],
      ["CD", request.actionCode, answer.actionCode],
      ["CE", request.currencyCode, answer.currencyCode],
    ] as const
  ) {
    if (asked !== undefined && got !== undefined && asked !== got) {
      notes.push(t(lang, "client.compare.echo", { tag, name: tagNameIn(lang, tag), got, asked }));
    }
  }
  if (request.amount !== undefined && answer.amount !== undefined) {
    const money = (minor: number) =>
      request.currency ? moneyText(lang, minor, request.currency) : `${minor}`;
    const amounts = { approved: money(answer.amount), asked: money(request.amount) };
    if (answer.amount < request.amount) {
      notes.push(t(lang, "client.compare.partial", amounts));
    } else if (answer.amount > request.amount) {
      notes.push(t(lang, "client.compare.more", amounts));
    }
  }
  return notes;
}

/**
 * An amount in the client's words: `12.50 EUR` in English (the form scripts already
 * read), `12,50 €` in French (`Intl`, exact).
 */
function moneyText(lang: Language, minor: number, currency: Currency): string {
  return lang === "en"
    ? `${formatAmount(minor, currency)} ${currency.code}`
    : formatMoney(lang, minor, currency);
}

/**
 * Explains an answer in words, one line per fact: the outcome first, then the amount,
 * the application, how the card was read, the authorisation number, the masked card...
 *
 * @param answer The answer.
 * @param lang The language of the words (`"fr"`: French). Default English.
 * @returns The lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainAnswer, parseAnswer } from "./message.ts";
 * import { decode } from "./tlv.ts";
 * const lines = explainAnswer(parseAnswer(decode("CZ0040300AE00201AF00204")));
 * assert.equal(lines[0], "Not done (AE=01): AF=04 refused");
 * assert.equal(
 *   explainAnswer(parseAnswer(decode("CZ0040300AE00201AF00204")), "fr")[0],
 *   "Non effectué (AE=01)\u00a0: AF=04 refusé",
 * );
 * ```
 */
export function explainAnswer(answer: Answer, lang: Language = "en"): string[] {
  const lines = [statusLine(answer, lang)];
  for (const [label, value, meaning] of answerRows(answer, lang)) {
    if (value !== undefined) {
      lines.push(`${label.padEnd(16)}${value}${meaning ? ` ${meaning}` : ""}`);
    }
  }
  return lines;
}

/** The first line of {@linkcode explainAnswer}: what the status (AE) says. */
function statusLine(answer: Answer, lang: Language): string {
  if (answer.approved) return t(lang, "client.status.approved");
  if (answer.acknowledged) return t(lang, "client.status.acknowledged");
  if (answer.status === undefined) return t(lang, "client.status.missing");
  if (answer.status !== "01") return t(lang, "client.status.unknown", { status: answer.status });
  if (answer.complement === undefined) return t(lang, "client.status.no-reason");
  const detail = answer.complement.slice(2).trim();
  const code = answer.complementCode ?? "";
  const reason = codeMeaning(lang, "AF", code) ?? t(lang, "client.unknown-reason");
  return detail
    ? t(lang, "client.status.not-done-detail", { code, reason, detail })
    : t(lang, "client.status.not-done", { code, reason });
}

/** Records that {@linkcode answerRows} shows by name; any other is listed by its tag. */
const EXPLAINED_TAGS = new Set("AE AF CB CE CD CC CI AC AA AB AI CG CF CA CZ CJ BA".split(" "));

/** The rows of {@linkcode explainAnswer} after the status: label, value, meaning. */
function answerRows(answer: Answer, lang: Language): [string, string | undefined, string?][] {
  const meaning = (tag: CodeTable, code: string | undefined) =>
    code === undefined
      ? undefined
      : codeMeaning(lang, tag, code) ?? t(lang, "client.unknown-meaning");
  const expiry = answer.expiry && /^[0-9]{4}$/.test(answer.expiry)
    ? `${answer.expiry.slice(2)}/${answer.expiry.slice(0, 2)}`
    : answer.expiry;
  const label = (key: Parameters<typeof t>[1]) => t(lang, key);
  return [
    [label("client.label.amount"), amountText(answer, lang)],
    [label("client.label.action"), answer.actionCode, meaning("CD", answer.actionCode)],
    [label("client.label.application"), answer.application, meaning("CC", answer.application)],
    [label("client.label.read-mode"), answer.readMode, meaning("CI", answer.readMode)],
    [label("client.label.authorisation"), answer.authorisation],
    [label("client.label.card"), answer.cardNumber],
    [label("client.label.expiry"), expiry],
    [label("client.label.aid"), answer.aid],
    [label("client.label.contract"), answer.contract],
    [label("client.label.private-data"), answer.privateData],
    [label("client.label.register"), answer.register],
    [label("client.label.version"), answer.version],
    [
      label("client.label.status"),
      answer.status !== undefined && !(answer.status in STATUSES) ? answer.status : undefined,
    ],
    ...answer.fields.filter(({ tag }) => !EXPLAINED_TAGS.has(tag))
      .map(({ tag, value }): [string, string, string] => [tag, value, `(${tagNameIn(lang, tag)})`]),
  ];
}

/** The answer's amount in its currency, or in minor units when the currency is unknown. */
function amountText(answer: Answer, lang: Language): string | undefined {
  if (answer.amount === undefined) return undefined;
  return answer.currency
    ? moneyText(lang, answer.amount, answer.currency)
    : t(lang, "client.amount-minor", {
      minor: answer.amount,
      currency: answer.currencyCode ?? t(lang, "client.currency-not-given"),
    });
}
