/**
 * Builds the standalone executables: `deno task compile [options]`.
 *
 * For each target, `caisse-ap-server` and `caisse-ap-client` are compiled into one folder
 * (`dist/` by default) as `caisse-ap-<program>-<target>` (`.exe` for Windows), with the
 * permissions of their deno.json task baked in, the files of {@linkcode INCLUDE} and of
 * `--include` embedded, and the npm files they never load left out. Then each binary's
 * size is printed and `SHA256SUMS` written beside them.
 *
 * `deno compile` builds on a runtime, `denort`, that it downloads once per Deno version
 * and target into `$DENO_DIR/dl/release/v<version>/denort-<target>.zip`. With the
 * `DENORT_BIN` environment variable, that file is used instead, for the host target only
 * (Deno would use it for every target, making binaries for the wrong system).
 *
 * ```sh
 * deno task compile                     # the six targets, into dist/
 * deno task compile --host              # this machine's target only
 * deno task compile --target aarch64-apple-darwin --out /tmp/build
 * deno task compile --include lib/scenarios/ --dry-run
 * ```
 *
 * @module
 */

import { basename, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import config from "../deno.json" with { type: "json" };
import { Command, Option } from "../lib/deps.ts";

/** Every target `deno compile` 2.9.6 accepts, which are the ones released. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
] as const;

/** A target of `deno compile`. */
export type Target = typeof TARGETS[number];

/** A program to compile. */
export interface Program {
  /** Name of the executable, before the target. */
  name: string;
  /** Entry point, relative to the repository. */
  entry: string;
  /** The deno.json task whose permissions are baked in. */
  task: keyof typeof config.tasks;
}

/** The two programs. */
export const PROGRAMS: readonly Program[] = [
  { name: "caisse-ap-server", entry: "server.ts", task: "server" },
  { name: "caisse-ap-client", entry: "client.ts", task: "client" },
];

/**
 * Files and folders, relative to the repository, embedded in both programs besides the
 * modules they import (which are always embedded): the place for files read at run time.
 * None is needed: the dashboard's files are served from a module
 * (`lib/terminal/dashboard/assets.ts`), embedded as any other. `--include` adds more for
 * one build.
 */
export const INCLUDE: readonly string[] = [];

/** npm files no program loads at run time: source maps, type declarations, documents. */
export const NPM_UNUSED_FILES: RegExp = /\.(map|d\.ts|d\.cts|d\.mts|md|markdown)$/i;

/**
 * Folders of npm packages that are never loaded, by package name. yaml: Deno resolves
 * its `node` export (`dist/`), never the `browser/` copy.
 */
export const NPM_UNUSED_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  yaml: ["browser"],
};

/** The repository's folder: the programs are compiled from there. */
const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * The name of a binary in the output folder.
 *
 * @param program The program's name, such as `caisse-ap-server`.
 * @param target The target.
 * @returns `caisse-ap-server-x86_64-unknown-linux-gnu`, or `...-msvc.exe` for Windows.
 */
export function binaryName(program: string, target: Target): string {
  return `${program}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * This machine's target, if `deno compile` supports it.
 *
 * @returns The target, or `undefined` (a system Deno cannot compile for).
 */
export function hostTarget(): Target | undefined {
  return (TARGETS as readonly string[]).includes(Deno.build.target)
    ? Deno.build.target as Target
    : undefined;
}

/**
 * The permission flags of a deno.json task, such as `--allow-net`: what the compiled
 * program gets, as when it is run with `deno task`.
 *
 * @param task The task's name.
 * @returns Its `--allow-*` and `--deny-*` flags, in order.
 */
export function taskPermissions(task: keyof typeof config.tasks): string[] {
  return config.tasks[task].split(/\s+/).filter((word) =>
    /^--(allow|deny)-[a-z]+(=.*)?$/.test(word)
  );
}

interface DenoInfo {
  denoDir: string;
  denoVersion: string;
}

async function denoJson(args: string[]): Promise<unknown> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
  }).output();
  if (!output.success) {
    throw new Error(
      `"deno ${args.join(" ")}" failed: ${new TextDecoder().decode(output.stderr).trim()}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Where a runtime for `deno compile` was found. */
export interface Runtime {
  /** `DENORT_BIN` (the variable) or `cache` (Deno's download folder). */
  source: "DENORT_BIN" | "cache";
  /** The file. */
  path: string;
}

/**
 * Where `deno compile` of this Deno takes the runtime of a target from: Deno's download
 * cache, as Deno itself computes it (`$DENO_DIR/dl/release/v<version>/denort-<target>.zip`).
 *
 * @param target The target.
 * @returns The path, whether the file is there or not.
 */
export async function cachedRuntimePath(target: Target): Promise<string> {
  const info = await denoJson(["info", "--json"]) as DenoInfo;
  return join(info.denoDir, "dl", "release", `v${info.denoVersion}`, `denort-${target}.zip`);
}

/**
 * Finds the runtime `deno compile` would use for a target without downloading anything:
 * `DENORT_BIN` for the host target, else Deno's download cache.
 *
 * @param target The target.
 * @returns Where it is, or `undefined` when `deno compile` would have to download it.
 */
export async function findRuntime(target: Target): Promise<Runtime | undefined> {
  const variable = Deno.env.get("DENORT_BIN");
  if (variable && target === hostTarget() && await isFile(variable)) {
    return { source: "DENORT_BIN", path: variable };
  }
  const cached = await cachedRuntimePath(target);
  return await isFile(cached) ? { source: "cache", path: cached } : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The npm files a program never loads, as `--exclude` paths: in each npm package of its
 * module graph, the files matching {@linkcode NPM_UNUSED_FILES} and the folders of
 * {@linkcode NPM_UNUSED_FOLDERS}. Packages outside the graph are left out whole by
 * `--exclude-unused-npm`.
 *
 * @param entry The program's entry point, relative to the repository.
 * @returns Absolute paths in Deno's npm cache.
 */
export async function npmExclusions(entry: string): Promise<string[]> {
  const graph = await denoJson(["info", "--json", entry]) as {
    npmPackages?: Record<string, { name: string; localPath?: string }>;
  };
  const paths: string[] = [];
  for (const npmPackage of Object.values(graph.npmPackages ?? {})) {
    const folder = npmPackage.localPath;
    if (!folder) continue;
    const unusedFolders = NPM_UNUSED_FOLDERS[npmPackage.name] ?? [];
    for (const name of unusedFolders) {
      const path = join(folder, name);
      if (await exists(path)) paths.push(path);
    }
    for await (const file of walkFiles(folder)) {
      if (!NPM_UNUSED_FILES.test(file)) continue;
      if (unusedFolders.some((name) => file.startsWith(join(folder, name) + sep))) continue;
      paths.push(file);
    }
  }
  return paths.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function* walkFiles(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) yield* walkFiles(path);
    else if (entry.isFile) yield path;
  }
}

/** One `deno compile` to run. */
export interface CompileJob {
  /** The program. */
  program: Program;
  /** The target. */
  target: Target;
  /** Path of the binary. */
  output: string;
  /** Arguments of `deno`, from `compile` on. */
  args: string[];
  /** Run without `DENORT_BIN`: it is set but only fits the host target. */
  withoutDenortBin: boolean;
}

/** What to build. */
export interface CompileOptions {
  /** Targets. Default: {@linkcode TARGETS}. */
  targets?: readonly Target[];
  /** Files or folders embedded besides {@linkcode INCLUDE}. */
  include?: readonly string[];
  /** Output folder. Default `dist`, relative to the repository. */
  out?: string;
}

/**
 * Plans the builds: one `deno compile` per program and target, with the task's
 * permissions, `--no-prompt` (a binary never stops to ask), the included files, and the
 * npm exclusions.
 *
 * @param options Targets, included files, output folder.
 * @returns The jobs, in order.
 */
export async function planCompile(options: CompileOptions = {}): Promise<CompileJob[]> {
  const targets = options.targets ?? TARGETS;
  const out = options.out ?? "dist";
  const include = [...INCLUDE, ...(options.include ?? [])];
  const denortBin = Deno.env.get("DENORT_BIN");
  const jobs: CompileJob[] = [];
  for (const program of PROGRAMS) {
    const exclusions = await npmExclusions(program.entry);
    for (const target of targets) {
      const output = join(out, binaryName(program.name, target));
      jobs.push({
        program,
        target,
        output,
        withoutDenortBin: Boolean(denortBin) && target !== hostTarget(),
        args: [
          "compile",
          "--quiet",
          "--target",
          target,
          "--output",
          output,
          ...taskPermissions(program.task),
          "--no-prompt",
          "--exclude-unused-npm",
          ...include.flatMap((path) => ["--include", path]),
          ...exclusions.map((path) => `--exclude=${path}`),
          program.entry,
        ],
      });
    }
  }
  return jobs;
}

/** A binary built. */
export interface Built {
  /** Path of the binary. */
  output: string;
  /** Its size in bytes. */
  size: number;
  /** Its SHA-256, in hexadecimal. */
  sha256: string;
}

/**
 * Runs the planned builds one after the other, from the repository's folder, then
 * writes `SHA256SUMS` in the output folder (the format `sha256sum -c` reads).
 *
 * @param jobs From {@linkcode planCompile}.
 * @param options `log`: where progress lines go (default: standard output); `env`: more
 * environment variables for `deno compile`.
 * @returns The binaries built.
 * @throws {Error} When a `deno compile` fails (with its message).
 */
export async function runCompile(
  jobs: readonly CompileJob[],
  options: { log?: (line: string) => void; env?: Record<string, string> } = {},
): Promise<Built[]> {
  const log = options.log ?? console.log;
  const built: Built[] = [];
  const quiet = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...options.env };
  for (const job of jobs) {
    const command = new Deno.Command(Deno.execPath(), {
      args: job.args,
      cwd: ROOT,
      stdin: "null",
      stdout: "inherit",
      stderr: "piped",
      ...(job.withoutDenortBin
        ? { clearEnv: true, env: { ...environmentWithout("DENORT_BIN"), ...quiet } }
        : { env: quiet }),
    });
    const started = performance.now();
    const result = await command.output();
    if (!result.success) {
      throw new Error(
        `Compiling ${job.program.entry} for ${job.target} failed: ${
          new TextDecoder().decode(result.stderr).trim()
        }`,
      );
    }
    const bytes = await Deno.readFile(resolve(ROOT, job.output));
    built.push({ output: job.output, size: bytes.length, sha256: await sha256(bytes) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`${job.output}  ${formatSize(bytes.length)}  (${seconds} s)`);
  }
  const folders = new Set(built.map((b) => dirname(resolve(ROOT, b.output))));
  for (const folder of folders) {
    const lines = built
      .filter((b) => dirname(resolve(ROOT, b.output)) === folder)
      .map((b) => `${b.sha256}  ${basename(b.output)}\n`);
    await Deno.writeTextFile(join(folder, "SHA256SUMS"), lines.join(""));
  }
  return built;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function environmentWithout(name: string): Record<string, string> {
  const env = Deno.env.toObject();
  delete env[name];
  return env;
}

/**
 * Formats a size in bytes for people: `71.3 MB` (decimal units, as file managers show).
 *
 * @param bytes The size.
 * @returns The text.
 */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * The command line: parses the options, plans, builds (or prints the plan).
 *
 * @param args The command-line arguments.
 * @returns The exit code: 0 built, 1 a build failed, 2 bad command line.
 */
export async function main(args: string[]): Promise<number> {
  const program = new Command("compile")
    .description("Build caisse-ap-server and caisse-ap-client for every target.")
    .addOption(
      new Option("--target <target...>", "targets (default: all)").choices([...TARGETS]),
    )
    .option("--host", "this machine's target only")
    .option("--include <path...>", "more files or folders to embed in both programs")
    .option("--out <folder>", "output folder, relative to the repository", "dist")
    .option("--dry-run", "print the deno compile commands, build nothing")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  try {
    program.parse(args, { from: "user" });
  } catch (error) {
    return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const options = program.opts<
    { target?: Target[]; host?: boolean; include?: string[]; out: string; dryRun?: boolean }
  >();
  let targets: readonly Target[] = options.target ?? TARGETS;
  if (options.host) {
    const host = hostTarget();
    if (!host) {
      console.error(`compile: deno compile has no target for this machine (${Deno.build.target})`);
      return 2;
    }
    targets = [host];
  }
  const jobs = await planCompile({ targets, include: options.include, out: options.out });
  if (options.dryRun) {
    for (const job of jobs) console.log(`deno ${job.args.join(" ")}`);
    return 0;
  }
  if (jobs.some((job) => job.withoutDenortBin)) {
    console.log("compile: DENORT_BIN fits this machine only; other targets use Deno's cache");
  }
  for (const target of targets) {
    if (!await findRuntime(target)) {
      console.log(
        `compile: no runtime for ${target} in ${await cachedRuntimePath(target)}: ` +
          "deno compile downloads it (this needs the internet)",
      );
    }
  }
  await Deno.mkdir(resolve(ROOT, options.out), { recursive: true });
  try {
    const built = await runCompile(jobs);
    const total = built.reduce((sum, b) => sum + b.size, 0);
    console.log(`${built.length} binaries, ${formatSize(total)}, checksums in SHA256SUMS`);
    return 0;
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
