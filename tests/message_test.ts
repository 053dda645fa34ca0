import assert from "node:assert/strict";
import {
  buildRequest,
  checkRequest,
  compareAnswer,
  explainAnswer,
  parseAnswer,
  parseRequest,
  type RequestOptions,
} from "../lib/message.ts";
import { getCurrency } from "../lib/money.ts";
import { describeField, tagName, TAGS, valueMeaning } from "../lib/tags.ts";
import { decode, decodePartial, encode } from "../lib/tlv.ts";
import { vectors } from "./vectors.ts";

Deno.test("buildRequest writes the requests of the vectors byte for byte", async (t) => {
  const cases: [string, Parameters<typeof buildRequest>[0]][] = [
    ["debit 112.45 EUR, answer at end of transaction", { amount: 11245 }],
    ["refund 3.00 EUR", { action: "credit", amount: 300 }],
    ["cheque 12.50 EUR", { amount: 1250, application: "00C" }],
    ["0.05 EUR, amount padded to two digits", { amount: 5 }],
    ["1000 JPY (no decimals)", { amount: 1000, currency: "JPY" }],
  ];
  for (const [name, options] of cases) {
    await t.step(name, () => {
      const vector = vectors.valid.find((v) => v.name === name);
      assert.ok(vector);
      assert.equal(encode(buildRequest(options)), vector.frame);
    });
  }
  await t.step("immediate mode, register, private data, currency object", () => {
    assert.equal(
      encode(buildRequest({
        amount: 1250,
        immediate: true,
        register: "07",
        privateData: "REF-42",
        currency: getCurrency("USD"),
        forceOnline: true,
      })),
      "CZ0040300CJ012012345678901CA00207CE003840BA0011CD0010CB0041250CF006REF-42BB0011",
    );
  });
  await t.step("identification carries no amount", () => {
    assert.equal(
      encode(buildRequest({ action: "identification" })),
      "CZ0040300CJ012012345678901CA00201CD001I",
    );
  });
});

Deno.test("buildRequest rejects what a terminal could not read", () => {
  assert.throws(() => buildRequest({}), /Missing amount/);
  assert.throws(() => buildRequest({ amount: 1e12 }), RangeError);
  assert.throws(() => buildRequest({ amount: 1, currency: "XYZ" }), /Unknown currency "XYZ"/);
  assert.throws(() => buildRequest({ amount: 1, register: "1" }), /CA must be 2 digits/);
  assert.throws(() => buildRequest({ amount: 1, posId: "012" }), /CJ must be 12 digits/);
  assert.throws(
    () => buildRequest({ amount: 1, privateData: "x".repeat(100) }),
    /CF must be 1 to 99/,
  );
  assert.throws(
    () => buildRequest({ amount: 1, extra: [{ tag: "CB", value: "12" }] }),
    /repeats a tag/,
  );
  assert.throws(
    () => buildRequest({ amount: 1, action: "steal" } as unknown as RequestOptions),
    /Unknown action "steal"/,
  );
});

Deno.test("parseRequest names every part of a request", () => {
  const request = parseRequest(decode(vectors.valid[2].frame));
  assert.equal(request.amount, 1250);
  assert.equal(request.currency?.code, "EUR");
  assert.equal(request.action, "debit");
  assert.equal(request.cheque, true);
  assert.equal(request.immediate, false);
  assert.equal(request.register, "01");
  assert.equal(request.posId, "012345678901");
  assert.equal(request.version, "0300");
  assert.equal(parseRequest(decode(vectors.valid[1].frame)).action, "credit");
});

Deno.test("checkRequest: conforming requests have no finding", () => {
  for (const v of vectors.valid.slice(0, 5)) {
    assert.deepEqual(checkRequest(decode(v.frame)), [], v.name);
  }
  assert.deepEqual(checkRequest(decode("CZ0040300CJ012012345678901CA00201CD001I")), []);
});

Deno.test("checkRequest reports the conformance vector with its tag and offset", () => {
  const v = vectors.invalid.find((v) => v.error.startsWith("conformance"));
  assert.ok(v);
  const findings = checkRequest(decode(v.frame));
  assert.equal(findings.length, 1);
  assert.equal(`conformance: ${findings[0].message}`, v.error);
  assert.equal(findings[0].offset, v.offset);
  assert.equal(findings[0].tag, "CJ");
});

Deno.test("checkRequest: each rule", async (t) => {
  const base = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
  const check = (frame: string) => {
    const { fields, error } = decodePartial(frame);
    return checkRequest(fields, error).map((f) =>
      `${f.level} ${f.tag ?? "-"}@${f.offset ?? "-"} ${f.message}`
    );
  };
  const cases: [string, string, string[]][] = [
    ["missing CB", "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010", [
      "error CB@- Mandatory CB (amount) is missing",
    ]],
    ["missing CE and CJ", "CZ0040300CA00201CD0010CB0041250", [
      "error CJ@- Mandatory CJ (POS protocol identifier) is missing",
      "error CE@- Mandatory CE (currency) is missing",
    ]],
    ["amount not digits", base.replace("CB0041250", "CB0041,50"), [
      "error CB@53 CB must be 2 to 12 digits",
    ]],
    ["amount of one digit", base.replace("CB0041250", "CB0015"), [
      "error CB@53 CB must be 2 to 12 digits",
    ]],
    ["BF sent", base + "BF0011", [
      "warning BF@62 BF must not be sent: newer Ingenico software fails on it",
    ]],
    ["unknown tag", base + "AQ0085A123456", ["warning AQ@62 Unknown tag AQ (kept, echoed)"]],
    ["terminal tag", base + "AE00210", ["warning AE@62 AE is sent by the terminal, not the POS"]],
    ["unknown action", base.replace("CD0010", "CD0019"), [
      "warning CD@47 Unknown action type CD=9",
    ]],
    ["unknown currency", base.replace("CE003978", "CE003000"), [
      "warning CE@33 Unknown currency CE=000 (ISO 4217)",
    ]],
    ["unknown BA", base.replace("BA0010", "BA0017"), ["warning BA@41 Unknown value BA=7"]],
    ["unknown application", base + "CC003ZZZ", ["warning CC@62 Unknown application CC=ZZZ"]],
    ["register of 3 digits", base.replace("CA00201", "CA003001"), [
      "warning CA@26 CA must be 2 digits",
    ]],
    ["malformed receipt", base + "ZT003abc", [
      'warning ZT@62 Constructed value is malformed: Invalid tag "ab" at offset 0: expected two uppercase letters',
    ]],
    ["frame defect first", base + "CB0021", [
      'error CB@62 Record "CB" at offset 62 is cut short: its value has 1 of 2 characters',
    ]],
    ["duplicate", base + "CB00212", ['error CB@62 Duplicate tag "CB" at offset 62']],
  ];
  for (const [name, frame, expected] of cases) {
    await t.step(name, () => assert.deepEqual(check(frame), expected));
  }
});

Deno.test("parseAnswer and explainAnswer: approved card payment", () => {
  const v = vectors.valid.find((v) => v.name.startsWith("success answer"));
  assert.ok(v);
  const answer = parseAnswer(decode(v.frame));
  assert.equal(answer.approved, true);
  assert.equal(answer.amount, 1250);
  assert.equal(answer.authorisation, "897686");
  assert.deepEqual(explainAnswer(answer), [
    "Approved (AE=10)",
    "amount          12.50 EUR",
    "action          0 debit",
    "application     001 CB contact",
    "read mode       1 chip contact",
    "authorisation   897686",
    "card            918661######7085",
    "expiry          08/27",
    "AID             A00000000672499077681",
    "contract        424242",
    "private data    1010000000",
    "register        01",
    "version         0300",
  ]);
});

Deno.test("explainAnswer: refusals, acknowledgements, odd statuses", () => {
  const first = (frame: string) => explainAnswer(parseAnswer(decode(frame)))[0];
  assert.equal(first("CZ0040300AE00201AF00204"), "Not done (AE=01): AF=04 refused");
  assert.equal(
    first("CZ0040300AE00201AF01108 DETAIL  "),
    'Not done (AE=01): AF=08 input time-out, detail "DETAIL"',
  );
  assert.equal(first("CZ0040300AE00201"), "Not done (AE=01), no reason given (no AF)");
  assert.equal(first("CZ0040300AE00201AF00277"), "Not done (AE=01): AF=77 (unknown reason)");
  assert.equal(
    first("CZ0040300AE00211"),
    "Request taken into account (AE=11), the result comes later",
  );
  assert.equal(first("CZ0040300"), "No status (AE missing)");
  assert.equal(first("CZ0040300AE00299"), "Unknown status AE=99");
  const lines = explainAnswer(parseAnswer(decode("CZ0040320AE00210AQ0085A123456")));
  assert.ok(lines.includes("AQ              5A123456 (unknown tag)"), lines.join("\n"));
});

Deno.test("explainAnswer: codes without a meaning, an amount without a known currency", () => {
  const lines = explainAnswer(
    parseAnswer(decode("CZ0040300AE00299CB0041250CE003001CD001ZCC003XYZCI0019")),
  );
  assert.deepEqual(lines, [
    "Unknown status AE=99",
    "amount          1250 (minor units, currency 001)",
    "action          Z (unknown)",
    "application     XYZ (unknown)",
    "read mode       9 (unknown)",
    "version         0300",
    "status          99",
  ]);
});

Deno.test("compareAnswer checks an approved answer against its request", () => {
  const request = parseRequest(buildRequest({ amount: 1250 }));
  const answer = (extra: string) =>
    parseAnswer(decode(`CZ0040301CJ012012345678901CA00201CE003978BA0010CD0010${extra}AE00210`));
  assert.deepEqual(compareAnswer(request, answer("CB012000000001250")), []);
  assert.deepEqual(compareAnswer(request, answer("CB0041000")), [
    "Partial approval: 10.00 EUR of 12.50 EUR",
  ]);
  assert.deepEqual(compareAnswer(request, answer("CB0041500")), [
    "The answer's amount 15.00 EUR is more than the 12.50 EUR asked",
  ]);
  const refused = parseAnswer(decode("CZ0040300CA00201CD0010AE00201AF00206"));
  assert.deepEqual(compareAnswer(request, refused), []);
  const wrongCurrency = parseAnswer(decode("CZ0040300CA00202CE003840CD0010CB0041250AE00210"));
  assert.deepEqual(compareAnswer(request, wrongCurrency), [
    `The answer's CA (POS number) is "02", the request's "01"`,
    `The answer's CE (currency) is "840", the request's "978"`,
  ]);
});

Deno.test("the tag dictionary explains values in words", () => {
  assert.equal(describeField("AF", "04"), "AF=04 refused");
  assert.equal(describeField("CC", "00B"), "CC=00B CB contactless");
  assert.equal(describeField("AQ", "x"), "AQ=x");
  assert.equal(valueMeaning("AF", "08 PADDED"), "input time-out");
  assert.equal(valueMeaning("CB", "12"), undefined);
  assert.equal(tagName("ZT"), "receipt");
  for (const info of Object.values(TAGS)) {
    assert.match(info.tag, /^[A-Z]{2}$/);
    assert.ok(info.min >= 1 && info.min <= info.max && info.max <= 999, info.tag);
  }
});
