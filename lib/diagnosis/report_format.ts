/**
 * The formats of a report and the format of a file, from its extension: on its own, so
 * that reading the server's options does not load the report's writers.
 *
 * @module
 */

/** The formats of a report, by the file's extension. */
export type ReportFormat = "xml" | "html" | "json" | "md";

/** The formats, in the order of the documentation. */
export const REPORT_FORMATS: readonly ReportFormat[] = Object.freeze(["xml", "html", "json", "md"]);

/**
 * The format of a report file, from its extension: `.xml`, `.html` (or `.htm`), `.json`,
 * `.md`.
 *
 * @param path The file's path.
 * @returns The format.
 * @throws {RangeError} When the extension is none of these.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFromPath } from "./report_format.ts";
 * assert.equal(formatFromPath("reports/pos.xml"), "xml");
 * assert.equal(formatFromPath("REPORT.HTM"), "html");
 * ```
 */
export function formatFromPath(path: string): ReportFormat {
  const match = /\.([A-Za-z]+)$/.exec(path);
  const extension = match?.[1].toLowerCase();
  if (extension === "htm") return "html";
  if (extension && (REPORT_FORMATS as readonly string[]).includes(extension)) {
    return extension as ReportFormat;
  }
  throw new RangeError(
    `Unknown report format of "${path}": expected a file ending in .xml (JUnit), .html, .json or .md`,
  );
}
