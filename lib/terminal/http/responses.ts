/**
 * The responses of the control API: JSON bodies, the error every refused request gets
 * (`{ "error": "...", "problems": [...] }`), and the security headers every response
 * carries.
 *
 * @module
 */

/**
 * A request the control API refuses: the HTTP status, what was wrong, and each problem
 * found when there are several (a body with two bad settings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError } from "./responses.ts";
 * const error = new ApiError(404, "No transaction 7 in the journal");
 * assert.equal(error.status, 404);
 * assert.ok(error instanceof Error);
 * ```
 */
export class ApiError extends Error {
  /** The HTTP status: 4xx. */
  readonly status: number;
  /** Every problem found, when there are several. */
  readonly problems?: readonly string[];
  /** Headers to add to the response (`Allow`, `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;

  /**
   * Makes the error.
   *
   * @param status The HTTP status.
   * @param message What was wrong, in words.
   * @param more Every problem found, and headers for the response.
   */
  constructor(
    status: number,
    message: string,
    more: { problems?: readonly string[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    if (more.problems) this.problems = more.problems;
    if (more.headers) this.headers = more.headers;
  }
}

/**
 * The Content-Security-Policy of every response: the dashboard's own script, style and
 * icon only, no inline script or style, requests to this origin only, no framing.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The headers every response carries: nothing is cached, sniffed, framed or referred. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
});

/**
 * A JSON response with the security headers.
 *
 * @param body The value to send.
 * @param status The HTTP status. Default 200.
 * @param headers More headers.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { json } from "./responses.ts";
 * const response = json({ ok: true });
 * assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
 * assert.deepEqual(await response.json(), { ok: true });
 * ```
 */
export function json(
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "application/json; charset=utf-8",
      ...headers,
    },
  });
}

/**
 * The response of a refused request: its status, and `{ "error": message }` with the
 * problems when there are several.
 *
 * @param error What was wrong.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError, errorResponse } from "./responses.ts";
 * const response = errorResponse(new ApiError(400, "Malformed JSON"));
 * assert.equal(response.status, 400);
 * assert.deepEqual(await response.json(), { error: "Malformed JSON" });
 * ```
 */
export function errorResponse(error: ApiError): Response {
  return json(
    { error: error.message, ...(error.problems ? { problems: error.problems } : {}) },
    error.status,
    error.headers,
  );
}

/**
 * A response with a body of text (a dashboard asset) and the security headers.
 *
 * @param body The text.
 * @param type Its content type.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { text } from "./responses.ts";
 * const response = text("body { }", "text/css; charset=utf-8");
 * assert.equal(response.headers.get("cache-control"), "no-store");
 * assert.equal(await response.text(), "body { }");
 * ```
 */
export function text(body: string, type: string): Response {
  return new Response(body, { headers: { ...SECURITY_HEADERS, "content-type": type } });
}
