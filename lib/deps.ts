/**
 * The npm packages, at exact versions, so the program runs the same from source, from a
 * URL (where deno.json is ignored) and compiled. Each package has its own file, imported
 * by the modules that need it: a module loads only the packages it uses, and each package
 * adds to the start-up time (`server.ts --help` loads commander alone, the YAML reader
 * comes with a scenario file). This file re-exports them all, for tools and tests.
 *
 * - {@linkcode ./deps_startup.ts}: commander, to read the options and print the help;
 * - {@linkcode ./deps_yaml.ts}: yaml, the scenario and campaign reader;
 * - {@linkcode ./deps_logging.ts}: LogTape, the programs' logs;
 * - {@linkcode ./deps_currency.ts}: currency-codes, ISO 4217.
 *
 * These are the only files with `npm:` specifiers.
 *
 * @module
 */

export * from "./deps_startup.ts";
export * from "./deps_yaml.ts";
export * from "./deps_logging.ts";
export * from "./deps_currency.ts";
