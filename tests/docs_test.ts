// The documentation pages: every relative link of every page (README.md, and the .md pages
// under lib/, tests/ and .github/) leads to a file or folder of the repository, and its
// #anchor, if any, to a heading of the page it names.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatReport, parseScenario, reportFrame } from "../mod.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A link found in a page: its target as written and the line it is on. */
interface Link {
  target: string;
  line: number;
}

/** The lines of a page outside fenced code blocks, with their line numbers (from 1). */
function proseLines(text: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fence: string | undefined;
  text.split("\n").forEach((line, index) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line);
    if (opening) {
      if (fence === undefined) fence = opening[1];
      else if (opening[1].startsWith(fence)) fence = undefined;
      return;
    }
    if (fence === undefined) lines.push({ text: line, line: index + 1 });
  });
  return lines;
}

/** The links of a page's prose: `[label](target)` and `[label]: target` definitions. */
export function findLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const { text: line, line: number } of proseLines(text)) {
    // A code span is text, not markup: `[a](b)` inside backticks is no link.
    const prose = line.replace(/(`+)(?:(?!\1).)+?\1/g, "code");
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: match[1], line: number });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (definition) links.push({ target: definition[1], line: number });
  }
  return links;
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as `-`. */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a page's headings, a repeated one numbered `-1`, `-2`... as GitHub does. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** The problems of a page's relative links; `read` gives another page's text by path. */
export function checkLinks(
  page: string,
  text: string,
  exists: (path: string) => "file" | "folder" | undefined,
  read: (path: string) => string,
): string[] {
  const problems: string[] = [];
  for (const { target, line } of findLinks(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue; // absolute
    const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
    const path = pathPart === "" ? page : join(dirname(page), decodeURIComponent(pathPart));
    const where = `${page}:${line}: "${target}"`;
    if (path === ".." || path.startsWith("../")) {
      problems.push(`${where} leads out of the repository`);
      continue;
    }
    const kind = exists(path);
    if (kind === undefined) {
      problems.push(`${where} leads to no file or folder`);
      continue;
    }
    if (anchor === undefined || anchor === "") continue;
    if (kind !== "file" || !path.endsWith(".md")) {
      problems.push(`${where} has an anchor, but ${path} is not a page`);
    } else if (!anchors(path === page ? text : read(path)).has(anchor)) {
      problems.push(`${where} names no heading of ${path}`);
    }
  }
  return problems;
}

/** The fenced code blocks of a page: their language (the info string's first word) and text. */
export function codeBlocks(text: string): { language: string; code: string; line: number }[] {
  const blocks: { language: string; code: string; line: number }[] = [];
  let open: { fence: string; language: string; line: number; lines: string[] } | undefined;
  text.split("\n").forEach((line, index) => {
    const fence = /^\s*(`{3,}|~{3,})\s*(\S*)/.exec(line);
    if (open === undefined) {
      if (fence) open = { fence: fence[1], language: fence[2], line: index + 1, lines: [] };
    } else if (fence && fence[1].startsWith(open.fence) && fence[2] === "") {
      blocks.push({ language: open.language, code: open.lines.join("\n"), line: open.line });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  });
  return blocks;
}

/** Every documentation page of the repository, relative to its root. */
function pages(): string[] {
  const found = ["README.md"];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "artifacts") walk(path);
      } else if (entry.name.endsWith(".md")) found.push(path);
    }
  };
  for (const folder of ["lib", "tests", ".github"]) walk(folder);
  return found.sort();
}

function existsInRepository(path: string): "file" | "folder" | undefined {
  const full = join(ROOT, path);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? "folder" : "file";
}

function readPage(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

Deno.test("documentation pages", async (t) => {
  await t.step("the checker finds a broken link, a missing anchor and a link out", () => {
    const files: Record<string, string> = {
      "a.md": "# Title\n\n## Second part\n\n## Second part\n",
      "lib/b.md": "",
    };
    const exists = (path: string) => path in files ? "file" as const : undefined;
    const read = (path: string) => files[path];
    const text = [
      "See [a](../a.md#second-part), [twice](../a.md#second-part-1) and [here](#local).",
      "## Local",
      "A [missing page](missing.md), a [missing heading](../a.md#third-part),",
      "[outside](../../x.md), `[code](nowhere.md)` and [the web](https://example.com/x.md).",
      "```md",
      "[in a block](nowhere.md)",
      "```",
    ].join("\n");
    assert.deepEqual(checkLinks("lib/b.md", text, exists, read), [
      'lib/b.md:3: "missing.md" leads to no file or folder',
      'lib/b.md:3: "../a.md#third-part" names no heading of a.md',
      'lib/b.md:4: "../../x.md" leads out of the repository',
    ]);
  });

  await t.step("anchors are GitHub's", () => {
    assert.deepEqual(
      [...anchors("# The terminal simulator: `server.ts`\n## Why busy is AF=07\n## Dé-jà vu")],
      ["the-terminal-simulator-serverts", "why-busy-is-af07", "dé-jà-vu"],
    );
  });

  const all = pages();
  await t.step("the pages are found", () => {
    for (const page of ["README.md", "lib/scenarios/README.md", "lib/terminal/http/README.md"]) {
      assert.ok(all.includes(page), `${page} is not among ${all.join(", ")}`);
    }
  });

  const blocks = all.flatMap((page) =>
    codeBlocks(readPage(page)).map((block) => ({ page, ...block }))
  );

  await t.step("every YAML example is a valid scenario", () => {
    const yaml = blocks.filter((block) => block.language === "yaml");
    assert.ok(yaml.length >= 2, "the scenario examples are not found");
    for (const { page, line, code } of yaml) {
      assert.doesNotThrow(() => parseScenario(code), `${page}:${line}`);
    }
  });

  await t.step("every JSON example is JSON", () => {
    const json = blocks.filter((block) => block.language === "json");
    assert.ok(json.length >= 5, "the JSON examples are not found");
    for (const { page, line, code } of json) {
      assert.doesNotThrow(() => JSON.parse(code), `${page}:${line}`);
    }
  });

  await t.step("every --explain example is what the client prints", () => {
    const examples = blocks.filter((block) => block.code.includes("$ deno task client --explain"));
    assert.ok(examples.length >= 1, "the --explain example is not found");
    for (const { page, line, code } of examples) {
      const [command, ...output] = code.split("\n");
      const frame = command.split(" ").at(-1)!;
      const lang = command.includes(" --lang fr ") ? "fr" : "en";
      assert.deepEqual(output, formatReport(reportFrame(frame), lang), `${page}:${line}`);
    }
  });

  await t.step("the scenario page links every example scenario", () => {
    const links = new Set(findLinks(readPage("lib/scenarios/README.md")).map((l) => l.target));
    const examples = readdirSync(join(ROOT, "lib/scenarios")).filter((name) =>
      name.endsWith(".yaml")
    );
    assert.ok(examples.length >= 4, examples.join(", "));
    for (const name of examples) assert.ok(links.has(name), `${name} is not linked`);
  });

  for (const page of all) {
    await t.step(`${page}: every relative link resolves`, () => {
      const problems = checkLinks(page, readPage(page), existsInRepository, readPage);
      assert.deepEqual(problems, [], problems.join("\n"));
    });
  }
});
