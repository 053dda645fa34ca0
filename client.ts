/**
 * caisse-ap-client: a simulated point of sale. It sends a payment, a refund, a cheque,
 * an identification or any raw frame to a Caisse-AP terminal (real or simulated) and
 * explains the answer in words.
 *
 * @example
 * ```sh
 * deno run -A client.ts --amount 12.50 --port 8888
 * ```
 *
 * @module
 */

import { EXIT, usageError, writeStderr, writeStdout } from "./lib/cli.ts";
import {
  CLIENT_NAME,
  languageOfArgs,
  parseClientArgs,
  type SendConfig,
  type UsageProblem,
} from "./lib/client_config.ts";
import { environmentLanguage, type Language } from "./lib/i18n/language.ts";

/** The module that does the work, loaded once the command line is read. */
type ClientRun = typeof import("./lib/client_run.ts");

/**
 * Sends one request and prints the answer.
 *
 * @param args The command-line arguments (without the program name).
 * @returns The exit code: 0 done, 1 not done, 2 usage error, 3 connection, time-out or
 * protocol error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./client.ts";
 * import { startTerminal } from "./lib/testing.ts";
 * await using terminal = await startTerminal();
 * const code = await main(["--amount", "12.50", "--port", String(terminal.port)]);
 * assert.equal(code, 0); // done: the answer is printed on standard output
 * assert.equal(await main(["--amount", "12,50"]), 2); // usage error, on standard error
 * ```
 */
export async function main(args: string[]): Promise<number> {
  // 1. The command line, read without loading anything else: --help stays quick.
  const lang = languageOfArgs(args) ?? environmentLanguage();
  const config = parseClientArgs(args, { lang });
  if (config.kind === "exit") {
    writeStdout(config.output);
    return EXIT.ok;
  }
  if (config.kind === "usage") return await usageIn(lang, config);

  // 2. The rest of the client: the codec, the currencies, the network.
  const client = await import("./lib/client_run.ts");
  const result = config.kind === "explain"
    ? await client.explainFrame(config, () => new Response(Deno.stdin.readable).text())
    : await send(client, config);

  // 3. What happened, in words or JSON.
  if ("kind" in result) return await usageIn(lang, result);
  writeStdout(result.output);
  return result.code;
}

/**
 * Prints a usage error in the language (English: as `usageError` does; French: the
 * catalogue's words, commander's own messages quoted as an English detail), exit code 2.
 */
async function usageIn(lang: Language, problem: UsageProblem): Promise<number> {
  if (lang === "en") return usageError(CLIENT_NAME, problem.message);
  const { t } = await import("./lib/i18n/mod.ts");
  const words = problem.words ?? {
    key: "usage.command-line" as const,
    params: { message: problem.message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "") },
  };
  const message = t(lang, words.key, words.params);
  writeStderr(t(lang, "usage.see-help", { name: CLIENT_NAME, message }) + "\n");
  return EXIT.usage;
}

/** Builds the request (or finds what is wrong with the options), then sends it. */
async function send(client: ClientRun, config: SendConfig) {
  const built = client.buildClientRequest(config.request);
  return "kind" in built ? built : await client.sendRequest(built, config);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
