// Start-up: time from launch to listening, and the time of `--help`, over several runs.
//
//   deno task bench:startup [--runs 5]
import { fixed, options, percentile, ROOT, startProgram } from "./_util.ts";

const args = options(Deno.args, { runs: "5" });
const runs = Number(args.runs);
const listening: number[] = [];
const help: number[] = [];
for (let i = 0; i < runs; i++) {
  const program = await startProgram("server.ts", [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--log-level",
    "error",
  ]);
  listening.push(program.startupMs);
  await program.stop();
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "server.ts", "--help"],
    cwd: ROOT,
    stdout: "null",
  }).output();
  if (!output.success) throw new Error("--help failed");
  help.push(performance.now() - started);
}
listening.sort((a, b) => a - b);
help.sort((a, b) => a - b);
console.log(
  `start-up over ${runs} runs (deno run server.ts): listening after ${
    fixed(percentile(listening, 0.5), 0)
  } ms median (${fixed(listening[0], 0)}-${fixed(listening[runs - 1], 0)}); --help in ${
    fixed(percentile(help, 0.5), 0)
  } ms median (${fixed(help[0], 0)}-${fixed(help[runs - 1], 0)})`,
);
