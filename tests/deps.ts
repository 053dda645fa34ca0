// Test-only npm dependencies. They stay out of lib/deps.ts, which every program and the
// library import: whatever is there is loaded by everyone (and downloaded by a user who
// runs server.ts from a URL). Exact versions, as in lib/deps.ts.

/** Drives Debian's chromium in the browser test; it never downloads a browser itself. */
export { chromium } from "npm:playwright-core@1.65.1";
export type { BrowserContext, Page } from "npm:playwright-core@1.65.1";
