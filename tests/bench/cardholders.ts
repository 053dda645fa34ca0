// "Many cardholders": N POS pay at once on a simulator whose cardholders take `delay`
// seconds; prints the wall time until the last answer (the Python tool made them queue).
//
//   deno task bench:cardholders [--pos 200] [--delay 1]
import { pay } from "../../lib/pos.ts";
import { fixed, memory, options, percentile, startProgram } from "./_util.ts";

const args = options(Deno.args, { pos: "200", delay: "1" });
const count = Number(args.pos);
const simulator = await startProgram("server.ts", [
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "--duration",
  args.delay,
  "--log-level",
  "error",
]);
try {
  const started = performance.now();
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        pay({ amount: 100 + i }, { port: simulator.port, timeoutMs: 60_000 })
          .then((result) => {
            if (result.answer.approved) times.push(performance.now() - started);
            else errors++;
          })
          .catch(() => errors++),
    ),
  );
  times.sort((a, b) => a - b);
  console.log(
    `${count} POS paying at once, terminal delay ${args.delay} s: last answer after ${
      fixed(times[times.length - 1] / 1000, 3)
    } s (first ${fixed(times[0] / 1000, 3)} s, median ${
      fixed(percentile(times, 0.5) / 1000, 3)
    } s), ${errors} errors, simulator peak ${fixed(memory(simulator.pid)?.peakMiB ?? NaN)} MiB`,
  );
} finally {
  await simulator.stop();
}
