/**
 * The terminal's constants that reading the command line needs (the settings' defaults,
 * the failure types, the payment types, the concurrency modes, the connection limits), in
 * a module that imports nothing: `server.ts --help` prints them without loading the
 * simulator. {@linkcode ./behaviour.ts} and {@linkcode ./simulator.ts} re-export them.
 *
 * @module
 */

import type { FailureType, PaymentType, TerminalSettings } from "./behaviour.ts";
import type { Concurrency } from "./simulator.ts";

/** AF code of each failure type. */
export const FAILURE_COMPLEMENTS: Readonly<Record<FailureType, string>> = {
  abandon: "11",
  timeout: "08",
  refused: "04",
  forbidden: "05",
};

/** Application (CC) and read mode (CI) of each payment type. */
export const PAYMENT_TYPES: Readonly<
  Record<PaymentType, { application: string; readMode: string }>
> = {
  cbcontact: { application: "001", readMode: "1" },
  cbcontactless: { application: "00B", readMode: "2" },
  amexcontact: { application: "002", readMode: "1" },
  amexcontactless: { application: "00D", readMode: "2" },
};

/** The reference tool's defaults: success, CB contact, 3 s, contract 424242. */
export const DEFAULT_SETTINGS: Readonly<TerminalSettings> = Object.freeze({
  failure: false,
  failureType: "abandon",
  delayMs: 3000,
  paymentType: "cbcontact",
  merchantContract: "424242",
  terminalId: "012345678901",
  inputTimeoutMs: 120_000,
  resendWindowMs: 120_000,
  duplicateWindowMs: 10_000,
  partialWindowMs: 120_000,
  noAnswerLimitMs: 180_000,
});

/** The values of `Concurrency`. */
export const CONCURRENCY_MODES: readonly Concurrency[] = Object.freeze([
  "parallel",
  "queue",
  "busy",
]);

/** Default idle time-out of a connection: 60 s. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Default cap on simultaneous connections: 1000. */
export const DEFAULT_MAX_CONNECTIONS = 1000;
/** Default silence inside a record that makes a request cut short: 5 s. */
export const DEFAULT_RECORD_TIMEOUT_MS = 5_000;
