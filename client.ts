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

import {
  EXIT,
  expandLegacyOptions,
  integer,
  logFormatOption,
  logLevelOption,
  parseCommandLine,
  prepareCommand,
  seconds,
  usageError,
  VERSION,
  writeStdout,
} from "./lib/cli.ts";
import { Command, getLogger, Option } from "./lib/deps.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS, formatMs } from "./lib/framing.ts";
import { type CliLogLevel, type LogFormat, setupLogging } from "./lib/logging.ts";
import {
  type Action,
  buildRequest,
  CHEQUE_APPLICATION,
  DEFAULT_POS_ID,
  explainAnswer,
} from "./lib/message.ts";
import { findCurrency, formatAmount, parseAmount } from "./lib/money.ts";
import {
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  exchange,
  type ExchangeResult,
  PosError,
} from "./lib/pos.ts";
import { formatReport, reportFrame } from "./lib/report.ts";
import { encode, escapeText, type Field } from "./lib/tlv.ts";

const NAME = "caisse-ap-client";

/** The reference tool's short option that commander cannot declare. */
const LEGACY_OPTIONS = { "-ck": "--check" };

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
  logLevel: CliLogLevel;
  logFormat: LogFormat;
}

function program(): Command {
  return prepareCommand(new Command(NAME))
    .description(
      "Simulate a point of sale: send a Caisse-AP request to a payment terminal (real or " +
        "simulated) over TCP and explain its answer.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .option("-d, --destination <host>", "address of the terminal", "127.0.0.1")
    .addOption(
      new Option("-p, --port <port>", "TCP port of the terminal").default(8888).argParser(
        integer("port", 1, 65535),
      ),
    )
    .option(
      "-a, --amount <amount>",
      "amount with a dot for decimals, in the currency's own decimals; negative = refund (CD=1)",
      "112.45",
    )
    .option(
      "-c, --currency <code>",
      "ISO 4217 currency, alphabetic or numeric (EUR, JPY, 978...)",
      "EUR",
    )
    .option("--check", "pay by cheque (CC=00C, printed by the terminal) (also -ck)")
    .option("--refund", "refund (credit, CD=1), same as a negative amount")
    .option("--cancel", "cancel a previous debit (CD=2)")
    .option("--identify", "ask the terminal to identify itself (CD=I, no amount)")
    .option(
      "--immediate",
      "ask for an immediate answer (BA=1): the terminal answers AE=11 at once",
    )
    .addOption(new Option("--register <CA>", "POS (register) number, 2 digits").default("01"))
    .addOption(
      new Option("--pos-id <CJ>", "POS protocol identifier, 12 digits").default(DEFAULT_POS_ID),
    )
    .option("--private-data <CF>", "private data (CF), echoed by the terminal: your reference")
    .option("--force-online", "ask for an online authorisation (BB=1)")
    .option("--raw <frame>", "send this frame exactly as given instead of building a request")
    .option(
      "--explain <frame>",
      "decode a captured frame (request or answer; - reads it from standard input) and check it against the protocol, without sending anything",
    )
    .addOption(
      new Option("-t, --timeout <seconds>", "time to wait for the answer")
        .default(DEFAULT_ANSWER_TIMEOUT_MS, "180")
        .argParser(seconds(86_400)),
    )
    .addOption(
      new Option("--connect-timeout <seconds>", "time to wait for the connection")
        .default(DEFAULT_CONNECT_TIMEOUT_MS, "10")
        .argParser(seconds(3600)),
    )
    .addOption(
      new Option(
        "--quiet-period <ms>",
        "silence that ends the answer when the terminal keeps the connection open",
      ).default(DEFAULT_QUIET_MS).argParser(integer("milliseconds", 0, 60_000)),
    )
    .option("--json", "print the request and the answer as JSON (for scripts)")
    .addOption(logLevelOption("warn"))
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
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
With --explain: 0 the frame conforms, 1 it does not.`,
    );
}

/**
 * Sends one request and prints the answer.
 *
 * @param args The command-line arguments (without the program name).
 * @returns The exit code: 0 done, 1 not done, 2 usage error, 3 connection, time-out or
 * protocol error.
 *
 * @example
 * ```ts ignore
 * import { main } from "./client.ts";
 * const code = await main(["--amount", "12.50", "--port", "8888"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const command = program();
  const parsed = parseCommandLine(command, expandLegacyOptions(args, LEGACY_OPTIONS));
  if (parsed !== undefined) return parsed;
  const options = command.opts<ClientOptions>();
  if (options.explain !== undefined) return await explain(options);
  const built = buildFromOptions(command, options);
  if (typeof built === "number") return built;

  setupLogging({ level: options.logLevel, format: options.logFormat });
  const logger = getLogger(["caisse-ap", "pos"]);
  const where = `${options.destination}:${options.port}`;
  logger.info("Sending to {where}: {frame}", { where, frame: escapeText(built.text) });
  let result: ExchangeResult;
  try {
    result = await exchange(built.request, {
      host: options.destination,
      port: options.port,
      timeoutMs: options.timeout,
      connectTimeoutMs: options.connectTimeout,
      quietMs: options.quietPeriod,
      maxBytes: DEFAULT_MAX_BYTES,
    });
  } catch (error) {
    if (!(error instanceof PosError)) throw error;
    if (error.received) logger.info("Received: {frame}", { frame: escapeText(error.received) });
    if (options.json) {
      writeStdout(
        JSON.stringify(
          {
            outcome: "error",
            request: { frame: built.text, fields: pairs(built.fields) },
            error: {
              kind: error.kind,
              message: error.message,
              paymentMayBeTaken: error.paymentMayBeTaken,
              received: error.received,
            },
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      writeStdout(`Error: ${error.message}\n`);
    }
    return EXIT.io;
  }
  logger.info("Received after {elapsed}: {frame}", {
    elapsed: formatMs(Math.round(result.elapsedMs)),
    frame: escapeText(result.answerText),
  });
  const code = exitCode(result);
  if (options.json) {
    writeStdout(JSON.stringify(toJson(result, code, built.text), null, 2) + "\n");
  } else {
    const lines = explainAnswer(result.answer);
    if (result.answer.acknowledged && !requestedImmediate(result.request)) {
      lines.push("The request did not ask for an immediate answer (BA=1): the terminal misbehaves");
    }
    for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
    if (code === EXIT.io && result.answer.status === undefined) {
      lines.push("The answer has no status: the payment may have been taken; check the terminal");
    }
    writeStdout(lines.map((line) => line + "\n").join(""));
  }
  return code;
}

/** `--explain`: prints the conformance report of a frame; 0 when it conforms, 1 otherwise. */
async function explain(options: ClientOptions): Promise<number> {
  let frame = options.explain!;
  if (frame === "-") {
    frame = (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
  }
  if (frame.length === 0) return usageError(NAME, "--explain needs a frame");
  const report = reportFrame(new TextEncoder().encode(frame));
  if (options.json) {
    writeStdout(
      JSON.stringify(
        {
          kind: report.kind,
          frame: report.text,
          fields: pairs(report.fields),
          error: report.error
            ? {
              kind: report.error.kind,
              offset: report.error.offset,
              message: report.error.message,
            }
            : null,
          findings: report.findings,
          conforms: report.findings.length === 0,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    writeStdout(formatReport(report).map((line) => line + "\n").join(""));
  }
  return report.findings.length === 0 ? EXIT.ok : EXIT.notDone;
}

/** Builds the request from the options, or returns exit code 2 after a usage error. */
function buildFromOptions(
  command: Command,
  options: ClientOptions,
): { request: Field[] | string; fields: Field[]; text: string } | number {
  const given = (name: string) => command.getOptionValueSource(name) === "cli";
  if (options.raw !== undefined) {
    const clashing = [
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
    ]
      .filter(given);
    if (clashing.length > 0) {
      return usageError(
        NAME,
        `--raw sends the frame as given and cannot be combined with --${kebab(clashing[0])}`,
      );
    }
    if (options.raw.length === 0) return usageError(NAME, "--raw needs a frame");
    return { request: options.raw, fields: [], text: options.raw };
  }
  const actions = ["refund", "cancel", "identify"].filter((name) =>
    options[name as keyof ClientOptions]
  );
  if (actions.length > 1) {
    return usageError(NAME, `--${actions[0]} and --${actions[1]} cannot be combined`);
  }
  const currency = findCurrency(options.currency);
  if (!currency) {
    return usageError(
      NAME,
      `Unknown currency "${options.currency}": expected an ISO 4217 code such as EUR or 978`,
    );
  }
  let action: Action = options.identify
    ? "identification"
    : options.cancel
    ? "cancellation"
    : options.refund
    ? "credit"
    : "debit";
  let minor = 0;
  if (action === "identification") {
    if (given("amount") || options.check) {
      return usageError(
        NAME,
        "--identify sends no amount and cannot be combined with --amount or --check",
      );
    }
  } else {
    let amount;
    try {
      amount = parseAmount(options.amount, currency);
    } catch (error) {
      return usageError(NAME, (error as Error).message);
    }
    if (amount.minor === 0) {
      return usageError(NAME, `Invalid amount "${options.amount}": it must not be zero`);
    }
    if (amount.negative) {
      if (action !== "debit" && action !== "credit") {
        return usageError(
          NAME,
          `A negative amount is a refund and cannot be combined with --${actions[0]}`,
        );
      }
      action = "credit";
    }
    minor = amount.minor;
  }
  try {
    const fields = buildRequest({
      action,
      ...(action === "identification" ? {} : { amount: minor, currency }),
      register: options.register,
      posId: options.posId,
      immediate: options.immediate,
      ...(options.check ? { application: CHEQUE_APPLICATION } : {}),
      ...(options.privateData !== undefined ? { privateData: options.privateData } : {}),
      forceOnline: options.forceOnline,
    });
    return { request: fields, fields, text: encode(fields) };
  } catch (error) {
    return usageError(NAME, (error as Error).message);
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

function requestedImmediate(request: Field[]): boolean {
  return request.some((f) => f.tag === "BA" && f.value === "1");
}

/** 0 done (AE=10, or AE=11 when asked for), 1 not done (AE=01), 3 anything else. */
function exitCode(result: ExchangeResult): number {
  const { answer } = result;
  if (answer.approved) return EXIT.ok;
  if (answer.acknowledged) return requestedImmediate(result.request) ? EXIT.ok : EXIT.io;
  if (answer.status === "01") return EXIT.notDone;
  return EXIT.io;
}

/** Records as a JSON object, in wire order (tags are unique and never look like numbers). */
function pairs(fields: readonly Field[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.tag, f.value]));
}

function toJson(result: ExchangeResult, code: number, requestText: string) {
  const a = result.answer;
  const currency = a.currency;
  return {
    outcome: code === EXIT.ok
      ? (a.acknowledged ? "acknowledged" : "approved")
      : code === EXIT.notDone
      ? "not-done"
      : "error",
    exitCode: code,
    request: { frame: requestText, fields: pairs(result.request) },
    answer: {
      frame: result.answerText,
      fields: pairs(a.fields),
      status: a.status ?? null,
      approved: a.approved,
      complement: a.complement ?? null,
      reason: a.reason ?? null,
      amount: a.amount ?? null,
      amountText: a.amount !== undefined && currency ? formatAmount(a.amount, currency) : null,
      currency: currency?.code ?? a.currencyCode ?? null,
      application: a.application ?? null,
      readMode: a.readMode ?? null,
      authorisation: a.authorisation ?? null,
      cardNumber: a.cardNumber ?? null,
      expiry: a.expiry ?? null,
      aid: a.aid ?? null,
      contract: a.contract ?? null,
      privateData: a.privateData ?? null,
    },
    warnings: result.warnings,
    elapsedMs: Math.round(result.elapsedMs),
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
