// Debian's chromium for the browser tests (/usr/bin/chromium, never a downloaded one),
// headless, driven by playwright-core, with the flags that keep it off the network.
import { type BrowserContext, chromium } from "./deps.ts";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser is installed here (the browser tests are skipped otherwise). */
export const hasChromium: boolean = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** Starts chromium with a profile folder of its own, in the given locale. */
export async function launch(profile: string, locale = "en-US"): Promise<BrowserContext> {
  return await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
