// The client's command line read into a config, in process: every option, every usage
// error, the reference tool's spellings; then the request built from it (the usage errors
// that need the currency table) and `--explain`. tests/cli_test.ts runs the program itself.
import assert from "node:assert/strict";
import {
  type CommandLineExit,
  parseClientArgs,
  type RequestArgs,
  type SendConfig,
} from "../lib/client_config.ts";
import { buildClientRequest, explainFrame } from "../lib/client_run.ts";
import { encode } from "../lib/tlv.ts";

/** The config of a command line that must be a send. */
function send(args: string[], defaults: { lang?: "en" | "fr" } = {}): SendConfig {
  const config = parseClientArgs(args, defaults);
  assert.equal(config.kind, "send", JSON.stringify(config));
  return config as SendConfig;
}

/** The request options of a command line that must build a request. */
function requestOf(args: string[]): RequestArgs {
  const { request } = send(args);
  assert.ok(!("raw" in request), "a built request");
  return request as RequestArgs;
}

/** The usage message of a command line, whichever stage finds the problem. */
function usageOf(args: string[]): string {
  const config = parseClientArgs(args);
  const problem = config.kind === "send" ? buildClientRequest(config.request) : config;
  assert.ok("kind" in problem && problem.kind === "usage", JSON.stringify(problem));
  return problem.message;
}

/** The frame built from a command line. */
function frameOf(args: string[]): string {
  const built = buildClientRequest(send(args).request);
  assert.ok(!("kind" in built), JSON.stringify(built));
  return built.text;
}

Deno.test("client command line: the defaults", () => {
  assert.deepEqual(parseClientArgs([], { lang: "en" }), {
    kind: "send",
    request: {
      action: "debit",
      amount: "112.45",
      amountGiven: false,
      currency: "EUR",
      cheque: false,
      immediate: false,
      forceOnline: false,
      register: "01",
      posId: "012345678901",
    },
    connection: {
      host: "127.0.0.1",
      port: 8888,
      timeoutMs: 180_000,
      connectTimeoutMs: 10_000,
      quietMs: 300,
      maxBytes: 64 * 1024,
    },
    json: false,
    lang: "en",
    logLevel: "warn",
    logFormat: "text",
  });
  assert.equal(frameOf([]), "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB00511245");
});

Deno.test("client command line: every option, short and long", async (t) => {
  await t.step("where the terminal is, and the time limits", () => {
    for (
      const args of [
        ["-d", "10.0.0.2", "-p", "9000", "-t", "2.5", "--connect-timeout", "0.5"],
        [
          "--destination",
          "10.0.0.2",
          "--port",
          "9000",
          "--timeout",
          "2.5",
          "--connect-timeout=0.5",
        ],
      ]
    ) {
      const { connection } = send([...args, "--quiet-period", "40"]);
      assert.deepEqual(connection, {
        host: "10.0.0.2",
        port: 9000,
        timeoutMs: 2500,
        connectTimeoutMs: 500,
        quietMs: 40,
        maxBytes: 64 * 1024,
      });
    }
  });
  await t.step("the request's options", () => {
    const short = requestOf(["-a", "12.50", "-c", "USD"]);
    assert.equal(short.amount, "12.50");
    assert.equal(short.amountGiven, true);
    assert.equal(short.currency, "USD");
    assert.deepEqual(
      requestOf([
        "--amount=7",
        "--currency",
        "978",
        "--check",
        "--immediate",
        "--register",
        "07",
        "--pos-id",
        "111122223333",
        "--private-data",
        "ORDER-42",
        "--force-online",
      ]),
      {
        action: "debit",
        amount: "7",
        amountGiven: true,
        currency: "978",
        cheque: true,
        immediate: true,
        forceOnline: true,
        register: "07",
        posId: "111122223333",
        privateData: "ORDER-42",
      },
    );
  });
  await t.step("the actions", () => {
    assert.equal(requestOf(["--refund"]).action, "credit");
    assert.equal(requestOf(["--refund"]).actionFlag, "refund");
    assert.equal(requestOf(["--cancel"]).action, "cancellation");
    assert.equal(requestOf(["--identify"]).action, "identification");
    assert.equal(requestOf([]).actionFlag, undefined);
    assert.equal(frameOf(["--identify"]), "CZ0040300CJ012012345678901CA00201CD001I");
    assert.equal(frameOf(["-a", "-3"]), frameOf(["-a", "3", "--refund"]), "negative = refund");
    assert.match(frameOf(["--cancel", "-a", "1"]), /CD0012/);
    assert.match(frameOf(["-a", "1", "--check"]), /CC00300C/);
    assert.match(frameOf(["-a", "1", "--immediate", "--force-online"]), /BA0011.*BB0011$/);
    assert.match(frameOf(["-a", "1000", "-c", "JPY"]), /CE003392.*CB0041000$/);
  });
  await t.step("--raw: the frame as given", () => {
    const config = send(["--raw", "CZ0040300CA00201", "-p", "1234"]);
    assert.deepEqual(config.request, { raw: "CZ0040300CA00201" });
    assert.deepEqual(buildClientRequest(config.request), {
      request: "CZ0040300CA00201",
      fields: [],
      text: "CZ0040300CA00201",
    });
  });
  await t.step("--explain, with or without --json", () => {
    assert.deepEqual(parseClientArgs(["--explain", "CZ0040300"], { lang: "en" }), {
      kind: "explain",
      frame: "CZ0040300",
      json: false,
      lang: "en",
    });
    assert.deepEqual(parseClientArgs(["--explain", "-", "--json", "--raw", "X", "--lang", "fr"]), {
      kind: "explain",
      frame: "-",
      json: true,
      lang: "fr",
    }, "--explain wins over the other options");
  });
  await t.step("the language: --lang, else the default given, else the environment's", () => {
    assert.equal(send(["--lang", "fr"]).lang, "fr");
    assert.equal(send(["--lang", "en"], { lang: "fr" }).lang, "en");
    assert.equal(send([], { lang: "fr" }).lang, "fr");
    const bad = parseClientArgs(["--lang", "de"]);
    assert.equal(bad.kind, "usage");
    assert.match(
      (bad as { message: string }).message,
      /--lang <language>' argument 'de' is invalid/,
    );
  });
  await t.step("the output and the log", () => {
    const config = send(["--json", "-l", "debug", "--log-format", "json"]);
    assert.equal(config.json, true);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.logFormat, "json");
    assert.equal(send(["--log-level", "WARNING"]).logLevel, "warn");
    assert.equal(send(["--log-level", "Info"]).logLevel, "info");
  });
  await t.step("--help and --version: text to print, nothing done", () => {
    for (const flag of ["-h", "--help"]) {
      const help = parseClientArgs(["--port", "9", flag, "--nope"]);
      assert.equal(help.kind, "exit");
      const { output } = help as CommandLineExit;
      assert.match(output, /^Usage: caisse-ap-client \[options\]/);
      for (
        const option of [
          "--destination",
          "--port",
          "--amount",
          "--currency",
          "--check",
          "--refund",
          "--cancel",
          "--identify",
          "--immediate",
          "--register",
          "--pos-id",
          "--private-data",
          "--force-online",
          "--raw",
          "--explain",
          "--timeout",
          "--connect-timeout",
          "--quiet-period",
          "--json",
          "--log-level",
          "--log-format",
          "--version",
          "--help",
        ]
      ) {
        assert.match(output, new RegExp(`^  (-\\w, )?${option}\\b`, "m"), option);
      }
      assert.match(output, /\(default: 180\)/);
      assert.match(output, /^Exit codes: 0 done/m);
    }
    for (const flag of ["-V", "--version"]) {
      assert.deepEqual(parseClientArgs([flag]), { kind: "exit", output: "0.1.0\n" });
    }
  });
});

Deno.test("client command line: the reference tool's spellings", () => {
  assert.equal(requestOf(["-ck"]).cheque, true);
  assert.equal(requestOf(["-ck", "-a", "25"]).amount, "25");
  assert.deepEqual(requestOf(["-a", "25", "-ck"]), requestOf(["-a", "25", "--check"]));
  assert.equal(
    usageOf(["-ck=1"]),
    "unknown option '--check=1'\n(Did you mean --check?)",
    "-ck takes no value, as --check",
  );
  assert.deepEqual(
    parseClientArgs(["--raw", "X", "--", "-ck"]),
    { kind: "usage", message: "too many arguments. Expected 0 arguments but got 1: -ck." },
    "after --, -ck is an argument, not rewritten",
  );
});

Deno.test("client command line: every usage error", async (t) => {
  await t.step("found by commander", () => {
    assert.equal(usageOf(["--nope"]), "unknown option '--nope'");
    assert.equal(usageOf(["--amont", "3"]), "unknown option '--amont'\n(Did you mean --amount?)");
    assert.equal(usageOf(["-a"]), "option '-a, --amount <amount>' argument missing");
    assert.equal(
      usageOf(["extra"]),
      "too many arguments. Expected 0 arguments but got 1: extra.",
    );
    const invalid: [string[], string][] = [
      [
        ["-p", "0"],
        "option '-p, --port <port>' argument '0' is invalid. expected a whole number from 1 to 65535 (port).",
      ],
      [
        ["--port", "65536"],
        "option '-p, --port <port>' argument '65536' is invalid. expected a whole number from 1 to 65535 (port).",
      ],
      [
        ["-t", "x"],
        "option '-t, --timeout <seconds>' argument 'x' is invalid. expected a number of seconds from 0 to 86400, such as 3 or 0.5.",
      ],
      [
        ["--connect-timeout", "4000"],
        "option '--connect-timeout <seconds>' argument '4000' is invalid. expected a number of seconds from 0 to 3600, such as 3 or 0.5.",
      ],
      [
        ["--quiet-period", "60001"],
        "option '--quiet-period <ms>' argument '60001' is invalid. expected a whole number from 0 to 60000 (milliseconds).",
      ],
      [
        ["-l", "loud"],
        "option '-l, --log-level <level>' argument 'loud' is invalid. expected one of debug, info, warn, error.",
      ],
      [
        ["--log-format", "xml"],
        "option '--log-format <format>' argument 'xml' is invalid. expected one of text, json.",
      ],
    ];
    for (const [args, message] of invalid) assert.equal(usageOf(args), message, args.join(" "));
  });
  await t.step("--raw with a request option, or without a frame", () => {
    const clashing: [string[], string][] = [
      [["-a", "1"], "amount"],
      [["-c", "USD"], "currency"],
      [["--check"], "check"],
      [["-ck"], "check"],
      [["--refund"], "refund"],
      [["--cancel"], "cancel"],
      [["--identify"], "identify"],
      [["--immediate"], "immediate"],
      [["--register", "02"], "register"],
      [["--pos-id", "1"], "pos-id"],
      [["--private-data", "x"], "private-data"],
      [["--force-online"], "force-online"],
    ];
    for (const [args, name] of clashing) {
      assert.equal(
        usageOf(["--raw", "CZ0040300", ...args]),
        `--raw sends the frame as given and cannot be combined with --${name}`,
      );
    }
    assert.equal(usageOf(["--raw", ""]), "--raw needs a frame");
    assert.equal(send(["--raw", "X", "-p", "1", "--json", "-t", "1"]).connection.port, 1);
  });
  await t.step("two actions", () => {
    assert.equal(usageOf(["--refund", "--cancel"]), "--refund and --cancel cannot be combined");
    assert.equal(usageOf(["--identify", "--refund"]), "--refund and --identify cannot be combined");
    assert.equal(usageOf(["--cancel", "--identify"]), "--cancel and --identify cannot be combined");
  });
  await t.step("found when the request is built: currency, amount, records", () => {
    assert.equal(
      usageOf(["-c", "XYZ"]),
      'Unknown currency "XYZ": expected an ISO 4217 code such as EUR or 978',
    );
    assert.equal(
      usageOf(["--identify", "-c", "XYZ", "-a", "1"]),
      'Unknown currency "XYZ": expected an ISO 4217 code such as EUR or 978',
      "the currency first, as before",
    );
    for (
      const args of [["--identify", "-a", "1"], ["--identify", "--check"], ["--identify", "-ck"]]
    ) {
      assert.equal(
        usageOf(args),
        "--identify sends no amount and cannot be combined with --amount or --check",
      );
    }
    assert.match(usageOf(["-a", "abc"]), /^Invalid amount "abc"/);
    assert.match(usageOf(["-a", "1.234"]), /^Invalid amount "1\.234"/);
    assert.equal(usageOf(["-a", "0"]), 'Invalid amount "0": it must not be zero');
    assert.equal(usageOf(["-a", "-0.00"]), 'Invalid amount "-0.00": it must not be zero');
    assert.equal(
      usageOf(["-a", "-3", "--cancel"]),
      "A negative amount is a refund and cannot be combined with --cancel",
    );
    assert.equal(frameOf(["-a", "-3", "--refund"]), frameOf(["-a", "3", "--refund"]));
    assert.match(usageOf(["--register", "1"]), /^Invalid .*"1"/);
    assert.match(usageOf(["--pos-id", "12"]), /^Invalid .*"12"/);
  });
});

Deno.test("--explain: the report, its exit code, and a missing frame", async (t) => {
  const valid = encode([
    { tag: "CZ", value: "0300" },
    { tag: "CJ", value: "012345678901" },
    { tag: "CA", value: "01" },
    { tag: "CE", value: "978" },
    { tag: "BA", value: "0" },
    { tag: "CD", value: "0" },
    { tag: "CB", value: "1245" },
  ]);
  const noInput = () => Promise.reject(new Error("standard input read"));
  await t.step("a conforming request: 0, in words or JSON", async () => {
    const words = await explainFrame({ kind: "explain", frame: valid, json: false }, noInput);
    assert.ok("code" in words);
    assert.equal(words.code, 0);
    assert.match(
      words.output,
      /^Request \(debit of 12\.45 EUR\), 7 records: conforms to the protocol$/m,
    );
    const json = await explainFrame({ kind: "explain", frame: valid, json: true }, noInput);
    assert.ok("code" in json);
    assert.equal(JSON.parse(json.output).conforms, true);
  });
  await t.step("a frame that does not conform: 1", async () => {
    const result = await explainFrame({ kind: "explain", frame: "CZ0040300", json: true }, noInput);
    assert.ok("code" in result);
    assert.equal(result.code, 1);
    assert.equal(JSON.parse(result.output).conforms, false);
  });
  await t.step("- reads standard input, without its last newline", async () => {
    const result = await explainFrame(
      { kind: "explain", frame: "-", json: true },
      () => Promise.resolve(valid + "\r\n"),
    );
    assert.ok("code" in result);
    assert.equal(JSON.parse(result.output).frame, valid);
  });
  await t.step("no frame: a usage problem", async () => {
    const problem = {
      kind: "usage",
      message: "--explain needs a frame",
      words: { key: "usage.explain-empty", params: {} },
    };
    assert.deepEqual(
      await explainFrame({ kind: "explain", frame: "", json: false }, noInput),
      problem,
    );
    assert.deepEqual(
      await explainFrame({ kind: "explain", frame: "-", json: false }, () => Promise.resolve("\n")),
      problem,
    );
  });
});
