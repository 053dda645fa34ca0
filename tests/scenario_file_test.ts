// Scenario files on disk: reading one, and watching it change.
import assert from "node:assert/strict";
import { type Scenario, ScenarioError } from "../lib/terminal/scenario.ts";
import { loadScenarioFile, watchScenarioFile } from "../lib/terminal/scenario_file.ts";

const V1 = "rules:\n  - name: one\n    outcome: refused\n";
const V2 = "rules:\n  - name: two\n    outcome: forbidden\n  - outcome: approved\n";

/** Resolves with the next value pushed, or rejects after `ms`. */
function inbox<T>() {
  const items: T[] = [];
  const waiters: ((item: T) => void)[] = [];
  return {
    push(item: T) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    next(ms = 10_000): Promise<T> {
      if (items.length > 0) return Promise.resolve(items.shift()!);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
        waiters.push((item) => {
          clearTimeout(timer);
          resolve(item);
        });
      });
    },
    get pending() {
      return items.length;
    },
  };
}

Deno.test("loading a scenario file", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("a valid file: the rules name it", async () => {
      await Deno.writeTextFile(`${dir}/ok.yaml`, V1);
      const scenario = await loadScenarioFile(`${dir}/ok.yaml`);
      assert.equal(scenario.rules[0].ref.file, `${dir}/ok.yaml`);
      assert.equal(scenario.rules[0].ref.line, 2);
    });
    await t.step("an invalid file: a ScenarioError naming it", async () => {
      await Deno.writeTextFile(`${dir}/bad.yaml`, "rules: [{ outcome: nope }]\n");
      await assert.rejects(loadScenarioFile(`${dir}/bad.yaml`), (e: unknown) => {
        assert.ok(e instanceof ScenarioError);
        assert.match(e.message, new RegExp(`^${dir}/bad\\.yaml:1:20: Unknown result "nope"`));
        return true;
      });
    });
    await t.step("no such file", async () => {
      await assert.rejects(loadScenarioFile(`${dir}/none.yaml`), Deno.errors.NotFound);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a watched scenario is reloaded on change; a bad edit keeps the old one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/scenario.yaml`;
  await Deno.writeTextFile(path, V1);
  const loads = inbox<Scenario>();
  const errors = inbox<Error>();
  const watcher = watchScenarioFile(path, {
    text: V1,
    debounceMs: 50,
    onLoad: (scenario) => loads.push(scenario),
    onError: (error) => errors.push(error),
  });
  try {
    // Give the watch a moment to start before the first edit.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Deno.writeTextFile(path, V2);
    const second = await loads.next();
    assert.deepEqual(second.rules.map((r) => r.ref.name), ["two", undefined]);

    await Deno.writeTextFile(path, "rules:\n  - outcome: refusd\n");
    const error = await errors.next();
    assert.ok(error instanceof ScenarioError);
    assert.equal(error.line, 2);

    // An editor that writes a copy and renames it over the file.
    await Deno.writeTextFile(`${dir}/.scenario.yaml.swp`, V1);
    await Deno.rename(`${dir}/.scenario.yaml.swp`, path);
    const third = await loads.next();
    assert.deepEqual(third.rules.map((r) => r.ref.name), ["one"]);

    // Saving the same text again changes nothing; reload() reads it anyway (SIGHUP).
    await Deno.writeTextFile(path, V1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(loads.pending, 0);
    const reloaded = await watcher.reload();
    assert.deepEqual(reloaded.scenario?.rules.map((r) => r.ref.name), ["one"]);
    assert.deepEqual((await loads.next()).rules.map((r) => r.ref.name), ["one"]);
    assert.equal(errors.pending, 0);
    // reload() says what went wrong too (the control API answers it).
    await Deno.writeTextFile(path, "rules: [{ outcome: refusd }]\n");
    const failed = await watcher.reload();
    assert.ok(failed.error instanceof ScenarioError);
    assert.equal(failed.scenario, undefined);
    assert.ok((await errors.next()) instanceof ScenarioError);
  } finally {
    await watcher.close();
    await Deno.remove(dir, { recursive: true });
  }
});
