import assert from "node:assert/strict";
import { checkAnswer } from "../lib/message.ts";
import { formatReport, reportFrame } from "../lib/report.ts";
import { decode, decodePartial } from "../lib/tlv.ts";
import { vectors } from "./vectors.ts";

Deno.test("checkAnswer: the answers of the vectors conform", () => {
  for (const v of vectors.valid.filter((v) => v.frame.includes("AE002"))) {
    const findings = checkAnswer(decode(v.frame)).filter((f) =>
      !f.message.startsWith("Unknown tag")
    );
    assert.deepEqual(findings, [], v.name);
  }
});

Deno.test("checkAnswer: each rule", async (t) => {
  const check = (frame: string) => {
    const { fields, error } = decodePartial(frame);
    return checkAnswer(fields, error).map((f) =>
      `${f.level} ${f.tag ?? "-"}@${f.offset ?? "-"} ${f.message}`
    );
  };
  const cases: [string, string, string[]][] = [
    ["no status", "CZ0040300CA00201", ["error AE@- Mandatory AE (action status) is missing"]],
    ["AE=01 without AF", "CZ0040300AE00201", [
      "warning AE@9 AE=01 without AF: the reason is not given",
    ]],
    ["unknown status", "CZ0040300AE00299", ["warning AE@9 Unknown value AE=99"]],
    ["unknown complement", "CZ0040300AE00201AF00277", ["warning AF@16 Unknown value AF=77"]],
    ["complement with detail", "CZ0040300AE00201AF00604 XYZ", []],
    ["bad expiry", "CZ0040300AE00210AB003270", ["warning AB@16 AB must be 4 digits"]],
    ["echoed BF is not the terminal's fault", "CZ0040300BF0011AE00210", []],
    ["cut short", "CZ0040300AE0021", [
      'error AE@9 Record "AE" at offset 9 is cut short: its value has 1 of 2 characters',
      "error AE@- Mandatory AE (action status) is missing",
    ]],
  ];
  for (const [name, frame, expected] of cases) {
    await t.step(name, () => assert.deepEqual(check(frame), expected));
  }
});

Deno.test("reportFrame tells requests from answers", () => {
  assert.equal(reportFrame(vectors.valid[0].frame).kind, "request");
  assert.equal(reportFrame(vectors.valid[0].frame).findings.length, 0);
  const answer = reportFrame(new TextEncoder().encode(vectors.valid[7].frame));
  assert.equal(answer.kind, "answer");
  assert.equal(answer.answer?.reason, "refused");
});

Deno.test("formatReport: summary, table, caret under the defect, findings", () => {
  assert.deepEqual(formatReport(reportFrame("CZ0040300CJ01A012345678901")), [
    "Request (no action), 1 record: 6 errors",
    "  CZ  protocol version           0300",
    "Malformed at offset 11:",
    "  CZ0040300CJ01A012345678901",
    "             ^",
    'error (CJ at offset 11): Invalid length "01A" of "CJ" at offset 11: expected three digits from 001 to 999',
    "error (CJ): Mandatory CJ (POS protocol identifier) is missing",
    "error (CA): Mandatory CA (POS number) is missing",
    "error (CB): Mandatory CB (amount) is missing",
    "error (CD): Mandatory CD (action type) is missing",
    "error (CE): Mandatory CE (currency) is missing",
  ]);
  const lines = formatReport(reportFrame(vectors.valid[2].frame));
  assert.equal(
    lines[0],
    "Request (cheque debit of 12.50 EUR), 8 records: conforms to the protocol",
  );
  // A long frame is cut around the defect, and bytes that are not printable are escaped.
  const long = "CZ0040300" + "CF099" + "x".repeat(99) + "CA0020\u00e9";
  const report = formatReport(reportFrame(long));
  const at = report.indexOf("Malformed at offset 119:");
  assert.equal(report[at + 1], `  ...${"x".repeat(34)}CA0020\\xe9`);
  assert.equal(report[at + 2], `  ${" ".repeat(3 + 34 + 6)}^`);
});
