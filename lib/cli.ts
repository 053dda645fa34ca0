/**
 * What the two command-line programs share: the version, the reference tool's old short
 * options, number parsing, and turning commander's errors into one line and exit code 2.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };
import { type Command, CommanderError, InvalidArgumentError, Option } from "./deps_startup.ts";
import { type CliLogLevel, LOG_FORMATS, LOG_LEVELS } from "./log_levels.ts";
import { writeAllSync } from "./write.ts";

/** The version of caisse-ap, from deno.json. */
export const VERSION: string = config.version;

/** Exit codes of both programs. */
export const EXIT = {
  /** Done (approved, or acknowledged in immediate mode); the simulator stopped cleanly. */
  ok: 0,
  /** The operation was refused or failed (AE=01). */
  notDone: 1,
  /** Bad command line. */
  usage: 2,
  /** Connection, time-out, protocol or other I/O error. */
  io: 3,
} as const;

/**
 * Rewrites the reference tool's multi-letter short options (`-ft`, `-pt`, `-sc`, `-ck`),
 * which commander cannot declare, into their long forms, so existing scripts keep working.
 *
 * @param args The command line.
 * @param aliases Old short option to long option, for example `{ "-ft": "--failure-type" }`.
 * @returns The command line with the old options rewritten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandLegacyOptions } from "./cli.ts";
 * assert.deepEqual(
 *   expandLegacyOptions(["-ft", "refused"], { "-ft": "--failure-type" }),
 *   ["--failure-type", "refused"],
 * );
 * ```
 */
export function expandLegacyOptions(
  args: readonly string[],
  aliases: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const long = aliases[name];
    out.push(long ? long + (eq > 0 ? arg.slice(eq) : "") : arg);
  }
  return out;
}

/**
 * Makes a commander option parser for a whole number in a range.
 *
 * @param what What the number is, for the error message.
 * @param min Smallest value.
 * @param max Largest value.
 * @returns The parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integer } from "./cli.ts";
 * assert.equal(integer("port", 0, 65535)("8888"), 8888);
 * assert.throws(() => integer("port", 0, 65535)("70000"), /from 0 to 65535 \(port\)/);
 * ```
 */
export function integer(what: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max} (${what}).`);
    }
    return Number(value);
  };
}

/**
 * Makes a commander option parser for a duration in seconds (decimals allowed), returned
 * in milliseconds.
 *
 * @param max Largest value, in seconds.
 * @param options `positive`: 0 is refused.
 * @returns The parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seconds } from "./cli.ts";
 * assert.equal(seconds(3600)("1.5"), 1500);
 * ```
 */
export function seconds(
  max: number,
  options: { positive?: boolean } = {},
): (value: string) => number {
  return (value: string) => {
    if (
      !/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) > max ||
      (options.positive && Number(value) === 0)
    ) {
      throw new InvalidArgumentError(
        `expected a number of seconds from ${
          options.positive ? "more than " : ""
        }0 to ${max}, such as 3 or 0.5.`,
      );
    }
    return Math.round(Number(value) * 1000);
  };
}

/**
 * Makes a commander option parser for a decimal number in a range.
 *
 * @param what What the number is, for the error message.
 * @param min Smallest value.
 * @param max Largest value.
 * @returns The parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decimal } from "./cli.ts";
 * assert.equal(decimal("factor", 0, 1000)("0.01"), 0.01);
 * ```
 */
export function decimal(what: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max} (${what}).`);
    }
    return Number(value);
  };
}

/**
 * Parses a log level: debug, info, warn (or warning) or error, in any case.
 *
 * @param value The text.
 * @returns The level.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logLevel } from "./cli.ts";
 * assert.equal(logLevel("WARNING"), "warn");
 * ```
 */
export function logLevel(value: string): CliLogLevel {
  const level = value.toLowerCase() === "warning" ? "warn" : value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(", ")}.`);
  }
  return level as CliLogLevel;
}

/**
 * Makes a commander option parser that accepts one of a list of words.
 *
 * @param words The words accepted.
 * @returns The parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./cli.ts";
 * assert.equal(oneOf(["a", "b"])("b"), "b");
 * assert.throws(() => oneOf(["a", "b"])("c"), /expected one of a, b/);
 * ```
 */
export function oneOf<T extends string>(words: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(words as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${words.join(", ")}.`);
    }
    return value as T;
  };
}

/**
 * Sets a command up for `main()`: errors are thrown rather than ending the process, and
 * commander's own error text is kept quiet so {@linkcode runCommand} prints one line.
 *
 * @param program The command.
 * @returns The same command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareCommand } from "./cli.ts";
 * import { Command } from "./deps.ts";
 * const program = prepareCommand(new Command("demo"));
 * // A usage error is thrown to the caller instead of ending the process.
 * assert.throws(() => program.parse(["--nope"], { from: "user" }), /unknown option '--nope'/);
 * ```
 */
export function prepareCommand(program: Command): Command {
  return program
    .exitOverride()
    .configureOutput({
      writeOut: (text: string) => writeStdout(text),
      writeErr: () => {},
      outputError: () => {},
    })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
}

/**
 * Parses a command line with a prepared command.
 *
 * @param program The command, set up by {@linkcode prepareCommand}.
 * @param args The command line.
 * @returns `undefined` when the program should go on, or the exit code to end with:
 * 0 after `--help` or `--version`, 2 after a usage error (reported in one line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine, prepareCommand } from "./cli.ts";
 * import { Command } from "./deps.ts";
 * const program = prepareCommand(new Command("demo").option("--x"));
 * assert.equal(parseCommandLine(program, ["--x"]), undefined); // go on
 * assert.equal(program.opts().x, true);
 * ```
 */
export function parseCommandLine(program: Command, args: readonly string[]): number | undefined {
  try {
    program.parse([...args], { from: "user" });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" || error.code === "commander.help" ||
        error.code === "commander.version"
      ) {
        return EXIT.ok;
      }
      return usageError(program.name(), error.message.replace(/^error: /, ""));
    }
    throw error;
  }
}

/**
 * Prints a usage error in one line, with how to see the help.
 *
 * @param name The program's name.
 * @param message What was wrong.
 * @returns Exit code 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageError } from "./cli.ts";
 * // Prints: caisse-ap-client: Invalid amount "abc". See 'caisse-ap-client --help'.
 * assert.equal(usageError("caisse-ap-client", "Invalid amount \"abc\""), 2);
 * ```
 */
export function usageError(name: string, message: string): number {
  const text = message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
  writeStderr(`${name}: ${text}. See '${name} --help'.\n`);
  return EXIT.usage;
}

/**
 * Writes text to standard output, all of it, synchronously.
 *
 * @param text The text.
 *
 * @example
 * ```ts
 * // No result: the text goes to standard output
 * import { writeStdout } from "./cli.ts";
 * writeStdout("done\n");
 * ```
 */
export function writeStdout(text: string): void {
  writeAllSync(Deno.stdout, text);
}

/**
 * Writes text to standard error, all of it, synchronously.
 *
 * @param text The text.
 *
 * @example
 * ```ts
 * // No result: the text goes to standard error
 * import { writeStderr } from "./cli.ts";
 * writeStderr("warning\n");
 * ```
 */
export function writeStderr(text: string): void {
  writeAllSync(Deno.stderr, text);
}

/**
 * The `-l, --log-level` option both programs take.
 *
 * @param defaultLevel The level when the option is not given.
 * @returns The option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logLevelOption } from "./cli.ts";
 * const option = logLevelOption("info");
 * assert.equal(option.long, "--log-level");
 * assert.equal(option.defaultValue, "info");
 * ```
 */
export function logLevelOption(defaultLevel: CliLogLevel): Option {
  return new Option("-l, --log-level <level>", "debug, info, warn or error")
    .default(defaultLevel)
    .argParser(logLevel);
}

/**
 * The `--log-format` option both programs take: `text` or `json`.
 *
 * @returns The option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logFormatOption } from "./cli.ts";
 * assert.equal(logFormatOption().long, "--log-format");
 * assert.equal(logFormatOption().defaultValue, "text");
 * ```
 */
export function logFormatOption(): Option {
  return new Option("--log-format <format>", "text for people, json for one JSON object per line")
    .default("text")
    .argParser(oneOf(LOG_FORMATS));
}
