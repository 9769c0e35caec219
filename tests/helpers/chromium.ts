/**
 * Debian's Chromium for the browser tests, driven by playwright-core (never a downloaded
 * browser: the machines reach no download site). Tests that need it skip, saying so, when
 * it is not installed.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = fs.existsSync(CHROMIUM);

/** Says once, in the test output, that `file`'s browser tests are skipped and why. */
export function noteIfNoChromium(file: string, what = "browser tests skipped"): void {
  if (!hasChromium) console.log(`# ${file}: ${what}: ${CHROMIUM} is not installed (apt-get install chromium)`);
}

/** A headless Chromium with nothing of its own reaching the network (updates, sync, field trials). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}

/** What a page says (its console, failed requests, responses), to print when a wait on it fails. */
export function recordPage(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => seen.push(`console ${m.type()}: ${m.text()}`));
  page.on("requestfailed", (r) => seen.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => seen.push(`${r.status()} ${r.request().method()} ${r.url()}`));
  return seen;
}
