// server.ts `main` called in process, as a program embedding the simulator would.
import assert from "node:assert/strict";
import { main } from "../server.ts";

Deno.test("main stops at once when its signal is already aborted", async () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Without the check of `signal.aborted`, main never returns: give up after 10 s.
  const hung = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("still running after 10 s"), 10_000);
  });
  try {
    const code = await Promise.race([
      main(["--host", "127.0.0.1", "--port", "0", "--log-level", "error"], {
        signal: AbortSignal.abort(),
      }),
      hung,
    ]);
    assert.equal(code, 0);
  } finally {
    clearTimeout(timer);
  }
});
