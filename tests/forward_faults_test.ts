// The tap is transparent whatever the terminal does: for every fault the simulator can
// produce, the POS gets through the tap exactly the bytes and the end it gets directly,
// the pieces in the same number with the same gaps (within a tolerance for a busy
// machine). Two simulators with the same seed stand for the terminal, one reached
// directly, one through the tap: each draws the same answer.
import assert from "node:assert/strict";
import { buildRequest } from "../lib/message.ts";
import { seededRandom } from "../lib/random.ts";
import { type FaultSpec, parseFault } from "../lib/terminal/fault.ts";
import { ForwardTap } from "../lib/terminal/forward.ts";
import { Journal } from "../lib/terminal/journal.ts";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";
import { encode } from "../lib/tlv.ts";
import { fileURLToPath } from "node:url";
import { posExchange, type Seen, until } from "./forward_helpers.ts";
import { startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const REQUEST = encode(buildRequest({ amount: 1250, privateData: "REF-1" }));
/** Gaps may differ by this much: two event loops and a shared 2-core machine in between. */
const GAP_TOLERANCE_MS = 60;

/** A simulator standing for the real terminal, with a fault by default. */
function terminal(fault?: FaultSpec): TerminalSimulator {
  return new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 20, ...(fault ? { fault } : {}) },
    random: seededRandom(7),
    idleTimeoutMs: 5_000,
  });
}

function gaps(seen: Seen): number[] {
  return seen.segments.slice(1).map((s, i) => s.at - seen.segments[i].at);
}

const FAULTS = [
  "none",
  "split-answer:segments=3,gap=0.15",
  "slow-answer:bytes=40,interval=0.1",
  "garbage-answer",
  "truncated-answer",
  "close-before-answer",
  "reset",
  "no-answer",
  "approve-then-drop",
  "busy",
];

Deno.test("forward tap: the POS gets what it gets directly, for every fault upstream", async (t) => {
  for (const name of FAULTS) {
    await t.step(name, async () => {
      const fault = name === "none" ? undefined : parseFault(name);
      const direct = terminal(fault), behind = terminal(fault);
      const { port: directPort } = await direct.start();
      const { port: upstreamPort } = await behind.start();
      const tap = new ForwardTap({
        hostname: "127.0.0.1",
        port: 0,
        upstream: { hostname: "127.0.0.1", port: upstreamPort },
      });
      const journal = new Journal();
      journal.attach(tap);
      const { port: tapPort } = await tap.start();
      try {
        // no-answer: the POS gives up after 400 ms of silence, both ways.
        const options = { timeoutMs: name === "no-answer" ? 400 : 3000 };
        const a = await posExchange(directPort, REQUEST, options);
        const b = await posExchange(tapPort, REQUEST, options);
        assert.equal(b.bytes, a.bytes);
        assert.equal(b.end, a.end);
        if (name.startsWith("split") || name.startsWith("slow")) {
          assert.equal(b.segments.length, a.segments.length, "as many pieces");
          assert.ok(a.segments.length > 1);
          const [ga, gb] = [gaps(a), gaps(b)];
          for (let i = 0; i < ga.length; i++) {
            assert.ok(
              Math.abs(ga[i] - gb[i]) <= GAP_TOLERANCE_MS,
              `gap ${i}: ${gb[i].toFixed(1)} ms through the tap, ${ga[i].toFixed(1)} ms directly`,
            );
          }
        }
        await until(() => journal.list().some((e) => e.state !== "pending"), "the journal");
        const [entry] = journal.list();
        assert.equal(entry.source, "forward");
        assert.equal(entry.request.raw, REQUEST);
        assert.equal(entry.answer.raw, b.bytes);
      } finally {
        await tap.close({ force: true });
        await direct.close({ force: true });
        await behind.close({ force: true });
      }
    });
  }
});

Deno.test("forward tap: a property over random requests, tap(request) == direct(request)", async () => {
  const random = seededRandom(2026);
  const actions = ["debit", "credit", "cancellation", "identification"] as const;
  for (let round = 0; round < 12; round++) {
    const seed = random.int(1_000_000);
    const action = actions[random.int(actions.length)];
    const request = encode(buildRequest({
      action,
      ...(action === "identification" ? {} : { amount: 1 + random.int(99_999) }),
      register: String(random.int(100)).padStart(2, "0"),
      currency: ["EUR", "USD", "JPY"][random.int(3)],
      ...(random.int(2) ? { privateData: `R${random.int(10_000)}` } : {}),
      ...(random.int(4) === 0 ? { immediate: true } : {}),
      ...(random.int(4) === 0 ? { application: "00C" } : {}),
    }));
    // A request cut or garbled now and then: the terminal's AF=09 goes through too.
    const sent = random.int(5) === 0 ? request.slice(0, 20 + random.int(20)) : request;
    const make = () =>
      new TerminalSimulator({
        hostname: "127.0.0.1",
        port: 0,
        settings: { delayMs: 0 },
        random: seededRandom(seed),
        quietMs: 50,
        recordTimeoutMs: 200,
      });
    const direct = make(), behind = make();
    const { port: directPort } = await direct.start();
    const { port: upstreamPort } = await behind.start();
    const tap = new ForwardTap({
      hostname: "127.0.0.1",
      port: 0,
      upstream: { hostname: "127.0.0.1", port: upstreamPort },
    });
    const { port: tapPort } = await tap.start();
    try {
      const a = await posExchange(directPort, sent, { halfClose: sent !== request });
      const b = await posExchange(tapPort, sent, { halfClose: sent !== request });
      assert.ok(a.bytes.startsWith("CZ004"), `round ${round}: an answer`);
      assert.equal(b.bytes, a.bytes, `round ${round}: ${sent}`);
      assert.equal(b.end, a.end);
    } finally {
      await tap.close({ force: true });
      await direct.close({ force: true });
      await behind.close({ force: true });
    }
  }
});

Deno.test("forward tap with --allow-faults-upstream: the fault applies to the answer coming back", async () => {
  const upstream = terminal();
  const { port: upstreamPort } = await upstream.start();
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: upstreamPort },
    settings: { fault: parseFault("split-answer:segments=4,gap=0.1") },
    faultsUpstream: true,
    quietMs: 50,
  });
  const journal = new Journal();
  journal.attach(tap);
  const { port } = await tap.start();
  try {
    const seen = await posExchange(port, REQUEST);
    assert.equal(seen.segments.length, 4);
    assert.equal(seen.end, "eof");
    await until(() => journal.list().some((e) => e.state !== "pending"), "the journal");
    const [entry] = journal.list();
    assert.equal(entry.answer.raw, seen.bytes);
    assert.match(entry.note ?? "", /^fault upstream: the answer in 4 pieces/);
  } finally {
    await tap.close({ force: true });
    await upstream.close({ force: true });
  }
});

Deno.test("forward tap without --allow-faults-upstream: a fault in the settings changes nothing", async () => {
  const upstream = terminal();
  const { port: upstreamPort } = await upstream.start();
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: upstreamPort },
    settings: { fault: parseFault("no-answer") },
  });
  const { port } = await tap.start();
  try {
    const seen = await posExchange(port, REQUEST);
    assert.equal(seen.end, "eof");
    assert.match(seen.bytes, /AE00210/);
  } finally {
    await tap.close({ force: true });
    await upstream.close({ force: true });
  }
});

Deno.test("forward tap with --allow-faults-upstream no-answer: the POS's connection stays open and silent", async () => {
  const upstream = terminal();
  const { port: upstreamPort } = await upstream.start();
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: upstreamPort },
    settings: { fault: parseFault("no-answer") },
    faultsUpstream: true,
    quietMs: 50,
  });
  const journal = new Journal();
  journal.attach(tap);
  const { port } = await tap.start();
  try {
    const seen = await posExchange(port, REQUEST, { timeoutMs: 600 });
    assert.equal(seen.bytes, "");
    assert.equal(seen.end, "timeout", "open until the POS gave up");
    await until(() => journal.list().some((e) => e.state !== "pending"), "the journal");
    const [entry] = journal.list();
    assert.equal(entry.state, "dropped");
    assert.equal(entry.sent, "");
    assert.match(entry.answer.raw, /AE00210/, "what the terminal answered");
  } finally {
    await tap.close({ force: true });
    await upstream.close({ force: true });
  }
});

Deno.test("forward tap in front of a simulator process: same bytes, same pieces as directly", async () => {
  const args = [
    "run",
    "-A",
    `${ROOT}server.ts`,
    "--host",
    "127.0.0.1",
    "-p",
    "0",
    "-d",
    "0",
    "--seed",
    "11",
    "--fault",
    "split-answer:segments=3,gap=0.15",
    "--log-level",
    "error",
  ];
  const direct = await startServer(Deno.execPath(), args);
  const behind = await startServer(Deno.execPath(), args);
  const tap = new ForwardTap({
    hostname: "127.0.0.1",
    port: 0,
    upstream: { hostname: "127.0.0.1", port: behind.port },
  });
  const { port } = await tap.start();
  try {
    const a = await posExchange(direct.port, REQUEST);
    const b = await posExchange(port, REQUEST);
    assert.equal(b.bytes, a.bytes);
    assert.equal(b.end, a.end);
    assert.equal(b.segments.length, 3);
    assert.equal(a.segments.length, 3);
    const [ga, gb] = [gaps(a), gaps(b)];
    for (let i = 0; i < ga.length; i++) assert.ok(Math.abs(ga[i] - gb[i]) <= GAP_TOLERANCE_MS);
  } finally {
    await tap.close({ force: true });
    await direct.stop();
    await behind.stop();
  }
});
