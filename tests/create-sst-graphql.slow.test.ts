/**
 * create-sst graphql/dynamo, deployed (slow tier: it builds the Vite site). `sst deploy
 * --local` type-checks and builds the React site with the Api's URL put in at deploy
 * time; in Chromium, through the local CDN, the site creates an article over GraphQL
 * (Pothos + Yoga + ElectroDB) and lists it.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { removeApp } from "./helpers/app-copy.js";
import { output } from "./helpers/outputs.js";
import { deployLocal, generateApp, getByHost, type DeployedApp } from "./helpers/generated-app.js";
import { hasChromium, launchChromium, noteIfNoChromium, recordPage } from "./helpers/chromium.js";

noteIfNoChromium("create-sst-graphql.slow.test.ts", "the site's check in the browser is skipped");

describe("create-sst graphql/dynamo deployed", () => {
  let app: string;
  let deployed: DeployedApp | undefined;
  let siteUrl: string;

  before(async () => {
    app = generateApp("graphql/dynamo", "gql-site");
    deployed = await deployLocal(app, "e2e");
    siteUrl = output(app, "SITE");
  });
  after(async () => {
    await deployed?.local.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("the site is built (tsc && vite build) and served by the local CDN", async () => {
    assert.match(deployed!.deploy.output, /Building StaticSite "site"/);
    const index = await getByHost(siteUrl, "/");
    assert.equal(index.status, 200);
    assert.match(index.body, /<div id="root"><\/div>/);
  });

  test("in Chromium the site creates an article over GraphQL and lists it", { skip: !hasChromium }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const seen = recordPage(page);
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
