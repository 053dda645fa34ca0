/**
 * Caisse-AP records (`TAG LEN VALUE`) to and from text and bytes.
 *
 * A message is a sequence of records: a 2-letter uppercase tag, a length of exactly
 * three digits (001 to 999) and that many printable ASCII characters. The version
 * record `CZ` comes first and no tag appears twice. The decoder is strict: the first
 * defect is reported as a {@linkcode FrameError} that names its kind and byte offset.
 *
 * @module
 */

/** One record of a message: a two-letter tag and its value. */
export interface Field {
  /** Two uppercase ASCII letters, for example `"CB"`. */
  tag: string;
  /** The value, 1 to 999 printable ASCII characters. */
  value: string;
}

/**
 * What is wrong with a frame:
 * - `empty`: no record at all;
 * - `tag`: a tag that is not two uppercase letters (offset: the first byte of the record);
 * - `length`: a length that is not three digits or is `000` (offset: the length field);
 * - `truncated`: the input ends inside a record (offset: the first byte of the record);
 * - `character`: a byte of a value that is not printable ASCII (offset: that byte);
 * - `duplicate`: a tag seen before (offset: the first byte of the repeated record);
 * - `order`: the first record is not `CZ` (offset: 0).
 */
export type FrameErrorKind =
  | "empty"
  | "tag"
  | "length"
  | "truncated"
  | "character"
  | "duplicate"
  | "order";

/**
 * A malformed frame. Carries the kind of defect, the offset of the byte where it was
 * found and, when known, the tag of the record at fault.
 *
 * @example Catch a decoding error
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode, FrameError } from "./tlv.ts";
 * try {
 *   decode("CZ0040300CB0051124");
 *   assert.fail("the message is truncated");
 * } catch (error) {
 *   assert.ok(error instanceof FrameError);
 *   assert.equal(error.kind, "truncated");
 *   assert.equal(error.offset, 9);
 * }
 * ```
 */
export class FrameError extends SyntaxError {
  /** The kind of defect. */
  readonly kind: FrameErrorKind;
  /** Byte offset of the defect in the frame. */
  readonly offset: number;
  /** Tag of the record at fault, when it could be read. */
  readonly tag?: string;

  /**
   * Builds a frame error.
   *
   * @param kind The kind of defect.
   * @param offset Byte offset of the defect.
   * @param message What is wrong, in words.
   * @param tag Tag of the record at fault, if known.
   */
  constructor(kind: FrameErrorKind, offset: number, message: string, tag?: string) {
    super(message);
    this.name = "FrameError";
    this.kind = kind;
    this.offset = offset;
    if (tag !== undefined) this.tag = tag;
  }
}

/** Largest value length a record can carry. */
export const MAX_VALUE_LENGTH = 999;
/** Bytes of a record that are not its value: 2 of tag, 3 of length. */
export const RECORD_HEADER_LENGTH = 5;

const A = 0x41, Z = 0x5a, ZERO = 0x30, NINE = 0x39, SPACE = 0x20, TILDE = 0x7e;

/** Marker returned by {@linkcode recordEnd} when the input stops inside a record. */
export const INCOMPLETE = -1;

/**
 * Checks the record that starts at `offset` and returns the offset just past it, or
 * {@linkcode INCOMPLETE} when the text ends inside it. A defect in the characters that
 * are present throws at once, so a stream reader can reject a frame before it ends.
 *
 * @param text The frame, one character per byte.
 * @param offset Where the record starts.
 * @returns The offset just past the record, or `INCOMPLETE`.
 * @throws {FrameError} `tag`, `length` or `character`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordEnd } from "./tlv.ts";
 * assert.equal(recordEnd("CZ0040300CA00201", 9), 16);
 * ```
 */
export function recordEnd(text: string, offset: number): number {
  const size = text.length;
  const c0 = offset < size ? text.charCodeAt(offset) : -1;
  const c1 = offset + 1 < size ? text.charCodeAt(offset + 1) : -1;
  if ((c0 !== -1 && (c0 < A || c0 > Z)) || (c1 !== -1 && (c1 < A || c1 > Z))) {
    throw new FrameError(
      "tag",
      offset,
      `Invalid tag ${
        quote(text.slice(offset, offset + 2))
      } at offset ${offset}: expected two uppercase letters`,
    );
  }
  let length = 0;
  for (let i = offset + 2; i < offset + RECORD_HEADER_LENGTH; i++) {
    if (i >= size) return INCOMPLETE;
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) throw badLength(text, offset);
    length = length * 10 + (c - ZERO);
  }
  if (length === 0) throw badLength(text, offset);
  const start = offset + RECORD_HEADER_LENGTH;
  const end = start + length;
  const stop = end < size ? end : size;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < SPACE || c > TILDE) {
      const tag = text.slice(offset, offset + 2);
      throw new FrameError(
        "character",
        i,
        `Invalid character ${describeChar(text, i)} at offset ${i} in the value of ${
          quote(tag)
        }: expected printable ASCII`,
        tag,
      );
    }
  }
  return end <= size ? end : INCOMPLETE;
}

function badLength(text: string, offset: number): FrameError {
  const tag = text.slice(offset, offset + 2);
  const at = offset + 2;
  return new FrameError(
    "length",
    at,
    `Invalid length ${quote(text.slice(at, at + 3))} of ${
      quote(tag)
    } at offset ${at}: expected three digits from 001 to 999`,
    tag,
  );
}

/** Options of {@linkcode decode} and {@linkcode decodePartial}. */
export interface DecodeOptions {
  /**
   * Require `CZ` as the first record, as in a whole message. Set it to `false` for the
   * value of a constructed record (`ZT`). Default `true`.
   */
  versionFirst?: boolean;
}

/** What {@linkcode decodePartial} could read of a frame. */
export interface PartialDecode {
  /** The well-formed records, in wire order; a repeated tag is kept once (the first). */
  fields: Field[];
  /** The first defect, if any. */
  error?: FrameError;
}

/**
 * Decodes a whole frame strictly: every record well formed, `CZ` first, no tag twice.
 *
 * @param input The frame, as text or bytes.
 * @param options See {@linkcode DecodeOptions}.
 * @returns The records in wire order.
 * @throws {FrameError} On the first defect, with its kind and offset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "./tlv.ts";
 * assert.deepEqual(decode("CZ0040300CB00511245"), [
 *   { tag: "CZ", value: "0300" },
 *   { tag: "CB", value: "11245" },
 * ]);
 * ```
 */
export function decode(input: string | Uint8Array, options?: DecodeOptions): Field[] {
  const result = decodePartial(input, options);
  if (result.error) throw result.error;
  return result.fields;
}

/**
 * Decodes as much of a frame as is well formed, for a terminal that must echo what it
 * could read of a bad request. Reading stops at the first defect in a record's shape;
 * a misplaced `CZ` or a repeated tag is reported but reading goes on.
 *
 * @param input The frame, as text or bytes.
 * @param options See {@linkcode DecodeOptions}.
 * @returns The records read and the first defect, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePartial } from "./tlv.ts";
 * const { fields, error } = decodePartial("CZ0040300CA00201CB0");
 * assert.deepEqual(fields.map((field) => field.tag), ["CZ", "CA"]);
 * assert.equal(error?.kind, "truncated");
 * ```
 */
export function decodePartial(input: string | Uint8Array, options?: DecodeOptions): PartialDecode {
  const text = toText(input);
  const scanner = new RecordScanner(options);
  scanner.scan(text);
  return scanner.finish(text);
}

/**
 * Reads records incrementally, as the bytes of a message arrive: each call to
 * {@linkcode RecordScanner.scan} goes on from the last whole record. A misplaced `CZ` or a
 * repeated tag is noted and reading goes on (the repeated record is dropped); a defect
 * in a record's shape stops it.
 *
 * @example Feed a message in two parts
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordScanner } from "./tlv.ts";
 * const scanner = new RecordScanner();
 * assert.equal(scanner.scan("CZ0040300CB0"), false); // not on a record boundary
 * assert.equal(scanner.scan("CZ0040300CB00511245"), true);
 * assert.equal(scanner.fields.length, 2);
 * ```
 */
export class RecordScanner {
  /** The records read so far, in wire order. */
  readonly fields: Field[] = [];
  /** The first defect found so far. */
  error?: FrameError;
  /** Offset just past the last whole record read. */
  offset = 0;
  /** Whether a defect in a record's shape has stopped the reading. */
  stopped = false;
  readonly #versionFirst: boolean;

  /**
   * Makes a scanner.
   *
   * @param options See {@linkcode DecodeOptions}.
   */
  constructor(options?: DecodeOptions) {
    this.#versionFirst = options?.versionFirst ?? true;
  }

  /**
   * Reads the whole records of `text` that follow the last one read. `text` must be the
   * earlier text with more appended.
   *
   * @param text All of the message received so far, one character per byte.
   * @returns Whether the text ends exactly on a record boundary and reading can go on.
   */
  scan(text: string): boolean {
    if (this.stopped) return false;
    const fields = this.fields;
    const size = text.length;
    let offset = this.offset;
    while (offset < size) {
      let end: number;
      try {
        end = recordEnd(text, offset);
      } catch (e) {
        this.error ??= e as FrameError;
        this.stopped = true;
        break;
      }
      if (end === INCOMPLETE) break;
      const tag = text.slice(offset, offset + 2);
      if (offset === 0 && this.#versionFirst && tag !== "CZ") {
        this.error = new FrameError("order", 0, `First tag is ${quote(tag)}: expected "CZ"`, tag);
      }
      let seen = false;
      for (let i = 0; i < fields.length; i++) {
        if (fields[i].tag === tag) {
          seen = true;
          break;
        }
      }
      if (seen) {
        this.error ??= new FrameError(
          "duplicate",
          offset,
          `Duplicate tag ${quote(tag)} at offset ${offset}`,
          tag,
        );
      } else {
        fields.push({ tag, value: text.slice(offset + RECORD_HEADER_LENGTH, end) });
      }
      offset = end;
    }
    this.offset = offset;
    return !this.stopped && offset === size;
  }

  /**
   * Ends the reading: text left after the last whole record is a truncated record, and
   * no record at all is an empty frame.
   *
   * @param text The whole message, as given to the last {@linkcode RecordScanner.scan}.
   * @returns The records read and the first defect, if any.
   */
  finish(text: string): PartialDecode {
    if (!this.stopped && this.offset < text.length) {
      this.error ??= truncated(text, this.offset);
      this.stopped = true;
    } else if (text.length === 0) {
      this.error ??= new FrameError("empty", 0, "Empty frame: expected at least one record");
    }
    return this.error ? { fields: this.fields, error: this.error } : { fields: this.fields };
  }
}

function truncated(text: string, offset: number): FrameError {
  const tag = text.length >= offset + 2 ? text.slice(offset, offset + 2) : undefined;
  const has = text.length - offset;
  const what = has < RECORD_HEADER_LENGTH
    ? `its header has ${has} of 5 characters`
    : `its value has ${has - RECORD_HEADER_LENGTH} of ${
      Number(text.slice(offset + 2, offset + 5))
    } characters`;
  return new FrameError(
    "truncated",
    offset,
    `Record ${tag ? quote(tag) + " " : ""}at offset ${offset} is cut short: ${what}`,
    tag,
  );
}

/**
 * Encodes records as the text of a frame. Each record is checked (tag of two
 * uppercase letters, value of 1 to 999 printable ASCII characters); the order and
 * uniqueness of tags are the caller's.
 *
 * @param fields The records, in wire order.
 * @returns The frame.
 * @throws {TypeError} A tag or a character that cannot be sent.
 * @throws {RangeError} A value that is empty or longer than 999 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encode } from "./tlv.ts";
 * const fields = [{ tag: "CZ", value: "0300" }, { tag: "CA", value: "01" }];
 * assert.equal(encode(fields), "CZ0040300CA00201");
 * ```
 */
export function encode(fields: readonly Field[]): string {
  let out = "";
  for (const { tag, value } of fields) {
    checkField(tag, value);
    out += tag + lengthText(value.length) + value;
  }
  return out;
}

/**
 * The three digits of each length from 0 to 999, made as they are first needed: encode
 * is on every answer's path, where a number made text each time costs an object.
 */
const LENGTH_TEXTS: (string | undefined)[] = new Array(MAX_VALUE_LENGTH + 1);

function lengthText(n: number): string {
  return LENGTH_TEXTS[n] ??= String(n).padStart(3, "0");
}

/**
 * Encodes records as the bytes of a frame (ASCII). Same checks as {@linkcode encode}.
 *
 * @param fields The records, in wire order.
 * @returns The frame's bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBytes } from "./tlv.ts";
 * assert.equal(encodeBytes([{ tag: "CZ", value: "0300" }]).length, 9);
 * ```
 */
export function encodeBytes(fields: readonly Field[]): Uint8Array {
  return asciiBytes(encode(fields));
}

function checkField(tag: string, value: string): void {
  if (
    typeof tag !== "string" || tag.length !== 2 || !isUpper(tag.charCodeAt(0)) ||
    !isUpper(tag.charCodeAt(1))
  ) {
    throw new TypeError(`Invalid tag ${quote(String(tag))}: expected two uppercase letters`);
  }
  if (typeof value !== "string") {
    throw new TypeError(`Invalid value of ${quote(tag)}: expected a string`);
  }
  if (value.length < 1 || value.length > MAX_VALUE_LENGTH) {
    throw new RangeError(
      `Invalid value of ${
        quote(tag)
      }: ${value.length} characters, expected 1 to ${MAX_VALUE_LENGTH}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < SPACE || c > TILDE) {
      throw new TypeError(
        `Invalid character ${describeChar(value, i)} in the value of ${
          quote(tag)
        }: expected printable ASCII`,
      );
    }
  }
}

function isUpper(c: number): boolean {
  return c >= A && c <= Z;
}

/**
 * Turns bytes into text, one character per byte, so offsets in the text are byte
 * offsets. Text is returned as it is.
 *
 * @param input Text or bytes.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toText } from "./tlv.ts";
 * assert.equal(toText(new Uint8Array([0x43, 0x5a])), "CZ");
 * ```
 */
export function toText(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  // Not TextDecoder("latin1"): the Encoding standard makes that windows-1252, which turns
  // bytes 0x80 to 0x9F into other characters, and the bytes could not be written back.
  // apply() takes the bytes as they are; a spread (...input) would iterate them one by one.
  if (input.length <= CHUNK) return fromCodes(input);
  let text = "";
  for (let at = 0; at < input.length; at += CHUNK) {
    text += fromCodes(input.subarray(at, at + CHUNK));
  }
  return text;
}

function fromCodes(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Bytes converted per call, well below the engines' limit on arguments. */
const CHUNK = 8192;

/**
 * Encodes text whose characters are all below 256 as one byte each.
 *
 * @param text ASCII (or Latin-1) text.
 * @returns Its bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asciiBytes } from "./tlv.ts";
 * assert.deepEqual(asciiBytes("CZ"), new Uint8Array([67, 90]));
 * ```
 */
export function asciiBytes(text: string): Uint8Array {
  // ASCII is its own UTF-8, and the native encoder is much faster than a loop.
  if (ASCII.test(text)) return utf8.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

// Anything outside ASCII (control characters are fine: they are their own UTF-8 too).
const ASCII = /^[^\u0080-\uffff]*$/;
const utf8 = new TextEncoder();

/**
 * Gets the value of a tag, or `undefined` when the tag is absent.
 *
 * @param fields The records.
 * @param tag The tag to look for.
 * @returns Its value, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getField } from "./tlv.ts";
 * assert.equal(getField([{ tag: "CB", value: "1250" }], "CB"), "1250");
 * assert.equal(getField([{ tag: "CB", value: "1250" }], "AE"), undefined);
 * ```
 */
export function getField(fields: readonly Field[], tag: string): string | undefined {
  for (let i = 0; i < fields.length; i++) if (fields[i].tag === tag) return fields[i].value;
  return undefined;
}

/**
 * Sets a tag's value: replaced where it stands if present, appended otherwise.
 *
 * @param fields The records, changed in place.
 * @param tag The tag.
 * @param value Its new value.
 * @returns The same array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setField } from "./tlv.ts";
 * assert.deepEqual(setField([{ tag: "CZ", value: "0300" }], "AE", "10"), [
 *   { tag: "CZ", value: "0300" },
 *   { tag: "AE", value: "10" },
 * ]);
 * ```
 */
export function setField(fields: Field[], tag: string, value: string): Field[] {
  for (const field of fields) {
    if (field.tag === tag) {
      field.value = value;
      return fields;
    }
  }
  fields.push({ tag, value });
  return fields;
}

/**
 * Makes text from the wire safe for a log line or a terminal: printable ASCII is kept,
 * backslash and everything else is escaped (`\xNN`, `\uNNNN`).
 *
 * @param text Untrusted text.
 * @returns Printable ASCII text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeText } from "./tlv.ts";
 * assert.equal(escapeText("CF004caf\u00e9"), "CF004caf\\xe9");
 * ```
 */
export function escapeText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c >= SPACE && c <= TILDE) out += text[i];
    else if (c < 0x100) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += "\\u" + c.toString(16).padStart(4, "0");
  }
  return out;
}

function describeChar(text: string, i: number): string {
  const c = text.charCodeAt(i);
  return `"${escapeText(text[i])}" (0x${c.toString(16).toUpperCase().padStart(2, "0")})`;
}

function quote(text: string): string {
  return `"${escapeText(text)}"`;
}
