/**
 * The diagnosis of a point of sale from the terminal's side of the socket: findings with
 * stable codes, a test campaign, and reports for people and CI servers. Every part is
 * pure; the server wires them to the simulator's journal and events.
 *
 * @example Diagnose a journal file
 * ```ts
 * import assert from "node:assert/strict";
 * import { diagnose, renderReport } from "./mod.ts";
 * import { Journal, pay, startTerminal } from "../../mod.ts";
 *
 * await using terminal = await startTerminal();
 * const lines: string[] = []; // a journal file's lines, in memory
 * new Journal({ sink: { append: async (r) => void lines.push(JSON.stringify(r)) } })
 *   .attach(terminal);
 * terminal.control.enqueue([{ status: "approved", fault: { kind: "approve-then-drop" } }]);
 * await assert.rejects(pay({ amount: 1250 }, terminal.endpoint)); // approved, answer lost
 * await pay({ amount: 1250 }, terminal.endpoint); // the POS sends it again
 *
 * const findings = diagnose(lines.map((line) => JSON.parse(line)));
 * assert.deepEqual(findings.map((f) => f.code), ["resends-after-unknown"]);
 * const html = renderReport({ run: {}, findings }, "html");
 * assert.ok(html.includes("resends-after-unknown"));
 * ```
 *
 * @module
 */

export * from "./campaign.ts";
export * from "./codes.ts";
export * from "./conformance.ts";
export * from "./diagnosis.ts";
export * from "./finding.ts";
export * from "./input.ts";
export * from "./report.ts";
export * from "./words_en.ts";
export * from "./words_fr.ts";
