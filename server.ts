/**
 * caisse-ap-server: a simulated Caisse-AP payment terminal. It listens on TCP like a real
 * terminal and answers each request with success or the failure you choose, after the
 * delay you choose, so a point of sale can be tested without a terminal or a card. A
 * scenario file, the magic amounts, a person at the keyboard, or a program or a browser
 * through the control API and its dashboard (`--http`) choose the answer of each
 * transaction; a journal records them all. Faults (no answer, a dropped, split, slow,
 * garbled or cut answer, a busy terminal, refused connections) test what a POS does when
 * things go wrong, and limits keep the simulator up whatever it is sent.
 *
 * @example
 * ```sh
 * deno run -A server.ts --port 8888 --duration 1
 * deno run -A server.ts --scenario lib/scenarios/ci_smoke.yaml --seed 1 --journal t.jsonl
 * deno run -A server.ts --http 8080 --hold
 * ```
 *
 * @module
 */

import {
  decimal,
  EXIT,
  expandLegacyOptions,
  integer,
  logFormatOption,
  logLevelOption,
  oneOf,
  parseCommandLine,
  prepareCommand,
  seconds,
  usageError,
  VERSION,
  writeStderr,
  writeStdout,
} from "./lib/cli.ts";
import { Command, getLogger, InvalidArgumentError, Option } from "./lib/deps.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS } from "./lib/framing.ts";
import { type CliLogLevel, type LogFormat, setupLogging } from "./lib/logging.ts";
import { cryptoRandom, seededRandom } from "./lib/random.ts";
import { checkFormat } from "./lib/tags.ts";
import {
  DEFAULT_SETTINGS,
  FAILURE_COMPLEMENTS,
  type FailureType,
  PAYMENT_TYPES,
  type PaymentType,
  type TerminalSettings,
} from "./lib/terminal/behaviour.ts";
import { firstAnswer } from "./lib/terminal/askers.ts";
import { TerminalControl } from "./lib/terminal/control.ts";
import { type Asker, RuleEngine } from "./lib/terminal/engine.ts";
import {
  describeFault,
  FAULT_KINDS,
  FAULTS,
  type FaultSpec,
  parseFault,
} from "./lib/terminal/fault.ts";
import { HoldDesk } from "./lib/terminal/hold.ts";
import {
  checkToken,
  isLoopback,
  type ListenAddress,
  parseListenAddress,
} from "./lib/terminal/http/auth.ts";
import { type ControlServer, startControlServer } from "./lib/terminal/http/serve.ts";
import { Operator } from "./lib/terminal/interactive.ts";
import { Journal } from "./lib/terminal/journal.ts";
import { JournalFile } from "./lib/terminal/journal_file.ts";
import { logControl, logSimulator } from "./lib/terminal/log.ts";
import { formatMagicAmounts } from "./lib/terminal/magic.ts";
import {
  formatProblem,
  parseScenario,
  type Scenario,
  ScenarioError,
} from "./lib/terminal/scenario.ts";
import { type ScenarioWatcher, watchScenarioFile } from "./lib/terminal/scenario_file.ts";
import {
  type Concurrency,
  CONCURRENCY_MODES,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
  TerminalSimulator,
} from "./lib/terminal/simulator.ts";
import { openKeyboard, stdinIsTerminal } from "./lib/terminal/tty.ts";

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
  scenario?: string;
  checkScenario?: string;
  magicAmounts?: boolean;
  journal?: string;
  interactive?: boolean;
  inputTimeout: number;
  seed?: number;
  timeScale: number;
  fault?: FaultSpec;
  strict?: boolean;
  concurrency: Concurrency;
  maxConnections: number;
  http?: string;
  httpToken?: string;
  hold?: boolean;
}

/** Which command-line option sets which setting (a scenario's settings yield to them). */
const SETTING_OPTIONS: readonly [keyof ServerOptions, keyof TerminalSettings][] = [
  ["failure", "failure"],
  ["failureType", "failureType"],
  ["duration", "delayMs"],
  ["paymentType", "paymentType"],
  ["sellerContract", "merchantContract"],
  ["answerVersion", "answerVersion"],
  ["terminalId", "terminalId"],
  ["inputTimeout", "inputTimeoutMs"],
  ["fault", "fault"],
  ["strict", "strict"],
];

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
      new Option(
        "--max-connections <count>",
        "most connections open at once; beyond it, a new connection is closed at once and logged",
      ).default(DEFAULT_MAX_CONNECTIONS).argParser(integer("connections", 1, 100_000)),
    )
    .addOption(
      new Option(
        "--fault <fault>",
        "what goes wrong with every debit, credit and cancellation whose outcome names no fault: NAME or NAME:param=value,... (list below)",
      ).argParser(faultOption),
    )
    .option(
      "--strict",
      "answer AE=01 AF=09 to any request with a conformance finding, a warning included",
    )
    .addOption(
      new Option(
        "--concurrency <mode>",
        "overlapping transactions: parallel (each at once), queue (one at a time, in order), busy (one at a time, the others answered AE=01 AF=07)",
      ).default("parallel").argParser(oneOf(CONCURRENCY_MODES)),
    )
    .addOption(
      new Option(
        "--scenario <file>",
        "YAML scenario: settings and rules choosing each answer (see lib/scenarios/); reloaded when the file changes or on SIGHUP",
      ),
    )
    .addOption(
      new Option(
        "--check-scenario <file>",
        "check a scenario file and exit: 0 valid, 2 not (every problem with its line and column)",
      ),
    )
    .option(
      "--magic-amounts",
      "the last two digits of the amount choose the outcome (table below); after --scenario's rules",
    )
    .addOption(
      new Option(
        "--journal <file>",
        "append every transaction to this JSON Lines file, written to disk before the answer is sent",
      ),
    )
    .option(
      "--interactive",
      "a person at this terminal decides each payment (keys shown with each request); needs a TTY",
    )
    .addOption(
      new Option(
        "--input-timeout <seconds>",
        "time the cardholder has before the terminal answers AF=08 (the countdown of --interactive)",
      ).default(DEFAULT_SETTINGS.inputTimeoutMs, "120").argParser(seconds(3600)),
    )
    .addOption(
      new Option(
        "--http <[host:]port>",
        "serve the control API and the dashboard on this port (127.0.0.1 unless a host is given; 0 picks a free one)",
      ),
    )
    .addOption(
      new Option(
        "--http-token <token>",
        "every request to --http must carry this token (Authorization: Bearer); required to listen on an address other than 127.0.0.1",
      ),
    )
    .option(
      "--hold",
      "start in hold mode: each payment waits for a decision from the dashboard or the API (needs --http)",
    )
    .addOption(
      new Option(
        "--seed <number>",
        "draw authorisation numbers, cards, AIDs, expiry months and random delays from this seed: same requests, same answers",
      ).argParser(integer("seed", 0, 4_294_967_295)),
    )
    .addOption(
      new Option(
        "--time-scale <factor>",
        "multiply every delay and the input time-out (0.01 runs 180 s in 1.8 s)",
      ).default(1).argParser(decimal("factor", 0, 1000)),
    )
    .addOption(logLevelOption("info"))
    .addOption(logFormatOption())
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

With --scenario, --magic-amounts, --interactive or --http, who decides a debit, credit or
cancellation: an outcome queued through the API, then the first matching rule of the
scenario, then the magic amounts, then the person (--interactive) or the dashboard and
the API in hold mode (whoever decides first), then the options above. A scenario's
settings yield to the options given on the command line.

The control API and the dashboard (--http): see the README, "Control API". The address
is printed on standard output ("Control API and dashboard on http://...").

Faults (--fault, or a rule's outcome: { fault: ... }), durations in seconds:
${formatFaultHelp()}

Magic amounts (--magic-amounts), by the last two digits of the amount in minor units:
${formatMagicAmounts().map((line) => `  ${line}`).join("\n")}
  other endings: as without --magic-amounts (approved unless --failure)

Examples:
  ${NAME}                              approve everything after 3 s, port 8888
  ${NAME} -p 9000 -d 0.5               port 9000, answer after half a second
  ${NAME} -f --failure-type refused    refuse every card (AF=04)
  ${NAME} -f -ft timeout -d 10         the reference tool's spellings work too
  ${NAME} --host 127.0.0.1 -p 0        local only, on a free port (logged at start)
  ${NAME} --magic-amounts -d 0         12.04 EUR is refused, 12.08 times out...
  ${NAME} --scenario lib/scenarios/bad_day.yaml --time-scale 0.01 --seed 7
  ${NAME} --check-scenario my.yaml     check a scenario file, then exit
  ${NAME} --journal tx.jsonl           record every transaction
  ${NAME} --interactive                decide each payment at the keyboard
  ${NAME} --fault approve-then-drop    approve every payment, never deliver the answer
  ${NAME} --fault split-answer:segments=3,gap=1  each answer in 3 pieces, 1 s apart
  ${NAME} --concurrency busy           one sale at a time, like a real terminal
  ${NAME} --http 8080 --hold           decide each payment at http://127.0.0.1:8080/
  ${NAME} --http 0.0.0.0:8080 --http-token "$(openssl rand -hex 16)"

The address listened on is printed on standard output; logs go to standard error. Stop with Ctrl-C: answers in flight are sent first; a second
Ctrl-C stops at once. Exit codes: 0 stopped cleanly (or a valid --check-scenario), 2 bad
command line or scenario file, 3 cannot listen (either port) or write the journal.`,
    );
}

/** commander's parser of `--fault`: a usage error (exit 2) names what is wrong. */
function faultOption(value: string): FaultSpec {
  try {
    return parseFault(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}

/** The faults and their parameters, for the help. */
function formatFaultHelp(): string {
  return FAULT_KINDS.map((kind) => {
    const parameters = FAULTS[kind].parameters.map((p) =>
      `${p.name}=${
        p.default === undefined ? "N" : p.unit === "seconds" ? p.default / 1000 : p.default
      }`
    );
    const name = parameters.length > 0 ? `${kind}:${parameters.join(",")}` : kind;
    return `  ${name.padEnd(34)} ${FAULTS[kind].summary}`;
  }).join("\n");
}

/**
 * Runs the terminal simulator until it is stopped by SIGINT or SIGTERM, or by `signal`.
 *
 * @param args The command-line arguments (without the program name).
 * @param control `signal` stops the simulator as SIGTERM would (for tests).
 * @returns The exit code: 0 stopped cleanly (or a valid `--check-scenario`), 2 usage
 * error or invalid scenario, 3 cannot listen or open the journal.
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
  if (options.checkScenario !== undefined) return await checkScenario(options.checkScenario);
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
  let httpAddress: ListenAddress | undefined;
  if (options.http !== undefined) {
    try {
      httpAddress = parseListenAddress(options.http);
    } catch (error) {
      // "Invalid address "x": expected..." becomes "Invalid --http address "x": expected...".
      return usageError(
        NAME,
        (error as Error).message.replace(/^Invalid address/, "Invalid --http address"),
      );
    }
    if (options.httpToken === undefined && !isLoopback(httpAddress.hostname)) {
      return usageError(
        NAME,
        `--http ${options.http} opens the control API beyond this machine: give --http-token TOKEN too (every request must then carry it)`,
      );
    }
  } else if (options.httpToken !== undefined) {
    return usageError(NAME, "--http-token goes with --http");
  } else if (options.hold) {
    return usageError(
      NAME,
      "--hold needs --http: held payments are decided on the dashboard or through the API",
    );
  }
  if (options.hold && options.timeScale === 0) {
    return usageError(NAME, "--time-scale 0 leaves no time to decide in --hold mode");
  }
  if (options.httpToken !== undefined) {
    const problem = checkToken(options.httpToken);
    if (problem) {
      return usageError(NAME, `Invalid --http-token: ${problem.replace(/^The/, "the")}`);
    }
  }
  if (options.interactive) {
    if (!stdinIsTerminal()) {
      return usageError(
        NAME,
        "--interactive needs a person at a terminal, and standard input is not one (use --scenario or --magic-amounts to choose answers without one)",
      );
    }
    if (options.timeScale === 0) {
      return usageError(NAME, "--time-scale 0 leaves no time to decide in --interactive mode");
    }
  }
  let scenario: Scenario | undefined;
  let scenarioText: string | undefined;
  if (options.scenario !== undefined) {
    const loaded = await readScenario(options.scenario);
    if (typeof loaded === "number") return loaded;
    ({ scenario, text: scenarioText } = loaded);
  }

  setupLogging({ level: options.logLevel, format: options.logFormat });
  const logger = getLogger(["caisse-ap", "terminal"]);
  // Options typed on the command line win over the scenario's settings.
  const fromCommandLine = new Set(
    SETTING_OPTIONS.filter(([option]) => command.getOptionValueSource(option) === "cli")
      .map(([, setting]) => setting),
  );
  const settingsFor = (scenario?: Scenario): TerminalSettings => {
    const settings: TerminalSettings = {
      ...DEFAULT_SETTINGS,
      failure: options.failure ?? false,
      failureType: options.failureType,
      delayMs: options.duration,
      paymentType: options.paymentType,
      merchantContract: options.sellerContract,
      terminalId: options.terminalId,
      inputTimeoutMs: options.inputTimeout,
      ...(options.answerVersion ? { answerVersion: options.answerVersion } : {}),
      ...(options.fault ? { fault: options.fault } : {}),
      ...(options.strict ? { strict: true } : {}),
    };
    for (const [key, value] of Object.entries(scenario?.settings ?? {})) {
      if (!fromCommandLine.has(key as keyof TerminalSettings)) {
        (settings as unknown as Record<string, unknown>)[key] = value;
      }
    }
    return settings;
  };

  let journalFile: JournalFile | undefined;
  if (options.journal !== undefined) {
    try {
      journalFile = await JournalFile.open(options.journal);
    } catch (error) {
      writeStderr(
        `${NAME}: cannot open the journal "${options.journal}": ${(error as Error).message}\n`,
      );
      return EXIT.io;
    }
  }
  // In memory for the control API; on disk too with --journal.
  const journal = journalFile || httpAddress
    ? new Journal({ ...(journalFile ? { sink: journalFile } : {}), version: VERSION })
    : undefined;

  // Ctrl-C in interactive mode, where the keyboard is in raw mode and sends no SIGINT.
  let interrupt = () => {};
  let keyboard: ReturnType<typeof openKeyboard> | undefined;
  let operator: Operator | undefined;
  if (options.interactive) {
    keyboard = openKeyboard(() => interrupt());
    operator = new Operator({ keys: keyboard.keys, write: writeStderr }, {
      timeScale: options.timeScale,
    });
  }
  const hold = new HoldDesk({ on: options.hold ?? false, timeScale: options.timeScale });
  // A person at the keyboard and the dashboard or API: whoever decides first.
  const askers: Asker[] = [
    ...(operator ? [operator.ask] : []),
    ...(httpAddress ? [hold.ask] : []),
  ];
  const magicAmounts = options.magicAmounts ? true : undefined;
  const engine = new RuleEngine({
    scenario,
    magicAmounts,
    ...(askers.length > 0 ? { ask: firstAnswer(askers) } : {}),
  });
  const simulator: TerminalSimulator = new TerminalSimulator({
    hostname: options.host,
    port: options.port,
    settings: settingsFor(scenario),
    quietMs: options.quietPeriod,
    waitQuiet: options.waitQuiet ?? false,
    keepOpen: options.keepOpen ?? false,
    idleTimeoutMs: options.idleTimeout,
    recordTimeoutMs: options.recordTimeout,
    maxBytes: options.maxMessage,
    random: options.seed === undefined ? cryptoRandom() : seededRandom(options.seed),
    timeScale: options.timeScale,
    // Through the control when there is one, so that it reports each arrival.
    decide: (request, settings, context) =>
      terminalControl
        ? terminalControl.decide(request, settings, context)
        : engine.decide(request, settings, context),
    maxConnections: options.maxConnections,
    concurrency: options.concurrency,
  });
  logSimulator(simulator, logger);
  journal?.attach(simulator);
  let reloadScenario: (() => ReturnType<ScenarioWatcher["reload"]>) | undefined;
  const terminalControl = httpAddress && journal
    ? new TerminalControl({
      simulator,
      engine,
      hold,
      journal,
      version: VERSION,
      interactive: options.interactive ?? false,
      baseline: { settings: settingsFor(scenario), magicAmounts, hold: options.hold ?? false },
      ...(options.scenario !== undefined ? { reloadScenario: () => reloadScenario!() } : {}),
    })
    : undefined;
  if (terminalControl) logControl(terminalControl, logger);
  // Watched before listening: no edit made once the port is known can be missed.
  const watcher = options.scenario === undefined ? undefined : watchScenarioFile(
    options.scenario,
    {
      text: scenarioText,
      onLoad: (next) => {
        if (terminalControl) terminalControl.applyScenario(next, settingsFor(next));
        else {
          engine.load(next);
          simulator.update(settingsFor(next));
        }
        logger.info("Scenario {file} reloaded: {rules} rules, counters reset", {
          file: options.scenario,
          rules: next.rules.length,
        });
      },
      onError: (error) => {
        const problems = error instanceof ScenarioError
          ? error.problems.map((p) => formatProblem(error.file, p))
          : [(error as Error).message];
        for (const problem of problems) {
          logger.error("Scenario not reloaded, the previous rules stay: {problem}", {
            problem,
          });
        }
      },
    },
  );
  if (watcher) reloadScenario = () => watcher.reload();
  let http: ControlServer | undefined;
  const release = async () => {
    await http?.close();
    terminalControl?.close();
    await watcher?.close();
    await operator?.close();
    await keyboard?.close();
    await journal?.flush();
    await journalFile?.close();
  };
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
    await release();
    return EXIT.io;
  }
  if (terminalControl && httpAddress) {
    try {
      http = startControlServer(terminalControl, {
        ...httpAddress,
        ...(options.httpToken !== undefined ? { token: options.httpToken } : {}),
        onRequest: (request, response) => logRequest(logger, request, response),
        onError: (error) => {
          logger.error("Control API: unexpected error {error}", {
            error: (error as Error)?.stack ?? String(error),
          });
        },
      });
    } catch (error) {
      const where = `${httpAddress.hostname}:${httpAddress.port}`;
      const why = error instanceof Deno.errors.AddrInUse
        ? `port ${httpAddress.port} is already in use: choose another --http port`
        : error instanceof Deno.errors.AddrNotAvailable
        ? `this machine has no address ${httpAddress.hostname}`
        : (error as Error).message;
      writeStderr(`${NAME}: cannot serve the control API on ${where}: ${why}\n`);
      await simulator.close({ force: true });
      await release();
      return EXIT.io;
    }
    // Before "Listening on": whoever waits for that line has both addresses.
    writeStdout(`Control API and dashboard on ${http.url}\n`);
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
  if (scenario) {
    logger.info("Scenario {file}: {rules} rules", {
      file: options.scenario,
      rules: scenario.rules.length,
    });
    const yielded = SETTING_OPTIONS
      .filter(([, setting]) => setting in scenario!.settings && fromCommandLine.has(setting))
      .map(([option]) => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    if (yielded.length > 0) {
      logger.info("The command line wins over the scenario's {settings}", {
        settings: yielded.join(", "),
      });
    }
  }
  if (engine.magicAmounts) logger.info("Magic amounts on: the amount's last two digits decide", {});
  if (options.interactive) {
    logger.info("Interactive mode: each payment waits for a key at this terminal", {});
  }
  if (http) {
    logger.info("Control API and dashboard on {url}{auth}", {
      url: http.url,
      auth: options.httpToken === undefined
        ? ""
        : " (every request needs the token: a browser opens /?token=TOKEN once)",
    });
  }
  if (hold.active) {
    logger.info("Hold mode: each payment waits for a decision on the dashboard or the API", {});
  }
  if (options.seed !== undefined) logger.info("Seed {seed}", { seed: options.seed });
  if (options.timeScale !== 1) {
    logger.info("Time scale {scale}: every delay and the input time-out are multiplied", {
      scale: options.timeScale,
    });
  }
  if (options.journal !== undefined) {
    logger.info("Journal {file} (run {run})", { file: options.journal, run: journal!.run });
  }
  if (s.fault && s.fault.kind !== "none") {
    logger.info("Fault by default: {fault}, for payments whose outcome names none", {
      fault: describeFault(s.fault),
    });
  }
  if (s.strict) logger.info("Strict: a request with any finding is answered AF=09", {});
  if (options.concurrency !== "parallel") {
    logger.info("Concurrency {mode}: one transaction at a time{rest}", {
      mode: options.concurrency,
      rest: options.concurrency === "queue"
        ? ", the others wait for their turn"
        : ", the others are answered busy (AE=01 AF=07)",
    });
  }

  // No error, however it comes, stops the terminal: log it and keep serving.
  const onUnhandled = (event: PromiseRejectionEvent | ErrorEvent) => {
    event.preventDefault();
    const error = "reason" in event ? event.reason : event.error ?? event.message;
    logger.error("Unexpected error, the terminal keeps running: {error}", {
      error: error instanceof Error ? error.stack ?? error.message : String(error),
    });
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  globalThis.addEventListener("error", onUnhandled);

  const onHangup = () => {
    logger.info("SIGHUP: reading the scenario again", {});
    watcher?.reload();
  };
  if (watcher) addSignal("SIGHUP", onHangup);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) {
        logger.warn("Stopping now, answers in flight are dropped", {});
        simulator.close({ force: true });
        return;
      }
      stopping = true;
      logger.info("{why}: stopping, answers in flight are sent first (again to stop at once)", {
        why,
      });
      // Held payments are answered (input time-out) rather than waited for.
      terminalControl?.close();
      simulator.close().then(resolve);
    };
    const onSigint = () => stop("Interrupted");
    const onSigterm = () => stop("Terminated");
    addSignal("SIGINT", onSigint);
    addSignal("SIGTERM", onSigterm);
    control.signal?.addEventListener("abort", () => stop("Asked to stop"), { once: true });
    interrupt = onSigint;
    simulator.on("close", () => {
      removeSignal("SIGINT", onSigint);
      removeSignal("SIGTERM", onSigterm);
    });
  });
  if (watcher) removeSignal("SIGHUP", onHangup);
  globalThis.removeEventListener("unhandledrejection", onUnhandled);
  globalThis.removeEventListener("error", onUnhandled);
  await release();
  if (journal?.failure) {
    logger.error("The journal could not be written: {error}", { error: journal.failure.message });
  }
  logger.info("Stopped", {});
  return EXIT.ok;
}

/** Reads the scenario of `--scenario`; on failure, reports it and gives the exit code. */
async function readScenario(path: string): Promise<{ scenario: Scenario; text: string } | number> {
  try {
    const text = await Deno.readTextFile(path);
    return { scenario: parseScenario(text, path), text };
  } catch (error) {
    if (error instanceof ScenarioError) {
      for (const problem of error.problems) {
        writeStderr(`${NAME}: ${formatProblem(error.file, problem)}\n`);
      }
      return EXIT.usage;
    }
    if (error instanceof Deno.errors.NotFound) {
      return usageError(NAME, `No scenario file "${path}"`);
    }
    writeStderr(`${NAME}: cannot read the scenario "${path}": ${(error as Error).message}\n`);
    return EXIT.io;
  }
}

/** `--check-scenario`: every problem on standard error, or a summary on standard output. */
async function checkScenario(path: string): Promise<number> {
  const loaded = await readScenario(path);
  if (typeof loaded === "number") return loaded;
  const { scenario } = loaded;
  const settings = Object.keys(scenario.settings).length;
  writeStdout(
    `${path}: valid, ${scenario.rules.length} rule${
      scenario.rules.length === 1 ? "" : "s"
    }, ${settings} setting${settings === 1 ? "" : "s"}${
      scenario.magicAmounts ? ", magic amounts on" : ""
    }\n`,
  );
  return EXIT.ok;
}

/** Logs a request to the control API: changes at info, reads at debug, refusals at warn. */
function logRequest(
  logger: ReturnType<typeof getLogger>,
  request: Request,
  response: Response,
): void {
  const url = new URL(request.url);
  const properties = {
    method: request.method,
    path: url.pathname,
    status: response.status,
  };
  if (response.status >= 400) {
    logger.warn("Control API: {method} {path} refused, {status}", properties);
  } else if (request.method === "GET") {
    logger.debug("Control API: {method} {path}, {status}", properties);
  } else {
    logger.info("Control API: {method} {path}, {status}", properties);
  }
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
