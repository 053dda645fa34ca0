// Masking end to end: a terminal that answers a full card number (Luhn-valid) in AA and
// in an unknown tag, behind server.ts --forward (a process) with a log, a journal, the
// control API and a recording. The POS gets the exact bytes; nothing the tap writes down
// holds the card number. With --no-mask, it is there (and the start says so).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MessageReader } from "../lib/framing.ts";
import { buildRequest } from "../lib/message.ts";
import { holdsMandatoryRecords } from "../lib/terminal/simulator.ts";
import { asciiBytes, encode } from "../lib/tlv.ts";
import { posExchange, until } from "./forward_helpers.ts";
import { startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PAN = "4970101234567893";
const REQUEST = encode(buildRequest({ amount: 4200, privateData: "T-1" }));
const ANSWER = encode([
  { tag: "CZ", value: "0300" },
  { tag: "CA", value: "01" },
  { tag: "AE", value: "10" },
  { tag: "AA", value: PAN },
  { tag: "QX", value: `CARD ${PAN} SEEN` },
  { tag: "ZT", value: encode([{ tag: "CK", value: "100" }, { tag: "AA", value: PAN }]) },
  { tag: "CG", value: "4242" },
]);

/** A terminal that answers every request with {@linkcode ANSWER}, then closes. */
function cardTerminal(): { port: number; close(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const conn of listener) {
      const task = (async () => {
        try {
          await new MessageReader(conn).read({
            isComplete: holdsMandatoryRecords,
            timeoutMs: 5000,
          });
          await conn.write(asciiBytes(ANSWER));
        } catch { /* the test's POS went away */ }
        conn.close();
      })();
      serving.add(task);
      task.finally(() => serving.delete(task));
    }
  })();
  return {
    port: listener.addr.port,
    async close() {
      listener.close();
      await loop.catch(() => {});
      await Promise.allSettled([...serving]);
    },
  };
}

async function throughTap(mask: boolean) {
  const dir = await Deno.makeTempDir();
  const terminal = cardTerminal();
  const tap = await startServer(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}server.ts`,
    "--host",
    "127.0.0.1",
    "-p",
    "0",
    "--forward",
    `127.0.0.1:${terminal.port}`,
    "--http",
    "0",
    "--log-level",
    "debug",
    "--journal",
    `${dir}/j.jsonl`,
    "--record",
    `${dir}/r.yaml`,
    ...(mask ? [] : ["--no-mask"]),
  ]);
  try {
    const seen = await posExchange(tap.port, REQUEST);
    const api = new URL("/api/journal", tap.dashboard!);
    let body = "";
    await until(() => body.includes('"answered"'), "the journal in the API", 20_000, async () => {
      body = await (await fetch(api)).text();
    });
    const single = await (await fetch(new URL("/api/journal/1", tap.dashboard!))).text();
    const status = await (await fetch(new URL("/api/status", tap.dashboard!))).text();
    const output = await tap.stop();
    return {
      seen,
      log: output.stdout + output.stderr,
      api: body + single + status,
      journal: await Deno.readTextFile(`${dir}/j.jsonl`),
      recording: await Deno.readTextFile(`${dir}/r.yaml`),
      code: output.code,
    };
  } finally {
    await terminal.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("forward mode masks card numbers everywhere but on the wire", async (t) => {
  await t.step("masked by default", async () => {
    const result = await throughTap(true);
    assert.equal(result.code, 0, result.log);
    assert.equal(result.seen.bytes, ANSWER, "the POS gets the exact bytes");
    for (const where of ["log", "api", "journal", "recording"] as const) {
      assert.ok(!result[where].includes(PAN), `no card number in the ${where}`);
      // Not even 11 of its digits in a row (6 + 4 are shown).
      for (let i = 0; i + 11 <= PAN.length; i++) {
        assert.ok(!result[where].includes(PAN.slice(i, i + 11)), `part of it in the ${where}`);
      }
      assert.ok(result[where].includes("497010######7893"), `the masked number in the ${where}`);
    }
    assert.match(result.log, /Card numbers are masked/);
  });
  await t.step("--no-mask: the numbers are written, and the start warns", async () => {
    const result = await throughTap(false);
    assert.equal(result.seen.bytes, ANSWER);
    assert.match(result.log, /--no-mask: full card numbers may be written/);
    assert.ok(result.journal.includes(PAN));
  });
});
