// An IPv6 address is written in brackets wherever a program shows it with its port
// (lib/net.ts's formatHostPort): `::1:8888` would read as an address with no port.
import assert from "node:assert/strict";

Deno.test("the client writes an IPv6 terminal's address in brackets", async (t) => {
  // Port 1 on ::1: nothing listens there (or there is no IPv6): either way the client
  // says where it sends before it fails to connect.
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      new URL("../client.ts", import.meta.url).pathname,
      ...["-d", "::1", "-p", "1", "--amount", "1", "--log-level", "info", "--timeout", "2"],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  await t.step("the log line before sending", () => {
    assert.match(stderr, /Sending to \[::1\]:1: CZ0040300/);
  });
  await t.step("the error", () => {
    assert.equal(output.code, 3);
    assert.match(new TextDecoder().decode(output.stdout), /Cannot connect to \[::1\]:1: /);
  });
});
