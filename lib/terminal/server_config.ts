/**
 * The command line of `server.ts`, read into a {@linkcode ServerConfig} by
 * {@linkcode parseServerArgs}: the terminal's settings come from the settings table
 * ({@linkcode SETTINGS}), one option each; the others (where to listen, limits, scenario,
 * journal, control API...) are declared here.
 *
 * @module
 */

import {
  decimal,
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
} from "../cli.ts";
import { Command, InvalidArgumentError, Option } from "../deps_startup.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_QUIET_MS } from "../framing.ts";
import type { CliLogLevel, LogFormat } from "../logging.ts";
import { checkFormat } from "../tags.ts";
import type { TerminalSettings } from "./behaviour.ts";
import { FAULT_KINDS, FAULTS, parseFault } from "./fault.ts";
import { checkToken, isLoopback, type ListenAddress, parseListenAddress } from "./http/address.ts";
import { formatMagicAmounts } from "./magic.ts";
import type { Severity } from "../diagnosis/finding.ts";
import { FINDING_CODE_NAMES, FINDING_CODE_SUMMARIES } from "../diagnosis/code_info.ts";
import { formatFromPath, type ReportFormat } from "../diagnosis/report_format.ts";
import { legacyOptions, type SettingRow, SETTINGS, terminalSettings } from "./settings.ts";
import {
  CONCURRENCY_MODES,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_RECORD_TIMEOUT_MS,
} from "./defaults.ts";
import type { Concurrency } from "./simulator.ts";
import { stdinIsTerminal } from "./tty.ts";
import { environmentLanguage, type Language, LANGUAGES } from "../i18n/language.ts";

/** The server's name, in its messages. */
export const SERVER_NAME = "caisse-ap-server";

/**
 * The exit codes of a diagnosis run, besides 0 (stopped cleanly, or the campaign over
 * without a finding at `--fail-on`'s severity), 2 (usage) and 3 (I/O):
 * - `findings` (1): a finding at `--fail-on`'s severity or worse exists;
 * - `campaignTimeout` (4): the campaign was not over within `--campaign-timeout`.
 */
export const DIAGNOSIS_EXIT = Object.freeze({ findings: 1, campaignTimeout: 4 });

/**
 * The default campaign time-out: 30 minutes (a person playing the campaign by hand),
 * times `--time-scale`, at least 60 s (the unscaled pauses of the faults).
 *
 * @param timeScale The time scale.
 * @returns The time-out, in milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCampaignTimeout } from "./server_config.ts";
 * assert.equal(defaultCampaignTimeout(1), 1_800_000);
 * assert.equal(defaultCampaignTimeout(0.01), 60_000);
 * ```
 */
export function defaultCampaignTimeout(timeScale: number): number {
  return Math.max(60_000, 1_800_000 * timeScale);
}

/** What the command line of `server.ts` asks for. */
export interface ServerConfig {
  /** Address to listen on. */
  host: string;
  /** Port to listen on; 0: a free one. */
  port: number;
  /** The terminal's settings from the command line, defaults included. */
  settings: TerminalSettings;
  /** The keys of the settings typed on the command line: a scenario's yield to them. */
  givenSettings: ReadonlySet<string>;
  /** `true` with `--magic-amounts`; otherwise as the scenario says. */
  magicAmounts?: boolean;
  /** Start in hold mode. */
  hold: boolean;
  /** Silence that ends a request not known to be whole yet, in milliseconds. */
  quietMs: number;
  /** Always wait for the quiet period. */
  waitQuiet: boolean;
  /** Keep the connection open after an answer. */
  keepOpen: boolean;
  /** Time a connection may take to send a whole request, in milliseconds. */
  idleTimeoutMs: number;
  /** Silence inside a record that cuts the request short, in milliseconds. */
  recordTimeoutMs: number;
  /** Largest request accepted, in bytes. */
  maxBytes: number;
  /** Most connections open at once. */
  maxConnections: number;
  /** How overlapping transactions are served. */
  concurrency: Concurrency;
  /** The scenario file, if any. */
  scenario?: string;
  /** Check this scenario file and exit. */
  checkScenario?: string;
  /** The journal file, if any. */
  journal?: string;
  /** A person at the keyboard decides. */
  interactive: boolean;
  /** The seed of the random draws, if any. */
  seed?: number;
  /** Multiplies every delay and the input time-out. */
  timeScale: number;
  /** Where to serve the control API and the dashboard, if anywhere. */
  http?: ListenAddress;
  /** The token every request to the control API must carry. */
  httpToken?: string;
  /** The log level. */
  logLevel: CliLogLevel;
  /** The log format. */
  logFormat: LogFormat;
  /** Watch the POS and report findings (`--no-diagnosis` turns it off). */
  diagnosis: boolean;
  /** The campaign: `standard`, or a campaign file. */
  campaign?: string;
  /**
   * With `--fail-on`: how long the campaign may take, in milliseconds (see
   * {@linkcode defaultCampaignTimeout}).
   */
  campaignTimeoutMs?: number;
  /** Where to write the report when the server stops, and its format by the extension. */
  report?: { file: string; format: ReportFormat };
  /** Exit 1 when a finding at this severity or worse exists; with a campaign, exit when it is over. */
  failOn?: Exclude<Severity, "info">;
  /** Forward mode (`--forward`): its options, when on. */
  forward?: ForwardConfig;
  /**
   * The language of the words meant for people (`--lang`, default the environment's):
   * the diagnosis reports' HTML and Markdown. Logs, JSON and the journal stay the same.
   */
  lang?: Language;
}

/** Forward mode's options: see lib/terminal/FORWARD.md. */
export interface ForwardConfig {
  /** The real terminal (`--forward HOST:PORT`). */
  upstream: { hostname: string; port: number };
  /** `simulate` (`--forward-fallback simulate`): the simulator answers when it cannot be reached. */
  fallback?: "simulate";
  /** Mask card numbers (off with `--no-mask`). */
  mask: boolean;
  /** `--allow-faults-upstream`: `--fault` applies to the real terminal's answers. */
  allowFaults: boolean;
  /** `--record FILE`: the scenario written as the session goes. */
  record?: string;
}

/** What reading the command line gave: a configuration, or the exit code to end with. */
export type ParsedServerArgs =
  | { readonly config: ServerConfig; readonly exit?: undefined }
  | { readonly config?: undefined; readonly exit: number };

/** commander's parser of a setting's value on the command line, by the type of its row. */
function settingParser(row: SettingRow): ((value: string) => unknown) | undefined {
  const type = row.type;
  switch (type.kind) {
    case "word":
      return oneOf(type.words);
    case "seconds":
      return seconds(type.max, { positive: type.positive });
    case "integer":
      return integer(row.what, type.min, type.max);
    case "fault":
      return (value: string) => {
        try {
          return parseFault(value);
        } catch (error) {
          throw new InvalidArgumentError(`${(error as Error).message}.`);
        }
      };
    default:
      return undefined;
  }
}

/** The option of a setting, from its row. */
function settingOption(row: SettingRow): Option {
  const option = new Option(row.option.flags, row.help);
  const parse = settingParser(row);
  if (parse) option.argParser(parse);
  if (row.default !== undefined) option.default(row.default, row.option.defaultLabel);
  return option;
}

/** The options that are not settings, in the order of the help. */
function otherOptions(): Option[] {
  return [
    new Option(
      "--quiet-period <ms>",
      "silence that ends a request which is not known to be whole yet",
    ).default(DEFAULT_QUIET_MS).argParser(integer("milliseconds", 0, 60_000)),
    new Option(
      "--wait-quiet",
      "always wait for the quiet period (by default a request holding every mandatory record is answered at once)",
    ),
    new Option("--keep-open", "keep the connection open after an answer (default: close it)"),
    new Option("--idle-timeout <seconds>", "time a connection may take to send a whole request")
      .default(DEFAULT_IDLE_TIMEOUT_MS, "60").argParser(seconds(86_400)),
    new Option(
      "--record-timeout <seconds>",
      "silence inside a record after which the request is answered as cut short (AF=09)",
    ).default(DEFAULT_RECORD_TIMEOUT_MS, "5").argParser(seconds(3600)),
    new Option("--max-message <bytes>", "largest request accepted")
      .default(DEFAULT_MAX_BYTES).argParser(integer("bytes", 64, 16 * 1024 * 1024)),
    new Option(
      "--max-connections <count>",
      "most connections open at once; beyond it, a new connection is closed at once and logged",
    ).default(DEFAULT_MAX_CONNECTIONS).argParser(integer("connections", 1, 100_000)),
    new Option(
      "--concurrency <mode>",
      "overlapping transactions: parallel (each at once), queue (one at a time, in order), busy (one at a time, the others answered AE=01 AF=07)",
    ).default("parallel").argParser(oneOf(CONCURRENCY_MODES)),
    new Option(
      "--scenario <file>",
      "YAML scenario: settings and rules choosing each answer (see lib/scenarios/); reloaded when the file changes or on SIGHUP",
    ),
    new Option(
      "--check-scenario <file>",
      "check a scenario file and exit: 0 valid, 2 not (every problem with its line and column)",
    ),
    new Option(
      "--journal <file>",
      "append every transaction to this JSON Lines file, written to disk before the answer is sent",
    ),
    new Option(
      "--interactive",
      "a person at this terminal decides each payment (keys shown with each request); needs a TTY",
    ),
    new Option(
      "--http <[host:]port>",
      "serve the control API and the dashboard on this port (127.0.0.1 unless a host is given; 0 picks a free one)",
    ),
    new Option(
      "--http-token <token>",
      "every request to --http must carry this token (Authorization: Bearer); required to listen on an address other than 127.0.0.1",
    ),
    new Option(
      "--seed <number>",
      "draw authorisation numbers, cards, AIDs, expiry months and random delays from this seed: same requests, same answers",
    ).argParser(integer("seed", 0, 4_294_967_295)),
    new Option(
      "--time-scale <factor>",
      "multiply every delay and the input time-out (0.01 runs 180 s in 1.8 s)",
    ).default(1).argParser(decimal("factor", 0, 1000)),
    new Option(
      "--no-diagnosis",
      "do not watch the POS (no findings, no campaign): the load benchmark's bare server",
    ),
    new Option(
      "--campaign <standard|file>",
      "play a campaign: each register's Nth debit or credit gets the Nth case (standard: the built-in one; or a YAML file, see lib/diagnosis/README.md)",
    ),
    new Option(
      "--campaign-timeout <seconds>",
      "with --fail-on: end a campaign not over by then, report written, exit code 4 (default: 1800 x --time-scale, at least 60)",
    ).argParser(seconds(7 * 86_400, { positive: true })),
    new Option(
      "--report <file>",
      "write the diagnosis report when the server stops, atomically: .xml (JUnit), .html, .json or .md",
    ),
    new Option(
      "--fail-on <severity>",
      "exit code 1 when a finding at this severity or worse exists: money, failure, warning; with --campaign, stop when it is over",
    ).argParser(oneOf(["money", "failure", "warning"])),
    logLevelOption("info"),
    logFormatOption(),
    ...forwardOptions(),
    new Option(
      "--lang <language>",
      "language of the words for people (reports): en or fr (default: from LC_ALL, LC_MESSAGES, LANG)",
    ).argParser(oneOf(LANGUAGES)),
  ];
}

/** The options of forward mode (lib/terminal/FORWARD.md). */
function forwardOptions(): Option[] {
  return [
    new Option(
      "--forward <host:port>",
      "forward mode: sit between the POS and the real terminal at this address, forward every byte unchanged, journal and diagnose both directions",
    ),
    new Option(
      "--forward-fallback <mode>",
      "with --forward: when the terminal cannot be reached, simulate (the simulator answers); by default the POS connection is closed",
    ).argParser(oneOf(["simulate"])),
    new Option(
      "--no-mask",
      "with --forward: do not mask card numbers in the log, the journal, the API and the recording (a warning is logged)",
    ),
    new Option(
      "--allow-faults-upstream",
      "with --forward: let --fault change the real terminal's answers (real payments may be affected)",
    ),
    new Option(
      "--record <file>",
      "with --forward: write what the real terminal does as a scenario (YAML) that --scenario replays",
    ),
  ];
}

/**
 * Reads the address of `--forward`: `HOST:PORT`, `[IPv6]:PORT`.
 *
 * @param text The option's value.
 * @returns The address.
 * @throws {RangeError} When it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseUpstream } from "./server_config.ts";
 * assert.deepEqual(parseUpstream("192.168.1.50:8888"), { hostname: "192.168.1.50", port: 8888 });
 * ```
 */
export function parseUpstream(text: string): { hostname: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):([0-9]{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new RangeError(
      `Invalid --forward address "${text}": expected HOST:PORT, such as 192.168.1.50:8888 or [fe80::1]:8888`,
    );
  }
  return { hostname: match[1] ?? match[2], port };
}

/** Faults that decide in the terminal's place: they cannot apply to a real terminal's answer. */
const NOT_UPSTREAM_FAULTS: readonly string[] = ["busy", "refuse-connections"];

/** Forward mode's options read, or what is wrong with them. */
function readForward(values: Values, config: ServerConfig): ForwardConfig | string | undefined {
  const forward = values.forward as string | undefined;
  if (forward === undefined) {
    for (const [key, name] of FORWARD_ONLY) {
      if (values[key] !== undefined && values[key] !== false) {
        return `${name} goes with --forward HOST:PORT`;
      }
    }
    if (values.mask === false) return "--no-mask goes with --forward HOST:PORT";
    return undefined;
  }
  let upstream;
  try {
    upstream = parseUpstream(forward);
  } catch (error) {
    return (error as Error).message;
  }
  const fallback = values.forwardFallback as "simulate" | undefined;
  const allowFaults = values.allowFaultsUpstream === true;
  const fault = config.settings.fault;
  if (fault && fault.kind !== "none") {
    if (!allowFaults) {
      return `--fault ${fault.kind} in forward mode changes the real terminal's answers: give --allow-faults-upstream too (real payments may be affected)`;
    }
    if (NOT_UPSTREAM_FAULTS.includes(fault.kind)) {
      return `--fault ${fault.kind} answers in the terminal's place: it cannot apply to a real terminal's answers`;
    }
  }
  if (!fallback && (config.hold || config.interactive)) {
    return `--${
      config.hold ? "hold" : "interactive"
    } decides in the terminal's place: in forward mode it needs --forward-fallback simulate`;
  }
  return {
    upstream,
    ...(fallback ? { fallback } : {}),
    mask: values.mask !== false,
    allowFaults,
    ...(values.record !== undefined ? { record: values.record as string } : {}),
  };
}

/** The options that only go with --forward, by attribute name. */
const FORWARD_ONLY: readonly [string, string][] = [
  ["forwardFallback", "--forward-fallback"],
  ["allowFaultsUpstream", "--allow-faults-upstream"],
  ["record", "--record"],
];

/**
 * The command of `server.ts`: its options (the settings' from {@linkcode SETTINGS}) and
 * its help.
 *
 * @returns The command, ready for {@linkcode parseCommandLine}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverCommand } from "./server_config.ts";
 * assert.ok(serverCommand().options.some((option) => option.long === "--strict"));
 * ```
 */
export function serverCommand(): Command {
  const command = prepareCommand(new Command(SERVER_NAME))
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
      ).default("0.0.0.0"),
    );
  for (const row of SETTINGS) command.addOption(settingOption(row));
  for (const option of otherOptions()) command.addOption(option);
  return command.addHelpText("after", helpAfter());
}

/** The help after the options: answers, who decides, faults, magic amounts, examples. */
function helpAfter(): string {
  const name = SERVER_NAME;
  return `
Answers, as the reference Python simulator's: the request's records, CZ first, then
  success, card    AE=10 CC CI AC AA AI AB CF CG, after --duration
  success, cheque  AE=10 (the request had CC=00C), after --duration
  --failure        AE=01 and AF from --failure-type (AF=04 for a cheque), after --duration
  BA=1             AE=11, at once
  missing record   AE=01 AF=09, at once (also for a malformed frame)
  unknown CD, CE   AE=01 AF=12, AF=13, at once
  CD=I             AE=10 with --terminal-id as CJ, at once (identification)

With --campaign, --scenario, --magic-amounts, --interactive or --http, who decides a
debit, credit or cancellation: the campaign's case (--campaign: the register's Nth debit
or credit gets the Nth case), then an outcome queued through the API, then the first
matching rule of the scenario, then the magic amounts, then the person (--interactive) or the dashboard and
the API in hold mode (whoever decides first), then the options above. A scenario's
settings yield to the options given on the command line.

The control API and the dashboard (--http): see lib/terminal/http/README.md. The address
is printed on standard output ("Control API and dashboard on http://...").

Faults (--fault, or a rule's outcome: { fault: ... }), durations in seconds:
${formatFaultHelp()}

Magic amounts (--magic-amounts), by the last two digits of the amount in minor units:
${formatMagicAmounts().map((line) => `  ${line}`).join("\n")}
  other endings: as without --magic-amounts (approved unless --failure)

Examples:
  ${name}                              approve everything after 3 s, port 8888
  ${name} -p 9000 -d 0.5               port 9000, answer after half a second
  ${name} -f --failure-type refused    refuse every card (AF=04)
  ${name} -f -ft timeout -d 10         the reference tool's spellings work too
  ${name} --host 127.0.0.1 -p 0        local only, on a free port (logged at start)
  ${name} --magic-amounts -d 0         12.04 EUR is refused, 12.08 times out...
  ${name} --scenario lib/scenarios/bad_day.yaml --time-scale 0.01 --seed 7
  ${name} --check-scenario my.yaml     check a scenario file, then exit
  ${name} --journal tx.jsonl           record every transaction
  ${name} --interactive                decide each payment at the keyboard
  ${name} --fault approve-then-drop    approve every payment, never deliver the answer
  ${name} --fault split-answer:segments=3,gap=1  each answer in 3 pieces, 1 s apart
  ${name} --concurrency busy           one sale at a time, like a real terminal
  ${name} --http 8080 --hold           decide each payment at http://127.0.0.1:8080/
  ${name} --http 0.0.0.0:8080 --http-token "$(openssl rand -hex 16)"
  ${name} --campaign standard --http 8080   diagnose a POS by hand, on the dashboard
  ${name} --campaign standard --fail-on money --report pos.xml --time-scale 0.01
                                          in CI: exit 1 on a money-losing defect

Diagnosis (on unless --no-diagnosis): the simulator watches each POS and logs a warning
per new finding, with a stable code (lib/diagnosis/README.md):
${formatCodeHelp()}

Forward mode (--forward HOST:PORT, see lib/terminal/FORWARD.md): sit between the POS
and a real terminal; every byte goes through unchanged, both directions are decoded,
journaled and diagnosed, card numbers masked (unless --no-mask). The terminal answers,
never the tap: when it cannot be reached the POS connection is closed, unless
--forward-fallback simulate. --record FILE writes a scenario that --scenario replays.
  ${name} --forward 192.168.1.50:8888 -p 8888 --http 8080 --journal shop.jsonl
  ${name} --forward 192.168.1.50:8888 --record desk.yaml

The address listened on is printed on standard output; logs go to standard error. Stop with Ctrl-C: answers in flight are sent first; a second
Ctrl-C stops at once. Exit codes: 0 stopped cleanly (or a valid --check-scenario), 1 a
finding at --fail-on's severity or worse, 2 bad command line, scenario or campaign file,
3 cannot listen (either port), write the journal or the report, 4 the campaign was not
over within --campaign-timeout.`;
}

/** The finding codes, for the help. */
function formatCodeHelp(): string {
  return FINDING_CODE_NAMES.map((code) =>
    `  ${code.padEnd(26)} ${FINDING_CODE_SUMMARIES[code].severity.padEnd(8)} ${
      FINDING_CODE_SUMMARIES[code].summary
    }`
  ).join("\n");
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

/** The options as commander gives them, under their attribute names. */
type Values = Record<string, unknown>;

/**
 * Reads the command line of `server.ts` into a configuration, checking what commander
 * cannot (record formats, options that go together). Pure but for its messages: the
 * help, the version or a usage error (in one line) are written as the program would.
 *
 * @param args The command line, without the program's name.
 * @param environment `stdinIsTerminal`: whether a person can type (`--interactive`).
 * Default: whether standard input is a terminal. `language`: the language without
 * `--lang`; default the environment's (`LC_ALL`, `LC_MESSAGES`, `LANG`).
 * @returns The configuration, or the exit code: 0 after `--help` or `--version`, 2 after
 * a usage error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServerArgs } from "./server_config.ts";
 * const { config } = parseServerArgs(["-f", "-ft", "refused", "-d", "0.5"]);
 * assert.deepEqual([config?.settings.failureType, config?.settings.delayMs], ["refused", 500]);
 * assert.equal(config?.givenSettings.has("duration"), true);
 * ```
 */
export function parseServerArgs(
  args: readonly string[],
  environment: { stdinIsTerminal?: () => boolean; language?: () => Language } = {},
): ParsedServerArgs {
  const command = serverCommand();
  const exit = parseCommandLine(command, expandLegacyOptions(args, legacyOptions()));
  if (exit !== undefined) return { exit };
  const values = command.opts<Values>();
  const attribute = (key: string) => command.options.find((o) => o.long === `--${key}`)!;
  const value = (key: string) => values[attribute(key).attributeName()];
  const given = new Set(
    SETTINGS.filter((row) =>
      command.getOptionValueSource(attribute(row.key).attributeName()) === "cli"
    ).map((row) => row.key),
  );
  const byField = Object.fromEntries(SETTINGS.map((row) => [row.field, value(row.key)]));
  const config: ServerConfig = {
    host: values.host as string,
    port: values.port as number,
    settings: terminalSettings(byField),
    givenSettings: given,
    ...(byField.magicAmounts ? { magicAmounts: true } : {}),
    hold: byField.hold === true,
    quietMs: values.quietPeriod as number,
    waitQuiet: values.waitQuiet === true,
    keepOpen: values.keepOpen === true,
    idleTimeoutMs: values.idleTimeout as number,
    recordTimeoutMs: values.recordTimeout as number,
    maxBytes: values.maxMessage as number,
    maxConnections: values.maxConnections as number,
    concurrency: values.concurrency as Concurrency,
    interactive: values.interactive === true,
    timeScale: values.timeScale as number,
    logLevel: values.logLevel as CliLogLevel,
    logFormat: values.logFormat as LogFormat,
    lang: (values.lang as Language | undefined) ??
      (environment.language ?? environmentLanguage)(),
    ...optional(values, ["scenario", "checkScenario", "journal", "seed", "httpToken"]),
    diagnosis: values.diagnosis !== false,
    ...optional(values, ["campaign", "failOn"]),
  };
  const diagnosisProblem = readDiagnosisOptions(config, values);
  if (diagnosisProblem) return { exit: usageError(SERVER_NAME, diagnosisProblem) };
  if (config.checkScenario !== undefined) return { config };
  const problem = checkSettings(SETTINGS.map((row) => [row, value(row.key)]));
  if (problem) return { exit: usageError(SERVER_NAME, problem) };
  const http = values.http as string | undefined;
  if (http !== undefined) {
    try {
      config.http = parseListenAddress(http);
    } catch (error) {
      // "Invalid address "x": expected..." becomes "Invalid --http address "x": expected...".
      return {
        exit: usageError(
          SERVER_NAME,
          (error as Error).message.replace(/^Invalid address/, "Invalid --http address"),
        ),
      };
    }
  }
  const conflict = checkCombination(
    config,
    http,
    environment.stdinIsTerminal ?? stdinIsTerminal,
  );
  if (conflict) return { exit: usageError(SERVER_NAME, conflict) };
  const forward = readForward(values, config);
  if (typeof forward === "string") return { exit: usageError(SERVER_NAME, forward) };
  if (forward) config.forward = forward;
  return { config };
}

/** The diagnosis's options: the report's format, what goes with what. */
function readDiagnosisOptions(config: ServerConfig, values: Values): string | undefined {
  const report = values.report as string | undefined;
  if (report !== undefined) {
    try {
      config.report = { file: report, format: formatFromPath(report) };
    } catch (error) {
      return (error as Error).message.replace(/^Unknown report format of/, "Invalid --report");
    }
  }
  const timeout = values.campaignTimeout as number | undefined;
  if (!config.diagnosis) {
    const needing = ["campaign", "report", "failOn"].find((name) => values[name] !== undefined);
    if (needing) {
      return `--no-diagnosis leaves nothing for --${
        needing.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      }`;
    }
  }
  if (timeout !== undefined && config.campaign === undefined) {
    return "--campaign-timeout goes with --campaign";
  }
  if (config.campaign !== undefined && config.failOn !== undefined) {
    config.campaignTimeoutMs = timeout ?? defaultCampaignTimeout(config.timeScale);
  } else if (timeout !== undefined) {
    return "--campaign-timeout goes with --fail-on: without it, the campaign never ends the server";
  }
  return undefined;
}

/** The checks commander cannot make on the settings' values: lengths and record formats. */
function checkSettings(values: readonly [SettingRow, unknown][]): string | undefined {
  for (const [row, value] of values) {
    if (row.type.kind !== "tag" || typeof value !== "string") continue;
    const length = row.type.length;
    if (length && (value.length < length.min || value.length > length.max)) {
      return `--${row.key} must be ${length.min} to ${length.max} characters, not ${value.length}`;
    }
  }
  for (const [row, value] of values) {
    if (row.type.kind !== "tag" || typeof value !== "string") continue;
    const problem = checkFormat(row.type.tag, value);
    if (problem) return `Invalid --${row.key} "${value}": ${problem}`;
  }
  return undefined;
}

/** The options that go together, or exclude each other. */
function checkCombination(
  config: ServerConfig,
  http: string | undefined,
  isTerminal: () => boolean,
): string | undefined {
  if (config.http) {
    if (config.httpToken === undefined && !isLoopback(config.http.hostname)) {
      return `--http ${http} opens the control API beyond this machine: give --http-token TOKEN too (every request must then carry it)`;
    }
  } else if (config.httpToken !== undefined) {
    return "--http-token goes with --http";
  } else if (config.hold) {
    return "--hold needs --http: held payments are decided on the dashboard or through the API";
  }
  if (config.hold && config.timeScale === 0) {
    return "--time-scale 0 leaves no time to decide in --hold mode";
  }
  if (config.httpToken !== undefined) {
    const problem = checkToken(config.httpToken);
    if (problem) return `Invalid --http-token: ${problem.replace(/^The/, "the")}`;
  }
  if (config.interactive) {
    if (!isTerminal()) {
      return "--interactive needs a person at a terminal, and standard input is not one (use --scenario or --magic-amounts to choose answers without one)";
    }
    if (config.timeScale === 0) {
      return "--time-scale 0 leaves no time to decide in --interactive mode";
    }
  }
  return undefined;
}

/** The options given among `names`, without the others. */
function optional(values: Values, names: readonly string[]): Partial<ServerConfig> {
  return Object.fromEntries(
    names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]),
  );
}
