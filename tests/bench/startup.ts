// Start-up: the time of `client.ts --help`, `server.ts --help` and server.ts's launch to
// listening, each against a Deno hello-world launched the same way in the same run (the
// machine's speed and load change from run to run; the ratio changes much less), and a
// program that loads commander alone and prints its help: the floor for these programs.
//
//   deno task bench:startup [--runs 5]
import { fixed, options, percentile, ROOT, startProgram } from "./_util.ts";

const args = options(Deno.args, { runs: "5" });
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`Invalid --runs "${args.runs}"`);

/** Milliseconds from spawn to the end of a program that prints and exits. */
async function timeRun(script: string, args: string[]): Promise<number> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (!output.success) {
    throw new Error(
      `${script} ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return elapsed;
}

/** Milliseconds from spawn to server.ts's "Listening on" line. */
async function timeListening(): Promise<number> {
  const program = await startProgram("server.ts", [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--log-level",
    "error",
  ]);
  await program.stop();
  return program.startupMs;
}

const measures: { label: string; run: () => Promise<number> }[] = [
  { label: "hello-world", run: () => timeRun("tests/bench/hello.ts", []) },
  // The floor for our dependencies: commander alone, printing a one-option help.
  { label: "commander --help", run: () => timeRun("tests/bench/commander_help.ts", ["--help"]) },
  { label: "client.ts --help", run: () => timeRun("client.ts", ["--help"]) },
  { label: "server.ts --help", run: () => timeRun("server.ts", ["--help"]) },
  { label: "server.ts listening", run: timeListening },
];
const samples = measures.map(() => [] as number[]);
// One warm-up round (module cache, npm cache), then the runs, the programs interleaved so
// that a busy moment of the machine falls on all of them alike.
for (const measure of measures) await measure.run();
for (let i = 0; i < runs; i++) {
  for (const [index, measure] of measures.entries()) samples[index].push(await measure.run());
}
const medians = samples.map((times) => {
  times.sort((a, b) => a - b);
  return percentile(times, 0.5);
});
const hello = medians[0];
console.log(
  `start-up over ${runs} runs (deno run -A), medians (fastest-slowest), ratio to the hello-world:`,
);
for (const [index, measure] of measures.entries()) {
  const times = samples[index];
  console.log(
    `${measure.label.padEnd(20)} ${fixed(medians[index], 0).padStart(5)} ms ${
      `(${fixed(times[0], 0)}-${fixed(times[runs - 1], 0)})`.padEnd(11)
    } ${fixed(medians[index] / hello, 2)}x`,
  );
}
