/**
 * SST v2's quickstarts (`create-sst --template examples/quickstart-<framework>`),
 * generated offline by our create-sst and deployed with `sst deploy --local` (slow tier:
 * each builds its site once). Each is what SST v2's quickstart guide demonstrates: the
 * server renders a page holding a URL presigned for a `public-read` PUT into the bound
 * Bucket; in Chromium, through the local CDN, choosing a file and pressing Upload sends
 * it straight to S3 across origins and then opens the object's URL, which S3 serves to
 * the browser without credentials (a download: the upload set Content-Disposition);
 * the daily Cron's job, invoked, empties the bucket through its binding. Astro's is also
 * run as SST v2's quickstart guide runs it first: `sst dev`, and the site's dev server
 * under `sst bind`.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
import { CloudFormationClient, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";
import { deployLocal, generateApp, getByHost, startDev, type DeployedApp, type RunningApp } from "./helpers/generated-app.js";
import { hasChromium, launchChromium, noteIfNoChromium, recordPage } from "./helpers/chromium.js";

noteIfNoChromium("sst-v2-example-quickstarts.slow.test.ts", "the uploads in the browser are skipped");

/** A 1×1 PNG: the page's file input accepts image/png and image/jpeg. */
const PIXEL = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082", "hex");

interface Quickstart {
  framework: string;
  /** The stack output holding the site's URL (the quickstarts name it differently). */
  urlOutput: string;
  /** What the server-rendered home page must hold. */
  page: RegExp;
  env?: Record<string, string>;
  /** More of the site to check over HTTP, once deployed. */
  extra?: (siteUrl: string) => Promise<void>;
}

const QUICKSTARTS: Quickstart[] = [
  { framework: "nextjs", urlOutput: "SiteUrl", page: /<input name="file" type="file" accept="image\/png, image\/jpeg"\/>/, env: { NEXT_TELEMETRY_DISABLED: "1" } },
  { framework: "astro", urlOutput: "SiteUrl", page: /<title>Astro x SST<\/title>[\s\S]*<form action="http:\/\/127\.0\.0\.1:\d+\/[^"]+x-amz-acl=public-read/ },
  {
    framework: "sveltekit",
    urlOutput: "url",
    page: /<title>Home<\/title>[\s\S]*<input name="file" type="file" accept="image\/png, image\/jpeg"/,
    extra: async (siteUrl) => {
      // The rest of SvelteKit's demo app: a prerendered page, and the Sverdle game's server load.
      const about = await getByHost(siteUrl, "/about");
      assert.equal(about.status, 200);
      assert.match(about.body, /<h1>About this app<\/h1>/);
      const sverdle = await getByHost(siteUrl, "/sverdle");
      assert.equal(sverdle.status, 200, sverdle.body);
      assert.match(sverdle.body, /Sverdle/);
    },
  },
  { framework: "remix", urlOutput: "url", page: /<h1>Welcome to Remix<\/h1>[\s\S]*<input name="file" type="file" accept="image\/png, image\/jpeg"\/>/ },
];

/**
 * Opens the page in Chromium, chooses a PNG and presses Upload: the page PUTs it to its
 * presigned URL, then opens the object's URL, which the browser downloads (the upload set
 * Content-Disposition). Returns the object's bucket and key, after checking the bytes.
 */
async function uploadInChromium(pageUrl: string): Promise<{ bucket: string; key: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qs-upload-")), "pixel.png");
  fs.writeFileSync(file, PIXEL);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ acceptDownloads: true });
    const seen = recordPage(page);
    await page.goto(pageUrl);
    // Next.js, Remix and SvelteKit attach the submit handler when they hydrate.
    await page.waitForLoadState("networkidle");
    await page.setInputFiles("input[name=file]", file);
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60_000 }).catch((e) => {
        throw new Error(`${e.message}\n${seen.join("\n")}`);
      }),
      page.click("button[type=submit]"),
    ]);
    assert.equal(download.suggestedFilename(), "pixel.png");
    const objectUrl = new URL(download.url());
    assert.equal(objectUrl.search, "");
    assert.deepEqual(fs.readFileSync((await download.path())!), PIXEL);
    const [, bucket, key] = objectUrl.pathname.split("/");
    return { bucket: bucket!, key: key! };
  } finally {
    await browser.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

for (const qs of QUICKSTARTS) {
  describe(`examples/quickstart-${qs.framework} deployed`, () => {
    let dir: string;
    let deployed: DeployedApp | undefined;
    let siteUrl: string;
    let clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
    let bucket: string;
    let cronFunction: string;

    before(async () => {
      dir = generateApp(`examples/quickstart-${qs.framework}`, `qs-${qs.framework}`);
      deployed = await deployLocal(dir, "e2e", qs.env);
      siteUrl = output(dir, qs.urlOutput);
      clientConfig = { endpoint: `http://127.0.0.1:${new URL(siteUrl).port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
      const cfn = new CloudFormationClient(clientConfig);
      const { StackResources = [] } = await cfn.send(new DescribeStackResourcesCommand({ StackName: `e2e-${path.basename(dir)}-Site` }));
      cfn.destroy();
      const physical = (type: string, logicalPrefix: string) => StackResources.find((r) => r.ResourceType === type && r.LogicalResourceId!.startsWith(logicalPrefix))!.PhysicalResourceId!;
      bucket = physical("AWS::S3::Bucket", "publicBucket");
      cronFunction = physical("AWS::Lambda::Function", "cronJob");
    });
    after(async () => {
      await deployed?.local.stop();
      if (!process.env.SST_TEST_KEEP) removeApp(dir);
    });

    test("the server renders the upload form", async () => {
      let page = await getByHost(siteUrl, "/");
      // The server function starts on the first request; a cold start may outlast the CDN's wait once.
      if (page.status >= 500) page = await getByHost(siteUrl, "/");
      assert.equal(page.status, 200, page.body);
      assert.match(page.body, qs.page);
      await qs.extra?.(siteUrl);
    });

    test("in Chromium a file uploads through the presigned URL and opens from the bucket without credentials; the Cron's job empties the bucket", { skip: !hasChromium }, async () => {
      const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
      const lambda = new LambdaClient(clientConfig);
      try {
        const uploaded = await uploadInChromium(siteUrl);
        assert.equal(uploaded.bucket, bucket);
        const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: uploaded.key }));
        assert.equal(stored.ContentType, "image/png");
        assert.equal(stored.ContentDisposition, 'attachment; filename="pixel.png"');

        const run = await lambda.send(new InvokeCommand({ FunctionName: cronFunction }));
        assert.equal(run.FunctionError, undefined, Buffer.from(run.Payload ?? []).toString());
        assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount, 0);
      } finally {
        s3.destroy();
        lambda.destroy();
      }
    });
  });
}

describe("examples/quickstart-astro under sst dev, with the site's sst bind astro dev", () => {
  let dir: string;
  let app: RunningApp | undefined;
  let astro: SstProcess | undefined;
  let siteUrl: string;

  before(async () => {
    dir = generateApp("examples/quickstart-astro", "qs-astro-dev");
    app = await startDev(dir, "ex");
    const port = await freePort();
    astro = new SstProcess(dir, ["bind", "--stage", "ex", "--", path.join(repoRoot, "node_modules", ".bin", "astro"), "dev", "--host", "127.0.0.1", "--port", String(port)]);
    await astro.waitFor(new RegExp(`127\\.0\\.0\\.1:${port}`), 60_000);
    siteUrl = `http://127.0.0.1:${port}/`;
  });
  after(async () => {
    await astro?.stop();
    await app?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(dir);
  });

  test("sst dev builds no site; in Chromium the dev server's page uploads to the dev stage's bucket", { skip: !hasChromium }, async () => {
    assert.ok(!/Building AstroSite/.test(app!.dev.output), app!.dev.output);
    // The URL was presigned by the dev server as the site's server function role (sst bind).
    const uploaded = await uploadInChromium(siteUrl);
    assert.match(uploaded.bucket, new RegExp(`^ex-${path.basename(dir)}-site-publicbucket`));
  });
});
