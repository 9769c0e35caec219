/**
 * The seed app's Auth in Chromium, under `sst dev` on the local cloud, with no internet:
 * GoogleAdapter pointed (GOOGLE_ISSUER_URL) at a real OpenID provider on loopback, and
 * a small site at SITE_URL that takes the session token from the redirect and calls
 * the Api's `GET /session` (useSession) with it. Also: a forged token gets 401, and a
 * magic link captured from the `sst dev` output signs in.
 *
 * Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";
import { startOidcProvider, idTokenClient, type OidcProviderHandle } from "./helpers/oidc-provider.js";
import { hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

noteIfNoChromium("auth.test.ts", "skipped");

let app: string;
let dev: SstProcess;
let api: string;
let idp: OidcProviderHandle;
let site: http.Server;
let siteUrl: string;
let browser: Browser;

/**
 * The app's site: reads `?token=` (Session.parameter's redirect), keeps it, and shows
 * what `GET /session` answers with it as a Bearer token.
 */
function sitePage(): string {
  return `<!doctype html><title>Site</title><pre id="session">loading</pre><script>
    const token = new URLSearchParams(location.search).get("token");
    fetch(${JSON.stringify(api)} + "/session", { headers: token ? { authorization: "Bearer " + token } : {} })
      .then(async (res) => { document.getElementById("session").textContent = res.status + " " + await res.text(); })
      .catch((e) => { document.getElementById("session").textContent = "failed " + e; });
  </script>`;
}

async function sessionShown(page: Page): Promise<{ status: number; body: any }> {
  await page.waitForFunction(() => document.getElementById("session")?.textContent !== "loading", undefined, { timeout: 20_000 });
  const text = (await page.textContent("#session"))!;
  const space = text.indexOf(" ");
  return { status: Number(text.slice(0, space)), body: JSON.parse(text.slice(space + 1)) };
}

describe("Auth in the seed app, in Chromium", { skip: !hasChromium }, () => {
  before(async () => {
    idp = await startOidcProvider({ accounts: { "alice@example.test": { name: "Alice" } } });
    site = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(sitePage());
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    siteUrl = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}/`;

    app = copyApp(path.join(repoRoot, "examples", "my-app"), "auth-app");
    dev = new SstProcess(app, ["dev", "--stage", "e2e", "--port", String(await freePort())], {
      GOOGLE_CLIENT_ID: "local-google", GOOGLE_ISSUER_URL: idp.issuer, SITE_URL: siteUrl,
    });
    await dev.waitFor(/ready/i, 120_000);
    api = output(app, "ApiEndpoint").replace(/\/$/, "");
    // The callback URL is known once the Api exists.
    idp.register([idTokenClient("local-google", `${api}/auth/google/callback`)]);

    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dev?.stop();
    await idp?.stop();
    await new Promise((r) => site?.close(r));
    if (app && !process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("Google (OIDC) sign-in at the local provider → the site gets the session → GET /session answers the user", async () => {
    const page = await browser.newPage();
    await page.goto(`${api}/auth/google/authorize`);
    assert.ok(page.url().startsWith(idp.issuer), `at the provider: ${page.url()}`);
    await page.fill("input[name=login]", "alice@example.test");
    await page.fill("input[name=password]", "correct horse");
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(siteUrl), { timeout: 20_000 }), page.click("button[type=submit]")]);
    assert.match(page.url(), /\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    const shown = await sessionShown(page);
    assert.deepEqual(shown, { status: 200, body: { userId: "alice@example.test", email: "alice@example.test" } });
    await page.close();
  });

  test("a forged or foreign token gets 401 from the same route", async () => {
    const page = await browser.newPage();
    await page.goto(`${api}/auth/google/authorize`);
    await page.fill("input[name=login]", "alice@example.test");
    await page.fill("input[name=password]", "x");
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(siteUrl)), page.click("button[type=submit]")]);
    const token = new URL(page.url()).searchParams.get("token")!;
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, properties: { ...claims.properties, userId: "admin" } })).toString("base64url")}.${s}`;
    await page.goto(`${siteUrl}?token=${forged}`);
    assert.deepEqual(await sessionShown(page), { status: 401, body: { error: "Not signed in" } });
    await page.goto(`${siteUrl}?token=${h}.${p}.${s.slice(0, -6)}AAAAAA`);
    assert.equal((await sessionShown(page)).status, 401);
    await page.goto(siteUrl);
    assert.equal((await sessionShown(page)).status, 401, "no token at all");
    await page.close();
  });

  test("magic link: request it, follow the link captured from sst dev's output, get the session", async () => {
    const from = dev.output.split("\n").length - 1;
    const res = await fetch(`${api}/auth/link/authorize?email=bob@example.test`);
    assert.equal(res.status, 200, await res.text());
    const line = await dev.waitFor(/Sign-in link for bob@example\.test: (\S+)/, 20_000, from);
    const link = /Sign-in link for bob@example\.test: (\S+)/.exec(line)![1];
    const page = await browser.newPage();
    await page.goto(link);
    assert.ok(page.url().startsWith(siteUrl), page.url());
    assert.deepEqual(await sessionShown(page), { status: 200, body: { userId: "email:bob@example.test", email: "bob@example.test" } });

    const tampered = new URL(link);
    tampered.searchParams.set("token", tampered.searchParams.get("token")!.slice(0, -4) + "AAAA");
    await page.goto(tampered.toString());
    assert.equal(await page.textContent("body"), "This sign-in link is invalid or has expired.");
    await page.close();
  });
});
