// Reports of a diagnosis: JUnit XML checked structurally (testsuites, testsuite,
// testcase, failure and skipped elements, counts that add up), a self-contained HTML page
// with every wire value escaped, JSON, Markdown; the exit decision of --fail-on.
// (tests/report_test.ts is about lib/report.ts, the frame report.)
import assert from "node:assert/strict";
import { CampaignRun, STANDARD_CAMPAIGN } from "../lib/diagnosis/campaign.ts";
import { FINDING_CODE_NAMES } from "../lib/diagnosis/codes.ts";
import { diagnose, Diagnosis } from "../lib/diagnosis/diagnosis.ts";
import { type DiagnosisFinding, shouldFail, worstSeverity } from "../lib/diagnosis/finding.ts";
import {
  escapeMarkdown,
  formatFromPath,
  renderReport,
  type ReportData,
  summarise,
} from "../lib/diagnosis/report.ts";
import { request, Session, T0 } from "./diagnosis_records.ts";

/** An XML element, as the small parser below reads it. */
interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * Parses the XML the renderer writes (a declaration, elements, attributes in double
 * quotes, text, the five entities), and fails on anything not well formed: a tag that
 * does not close, a raw `<` or `&` in text.
 */
function parseXml(xml: string): Element {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const root: Element = { name: "#root", attributes: {}, children: [], text: "" };
  const stack: Element[] = [root];
  const token = /<\/([A-Za-z-]+)>|<([A-Za-z-]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const decode = (text: string) => {
    assert.doesNotMatch(text.replace(/&(amp|lt|gt|quot|apos);/g, ""), /[&<]/, "raw & or <");
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  };
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = token.exec(body)) !== null) {
    end = token.lastIndex;
    const [, close, open, attributes, selfClosing, text] = match;
    const top = stack[stack.length - 1];
    if (close) {
      assert.equal(top.name, close, `</${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open) {
      const element: Element = { name: open, attributes: {}, children: [], text: "" };
      for (const [, key, value] of attributes.matchAll(/([A-Za-z-]+)="([^"]*)"/g)) {
        element.attributes[key] = decode(value);
      }
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    } else top.text += decode(text);
  }
  assert.equal(end, body.length, "the whole document is read");
  assert.equal(stack.length, 1, "every element is closed");
  assert.equal(root.children.length, 1, "one root element");
  return root.children[0];
}

const PROBE = `<img src=x onerror=alert(1)>`;

/** A naive POS through the first cases of the standard campaign, an XSS probe in its bytes. */
function naiveRun(): ReportData {
  const run = new CampaignRun(STANDARD_CAMPAIGN);
  const diagnosis = new Diagnosis();
  const s = new Session();
  const peer = (n: number) => `10.0.0.5:${50000 + n}`;
  const pay = (n: number, options: Parameters<Session["pay"]>[0]) => {
    run.choose({ transactionId: n, peer: peer(n), fields: { CA: "01", CD: "0" } });
    s.pay({ ...options, peer: peer(n) });
  };
  pay(1, {
    at: 1,
    raw: request({ amount: "5", more: `XS${String(PROBE.length).padStart(3, "0")}${PROBE}` }),
  });
  pay(2, { at: 5 }); // 12.50, as the next: a duplicate? no, the first was 0.05
  pay(3, { at: 9 }); // the same 12.50 again, 1 s after its approval
  for (const record of s.records) {
    run.add(record);
    run.see(diagnosis.add(record));
  }
  return {
    run: { tool: "caisse-ap test", startedAt: new Date(T0).toISOString(), ended: "stopped" },
    findings: diagnosis.findings(),
    campaign: run.state(),
  };
}

Deno.test("formatFromPath", () => {
  assert.equal(formatFromPath("out/report.xml"), "xml");
  assert.equal(formatFromPath("r.HTML"), "html");
  assert.equal(formatFromPath("r.htm"), "html");
  assert.equal(formatFromPath("r.json"), "json");
  assert.equal(formatFromPath("r.md"), "md");
  assert.throws(() => formatFromPath("report.txt"), RangeError);
  assert.throws(() => formatFromPath("report"), /\.xml \(JUnit\)/);
});

Deno.test("worstSeverity and shouldFail (--fail-on)", () => {
  const f = (...severities: DiagnosisFinding["severity"][]) =>
    severities.map((severity) => ({ severity }));
  assert.equal(worstSeverity(f()), undefined);
  assert.equal(worstSeverity(f("info", "warning")), "warning");
  assert.equal(worstSeverity(f("failure", "money", "info")), "money");
  const table: [DiagnosisFinding["severity"][], "money" | "failure" | "warning", boolean][] = [
    [[], "warning", false],
    [["info"], "warning", false],
    [["warning"], "warning", true],
    [["warning"], "failure", false],
    [["failure"], "failure", true],
    [["failure"], "money", false],
    [["money"], "money", true],
    [["money"], "warning", true],
  ];
  for (const [severities, failOn, expected] of table) {
    assert.equal(
      shouldFail(f(...severities), failOn),
      expected,
      `${severities} --fail-on ${failOn}`,
    );
  }
});

Deno.test("JUnit XML", async (t) => {
  const data = naiveRun();
  const xml = renderReport(data, "xml");
  const root = parseXml(xml);
  await t.step("testsuites > testsuite > testcase, with counts that add up", () => {
    assert.equal(root.name, "testsuites");
    const suites = root.children;
    assert.ok(suites.length >= 1);
    let tests = 0, failures = 0, skipped = 0;
    for (const suite of suites) {
      assert.equal(suite.name, "testsuite");
      const cases = suite.children;
      assert.ok(
        cases.every((c) => c.name === "testcase" && c.attributes.classname && c.attributes.name),
      );
      const failed = cases.filter((c) => c.children.some((x) => x.name === "failure")).length;
      const skip = cases.filter((c) => c.children.some((x) => x.name === "skipped")).length;
      assert.equal(Number(suite.attributes.tests), cases.length);
      assert.equal(Number(suite.attributes.failures), failed);
      assert.equal(Number(suite.attributes.skipped), skip);
      assert.equal(suite.attributes.errors, "0");
      tests += cases.length;
      failures += failed;
      skipped += skip;
    }
    assert.deepEqual(
      [root.attributes.tests, root.attributes.failures, root.attributes.skipped].map(Number),
      [tests, failures, skipped],
    );
  });
  const [suite] = root.children;
  const byName = (classname: string, name: string) =>
    suite.children.find((c) => c.attributes.classname === classname && c.attributes.name === name)!;
  await t.step("one suite per POS; one testcase per campaign case and per code", () => {
    assert.equal(suite.attributes.name, "POS 10.0.0.5 register 01");
    const campaign = suite.children.filter((c) => c.attributes.classname === "campaign");
    assert.equal(campaign.length, STANDARD_CAMPAIGN.cases.length);
    const codes = suite.children.filter((c) => c.attributes.classname === "findings");
    assert.deepEqual(codes.map((c) => c.attributes.name), [...FINDING_CODE_NAMES]);
  });
  await t.step(
    "money and failure findings fail; warnings pass with their text; unplayed cases are skipped",
    () => {
      const duplicate = byName("findings", "duplicate-after-approval").children[0];
      assert.equal(duplicate.name, "failure");
      assert.equal(duplicate.attributes.type, "money");
      assert.match(duplicate.text, /Fix: Disable the pay button/);
      const conformance = byName("findings", "request-nonconformant");
      assert.equal(conformance.children[0].attributes.type, "failure"); // CB0015: format-cb
      assert.match(conformance.children[0].text, /unknown-tag/); // the warning is in the text
      assert.deepEqual(byName("findings", "reads-once").children, []);
      assert.equal(byName("campaign", "01 approval").children[0].name, "failure");
      assert.equal(byName("campaign", "03 forbidden").children[0].name, "failure"); // the duplicate
      assert.equal(byName("campaign", "04 phone-call").children[0].name, "skipped");
    },
  );
  await t.step("wire values are escaped", () => {
    assert.ok(!xml.includes(PROBE));
    assert.ok(xml.includes("&lt;img src=x onerror=alert(1)&gt;"));
  });
  await t.step("no POS: empty, or the campaign's cases skipped", () => {
    const empty = parseXml(renderReport({ run: {}, findings: [] }, "xml"));
    assert.deepEqual([empty.attributes.tests, empty.children.length], ["0", 0]);
    const waiting = parseXml(
      renderReport(
        { run: {}, findings: [], campaign: new CampaignRun(STANDARD_CAMPAIGN).state() },
        "xml",
      ),
    );
    assert.equal(waiting.children[0].attributes.name, "no POS seen");
    assert.equal(Number(waiting.attributes.skipped), STANDARD_CAMPAIGN.cases.length);
  });
  await t.step("characters XML cannot carry", () => {
    const [finding] = diagnose(new Session().records.concat(
      (() => {
        const s = new Session();
        s.pay({ at: 1, raw: request({ more: "BF0010" }) });
        return s.records.slice(1);
      })(),
    ));
    finding.evidence[0].note = "bad \x02 byte & ]]>";
    const text = renderReport({ run: {}, findings: [finding] }, "xml");
    assert.ok(!text.includes("\x02"));
    parseXml(text);
  });
});

Deno.test("HTML report", async (t) => {
  const html = renderReport(naiveRun(), "html");
  await t.step("self-contained: no external resource", () => {
    assert.match(html, /^<!DOCTYPE html>/);
    const tags = html.match(/<[^>]*>/g)!;
    assert.ok(tags.length > 50);
    for (const tag of tags) assert.doesNotMatch(tag, /\b(src|href|srcset|action|data)\s*=/i, tag);
    // Only these elements: none that loads anything (img, script, link, iframe, object...).
    const elements = new Set(tags.map((tag) => /^<\/?([a-z0-9!]+)/i.exec(tag)![1].toLowerCase()));
    const allowed =
      "!doctype html head meta title style body h1 h2 h3 p span code strong table tr th td br section";
    for (const name of elements) assert.ok(allowed.split(" ").includes(name), name);
    const style = /<style>([^<]*)<\/style>/.exec(html)![1];
    assert.doesNotMatch(style, /@import|url\(/i);
  });
  await t.step("the XSS probe in a wire value is escaped", () => {
    assert.ok(!html.includes(PROBE));
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  });
  await t.step("summary, findings with evidence and advice, the campaign's cases", () => {
    assert.match(html, /3 findings about 1 POS/);
    assert.match(html, /Fix:<\/strong> Disable the pay button/);
    assert.match(html, /CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0015XS/);
    for (const c of STANDARD_CAMPAIGN.cases) {
      assert.ok(html.includes(`<code>${c.name}</code>`), c.name);
    }
    assert.match(html, /not reached/);
  });
  await t.step("no finding", () => {
    assert.match(renderReport({ run: {}, findings: [] }, "html"), /No finding: no POS was seen/);
  });
});

Deno.test("JSON and Markdown reports", async (t) => {
  const data = naiveRun();
  await t.step("JSON: the same data, and its summary", () => {
    const json = JSON.parse(renderReport(data, "json"));
    assert.deepEqual(json.findings, data.findings);
    assert.deepEqual(json.campaign, data.campaign);
    assert.deepEqual(json.summary, JSON.parse(JSON.stringify(summarise(data))));
    assert.deepEqual(json.summary.bySeverity, { money: 1, failure: 1, warning: 1, info: 0 });
    assert.equal(json.summary.worst, "money");
    assert.deepEqual(json.summary.campaign, {
      total: STANDARD_CAMPAIGN.cases.length,
      played: 3,
      done: 3,
      over: false,
    });
  });
  await t.step("Markdown: a table a pull request shows, cells escaped", () => {
    const md = renderReport(data, "md");
    assert.match(md, /^## POS diagnosis/);
    assert.match(
      md,
      /\| money \| `duplicate-after-approval` \| POS 10\.0\.0\.5 register 01 \| 1 \|/,
    );
    assert.ok(!md.includes(PROBE));
    assert.equal(escapeMarkdown("a|b\nc"), "a\\|b c");
  });
});
