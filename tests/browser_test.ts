// The dashboard in a real browser: Debian's chromium (/usr/bin/chromium, never a
// downloaded one), headless, driven by playwright-core. The simulator runs in hold mode
// as a user starts it; the client pays; the screen shows the payment; a click approves
// it; the client gets AE=10. A CF that looks like markup shows as text. Then the same in
// French: the switch, ?lang=, the browser's language, and the terminal's screen at each
// step. Screenshots go to tests/artifacts/ for a person to look at.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "./deps.ts";
import { CHROMIUM, hasChromium, launch } from "./chromium.ts";
import { type Output, run as runProgram, type RunningServer, startServer } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const PROBE = "<img src=x onerror=alert(1)>";
/** Generous: the machine is shared and may be busy. */
const WAIT = { timeout: 60_000 };

/** The simulator as a user starts it for the dashboard: hold mode, answers at once. */
function startHeldDashboard(): Promise<RunningServer> {
  return startServer(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--quiet",
      "server.ts",
      ...["--host", "127.0.0.1", "--port", "0", "--http", "0", "--hold", "-d", "0"],
    ],
    { cwd: ROOT },
  );
}

function client(args: string[]): Promise<Output> {
  return runProgram(Deno.execPath(), ["run", "-A", "--quiet", "client.ts", ...args], {
    cwd: ROOT,
  });
}

/** Saves what the page shows: the whole page, or what fits the screen (`fullPage: false`). */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage });
}

Deno.test({
  name: hasChromium
    ? "the dashboard in chromium: see the held payment, approve it, the client gets AE=10"
    : `the dashboard in chromium (skipped: no ${CHROMIUM}; install Debian's chromium package)`,
  ignore: !hasChromium,
  fn: async (t) => {
    const profile = await Deno.makeTempDir({ prefix: "caisse-ap-chromium-" });
    let server: RunningServer | undefined;
    let context: BrowserContext | undefined;
    const dialogs: string[] = [];
    const errors: string[] = [];
    try {
      server = await startHeldDashboard();
      const port = `${server.port}`;
      context = await launch(profile);
      const page = context.pages()[0] ?? await context.newPage();
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`${server.dashboard}?lang=en`);
      await page.locator('#connection[data-state="live"]').waitFor(WAIT);

      await t.step(
        "a payment is held: the screen shows its action, amount and currency",
        async () => {
          const payment = client(["-p", port, "-a", "12.50", "--private-data", PROBE]);
          await page.locator('#screen[data-state="held"]').waitFor(WAIT);
          assert.equal(await page.locator("#screen-action").textContent(), "SALE");
          assert.equal(await page.locator("#screen-amount").textContent(), "12.50 EUR");
          assert.equal(
            await page.locator("#screen-state").textContent(),
            "INSERT OR\nPRESENT CARD",
          );
          assert.equal(
            await page.locator("#screen-detail").textContent(),
            `Register 01 · ${PROBE}`,
            "the CF shows as the characters sent",
          );
          assert.match(
            (await page.locator("#screen-countdown").textContent())!,
            /time-out in \d+ s/,
          );
          await screenshot(page, "dashboard-held-desktop");

          await page.getByRole("button", { name: /^Card contact/ }).click();
          const result = await payment;
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.stdout, /^Approved \(AE=10\)$/m);
          assert.match(result.stdout, /^read mode +1 chip contact$/m);
          await page.locator('#screen[data-state="approved"]').waitFor(WAIT);
          assert.equal(await page.locator("#screen-state").textContent(), "PAYMENT APPROVED");
        },
      );

      await t.step("the journal shows it, decoded, and its frames; the probe is text", async () => {
        const row = page.locator("#journal-body tr.entry").first();
        await row.locator(".badge", { hasText: "approved" }).waitFor(WAIT);
        assert.equal(await row.locator(".num").nth(1).textContent(), "€12.50");
        assert.equal(await row.locator(".private").textContent(), PROBE);
        assert.match((await row.textContent())!, /operator \(decision "contact" \(dashboard\)\)/);
        await row.getByRole("button", { name: "Show the frames of transaction 1" }).click();
        const details = page.locator("#details-1");
        await details.waitFor(WAIT);
        const raw = await details.locator("pre.raw").allTextContents();
        assert.equal(raw.length, 2);
        assert.ok(raw[0].endsWith(`CF028${PROBE}`), raw[0]);
        assert.match(raw[1], /AE00210/);
        assert.match((await details.textContent())!, /status complement|action status/);
        // No element was made of the wire's text, and nothing ran.
        assert.equal(await page.locator("img").count(), 0);
        assert.deepEqual(dialogs, []);
        await screenshot(page, "dashboard-journal-desktop");
      });

      await t.step("on a phone-sized screen, the keyboard's x is the red button", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        const payment = client(["-p", port, "-a", "7.30", "--register", "02"]);
        await page.locator('#screen[data-state="held"]').waitFor(WAIT);
        assert.equal(await page.locator("#screen-amount").textContent(), "7.30 EUR");
        // Everything fits the width: nothing to scroll sideways but the journal's table.
        const overflow = await page.evaluate(
          "document.documentElement.scrollWidth - document.documentElement.clientWidth",
        );
        assert.equal(overflow, 0);
        await screenshot(page, "dashboard-held-phone", false);
        await page.keyboard.press("x");
        const result = await payment;
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /AF=11/);
        await page.locator("#journal-body tr.entry .badge", { hasText: "operator abandon" })
          .waitFor(WAIT);
      });

      await t.step("the settings panel changes the terminal: hold off, failure mode", async () => {
        await page.getByLabel(/Hold mode/).uncheck();
        await page.getByLabel("Failure", { exact: true }).check();
        await page.getByLabel("Failure type").selectOption("refused");
        await page.locator("#settings-message", { hasText: "Saved" }).waitFor(WAIT);
        const status = await (await fetch(new URL("/api/status", server!.dashboard))).json();
        assert.equal(status.settings.hold, false);
        assert.equal(status.settings.failure, true);
        assert.equal(status.settings["failure-type"], "refused");
        const result = await client(["-p", port, "-a", "3.00"]);
        assert.equal(result.code, 1);
        assert.match(result.stdout, /AF=04 refused/);
        await page.locator("#journal-body tr.entry .badge", { hasText: "refused" }).waitFor(WAIT);
        await screenshot(page, "dashboard-settings-phone");
        assert.deepEqual(dialogs, []);
        assert.deepEqual(errors, []);
      });
    } finally {
      await context?.close();
      const output = await server?.stop();
      await Deno.remove(profile, { recursive: true });
      if (output) assert.doesNotMatch(output.stderr, /unexpected error/);
    }
  },
});

Deno.test({
  name: hasChromium
    ? "the dashboard in chromium with --http-token: log in once with ?token=, then live"
    : `the dashboard in chromium with a token (skipped: no ${CHROMIUM}; install Debian's chromium package)`,
  ignore: !hasChromium,
  fn: async () => {
    const token = "0123456789abcdef0123456789abcdef";
    const profile = await Deno.makeTempDir({ prefix: "caisse-ap-chromium-" });
    let server: RunningServer | undefined;
    let context: BrowserContext | undefined;
    try {
      server = await startServer(
        Deno.execPath(),
        [
          "run",
          "-A",
          "--quiet",
          "server.ts",
          ...["--host", "127.0.0.1", "--port", "0", "--http", "0", "--http-token", token],
        ],
        { cwd: ROOT },
      );
      context = await launch(profile);
      const page = context.pages()[0] ?? await context.newPage();
      // Without the token: the JSON refusal, not the page.
      const refused = await page.goto(server.dashboard!);
      assert.equal(refused?.status(), 401);
      assert.match((await page.textContent("body"))!, /Missing token/);
      // With it once: sent back to /, the token out of the address, the stream live.
      await page.goto(`${server.dashboard}?token=${token}`);
      assert.equal(page.url(), server.dashboard);
      await page.locator('#connection[data-state="live"]').waitFor(WAIT);
      // The cookie carries the dashboard's own requests: a setting changes.
      await page.getByLabel(/Magic amounts/).check();
      await page.locator("#settings-message", { hasText: "Saved" }).waitFor(WAIT);
      const status = await fetch(new URL("/api/status", server.dashboard), {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal((await status.json()).settings["magic-amounts"], true);
    } finally {
      await context?.close();
      await server?.stop();
      await Deno.remove(profile, { recursive: true });
    }
  },
});

/** The text of an element. */
async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? "";
}

/** Waits until the terminal's screen says this. */
async function screenSays(page: Page, text: string): Promise<void> {
  await page.locator("#screen-state", { hasText: new RegExp(`^${text}$`) }).waitFor(WAIT);
}

Deno.test({
  name: hasChromium
    ? "the dashboard in French: the switch, ?lang=, the terminal's screen at each step"
    : `the dashboard in French (skipped: no ${CHROMIUM}; install Debian's chromium package)`,
  ignore: !hasChromium,
  fn: async (t) => {
    const profile = await Deno.makeTempDir({ prefix: "caisse-ap-chromium-" });
    let server: RunningServer | undefined;
    let context: BrowserContext | undefined;
    const errors: string[] = [];
    const nbsp = "\u00a0";
    try {
      server = await startHeldDashboard();
      const port = `${server.port}`;
      context = await launch(profile);
      const page = context.pages()[0] ?? await context.newPage();
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(server.dashboard!);
      await page.locator('#connection[data-state="live"]').waitFor(WAIT);

      await t.step(
        "an English browser gets English; the switch turns the page French",
        async () => {
          assert.equal(await page.getAttribute("html", "lang"), "en");
          assert.equal(await textOf(page, "#screen-state"), "READY");
          await page.locator("#language").selectOption("fr");
          await page.locator("#connection", { hasText: "En direct" }).waitFor(WAIT);
          assert.equal(await page.getAttribute("html", "lang"), "fr");
          assert.equal(await page.title(), "caisse-ap · simulateur de terminal");
          assert.equal(await textOf(page, "#screen-state"), "PRET");
          assert.equal(await textOf(page, "#settings-title"), "Réglages");
          assert.equal(await textOf(page, "#journal-empty"), "Aucune transaction pour l'instant.");
          assert.equal(
            await page.getAttribute(".keys", "aria-label"),
            "Touches du terminal",
          );
        },
      );

      await t.step("a held card payment: the screen as a French terminal shows it", async () => {
        const payment = client(["-p", port, "-a", "12.50", "--lang", "fr"]);
        await page.locator('#screen[data-state="held"]').waitFor(WAIT);
        assert.equal(await textOf(page, "#screen-action"), "DEBIT");
        assert.equal(await textOf(page, "#screen-amount"), "12,50 EUR");
        assert.equal(await textOf(page, "#screen-state"), "INSEREZ OU\nPRESENTEZ CARTE");
        assert.equal(await textOf(page, "#screen-detail"), "Caisse 01");
        assert.match(await textOf(page, "#screen-countdown"), /^fin du délai dans \d+ s$/);
        assert.match(await textOf(page, "#hint"), /^Le paiement n° 1 attend/);
        await screenshot(page, "dashboard-fr-held-desktop");
        await page.getByRole("button", { name: /^Carte contact/ }).click();
        const result = await payment;
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^Accepté \(AE=10\)$/m);
        await screenSays(page, "PAIEMENT ACCEPTE");
      });

      await t.step("the journal in French: action, amount with Intl, result, state", async () => {
        const row = page.locator("#journal-body tr.entry").first();
        await row.locator(".badge", { hasText: "accepté" }).waitFor(WAIT);
        const cells = await row.locator("td").allTextContents();
        assert.equal(cells[4], "débit");
        assert.equal(cells[5], `12,50${nbsp}€`);
        assert.equal(cells[7], 'opérateur (decision "contact" (dashboard))');
        assert.equal(cells[8], "répondu");
        await row.getByRole("button", { name: "Afficher les trames de la transaction 1" }).click();
        await page.locator("#details-1", { hasText: "Demande" }).waitFor(WAIT);
        assert.match(await textOf(page, "#details-1"), /Décision\u00a0: accepté/);
        assert.match(await textOf(page, "#details-1"), /carte à puce \(contact\)/);
        assert.match(await textOf(page, "#details-1"), /statut de l'opération/);
        assert.match(await textOf(page, "#details-1"), /réponse en fin de transaction/);
        await screenshot(page, "dashboard-fr-journal-desktop");
      });

      await t.step("a cheque: INSEREZ CHEQUE, then refused: CHEQUE REFUSE", async () => {
        const payment = client(["-p", port, "-a", "25", "--check"]);
        await page.locator('#screen[data-state="held"]').waitFor(WAIT);
        assert.equal(await textOf(page, "#screen-state"), "INSEREZ CHEQUE");
        assert.equal(await textOf(page, "#screen-amount"), "25,00 EUR");
        await page.keyboard.press("r");
        assert.equal((await payment).code, 1);
        await screenSays(page, "CHEQUE REFUSE");
      });

      await t.step("time-out and the red button: TEMPS DEPASSE, TRANSACTION ANNULEE", async () => {
        const late = client(["-p", port, "-a", "4.20"]);
        await page.locator('#screen[data-state="held"]').waitFor(WAIT);
        await page.keyboard.press("t");
        assert.match((await late).stdout, /AF=08/);
        await screenSays(page, "TEMPS DEPASSE");
        const cancelled = client(["-p", port, "-a", "4.30", "--refund"]);
        await page.locator('#screen[data-state="held"]').waitFor(WAIT);
        assert.equal(await textOf(page, "#screen-action"), "CREDIT");
        await page.keyboard.press("x");
        assert.match((await cancelled).stdout, /AF=11/);
        await screenSays(page, "TRANSACTION\nANNULEE");
        await page.locator("#journal-body .badge", { hasText: "abandon de l'opérateur (AF=11)" })
          .waitFor(WAIT);
      });

      await t.step(
        "without hold mode, a contact card: TAPEZ VOTRE CODE, then accepted",
        async () => {
          await page.getByLabel(/Mode attente/).uncheck();
          await page.locator("#settings-message", { hasText: "Enregistré" }).waitFor(WAIT);
          await page.getByLabel("Délai (secondes)").fill("3");
          await page.getByLabel("Délai (secondes)").dispatchEvent("change");
          await page.locator("#settings-message", { hasText: "Enregistré" }).waitFor(WAIT);
          const payment = client(["-p", port, "-a", "9.99"]);
          // The terminal's delay is the cardholder typing the PIN.
          await screenSays(page, "TAPEZ VOTRE CODE");
          assert.equal(await textOf(page, "#screen-amount"), "9,99 EUR");
          await screenshot(page, "dashboard-fr-pin-desktop");
          assert.equal((await payment).code, 0);
          await screenSays(page, "PAIEMENT ACCEPTE");
        },
      );

      await t.step("a POS that sends BF: the finding in French on the Findings panel", async () => {
        const raw = "CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041250BF0010";
        const sent = await client(["-p", port, "--raw", raw]);
        assert.equal(sent.code, 0, sent.stderr);
        const card = page.locator('#findings .finding[data-code="request-nonconformant"]', {
          hasText: "BF",
        }).first();
        await card.waitFor(WAIT);
        assert.equal(
          await textOf(page, '#findings-title > [data-i18n="diag.findings"]'),
          "Constats",
        );
        assert.equal(
          await card.locator(".finding-title").textContent(),
          "La caisse envoie BF (paiement partiel autorisé)",
        );
        assert.equal(await card.locator(".finding-advice").textContent(), "Ne jamais envoyer BF.");
        assert.equal(await card.locator(".badge").textContent(), "échec");
        assert.equal(
          await card.locator(".finding-code").textContent(),
          "request-nonconformant/bf-sent",
        );
        assert.equal(await card.locator(".finding-pos").textContent(), "Caisse 127.0.0.1 · n° 01");
        assert.deepEqual(await card.locator("h4").allTextContents(), [
          "Ce qui a été vu",
          "Comment corriger",
        ]);
        assert.equal(
          await page.locator("#report-html").getAttribute("href"),
          "/api/report?format=html&lang=fr",
        );
        await card.scrollIntoViewIfNeeded();
        await screenshot(page, "dashboard-fr-findings-desktop");
      });

      await t.step("the choice is remembered; ?lang= wins over it", async () => {
        await page.reload();
        await page.locator("#connection", { hasText: "En direct" }).waitFor(WAIT);
        assert.equal(await textOf(page, "#screen-state"), "PAIEMENT ACCEPTE");
        await page.goto(`${server!.dashboard}?lang=en`);
        await page.locator("#connection", { hasText: "Live" }).waitFor(WAIT);
        assert.equal(await textOf(page, "#screen-state"), "PAYMENT APPROVED");
        assert.equal(await textOf(page, "#settings-title"), "Settings");
        // The finding again, in English: its words follow the page.
        await page.locator("#findings .finding-title", {
          hasText: "The POS sends BF (partial payment allowed)",
        }).waitFor(WAIT);
        assert.equal(
          await textOf(page, '#findings-title > [data-i18n="diag.findings"]'),
          "Findings",
        );
        await screenshot(page, "dashboard-en-after-fr-desktop");
        assert.deepEqual(errors, []);
      });
    } finally {
      await context?.close();
      const output = await server?.stop();
      await Deno.remove(profile, { recursive: true });
      if (output) assert.doesNotMatch(output.stderr, /unexpected error/);
    }
  },
});

Deno.test({
  name: hasChromium
    ? "the dashboard in a French browser speaks French without being asked"
    : `the dashboard in a French browser (skipped: no ${CHROMIUM})`,
  ignore: !hasChromium,
  fn: async () => {
    const profile = await Deno.makeTempDir({ prefix: "caisse-ap-chromium-" });
    let server: RunningServer | undefined;
    let context: BrowserContext | undefined;
    try {
      server = await startServer(
        Deno.execPath(),
        ["run", "-A", "--quiet", "server.ts", "--host", "127.0.0.1", "--port", "0", "--http", "0"],
        { cwd: ROOT },
      );
      context = await launch(profile, "fr-FR");
      const page = context.pages()[0] ?? await context.newPage();
      await page.goto(server.dashboard!);
      await page.locator("#connection", { hasText: "En direct" }).waitFor(WAIT);
      assert.equal(await page.locator("#language").inputValue(), "fr");
      assert.equal(await textOf(page, "#reset"), "Réinitialiser");
      assert.match(await textOf(page, "#hint"), /^Une touche choisit/);
    } finally {
      await context?.close();
      await server?.stop();
      await Deno.remove(profile, { recursive: true });
    }
  },
});
