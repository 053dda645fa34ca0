// The documentation examples can fail. `deno test --doc` runs every TypeScript code block
// of the JSDoc comments, but a block whose result is only a comment (`f(x); // 500`) passes
// whatever `f` returns. This test reads the JSDoc comments of every .ts file under lib/ and
// of mod.ts, client.ts and server.ts, and holds each ```ts (or ```typescript) block to
// the rule:
//
// 1. A block marked `ignore` (```ts ignore) is not run: its first line is a `//` comment
//    that says why (for example `// Not run: needs a terminal (TTY)`).
// 2. A block that runs asserts its result: it calls `assert(...)`, `assert.equal(...)`,
//    `assert.deepEqual(...)`, `assert.throws(...)`, `assert.rejects(...)`... (from
//    `node:assert/strict`) or a std-style `assertEquals(...)`. A pure usage example that
//    has nothing to assert starts instead with the comment `// No result: <why>`.
// 3. A line of a block that runs and is not an assertion does not end with a result left as
//    a comment: `// 500`, `// "EUR"`, `// true`, `// [...]`, `// {...}`.
//
// Run as a program to check only some files while converting them:
// `deno run --allow-read tests/examples_test.ts lib/money.ts lib/tlv.ts`.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A TypeScript code block of a JSDoc comment. */
export interface Example {
  /** Line of the opening fence, from 1. */
  line: number;
  /** The words after the language: `ignore`, `no-eval`... */
  flags: string[];
  /** The lines between the fences, without the comment's leading `*`. */
  code: string[];
}

/** A rule broken by an example. */
export interface Problem {
  /** The file, relative to the repository. */
  file: string;
  /** Line of the example's opening fence. */
  line: number;
  /** What is wrong. */
  message: string;
}

/** The TypeScript code blocks of the JSDoc comments (`/** ... *\/`) of a source text. */
export function findExamples(source: string): Example[] {
  const examples: Example[] = [];
  const lines = source.split("\n");
  let inComment = false;
  let fence: { line: number; marker: string; flags: string[]; ts: boolean } | undefined;
  let code: string[] = [];
  lines.forEach((raw, index) => {
    if (!inComment) {
      if (!/^\s*\/\*\*/.test(raw) || /\*\/\s*$/.test(raw.replace(/^\s*\/\*\*/, ""))) return;
      inComment = true;
      return;
    }
    if (/^\s*\*\/\s*$/.test(raw) || /\*\/\s*$/.test(raw)) {
      inComment = false;
      fence = undefined;
      return;
    }
    const text = raw.replace(/^\s*\* ?/, "");
    const opening = /^(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(text);
    if (fence === undefined) {
      if (!opening) return;
      const language = opening[2].toLowerCase();
      fence = {
        line: index + 1,
        marker: opening[1],
        flags: opening[3].split(/[\s,]+/).filter(Boolean),
        ts: language === "ts" || language === "typescript",
      };
      code = [];
    } else if (opening && opening[1].startsWith(fence.marker) && opening[2] === "") {
      if (fence.ts) examples.push({ line: fence.line, flags: fence.flags, code });
      fence = undefined;
    } else {
      code.push(text);
    }
  });
  return examples;
}

const ASSERTION = /\bassert(?:\.\w+)?\s*\(|\bassert[A-Z]\w*\s*\(/;
const RESULT_COMMENT =
  /\/\/\s*(?:-?[0-9][0-9_.]*|"[^"]*"|'[^']*'|`[^`]*`|true|false|null|undefined|NaN|\[.*\]|\{.*\})\s*$/;

/** The rules an example breaks (see the top of this file). */
export function checkExample(example: Example): string[] {
  const lines = example.code.filter((line) => line.trim() !== "");
  const first = lines[0]?.trim() ?? "";
  if (example.flags.includes("ignore")) {
    return /^\/\/\s*\S/.test(first)
      ? []
      : ["an ignored example starts with a `//` comment that says why it is not run"];
  }
  const problems: string[] = [];
  if (!/^\/\/\s*No result:\s*\S/.test(first) && !lines.some((line) => ASSERTION.test(line))) {
    problems.push(
      "an example that runs asserts its result (assert.equal...), or starts with `// No result: <why>`",
    );
  }
  for (const line of lines) {
    if (!ASSERTION.test(line) && RESULT_COMMENT.test(line)) {
      problems.push(`a result left as a comment instead of asserted: ${line.trim()}`);
    }
  }
  return problems;
}

/** The files the rule covers: every .ts file under lib/, mod.ts, client.ts and server.ts. */
export function exampleFiles(root = ROOT): string[] {
  const files = ["mod.ts", "client.ts", "server.ts"].map((name) => join(root, name));
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) files.push(path);
    }
  };
  walk(join(root, "lib"));
  return files;
}

/** The problems of the examples of some files. */
export function checkFiles(files: string[]): Problem[] {
  return files.flatMap((path) => {
    const file = relative(ROOT, resolve(path));
    return findExamples(readFileSync(path, "utf8")).flatMap((example) =>
      checkExample(example).map((message) => ({ file, line: example.line, message }))
    );
  });
}

function describe(problems: Problem[]): string {
  return problems.map(({ file, line, message }) => `${file}:${line}: ${message}`).join("\n");
}

Deno.test("documentation examples", async (t) => {
  await t.step("the comment reader finds each ts block and its flags", () => {
    const source = [
      "/**",
      " * Doubles.",
      " *",
      " * @example",
      " * ```ts",
      " * import { double } from './double.ts';",
      " * assert.equal(double(2), 4);",
      " * ```",
      " *",
      " * ```sh",
      " * deno run x.ts",
      " * ```",
      " */",
      "export const double = (x: number) => 2 * x;",
      "  /**",
      "   * ```ts ignore",
      "   * // Not run: needs a terminal (TTY)",
      "   * ```",
      "   */",
      "/** ```ts``` on one line is no block */",
    ].join("\n");
    assert.deepEqual(findExamples(source), [
      {
        line: 5,
        flags: [],
        code: ["import { double } from './double.ts';", "assert.equal(double(2), 4);"],
      },
      { line: 16, flags: ["ignore"], code: ["// Not run: needs a terminal (TTY)"] },
    ]);
  });

  await t.step("a result left as a comment fails, an assertion passes", () => {
    const example = (code: string[], flags: string[] = []) =>
      checkExample({ line: 1, flags, code });
    assert.equal(example(['import { f } from "./f.ts";', "f(1); // 500"]).length, 2);
    assert.equal(example(["console.log(f(1)); // true"]).length, 2);
    assert.match(example(["const x = f(1);"])[0], /asserts its result/);
    assert.deepEqual(example(["assert.equal(f(1), 500);"]), []);
    assert.deepEqual(example(["assert(f(1));"]), []);
    assert.deepEqual(example(["await assert.rejects(f(1), RangeError);"]), []);
    assert.deepEqual(example(["assertEquals(f(1), 500);"]), []);
    assert.deepEqual(example(["assert.equal(f(1), 500); // 5.00 EUR"]), []);
    assert.equal(example(["assert.ok(f(1));", "g(); // { a: 1 }"]).length, 1);
    assert.deepEqual(example(["// No result: starts a server for the reader", "serve();"]), []);
    assert.deepEqual(example(["const t = 5; // 5 seconds", "assert(t)"]), []);
  });

  await t.step("an ignored example says why", () => {
    const example = (code: string[]) => checkExample({ line: 1, flags: ["ignore"], code });
    assert.deepEqual(example(["// Not run: needs a terminal (TTY)", "f(); // 500"]), []);
    assert.equal(example(["f(); // 500"]).length, 1);
    assert.equal(example([]).length, 1);
  });

  await t.step("every example of lib/, mod.ts, client.ts and server.ts follows the rule", () => {
    const files = exampleFiles();
    assert.ok(files.some((file) => file.endsWith(join("lib", "money.ts"))));
    const problems = checkFiles(files);
    assert.equal(problems.length, 0, `\n${describe(problems)}`);
  });
});

if (import.meta.main) {
  const problems = checkFiles(Deno.args.length > 0 ? Deno.args : exampleFiles());
  console.log(problems.length === 0 ? "No problem" : describe(problems));
  if (problems.length > 0) Deno.exit(1);
}
