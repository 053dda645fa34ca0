// Helpers of the tests that spawn the programs: `deno run` from source, from a URL, or a
// compiled binary. Every child is bounded in time and its output is read to the end.

/** What a finished program printed and how it ended. */
export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where and how to run a program. */
export interface SpawnOptions {
  /** Working directory. Default: the current one. */
  cwd?: string;
  /** Extra environment variables, added to the inherited ones. */
  env?: Record<string, string>;
  /** Inherit no variable: the child gets `env` only. */
  clearEnv?: boolean;
  /** The program is killed after this long. Default 120 s: the machine may be busy. */
  timeoutMs?: number;
}

/**
 * Whether a test can send SIGINT or SIGTERM to a child. On Windows, Deno can only
 * terminate a child (`kill()` calls TerminateProcess), and a program cannot be asked to
 * stop cleanly: tests of a clean stop are skipped there.
 */
export const CAN_SIGNAL = Deno.build.os !== "windows";

/** Variables every child gets: no colour, no update check (the tests are offline). */
// LC_ALL=C.UTF-8: the programs speak English (their default) whatever the tester's locale.
const QUIET_ENV = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", LC_ALL: "C.UTF-8" };

/** Runs a program to its end and returns its output. */
export async function run(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<Output> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { ...QUIET_ENV, ...options.env },
    clearEnv: options.clearEnv,
    stdin: "null",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

/** A terminal simulator running as a child process. */
export interface RunningServer {
  /** The port it listens on (it printed `Listening on 127.0.0.1:PORT`). */
  port: number;
  /** Its process id (to read its memory in /proc). */
  pid: number;
  /**
   * The address of its control API and dashboard, when it serves them (it printed
   * `Control API and dashboard on URL` before `Listening on`).
   */
  dashboard?: string;
  /**
   * Stops it and returns its whole output. Sends `signal` (a second one 300 ms later with
   * `again`: stop at once); where signals cannot be sent ({@linkcode CAN_SIGNAL} false),
   * terminates it instead.
   */
  stop(signal?: "SIGTERM" | "SIGINT", again?: boolean): Promise<Output>;
}

/**
 * Starts a program that prints `Listening on 127.0.0.1:PORT` on standard output (the
 * server, started with `--host 127.0.0.1 --port 0`) and returns once it listens.
 */
export async function startServer(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<RunningServer> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { ...QUIET_ENV, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  let port = 0;
  // Generous: a first run may download modules, and other suites share the 2 cores.
  const giveUp = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  try {
    while (!port) {
      const { value, done } = await lines.read();
      if (done) {
        await child.status;
        throw new Error(`The server ended before listening:\n${stdout}\n${await stderr}`);
      }
      stdout += value;
      const match = /^Listening on 127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (match) port = Number(match[1]);
    }
  } finally {
    clearTimeout(giveUp);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      stdout += value;
    }
  })();
  const dashboard = /^Control API and dashboard on (http:\/\/\S+)$/m.exec(stdout)?.[1];
  return {
    port,
    pid: child.pid,
    ...(dashboard ? { dashboard } : {}),
    async stop(signal = "SIGTERM", again = false): Promise<Output> {
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      try {
        if (CAN_SIGNAL) {
          child.kill(signal);
          if (again) {
            await new Promise((resolve) => setTimeout(resolve, 300));
            try {
              child.kill(signal);
            } catch { /* it stopped already */ }
          }
        } else {
          child.kill();
        }
        const status = await child.status;
        await rest;
        return { code: status.code, stdout, stderr: await stderr };
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
