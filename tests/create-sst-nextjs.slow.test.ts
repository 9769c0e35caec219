/**
 * create-sst standard/nextjs, end to end (slow tier: it builds Next.js with OpenNext).
 * The generated app starts under `sst dev` without building the site (SST v2 leaves the
 * site to `sst bind next dev`); `sst deploy --local` builds it offline and the local CDN
 * serves the page, its client bundle and its API route.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { removeApp } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";
import { generateApp, getByHost, startDev } from "./helpers/generated-app.js";
import { hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

noteIfNoChromium("create-sst-nextjs.slow.test.ts", "the page's client-side check is skipped");

const ENV = { NEXT_TELEMETRY_DISABLED: "1" };

describe("create-sst standard/nextjs", () => {
  let app: string;
  let local: SstProcess | undefined;
  let deploy: ReturnType<typeof runSst>;
  let siteUrl: string;
  let devBuiltNothing: boolean;

  before(async () => {
    app = generateApp("standard/nextjs", "std-next");
    const dev = await startDev(app, "dev", ENV);
    devBuiltNothing = !fs.existsSync(path.join(app, "packages", "web", ".open-next")) && !dev.dev.lines.some((l) => /Building NextjsSite/.test(l));
    await dev.stop();

    const port = await freePort();
    deploy = runSst(app, ["deploy", "--local", "--stage", "e2e", "--port", String(port)], ENV, 900_000);
    assert.equal(deploy.code, 0, deploy.output);
    siteUrl = output(app, "SiteUrl");
    local = new SstProcess(app, ["local", "--dir", path.join(".sst", "local", "e2e"), "--port", String(port)]);
    await local.waitFor(/Ready/, 60_000);
  });
  after(async () => {
    await local?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("sst dev starts without building the site", () => {
    assert.ok(devBuiltNothing);
  });

  test("sst deploy --local builds the site with OpenNext and prints its CDN URL", () => {
    assert.match(deploy.output, /Building NextjsSite "site"/);
    assert.match(siteUrl, /^http:\/\/[a-z0-9]{14}\.cloudfront\.localhost:\d+$/);
  });

  test("the CDN serves the server-rendered page and the API route", async () => {
    const page = await getByHost(siteUrl, "/");
    assert.equal(page.status, 200, page.body);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /<h1[^>]*>SST \+ Next\.js<\/h1>/);
    const api = await getByHost(siteUrl, "/api/hello");
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), { name: "John Doe" });
    assert.equal((await getByHost(siteUrl, "/no-such-page")).status, 404);
  });

  test("in Chromium the page hydrates and calls its API route", { skip: !hasChromium }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      assert.equal(await page.textContent("h1"), "SST + Next.js");
      // The click only works once React has hydrated the page with its client bundle from S3.
      await page.waitForFunction(() => {
        (document.querySelector("#greet") as HTMLButtonElement).click();
        return document.querySelector("#greeting")!.textContent === "Hello John Doe";
      });
    } finally {
      await browser.close();
    }
  });
});
