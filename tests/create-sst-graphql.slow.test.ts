/**
 * create-sst graphql/dynamo, deployed (slow tier: it builds the Vite site). `sst deploy
 * --local` type-checks and builds the React site with the Api's URL put in at deploy
 * time; in Chromium, through the local CDN, the site creates an article over GraphQL
 * (Pothos + Yoga + ElectroDB) and lists it.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { removeApp } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";
import { generateApp, getByHost } from "./helpers/generated-app.js";
import { hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

noteIfNoChromium("create-sst-graphql.slow.test.ts", "the site's check in the browser is skipped");

describe("create-sst graphql/dynamo deployed", () => {
  let app: string;
  let local: SstProcess | undefined;
  let deploy: ReturnType<typeof runSst>;
  let siteUrl: string;

  before(async () => {
    app = generateApp("graphql/dynamo", "gql-site");
    const port = await freePort();
    deploy = runSst(app, ["deploy", "--local", "--stage", "e2e", "--port", String(port)], {}, 900_000);
    assert.equal(deploy.code, 0, deploy.output);
    siteUrl = output(app, "SITE");
    local = new SstProcess(app, ["local", "--dir", path.join(".sst", "local", "e2e"), "--port", String(port)]);
    await local.waitFor(/Ready/, 60_000);
  });
  after(async () => {
    await local?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("the site is built (tsc && vite build) and served by the local CDN", async () => {
    assert.match(deploy.output, /Building StaticSite "site"/);
    const index = await getByHost(siteUrl, "/");
    assert.equal(index.status, 200);
    assert.match(index.body, /<div id="root"><\/div>/);
  });

  test("in Chromium the site creates an article over GraphQL and lists it", { skip: !hasChromium }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const seen: string[] = [];
      page.on("console", (m) => seen.push(`console ${m.type()}: ${m.text()}`));
      page.on("requestfailed", (r) => seen.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
      page.on("response", (r) => seen.push(`${r.status()} ${r.request().method()} ${r.url()}`));
      await page.goto(siteUrl);
      await page.waitForSelector("h1");
      await page.fill("input[name=title]", "Made in the browser");
      await page.fill("input[name=url]", "https://example.com/browser");
      await page.click("button[type=submit]");
      const link = await page.waitForSelector("li a:text('Made in the browser')", { timeout: 60_000 }).catch(async (e) => {
        throw new Error(`${e.message}\n${await page.content()}\n${seen.join("\n")}`);
      });
      assert.equal(await link.getAttribute("href"), "https://example.com/browser");
      assert.equal(await page.$("[role=alert]"), null);
    } finally {
      await browser.close();
    }
  });
});
