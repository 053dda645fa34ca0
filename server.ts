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

// Only what reading the options needs is imported here, so that --help stays quick; the
// rest is loaded once the options say what is needed, with `import()` of fixed paths (so
// that `deno compile` and a run from a URL find them): the terminal at launch, the YAML
// reader with --scenario, the journal file with --journal, the control API with --http,
// forward mode's tap with --forward; the diagnosis after listening (or at once with a
// campaign, which decides).
import { EXIT, usageError, VERSION, writeStderr, writeStdout } from "./lib/cli.ts";
import { formatHostPort } from "./lib/net.ts";
import { cryptoRandom, seededRandom } from "./lib/random.ts";
import type { Terminal, TerminalConfig } from "./lib/terminal/assemble_core.ts";
import type { ControlServer } from "./lib/terminal/http/serve.ts";
import type { Operator } from "./lib/terminal/interactive.ts";
import type { JournalFile } from "./lib/terminal/journal_file.ts";
import type { SimulatorLogger } from "./lib/terminal/log_core.ts";
import type { Scenario } from "./lib/terminal/scenario.ts";
import type { ForwardTransaction } from "./lib/terminal/forward_exchange.ts";
import type { ScenarioRecorder } from "./lib/terminal/record.ts";
import type { Transaction } from "./lib/terminal/simulator.ts";
import type { Campaign } from "./lib/diagnosis/campaign.ts";
import type { RunInfo } from "./lib/diagnosis/report.ts";
import {
  DIAGNOSIS_EXIT,
  parseServerArgs,
  SERVER_NAME as NAME,
  type ServerConfig,
} from "./lib/terminal/server_config.ts";
import { overriddenSettings } from "./lib/terminal/settings.ts";
import type { StartFacts } from "./lib/terminal/startup_log.ts";
import type { Keyboard } from "./lib/terminal/tty.ts";
import type { BufferedLogger } from "./lib/log_buffer.ts";

/**
 * Runs the terminal simulator until it is stopped by SIGINT or SIGTERM, or by `signal`.
 *
 * @param args The command-line arguments (without the program name).
 * @param control `signal` stops the simulator as SIGTERM would (for tests).
 * @returns The exit code: 0 stopped cleanly (or a valid `--check-scenario`), 1 a finding
 * at `--fail-on`'s severity or worse, 2 usage error or invalid scenario or campaign, 3
 * cannot listen, open the journal or write the report, 4 the campaign was not over within
 * `--campaign-timeout`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./server.ts";
 * assert.equal(await main(["--check-scenario", "lib/scenarios/ci_smoke.yaml"]), 0); // valid
 * assert.equal(await main(["--duration", "-1"]), 2); // usage error, on standard error
 * // main(["--port", "8888"], { signal }) serves until SIGINT, SIGTERM or the signal aborts.
 * ```
 */
export async function main(
  args: string[],
  control: { signal?: AbortSignal } = {},
): Promise<number> {
  const parsed = parseServerArgs(args);
  if (parsed.exit !== undefined) return parsed.exit;
  const config = parsed.config;
  if (config.checkScenario !== undefined) return await checkScenario(config.checkScenario);
  const loaded = config.scenario === undefined ? undefined : await readScenario(config.scenario);
  if (typeof loaded === "number") return loaded;
  const modules = await loadModules(config);
  const campaign = config.campaign === undefined ? undefined : await readCampaign(config.campaign);
  if (typeof campaign === "number") return campaign;
  // The log is kept until LogTape is loaded, after listening: see connectLogs.
  const logger = new modules.BufferedLogger(config.logLevel);
  const connectLogs = () => connectLogTape(config, logger);
  // Ctrl-C in interactive mode, where the keyboard is in raw mode and sends no SIGINT.
  const interrupts = new EventTarget();
  const sinks = await openSinks(config, interrupts);
  if (typeof sinks === "number") return sinks;
  const terminal = modules.assembleTerminal({
    ...await terminalConfig(config, loaded, sinks.journalFile, sinks.operator, logger),
    ...(config.diagnosis
      ? { diagnosis: { ...(campaign ? { campaign } : {}), tool: `caisse-ap ${VERSION}` } }
      : {}),
  }, modules.parts);
  modules.logSimulator(terminal.simulator, logger);
  if (sinks.recorder) recordTap(terminal.simulator, sinks.recorder);
  if (terminal.control) modules.logControl(terminal.control, logger);
  if (terminal.watch) modules.logFindings(terminal.watch, logger);
  // Listens to the watch made late before it folds what was captured before it.
  terminal.lazyWatch?.use((watch) => modules.logFindings(watch, logger));
  const release = async (http?: ControlServer) => {
    await http?.close();
    await terminal.close();
    await sinks.close();
  };
  const started = await listen(config, terminal, logger);
  if (typeof started === "number") {
    await connectLogs();
    await release();
    return started;
  }
  // LogTape and the diagnosis, after "Listening on" (with --http, the diagnosis before
  // the control API served).
  await Promise.all([connectLogs(), terminal.lazyWatch?.load()]);
  const { logStart } = await import("./lib/terminal/startup_log.ts");
  logStart(logger, startFacts(config, terminal, loaded?.scenario, started.http));
  const stops = new AbortController();
  control.signal?.addEventListener("abort", () => stops.abort("Asked to stop"), { once: true });
  if (control.signal?.aborted) stops.abort("Asked to stop");
  const ending = endCampaign(config, terminal, stops, logger);
  await runUntilStopped(terminal, logger, { signal: stops.signal, interrupts });
  ending.cancel();
  await release(started.http);
  reportWriteFailures(terminal, sinks.recorder, logger);
  const code = await finishDiagnosis(config, terminal, ending.how(), logger);
  logger.info("Stopped", {});
  return code;
}

/** The modules a launch needs, loaded once the options are read (see the top). */
async function loadModules(config: ServerConfig) {
  const [
    { BufferedLogger },
    { assembleTerminal },
    { logControl, logFindings, logSimulator },
    watchModule,
    forwardModule,
  ] = await Promise.all([
    import("./lib/log_buffer.ts"),
    import("./lib/terminal/assemble_core.ts"),
    import("./lib/terminal/log_core.ts"),
    // A campaign decides: its watch is made at once. Without one, after listening.
    config.diagnosis && config.campaign !== undefined
      ? import("./lib/terminal/watch.ts")
      : undefined,
    config.forward ? import("./lib/terminal/forward.ts") : undefined,
  ]);
  return {
    BufferedLogger,
    assembleTerminal,
    logControl,
    logFindings,
    logSimulator,
    parts: {
      ...(watchModule ? { watch: watchModule } : {}),
      ...(forwardModule ? { forward: forwardModule } : {}),
    },
  };
}

/** Loads LogTape, configures it, and writes the lines the buffered logger kept. */
async function connectLogTape(
  config: ServerConfig,
  logger: BufferedLogger,
): Promise<void> {
  const [{ setupLogging, writtenAt }, { getLogger }] = await Promise.all([
    import("./lib/logging.ts"),
    import("./lib/deps_logging.ts"),
  ]);
  setupLogging({ level: config.logLevel, format: config.logFormat });
  logger.connect(getLogger(["caisse-ap", "terminal"]), writtenAt);
}

/**
 * What the terminal writes to or reads from besides the network: the journal file, the
 * keyboard and its operator, the recording; on failure, what was opened is closed and
 * the exit code is given.
 */
async function openSinks(config: ServerConfig, interrupts: EventTarget): Promise<
  | {
    journalFile?: JournalFile;
    keyboard?: Keyboard;
    operator?: Operator;
    recorder?: ScenarioRecorder;
    close(): Promise<void>;
  }
  | number
> {
  const journalFile = config.journal === undefined ? undefined : await openJournal(config.journal);
  if (typeof journalFile === "number") return journalFile;
  const { keyboard, operator } = config.interactive
    ? await openOperator(config, () => interrupts.dispatchEvent(new Event("interrupt")))
    : {};
  const recorder = config.forward?.record === undefined
    ? undefined
    : await openRecorder(config.forward.record, formatHostPort(config.forward.upstream));
  if (typeof recorder === "number") {
    await operator?.close();
    await keyboard?.close();
    await journalFile?.close();
    return recorder;
  }
  return {
    ...(journalFile ? { journalFile } : {}),
    ...(keyboard ? { keyboard } : {}),
    ...(operator ? { operator } : {}),
    ...(recorder ? { recorder } : {}),
    async close() {
      await operator?.close();
      await keyboard?.close();
      await journalFile?.close();
      await recorder?.flush();
    },
  };
}

/** Says, once stopped, what could not be written: the journal, the recording. */
function reportWriteFailures(
  terminal: Terminal,
  recorder: ScenarioRecorder | undefined,
  logger: SimulatorLogger,
): void {
  if (terminal.journal?.failure) {
    logger.error("The journal could not be written: {error}", {
      error: terminal.journal.failure.message,
    });
  }
  if (recorder?.failure) {
    logger.error("The recording could not be written: {error}", {
      error: recorder.failure.message,
    });
  }
}

/**
 * With `--fail-on` and a campaign: stops the server when the campaign is over, or at
 * its time-out.
 */
function endCampaign(
  config: ServerConfig,
  terminal: Terminal,
  stops: AbortController,
  logger: SimulatorLogger,
): { cancel(): void; how(): RunInfo["ended"] } {
  let ended: RunInfo["ended"] = "stopped";
  const watch = terminal.watch;
  if (!watch?.campaign || config.failOn === undefined) {
    return { cancel() {}, how: () => ended };
  }
  const off = watch.on("campaign-over", () => {
    if (stops.signal.aborted) return;
    ended = "over";
    stops.abort("Campaign over");
  });
  const timer = setTimeout(() => {
    if (stops.signal.aborted) return;
    ended = "timeout";
    const unreached = watch.campaign!.unreached();
    logger.error("Campaign time-out: not over after {timeout}; cases never reached: {cases}", {
      timeout: `${config.campaignTimeoutMs! / 1000} s`,
      cases: unreached.map((u) =>
        `${u.pos ? `register ${u.pos.register} of ${u.pos.address}: ` : ""}${u.cases.join(", ")}`
      ).join("; "),
    });
    stops.abort("Campaign time-out");
  }, config.campaignTimeoutMs);
  return {
    cancel() {
      off();
      clearTimeout(timer);
    },
    how: () => ended,
  };
}

/**
 * Writes the report (`--report`, atomically: a temporary file renamed) and gives the
 * exit code: 4 after the campaign time-out, 1 with a finding at `--fail-on`'s severity
 * or worse, 3 when the report cannot be written, 0 otherwise.
 */
async function finishDiagnosis(
  config: ServerConfig,
  terminal: Terminal,
  ended: RunInfo["ended"],
  logger: SimulatorLogger,
): Promise<number> {
  const watch = terminal.watch;
  if (!watch) return EXIT.ok;
  const [{ renderReport }, { severityRank, shouldFail }] = await Promise.all([
    import("./lib/diagnosis/report.ts"),
    import("./lib/diagnosis/finding.ts"),
  ]);
  const data = watch.report({
    ended,
    settings: {
      "time-scale": config.timeScale,
      "input-timeout": terminal.simulator.settings.inputTimeoutMs / 1000,
      "no-answer-limit": watch.noAnswerLimitMs / 1000,
      "resend-window": watch.diagnosis.settings.resendWindowMs / 1000,
      "duplicate-window": watch.diagnosis.settings.duplicateWindowMs / 1000,
      "partial-window": watch.diagnosis.settings.partialWindowMs / 1000,
      ...(config.failOn ? { "fail-on": config.failOn } : {}),
    },
  });
  if (config.report) {
    const { file, format } = config.report;
    const temporary = `${file}.${Deno.pid}.tmp`;
    try {
      await Deno.writeTextFile(temporary, renderReport(data, format, config.lang));
      await Deno.rename(temporary, file);
      logger.info("Report {file}: {findings} findings", { file, findings: data.findings.length });
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      writeStderr(`${NAME}: cannot write the report "${file}": ${(error as Error).message}\n`);
      return EXIT.io;
    }
  }
  if (ended === "timeout") return DIAGNOSIS_EXIT.campaignTimeout;
  if (config.failOn && shouldFail(data.findings, config.failOn)) {
    logger.error("Exit code 1: {count} findings at {severity} or worse", {
      count: data.findings.filter((f) => severityRank(f.severity) >= severityRank(config.failOn!))
        .length,
      severity: config.failOn,
    });
    return DIAGNOSIS_EXIT.findings;
  }
  return EXIT.ok;
}

/** `--interactive`: the keyboard in raw mode, and the person at it. */
async function openOperator(
  config: ServerConfig,
  onInterrupt: () => void,
): Promise<{ keyboard?: Keyboard; operator?: Operator }> {
  const [{ openKeyboard }, { Operator }] = await Promise.all([
    import("./lib/terminal/tty.ts"),
    import("./lib/terminal/interactive.ts"),
  ]);
  const keyboard = openKeyboard(onInterrupt);
  const operator = new Operator({ keys: keyboard.keys, write: writeStderr }, {
    timeScale: config.timeScale,
  });
  return { keyboard, operator };
}

/** Opens the recording of `--record`; on failure, reports it and gives exit code 3. */
async function openRecorder(path: string, upstream: string): Promise<ScenarioRecorder | number> {
  try {
    const { ScenarioRecorder } = await import("./lib/terminal/record.ts");
    return await ScenarioRecorder.open(path, { upstream });
  } catch (error) {
    writeStderr(`${NAME}: cannot write the recording "${path}": ${(error as Error).message}\n`);
    return EXIT.io;
  }
}

/** Records what the real terminal answered (not the fallback simulator's answers). */
function recordTap(simulator: Terminal["simulator"], recorder: ScenarioRecorder): void {
  const add = ({ detail }: CustomEvent<Transaction>) => {
    if ((detail as Partial<ForwardTransaction>).source === "forward") recorder.add(detail);
  };
  simulator.on("answer", add);
  simulator.on("abandon", add);
}

/** What to assemble, from the command line and what was read for it. */
async function terminalConfig(
  config: ServerConfig,
  loaded: { scenario: Scenario; text: string } | undefined,
  journalFile: JournalFile | undefined,
  operator: Operator | undefined,
  logger: SimulatorLogger,
): Promise<TerminalConfig> {
  // Loaded already when there is a scenario, which is the only time it is needed.
  const { scenarioProblems } = config.scenario === undefined
    ? { scenarioProblems: undefined }
    : await import("./lib/terminal/scenario.ts");
  const journal = journalFile || config.http;
  return {
    simulator: {
      hostname: config.host,
      port: config.port,
      quietMs: config.quietMs,
      waitQuiet: config.waitQuiet,
      keepOpen: config.keepOpen,
      idleTimeoutMs: config.idleTimeoutMs,
      recordTimeoutMs: config.recordTimeoutMs,
      maxBytes: config.maxBytes,
      random: config.seed === undefined ? cryptoRandom() : seededRandom(config.seed),
      timeScale: config.timeScale,
      maxConnections: config.maxConnections,
      concurrency: config.concurrency,
    },
    settings: config.settings,
    givenSettings: config.givenSettings,
    ...(loaded ? { scenario: loaded.scenario } : {}),
    ...(config.scenario !== undefined
      ? {
        scenarioFile: {
          path: config.scenario,
          ...(loaded ? { text: loaded.text } : {}),
          onLoad: (next: Scenario) => {
            logger.info("Scenario {file} reloaded: {rules} rules, counters reset", {
              file: config.scenario,
              rules: next.rules.length,
            });
          },
          onError: (error: Error) => {
            for (const problem of scenarioProblems!(error)) {
              logger.error("Scenario not reloaded, the previous rules stay: {problem}", {
                problem,
              });
            }
          },
        },
      }
      : {}),
    ...(config.magicAmounts ? { magicAmounts: true } : {}),
    hold: config.hold,
    askers: operator ? [operator.ask] : [],
    // The hold desk decides only where the dashboard or the API can decide it.
    holdDecides: config.http !== undefined,
    ...(journal
      ? { journal: { ...(journalFile ? { sink: journalFile } : {}), version: VERSION } }
      : {}),
    ...(config.http ? { control: { version: VERSION, interactive: config.interactive } } : {}),
    ...(config.forward
      ? {
        forward: {
          upstream: config.forward.upstream,
          mask: config.forward.mask,
          faultsUpstream: config.forward.allowFaults,
          fallback: config.forward.fallback === "simulate",
        },
      }
      : {}),
  };
}

/** What the start-up log reports. */
function startFacts(
  config: ServerConfig,
  terminal: Terminal,
  scenario: Scenario | undefined,
  http: ControlServer | undefined,
): StartFacts {
  return {
    version: VERSION,
    settings: terminal.simulator.settings,
    ...(scenario
      ? {
        scenario: {
          file: config.scenario!,
          rules: scenario.rules.length,
          overridden: overriddenSettings(scenario.settings, config.givenSettings),
        },
      }
      : {}),
    magicAmounts: terminal.engine.magicAmounts,
    interactive: config.interactive,
    ...(http ? { http: { url: http.url, token: config.httpToken !== undefined } } : {}),
    hold: terminal.hold.active,
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
    timeScale: config.timeScale,
    ...(config.journal !== undefined && terminal.journal
      ? { journal: { file: config.journal, run: terminal.journal.run } }
      : {}),
    concurrency: config.concurrency,
    ...(config.forward
      ? {
        forward: {
          upstream: formatHostPort(config.forward.upstream),
          mask: config.forward.mask,
          fallback: config.forward.fallback === "simulate",
          faultsUpstream: config.forward.allowFaults,
          ...(config.forward.record !== undefined ? { record: config.forward.record } : {}),
        },
      }
      : {}),
    ...(terminal.watch
      ? {
        diagnosis: {
          ...(terminal.watch.campaign
            ? {
              campaign: {
                name: terminal.watch.campaign.campaign.name,
                cases: terminal.watch.campaign.campaign.cases.length,
              },
            }
            : {}),
          ...(config.report ? { report: config.report.file } : {}),
          ...(config.failOn ? { failOn: config.failOn } : {}),
          ...(config.campaignTimeoutMs !== undefined
            ? { campaignTimeoutMs: config.campaignTimeoutMs }
            : {}),
        },
      }
      : {}),
  };
}

/**
 * Starts the simulator, then the control API; prints their addresses on standard output.
 * On failure, reports it and gives exit code 3.
 */
async function listen(
  config: ServerConfig,
  terminal: Terminal,
  logger: SimulatorLogger,
): Promise<{ http?: ControlServer } | number> {
  const { simulator } = terminal;
  try {
    await simulator.start();
  } catch (error) {
    const where = `${config.host}:${config.port}`;
    const why = error instanceof Deno.errors.AddrInUse
      ? `port ${config.port} is already in use: stop the other program or choose another --port`
      : error instanceof Deno.errors.NotCapable
      ? `Deno was not given network access: run it with --allow-net (or -A)`
      : error instanceof Deno.errors.PermissionDenied
      ? `permission denied by the system (ports below 1024 need privileges)`
      : error instanceof Deno.errors.AddrNotAvailable
      ? `this machine has no address ${config.host}`
      : (error as Error).message;
    writeStderr(`${NAME}: cannot listen on ${where}: ${why}\n`);
    return EXIT.io;
  }
  let http: ControlServer | undefined;
  if (terminal.control && config.http) {
    // The control API shows the findings: the diagnosis is loaded before it serves.
    const [{ startControlServer }] = await Promise.all([
      import("./lib/terminal/http/serve.ts"),
      terminal.lazyWatch?.load(),
    ]);
    try {
      http = startControlServer(terminal.control, {
        ...config.http,
        ...(config.httpToken !== undefined ? { token: config.httpToken } : {}),
        onRequest: (request, response) => logRequest(logger, request, response),
        onError: (error) => {
          logger.error("Control API: unexpected error {error}", {
            error: (error as Error)?.stack ?? String(error),
          });
        },
      });
    } catch (error) {
      const where = `${config.http.hostname}:${config.http.port}`;
      const why = error instanceof Deno.errors.AddrInUse
        ? `port ${config.http.port} is already in use: choose another --http port`
        : error instanceof Deno.errors.AddrNotAvailable
        ? `this machine has no address ${config.http.hostname}`
        : (error as Error).message;
      writeStderr(`${NAME}: cannot serve the control API on ${where}: ${why}\n`);
      await simulator.close({ force: true });
      return EXIT.io;
    }
    // Before "Listening on": whoever waits for that line has both addresses.
    writeStdout(`Control API and dashboard on ${http.url}\n`);
  }
  const address = simulator.address;
  // On standard output whatever the log level: with --port 0 it is how to learn the port.
  writeStdout(`Listening on ${formatHostPort(address)}\n`);
  return http ? { http } : {};
}

/**
 * Serves until SIGINT or SIGTERM (a second one stops at once), an `interrupt` event
 * (Ctrl-C at the keyboard in interactive mode) or `signal`; SIGHUP reads the scenario
 * again. No error, however it comes, stops the terminal meanwhile: it is logged.
 */
async function runUntilStopped(
  terminal: Terminal,
  logger: SimulatorLogger,
  stops: { signal?: AbortSignal; interrupts: EventTarget },
): Promise<void> {
  const { simulator, watcher } = terminal;
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
      terminal.control?.close();
      simulator.close().then(resolve);
    };
    const onSigint = () => stop("Interrupted");
    const onSigterm = () => stop("Terminated");
    addSignal("SIGINT", onSigint);
    addSignal("SIGTERM", onSigterm);
    const signal = stops.signal;
    signal?.addEventListener(
      "abort",
      () => stop(typeof signal.reason === "string" ? signal.reason : "Asked to stop"),
      { once: true },
    );
    if (signal?.aborted) stop(typeof signal.reason === "string" ? signal.reason : "Asked to stop");
    stops.interrupts.addEventListener("interrupt", onSigint);
    simulator.on("close", () => {
      removeSignal("SIGINT", onSigint);
      removeSignal("SIGTERM", onSigterm);
    });
  });
  if (watcher) removeSignal("SIGHUP", onHangup);
  globalThis.removeEventListener("unhandledrejection", onUnhandled);
  globalThis.removeEventListener("error", onUnhandled);
}

/** Opens the journal of `--journal`; on failure, reports it and gives exit code 3. */
async function openJournal(path: string): Promise<JournalFile | number> {
  const { JournalFile } = await import("./lib/terminal/journal_file.ts");
  try {
    return await JournalFile.open(path);
  } catch (error) {
    writeStderr(`${NAME}: cannot open the journal "${path}": ${(error as Error).message}\n`);
    return EXIT.io;
  }
}

/** Reads the scenario of `--scenario`; on failure, reports it and gives the exit code. */
async function readScenario(path: string): Promise<{ scenario: Scenario; text: string } | number> {
  const { parseScenario, ScenarioError, scenarioProblems } = await import(
    "./lib/terminal/scenario.ts"
  );
  try {
    const text = await Deno.readTextFile(path);
    return { scenario: parseScenario(text, path), text };
  } catch (error) {
    if (error instanceof ScenarioError) {
      for (const problem of scenarioProblems(error)) writeStderr(`${NAME}: ${problem}\n`);
      return EXIT.usage;
    }
    if (error instanceof Deno.errors.NotFound) {
      return usageError(NAME, `No scenario file "${path}"`);
    }
    writeStderr(`${NAME}: cannot read the scenario "${path}": ${(error as Error).message}\n`);
    return EXIT.io;
  }
}

/** Reads the campaign of `--campaign`: built in, or a file; on failure, the exit code. */
async function readCampaign(name: string): Promise<Campaign | number> {
  const [{ BUILT_IN_CAMPAIGNS, parseCampaign }, { ScenarioError, scenarioProblems }] = await Promise
    .all([import("./lib/diagnosis/campaign.ts"), import("./lib/terminal/scenario.ts")]);
  const builtIn = BUILT_IN_CAMPAIGNS[name];
  if (builtIn && Object.hasOwn(BUILT_IN_CAMPAIGNS, name)) return builtIn;
  try {
    return parseCampaign(await Deno.readTextFile(name), name);
  } catch (error) {
    if (error instanceof ScenarioError) {
      for (const problem of scenarioProblems(error)) writeStderr(`${NAME}: ${problem}\n`);
      return EXIT.usage;
    }
    if (error instanceof Deno.errors.NotFound) {
      return usageError(
        NAME,
        `No campaign "${name}": expected ${
          Object.keys(BUILT_IN_CAMPAIGNS).join(", ")
        } or a campaign file`,
      );
    }
    writeStderr(`${NAME}: cannot read the campaign "${name}": ${(error as Error).message}\n`);
    return EXIT.io;
  }
}

/** `--check-scenario`: every problem on standard error, or a summary on standard output. */
async function checkScenario(path: string): Promise<number> {
  const loaded = await readScenario(path);
  if (typeof loaded === "number") return loaded;
  const { describeScenario } = await import("./lib/terminal/scenario.ts");
  writeStdout(`${path}: valid, ${describeScenario(loaded.scenario)}\n`);
  return EXIT.ok;
}

/** Logs a request to the control API: changes at info, reads at debug, refusals at warn. */
function logRequest(
  logger: SimulatorLogger,
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
