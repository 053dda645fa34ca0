// Codec micro-benchmarks: `deno task bench:codec`. Deno prints the time per call and the
// calls per second; the target is at least 1,000,000 decodes per second of a request.
import { MessageReader } from "../../lib/framing.ts";
import { decode, decodePartial, encode, encodeBytes, RecordScanner } from "../../lib/tlv.ts";

const REQUEST = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB00511245";
const ANSWER = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250AE00210CC003001" +
  "CI0011AC006897686AA016918661######7085AI021A00000000672499077681AB0042708CF0101010000000" +
  "CG006424242";
const requestBytes = new TextEncoder().encode(REQUEST);
const answerBytes = new TextEncoder().encode(ANSWER);
const requestFields = decode(REQUEST);
const answerFields = decode(ANSWER);

let sink = 0;

Deno.bench("decode request (text)", { group: "decode", baseline: true }, () => {
  sink += decode(REQUEST).length;
});
Deno.bench("decode request (bytes)", { group: "decode" }, () => {
  sink += decode(requestBytes).length;
});
Deno.bench("decode approved answer (text)", { group: "decode" }, () => {
  sink += decode(ANSWER).length;
});
Deno.bench("decode approved answer (bytes)", { group: "decode" }, () => {
  sink += decode(answerBytes).length;
});
Deno.bench("decodePartial request", { group: "decode" }, () => {
  sink += decodePartial(REQUEST).fields.length;
});

Deno.bench("encode request (text)", { group: "encode", baseline: true }, () => {
  sink += encode(requestFields).length;
});
Deno.bench("encode request (bytes)", { group: "encode" }, () => {
  sink += encodeBytes(requestFields).length;
});
Deno.bench("encode approved answer (bytes)", { group: "encode" }, () => {
  sink += encodeBytes(answerFields).length;
});

// Reassembly: the scanner fed a frame split in two segments, as a stream reader does.
const cut = Math.floor(ANSWER.length / 2) + 3;
const firstHalf = ANSWER.slice(0, cut);
Deno.bench(
  "reassemble request split in 2 (scanner)",
  { group: "reassembly", baseline: true },
  () => {
    const scanner = new RecordScanner();
    scanner.scan(REQUEST.slice(0, 20));
    scanner.scan(REQUEST);
    sink += scanner.fields.length;
  },
);
Deno.bench("reassemble approved answer split in 2 (scanner)", { group: "reassembly" }, () => {
  const scanner = new RecordScanner();
  scanner.scan(firstHalf);
  scanner.scan(ANSWER);
  sink += scanner.fields.length;
});

/** A source that hands out the answer in two reads, then the end of the stream. */
class TwoSegments {
  #step = 0;
  read(buffer: Uint8Array): Promise<number | null> {
    const step = this.#step++;
    if (step === 0) {
      buffer.set(answerBytes.subarray(0, cut));
      return Promise.resolve(cut);
    }
    if (step === 1) {
      buffer.set(answerBytes.subarray(cut));
      return Promise.resolve(answerBytes.length - cut);
    }
    return Promise.resolve(null);
  }
}
Deno.bench(
  "read approved answer in 2 segments (MessageReader)",
  { group: "reassembly" },
  async () => {
    const message = await new MessageReader(new TwoSegments()).read({ quietMs: 1000 });
    sink += message?.fields.length ?? 0;
  },
);

addEventListener("unload", () => {
  if (sink === 0) console.log("nothing was measured");
});
