/**
 * Who may use the control API and the dashboard, as pure functions of the request.
 *
 * - Listening on a loopback address (127.0.0.1, the default), no token is needed, but the
 *   request must name this machine (`Host: 127.0.0.1:PORT` or `localhost:PORT`): a web
 *   page elsewhere cannot reach the API by pointing one of its own names at 127.0.0.1
 *   (DNS rebinding).
 * - With a token (required to listen on any other address), every request must carry it
 *   as `Authorization: Bearer TOKEN`, or the session cookie a browser gets by opening
 *   `/?token=TOKEN` once (it is then sent back to `/`, without the token in the address).
 *   Tokens are compared in constant time; the cookie is `HttpOnly` and `SameSite=Strict`.
 * - Whatever the mode, a request that changes something (not GET) is refused when a
 *   browser says it comes from another site (`Origin`, `Sec-Fetch-Site`): a page elsewhere
 *   cannot make the browser of the tester post to the API.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "./responses.ts";

// Reading `--http` and `--http-token` needs no hashing: in a module that loads nothing,
// so that the command line is read without node:crypto.
export {
  checkToken,
  isLoopback,
  type ListenAddress,
  parseListenAddress,
  TOKEN_PATTERN,
} from "./address.ts";
import { isLoopback } from "./address.ts";

/**
 * Compares two secrets in a time that does not depend on where they differ (both are
 * hashed first, so their lengths do not show either).
 *
 * @param a One secret.
 * @param b The other.
 * @returns Whether they are equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constantTimeEqual } from "./auth.ts";
 * assert.equal(constantTimeEqual("4f1e9a7c2b8d6e3f", "4f1e9a7c2b8d6e3f"), true);
 * assert.equal(constantTimeEqual("4f1e9a7c2b8d6e3f", "4f1e9a7c2b8d6e3e"), false);
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Who may use the API: the rules {@linkcode checkAccess} applies. */
export interface AccessPolicy {
  /** The token every request must carry; `undefined`: none (loopback only). */
  token?: string;
  /** Name of the session cookie a browser gets for the token. */
  cookieName: string;
  /** Value of the session cookie: a random secret of this process. */
  session: string;
}

/**
 * Makes the access rules of a control API server.
 *
 * @param token The token, or `undefined` (then the server must listen on loopback).
 * @param port The port listened on: the cookie is named after it, so that two
 * simulators on one machine do not overwrite each other's (cookies ignore ports).
 * @returns The rules, with a fresh random session secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeAccessPolicy } from "./auth.ts";
 * assert.equal(makeAccessPolicy(undefined, 8080).cookieName, "caisse-ap-8080");
 * ```
 */
export function makeAccessPolicy(token: string | undefined, port: number): AccessPolicy {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const session = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return { ...(token !== undefined ? { token } : {}), cookieName: `caisse-ap-${port}`, session };
}

/** What {@linkcode checkAccess} decided. */
export type Access =
  /** Go on. */
  | { allow: true; error?: undefined; login?: undefined }
  /** Refuse, with this error (401 or 403). */
  | { allow: false; error: ApiError; login?: undefined }
  /** A browser logging in with `?token=`: send it back to `location` with this cookie. */
  | { allow: false; error?: undefined; login: { location: string; cookie: string } };

const UNSAFE_SITES = new Set(["cross-site", "same-site"]);

/**
 * Decides whether a request may go on. Pure: looks at the method, the address, and the
 * `Host`, `Origin`, `Sec-Fetch-Site`, `Authorization` and `Cookie` headers.
 *
 * @param request The request.
 * @param policy The rules.
 * @returns Allow, refuse (401 without the token, 403 from another site or host), or log a
 * browser in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkAccess, makeAccessPolicy } from "./auth.ts";
 * const policy = makeAccessPolicy("4f1e9a7c2b8d6e3f0a5c", 8080);
 * const anonymous = new Request("http://10.0.0.5:8080/api/status");
 * assert.equal(checkAccess(anonymous, policy).error?.status, 401);
 * const authorized = new Request("http://10.0.0.5:8080/api/status", {
 *   headers: { authorization: "Bearer 4f1e9a7c2b8d6e3f0a5c" },
 * });
 * assert.equal(checkAccess(authorized, policy).allow, true);
 * ```
 */
export function checkAccess(request: Request, policy: AccessPolicy): Access {
  const url = new URL(request.url);
  if (policy.token === undefined && !isLoopback(url.hostname)) {
    return deny(
      403,
      `Host "${url.host}" is not a name of this machine: open http://127.0.0.1:${
        url.port || "80"
      }/ instead`,
    );
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    const origin = request.headers.get("origin");
    const site = request.headers.get("sec-fetch-site");
    if ((origin !== null && origin !== url.origin) || (site !== null && UNSAFE_SITES.has(site))) {
      return deny(403, `Requests from another site are refused (origin "${origin ?? site}")`);
    }
  }
  const token = policy.token;
  if (token === undefined) return { allow: true };
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^Bearer +(\S+) *$/i.exec(authorization);
    if (bearer && constantTimeEqual(bearer[1], token)) return { allow: true };
    return unauthorized("Wrong token in the Authorization header");
  }
  const cookie = readCookie(request.headers.get("cookie"), policy.cookieName);
  if (cookie !== undefined && constantTimeEqual(cookie, policy.session)) return { allow: true };
  const given = url.searchParams.get("token");
  if (request.method === "GET" && url.pathname === "/" && given !== null) {
    if (!constantTimeEqual(given, token)) return unauthorized("Wrong token in the address");
    return {
      allow: false,
      login: {
        location: "/",
        cookie: `${policy.cookieName}=${policy.session}; Path=/; HttpOnly; SameSite=Strict`,
      },
    };
  }
  return unauthorized(
    'Missing token: send the header "Authorization: Bearer TOKEN", or open /?token=TOKEN once in a browser',
  );
}

/**
 * The value of one cookie in a `Cookie` header.
 *
 * @param header The header, or `null`.
 * @param name The cookie's name.
 * @returns Its value, or `undefined`.
 */
function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function deny(status: number, message: string): Access {
  return { allow: false, error: new ApiError(status, message) };
}

function unauthorized(message: string): Access {
  return {
    allow: false,
    error: new ApiError(401, message, {
      headers: { "www-authenticate": 'Bearer realm="caisse-ap"' },
    }),
  };
}
