/**
 * What the POS client does once its command line is read ({@linkcode ./client_config.ts}):
 * build the request, send it, and put the answer (or the error) into words or JSON; or
 * check a captured frame. `client.ts` loads this module only after the options are read,
 * so `--help` does not load the currencies, the codec or the network code.
 *
 * @module
 */

import { EXIT } from "./cli.ts";
import {
  type ExplainConfig,
  type RequestArgs,
  type SendConfig,
  usage,
  type UsageProblem,
} from "./client_config.ts";
import { getLogger } from "./deps_logging.ts";
import { formatMs } from "./framing.ts";
import { formatHostPort } from "./net.ts";
import { setupLogging } from "./logging.ts";
import { type Language, t } from "./i18n/mod.ts";
import {
  type Action,
  buildRequest,
  CHEQUE_APPLICATION,
  compareAnswer,
  explainAnswer,
  parseRequest,
} from "./message.ts";
import { type Currency, findCurrency, formatAmount, parseAmount } from "./money.ts";
import { exchange, type ExchangeResult, PosError } from "./pos.ts";
import { formatReport, reportFrame } from "./report.ts";
import { encode, escapeText, type Field } from "./tlv.ts";

/** A request ready to send. */
export interface BuiltRequest {
  /** The records, or the frame as given with `--raw`. */
  request: Field[] | string;
  /** The records (none with `--raw`). */
  fields: Field[];
  /** The frame. */
  text: string;
}

/** What the client prints, and the exit code to end with. */
export interface ClientOutput {
  /** The text for standard output. */
  output: string;
  /** 0 done, 1 not done, 3 connection, time-out or protocol error. */
  code: number;
}

/**
 * Builds the request the options ask for, or says what is wrong with them.
 *
 * @param request A frame given with `--raw`, or the request's options.
 * @returns The request, or a usage problem (unknown currency, invalid amount...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildClientRequest } from "./client_run.ts";
 * assert.deepEqual(buildClientRequest({ raw: "CZ0040300" }), {
 *   request: "CZ0040300",
 *   fields: [],
 *   text: "CZ0040300",
 * });
 * ```
 */
export function buildClientRequest(
  request: { raw: string } | RequestArgs,
): BuiltRequest | UsageProblem {
  if ("raw" in request) return { request: request.raw, fields: [], text: request.raw };
  const currency = findCurrency(request.currency);
  if (!currency) {
    return usage(
      `Unknown currency "${request.currency}": expected an ISO 4217 code such as EUR or 978`,
      "usage.unknown-currency",
      { currency: request.currency },
    );
  }
  let action: Action = request.action;
  let minor = 0;
  if (action === "identification") {
    if (request.amountGiven || request.cheque) {
      return usage(
        "--identify sends no amount and cannot be combined with --amount or --check",
        "usage.identify-amount",
      );
    }
  } else {
    let amount;
    try {
      amount = parseAmount(request.amount, currency);
    } catch (error) {
      return amountProblem(request.amount, currency, error as Error);
    }
    if (amount.minor === 0) {
      return usage(
        `Invalid amount "${request.amount}": it must not be zero`,
        "usage.amount-zero",
        { amount: request.amount },
      );
    }
    if (amount.negative) {
      if (action === "cancellation") {
        return usage(
          `A negative amount is a refund and cannot be combined with --${request.actionFlag}`,
          "usage.negative-cancel",
          { flag: request.actionFlag ?? "cancel" },
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
      register: request.register,
      posId: request.posId,
      immediate: request.immediate,
      ...(request.cheque ? { application: CHEQUE_APPLICATION } : {}),
      ...(request.privateData !== undefined ? { privateData: request.privateData } : {}),
      forceOnline: request.forceOnline,
    });
    return { request: fields, fields, text: encode(fields) };
  } catch (error) {
    const message = (error as Error).message;
    return usage(message, "usage.request", { message });
  }
}

/**
 * An amount `parseAmount` refused, as a usage problem: its message (the English), and
 * which of its rules it broke with the figures, for another language.
 */
function amountProblem(text: string, currency: Currency, error: Error): UsageProblem {
  const amount = text;
  const trimmed = text.trim();
  const match = /^[+-]?([0-9]+)(?:\.([0-9]+))?$/.exec(trimmed);
  if (error instanceof SyntaxError || !match) {
    const comma = /^[+-]?[0-9]+,[0-9]+$/.test(trimmed);
    return usage(error.message, comma ? "usage.amount-comma" : "usage.amount-syntax", { amount });
  }
  const [, whole, fraction = ""] = match;
  if (fraction.length > currency.digits) {
    return usage(
      error.message,
      currency.digits === 1 ? "usage.amount-decimals-one" : "usage.amount-decimals",
      {
        amount,
        currency: currency.code,
        digits: String(currency.digits),
        given: String(fraction.length),
      },
    );
  }
  const minor = (whole + fraction.padEnd(currency.digits, "0")).replace(/^0+(?=.)/, "");
  return usage(error.message, "usage.amount-digits", {
    amount,
    minor,
    currency: currency.code,
  });
}

/**
 * Sends the request, logging what goes and comes, and puts the answer or the error into
 * words (or JSON with `--json`).
 *
 * @param built The request.
 * @param config The connection, the output format and the log settings.
 * @returns What to print and the exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildClientRequest, sendRequest } from "./client_run.ts";
 * import { parseClientArgs } from "./client_config.ts";
 * import { startTerminal } from "./fixture.ts";
 *
 * await using terminal = await startTerminal();
 * const args = ["-a", "12.50", "-p", `${terminal.port}`, "--json", "--log-level", "error"];
 * const config = parseClientArgs(args);
 * assert.ok(config.kind === "send");
 * const built = buildClientRequest(config.request);
 * assert.ok(!("kind" in built)); // not a usage problem
 * const { code, output } = await sendRequest(built, config);
 * assert.equal(code, 0); // done
 * assert.equal(JSON.parse(output).answer.approved, true);
 * ```
 */
export async function sendRequest(built: BuiltRequest, config: SendConfig): Promise<ClientOutput> {
  setupLogging({ level: config.logLevel, format: config.logFormat });
  const logger = getLogger(["caisse-ap", "pos"]);
  const where = formatHostPort({ hostname: config.connection.host, port: config.connection.port });
  logger.info("Sending to {where}: {frame}", { where, frame: escapeText(built.text) });
  let result: ExchangeResult;
  try {
    result = await exchange(built.request, config.connection);
  } catch (error) {
    if (!(error instanceof PosError)) throw error;
    if (error.received) logger.info("Received: {frame}", { frame: escapeText(error.received) });
    return { output: formatError(error, built, config), code: EXIT.io };
  }
  logger.info("Received after {elapsed}: {frame}", {
    elapsed: formatMs(Math.round(result.elapsedMs)),
    frame: escapeText(result.answerText),
  });
  const code = exitCode(result);
  const output = config.json
    ? json(toJson(result, code, built.text))
    : lines(answerLines(result, code, config.lang ?? "en"));
  return { output, code };
}

/**
 * `--explain`: the conformance report of a captured frame.
 *
 * @param config The frame (`-`: read it from `readInput`) and the output format.
 * @param readInput Reads standard input, for `-`.
 * @returns The report and exit code 0 when the frame conforms, 1 otherwise; or a usage
 * problem when there is no frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainFrame } from "./client_run.ts";
 * const result = await explainFrame(
 *   { kind: "explain", frame: "CZ0040300", json: false, lang: "en" },
 *   () => Promise.resolve(""),
 * );
 * assert.equal("code" in result && result.code, 1);
 * ```
 */
export async function explainFrame(
  config: ExplainConfig,
  readInput: () => Promise<string>,
): Promise<ClientOutput | UsageProblem> {
  const frame = config.frame === "-" ? (await readInput()).replace(/\r?\n$/, "") : config.frame;
  if (frame.length === 0) return usage("--explain needs a frame", "usage.explain-empty");
  const report = reportFrame(new TextEncoder().encode(frame));
  const code = report.findings.length === 0 ? EXIT.ok : EXIT.notDone;
  if (!config.json) return { output: lines(formatReport(report, config.lang ?? "en")), code };
  const error = report.error
    ? { kind: report.error.kind, offset: report.error.offset, message: report.error.message }
    : null;
  return {
    output: json({
      kind: report.kind,
      frame: report.text,
      fields: pairs(report.fields),
      error,
      findings: report.findings,
      conforms: report.findings.length === 0,
    }),
    code,
  };
}

/** The answer in words, with what the client adds: misbehaviour, warnings, a missing status. */
function answerLines(result: ExchangeResult, code: number, lang: Language): string[] {
  const out = explainAnswer(result.answer, lang);
  if (result.answer.acknowledged && !requestedImmediate(result.request)) {
    out.push(t(lang, "client.misbehaves"));
  }
  // The exchange's warnings, in the language (`result.warnings` holds them in English).
  const warnings = compareAnswer(parseRequest(result.request), result.answer, lang);
  for (const warning of warnings) out.push(t(lang, "client.warning", { warning }));
  if (code === EXIT.io && result.answer.status === undefined) {
    out.push(t(lang, "client.no-status"));
  }
  return out;
}

/**
 * A failed exchange in words: in English, the error's own message; in another language,
 * what happened by its kind, then the English message as the detail (it can carry the
 * system's own words, which are English).
 */
function errorText(error: PosError, config: SendConfig): string {
  const lang = config.lang ?? "en";
  if (lang === "en") return t("en", "client.error", { message: error.message }) + "\n";
  const where = `${config.connection.host}:${config.connection.port}`;
  return lines([
    t(lang, "client.error", { message: t(lang, `error.${error.kind}`, { where }) }),
    t(lang, "error.detail", { message: error.message }),
  ]);
}

function formatError(error: PosError, built: BuiltRequest, config: SendConfig): string {
  if (!config.json) return errorText(error, config);
  return json({
    outcome: "error",
    request: { frame: built.text, fields: pairs(built.fields) },
    error: {
      kind: error.kind,
      message: error.message,
      paymentMayBeTaken: error.paymentMayBeTaken,
      received: error.received,
    },
  });
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

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

function lines(texts: readonly string[]): string {
  return texts.map((line) => line + "\n").join("");
}
