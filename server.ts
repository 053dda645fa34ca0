/**
 * caisse-ap-server: a simulated Caisse-AP payment terminal. It listens on TCP like a real
 * terminal and answers each request with success or the failure you choose, after the
 * delay you choose, so a point of sale can be tested without a terminal or a card.
 *
 * @example
 * ```sh
 * deno run -A server.ts --port 8888 --duration 1
 * ```
 *
 * @module
 */

import {
  EXIT,
  expandLegacyOptions,
  integer,
  logLevel,
  oneOf,
  parseCommandLine,
  prepareCommand,
  seconds,
  usageError,
  VERSION,
  writeStderr,
  writeStdout,
} from "./lib/cli.ts";
import { Command, getLogger, Option } from "./lib/deps.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS } from "./lib/framing.ts";
import { type CliLogLevel, LOG_FORMATS, type LogFormat, setupLogging } from "./lib/logging.ts";
import { checkFormat } from "./lib/tags.ts";
import {
  DEFAULT_SETTINGS,
  FAILURE_COMPLEMENTS,
  type FailureType,
  PAYMENT_TYPES,
  type PaymentType,
} from "./lib/terminal/behaviour.ts";
import { logSimulator } from "./lib/terminal/log.ts";
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_RECORD_TIMEOUT_MS,
  TerminalSimulator,
} from "./lib/terminal/simulator.ts";

const NAME = "caisse-ap-server";

/** The reference tool's short options that commander cannot declare. */
const LEGACY_OPTIONS = {
  "-ft": "--failure-type",
  "-pt": "--payment-type",
  "-sc": "--seller-contract",
};

interface ServerOptions {
  port: number;
  host: string;
  failure?: boolean;
  failureType: FailureType;
  duration: number;
  paymentType: PaymentType;
  sellerContract: string;
  answerVersion?: string;
  terminalId: string;
  quietPeriod: number;
  waitQuiet?: boolean;
  keepOpen?: boolean;
  idleTimeout: number;
  recordTimeout: number;
  maxMessage: number;
  logLevel: CliLogLevel;
  logFormat: LogFormat;
}

function program(): Command {
  return prepareCommand(new Command(NAME))
    .description(
      "Simulate a Caisse-AP payment terminal over TCP (Caisse-AP over IP, v3): point a " +
        "point of sale at it and it answers like a real terminal, with success or the " +
        "failure you choose.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .addOption(
      new Option("-p, --port <port>", "TCP port to listen on; 0 picks a free one")
        .default(8888)
        .argParser(integer("port", 0, 65535)),
    )
    .addOption(
      new Option(
        "--host <address>",
        "address to listen on (0.0.0.0: all IPv4 interfaces, :: for IPv6)",
      )
        .default("0.0.0.0"),
    )
    .option("-f, --failure", "fail every transaction (default: approve)")
    .addOption(
      new Option(
        "--failure-type <type>",
        `how a card payment fails (also -ft): abandon (AF=11), timeout (AF=08), refused (AF=04), forbidden (AF=05); a cheque always gets AF=04`,
      )
        .default(DEFAULT_SETTINGS.failureType)
        .argParser(oneOf(Object.keys(FAILURE_COMPLEMENTS) as FailureType[])),
    )
    .addOption(
      new Option("-d, --duration <seconds>", "time the cardholder takes before the answer")
        .default(DEFAULT_SETTINGS.delayMs, "3")
        .argParser(seconds(3600)),
    )
    .addOption(
      new Option(
        "--payment-type <type>",
        "card used on success (also -pt): cbcontact, cbcontactless, amexcontact, amexcontactless",
      )
        .default(DEFAULT_SETTINGS.paymentType)
        .argParser(oneOf(Object.keys(PAYMENT_TYPES) as PaymentType[])),
    )
    .addOption(
      new Option(
        "--seller-contract <number>",
        "merchant contract number sent in CG (also -sc), at most 10 characters",
      ).default(DEFAULT_SETTINGS.merchantContract),
    )
    .addOption(
      new Option(
        "--answer-version <CZ>",
        "protocol version (CZ) of the answers, e.g. 0301 (default: the request's)",
      ),
    )
    .addOption(
      new Option("--terminal-id <CJ>", "the terminal's CJ, sent in identification (CD=I) answers")
        .default(DEFAULT_SETTINGS.terminalId),
    )
    .addOption(
      new Option(
        "--quiet-period <ms>",
        "silence that ends a request which is not known to be whole yet",
      ).default(DEFAULT_QUIET_MS).argParser(integer("milliseconds", 0, 60_000)),
    )
    .option(
      "--wait-quiet",
      "always wait for the quiet period (by default a request holding every mandatory record is answered at once)",
    )
    .option("--keep-open", "keep the connection open after an answer (default: close it)")
    .addOption(
      new Option(
        "--idle-timeout <seconds>",
        "time a connection may take to send a whole request",
      ).default(DEFAULT_IDLE_TIMEOUT_MS, "60").argParser(seconds(86_400)),
    )
    .addOption(
      new Option(
        "--record-timeout <seconds>",
        "silence inside a record after which the request is answered as cut short (AF=09)",
      ).default(DEFAULT_RECORD_TIMEOUT_MS, "5").argParser(seconds(3600)),
    )
    .addOption(
      new Option("--max-message <bytes>", "largest request accepted")
        .default(DEFAULT_MAX_BYTES)
        .argParser(integer("bytes", 64, 16 * 1024 * 1024)),
    )
    .addOption(
      new Option("-l, --log-level <level>", "debug, info, warn or error").default("info").argParser(
        logLevel,
      ),
    )
    .addOption(
      new Option("--log-format <format>", "text for people, json for one JSON object per line")
        .default("text")
        .argParser(oneOf(LOG_FORMATS)),
    )
    .addHelpText(
      "after",
      `
Answers, as the reference Python simulator's: the request's records, CZ first, then
  success, card    AE=10 CC CI AC AA AI AB CF CG, after --duration
  success, cheque  AE=10 (the request had CC=00C), after --duration
  --failure        AE=01 and AF from --failure-type (AF=04 for a cheque), after --duration
  BA=1             AE=11, at once
  missing record   AE=01 AF=09, at once (also for a malformed frame)
  unknown CD, CE   AE=01 AF=12, AF=13, at once
  CD=I             AE=10 with --terminal-id as CJ, at once (identification)

Examples:
  ${NAME}                              approve everything after 3 s, port 8888
  ${NAME} -p 9000 -d 0.5               port 9000, answer after half a second
  ${NAME} -f --failure-type refused    refuse every card (AF=04)
  ${NAME} -f -ft timeout -d 10         the reference tool's spellings work too
  ${NAME} --host 127.0.0.1 -p 0        local only, on a free port (logged at start)

The address listened on is printed on standard output; logs go to standard error. Stop with Ctrl-C: answers in flight are sent first; a second
Ctrl-C stops at once. Exit codes: 0 stopped cleanly, 2 bad command line, 3 cannot listen.`,
    );
}

/**
 * Runs the terminal simulator until it is stopped by SIGINT or SIGTERM, or by `signal`.
 *
 * @param args The command-line arguments (without the program name).
 * @param control `signal` stops the simulator as SIGTERM would (for tests).
 * @returns The exit code: 0 stopped cleanly, 2 usage error, 3 cannot listen.
 *
 * @example
 * ```ts ignore
 * import { main } from "./server.ts";
 * const code = await main(["--port", "0", "--duration", "1"]);
 * ```
 */
export async function main(
  args: string[],
  control: { signal?: AbortSignal } = {},
): Promise<number> {
  const command = program();
  const parsed = parseCommandLine(command, expandLegacyOptions(args, LEGACY_OPTIONS));
  if (parsed !== undefined) return parsed;
  const options = command.opts<ServerOptions>();
  if (options.sellerContract.length < 1 || options.sellerContract.length > 10) {
    return usageError(
      NAME,
      `--seller-contract must be 1 to 10 characters, not ${options.sellerContract.length}`,
    );
  }
  for (
    const [flag, tag, value] of [
      ["--answer-version", "CZ", options.answerVersion],
      ["--terminal-id", "CJ", options.terminalId],
      ["--seller-contract", "CG", options.sellerContract],
    ] as const
  ) {
    const problem = value === undefined ? undefined : checkFormat(tag, value);
    if (problem) return usageError(NAME, `Invalid ${flag} "${value}": ${problem}`);
  }

  setupLogging({ level: options.logLevel, format: options.logFormat });
  const logger = getLogger(["caisse-ap", "terminal"]);
  const simulator = new TerminalSimulator({
    hostname: options.host,
    port: options.port,
    settings: {
      failure: options.failure ?? false,
      failureType: options.failureType,
      delayMs: options.duration,
      paymentType: options.paymentType,
      merchantContract: options.sellerContract,
      terminalId: options.terminalId,
      ...(options.answerVersion ? { answerVersion: options.answerVersion } : {}),
    },
    quietMs: options.quietPeriod,
    waitQuiet: options.waitQuiet ?? false,
    keepOpen: options.keepOpen ?? false,
    idleTimeoutMs: options.idleTimeout,
    recordTimeoutMs: options.recordTimeout,
    maxBytes: options.maxMessage,
  });
  logSimulator(simulator, logger);
  try {
    await simulator.start();
  } catch (error) {
    const where = `${options.host}:${options.port}`;
    const why = error instanceof Deno.errors.AddrInUse
      ? `port ${options.port} is already in use: stop the other program or choose another --port`
      : error instanceof Deno.errors.NotCapable
      ? `Deno was not given network access: run it with --allow-net (or -A)`
      : error instanceof Deno.errors.PermissionDenied
      ? `permission denied by the system (ports below 1024 need privileges)`
      : error instanceof Deno.errors.AddrNotAvailable
      ? `this machine has no address ${options.host}`
      : (error as Error).message;
    writeStderr(`${NAME}: cannot listen on ${where}: ${why}\n`);
    return EXIT.io;
  }
  const s = simulator.settings;
  const address = simulator.address;
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  // On standard output whatever the log level: with --port 0 it is how to learn the port.
  writeStdout(`Listening on ${host}:${address.port}\n`);
  logger.info(
    "Terminal simulator {version}: {mode}, answers after {delay} s, {card}, contract {contract}",
    {
      version: VERSION,
      mode: s.failure ? `failure mode (${s.failureType})` : "success mode",
      delay: s.delayMs / 1000,
      card: s.paymentType,
      contract: s.merchantContract,
    },
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) {
        logger.warn("Stopping now, answers in flight are dropped");
        simulator.close({ force: true });
        return;
      }
      stopping = true;
      logger.info("{why}: stopping, answers in flight are sent first (again to stop at once)", {
        why,
      });
      simulator.close().then(resolve);
    };
    const onSigint = () => stop("Interrupted");
    const onSigterm = () => stop("Terminated");
    addSignal("SIGINT", onSigint);
    addSignal("SIGTERM", onSigterm);
    control.signal?.addEventListener("abort", () => stop("Asked to stop"), { once: true });
    simulator.on("close", () => {
      removeSignal("SIGINT", onSigint);
      removeSignal("SIGTERM", onSigterm);
    });
  });
  logger.info("Stopped");
  return EXIT.ok;
}

function addSignal(signal: Deno.Signal, handler: () => void): void {
  try {
    Deno.addSignalListener(signal, handler);
  } catch { /* SIGTERM does not exist on Windows */ }
}

function removeSignal(signal: Deno.Signal, handler: () => void): void {
  try {
    Deno.removeSignalListener(signal, handler);
  } catch { /* not added */ }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
