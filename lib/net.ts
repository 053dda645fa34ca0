/**
 * Network addresses for people and URLs: an IPv6 address goes in brackets when a port
 * or a URL follows it (`[::1]:8888`), as RFC 3986 writes it.
 *
 * @module
 */

/**
 * A host as it is written before `:port` or in a URL: an IPv6 address in brackets, any
 * other host as it is.
 *
 * @param host A host name, an IPv4 or an IPv6 address (without brackets).
 * @returns The host, bracketed when it is an IPv6 address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bracketHost } from "./net.ts";
 * assert.equal(bracketHost("::1"), "[::1]");
 * assert.equal(bracketHost("127.0.0.1"), "127.0.0.1");
 * ```
 */
export function bracketHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * An address as `host:port`, an IPv6 host in brackets.
 *
 * @param address The host name (or address) and the port.
 * @returns For example `127.0.0.1:8888` or `[::1]:8888`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatHostPort } from "./net.ts";
 * assert.equal(formatHostPort({ hostname: "::1", port: 8888 }), "[::1]:8888");
 * ```
 */
export function formatHostPort(address: { hostname: string; port: number }): string {
  return `${bracketHost(address.hostname)}:${address.port}`;
}
