// The connection events the diagnosis reads: who ended a connection first and when, in
// which phase, and the bytes a POS sends after the answer.
import assert from "node:assert/strict";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";
import { request } from "./diagnosis_records.ts";

const encoder = new TextEncoder();

async function withSimulator(
  options: ConstructorParameters<typeof TerminalSimulator>[0],
  fn: (simulator: TerminalSimulator, port: number, seen: string[]) => Promise<void>,
) {
  await using simulator = new TerminalSimulator({ hostname: "127.0.0.1", port: 0, ...options });
  const seen: string[] = [];
  simulator.on("connection", () => seen.push("connection"));
  simulator.on("disconnect", ({ detail }) => {
    seen.push(`disconnect ${detail.by} ${detail.phase}`);
  });
  simulator.on("extra-bytes", ({ detail }) => seen.push(`extra ${JSON.stringify(detail.bytes)}`));
  simulator.on("answer", () => seen.push("answer"));
  simulator.on("abandon", ({ detail }) => seen.push(`abandon ${detail.state}`));
  const { port } = await simulator.start();
  await fn(simulator, port, seen);
}

async function readAll(conn: Deno.TcpConn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return text;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
}

function closed(simulator: TerminalSimulator): Promise<void> {
  return new Promise((resolve) => simulator.on("disconnect", () => resolve(), { once: true }));
}

Deno.test("disconnect: once, by the POS, when its end is seen", async (t) => {
  await t.step("during the delay: before the transaction ends", async () => {
    await withSimulator({ settings: { delayMs: 300 } }, async (simulator, port, seen) => {
      const gone = closed(simulator);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode(request()));
      await new Promise((resolve) => setTimeout(resolve, 50));
      conn.close();
      await gone;
      assert.deepEqual(seen, ["connection", "disconnect pos waiting"]);
      await simulator.close();
      assert.equal(seen.filter((s) => s.startsWith("disconnect")).length, 1);
    });
  });
  await t.step("after a whole answer read: the POS closes, ACK + EOT first", async () => {
    await withSimulator({ settings: { delayMs: 0 } }, async (simulator, port, seen) => {
      const gone = closed(simulator);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode(request()));
      const buffer = new Uint8Array(4096);
      await conn.read(buffer);
      await conn.write(encoder.encode("\x06\x04"));
      assert.match(await readAll(conn), /^$/);
      conn.close();
      await gone;
      assert.deepEqual(seen, [
        "connection",
        "answer",
        'extra "\\u0006\\u0004"',
        "disconnect pos answered",
      ]);
    });
  });
  await t.step("the terminal closes first: an idle connection at the stop", async () => {
    await withSimulator({}, async (simulator, port, seen) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await simulator.close();
      conn.close();
      assert.deepEqual(seen, ["connection", "disconnect terminal idle"]);
    });
  });
});

Deno.test("keep-open: ACK + EOT after an answer are extra bytes, not a request", async () => {
  await withSimulator(
    { keepOpen: true, settings: { delayMs: 0 } },
    async (simulator, port, seen) => {
      let requests = 0;
      simulator.on("request", () => requests++);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const buffer = new Uint8Array(4096);
      await conn.write(encoder.encode(request()));
      await conn.read(buffer);
      await conn.write(encoder.encode("\x06\x04"));
      await new Promise((resolve) => setTimeout(resolve, 450));
      await conn.write(encoder.encode(request({ amount: "999" })));
      const n = await conn.read(buffer);
      assert.match(new TextDecoder().decode(buffer.subarray(0, n!)), /CB003999AE00210/);
      const gone = closed(simulator);
      conn.close();
      await gone;
      assert.equal(requests, 2);
      assert.ok(seen.includes('extra "\\u0006\\u0004"'), seen.join());
    },
  );
});

Deno.test("no-answer holds the connection for holdMs, then the terminal closes it", async () => {
  await withSimulator(
    { settings: { delayMs: 0, fault: { kind: "no-answer" } }, holdMs: 200, idleTimeoutMs: 60_000 },
    async (simulator, port, seen) => {
      const gone = closed(simulator);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encoder.encode(request()));
      assert.equal(await readAll(conn), "");
      await gone;
      conn.close();
      assert.deepEqual(seen, ["connection", "abandon dropped", "disconnect terminal held"]);
    },
  );
});
