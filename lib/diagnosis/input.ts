/**
 * What the diagnosis reads: the journal's records (`JournalRecord`: `start`,
 * `transaction`, `end`) and the connection events below, which the journal does not
 * hold. The simulator emits them (see each type for when); a journal file alone still
 * gives every finding that its records can show.
 *
 * Every time is ISO 8601, as in the journal.
 *
 * @module
 */

import type { JournalRecord } from "../terminal/journal.ts";
import type { PosRef } from "./finding.ts";

/** A POS connected (the simulator's `connection` event, with its time). */
export interface ConnectionOpened {
  /** Always `"connection"`. */
  type: "connection";
  /** Number of the connection, as in the journal's `connectionId`. */
  connectionId: number;
  /** Address and port of the POS. */
  peer: string;
  /** When it was accepted. */
  at: string;
}

/**
 * What the terminal was doing on a connection when it ended:
 * - `idle`: no request in progress (before the first byte, or between two requests);
 * - `reading`: a request partly received;
 * - `waiting`: a request decided, its answer not yet started (the cardholder "paying");
 * - `answering`: between the first and the last piece of the answer (split, slow);
 * - `held`: a `no-answer` fault keeps the connection open and silent;
 * - `answered`: after the whole answer.
 */
export type ConnectionPhase = "idle" | "reading" | "waiting" | "answering" | "held" | "answered";

/**
 * A connection ended. Emitted once per connection, when it is gone, saying **who ended
 * it first** and when: `by: "pos"` when the POS's end of stream (FIN) or a reset was
 * seen before the terminal closed, `at` being when it was seen; `by: "terminal"` when
 * the terminal closed first (after an answer, a fault, the idle time-out, a stop).
 */
export interface ConnectionClosed {
  /** Always `"disconnect"`. */
  type: "disconnect";
  /** Number of the connection. */
  connectionId: number;
  /** Address and port of the POS, when known. */
  peer?: string;
  /** When the end was seen (for `by: "pos"`: when the POS's FIN or reset arrived). */
  at: string;
  /** Who ended the connection first. */
  by: "pos" | "terminal";
  /** What the terminal was doing then. */
  phase?: ConnectionPhase;
  /** The transaction in progress (or the last one) on the connection. */
  transactionId?: number;
  /** In `answering`: pieces of the answer written when the POS's end was seen. */
  segmentsSent?: number;
  /** In `answering`: pieces the answer was planned in. */
  segmentsPlanned?: number;
}

/**
 * Bytes the POS sent after the answer on a connection that was not kept open for another
 * request (an ACK + EOT, for example), or bytes that made no request. `bytes` is one
 * character per byte, raw (the diagnosis escapes them in its evidence).
 */
export interface ExtraBytes {
  /** Always `"extra-bytes"`. */
  type: "extra-bytes";
  /** Number of the connection. */
  connectionId: number;
  /** When they arrived. */
  at: string;
  /** The transaction they followed, if any. */
  transactionId?: number;
  /** The bytes, one character per byte. */
  bytes: string;
}

/**
 * A connection held open by a `no-answer` fault is still open at `at` (the POS has not
 * given up). Optional: the diagnosis's `tick(now)` finds the same from the clock.
 */
export interface StillOpen {
  /** Always `"still-open"`. */
  type: "still-open";
  /** Number of the connection. */
  connectionId: number;
  /** When it was seen open. */
  at: string;
  /** The transaction held. */
  transactionId?: number;
}

/** The events about connections that the journal does not hold. */
export type ConnectionEvent = ConnectionOpened | ConnectionClosed | ExtraBytes | StillOpen;

/** What the diagnosis folds: a journal record or a connection event. */
export type DiagnosisInput = JournalRecord | ConnectionEvent;

/**
 * The IP address of a peer `host:port` (`[v6]:port` for IPv6), without the port.
 *
 * @param peer The peer as the simulator writes it.
 * @returns The address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerAddress } from "./input.ts";
 * assert.equal(peerAddress("192.168.1.20:51234"), "192.168.1.20");
 * assert.equal(peerAddress("[::1]:51234"), "::1");
 * ```
 */
export function peerAddress(peer: string): string {
  if (peer.startsWith("[")) {
    const end = peer.indexOf("]");
    return end < 0 ? peer : peer.slice(1, end);
  }
  const colon = peer.lastIndexOf(":");
  return colon < 0 ? peer : peer.slice(0, colon);
}

/**
 * The key of a POS (address and register), for maps: `10.0.0.5|01`.
 *
 * @param pos The POS.
 * @returns The key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { posKey } from "./input.ts";
 * assert.equal(posKey({ address: "10.0.0.5", register: "01" }), "10.0.0.5|01");
 * ```
 */
export function posKey(pos: PosRef): string {
  return `${pos.address}|${pos.register}`;
}
