/**
 * The diagnosis of a point of sale from the terminal's side of the socket: findings with
 * stable codes, a test campaign, and reports for people and CI servers. Every part is
 * pure; the server wires them to the simulator's journal and events.
 *
 * @example Diagnose a journal file
 * ```ts ignore
 * import { diagnose, renderReport } from "./mod.ts";
 * const text = await Deno.readTextFile("journal.jsonl");
 * const findings = diagnose(text.trim().split("\n").map((line) => JSON.parse(line)));
 * await Deno.writeTextFile("report.html", renderReport({ run: {}, findings }, "html"));
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
