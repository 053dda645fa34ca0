import assert from "node:assert/strict";
import {
  asciiBytes,
  decode,
  decodePartial,
  encode,
  encodeBytes,
  escapeText,
  type Field,
  FrameError,
  getField,
  setField,
  toText,
} from "../lib/tlv.ts";
import { seededRandom } from "../lib/random.ts";
import { errata, vectors } from "./vectors.ts";

const toFields = (pairs: [string, string][]): Field[] =>
  pairs.map(([tag, value]) => ({ tag, value }));

Deno.test("every valid vector decodes to its fields and re-encodes to the same bytes", async (t) => {
  for (const v of vectors.valid) {
    await t.step(v.name, () => {
      const fields = decode(v.frame);
      assert.deepEqual(fields, toFields(v.fields));
      assert.equal(encode(fields), v.frame);
      const bytes = new TextEncoder().encode(v.frame);
      assert.deepEqual(decode(bytes), fields);
      assert.deepEqual(encodeBytes(fields), bytes);
    });
  }
});

Deno.test("every invalid vector is rejected with its kind and offset", async (t) => {
  for (const v of vectors.invalid.filter((v) => !v.error.startsWith("conformance"))) {
    await t.step(v.name, () => {
      const erratum = errata[v.name];
      const cases = erratum
        // The vector's frame is defective: check what it really holds, then the intended frame.
        ? [
          { frame: v.frame, kind: erratum.actual.kind, offset: erratum.actual.offset },
          { frame: erratum.intended, kind: v.error, offset: v.offset },
        ]
        : [{ frame: v.frame, kind: v.error, offset: v.offset }];
      for (const c of cases) {
        for (const input of [c.frame, new TextEncoder().encode(c.frame)]) {
          assert.throws(() => decode(input), (e: unknown) => {
            assert.ok(e instanceof FrameError, String(e));
            assert.ok(e instanceof SyntaxError);
            assert.equal(e.kind, c.kind);
            assert.equal(e.offset, c.offset);
            assert.match(e.message, /^[A-Z][^\n]*[^.]$/);
            return true;
          });
        }
      }
    });
  }
});

Deno.test("decode names the defect in words", async (t) => {
  const cases: [string, RegExp][] = [
    ["CZ0040300CJ01A012345678901", /Invalid length "01A" of "CJ" at offset 11/],
    ["CZ0040300CB0051124", /Record "CB" at offset 9 is cut short: its value has 4 of 5/],
    ["CZ0040300CB0", /Record "CB" at offset 9 is cut short: its header has 3 of 5/],
    [
      "CZ0040300CF004caf\u00e9",
      /Invalid character "\\xe9" \(0xE9\) at offset 17 in the value of "CF"/,
    ],
    ["CZ0040300CB00210CB00212", /Duplicate tag "CB" at offset 16/],
    ["CJ012012345678901CZ0040300", /First tag is "CJ": expected "CZ"/],
    ["", /Empty frame/],
  ];
  for (const [frame, message] of cases) {
    await t.step(JSON.stringify(frame), () => assert.throws(() => decode(frame), message));
  }
});

Deno.test("decode reports a defect in the bytes present before the end of the input", () => {
  // The length field is both cut short and wrong: the wrong digit is the first defect.
  assert.throws(() => decode("CZ0040300CB0A"), { kind: "length", offset: 11 });
  // A bad first letter of a tag is reported even when the second letter is missing.
  assert.throws(() => decode("CZ0040300c"), { kind: "tag", offset: 9 });
  assert.throws(() => decode("CZ0040300C"), { kind: "truncated", offset: 9 });
  // Control characters are not printable.
  assert.throws(() => decode("CZ0040300CF003a\nb"), { kind: "character", offset: 15 });
});

Deno.test("a constructed value decodes without the CZ-first rule", () => {
  const zt = "CK003100AK008SGVsbG8=";
  assert.deepEqual(decode(zt, { versionFirst: false }), [
    { tag: "CK", value: "100" },
    { tag: "AK", value: "SGVsbG8=" },
  ]);
  assert.throws(() => decode(zt), { kind: "order" });
});

Deno.test("decodePartial keeps what could be read before the first defect", async (t) => {
  await t.step("truncated record", () => {
    const { fields, error } = decodePartial("CZ0040300CA00201CB0");
    assert.deepEqual(fields.map((f) => f.tag), ["CZ", "CA"]);
    assert.equal(error?.kind, "truncated");
  });
  await t.step("misplaced CZ: everything is read, order is reported", () => {
    const { fields, error } = decodePartial("CJ012012345678901CZ0040300");
    assert.deepEqual(fields.map((f) => f.tag), ["CJ", "CZ"]);
    assert.equal(error?.kind, "order");
  });
  await t.step("duplicate: the first value is kept", () => {
    const { fields, error } = decodePartial("CZ0040300CB00210CB00212CA00201");
    assert.deepEqual(fields, toFields([["CZ", "0300"], ["CB", "10"], ["CA", "01"]]));
    assert.equal(error?.kind, "duplicate");
    assert.equal(error?.offset, 16);
  });
  await t.step("valid frame: no error", () => {
    const { fields, error } = decodePartial(vectors.valid[0].frame);
    assert.equal(error, undefined);
    assert.equal(fields.length, 7);
  });
});

Deno.test("encode rejects what cannot be sent", () => {
  assert.throws(() => encode([{ tag: "cz", value: "0300" }]), TypeError);
  assert.throws(() => encode([{ tag: "CZZ", value: "0300" }]), TypeError);
  assert.throws(() => encode([{ tag: "CF", value: "" }]), RangeError);
  assert.throws(() => encode([{ tag: "CF", value: "x".repeat(1000) }]), RangeError);
  assert.throws(() => encode([{ tag: "CF", value: "caf\u00e9" }]), /Invalid character "\\xe9"/);
  assert.equal(encode([{ tag: "CF", value: "x".repeat(999) }]).slice(0, 5), "CF999");
  assert.equal(encode([{ tag: "CF", value: "x".repeat(10) }]).slice(0, 5), "CF010");
});

Deno.test("random records survive a round trip", () => {
  const random = seededRandom(20261127);
  const tags: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) tags.push(String.fromCharCode(a, b));
  }
  for (let round = 0; round < 2000; round++) {
    const used = new Set<string>(["CZ"]);
    const fields: Field[] = [{ tag: "CZ", value: "0300" }];
    const count = random.int(12);
    for (let i = 0; i < count; i++) {
      const tag = tags[random.int(tags.length)];
      if (used.has(tag)) continue;
      used.add(tag);
      const length = 1 + (random.int(4) === 0 ? random.int(999) : random.int(20));
      let value = "";
      for (let j = 0; j < length; j++) value += String.fromCharCode(0x20 + random.int(95));
      fields.push({ tag, value });
    }
    const frame = encode(fields);
    assert.deepEqual(decode(frame), fields, frame);
  }
});

Deno.test("getField, setField and escapeText", () => {
  const fields = toFields([["CZ", "0300"], ["CB", "1250"]]);
  assert.equal(getField(fields, "CB"), "1250");
  assert.equal(getField(fields, "AE"), undefined);
  setField(fields, "CB", "1000");
  setField(fields, "AE", "10");
  assert.deepEqual(fields, toFields([["CZ", "0300"], ["CB", "1000"], ["AE", "10"]]));
  assert.equal(escapeText("a\\b\x00\u00e9\u20ac"), "a\\\\b\\x00\\xe9\\u20ac");
});

Deno.test("toText keeps every byte as one character, 0x80 to 0x9F included", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = toText(bytes);
  assert.equal(text.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i);
  assert.deepEqual(asciiBytes(text), bytes);
  // Long inputs too (the conversion goes in slices).
  assert.equal(toText(new Uint8Array(100_000).fill(0x82)), "\x82".repeat(100_000));
});
