// The diagnosis in a real browser: Debian's chromium (/usr/bin/chromium, never a
// downloaded one), headless, driven by playwright-core. A naive POS plays the standard
// campaign with an XSS probe in a wire value (CF, and an unknown tag); the dashboard's
// Findings and Campaign panels show what was found, and the HTML report, opened as a
// file, shows the probe as text. Then the same panels and report in French. Screenshots go
// to tests/artifacts/.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "./deps.ts";
import { CHROMIUM, hasChromium, launch } from "./chromium.ts";
import { startTerminal } from "../lib/fixture.ts";
import { renderReport, STANDARD_CAMPAIGN } from "../lib/diagnosis/mod.ts";
import { startControlServer } from "../lib/terminal/http/serve.ts";
import { request } from "./diagnosis_records.ts";
import { exchange, NAIVE, playCampaign } from "./pos_script.ts";

const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const PROBE = "<img src=x onerror=alert(1)>";
const WAIT = { timeout: 60_000 };
const SCALE = 0.01;

function watchPage(page: Page, dialogs: string[], errors: string[]): void {
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (error) => errors.push(error.message));
}

Deno.test({
  name: hasChromium
    ? "the diagnosis in chromium: the Findings and Campaign panels, the HTML report, a probe as text"
    : `the diagnosis in chromium (skipped: no ${CHROMIUM})`,
  ignore: !hasChromium,
  fn: async (t) => {
    const profile = await Deno.makeTempDir({ prefix: "caisse-ap-chromium-" });
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    let context: BrowserContext | undefined;
    await using terminal = await startTerminal({
      campaign: STANDARD_CAMPAIGN,
      timeScale: SCALE,
      settings: { delayMs: 3000 },
    });
    await using server = startControlServer(terminal.control);
    const dialogs: string[] = [];
    const errors: string[] = [];
    try {
      context = await launch(profile);
      const page = context.pages()[0] ?? await context.newPage();
      watchPage(page, dialogs, errors);
      await page.goto(server.url);
      await page.locator("#campaign-panel:not([hidden])").waitFor(WAIT);

      await t.step("before any payment: the first case and its instruction", async () => {
        assert.equal(
          await page.locator("#campaign-now .case-title").textContent(),
          "Case 1 of 20: approval next",
        );
        assert.match(
          (await page.locator("#campaign-now .case-instruction").textContent())!,
          /^Pay any amount on the POS now/,
        );
      });

      await t.step("a probe in CF and in an unknown tag: a finding, shown as text", async () => {
        const cf = `CF${String(PROBE.length).padStart(3, "0")}${PROBE}`;
        const raw = request({
          amount: "4242",
          more: `BF0010${cf}ZZ${String(PROBE.length).padStart(3, "0")}${PROBE}`,
        });
        await exchange(terminal.host, terminal.port, raw, {}, 5000);
        const card = page.locator('#findings .finding[data-code="request-nonconformant"]').first();
        await card.waitFor(WAIT);
        const evidence = await page.locator("#findings pre.raw").allTextContents();
        assert.ok(evidence.some((text) => text.includes(PROBE)), evidence.join("\n"));
        assert.equal(await page.locator("#findings img").count(), 0);
      });

      await t.step("a naive POS plays the campaign: every code on the panel, live", async () => {
        await playCampaign(terminal.endpoint, NAIVE, { timeScale: SCALE, firstAmount: 5000 });
        await page.locator('#findings .finding[data-code="reads-once"]').waitFor(WAIT);
        await page.locator('#findings .finding[data-severity="money"]').first().waitFor(WAIT);
        const codes = await page.locator("#findings .finding-code").allTextContents();
        for (const code of ["resends-after-unknown", "duplicate-after-approval", "reads-once"]) {
          assert.ok(codes.some((c) => c.startsWith(code)), `${code} in ${codes}`);
        }
        // Worst first: the money findings lead.
        assert.equal(
          await page.locator("#findings .finding").first().getAttribute("data-severity"),
          "money",
        );
        await page.locator("#campaign-now .case-over").waitFor(WAIT);
        const done = await page.locator("#campaign-done li").count();
        assert.ok(done >= 20, `${done} cases shown`);
        assert.deepEqual(dialogs, []);
        await page.screenshot({ path: `${ARTIFACTS}diagnosis-dashboard.png`, fullPage: true });
      });

      await t.step("the HTML report, opened as a file: the probe is text", async () => {
        const file = `${ARTIFACTS}diagnosis-report.html`;
        await Deno.writeTextFile(
          file,
          renderReport(terminal.watch!.report({ ended: "over" }), "html"),
        );
        const report = await context!.newPage();
        watchPage(report, dialogs, errors);
        await report.goto(`file://${file}`);
        const text = (await report.locator("body").textContent())!;
        assert.ok(text.includes(PROBE), "the probe shows as the characters sent");
        for (const code of ["resends-after-unknown", "reads-once", "gives-up-early"]) {
          assert.ok(text.includes(code), code);
        }
        assert.equal(await report.locator("img").count(), 0);
        assert.equal(await report.locator("script").count(), 0);
        assert.deepEqual(dialogs, []);
        await report.screenshot({ path: `${ARTIFACTS}diagnosis-report.png`, fullPage: true });
        await report.close();
      });
      await t.step("in French: the panels, the findings and the cases", async () => {
        await page.locator("#language").selectOption("fr");
        await page.locator("#campaign-now .case-over", {
          hasText: "La campagne est terminée",
        }).waitFor(WAIT);
        const title = page.locator('#findings .finding[data-code="reads-once"] .finding-title');
        await title.first().waitFor(WAIT);
        assert.equal(
          await title.first().textContent(),
          "La caisse lit la réponse une seule fois et en perd la suite",
        );
        const cases = await page.locator("#campaign-done li strong").allTextContents();
        assert.equal(cases[0], "paiement accepté");
        assert.ok(cases.includes("acceptation perdue"), cases.join(", "));
        assert.match(
          (await page.locator("#campaign-name").textContent())!,
          /^standard, 20 cas$/,
        );
        // The codes stay as they are, for people to search for.
        const codes = await page.locator("#findings .finding-code").allTextContents();
        assert.ok(codes.some((c) => c === "reads-once"), codes.join(", "));
        await page.screenshot({ path: `${ARTIFACTS}diagnosis-dashboard-fr.png`, fullPage: true });
        const file = `${ARTIFACTS}diagnosis-report-fr.html`;
        await Deno.writeTextFile(
          file,
          renderReport(terminal.watch!.report({ ended: "over" }), "html", "fr"),
        );
        const report = await context!.newPage();
        watchPage(report, dialogs, errors);
        await report.goto(`file://${file}`);
        const text = (await report.locator("body").textContent())!;
        assert.ok(text.includes("Diagnostic de la caisse"));
        assert.ok(text.includes(PROBE), "the probe shows as the characters sent");
        assert.equal(await report.locator("img").count(), 0);
        await report.screenshot({ path: `${ARTIFACTS}diagnosis-report-fr.png`, fullPage: true });
        await report.close();
        assert.deepEqual(dialogs, []);
      });
      assert.deepEqual(errors, []);
    } finally {
      await context?.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
