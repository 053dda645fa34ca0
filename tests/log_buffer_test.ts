// server.ts listens before LogTape is loaded: its log is kept meanwhile, then written in
// order with the time each line was logged, and every line after it as it comes.
import assert from "node:assert/strict";
import { getLogger } from "../lib/deps_logging.ts";
import { BufferedLogger } from "../lib/log_buffer.ts";
import { setupLogging, writtenAt } from "../lib/logging.ts";
import { resetLogging } from "../lib/deps_logging.ts";

Deno.test("the log kept until LogTape is loaded", async (t) => {
  const lines: string[] = [];
  try {
    await t.step("kept at the level given, in order, with the time it was logged", () => {
      const logger = new BufferedLogger("info");
      assert.equal(logger.isEnabledFor("debug"), false);
      assert.equal(logger.isEnabledFor("warning"), true);
      logger.info("first {n}", { n: 1 });
      logger.debug("below the level", {});
      const loggedAt = Date.now();
      logger.warn("second {n}", { n: 2 });
      // LogTape is configured later, at another level: its answer is then the one.
      setupLogging({ level: "debug", format: "json", write: (line) => lines.push(line) });
      logger.connect(getLogger(["caisse-ap", "terminal"]), writtenAt);
      assert.equal(logger.isEnabledFor("debug"), true);
      logger.error("third {n}", { n: 3 });
      const records = lines.map((line) => JSON.parse(line));
      assert.deepEqual(records.map((r) => [r.level, r.message]), [
        ["INFO", "first 1"],
        ["WARN", "second 2"],
        ["ERROR", "third 3"],
      ]);
      const times = records.map((r) => Date.parse(r["@timestamp"]));
      assert.ok(times[1] >= loggedAt - 1 && times[1] <= times[2], JSON.stringify(times));
    });
    await t.step("a line kept is written at its own time, not when it is flushed", () => {
      lines.length = 0;
      const logger = new BufferedLogger("debug");
      const clock: number[] = [];
      logger.info("kept", {});
      logger.connect(getLogger(["caisse-ap", "terminal"]), (time, write) => {
        clock.push(time);
        writtenAt(Date.UTC(2026, 11, 3, 9), write);
      });
      assert.equal(clock.length, 1);
      assert.equal(JSON.parse(lines[0])["@timestamp"], "2026-12-03T09:00:00.000Z");
    });
  } finally {
    resetLogging();
  }
});
