// A transaction waiting for a person, for the tests of the deciders (interactive mode,
// hold mode) that work without sockets.
import { buildRequest, parseRequest, type RequestOptions } from "../lib/message.ts";
import { seededRandom } from "../lib/random.ts";
import { DEFAULT_SETTINGS, type TerminalSettings } from "../lib/terminal/behaviour.ts";
import type { PendingDecision } from "../lib/terminal/engine.ts";

/**
 * A debit of 12.50 EUR (or what `options` say) waiting for a decision.
 *
 * @param id The transaction's (and connection's) number.
 * @param options What the request asks for.
 * @param settings The terminal's settings.
 * @param signal Aborts as a forced stop would.
 * @returns The pending decision.
 */
export function pending(
  id: number,
  options: Partial<RequestOptions> = {},
  settings: Partial<TerminalSettings> = {},
  signal = new AbortController().signal,
): PendingDecision {
  return {
    request: parseRequest(buildRequest({ amount: 1250, ...options })),
    findings: [],
    settings: { ...DEFAULT_SETTINGS, ...settings },
    context: {
      now: new Date(),
      random: seededRandom(1),
      transactionId: id,
      connectionId: id,
      peer: "127.0.0.1:40000",
      signal,
    },
  };
}
