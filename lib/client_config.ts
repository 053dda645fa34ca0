/**
 * The POS client's command line, read into a config without printing anything or
 * touching the network: {@linkcode parseClientArgs}. It loads only commander and the
 * defaults, so `--help` is quick; turning the request's options into a frame needs the
 * currencies and the codec, and is done by `buildClientRequest` in `client_run.ts`.
 *
 * @module
 */

import {
  expandLegacyOptions,
  integer,
  logFormatOption,
  logLevelOption,
  oneOf,
  prepareCommand,
  seconds,
  VERSION,
} from "./cli.ts";
import { Command, CommanderError, Option } from "./deps_startup.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS } from "./framing.ts";
import type { CliLogLevel, LogFormat } from "./log_levels.ts";
import { kebabCase } from "./words.ts";
import { environmentLanguage, type Language, LANGUAGES } from "./i18n/language.ts";
import type { MessageKey } from "./i18n/en.ts";
import {
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PORT,
  DEFAULT_POS_ID,
} from "./pos_defaults.ts";

/** The client's name, in its help and its error messages. */
export const CLIENT_NAME = "caisse-ap-client";

/** The reference tool's short option that commander cannot declare. */
const LEGACY_OPTIONS = { "-ck": "--check" };

/** Where the terminal is and how long to wait for it. */
export interface ClientConnection {
  /** Host name or address of the terminal. */
  host: string;
  /** Its TCP port. */
  port: number;
  /** Time allowed for the answer, in milliseconds. */
  timeoutMs: number;
  /** Time allowed to connect, in milliseconds. */
  connectTimeoutMs: number;
  /** Silence that ends an answer once its status has come, in milliseconds. */
  quietMs: number;
  /** Largest answer read, in bytes. */
  maxBytes: number;
}

/** The request to build from the options, checked later against the currencies. */
export interface RequestArgs {
  /** What the request asks for, from `--refund`, `--cancel` and `--identify`. */
  action: "debit" | "credit" | "cancellation" | "identification";
  /** The flag that chose the action (`refund`, `cancel`, `identify`), if any. */
  actionFlag?: "refund" | "cancel" | "identify";
  /** The amount as typed (the default when not given). */
  amount: string;
  /** Whether `--amount` was given. */
  amountGiven: boolean;
  /** The currency as typed: alphabetic or numeric ISO 4217 code. */
  currency: string;
  /** `--check`: pay by cheque. */
  cheque: boolean;
  /** `--immediate`: ask for an immediate answer (BA=1). */
  immediate: boolean;
  /** `--force-online`: ask for an online authorisation (BB=1). */
  forceOnline: boolean;
  /** POS number (CA). */
  register: string;
  /** POS protocol identifier (CJ). */
  posId: string;
  /** Private data (CF), when given. */
  privateData?: string;
}

/** Send a request (built from options, or a raw frame) and print the answer. */
export interface SendConfig {
  /** What to do. */
  kind: "send";
  /** The request: options to build it from, or a frame sent as given. */
  request: { raw: string } | RequestArgs;
  /** The terminal and the time limits. */
  connection: ClientConnection;
  /** Print JSON rather than words. */
  json: boolean;
  /** The language of the words (JSON is the same in every language). Default `en`. */
  lang?: Language;
  /** Log level of the diagnostic lines on standard error. */
  logLevel: CliLogLevel;
  /** Text or JSON lines. */
  logFormat: LogFormat;
}

/** `--explain`: check a captured frame, send nothing. */
export interface ExplainConfig {
  /** What to do. */
  kind: "explain";
  /** The frame, or `-` to read it from standard input. */
  frame: string;
  /** Print JSON rather than words. */
  json: boolean;
  /** The language of the words (JSON is the same in every language). Default `en`. */
  lang?: Language;
}

/** What the command line asks the client to do. */
export type ClientConfig = SendConfig | ExplainConfig;

/** `--help` or `--version`: print this and end with exit code 0. */
export interface CommandLineExit {
  /** What to do. */
  kind: "exit";
  /** The text to print on standard output. */
  output: string;
}

/** A bad command line: print the message and end with exit code 2. */
export interface UsageProblem {
  /** What went wrong. */
  kind: "usage";
  /** The message, in English, without the program's name or the pointer to `--help`. */
  message: string;
  /**
   * The message's key in the catalogues and its values, to write it in another language
   * (`client.ts` does, with `--lang`). Without it, the message is commander's own, shown
   * in another language as the English detail of `usage.command-line`.
   */
  words?: { key: MessageKey; params: Readonly<Record<string, string>> };
}

/** The options as commander returns them. */
interface ClientOptions {
  destination: string;
  port: number;
  amount: string;
  currency: string;
  check?: boolean;
  refund?: boolean;
  cancel?: boolean;
  identify?: boolean;
  immediate?: boolean;
  register: string;
  posId: string;
  privateData?: string;
  forceOnline?: boolean;
  raw?: string;
  explain?: string;
  timeout: number;
  connectTimeout: number;
  quietPeriod: number;
  json?: boolean;
  lang: Language;
  logLevel: CliLogLevel;
  logFormat: LogFormat;
}

/** The options that shape a built request, which `--raw` cannot be combined with. */
const REQUEST_OPTIONS = [
  "amount",
  "currency",
  "check",
  "refund",
  "cancel",
  "identify",
  "immediate",
  "register",
  "posId",
  "privateData",
  "forceOnline",
] as const;

/** The actions other than a debit, by their flag. */
const ACTION_FLAGS = {
  refund: "credit",
  cancel: "cancellation",
  identify: "identification",
} as const;

/** Makes an option: flags, help, and optionally its default, shown default and parser. */
function option(
  flags: string,
  help: string,
  value?: { default: unknown; shown?: string; parse?: (text: string) => unknown },
): Option {
  const made = new Option(flags, help);
  if (value) made.default(value.default, value.shown);
  if (value?.parse) made.argParser(value.parse);
  return made;
}

/** The client's options, in the order of the help. */
function clientOptions(lang: Language): Option[] {
  return [
    option("-d, --destination <host>", "address of the terminal", { default: "127.0.0.1" }),
    option("-p, --port <port>", "TCP port of the terminal", {
      default: DEFAULT_PORT,
      parse: integer("port", 1, 65535),
    }),
    option(
      "-a, --amount <amount>",
      "amount with a dot for decimals, in the currency's own decimals; negative = refund (CD=1)",
      { default: "112.45" },
    ),
    option("-c, --currency <code>", "ISO 4217 currency, alphabetic or numeric (EUR, JPY, 978...)", {
      default: "EUR",
    }),
    option("--check", "pay by cheque (CC=00C, printed by the terminal) (also -ck)"),
    option("--refund", "refund (credit, CD=1), same as a negative amount"),
    option("--cancel", "cancel a previous debit (CD=2)"),
    option("--identify", "ask the terminal to identify itself (CD=I, no amount)"),
    option("--immediate", "ask for an immediate answer (BA=1): the terminal answers AE=11 at once"),
    option("--register <CA>", "POS (register) number, 2 digits", { default: "01" }),
    option("--pos-id <CJ>", "POS protocol identifier, 12 digits", { default: DEFAULT_POS_ID }),
    option("--private-data <CF>", "private data (CF), echoed by the terminal: your reference"),
    option("--force-online", "ask for an online authorisation (BB=1)"),
    option("--raw <frame>", "send this frame exactly as given instead of building a request"),
    option(
      "--explain <frame>",
      "decode a captured frame (request or answer; - reads it from standard input) and check it against the protocol, without sending anything",
    ),
    option("-t, --timeout <seconds>", "time to wait for the answer", {
      default: DEFAULT_ANSWER_TIMEOUT_MS,
      shown: String(DEFAULT_ANSWER_TIMEOUT_MS / 1000),
      parse: seconds(86_400),
    }),
    option("--connect-timeout <seconds>", "time to wait for the connection", {
      default: DEFAULT_CONNECT_TIMEOUT_MS,
      shown: String(DEFAULT_CONNECT_TIMEOUT_MS / 1000),
      parse: seconds(3600),
    }),
    option(
      "--quiet-period <ms>",
      "silence that ends the answer when the terminal keeps the connection open",
      { default: DEFAULT_QUIET_MS, parse: integer("milliseconds", 0, 60_000) },
    ),
    option("--json", "print the request and the answer as JSON (for scripts)"),
    option(
      "--lang <language>",
      "language of the words: en or fr (default: from LC_ALL, LC_MESSAGES, LANG); --json is the same in both",
      { default: lang, parse: oneOf(LANGUAGES) },
    ),
    logLevelOption("warn"),
    logFormatOption(),
  ];
}

const NAME = CLIENT_NAME;
const EXAMPLES = `
Examples:
  ${NAME}                                debit 112.45 EUR on 127.0.0.1:8888
  ${NAME} -a 12.50 -d 192.168.1.20       debit 12.50 EUR on a terminal of the shop
  ${NAME} -a -3 --private-data ORDER-42  refund 3.00 EUR, your reference in CF
  ${NAME} -a 1000 -c JPY                 1000 yen (JPY has no decimals)
  ${NAME} -a 25 --check                  a cheque of 25.00 EUR
  ${NAME} --identify                     is a terminal there? (CD=I)
  ${NAME} --raw CZ0040300CA00201 --json  send a frame as given, print JSON
  ${NAME} --explain CZ0040300CJ003012    check a captured frame, send nothing

Exit codes: 0 done (AE=10, or AE=11 with --immediate), 1 not done (AE=01),
2 bad command line, 3 no connection, no answer in time, the connection closed or reset
without an answer, or a malformed answer (the message says when the payment may
nevertheless have been taken).
With --explain: 0 the frame conforms, 1 it does not.`;

/** The client's commander program; help and version go to `writeOut`. */
function clientProgram(writeOut: (text: string) => void, lang: Language): Command {
  const program = prepareCommand(new Command(NAME))
    .description(
      "Simulate a point of sale: send a Caisse-AP request to a payment terminal (real or " +
        "simulated) over TCP and explain its answer.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .configureOutput({ writeOut });
  for (const made of clientOptions(lang)) program.addOption(made);
  return program.addHelpText("after", EXAMPLES);
}

/**
 * Reads the client's command line into what to do. Pure: it prints nothing and reads
 * nothing; `--help` and `--version` come back as text to print.
 *
 * @param args The command-line arguments (without the program name).
 * @param defaults `lang`: the language when `--lang` is not given. Default: the
 * environment's (`LC_ALL`, `LC_MESSAGES`, `LANG`; English when neither French nor English).
 * @returns What to do, the text of `--help` or `--version`, or a usage problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseClientArgs } from "./client_config.ts";
 * const config = parseClientArgs(["-a", "12.50", "-p", "9000"]);
 * assert.equal(config.kind, "send");
 * if (config.kind === "send") assert.equal(config.connection.port, 9000);
 * assert.deepEqual(parseClientArgs(["-p", "0"]), {
 *   kind: "usage",
 *   message: "option '-p, --port <port>' argument '0' is invalid. " +
 *     "expected a whole number from 1 to 65535 (port).",
 * });
 * ```
 */
export function parseClientArgs(
  args: readonly string[],
  defaults: { lang?: Language } = {},
): ClientConfig | CommandLineExit | UsageProblem {
  let output = "";
  const program = clientProgram((text) => output += text, defaults.lang ?? environmentLanguage());
  try {
    program.parse(expandLegacyOptions(args, LEGACY_OPTIONS), { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code)) {
      return { kind: "exit", output };
    }
    return usage(error.message.replace(/^error: /, ""));
  }
  const options = program.opts<ClientOptions>();
  if (options.explain !== undefined) {
    return {
      kind: "explain",
      frame: options.explain,
      json: options.json === true,
      lang: options.lang,
    };
  }
  const given = (name: string) => program.getOptionValueSource(name) === "cli";
  const request = options.raw !== undefined
    ? rawRequest(options.raw, REQUEST_OPTIONS.filter(given))
    : requestArgs(options, given("amount"));
  if ("kind" in request) return request;
  return {
    kind: "send",
    request,
    connection: {
      host: options.destination,
      port: options.port,
      timeoutMs: options.timeout,
      connectTimeoutMs: options.connectTimeout,
      quietMs: options.quietPeriod,
      maxBytes: DEFAULT_MAX_BYTES,
    },
    json: options.json === true,
    lang: options.lang,
    logLevel: options.logLevel,
    logFormat: options.logFormat,
  };
}

/** `--raw`: the frame, unless it is empty or a request option was given too. */
function rawRequest(frame: string, clashing: readonly string[]): { raw: string } | UsageProblem {
  if (clashing.length > 0) {
    const option = kebabCase(clashing[0]);
    return usage(
      `--raw sends the frame as given and cannot be combined with --${option}`,
      "usage.raw-combined",
      { option },
    );
  }
  if (frame.length === 0) return usage("--raw needs a frame", "usage.raw-empty");
  return { raw: frame };
}

/** The request's options, unless two actions were asked for. */
function requestArgs(options: ClientOptions, amountGiven: boolean): RequestArgs | UsageProblem {
  const flags = (Object.keys(ACTION_FLAGS) as (keyof typeof ACTION_FLAGS)[])
    .filter((flag) => options[flag]);
  if (flags.length > 1) {
    return usage(`--${flags[0]} and --${flags[1]} cannot be combined`, "usage.actions-combined", {
      first: flags[0],
      second: flags[1],
    });
  }
  const actionFlag = flags[0] as keyof typeof ACTION_FLAGS | undefined;
  return {
    action: actionFlag ? ACTION_FLAGS[actionFlag] : "debit",
    ...(actionFlag ? { actionFlag } : {}),
    amount: options.amount,
    amountGiven,
    currency: options.currency,
    cheque: options.check === true,
    immediate: options.immediate === true,
    forceOnline: options.forceOnline === true,
    register: options.register,
    posId: options.posId,
    ...(options.privateData !== undefined ? { privateData: options.privateData } : {}),
  };
}

/**
 * A usage problem: its English message and, for another language, its key and values
 * (`usage.*` of the catalogues, whose English is the message).
 *
 * @param message The message in English.
 * @param key Its key in the catalogues; none for commander's own messages.
 * @param params The key's values.
 * @returns The problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usage } from "./client_config.ts";
 * assert.deepEqual(usage("--raw needs a frame", "usage.raw-empty").words, {
 *   key: "usage.raw-empty",
 *   params: {},
 * });
 * ```
 */
export function usage(
  message: string,
  key?: MessageKey,
  params: Readonly<Record<string, string>> = {},
): UsageProblem {
  return key ? { kind: "usage", message, words: { key, params } } : { kind: "usage", message };
}

/**
 * The language `--lang` asks for in a command line (its last `--lang X` or `--lang=X`),
 * read without commander: a usage error found while reading the options is still
 * written in the language asked for.
 *
 * @param args The command-line arguments.
 * @returns `en`, `fr`, or `undefined` when `--lang` is not given (or not one of them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { languageOfArgs } from "./client_config.ts";
 * assert.equal(languageOfArgs(["-a", "1,5", "--lang", "fr"]), "fr");
 * assert.equal(languageOfArgs(["--lang=en"]), "en");
 * assert.equal(languageOfArgs(["--lang", "de"]), undefined);
 * ```
 */
export function languageOfArgs(args: readonly string[]): Language | undefined {
  let found: string | undefined;
  for (const [index, arg] of args.entries()) {
    if (arg === "--") break;
    if (arg === "--lang") found = args[index + 1];
    else if (arg.startsWith("--lang=")) found = arg.slice("--lang=".length);
  }
  return (LANGUAGES as readonly (string | undefined)[]).includes(found)
    ? found as Language
    : undefined;
}
