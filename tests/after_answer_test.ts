// The read after the answer (extra-bytes): after every answer to a POS at first, then one
// in READ_ONE_IN once it has had READ_EVERY_FIRST answers followed by nothing, and after
// every answer again as soon as bytes come.
import assert from "node:assert/strict";
import { READ_EVERY_FIRST, READ_ONE_IN } from "../lib/terminal/after_answer.ts";
import { TerminalSimulator } from "../lib/terminal/simulator.ts";

const REQUEST = new TextEncoder().encode(
  "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250",
);

/** One payment on its own connection: reads the answer to the end, sends `after`, closes. */
async function pay(port: number, after?: string): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(REQUEST);
    const buffer = new Uint8Array(1024);
    while ((await conn.read(buffer)) !== null) { /* the answer */ }
    if (after) await conn.write(new TextEncoder().encode(after));
  } finally {
    conn.close();
  }
}

Deno.test("bytes after the answer: every answer at first, a sample later, every answer again once seen", async () => {
  await using terminal = new TerminalSimulator({
    hostname: "127.0.0.1",
    port: 0,
    settings: { delayMs: 0 },
  });
  const { port } = await terminal.start();
  const seen: number[] = [];
  terminal.on("extra-bytes", (e) => seen.push(e.detail.transactionId!));
  const ended = new Map<number, () => void>();
  terminal.on("disconnect", (e) => ended.get(e.detail.transactionId!)?.());
  /** One payment, once the simulator is done with its connection (the read ended). */
  const payment = async (id: number, after?: string) => {
    const done = new Promise<void>((resolve) => ended.set(id, resolve));
    await pay(port, after);
    await done;
  };
  let id = 0;
  // A careful POS for a while: nothing after its answers.
  for (let i = 0; i < READ_EVERY_FIRST + 5; i++) await payment(++id);
  // Then an ACK after each answer: seen within READ_ONE_IN answers, and every one after.
  const first = id + 1;
  for (let i = 0; i < 2 * READ_ONE_IN; i++) await payment(++id, "\x06");
  assert.ok(seen.length > 0, "the ACKs were seen");
  assert.ok(seen[0] < first + READ_ONE_IN, `first ACK seen at #${seen[0]}, sent from #${first}`);
  assert.deepEqual(
    seen,
    Array.from({ length: id - seen[0] + 1 }, (_, i) => seen[0] + i),
    "every ACK after the first seen",
  );
  assert.ok(seen[0] > first, "answers were skipped once the POS had shown it sends nothing");
});
