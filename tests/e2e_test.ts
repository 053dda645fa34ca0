// The POS client against the simulated terminal over 127.0.0.1, for each row of the
// reference tool's behaviour table, and the stream cases a one-recv() tool gets wrong.
import assert from "node:assert/strict";
import net from "node:net";
import { exchange, pay, PosError } from "../lib/pos.ts";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";
import type { TerminalSettings } from "../lib/terminal/behaviour.ts";
import { MessageReader, writeAll } from "../lib/framing.ts";
import { getField } from "../lib/tlv.ts";

const DEBIT = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250";

async function withTerminal(
  settings: Partial<TerminalSettings>,
  fn: (port: number, terminal: TerminalSimulator) => Promise<void>,
  options: ConstructorParameters<typeof TerminalSimulator>[0] = {},
) {
  const terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 20, ...settings },
    ...options,
  });
  const { port } = await terminal.start();
  try {
    await fn(port, terminal);
  } finally {
    await terminal.close({ force: true });
  }
}

const local = (port: number) => ({ host: "127.0.0.1", port, timeoutMs: 5_000, quietMs: 50 });

Deno.test("each row of the behaviour table, end to end over TCP", async (t) => {
  await t.step("missing tag: AE=01 AF=09, also in success mode", async () => {
    await withTerminal({}, async (port) => {
      const result = await exchange(DEBIT.replace("CB0041250", ""), local(port));
      assert.equal(result.answer.status, "01");
      assert.equal(result.answer.complementCode, "09");
      assert.equal(result.answerText, DEBIT.replace("CB0041250", "") + "AE00201AF00209");
    });
  });
  await t.step("BA=1: AE=11 at once", async () => {
    await withTerminal({ delayMs: 10_000 }, async (port) => {
      const result = await pay({ amount: 1250, immediate: true }, local(port));
      assert.equal(result.answer.acknowledged, true);
      assert.equal(result.answerText, DEBIT.replace("BA0010", "BA0011") + "AE00211");
      assert.ok(result.elapsedMs < 5_000);
    });
  });
  for (
    const [failureType, af] of [["abandon", "11"], ["timeout", "08"], ["refused", "04"], [
      "forbidden",
      "05",
    ]] as const
  ) {
    await t.step(`failure, card, ${failureType}: AE=01 AF=${af}`, async () => {
      await withTerminal({ failure: true, failureType }, async (port) => {
        const result = await pay({ amount: 1250 }, local(port));
        assert.equal(result.answerText, `${DEBIT}AE00201AF002${af}`);
        assert.equal(result.answer.approved, false);
      });
    });
  }
  await t.step("failure, cheque: AE=01 AF=04", async () => {
    await withTerminal({ failure: true, failureType: "timeout" }, async (port) => {
      const result = await pay({ amount: 1250, application: "00C" }, local(port));
      assert.equal(result.answer.complementCode, "04");
    });
  });
  await t.step("success, cheque: AE=10, nothing else", async () => {
    await withTerminal({}, async (port) => {
      const result = await pay({ amount: 1250, application: "00C" }, local(port));
      assert.equal(
        result.answerText,
        "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CC00300CCB0041250AE00210",
      );
    });
  });
  await t.step("success, card: AE=10 and the card's data", async () => {
    await withTerminal(
      { paymentType: "amexcontactless", merchantContract: "777" },
      async (port) => {
        const result = await pay({ amount: 1250, privateData: "ORDER-42" }, local(port));
        const a = result.answer;
        assert.equal(a.approved, true);
        assert.equal(a.application, "00D");
        assert.equal(a.readMode, "2");
        assert.equal(a.contract, "777");
        assert.equal(a.privateData, "ORDER-42");
        assert.match(a.authorisation ?? "", /^[0-9]{6}$/);
        assert.match(a.cardNumber ?? "", /^[0-9]{6}######[0-9]{4}$/);
        assert.deepEqual(result.warnings, []);
      },
    );
  });
});

Deno.test("the delay of one POS never holds up another", async () => {
  await withTerminal({ delayMs: 300 }, async (port) => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pay({ amount: 100 + i }, local(port))),
    );
    const elapsed = performance.now() - started;
    assert.ok(results.every((r) => r.answer.approved));
    assert.deepEqual(results.map((r) => r.answer.amount), results.map((_, i) => 100 + i));
    // One after the other would take 30 x 300 ms = 9 s.
    assert.ok(elapsed < 4_500, `30 payments took ${elapsed} ms`);
  });
});

Deno.test("a request split across segments is reassembled by the terminal", async () => {
  await withTerminal({ delayMs: 0 }, async (port) => {
    for (const cut of [1, 9, 11, 30, DEBIT.length - 1]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await writeAll(conn, new TextEncoder().encode(DEBIT.slice(0, cut)));
      await new Promise((resolve) => setTimeout(resolve, 30));
      await writeAll(conn, new TextEncoder().encode(DEBIT.slice(cut)));
      const answer = await new MessageReader(conn).read({ quietMs: 50, timeoutMs: 5_000 });
      conn.close();
      assert.equal(getField(answer?.fields ?? [], "AE"), "10", `cut at ${cut}`);
      assert.equal(answer?.text.slice(0, DEBIT.length), DEBIT);
    }
  });
});

Deno.test("an answer split across segments is read whole by the client", async () => {
  const answer = `${DEBIT}AE00210CC003001CI0011AC006123456`;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const terminal = (async () => {
    for (const cut of [DEBIT.length + 3, DEBIT.length + 7]) {
      const conn = await listener.accept();
      await new MessageReader(conn).read({ quietMs: 20 });
      await writeAll(conn, new TextEncoder().encode(answer.slice(0, cut)));
      await new Promise((resolve) => setTimeout(resolve, 40));
      await writeAll(conn, new TextEncoder().encode(answer.slice(cut)));
      // Keep the connection open: the client must end the answer by itself.
      await new Promise((resolve) => setTimeout(resolve, 400));
      conn.close();
    }
  })();
  try {
    for (let i = 0; i < 2; i++) {
      const result = await pay({ amount: 1250 }, {
        port: (listener.addr as Deno.NetAddr).port,
        quietMs: 150,
        timeoutMs: 5_000,
      });
      assert.equal(result.answerText, answer);
      assert.equal(result.answer.approved, true);
      assert.equal(result.end, "quiet");
    }
  } finally {
    await terminal;
    listener.close();
  }
});

Deno.test("malformed frames get AE=01 AF=09 with what could be decoded, never silence", async (t) => {
  await withTerminal({}, async (port, terminal) => {
    const requests: string[] = [];
    terminal.on("request", (e) => requests.push(e.detail.plan.reason));
    const cases: [string, string][] = [
      ["CZ0040300CJ01A012345678901", "CZ0040300AE00201AF00209"],
      ["CZ0040300CA00201CB0", "CZ0040300CA00201AE00201AF00209"],
      ["CZ0040300CF004caf\u00e9", "CZ0040300AE00201AF00209"],
      ["CJ012012345678901CZ0040300", "CZ0040300CJ012012345678901AE00201AF00209"],
      ["\x00\x01\x02garbage", "CZ0040300AE00201AF00209"],
    ];
    for (const [frame, expected] of cases) {
      await t.step(JSON.stringify(frame), async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await writeAll(conn, new TextEncoder().encode(frame));
        const answer = await new MessageReader(conn).read({ quietMs: 50, timeoutMs: 5_000 });
        conn.close();
        assert.equal(answer?.text, expected);
      });
    }
    assert.equal(requests.length, cases.length);
    assert.ok(requests.every((r) => r.startsWith("bad message format")));
  }, { quietMs: 50, recordTimeoutMs: 200 });
});

Deno.test("a request cut short by the POS closing still gets AE=01 AF=09", async () => {
  await withTerminal({}, async (port) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, new TextEncoder().encode("CZ0040300CA00201CB00"));
    await conn.closeWrite();
    const answer = await new MessageReader(conn).read({ quietMs: 50, timeoutMs: 5_000 });
    conn.close();
    assert.equal(answer?.text, "CZ0040300CA00201AE00201AF00209");
  });
});

Deno.test("a POS that half-closes after its request still gets the answer", async () => {
  await withTerminal({ delayMs: 100 }, async (port, terminal) => {
    let early: boolean | undefined;
    terminal.on("answer", (e) => early = e.detail.peerClosedEarly);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, new TextEncoder().encode(DEBIT));
    await conn.closeWrite();
    const answer = await new MessageReader(conn).read({ quietMs: 50, timeoutMs: 5_000 });
    conn.close();
    assert.equal(getField(answer?.fields ?? [], "AE"), "10");
    assert.equal(early, true);
  });
});

Deno.test("a POS that goes away before the answer is reported as gone", async () => {
  await withTerminal({ delayMs: 150 }, async (port, terminal) => {
    const abandoned = new Promise<string>((resolve) =>
      terminal.on("abandon", (e) => resolve(e.detail.state))
    );
    const answered = new Promise<string>((resolve) =>
      terminal.on("answer", () => resolve("answered"))
    );
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, new TextEncoder().encode(DEBIT));
    await new Promise((resolve) => setTimeout(resolve, 30));
    conn.close();
    // Writing to a socket the peer closed may succeed once (the RST comes back after):
    // either way the transaction ends and the terminal stays up.
    const state = await Promise.race([abandoned, answered]);
    assert.ok(state === "client-gone" || state === "answered", state);
    const result = await pay({ amount: 100 }, local(port));
    assert.equal(result.answer.approved, true);
  });
});

Deno.test("keep-open serves several requests on one connection", async () => {
  await withTerminal({ delayMs: 0 }, async (port) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const reader = new MessageReader(conn);
    for (const amount of ["0041250", "0041300"]) {
      await writeAll(conn, new TextEncoder().encode(DEBIT.replace("CB0041250", `CB${amount}`)));
      const answer = await reader.read({ quietMs: 50, timeoutMs: 5_000 });
      assert.equal(getField(answer?.fields ?? [], "CB"), amount.slice(3));
      assert.equal(getField(answer?.fields ?? [], "AE"), "10");
    }
    conn.close();
  }, { keepOpen: true });
});

Deno.test("without keep-open the terminal closes after answering", async () => {
  await withTerminal({ delayMs: 0 }, async (port) => {
    const result = await pay({ amount: 1250 }, { ...local(port), quietMs: 5_000 });
    assert.equal(result.end, "closed");
    assert.ok(result.elapsedMs < 4_000);
  });
});

Deno.test("close() lets answers in flight finish; close({ force }) drops them", async (t) => {
  await t.step("graceful", async () => {
    const terminal = new TerminalSimulator({
      hostname: "127.0.0.1",
      port: 0,
      settings: { delayMs: 200 },
    });
    const { port } = await terminal.start();
    const payment = pay({ amount: 1250 }, local(port));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await terminal.close();
    assert.equal((await payment).answer.approved, true);
    await assert.rejects(pay({ amount: 1250 }, local(port)), (e: unknown) => {
      assert.ok(e instanceof PosError);
      assert.equal(e.kind, "connect");
      return true;
    });
  });
  await t.step("forced", async () => {
    const terminal = new TerminalSimulator({
      hostname: "127.0.0.1",
      port: 0,
      settings: { delayMs: 10_000 },
    });
    const { port } = await terminal.start();
    const states: string[] = [];
    terminal.on("abandon", (e) => states.push(e.detail.state));
    const payment = pay({ amount: 1250 }, local(port));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await terminal.close({ force: true });
    await assert.rejects(payment, (e: unknown) => {
      assert.ok(e instanceof PosError);
      assert.equal(e.kind, "closed");
      assert.equal(e.paymentMayBeTaken, true);
      return true;
    });
    assert.deepEqual(states, ["cancelled"]);
  });
});

Deno.test("client errors say what happened and what to do", async (t) => {
  await t.step("nothing listening", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await assert.rejects(
      pay({ amount: 100 }, local(port)),
      /Cannot connect to 127\.0\.0\.1:\d+: connection refused/,
    );
  });
  await t.step("no answer in time", async () => {
    await withTerminal({ delayMs: 5_000 }, async (port) => {
      await assert.rejects(
        pay({ amount: 100 }, { ...local(port), timeoutMs: 100 }),
        (e: unknown) => {
          assert.ok(e instanceof PosError);
          assert.equal(e.kind, "timeout");
          assert.equal(
            e.message,
            "No answer within 100 ms: the payment may still have been taken; check the terminal",
          );
          return true;
        },
      );
    });
  });
  await t.step("malformed answer", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const fake = (async () => {
      const conn = await listener.accept();
      await new MessageReader(conn).read({ quietMs: 20 });
      await writeAll(conn, new TextEncoder().encode("CZ0040300AE0021"));
      conn.close();
    })();
    await assert.rejects(
      pay({ amount: 100 }, local((listener.addr as Deno.NetAddr).port)),
      (e: unknown) => {
        assert.ok(e instanceof PosError);
        assert.equal(e.kind, "protocol");
        assert.match(e.message, /Malformed answer .* cut short/);
        assert.equal(e.received, "CZ0040300AE0021");
        return true;
      },
    );
    await fake;
    listener.close();
  });
  await t.step("a terminal that resets the connection (a real TCP RST)", async () => {
    // node:net can abort its own sockets with an RST; the simulator cannot (Deno.listen).
    const server = net.createServer((socket) => {
      socket.once("data", () => socket.resetAndDestroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      await assert.rejects(pay({ amount: 100 }, local(port)), (e: unknown) => {
        assert.ok(e instanceof PosError);
        assert.equal(e.kind, "reset");
        assert.equal(e.paymentMayBeTaken, true);
        assert.match(
          e.message,
          /^The terminal at 127\.0\.0\.1:\d+ reset the connection without answering: the payment may still have been taken; check the terminal$/,
        );
        return true;
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
  await t.step("an abort signal cancels the exchange", async () => {
    await withTerminal({ delayMs: 5_000 }, async (port) => {
      const controller = new AbortController();
      const payment = pay({ amount: 100 }, { ...local(port), signal: controller.signal });
      setTimeout(() => controller.abort(new Error("cashier cancelled")), 50);
      await assert.rejects(payment, /cashier cancelled/);
    });
  });
});
