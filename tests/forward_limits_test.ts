// What can go wrong around the tap: the terminal down or slow to accept, the POS gone in
// the middle of the answer, too many connections, silence. No crash, nothing left open
// (the resource sanitizers), and one clear log line each.
import assert from "node:assert/strict";
import { buildRequest } from "../lib/message.ts";
import { parseFault } from "../lib/terminal/fault.ts";
import { type ForwardOptions, ForwardTap } from "../lib/terminal/forward.ts";
import { Journal } from "../lib/terminal/journal.ts";
import { logSimulator } from "../lib/terminal/log.ts";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";
import { asciiBytes, encode } from "../lib/tlv.ts";
import { posExchange, sleep, until } from "./forward_helpers.ts";

const REQUEST = encode(buildRequest({ amount: 1250 }));

/** A logger that keeps the lines, their placeholders filled. */
function lines(): { logger: Parameters<typeof logSimulator>[1]; text: string[] } {
  const text: string[] = [];
  const fill = (level: string) => (message: string, properties: Record<string, unknown>) => {
    text.push(`${level} ${message.replace(/\{(\w+)\}/g, (_, k) => String(properties[k]))}`);
  };
  return {
    text,
    logger: { debug: fill("DBG"), info: fill("INF"), warn: fill("WRN"), error: fill("ERR") },
  };
}

async function withTapOnly(
  options: Partial<ForwardOptions> & Pick<ForwardOptions, "upstream">,
  fn: (port: number, log: string[], tap: ForwardTap) => Promise<void>,
): Promise<void> {
  const tap = new ForwardTap({ hostname: "127.0.0.1", port: 0, ...options });
  const { logger, text } = lines();
  logSimulator(tap, logger);
  const { port } = await tap.start();
  try {
    await fn(port, text, tap);
  } finally {
    await tap.close({ force: true });
  }
}

/** A port nobody listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

Deno.test("forward tap: the terminal is down, the POS connection is closed, one line says why", async () => {
  const upstream = { hostname: "127.0.0.1", port: closedPort() };
  await withTapOnly({ upstream }, async (port, log) => {
    const seen = await posExchange(port, REQUEST);
    assert.equal(seen.bytes, "", "the tap never answers in the terminal's place");
    assert.notEqual(seen.end, "timeout");
    await until(() => log.some((l) => l.includes("cannot be reached")), "the log line");
    const line = log.filter((l) => l.includes("cannot be reached"));
    assert.equal(line.length, 1);
    assert.match(
      line[0],
      /^WRN .*The terminal at 127\.0\.0\.1:\d+ cannot be reached \(.+\): the POS connection is closed$/,
    );
  });
});

Deno.test("forward tap: the terminal never accepts, the connection attempt times out", async () => {
  let attempts = 0;
  const never = () => {
    attempts++;
    return new Promise<Deno.TcpConn>(() => {});
  };
  await withTapOnly(
    { upstream: { hostname: "192.0.2.1", port: 8888 }, connect: never, connectTimeoutMs: 100 },
    async (port, log) => {
      const seen = await posExchange(port, REQUEST);
      assert.equal(seen.bytes, "");
      assert.equal(attempts, 1);
      await until(() => log.some((l) => l.includes("no connection after 0.1 s")), "the log line");
    },
  );
});

Deno.test("forward tap: the terminal is slow to accept (its backlog holds the connection)", async () => {
  // A listener that accepts late: the connection waits in the backlog meanwhile.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const upstream = { hostname: "127.0.0.1", port: listener.addr.port };
  await withTapOnly({ upstream }, async (port) => {
    const pos = posExchange(port, REQUEST);
    await sleep(150);
    const conn = await listener.accept();
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, n!)), REQUEST);
    await conn.write(asciiBytes("CZ0040300AE00210"));
    conn.close();
    const seen = await pos;
    assert.equal(seen.bytes, "CZ0040300AE00210");
    assert.equal(seen.end, "eof");
  });
  listener.close();
});

Deno.test("forward tap: the POS goes away in the middle of a slow answer", async () => {
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 0, fault: parseFault("slow-answer:bytes=10,interval=0.05") },
  });
  const { port: upstreamPort } = await terminal.start();
  const journal = new Journal();
  try {
    await withTapOnly(
      { upstream: { hostname: "127.0.0.1", port: upstreamPort } },
      async (port, log, tap) => {
        journal.attach(tap);
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(asciiBytes(REQUEST));
        const buffer = new Uint8Array(64);
        assert.ok((await conn.read(buffer))! > 0);
        conn.close();
        await until(() => journal.list().some((e) => e.state !== "pending"), "the journal", 10_000);
        const [entry] = journal.list();
        assert.equal(entry.state, "client-gone");
        await until(() => tap.connections === 0, "the connections closed", 10_000);
        assert.ok(
          log.some((l) => /^WRN #1 answer not sent \(client-gone\)/.test(l)),
          log.join("\n"),
        );
      },
    );
  } finally {
    await terminal.close({ force: true });
  }
});

Deno.test("forward tap: limits still protect it (connections, silence)", async (t) => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const upstream = { hostname: "127.0.0.1", port: listener.addr.port };
  const accepted: Deno.TcpConn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) accepted.push(conn);
    } catch { /* closed */ }
  })();
  await t.step("beyond --max-connections, a connection is closed at once", async () => {
    await withTapOnly({ upstream, maxConnections: 1 }, async (port, log) => {
      const first = await Deno.connect({ hostname: "127.0.0.1", port });
      await until(() => accepted.length === 1, "the first connection upstream");
      const second = await posExchange(port, REQUEST, { timeoutMs: 2000 });
      assert.equal(second.bytes, "");
      assert.notEqual(second.end, "timeout");
      assert.ok(
        log.some((l) => l.includes("limit") || l.includes("1 connections")),
        log.join("\n"),
      );
      first.close();
    });
  });
  await t.step("silence both ways closes both connections at the idle time-out", async () => {
    await withTapOnly({ upstream, idleTimeoutMs: 200 }, async (port, log) => {
      const seen = await posExchange(port, REQUEST.slice(0, 10), { timeoutMs: 3000 });
      assert.equal(seen.bytes, "");
      assert.equal(seen.end, "eof");
      await until(() => log.some((l) => l.includes("Idle for 0.2 s")), "the log line");
    });
  });
  listener.close();
  await accepting;
  for (const conn of accepted) conn.close();
});

Deno.test("forward tap with a fallback: the simulator answers when the terminal is down", async () => {
  const fallback = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 0 },
  });
  const upstream = { hostname: "127.0.0.1", port: closedPort() };
  const journal = new Journal();
  await withTapOnly({ upstream, fallback }, async (port, log, tap) => {
    journal.attach(tap);
    const seen = await posExchange(port, REQUEST);
    assert.match(seen.bytes, /AE00210/);
    await until(() => journal.list().some((e) => e.state === "answered"), "the journal");
    const [entry] = journal.list();
    assert.equal(entry.source, undefined, "the simulator answered");
    assert.equal(entry.id, 1);
    assert.equal(entry.peer.startsWith("127.0.0.1:"), true);
    assert.notEqual(entry.peer, `127.0.0.1:${fallback.address.port}`);
    assert.ok(log.some((l) => l.includes("the simulator answers instead")));
  });
});

Deno.test("forward tap: a port in use is reported, the fallback stopped again", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const fallback = new TerminalSimulator({ hostname: "127.0.0.1", port: 0 });
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: taken.addr.port,
    upstream: { hostname: "127.0.0.1", port: closedPort() },
    fallback,
  });
  await assert.rejects(() => tap.start(), Deno.errors.AddrInUse);
  taken.close();
});
