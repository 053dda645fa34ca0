/**
 * A journal file: JSON Lines appended to a file, each record written and flushed to the
 * disk before {@linkcode JournalFile.append} resolves. Records that arrive while a write
 * is in progress are written together, with one flush (group commit), so many POS paying
 * at once do not queue behind each other's flush.
 *
 * A crash can leave the last line torn (written in part, without its newline). The next
 * run starts its first record on a new line, and {@linkcode readJournalFile} skips a torn
 * line and counts it rather than failing.
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { Journal } from "./journal.ts";
 * import { JournalFile } from "./journal_file.ts";
 * const folder = await Deno.makeTempDir();
 * const file = await JournalFile.open(`${folder}/transactions.jsonl`);
 * const journal = new Journal({ sink: file, run: "run-1" });
 * // journal.attach(terminal) ...
 * await journal.flush();
 * await file.close();
 * const text = await Deno.readTextFile(`${folder}/transactions.jsonl`);
 * assert.equal(JSON.parse(text).run, "run-1"); // the start record
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export class JournalFile implements JournalSink {
  /** The file's path, as given. */
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #sync: boolean;
  /** Text written before the next record: a newline when the file ends with a torn line. */
  #separator: string;
  #waiting: Waiting[] = [];
  #writing?: Promise<void>;
  /**
   * Whether {@linkcode JournalFile.#drain} runs. Cleared by the drain itself in the same
   * step as it finds nothing left to write, so a record appended just after an earlier one
   * resolved is never left waiting for a drain that has finished.
   */
  #draining = false;
  readonly #encoder = new TextEncoder();
  #closed = false;

  private constructor(path: string, file: Deno.FsFile, sync: boolean, torn: boolean) {
    this.path = path;
    this.#file = file;
    this.#sync = sync;
    this.#separator = torn ? "\n" : "";
  }

  /**
   * Opens a journal file for appending, creating it when needed. When the file does not
   * end with a newline (a crash tore its last line), the first record starts on a new line.
   *
   * @param path The file.
   * @param options Whether to flush each write to the disk.
   * @returns The journal file.
   * @throws {Deno.errors.NotFound} When its folder does not exist; other I/O errors.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JournalFile } from "./journal_file.ts";
   * const folder = await Deno.makeTempDir();
   * const file = await JournalFile.open(`${folder}/transactions.jsonl`, { sync: false });
   * assert.equal(file.path, `${folder}/transactions.jsonl`);
   * await file.close();
   * await assert.rejects(JournalFile.open(`${folder}/no/such/folder.jsonl`), Deno.errors.NotFound);
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  static async open(path: string, options: JournalFileOptions = {}): Promise<JournalFile> {
    const file = await Deno.open(path, { append: true, create: true });
    try {
      return new JournalFile(path, file, options.sync ?? true, await endsTorn(path));
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /**
   * Appends a record, as one line of JSON.
   *
   * @param record The record.
   * @returns When the line is written (and flushed to the disk, unless `sync` is off).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JournalFile } from "./journal_file.ts";
   * const folder = await Deno.makeTempDir();
   * const file = await JournalFile.open(`${folder}/transactions.jsonl`);
   * const at = "2026-01-05T09:00:00.000Z";
   * await file.append({ type: "start", run: "manual", at, version: "" });
   * await file.close();
   * assert.equal(
   *   await Deno.readTextFile(`${folder}/transactions.jsonl`),
   *   '{"type":"start","run":"manual","at":"2026-01-05T09:00:00.000Z","version":""}\n',
   * );
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  append(record: JournalRecord): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new Error(`The journal file "${this.path}" is closed`));
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ line: JSON.stringify(record) + "\n", resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        this.#writing = this.#drain();
      }
    });
  }

  /**
   * Waits for the writes in progress, then closes the file.
   *
   * @returns When the file is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JournalFile } from "./journal_file.ts";
   * const folder = await Deno.makeTempDir();
   * const file = await JournalFile.open(`${folder}/transactions.jsonl`);
   * await file.close();
   * const record = { type: "start", run: "manual", at: "", version: "" } as const;
   * await assert.rejects(file.append(record), /is closed/);
   * await Deno.remove(folder, { recursive: true });
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#draining) await this.#writing;
    this.#file.close();
  }

  /** Writes the waiting records, batch after batch, until none is left. */
  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) await this.#writeBatch(this.#waiting.splice(0));
    } finally {
      // In the same step as the loop found nothing left: see #draining.
      this.#draining = false;
    }
  }

  async #writeBatch(batch: Waiting[]): Promise<void> {
    try {
      const bytes = this.#encoder.encode(this.#separator + batch.map((w) => w.line).join(""));
      let written = 0;
      while (written < bytes.length) {
        written += await this.#file.write(bytes.subarray(written));
      }
      if (this.#sync) await this.#file.syncData();
      this.#separator = "";
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

/** Whether a file is not empty and its last byte is not a newline. */
async function endsTorn(path: string): Promise<boolean> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  if (size === 0) return false;
  await file.seek(size - 1, Deno.SeekMode.Start);
  const last = new Uint8Array(1);
  return await file.read(last) === 1 && last[0] !== 0x0a;
}

/** The records of a journal file, and how many lines were skipped. */
export interface JournalContents {
  /** The records, in the order they were written. */
  records: JournalRecord[];
  /**
   * How many lines were not a whole JSON object and were skipped: a line torn by a crash
   * (written in part), for example. Empty lines are not counted.
   */
  skipped: number;
}

/**
 * Reads the records of a journal's JSON Lines text, skipping (and counting) the lines that
 * are not a whole JSON object, such as a line torn by a crash.
 *
 * @param text The file's text.
 * @returns The records and the count of skipped lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJournal } from "./journal_file.ts";
 * const text = '{"type":"start","run":"a","at":"","version":""}\n{"type":"tra\n';
 * const { records, skipped } = parseJournal(text);
 * assert.equal(records.length, 1);
 * assert.equal(skipped, 1);
 * ```
 */
export function parseJournal(text: string): JournalContents {
  const records: JournalRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (typeof record === "object" && record !== null && !Array.isArray(record)) {
      records.push(record as JournalRecord);
    } else {
      skipped++;
    }
  }
  return { records, skipped };
}

/**
 * Reads a journal file written by {@linkcode JournalFile}: its records, skipping (and
 * counting) a line torn by a crash.
 *
 * @param path The file.
 * @returns The records and the count of skipped lines.
 * @throws {Deno.errors.NotFound} When the file does not exist; other I/O errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJournalFile } from "./journal_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"type":"start","run":"a","at":"","version":""}\n{"type":"tr');
 * const { records, skipped } = await readJournalFile(path); // a crash tore the last line
 * assert.equal(records.length, 1);
 * assert.equal(skipped, 1);
 * await Deno.remove(path);
 * ```
 */
export async function readJournalFile(path: string): Promise<JournalContents> {
  return parseJournal(await Deno.readTextFile(path));
}
