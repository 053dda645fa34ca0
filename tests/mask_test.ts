import assert from "node:assert/strict";
import {
  holdsCardNumber,
  luhnValid,
  MASK_CHARACTER,
  maskDigits,
  maskFields,
  maskFrame,
  maskValue,
} from "../lib/mask.ts";
import { seededRandom } from "../lib/random.ts";
import { encode } from "../lib/tlv.ts";

/** A Luhn-valid card number of `length` digits starting with `prefix`. */
function cardNumber(prefix: string, length: number, draw: () => number): string {
  let digits = prefix;
  while (digits.length < length - 1) digits += String(draw());
  for (let d = 0; d < 10; d++) if (luhnValid(digits + d)) return digits + d;
  throw new Error("unreachable");
}

Deno.test("luhnValid", async (t) => {
  await t.step("known numbers", () => {
    assert.equal(luhnValid("4111111111111111"), true);
    assert.equal(luhnValid("4970101234567893"), true);
    assert.equal(luhnValid("4970101234567890"), false);
    assert.equal(luhnValid(""), false);
    assert.equal(luhnValid("41111a1111111111"), false);
  });
});

Deno.test("maskDigits", async (t) => {
  await t.step("keeps the first 6 and the last 4 digits, and the length", () => {
    assert.equal(maskDigits("4111111111111111"), "411111######1111");
    assert.equal(maskDigits("x4970101234567893y"), "x497010######7893y");
  });
  await t.step("13 and 19 digits are masked, 12 and numbers failing the check are not", () => {
    const draw = (() => {
      const r = seededRandom(3);
      return () => r.int(10);
    })();
    const thirteen = cardNumber("4", 13, draw);
    const nineteen = cardNumber("6", 19, draw);
    assert.equal(maskDigits(thirteen), `${thirteen.slice(0, 6)}###${thirteen.slice(-4)}`);
    assert.equal(
      maskDigits(nineteen),
      `${nineteen.slice(0, 6)}${"#".repeat(9)}${nineteen.slice(-4)}`,
    );
    assert.equal(maskDigits("123456789012"), "123456789012");
    assert.equal(maskDigits("4970101234567890"), maskDigits("4970101234567890"));
    assert.equal(luhnValid("1234567890123"), false);
    assert.equal(maskDigits("1234567890123"), "1234567890123");
  });
  await t.step("a card number inside a longer run of digits is found", () => {
    const masked = maskDigits("0164970101234567893");
    assert.equal(masked.length, 19);
    assert.ok(!masked.includes("4970101234567893"));
    assert.equal(holdsCardNumber(masked), false);
  });
  await t.step("a stretch starting with 0 is no card number (AIDs are kept)", () => {
    assert.equal(luhnValid("0000000031010"), false);
    const aid = "A00000000561901666703";
    assert.equal(maskDigits(aid), aid);
    assert.equal(maskDigits("0" + "4970101234567893"), "0497010######7893");
  });
  await t.step("text without digits is returned as is", () => {
    assert.equal(maskDigits("CZ AE AF"), "CZ AE AF");
  });
});

Deno.test("maskFrame and maskValue", async (t) => {
  const pan = "4970101234567893";
  await t.step("in a known tag, an unknown tag and in ZT, headers kept", () => {
    const frame = encode([
      { tag: "CZ", value: "0300" },
      { tag: "AE", value: "10" },
      { tag: "AA", value: pan },
      { tag: "QX", value: `REF ${pan} END` },
      { tag: "ZT", value: encode([{ tag: "CK", value: "100" }, { tag: "AA", value: pan }]) },
    ]);
    const masked = maskFrame(frame);
    assert.equal(masked.length, frame.length);
    assert.ok(!masked.includes(pan));
    assert.equal(masked.split("497010######7893").length - 1, 3);
    assert.ok(masked.startsWith("CZ0040300AE00210AA016497010######7893QX024"));
  });
  await t.step("a record's length before digits is not taken for part of a card number", () => {
    const frame = "CZ0040300CJ012012345678901CA00201";
    assert.equal(maskFrame(frame), frame);
  });
  await t.step("a frame cut short or garbled is masked as text after its last whole record", () => {
    const masked = maskFrame(`CZ0040300AA0${pan}`);
    assert.ok(!masked.includes(pan));
    assert.equal(maskFrame(`\x00\x01${pan}`), `\x00\x01497010######7893`);
  });
  await t.step("maskValue and maskFields", () => {
    assert.equal(maskValue(pan), "497010######7893");
    assert.deepEqual(maskFields([{ tag: "AA", value: pan }, { tag: "CB", value: "1250" }]), [
      { tag: "AA", value: "497010######7893" },
      { tag: "CB", value: "1250" },
    ]);
  });
  await t.step("property: no card number is left, lengths and non-digits are kept (seeded)", () => {
    const random = seededRandom(12);
    const draw = () => random.int(10);
    const alphabet = "0123456789ABCDEZ #-";
    for (let round = 0; round < 500; round++) {
      let text = "";
      const parts = 1 + random.int(5);
      for (let p = 0; p < parts; p++) {
        if (random.int(2) === 0) {
          text += cardNumber(String(1 + random.int(9)), 13 + random.int(7), draw);
        } else {
          const n = random.int(30);
          for (let i = 0; i < n; i++) text += alphabet[random.int(alphabet.length)];
        }
      }
      for (const masked of [maskDigits(text), maskValue(text), maskFrame(text)]) {
        assert.equal(masked.length, text.length);
        assert.equal(holdsCardNumber(masked), false, `${text} -> ${masked}`);
        for (let i = 0; i < text.length; i++) {
          if (masked[i] !== text[i]) {
            assert.equal(masked[i], MASK_CHARACTER);
            assert.match(text[i], /[0-9]/);
          }
        }
      }
    }
  });
});
