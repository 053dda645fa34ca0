/**
 * Scenario files on disk: read one, and watch it so that an edit takes effect without a
 * restart (and without dropping a connection). A bad edit is reported and the previous
 * scenario stays in force.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import type { Scenario } from "./scenario.ts";

/**
 * Reads and checks a scenario file.
 *
 * @param path The file.
 * @returns The scenario (its `file` is `path` as given).
 * @throws {ScenarioError} When the file is not a valid scenario.
 * @throws {Deno.errors.NotFound} When there is no such file; other I/O errors as Deno
 * reports them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { loadScenarioFile } from "./scenario_file.ts";
 * const path = fileURLToPath(new URL("../scenarios/ci_smoke.yaml", import.meta.url));
 * const scenario = await loadScenarioFile(path);
 * assert.equal(scenario.rules[0].ref.name, "REFUSE... is refused");
 * await assert.rejects(loadScenarioFile("no-such-file.yaml"), Deno.errors.NotFound);
 * ```
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await Deno.readTextFile(path);
  const { parseScenario } = await import("./scenario.ts");
  return parseScenario(text, path);
}

/** Options of {@linkcode watchScenarioFile}. */
export interface WatchOptions {
  /** Called with each new valid version of the scenario. */
  onLoad: (scenario: Scenario) => void;
  /** Called when an edit cannot be read or is not valid; the previous scenario stays. */
  onError: (error: Error) => void;
  /** Quiet time after the last change before reading the file, in ms. Default 200. */
  debounceMs?: number;
  /** The text in force, so that saving it unchanged does not reset the rules' counters. */
  text?: string;
}

/** What reading a scenario file gave: the scenario, or why it could not be used. */
export type ScenarioReadResult =
  /** Read, valid, and passed to `onLoad`. */
  | { scenario: Scenario; error?: undefined }
  /** Not read or not valid (passed to `onError`): the previous scenario stays. */
  | { scenario?: undefined; error: Error };

/** A watch on a scenario file. */
export interface ScenarioWatcher {
  /**
   * Reads the file now (as on SIGHUP), even if it did not change.
   *
   * @returns When it has been read and loaded or reported: the new scenario, or the error.
   */
  reload(): Promise<ScenarioReadResult>;
  /**
   * Stops watching.
   *
   * @returns When the watch has ended.
   */
  close(): Promise<void>;
}

/**
 * Watches a scenario file: after each change (debounced: editors write in several steps),
 * reads it and calls `onLoad` with the new scenario, or `onError` when it is not valid.
 * The folder is watched rather than the file, so that editors that replace the file
 * (write a copy, then rename it) are seen too. A save that does not change the text is
 * ignored. When the folder cannot be watched, `onError` says so and `reload()` still works.
 *
 * @param path The file.
 * @param options What to call, and the debounce time.
 * @returns The watch: `reload()` to read the file now, `close()` to stop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { watchScenarioFile } from "./scenario_file.ts";
 * import type { Scenario } from "./scenario.ts";
 *
 * const folder = await Deno.makeTempDir();
 * const path = join(folder, "scenario.yaml");
 * await Deno.writeTextFile(path, "rules:\n  - name: all refused\n    outcome: refused\n");
 * const loaded: Scenario[] = [];
 * const watcher = watchScenarioFile(path, {
 *   onLoad: (scenario) => loaded.push(scenario), // server.ts: engine.load(scenario)
 *   onError: (error) => assert.fail(error.message),
 * });
 * // server.ts: Deno.addSignalListener("SIGHUP", () => watcher.reload());
 * const { scenario } = await watcher.reload();
 * assert.equal(scenario?.rules[0].ref.name, "all refused");
 * assert.deepEqual(loaded, [scenario]);
 * await watcher.close();
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export function watchScenarioFile(path: string, options: WatchOptions): ScenarioWatcher {
  const target = resolve(path);
  let fsWatcher: Deno.FsWatcher | undefined;
  try {
    fsWatcher = Deno.watchFs(dirname(target), { recursive: false });
  } catch (error) {
    // No watch (no permission, no inotify left...): reload() still works.
    options.onError(
      new Error(
        `Cannot watch "${dirname(target)}" for changes (${
          (error as Error).message
        }): reload with SIGHUP`,
        { cause: error },
      ),
    );
  }
  let text = options.text;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reading: Promise<unknown> = Promise.resolve();
  let closed = false;

  const read = async (force: boolean): Promise<ScenarioReadResult | undefined> => {
    let next: string;
    try {
      next = await Deno.readTextFile(path);
    } catch (error) {
      // Between an editor's delete and its write: the next event reads it again.
      if (error instanceof Deno.errors.NotFound && !force) return undefined;
      options.onError(error as Error);
      return { error: error as Error };
    }
    if (!force && next === text) return undefined;
    try {
      // The YAML reader, loaded with the first edit when the text in force was given.
      const { parseScenario } = await import("./scenario.ts");
      const scenario = parseScenario(next, path);
      text = next;
      options.onLoad(scenario);
      return { scenario };
    } catch (error) {
      options.onError(error as Error);
      return { error: error as Error };
    }
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      reading = reading.then(() => read(false));
    }, options.debounceMs ?? 200);
  };
  const loop = (async () => {
    if (!fsWatcher) return;
    try {
      for await (const event of fsWatcher) {
        if (event.paths.some((p) => resolve(p) === target)) schedule();
      }
    } catch {
      // The watch ended (closed, or the folder went away).
    }
  })();

  return {
    reload() {
      const result = reading.then(() => read(true)) as Promise<ScenarioReadResult>;
      reading = result;
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      try {
        fsWatcher?.close();
      } catch { /* already closed */ }
      await loop;
      await reading;
    },
  };
}
