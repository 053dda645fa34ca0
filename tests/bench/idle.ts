// Idle capacity: N connections open and silent on the simulator; prints its memory before
// and with them open.
//
//   deno task bench:idle [--connections 1000] [--hold 3]
import { fixed, memory, options, startProgram } from "./_util.ts";

const args = options(Deno.args, { connections: "1000", hold: "3" });
const count = Number(args.connections);
const simulator = await startProgram("server.ts", [
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "--idle-timeout",
  "600",
  // Room for them all and the payment made meanwhile, whatever --max-connections' default.
  "--max-connections",
  String(count + 10),
  "--log-level",
  "error",
]);
const conns: Deno.TcpConn[] = [];
try {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = memory(simulator.pid);
  for (let i = 0; i < count; i++) {
    conns.push(await Deno.connect({ hostname: "127.0.0.1", port: simulator.port }));
  }
  await new Promise((resolve) => setTimeout(resolve, Number(args.hold) * 1000));
  const after = memory(simulator.pid);
  // The simulator still answers while they wait.
  const probe = await Deno.connect({ hostname: "127.0.0.1", port: simulator.port });
  await probe.write(new TextEncoder().encode("CZ0040300CJ012012345678901CA00201CD001I"));
  const answer = new Uint8Array(256);
  const n = await probe.read(answer);
  probe.close();
  const answered = n !== null &&
    new TextDecoder().decode(answer.subarray(0, n)).includes("AE00210");
  console.log(
    `${count} idle connections: simulator RSS ${fixed(before?.rssMiB ?? NaN)} MiB before, ${
      fixed(after?.rssMiB ?? NaN)
    } MiB with them open (peak ${fixed(after?.peakMiB ?? NaN)} MiB); a payment meanwhile ${
      answered ? "was answered" : "was NOT answered"
    }`,
  );
} finally {
  for (const conn of conns) conn.close();
  await simulator.stop();
}
