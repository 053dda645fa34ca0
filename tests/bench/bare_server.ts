// The baseline of the load tool: a bare Deno TCP server that answers every connection with
// a fixed approved answer, without parsing, then closes. Run: deno run -A tests/bench/bare_server.ts
const ANSWER = new TextEncoder().encode(
  "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250AE00210CC003001CI0011" +
    "AC006897686AA016918661######7085AI021A00000000672499077681AB0042708CF0101010000000CG006424242",
);

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(`Listening on 127.0.0.1:${(listener.addr as Deno.NetAddr).port}`);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

async function serve(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(4096);
  try {
    if ((await conn.read(buffer)) !== null) {
      let written = 0;
      while (written < ANSWER.length) written += await conn.write(ANSWER.subarray(written));
      await conn.closeWrite();
    }
  } catch { /* the client went away */ }
  try {
    conn.close();
  } catch { /* closed */ }
}

for await (const conn of listener) serve(conn);
