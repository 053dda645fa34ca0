// "Diagnose your POS" (lib/diagnosis/README.md) lists every finding code with what it
// means and how to fix it, made from FINDING_CODES, the English catalogue and the
// standard campaign: this test fails when the page and the code part. Run this file
// (`deno run -A tests/diagnosis_docs_test.ts`) to write the section again.
import assert from "node:assert/strict";
import {
  ENGLISH,
  FINDING_CODE_NAMES,
  FINDING_CODES,
  parseCampaign,
  STANDARD_CAMPAIGN,
} from "../lib/diagnosis/mod.ts";
import { CLOSE_SEEN_LATE_MS } from "../lib/diagnosis/codes.ts";
import { READ_EVERY_FIRST, READ_ONE_IN } from "../lib/terminal/after_answer.ts";

const PAGE = new URL("../lib/diagnosis/README.md", import.meta.url);
const START = "<!-- finding codes: made by tests/diagnosis_docs_test.ts -->";
const END = "<!-- end of finding codes -->";

/** Example facts, for the words that name figures. */
const FACTS = { inputTimeout: "120 s", tag: "XX", tags: "ZZ", after: "30 s", limit: "180 s" };

/** The section of the page about the finding codes, from the code. */
export function codesSection(): string {
  const out: string[] = [START, ""];
  for (const code of FINDING_CODE_NAMES) {
    const info = FINDING_CODES[code];
    const words = ENGLISH.codes[code];
    const cases = STANDARD_CAMPAIGN.cases.filter((c) =>
      c.reveals.includes(code) && code !== "request-nonconformant"
    ).map((c) => `\`${c.name}\``);
    out.push(`### \`${code}\``, "");
    out.push(
      `**${info.severity}**: ${info.summary}.${
        cases.length ? ` Revealed by the standard campaign's ${cases.join(", ")}.` : ""
      }`,
      "",
    );
    out.push(`What the log and the report say: "${words.title(FACTS)}".`, "");
    out.push(`How to fix it in the POS: ${words.advice(FACTS)}`, "");
    if (code === "request-nonconformant") {
      out.push("One finding per kind of problem, each with its own severity:", "");
      for (const [kind, kindWords] of Object.entries(ENGLISH.kinds)) {
        out.push(`- \`${kind}\`: ${kindWords.title(FACTS)}. Fix: ${kindWords.advice(FACTS)}`);
      }
      out.push(
        "",
        `\`bytes-after-answer\` needs a read after the answer, which costs a read per connection: the simulator reads after every answer to a POS (address and register) at first, after one in ${READ_ONE_IN} once the POS has had ${READ_EVERY_FIRST} answers followed by nothing, and after every answer again as soon as bytes come (lib/terminal/after_answer.ts). A POS that sends bytes after every answer has each counted; under a load of thousands of payments, a POS that sends them only now and then may have some of them not seen.`,
        "",
      );
    }
    if (code === "overlapping-requests") {
      out.push(
        `A POS that gives up on an answer closes that connection, then sends its next request on a new one; the simulator may read that request a moment before it sees the close. A request is therefore not overlapping when the POS closed the earlier one's connection less than ${CLOSE_SEEN_LATE_MS} ms after the request was seen (lib/diagnosis/codes.ts), and an earlier request that has not ended is judged ${CLOSE_SEEN_LATE_MS} ms after the later one came.`,
        "",
      );
    }
  }
  out.push(END);
  return out.join("\n");
}

function current(page: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  assert.ok(start >= 0 && end > start, "the page has the finding codes' section");
  return page.slice(start, end + END.length);
}

Deno.test("Diagnose your POS lists every finding code as the code says", async () => {
  const page = await Deno.readTextFile(PAGE);
  assert.equal(
    current(page),
    codesSection(),
    "run `deno run -A tests/diagnosis_docs_test.ts` then `deno fmt lib/diagnosis/README.md`",
  );
  for (const code of FINDING_CODE_NAMES) assert.ok(page.includes(`### \`${code}\``), code);
  const headings = [...page.matchAll(/^### `([a-z-]+)`$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [...FINDING_CODE_NAMES]);
});

Deno.test("the campaign file of Diagnose your POS is a valid campaign", async () => {
  const page = await Deno.readTextFile(PAGE);
  const block = /## A campaign file[\s\S]*?```yml\n([\s\S]*?)```/.exec(page);
  assert.ok(block, "the example is found");
  const campaign = parseCampaign(block[1], "example.yaml");
  assert.deepEqual(campaign.cases.map((c) => c.name), ["approval", "lost approval"]);
});

if (import.meta.main) {
  const page = await Deno.readTextFile(PAGE);
  await Deno.writeTextFile(PAGE, page.replace(current(page), codesSection()));
}
