/**
 * The point-of-sale side, whole: {@linkcode pay}, {@linkcode refund}, {@linkcode cheque},
 * {@linkcode identify} and {@linkcode exchange} connect to a terminal, send one request and
 * read the whole answer, decoded and checked against the request; whatever goes wrong is a
 * {@linkcode PosError} that says whether the payment may nevertheless have been taken. The
 * typed messages they take and return are here too. The program `client.ts` is built on it.
 *
 * @example Pay, and tell a refusal from a lost answer
 * ```ts
 * import assert from "node:assert/strict";
 * import { pay, PosError } from "./pos_client.ts";
 * import { startTerminal } from "./testing.ts";
 *
 * await using terminal = await startTerminal({ settings: { failure: true, failureType: "refused" } });
 * try {
 *   const result = await pay({ amount: 1250, currency: "EUR" }, terminal.endpoint);
 *   assert.equal(result.answer.approved, false);
 *   assert.equal(result.answer.complementCode, "04");
 * } catch (error) {
 *   assert.ok(error instanceof PosError);
 *   throw error;
 * }
 * ```
 *
 * @module
 */

export { type Field } from "./tlv.ts";
export { type MessageEnd } from "./framing.ts";
export { type Currency } from "./money.ts";
export {
  type Action,
  type Answer,
  type Finding,
  type Request,
  type RequestOptions,
} from "./message.ts";
export {
  cheque,
  type ConnectionOptions,
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PORT,
  exchange,
  type ExchangeResult,
  type IdentificationOptions,
  identify,
  pay,
  PosError,
  type PosErrorKind,
  refund,
} from "./pos.ts";
