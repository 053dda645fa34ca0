/**
 * A journal file: JSON Lines appended to a file, each record written and flushed to the
 * disk before {@linkcode JournalFile.append} resolves. Records that arrive while a write
 * is in progress are written together, with one flush (group commit), so many POS paying
 * at once do not queue behind each other's flush.
 *
 * @module
 */

import type { JournalRecord, JournalSink } from "./journal.ts";

/** Options of {@linkcode JournalFile.open}. */
export interface JournalFileOptions {
  /**
   * Flush each write to the disk (`fdatasync`), so that even a power cut keeps it.
   * Default `true`. Without it a record survives the simulator's crash (it is in the
   * operating system's hands) but not the machine's.
   */
  sync?: boolean;
}

interface Waiting {
  line: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Appends journal records to a file, one JSON object per line.
 *
 * @example
 * ```ts ignore
 * import { Journal } from "./journal.ts";
 * import { JournalFile } from "./journal_file.ts";
 * const file = await JournalFile.open("transactions.jsonl");
 * const journal = new Journal({ sink: file });
 * // journal.attach(terminal) ...
 * await journal.flush();
 * file.close();
 * ```
 */
export class JournalFile implements JournalSink {
  /** The file's path, as given. */
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #sync: boolean;
  #waiting: Waiting[] = [];
  #writing?: Promise<void>;
  #closed = false;

  private constructor(path: string, file: Deno.FsFile, sync: boolean) {
    this.path = path;
    this.#file = file;
    this.#sync = sync;
  }

  /**
   * Opens a journal file for appending, creating it when needed.
   *
   * @param path The file.
   * @param options Whether to flush each write to the disk.
   * @returns The journal file.
   * @throws {Deno.errors.NotFound} When its folder does not exist; other I/O errors.
   *
   * @example
   * ```ts ignore
   * import { JournalFile } from "./journal_file.ts";
   * const file = await JournalFile.open("transactions.jsonl", { sync: false });
   * ```
   */
  static async open(path: string, options: JournalFileOptions = {}): Promise<JournalFile> {
    const file = await Deno.open(path, { append: true, create: true });
    return new JournalFile(path, file, options.sync ?? true);
  }

  /**
   * Appends a record, as one line of JSON.
   *
   * @param record The record.
   * @returns When the line is written (and flushed to the disk, unless `sync` is off).
   *
   * @example
   * ```ts ignore
   * import { JournalFile } from "./journal_file.ts";
   * const file = await JournalFile.open("transactions.jsonl");
   * await file.append({ type: "start", run: "manual", at: new Date().toISOString(), version: "" });
   * await file.close();
   * ```
   */
  append(record: JournalRecord): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new Error(`The journal file "${this.path}" is closed`));
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ line: JSON.stringify(record) + "\n", resolve, reject });
      this.#writing ??= this.#drain().finally(() => this.#writing = undefined);
    });
  }

  /**
   * Waits for the writes in progress, then closes the file.
   *
   * @returns When the file is closed.
   *
   * @example
   * ```ts ignore
   * import { JournalFile } from "./journal_file.ts";
   * const file = await JournalFile.open("transactions.jsonl");
   * await file.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#writing) await this.#writing;
    this.#file.close();
  }

  async #drain(): Promise<void> {
    const encoder = new TextEncoder();
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      try {
        const bytes = encoder.encode(batch.map((w) => w.line).join(""));
        let written = 0;
        while (written < bytes.length) {
          written += await this.#file.write(bytes.subarray(written));
        }
        if (this.#sync) await this.#file.syncData();
        for (const w of batch) w.resolve();
      } catch (error) {
        const failure = new Error(
          `Cannot write the journal file "${this.path}": ${(error as Error).message}`,
          { cause: error },
        );
        for (const w of batch) w.reject(failure);
      }
    }
  }
}
