/**
 * The dashboard's files: the path each is served at, its source file beside this module
 * and its content type. `deno task dashboard` embeds the sources in
 * {@linkcode ./assets.ts}; the control API routes these paths at once and loads that
 * module on the first request for one of them.
 *
 * @module
 */

/** One file of the dashboard. */
export interface DashboardFile {
  /** The path it is served at. */
  readonly path: string;
  /** Its source, beside this module. */
  readonly file: string;
  /** Its content type. */
  readonly type: string;
}

/** The dashboard's files, in the order they are embedded. */
export const DASHBOARD_FILES: readonly DashboardFile[] = Object.freeze([
  { path: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { path: "/dashboard.css", file: "dashboard.css", type: "text/css; charset=utf-8" },
  { path: "/dashboard.js", file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  { path: "/diagnosis.js", file: "diagnosis.js", type: "text/javascript; charset=utf-8" },
  { path: "/favicon.svg", file: "favicon.svg", type: "image/svg+xml" },
]);
