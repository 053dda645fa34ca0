/**
 * The keyboard of the simulator's terminal, for interactive mode: the thin shell around
 * {@linkcode Operator} that puts standard input in raw mode (each key arrives at once,
 * unechoed) and gives the keys as a stream. Ctrl-C, which raw mode no longer turns into
 * SIGINT, is reported separately.
 *
 * @module
 */

/** The keyboard, opened. */
export interface Keyboard {
  /** The keys, as typed (Ctrl-C excluded). */
  keys: ReadableStream<string>;
  /**
   * Restores the terminal's mode and stops reading.
   *
   * @returns When done.
   */
  close(): Promise<void>;
}

/**
 * Whether standard input is a terminal a person can type on.
 *
 * @returns `true` for a TTY.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stdinIsTerminal } from "./tty.ts";
 * // Never throws, even where standard input is closed or not allowed.
 * assert.equal(stdinIsTerminal(), Deno.stdin.isTerminal());
 * ```
 */
export function stdinIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}

/**
 * Opens the keyboard: raw mode on standard input, keys as a stream.
 *
 * @param onInterrupt Called on Ctrl-C.
 * @returns The keyboard; close it to restore the terminal.
 * @throws {Error} When standard input is not a terminal.
 *
 * @example
 * ```ts ignore
 * // Not run: needs a terminal (TTY) to type on
 * import { openKeyboard } from "./tty.ts";
 * const keyboard = openKeyboard(() => console.log("Ctrl-C"));
 * // new Operator({ keys: keyboard.keys, write }) ...
 * await keyboard.close();
 * ```
 */
export function openKeyboard(onInterrupt: () => void): Keyboard {
  if (!stdinIsTerminal()) throw new Error("Standard input is not a terminal");
  Deno.stdin.setRaw(true, { cbreak: false });
  const decoder = new TextDecoder();
  const reader = Deno.stdin.readable.getReader();
  let closed = false;
  const keys = new ReadableStream<string>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done || closed) {
          controller.close();
          return;
        }
        let text = decoder.decode(value, { stream: true });
        if (text.includes("\x03")) {
          text = text.replaceAll("\x03", "");
          onInterrupt();
        }
        if (text) controller.enqueue(text);
      } catch (error) {
        if (!closed) controller.error(error);
      }
    },
    cancel() {
      closed = true;
    },
  });
  return {
    keys,
    async close() {
      closed = true;
      try {
        Deno.stdin.setRaw(false);
      } catch { /* not a terminal any more */ }
      await reader.cancel().catch(() => {});
    },
  };
}
