// The diagnosis through the control API: findings, the campaign, the report, and the
// `findings` event of the event stream.
import assert from "node:assert/strict";
import { startTerminal } from "../lib/fixture.ts";
import { makeAccessPolicy } from "../lib/terminal/http/auth.ts";
import { createControlHandler } from "../lib/terminal/http/routes.ts";
import { STANDARD_CAMPAIGN } from "../lib/diagnosis/mod.ts";
import { request } from "./diagnosis_records.ts";
import { exchange } from "./pos_script.ts";

const BASE = "http://127.0.0.1:8080";

function events(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(name: string): Promise<unknown> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: (.*)$/m.exec(block)?.[1] === name) {
            return JSON.parse(/^data: (.*)$/m.exec(block)![1]);
          }
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`The stream ended before a ${name} event`);
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

Deno.test("the diagnosis through the control API", async (t) => {
  await using terminal = await startTerminal({ campaign: STANDARD_CAMPAIGN });
  const handler = createControlHandler(terminal.control, {
    access: makeAccessPolicy(undefined, 8080),
    onError: (error) => {
      throw error;
    },
  });
  const call = (method: string, path: string) => handler(new Request(`${BASE}${path}`, { method }));
  const stream = events((await call("GET", "/api/events")).body!);
  try {
    await t.step("GET /api/campaign: the case now, before any payment", async () => {
      const state = await (await call("GET", "/api/campaign")).json();
      assert.equal(state.campaign, "standard");
      assert.equal(state.total, 20);
      assert.equal(state.now.name, "approval");
      assert.equal(state.now.status, "next");
      assert.match(state.now.instruction, /^Pay any amount on the POS now/);
    });
    await t.step(
      "a request with BF and an XSS probe: a findings event, GET /api/findings",
      async () => {
        const probe = "<script>alert(1)</script>";
        const raw = request({ more: `BF0010CF${String(probe.length).padStart(3, "0")}${probe}` });
        const seen = await exchange(terminal.host, terminal.port, raw, {}, 5000);
        assert.equal(seen.kind, "answer");
        const event = await stream.next("findings") as { new: boolean; finding: { code: string } };
        assert.equal(event.new, true);
        assert.equal(event.finding.code, "request-nonconformant");
        const { findings } = await (await call("GET", "/api/findings")).json();
        assert.ok(findings.some((f: { kind: string }) => f.kind === "bf-sent"));
        const campaign = await stream.next("campaign") as { registers: unknown[] };
        assert.equal(campaign.registers.length, 1);
      },
    );
    await t.step("GET /api/report in each format, the wire value escaped", async () => {
      for (
        const [format, type] of [
          ["json", "application/json"],
          ["xml", "application/xml"],
          ["html", "text/html"],
          ["md", "text/markdown"],
        ]
      ) {
        const response = await call("GET", `/api/report?format=${format}`);
        assert.equal(response.status, 200);
        assert.ok(response.headers.get("content-type")!.startsWith(type));
        const body = await response.text();
        assert.ok(body.includes("bf-sent"), format);
        if (format === "html" || format === "xml") assert.ok(!body.includes("<script>alert"));
      }
      const bad = await call("GET", "/api/report?format=pdf");
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /Invalid format "pdf": expected one of xml, html/);
    });
    await t.step(
      "POST /api/campaign/restart: the first case again, findings forgotten",
      async () => {
        const state = await (await call("POST", "/api/campaign/restart")).json();
        assert.deepEqual(state.registers, []);
        assert.equal(state.now.name, "approval");
        assert.deepEqual((await (await call("GET", "/api/findings")).json()).findings, []);
      },
    );
  } finally {
    await stream.cancel();
    handler.events.close();
  }
});

Deno.test("without a campaign or a diagnosis, the endpoints say why", async (t) => {
  await t.step("no campaign: GET says none, restart is not found", async () => {
    await using terminal = await startTerminal();
    const handler = createControlHandler(terminal.control, {
      access: makeAccessPolicy(undefined, 8080),
    });
    const none = await handler(new Request(`${BASE}/api/campaign`));
    assert.equal(none.status, 200);
    assert.deepEqual(await none.json(), { campaign: null });
    const restart = await handler(new Request(`${BASE}/api/campaign/restart`, { method: "POST" }));
    assert.equal(restart.status, 404);
    assert.match(
      (await restart.json()).error,
      /No campaign: start the simulator with --campaign standard/,
    );
    handler.events.close();
  });
  await t.step("no diagnosis: 409", async () => {
    await using terminal = await startTerminal({ diagnosis: false });
    const handler = createControlHandler(terminal.control, {
      access: makeAccessPolicy(undefined, 8080),
    });
    for (const path of ["/api/findings", "/api/campaign", "/api/report"]) {
      const response = await handler(new Request(`${BASE}${path}`));
      assert.equal(response.status, 409, path);
      assert.match((await response.json()).error, /The diagnosis is off/);
    }
    handler.events.close();
  });
});
