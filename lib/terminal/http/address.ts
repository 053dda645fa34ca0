/**
 * The address of the control API (`--http`) and its token (`--http-token`), checked
 * without loading anything: the command line is read with them. The access rules are in
 * {@linkcode ./auth.ts}, which re-exports these.
 *
 * @module
 */

/** An address to listen on. */
export interface ListenAddress {
  /** The host name or IP address. */
  hostname: string;
  /** The port; 0 picks a free one. */
  port: number;
}

/**
 * Reads the address of `--http`: `PORT` (on 127.0.0.1), `HOST:PORT`, or `[IPv6]:PORT`.
 *
 * @param text The address.
 * @returns The host and port.
 * @throws {RangeError} When it is neither, or the port is not 0 to 65535.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseListenAddress } from "./address.ts";
 * assert.deepEqual(parseListenAddress("8080"), { hostname: "127.0.0.1", port: 8080 });
 * assert.deepEqual(parseListenAddress("0.0.0.0:8080"), { hostname: "0.0.0.0", port: 8080 });
 * assert.deepEqual(parseListenAddress("[::1]:0"), { hostname: "::1", port: 0 });
 * ```
 */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]:|([^:[\]\s]+):)?([0-9]{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new RangeError(
      `Invalid address "${text}": expected PORT or HOST:PORT, such as 8080, 127.0.0.1:8080 or [::1]:8080`,
    );
  }
  return { hostname: match[1] ?? match[2] ?? "127.0.0.1", port };
}

/**
 * Whether a host name or address is this machine only: `localhost`, 127.x.x.x or ::1.
 *
 * @param hostname The host, IPv6 addresses with or without brackets.
 * @returns Whether it is a loopback address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLoopback } from "./address.ts";
 * assert.equal(isLoopback("127.0.0.1"), true);
 * assert.equal(isLoopback("[::1]"), true);
 * assert.equal(isLoopback("0.0.0.0"), false);
 * ```
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1" ||
    /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(host);
}

/** What a token may be made of: 16 to 256 letters, digits, `.`, `_`, `~` or `-`. */
export const TOKEN_PATTERN: RegExp = /^[A-Za-z0-9._~-]{16,256}$/;

/**
 * Checks a token given with `--http-token`: long enough to be guessed by nobody, and
 * made of characters that travel unchanged in a header, a cookie and an address.
 *
 * @param token The token.
 * @returns What is wrong with it, or `undefined` when it is fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkToken } from "./address.ts";
 * assert.equal(checkToken("secret"), "The token must be 16 to 256 characters, not 6");
 * assert.equal(checkToken("4f1e9a7c2b8d6e3f0a5c"), undefined);
 * ```
 */
export function checkToken(token: string): string | undefined {
  if (TOKEN_PATTERN.test(token)) return undefined;
  if (token.length < 16 || token.length > 256) {
    return `The token must be 16 to 256 characters, not ${token.length}`;
  }
  return "The token must be made of letters, digits, dots, underscores, tildes or hyphens only";
}
