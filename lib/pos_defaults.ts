/**
 * The point of sale's defaults, in a module that imports nothing, so that a program can
 * show them in its `--help` without loading the codec, the currencies or the network
 * code. {@linkcode ./pos.ts} and {@linkcode ./message.ts} re-export them.
 *
 * @module
 */

/** The terminal's default port. */
export const DEFAULT_PORT = 8888;
/** Default time to connect: 10 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default time to wait for the answer: 180 s (the cardholder may take long). */
export const DEFAULT_ANSWER_TIMEOUT_MS = 180_000;
/** The POS protocol identifier that known clients send and real terminals accept. */
export const DEFAULT_POS_ID = "012345678901";
