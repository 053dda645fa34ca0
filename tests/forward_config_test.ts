// Forward mode's options, read without a subprocess (usage errors print their line).
import assert from "node:assert/strict";
import { parseServerArgs, parseUpstream } from "../lib/terminal/server_config.ts";
import { assembleTerminal } from "../lib/terminal/assemble.ts";
import { ForwardTap } from "../lib/terminal/forward.ts";
import { logStart } from "../lib/terminal/startup_log.ts";
import { DEFAULT_SETTINGS } from "../lib/terminal/behaviour.ts";

Deno.test("parseUpstream", async (t) => {
  await t.step("host:port and [IPv6]:port", () => {
    assert.deepEqual(parseUpstream("192.168.1.50:8888"), { hostname: "192.168.1.50", port: 8888 });
    assert.deepEqual(parseUpstream("tpe.local:9000"), { hostname: "tpe.local", port: 9000 });
    assert.deepEqual(parseUpstream("[fe80::1]:8888"), { hostname: "fe80::1", port: 8888 });
  });
  await t.step("a port alone, port 0 or out of range are refused", () => {
    for (const text of ["8888", "host:0", "host:70000", "host:", "a b:1"]) {
      assert.throws(() => parseUpstream(text), RangeError, text);
    }
  });
});

Deno.test("parseServerArgs: forward mode", async (t) => {
  await t.step("off by default", () => {
    assert.equal(parseServerArgs([]).config?.forward, undefined);
  });
  await t.step("--forward and its options", () => {
    const { config } = parseServerArgs([
      "--forward",
      "10.0.0.5:8888",
      "--forward-fallback",
      "simulate",
      "--no-mask",
      "--record",
      "desk.yaml",
    ]);
    assert.deepEqual(config?.forward, {
      upstream: { hostname: "10.0.0.5", port: 8888 },
      fallback: "simulate",
      mask: false,
      allowFaults: false,
      record: "desk.yaml",
    });
  });
  await t.step("masking is on unless --no-mask", () => {
    assert.equal(parseServerArgs(["--forward", "h:1"]).config?.forward?.mask, true);
  });
  await t.step("--fault needs --allow-faults-upstream; busy never applies upstream", () => {
    assert.equal(parseServerArgs(["--forward", "h:1", "--fault", "reset"]).exit, 2);
    const { config } = parseServerArgs([
      "--forward",
      "h:1",
      "--fault",
      "split-answer",
      "--allow-faults-upstream",
    ]);
    assert.equal(config?.forward?.allowFaults, true);
    assert.equal(config?.settings.fault?.kind, "split-answer");
    for (const fault of ["busy", "refuse-connections"]) {
      assert.equal(
        parseServerArgs(["--forward", "h:1", "--fault", fault, "--allow-faults-upstream"]).exit,
        2,
      );
    }
  });
  await t.step("the forward options without --forward are usage errors", () => {
    for (
      const args of [
        ["--no-mask"],
        ["--record", "x.yaml"],
        ["--forward-fallback", "simulate"],
        ["--allow-faults-upstream"],
        ["--forward", "nohost"],
        ["--forward", "h:1", "--forward-fallback", "other"],
      ]
    ) {
      assert.equal(parseServerArgs(args).exit, 2, args.join(" "));
    }
  });
  await t.step("hold mode needs the fallback (something else than the terminal decides)", () => {
    assert.equal(parseServerArgs(["--forward", "h:1", "--http", "0", "--hold"]).exit, 2);
    const { config } = parseServerArgs([
      "--forward",
      "h:1",
      "--http",
      "0",
      "--hold",
      "--forward-fallback",
      "simulate",
    ]);
    assert.equal(config?.forward?.fallback, "simulate");
  });
});

Deno.test("assembleTerminal: forward mode builds the tap as the answer source", async () => {
  const terminal = assembleTerminal({
    simulator: { hostname: "127.0.0.1", port: 0 },
    forward: { upstream: { hostname: "127.0.0.1", port: 9 } },
    journal: {},
    control: {},
  });
  assert.ok(terminal.simulator instanceof ForwardTap);
  assert.equal((terminal.simulator as ForwardTap).upstream, "127.0.0.1:9");
  assert.equal((terminal.simulator as ForwardTap).masking, true);
  await terminal.close();
});

Deno.test("logStart: forward mode says where the bytes go, and warns", async (t) => {
  const lines: string[] = [];
  const warnings: string[] = [];
  const logger = {
    debug() {},
    error() {},
    info: (m: string) => lines.push(m),
    warn: (m: string) => warnings.push(m),
  };
  const base = {
    version: "0.1.0",
    settings: DEFAULT_SETTINGS,
    magicAmounts: false,
    interactive: false,
    hold: false,
    timeScale: 1,
    concurrency: "parallel" as const,
  };
  await t.step("masked, no fault", () => {
    logStart(logger, {
      ...base,
      forward: { upstream: "10.0.0.5:8888", mask: true, fallback: false, faultsUpstream: false },
    });
    assert.match(lines[0], /^Tap \{version\}: forward mode/);
    assert.ok(lines.some((l) => l.startsWith("Card numbers are masked")));
    assert.deepEqual(warnings, []);
  });
  await t.step("--no-mask and --allow-faults-upstream are warned of", () => {
    logStart(logger, {
      ...base,
      forward: { upstream: "10.0.0.5:8888", mask: false, fallback: true, faultsUpstream: true },
    });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^--no-mask/);
    assert.match(warnings[1], /real payments may be affected/);
  });
});
