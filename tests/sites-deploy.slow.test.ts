/**
 * Sites deployed to the local cloud and loaded in Chromium through the local CDN (the
 * slow tier: this file builds every site of the fixture app once — a Vite StaticSite,
 * Next.js with OpenNext, Astro in server and static mode, Remix, SvelteKit — and
 * everything else reuses those builds, one local cloud and one browser).
 *
 * `sst deploy` builds the sites (with values only known at deploy time, such as the
 * Api's URL, put in by the deploy), uploads them through the stack's custom resource
 * handler and creates their distributions; a second deploy of the unchanged app skips
 * every build; a broken build fails naming the site, shows the tool's own error and
 * leaves the deployed sites as they were. Then `sst local` serves the stage and
 * Chromium loads `http://{id}.cloudfront.localhost:{port}`.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { eventually, output } from "./helpers/outputs.js";
import { LambdaClient, ListFunctionsCommand, GetFunctionUrlConfigCommand } from "@aws-sdk/client-lambda";
import { SITE_ALLOWANCES, SOURCEMAP_ALLOWANCE, EDGE_VERSION_ALLOWANCE, templateDifferences } from "./helpers/template-parity.js";
import { hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

noteIfNoChromium("sites-deploy.slow.test.ts", "browser checks skipped");

const fixture = path.join(repoRoot, "tests", "fixtures", "sites-deploy");
const ENV = { NEXT_TELEMETRY_DISABLED: "1" };
const NOTES = ["buy milk", "call mom", "write tests"];
/** The framework sites of the Frameworks stack, by output name. */
const FRAMEWORKS = { AstroUrl: 'AstroSite "Astro"', AstroStaticUrl: 'AstroSite "AstroStatic"', RemixUrl: 'RemixSite "Remix"', SvelteKitUrl: 'SvelteKitSite "SvelteKit"' };
/** The Edge stack's sites (built from the Frameworks stack's folders), by output name. */
const EDGE = { EdgeRemixUrl: 'RemixSite "EdgeRemix"', IamSvelteKitUrl: 'SvelteKitSite "IamSvelteKit"' };

/** Clicks count only once the framework has hydrated the page with its client bundle (served from S3). */
async function waitForHydration(page: import("playwright-core").Page) {
  await page.waitForFunction(() => {
    (document.querySelector("#count") as HTMLButtonElement).click();
    return document.querySelector("#count")!.textContent !== "clicked 0";
  });
}

describe("sites deployed to the local cloud", () => {
  let app: string;
  let port: number;
  let local: SstProcess | undefined;
  let browser: import("playwright-core").Browser | undefined;
  let webUrl: string;
  let nextUrl: string;
  let apiUrl: string;
  let urls: Record<keyof typeof FRAMEWORKS | keyof typeof EDGE, string>;
  let firstDeploy: ReturnType<typeof runSst>;
  let unchangedDeploy: ReturnType<typeof runSst>;
  let brokenDeploy: ReturnType<typeof runSst>;
  let unchangedSeconds: number;
  let awsBuild: ReturnType<typeof runSst>;

  before(async () => {
    app = copyApp(fixture, "sites-deploy");
    port = await freePort();
    // The first deploy builds a Next.js app with OpenNext: minutes on a busy 2-core machine.
    const deploy = () => runSst(app, ["deploy", "--local", "--stage", "e2e", "--port", String(port)], ENV, 900_000);
    firstDeploy = deploy();
    assert.equal(firstDeploy.code, 0, firstDeploy.output);
    webUrl = output(app, "WebUrl");
    nextUrl = output(app, "NextUrl");
    apiUrl = output(app, "ApiEndpoint");
    urls = Object.fromEntries([...Object.keys(FRAMEWORKS), ...Object.keys(EDGE)].map((k) => [k, output(app, k)])) as typeof urls;

    const started = performance.now();
    unchangedDeploy = deploy();
    unchangedSeconds = (performance.now() - started) / 1000;

    // The AWS form of the templates (`sst build`), for the comparison with SST v2's; the
    // stage is the one SST v2's reference was built with. The builds are skipped (before
    // the broken build below, which leaves the Vite site to be built again).
    awsBuild = runSst(app, ["build", "--stage", "ref"], ENV, 300_000);

    const main = path.join(app, "packages", "vite", "src", "main.js");
    const good = fs.readFileSync(main, "utf8");
    fs.writeFileSync(main, `${good}\nconst = ;\n`);
    brokenDeploy = deploy();
    fs.writeFileSync(main, good);

    local = new SstProcess(app, ["local", "--dir", path.join(".sst", "local", "e2e"), "--port", String(port)]);
    await local.waitFor(/Ready/, 60_000);
    const db = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const table = (await db.send(new ListTablesCommand({}))).TableNames!.find((t) => t.endsWith("-Notes"))!;
    for (const [i, text] of NOTES.entries()) await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: `n${i}` }, text: { S: text } } }));
    db.destroy();
    if (hasChromium) {
      browser = await launchChromium();
    }
  });

  after(async () => {
    await browser?.close();
    await local?.stop();
    removeApp(app);
  });

  test("sst deploy builds every site and prints their CDN URLs", () => {
    for (const site of ['StaticSite "Web"', 'NextjsSite "Next"', ...Object.values(FRAMEWORKS)]) assert.match(firstDeploy.output, new RegExp(`Building ${site}`));
    for (const url of [webUrl, nextUrl, ...Object.values(urls)]) assert.match(url, new RegExp(`^http://[a-z0-9]{14}\\.cloudfront\\.localhost:${port}$`));
    // The Edge stack's sites are built from the same folders, with the same command and environment.
    for (const site of Object.values(EDGE)) assert.match(firstDeploy.output, new RegExp(`Skipped building ${site}: nothing changed`));
  });

  test("a local deploy says once what it does instead of Lambda@Edge", () => {
    const notice = (site: string, prop: string) => new RegExp(`${site} uses ${prop.replace(/\./g, "\\.")}: .*local cloud's region`, "g");
    assert.equal(firstDeploy.output.match(notice(EDGE.EdgeRemixUrl, "edge"))?.length, 1, firstDeploy.output);
    assert.equal(firstDeploy.output.match(notice(EDGE.IamSvelteKitUrl, "regional.enableServerUrlIamAuth"))?.length, 1);
  });

  test("a deploy of the unchanged app skips every build, and says so", () => {
    assert.equal(unchangedDeploy.code, 0, unchangedDeploy.output);
    for (const site of ['StaticSite "Web"', 'NextjsSite "Next"', ...Object.values(FRAMEWORKS), ...Object.values(EDGE)]) {
      assert.match(unchangedDeploy.output, new RegExp(`Skipped building ${site}: nothing changed`));
    }
    assert.doesNotMatch(unchangedDeploy.output, /vite build|next build|astro build|remix vite:build/);
    console.log(`# unchanged deploy (whole command): ${unchangedSeconds.toFixed(1)} s`);
  });

  test("a broken build fails naming the site, shows Vite's own error, and deploys nothing", () => {
    assert.notEqual(brokenDeploy.code, 0, brokenDeploy.output);
    assert.match(brokenDeploy.output, /There was a problem building the "Web" StaticSite\. StaticSite "Web"/);
    assert.match(brokenDeploy.output, /main\.js/, "Vite's own error names the file");
    assert.doesNotMatch(brokenDeploy.output, /Deployed \d+ stack/);
  });

  test("the Web stack is the one SST 2.49.8 writes for the same app, resource by resource (allowed differences listed in helpers/template-parity.ts)", () => {
    assert.equal(awsBuild.code, 0, awsBuild.output);
    assert.doesNotMatch(awsBuild.output, /Building /, "sst build reused the deploy's builds");
    const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
    const sst = read(path.join(repoRoot, "tests", "fixtures", "sites-templates", "sst-2.49.8-Web.template.json"));
    const ours = read(path.join(app, ".sst", "dist", "ref-sites-deploy-Web.template.json"));
    assert.deepEqual(templateDifferences(sst, ours, SITE_ALLOWANCES), []);
    assert.deepEqual(Object.keys(ours.Outputs).sort(), Object.keys(sst.Outputs).sort());
    assert.deepEqual(ours.Outputs.WebUrl.Value, sst.Outputs.WebUrl.Value, "https://{distribution domain}, as on AWS");
  });

  test("the Frameworks stack (Astro server and static, Remix, SvelteKit) is the one SST 2.49.8 writes for the same app, resource by resource", () => {
    const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
    const sst = read(path.join(repoRoot, "tests", "fixtures", "sites-templates", "sst-2.49.8-Frameworks.template.json"));
    const ours = read(path.join(app, ".sst", "dist", "ref-sites-deploy-Frameworks.template.json"));
    assert.deepEqual(templateDifferences(sst, ours, [...SITE_ALLOWANCES, SOURCEMAP_ALLOWANCE]), []);
    assert.deepEqual(Object.keys(ours.Outputs).sort(), [...Object.keys(FRAMEWORKS), "SSTMetadata"].sort());
    assert.deepEqual(Object.keys(ours.Outputs).sort(), Object.keys(sst.Outputs).sort());
  });

  test("the Edge stack (Remix at the edge, SvelteKit behind a signed AWS_IAM function URL) is the one SST 2.49.8 writes, resource by resource", () => {
    const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
    const sst = read(path.join(repoRoot, "tests", "fixtures", "sites-templates", "sst-2.49.8-Edge.template.json"));
    const ours = read(path.join(app, ".sst", "dist", "ref-sites-deploy-Edge.template.json"));
    assert.deepEqual(templateDifferences(sst, ours, [...SITE_ALLOWANCES, SOURCEMAP_ALLOWANCE, EDGE_VERSION_ALLOWANCE]), []);
    assert.ok(Object.values<any>(ours.Resources).some((r) => r.Type === "Custom::SSTEdgeLambda"));
  });

  test("the Vite app in Chromium: the API's URL was put into the built JS, the notes render, unknown paths get the app", { skip: !hasChromium }, async () => {
    const page = await browser!.newPage();
    await page.goto(webUrl);
    await page.waitForSelector("#notes[data-loaded]");
    assert.equal(await page.getAttribute("#notes", "data-loaded"), "true", await page.textContent("#notes") ?? "");
    assert.deepEqual(await page.$$eval("#notes li", (els) => els.map((e) => e.textContent)), NOTES);
    assert.equal(await page.textContent("#title"), "Notes");
    assert.equal(await page.$eval("h1", (e) => getComputedStyle(e).color), "rgb(20, 90, 160)", "the CSS asset loaded");
    await page.goto(`${webUrl}/some/deep/link`);
    await page.waitForSelector("#notes[data-loaded]");
    assert.equal(await page.textContent("#route"), "route /some/deep/link", "SPA fallback: the index page answers");
    await page.close();
  });

  test("the Next.js app in Chromium: server-rendered from the bound table, static asset, route handler, image optimizer, ISR page", { skip: !hasChromium }, async () => {
    const page = await browser!.newPage();
    const images: { url: string; status: number; type: string }[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/_next/image") || r.url().endsWith("/logo.png")) images.push({ url: r.url(), status: r.status(), type: r.headers()["content-type"] ?? "" });
    });
    await page.goto(nextUrl);
    assert.deepEqual(await page.$$eval("#notes li", (els) => els.map((e) => e.textContent)), NOTES);
    assert.match((await page.textContent("h1"))!, /e2e-sites-deploy-Notes/);
    assert.equal(await page.textContent("#api"), apiUrl, "NEXT_PUBLIC_API_URL: the deploy-time value replaced the build's placeholder");
    await page.waitForFunction(() => (document.querySelector("#static") as HTMLImageElement)?.naturalWidth === 64);

    await page.goto(`${nextUrl}/image`);
    await page.waitForFunction(() => (document.querySelector("#optimized") as HTMLImageElement)?.naturalWidth > 0);
    const optimized = images.find((i) => i.url.includes("/_next/image"));
    assert.ok(optimized, `no /_next/image request among ${JSON.stringify(images)}`);
    assert.equal(optimized.status, 200);
    assert.equal(optimized.type, "image/webp", "sharp re-encoded the PNG");

    const api = await page.goto(`${nextUrl}/api/hello?name=e2e`);
    assert.equal(api!.status(), 200);
    assert.equal(JSON.parse(await page.textContent("body") ?? "{}").hello, "e2e");

    await page.goto(`${nextUrl}/isr`);
    assert.match((await page.textContent("#generated"))!, /^\d{4}-\d\d-\d\dT/);
    await page.close();
  });

  test("Next.js ISR: a stale page is served, then regenerated in the background (revalidation queue → revalidation function → the distribution → the server)", { skip: !hasChromium }, async () => {
    const generated = async () => {
      const page = await browser!.newPage();
      const res = await page.goto(`${nextUrl}/isr`);
      assert.equal(res!.status(), 200);
      const at = (await page.textContent("#generated"))!;
      await page.close();
      return at;
    };
    // The page is rendered only by the build and by revalidation: a time after this test
    // started is a regeneration the requests below set off (revalidate = 5 s; a stale
    // page is served as it is and queued for regeneration).
    const started = Date.now();
    const regenerated = await eventually(async () => {
      const at = await generated();
      assert.ok(Date.parse(at) > started, `still the page of ${at}`);
      return at;
    }, 60_000, 1_000);
    // Past revalidate again: the next request gets that page, stale, and sets off another.
    await new Promise((r) => setTimeout(r, 6_000));
    const askedAt = Date.now();
    const stale = await generated();
    assert.ok(Date.parse(stale) >= Date.parse(regenerated));
    assert.ok(Date.parse(stale) < askedAt - 4_000, `a stale page (${stale}) is served at ${new Date(askedAt).toISOString()}, not rendered for the request`);
    await eventually(async () => assert.ok(Date.parse(await generated()) > Date.parse(stale), "regenerated again"), 60_000, 1_000);
  });

  test("Astro (server mode) in Chromium: rendered in the server function from the bound table, a prerendered page and the CSS from S3, an endpoint, the 404 page", { skip: !hasChromium }, async () => {
    const url = urls.AstroUrl;
    const page = await browser!.newPage();
    await page.goto(url);
    assert.deepEqual(await page.$$eval("#notes li", (els) => els.map((e) => e.textContent)), NOTES);
    assert.match((await page.textContent("h1"))!, /e2e-sites-deploy-Notes/);
    assert.equal(await page.textContent("#api"), apiUrl, "PUBLIC_API_URL from the site's environment");
    assert.equal(await page.textContent("#host"), new URL(url).host, "the server sees the viewer's host (x-forwarded-host from the CloudFront Function)");
    assert.equal(await page.$eval("h1", (e) => getComputedStyle(e).color), "rgb(200, 60, 20)", "public/style.css from S3");
    const about = await page.goto(`${url}/about`);
    assert.equal(about!.headers()["server"], "AmazonS3", "the origin group found the prerendered page in S3");
    assert.equal(await page.textContent("#about"), "About (prerendered)");
    const api = await page.goto(`${url}/api/hello?name=astro`);
    assert.deepEqual(JSON.parse((await page.textContent("body"))!), { hello: "astro" });
    assert.equal(api!.status(), 200);
    const missing = await page.goto(`${url}/no/such/page`);
    assert.equal(missing!.status(), 404);
    assert.equal(await page.textContent("#not-found"), "Astro 404");
    await page.close();
  });

  test("Astro (static mode) in Chromium: the routing function finds /docs/intro's page, the site's environment was built in, unknown paths get the 404 page", { skip: !hasChromium }, async () => {
    const url = urls.AstroStaticUrl;
    const page = await browser!.newPage();
    await page.goto(url);
    assert.equal(await page.textContent("#title"), "Static Astro");
    await page.click("#intro");
    await page.waitForSelector("#intro-page");
    assert.equal(new URL(page.url()).pathname, "/docs/intro");
    const missing = await page.goto(`${url}/missing`);
    assert.equal(missing!.status(), 404);
    assert.equal(await page.textContent("#not-found"), "Static 404");
    await page.close();
  });

  /** The Remix fixture app at `url`: rendered from the bound table, hydrated, an action taking `form`. */
  async function checkRemix(url: string, form: Record<string, string>) {
    const page = await browser!.newPage();
    await page.goto(url);
    assert.deepEqual(await page.$$eval("#notes li", (els) => els.map((e) => e.textContent)), NOTES);
    assert.equal(await page.textContent("#api"), apiUrl);
    assert.equal(await page.$eval("h1", (e) => getComputedStyle(e).color), "rgb(30, 120, 60)");
    await waitForHydration(page);
    const echoed = await page.evaluate(async (body) => (await fetch("/api/echo?_data=routes%2Fapi.echo", { method: "POST", body: new URLSearchParams(body) })).json(), form);
    assert.deepEqual(echoed, { method: "POST", got: new URLSearchParams(form).toString() });
    await page.close();
  }

  /** The SvelteKit fixture app at `url`: rendered from the bound table, hydrated, its form action answering. */
  async function checkSvelteKit(url: string) {
    const page = await browser!.newPage();
    await page.goto(url);
    assert.deepEqual(await page.$$eval("#notes li", (els) => els.map((e) => e.textContent)), NOTES);
    assert.equal(await page.textContent("#api"), apiUrl);
    await waitForHydration(page);
    await page.click("#send");
    await page.waitForSelector("#echoed");
    assert.equal(await page.textContent("#echoed"), "from the form");
    await page.close();
  }

  test("Remix in Chromium: the loader reads the bound table in the server function, the page hydrates from S3's assets, a POST reaches an action", { skip: !hasChromium }, async () => {
    await checkRemix(urls.RemixUrl, { a: "1" });
  });

  test("SvelteKit in Chromium: the server load reads the bound table, the page hydrates, a form action answers (its ?/echo query key encoded by the CloudFront Function)", { skip: !hasChromium }, async () => {
    await checkSvelteKit(urls.SvelteKitUrl);
  });

  test("Remix at the edge in Chromium: the Lambda@Edge server renders from the bound table (its environment put into its code at deploy), hydrates, takes a POST", { skip: !hasChromium }, async () => {
    await checkRemix(urls.EdgeRemixUrl, { edge: "yes" });
  });

  test("SvelteKit behind an AWS_IAM function URL: CloudFront's signed requests (a form POST included) are served, an unsigned request to the URL is refused", { skip: !hasChromium }, async () => {
    await checkSvelteKit(urls.IamSvelteKitUrl);
    const lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      const fns = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
      const server = fns.find((f) => /IamSvelteKitServerFunction/.test(f.FunctionName!))!;
      const { FunctionUrl, AuthType } = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: server.FunctionName }));
      assert.equal(AuthType, "AWS_IAM");
      assert.equal((await fetch(FunctionUrl!)).status, 403);
    } finally {
      lambda.destroy();
    }
  });

  // svelte-kit-sst reads prerendered/ relative to the working directory: the function's own folder.
  test("SvelteKit: a prerendered page is served by the server function from its own copy", { skip: !hasChromium }, async () => {
    const page = await browser!.newPage();
    const res = await page.goto(`${urls.SvelteKitUrl}/about`);
    assert.equal(res!.status(), 200);
    assert.equal(await page.textContent("#about"), "About (prerendered)");
    await page.close();
  });
});
