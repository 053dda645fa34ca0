// What keeps the simulator up whatever it is sent, over 127.0.0.1: a cap on connections,
// an idle time-out (also for a POS that never gives up on a no-answer), a time-out inside
// a record, a largest message; strict mode; the three ways of serving overlapping sales;
// a listener that throws.
import assert from "node:assert/strict";
import { MessageReader, writeAll } from "../lib/framing.ts";
import { exchange, pay } from "../lib/pos.ts";
import { Journal } from "../lib/terminal/journal.ts";
import {
  type SimulatorOptions,
  TerminalSimulator,
  type Transaction,
} from "../lib/terminal/simulator.ts";
import { getField } from "../lib/tlv.ts";
import { decide } from "../lib/terminal/behaviour.ts";

const DEBIT = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";
const local = (port: number) => ({ host: "127.0.0.1", port, timeoutMs: 10_000, quietMs: 50 });

async function withTerminal(
  options: SimulatorOptions,
  fn: (port: number, terminal: TerminalSimulator, journal: Journal) => Promise<void>,
): Promise<void> {
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    ...options,
    settings: { delayMs: 0, ...options.settings },
  });
  const journal = new Journal();
  journal.attach(terminal);
  const { port } = await terminal.start();
  try {
    await fn(port, terminal, journal);
  } finally {
    await terminal.close({ force: true });
  }
}

/** The next event of a kind, with its detail. */
function next<T>(terminal: TerminalSimulator, type: string): Promise<T> {
  return new Promise((resolve) =>
    terminal.addEventListener(type, (e) => resolve((e as CustomEvent<T>).detail), { once: true })
  );
}

/** Reads until the peer closes; the text read. */
async function readToEnd(conn: Deno.TcpConn): Promise<string> {
  const message = await new MessageReader(conn).read({ quietMs: 60_000, timeoutMs: 10_000 });
  return message?.text ?? "";
}

Deno.test("max connections: beyond the cap a connection is closed at once, and reported", async () => {
  await withTerminal({ maxConnections: 2 }, async (port, terminal) => {
    const overflows: number[] = [];
    terminal.on("overflow", (e) => overflows.push(e.detail.limit));
    const first = await Deno.connect({ hostname: "127.0.0.1", port });
    const second = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      // Wait until the simulator has both: its count says so.
      while (terminal.connections < 2) await new Promise((r) => setTimeout(r, 10));
      const third = await Deno.connect({ hostname: "127.0.0.1", port });
      assert.equal(await readToEnd(third), ""); // closed without a byte
      third.close();
      assert.deepEqual(overflows, [2]);
      // The two already open are served as usual.
      await writeAll(first, new TextEncoder().encode(DEBIT));
      assert.equal(
        getField((await new MessageReader(first).read({ quietMs: 50 }))!.fields, "AE"),
        "10",
      );
    } finally {
      first.close();
      second.close();
    }
    // Once they are gone, new connections are served again.
    while (terminal.connections > 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await pay({ amount: 1250 }, local(port))).answer.approved, true);
  });
});

Deno.test("idle time-out: a connection that sends nothing is closed", async () => {
  await withTerminal({ idleTimeoutMs: 200 }, async (port, terminal) => {
    const problem = next<{ error: Error }>(terminal, "problem");
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const started = Date.now();
    assert.equal(await readToEnd(conn), "");
    conn.close();
    assert.ok(Date.now() - started >= 150, "closed before the idle time-out");
    assert.equal((await problem).error.name, "TimeoutError");
    assert.equal(terminal.connections, 0);
  });
});

Deno.test("idle time-out: no-answer holds the connection only until it", async () => {
  await withTerminal(
    { idleTimeoutMs: 300, settings: { fault: { kind: "no-answer" } } },
    async (port, terminal, journal) => {
      const ended = next<Transaction>(terminal, "abandon");
      // A POS that never gives up: no time-out of its own, and it never closes.
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await writeAll(conn, new TextEncoder().encode(DEBIT));
      assert.equal(await readToEnd(conn), "");
      conn.close();
      const transaction = await ended;
      assert.equal(transaction.state, "dropped");
      assert.match(transaction.note!, /closed at the idle time-out$/);
      assert.equal(journal.list()[0].state, "dropped");
    },
  );
});

Deno.test("record time-out: silence inside a record answers AF=09, cut short", async () => {
  await withTerminal({ recordTimeoutMs: 150, idleTimeoutMs: 10_000 }, async (port, terminal) => {
    const request = next<Transaction>(terminal, "request");
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, new TextEncoder().encode("CZ0040300CJ0120123"));
    const answer = await readToEnd(conn);
    conn.close();
    assert.equal(answer, "CZ0040300AE00201AF00209");
    const transaction = await request;
    assert.equal(transaction.end, "stalled");
    assert.match(transaction.plan.reason, /cut short/);
  });
});

Deno.test("max message size: a larger request is answered AF=09 and the connection closed", async () => {
  await withTerminal({ maxBytes: 200 }, async (port, terminal) => {
    const problem = next<{ error: Error }>(terminal, "problem");
    const request = next<Transaction>(terminal, "request");
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    // Whole records, never the mandatory ones: only the size can end it.
    const records = "CZ0040300" + "XA010abcdefghij".repeat(100);
    await writeAll(conn, new TextEncoder().encode(records)).catch(() => {});
    const answer = await readToEnd(conn);
    conn.close();
    assert.equal((await problem).error.name, "MessageSizeError");
    assert.equal((await request).end, "oversize");
    assert.match(answer, /AE00201AF00209$/);
  });
});

Deno.test("strict mode: a request with a warning is answered AF=09, the finding journaled", async () => {
  await withTerminal({ settings: { strict: true } }, async (port, _terminal, journal) => {
    const bug = DEBIT.replace("CJ012012345678901", "CJ003012");
    const result = await exchange(bug, local(port));
    assert.equal(result.answer.status, "01");
    assert.equal(result.answer.complementCode, "09");
    const [entry] = journal.list();
    assert.equal(entry.decision.reason, "strict mode, bad message format: CJ must be 12 digits");
    assert.deepEqual(entry.findings.map((f) => [f.level, f.tag]), [["warning", "CJ"]]);
    // A conforming request is served as usual.
    assert.equal((await exchange(DEBIT, local(port))).answer.approved, true);
  });
});

Deno.test("concurrency queue: one transaction at a time, in order of arrival", async () => {
  await withTerminal(
    { concurrency: "queue", settings: { delayMs: 200 } },
    async (port, terminal, journal) => {
      const queued: number[] = [];
      terminal.on("queued", (e) => queued.push(e.detail.ahead));
      const first = pay({ amount: 101 }, local(port));
      await next(terminal, "request");
      const second = pay({ amount: 102 }, local(port));
      await new Promise((r) => setTimeout(r, 50));
      const third = pay({ amount: 103 }, local(port));
      const results = await Promise.all([first, second, third]);
      assert.ok(results.every((r) => r.answer.approved));
      assert.deepEqual(queued, [1, 2]);
      // Each was decided once the one before had answered.
      const entries = journal.list();
      assert.deepEqual(entries.map((e) => e.request.fields.CB), ["101", "102", "103"]);
      for (let i = 1; i < entries.length; i++) {
        assert.ok(entries[i].decidedAt >= entries[i - 1].answeredAt!, JSON.stringify(entries));
      }
    },
  );
});

Deno.test("concurrency busy: a request during a sale is answered AE=01 AF=07 at once", async () => {
  await withTerminal(
    { concurrency: "busy", settings: { delayMs: 400 } },
    async (port, terminal, journal) => {
      const first = pay({ amount: 101 }, local(port));
      await next(terminal, "request");
      const busy = await pay({ amount: 102 }, local(port));
      assert.equal(busy.answer.status, "01");
      assert.equal(busy.answer.complementCode, "07");
      assert.equal(busy.answer.reason, "not completed");
      const approved = await first;
      assert.equal(approved.answer.approved, true);
      // The busy answer came while the first sale was in progress.
      const [sale, refused] = journal.list();
      assert.ok(refused.answeredAt! < sale.answeredAt!);
      assert.equal(refused.fault?.spec.kind, "busy");
      assert.deepEqual(refused.decision.decidedBy, {
        source: "settings",
        note: "busy with transaction #1",
      });
      assert.equal(refused.delay.plannedMs, 0);
      // Free again: served as usual.
      assert.equal((await pay({ amount: 103 }, local(port))).answer.approved, true);
    },
  );
});

Deno.test("a listener that throws does not stop the simulator: it is reported", async () => {
  await withTerminal({}, async (port, terminal) => {
    const problems: string[] = [];
    terminal.on("problem", (e) => problems.push(e.detail.error.message));
    terminal.on("answer", () => {
      throw new Error("a bug in a listener");
    });
    for (let i = 0; i < 2; i++) {
      assert.equal((await pay({ amount: 1250 }, local(port))).answer.approved, true);
    }
    assert.deepEqual(problems, [
      'A listener of the "answer" event failed: a bug in a listener',
      'A listener of the "answer" event failed: a bug in a listener',
    ]);
  });
});

/**
 * A connection to a port that stopped listening: refused, or reset when it reached the
 * listening socket's queue just as it closed.
 */
function refusedOrReset(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionRefused ||
    error instanceof Deno.errors.ConnectionReset;
}

Deno.test("refuseConnections(): refused for the period, served again after; a stop meanwhile is clean", async (t) => {
  await t.step("refused, then served on the same port", async () => {
    await withTerminal({}, async (port, terminal) => {
      const again = next<Deno.NetAddr>(terminal, "listening");
      terminal.refuseConnections(300);
      terminal.refuseConnections(100); // never shortens the period
      assert.equal(terminal.refusing, true);
      await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), refusedOrReset);
      const started = Date.now();
      assert.equal((await again).port, port);
      assert.ok(Date.now() - started >= 150, "listening again before the period ended");
      assert.equal((await pay({ amount: 1250 }, local(port))).answer.approved, true);
      assert.equal(terminal.address.port, port);
    });
  });
  await t.step("closed while refusing: no timer left, no listener", async () => {
    await withTerminal({}, async (port, terminal) => {
      terminal.refuseConnections(60_000);
      await terminal.close();
      assert.equal(terminal.refusing, false);
      await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), refusedOrReset);
    });
  });
});

Deno.test("start() rejects, never throws: started twice, or on a port taken", async (t) => {
  await t.step("started twice", async () => {
    await withTerminal({}, async (_port, terminal) => {
      const again = terminal.start();
      assert.ok(again instanceof Promise);
      await assert.rejects(again, /^Error: The simulator is already started$/);
    });
  });
  await t.step("a port taken", async () => {
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const terminal = new TerminalSimulator({ hostname: "127.0.0.1", port: taken.addr.port });
    const started = terminal.start();
    assert.ok(started instanceof Promise);
    await assert.rejects(started, Deno.errors.AddrInUse);
  });
});

Deno.test("arrived: announced once a request is read, before its decision", async () => {
  const order: string[] = [];
  await withTerminal({
    decide: (request, settings, context) => {
      order.push(`decide #${context.transactionId}`);
      return decide(request, settings, context);
    },
  }, async (port, terminal) => {
    const stop = terminal.on("arrived", (e) => {
      order.push(`arrived #${e.detail.id} ${getField(e.detail.fields, "CB")}`);
      assert.equal(e.detail.peer.startsWith("127.0.0.1:"), true);
    });
    terminal.on("request", (e) => order.push(`request #${e.detail.id}`));
    await pay({ amount: 1250 }, local(port));
    stop();
    await pay({ amount: 990 }, local(port));
  });
  assert.deepEqual(order, [
    "arrived #1 1250",
    "decide #1",
    "request #1",
    "decide #2",
    "request #2",
  ]);
});
