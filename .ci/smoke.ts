/**
 * The smoke test of a pair of compiled binaries, as the release runs it on each target's
 * own system and as the compile test runs it on this machine:
 *
 * ```sh
 * deno run -A .ci/smoke.ts dist x86_64-unknown-linux-gnu
 * ```
 *
 * Both binaries must print the version of deno.json for `--version`, a 12.50 EUR
 * payment from the client binary to the server binary, on 127.0.0.1, must be approved,
 * and the server binary must serve its dashboard (`--http`), files embedded.
 *
 * @module
 */

import { resolve } from "node:path";
import config from "../deno.json" with { type: "json" };
import { run, startServer } from "../tests/processes.ts";
import { binaryName, hostTarget, type Target, TARGETS } from "./compile.ts";

/**
 * Runs the smoke test; throws at the first thing that is wrong.
 *
 * @param folder The folder of the binaries.
 * @param target Their target.
 * @param log Where progress lines go. Default: standard output.
 * @throws {Error} What went wrong, with the programs' output.
 */
export async function smoke(
  folder: string,
  target: Target,
  log: (line: string) => void = console.log,
): Promise<void> {
  const server = resolve(folder, binaryName("caisse-ap-server", target));
  const client = resolve(folder, binaryName("caisse-ap-client", target));
  for (const binary of [server, client]) {
    // Downloaded artifacts lose their execute bit.
    if (Deno.build.os !== "windows") await Deno.chmod(binary, 0o755);
    const { code, stdout, stderr } = await run(binary, ["--version"], { cwd: folder });
    if (code !== 0 || stdout.trim() !== config.version) {
      throw new Error(
        `${binary} --version: exit ${code}, printed "${stdout.trim()}", expected "${config.version}"\n${stderr}`,
      );
    }
    log(`ok: ${binary} --version prints ${config.version}`);
  }
  const terminal = await startServer(
    server,
    ["--host", "127.0.0.1", "--port", "0", "-d", "0", "--http", "0"],
    { cwd: folder },
  );
  let payment;
  let dashboard: { page: string; script: number } | undefined;
  let serverLog = "";
  try {
    payment = await run(client, ["-p", `${terminal.port}`, "-a", "12.50"], { cwd: folder });
    if (terminal.dashboard) {
      const page = await fetch(terminal.dashboard);
      const script = await fetch(new URL("/dashboard.js", terminal.dashboard));
      dashboard = { page: await page.text(), script: script.status };
      await script.body?.cancel();
    }
  } finally {
    serverLog = (await terminal.stop()).stderr;
  }
  if (payment.code !== 0 || !/^Approved \(AE=10\)$/m.test(payment.stdout)) {
    throw new Error(
      `The client binary's payment was not approved: exit ${payment.code}\n${payment.stdout}${payment.stderr}\nServer log:\n${serverLog}`,
    );
  }
  if (!/#1 answer to 127\.0\.0\.1:\d+: .*AE00210/.test(serverLog)) {
    throw new Error(`The server binary logged no approved answer:\n${serverLog}`);
  }
  log(`ok: a payment from ${client} to ${server} on 127.0.0.1:${terminal.port} is approved`);
  if (!dashboard?.page.includes("<title>caisse-ap") || dashboard.script !== 200) {
    throw new Error(
      `The server binary did not serve its dashboard at ${terminal.dashboard}:\n${serverLog}`,
    );
  }
  log(`ok: ${server} serves its dashboard at ${terminal.dashboard}`);
}

if (import.meta.main) {
  const [folder = "dist", target = hostTarget()] = Deno.args;
  if (!target || !(TARGETS as readonly string[]).includes(target)) {
    console.error(`smoke: usage: deno run -A .ci/smoke.ts <folder> <${TARGETS.join("|")}>`);
    Deno.exit(2);
  }
  try {
    await smoke(folder, target as Target);
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
