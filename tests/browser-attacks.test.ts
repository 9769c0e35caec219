/**
 * A web page attacking the developer's running local cloud (`sst local`), from a real
 * Chromium: pages on another origin (evil.test, mapped to 127.0.0.1 the way a DNS answer
 * would) send what a page can send without asking — no-cors fetches, a form POST, a
 * navigation — with the public admin key, and a DNS-rebound page talks to the cloud's
 * port under its own name. Each fails as AWS would fail it, and does nothing; seen from
 * the browser's own network log. The same browser then does what an app legitimately
 * does: a page calls its API across origins (CORS) and uploads to S3 with a presigned
 * URL signed by the app's role. (The Console's side of this is in tests/console.test.ts;
 * the same refusals without a browser in local-cloud's server/web-requests.test.ts.)
 * Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Browser, Page, Response } from "playwright-core";
import { zipSync, strToU8 } from "fflate";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { LambdaClient, CreateFunctionCommand, GetFunctionCommand } from "@aws-sdk/client-lambda";
import { ApiGatewayV2Client, CreateApiCommand } from "@aws-sdk/client-apigatewayv2";
import { S3Client, CreateBucketCommand, PutBucketCorsCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { presignedUrl } from "../packages/local-cloud/src/test-signing.js";
import { postPolicySignature } from "../packages/local-cloud/src/services/s3/wire/post-object.js";
import { CHROMIUM, hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

noteIfNoChromium("browser-attacks.test.ts", "skipped");

const admin = { accessKeyId: "test", secretAccessKey: "test" };

describe("web pages cannot drive the local cloud", { skip: hasChromium ? false : `${CHROMIUM} is not installed` }, () => {
  let dir: string;
  let local: SstProcess;
  let cloudPort: number;
  let endpoint: string;
  let pages: http.Server;
  let pagesPort: number;
  let evil: string;
  let app: string;
  let browser: Browser;
  let page: Page;
  let config: { endpoint: string; region: string; credentials: typeof admin; forcePathStyle: true };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "browser-attacks-"));
    cloudPort = await freePort();
    local = new SstProcess(dir, ["local", "--port", String(cloudPort), "--dir", "state"]);
    await local.waitFor(/^Ready$/, 60_000);
    endpoint = `http://127.0.0.1:${cloudPort}`;
    config = { endpoint, region: "us-east-1", credentials: admin, forcePathStyle: true };

    // The pages' own server: any path answers an empty page, so a page can run script there.
    pages = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>page</title>"));
    await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
    pagesPort = (pages.address() as AddressInfo).port;
    evil = `http://evil.test:${pagesPort}`;
    app = `http://app.test:${pagesPort}`;

    browser = await launchChromium(["--disable-gpu", "--host-resolver-rules=MAP evil.test 127.0.0.1, MAP app.test 127.0.0.1"]);
    page = await browser.newPage();
    page.setDefaultTimeout(20_000);
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => pages?.close(r));
    await local?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `send` in the page and returns the response the browser got for a URL starting with `prefix`. */
  async function responseTo(prefix: string, send: () => Promise<unknown>): Promise<Response> {
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(prefix)), send()]);
    return response;
  }

  describe("attacks from a page on another origin, with the public admin key", () => {
    before(() => page.goto(`${evil}/attack.html`));

    test("a no-cors GET of a presigned IAM CreateRole is refused; no role is created", async () => {
      const url = await presignedUrl({ endpoint, service: "iam", query: { Action: "CreateRole", Version: "2010-05-08", RoleName: "pwned-by-page", AssumeRolePolicyDocument: "{}" } });
      const res = await responseTo(url, () => page.evaluate((u) => fetch(u, { mode: "no-cors" }).then(() => "sent"), url));
      // (An opaque answer: the browser keeps no body to look at. Its words are checked in web-requests.test.ts.)
      assert.equal(res.status(), 403);
      await assert.rejects(new IAMClient(config).send(new GetRoleCommand({ RoleName: "pwned-by-page" })), { name: "NoSuchEntityException" });
    });

    test("a no-cors text/plain POST of a presigned Lambda CreateFunction is refused; no function is created", async () => {
      const url = await presignedUrl({ endpoint, service: "lambda", method: "POST", path: "/2015-03-31/functions" });
      const zip = Buffer.from(zipSync({ "index.js": strToU8("require('fs').writeFileSync('/tmp/pwned', 'x'); exports.handler = async () => 1;") })).toString("base64");
      const body = JSON.stringify({ FunctionName: "pwned-by-page", Role: "arn:aws:iam::000000000000:role/x", Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip } });
      const res = await responseTo(url, () => page.evaluate(([u, b]) => fetch(u, { method: "POST", mode: "no-cors", body: b }).then(() => "sent"), [url, body] as const));
      // text/plain is refused before anything else, as a REST-JSON service refuses a media type it does not speak.
      assert.equal(res.status(), 415);
      await assert.rejects(new LambdaClient(config).send(new GetFunctionCommand({ FunctionName: "pwned-by-page" })), { name: "ResourceNotFoundException" });
    });

    test("a form POST to S3 with a policy signed by the admin key stores nothing", async () => {
      const s3 = new S3Client(config);
      await s3.send(new CreateBucketCommand({ Bucket: "victim" }));
      const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
      const credential = `test/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
      const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 60_000).toISOString(), conditions: [{ bucket: "victim" }, ["starts-with", "$key", ""]] })).toString("base64");
      const fields = { key: "owned.html", "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": credential, "x-amz-date": date, policy, "x-amz-signature": postPolicySignature("test", date.slice(0, 8), "us-east-1", policy), file: "<script>alert(document.domain)</script>" };
      const res = await responseTo(`${endpoint}/victim`, () =>
        page.evaluate(
          ([action, f]) => {
            const form = document.createElement("form");
            form.method = "POST";
            form.enctype = "multipart/form-data";
            form.action = action;
            for (const [name, value] of Object.entries(f)) {
              const input = document.createElement("textarea");
              input.name = name;
              input.value = value;
              form.append(input);
            }
            document.body.append(form);
            form.submit();
          },
          [`${endpoint}/victim`, fields] as const,
        ),
      );
      assert.equal(res.status(), 403);
      assert.match(await res.text(), /<Code>InvalidAccessKeyId<\/Code>/);
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: "victim", Key: "owned.html" })), { name: "NotFound" });
      await page.goto(`${evil}/attack.html`);
    });

    test("a page that navigates to an admin-presigned S3 URL is refused; typed into the address bar, it opens", async () => {
      const s3 = new S3Client(config);
      await s3.send(new PutObjectCommand({ Bucket: "victim", Key: "report.html", Body: "<title>report</title>", ContentType: "text/html" }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "victim", Key: "report.html" }), { expiresIn: 300 });
      const res = await responseTo(url, () => page.evaluate((u) => void (location.href = u), url));
      assert.equal(res.status(), 403);
      assert.match(await res.text(), /<Code>InvalidAccessKeyId<\/Code>/);
      const typed = await page.goto(url);
      assert.equal(typed!.status(), 200);
      assert.equal(await page.title(), "report");
      await page.goto(`${evil}/attack.html`);
    });

    test("a page served from the cloud's own origin (an S3 object) cannot use the admin key either", async () => {
      const s3 = new S3Client(config);
      const listBuckets = await presignedUrl({ endpoint, service: "s3", path: "/", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
      const html = `<title>loading</title><script>fetch(${JSON.stringify(listBuckets)}).then(r => r.text().then(t => document.title = r.status + " " + (t.match(/<Code>(\\w+)/) || t.match(/<Name>(\\w+)/) || [])[1]))</script>`;
      await s3.send(new PutObjectCommand({ Bucket: "victim", Key: "planted.html", Body: html, ContentType: "text/html" }));
      await page.goto(await getSignedUrl(s3, new GetObjectCommand({ Bucket: "victim", Key: "planted.html" }), { expiresIn: 300 }));
      await page.waitForFunction(() => document.title !== "loading");
      // Same origin, so the page reads the answer: AWS's answer to a key it does not know.
      assert.equal(await page.title(), "403 InvalidAccessKeyId");
      await page.goto(`${evil}/attack.html`);
    });

    test("DNS rebinding: the cloud's port under the attacker's name answers nothing but 421", async () => {
      const rebound = await page.goto(`http://evil.test:${cloudPort}/_aws/health`);
      assert.equal(rebound!.status(), 421);
      assert.match(await rebound!.text(), /MisdirectedRequest/);
      const res = await responseTo(`http://evil.test:${cloudPort}/`, () => page.evaluate(() => fetch("/?list-type=2").then((r) => r.status)));
      assert.equal(res.status(), 421);
      await page.goto(`${evil}/attack.html`);
    });
  });

  describe("what apps legitimately do from a page keeps working", () => {
    let role: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

    before(async () => {
      const iam = new IAMClient(config);
      const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root", Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
      await iam.send(new CreateRoleCommand({ RoleName: "app-role", AssumeRolePolicyDocument: trust }));
      await iam.send(new PutRolePolicyCommand({ RoleName: "app-role", PolicyName: "uploads", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::uploads/*" }] }) }));
      const assumed = await new STSClient(config).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/app-role", RoleSessionName: "api" }));
      role = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
      const s3 = new S3Client(config);
      await s3.send(new CreateBucketCommand({ Bucket: "uploads" }));
      await s3.send(new PutBucketCorsCommand({ Bucket: "uploads", CORSConfiguration: { CORSRules: [{ AllowedOrigins: [app], AllowedMethods: ["PUT"], AllowedHeaders: ["*"] }] } }));
      await page.goto(`${app}/index.html`);
    });

    test("an app page calls its HTTP API across origins (CORS)", async () => {
      const lambda = new LambdaClient(config);
      const fn = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: "echo",
          Role: "arn:aws:iam::000000000000:role/app-role",
          Runtime: "nodejs20.x",
          Handler: "index.handler",
          Timeout: 30,
          Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async (e) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ echo: JSON.parse(e.body) }) });") }) },
        }),
      );
      const api = await new ApiGatewayV2Client(config).send(
        new CreateApiCommand({ Name: "app", ProtocolType: "HTTP", Target: fn.FunctionArn, CorsConfiguration: { AllowOrigins: [app], AllowMethods: ["POST"], AllowHeaders: ["content-type"] } }),
      );
      const out = await page.evaluate(
        (url) => fetch(`${url}/hello`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hi: "there" }) }).then((r) => r.json()),
        api.ApiEndpoint!.replace(/\/$/, ""),
      );
      assert.deepEqual(out, { echo: { hi: "there" } });
    });

    test("an app page uploads to S3 with a presigned URL its API signed with the app's role", async () => {
      const s3AsRole = new S3Client({ ...config, credentials: role });
      const url = await getSignedUrl(s3AsRole, new PutObjectCommand({ Bucket: "uploads", Key: "avatar.txt", ContentType: "text/plain" }), { expiresIn: 300 });
      const status = await page.evaluate((u) => fetch(u, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello from the page" }).then((r) => r.status), url);
      assert.equal(status, 200);
      const got = await new S3Client(config).send(new GetObjectCommand({ Bucket: "uploads", Key: "avatar.txt" }));
      assert.equal(await got.Body!.transformToString(), "hello from the page");
      // The same upload presigned with the public admin key is refused from the page.
      const adminUrl = await getSignedUrl(new S3Client(config), new PutObjectCommand({ Bucket: "uploads", Key: "admin.txt", ContentType: "text/plain" }), { expiresIn: 300 });
      // (Refused before S3 looks at its CORS rules, so the page cannot even read the 403.)
      const refused = await page.evaluate((u) => fetch(u, { method: "PUT", headers: { "content-type": "text/plain" }, body: "x" }).then((r) => r.status, () => "blocked"), adminUrl);
      assert.equal(refused, "blocked");
      await assert.rejects(new S3Client(config).send(new HeadObjectCommand({ Bucket: "uploads", Key: "admin.txt" })), { name: "NotFound" });
    });
  });
});
