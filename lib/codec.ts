/**
 * The Caisse-AP codec, whole: records (`TAG LEN VALUE`) with {@linkcode decode},
 * {@linkcode decodePartial}, {@linkcode encode} and the {@linkcode RecordScanner}; the
 * stream reader {@linkcode MessageReader} that finds where a message ends; the tag
 * dictionary {@linkcode TAGS} with the value tables; exact amounts ({@linkcode parseAmount},
 * {@linkcode formatAmount}); typed requests and answers ({@linkcode buildRequest},
 * {@linkcode parseAnswer}, {@linkcode checkRequest}); and conformance reports of captured
 * frames ({@linkcode reportFrame}). No network: it runs anywhere JavaScript does.
 *
 * @example Build a request, decode it and encode it again
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRequest, decode, encode, tagName } from "./codec.ts";
 *
 * const frame = encode(buildRequest({ amount: 1250, currency: "EUR" }));
 * const fields = decode(frame);
 * assert.equal(fields[0].tag, "CZ");
 * assert.equal(fields.find((field) => field.tag === "CB")?.value, "1250");
 * assert.equal(tagName("CB"), "amount");
 * assert.equal(encode(fields), frame);
 * ```
 *
 * @module
 */

export {
  asciiBytes,
  decode,
  type DecodeOptions,
  decodePartial,
  encode,
  encodeBytes,
  escapeText,
  type Field,
  FrameError,
  type FrameErrorKind,
  getField,
  type PartialDecode,
  RecordScanner,
  setField,
  toText,
} from "./tlv.ts";
export {
  type ByteSource,
  DEFAULT_MAX_BYTES,
  DEFAULT_QUIET_MS,
  holdsStatus,
  type Message,
  type MessageEnd,
  MessageReader,
  MessageSizeError,
  MessageTimeoutError,
  QUIET_PAUSE_FACTOR,
  type ReadOptions,
  writeAll,
} from "./framing.ts";
export {
  ACTIONS,
  APPLICATIONS,
  type Charset,
  checkFormat,
  COMPLEMENTS,
  type Confidence,
  describeField,
  type Direction,
  MANDATORY_IDENTIFICATION_TAGS,
  MANDATORY_REQUEST_TAGS,
  READ_MODES,
  STATUSES,
  type TagInfo,
  tagName,
  TAGS,
  valueMeaning,
} from "./tags.ts";
export {
  type Currency,
  findCurrency,
  formatAmount,
  fromAmountField,
  getCurrency,
  parseAmount,
  type ParsedAmount,
  toAmountField,
} from "./money.ts";
export {
  type Action,
  ACTION_CODES,
  type Answer,
  buildRequest,
  checkRequest,
  CHEQUE_APPLICATION,
  compareAnswer,
  DEFAULT_POS_ID,
  DEFAULT_VERSION,
  explainAnswer,
  type Finding,
  parseAnswer,
  parseRequest,
  type Request,
  type RequestOptions,
} from "./message.ts";
export { formatReport, type FrameReport, reportFrame } from "./report.ts";
export {
  detectLanguage,
  formatMoney,
  type Language,
  type LanguageEnvironment,
  LANGUAGES,
  type MoneyCurrency,
  terminalAmount,
} from "./i18n/mod.ts";
