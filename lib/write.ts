/**
 * Writing text to a stream synchronously, apart from the logging modules so that the
 * command line can write without loading LogTape.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Writes text to a stream, all of it, synchronously (one `writeSync` may write part). When
 * the stream is a pipe whose reader has gone (`caisse-ap-server --help | head`), the rest
 * is dropped without an error, as a Unix program that SIGPIPE ends says nothing.
 *
 * @param stream Where: `Deno.stdout`, `Deno.stderr`, a file.
 * @param text The text, written as UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeAllSync } from "./write.ts";
 * const pieces: string[] = [];
 * const narrow = { // a stream that takes at most 3 bytes a call, as a pipe may
 *   writeSync(bytes: Uint8Array) {
 *     pieces.push(new TextDecoder().decode(bytes.subarray(0, 3)));
 *     return Math.min(3, bytes.length);
 *   },
 * };
 * writeAllSync(narrow, "caisse-ap");
 * assert.deepEqual(pieces, ["cai", "sse", "-ap"]);
 * const gone = { writeSync(): number { throw new Deno.errors.BrokenPipe("Broken pipe") } };
 * writeAllSync(gone, "nobody reads this"); // no error
 * ```
 */
export function writeAllSync(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  try {
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
