/**
 * The SST Console in a real browser: `sst dev` on a copy of examples/my-app serves it on
 * its own port behind this run's token, and Chromium (driven by playwright-core) uses it
 * as a person would, while the app is called through its API and the AWS SDK checks what
 * the Console did; a page planted in the app's own bucket then tries to take it over.
 * Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { S3Client, ListBucketsCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { eventually, output } from "./helpers/outputs.js";
import { CHROMIUM, hasChromium, launchChromium, noteIfNoChromium } from "./helpers/chromium.js";

const STAGE = "console";
/** Set SST_CONSOLE_SCREENSHOTS=<dir> to keep a screenshot of every step. */
const shotsDir = process.env.SST_CONSOLE_SCREENSHOTS;

noteIfNoChromium("console.test.ts", "browser test skipped");

describe("SST Console in a browser", { skip: hasChromium ? false : `${CHROMIUM} is not installed` }, () => {
  let app: string;
  let dev: SstProcess;
  let consoleUrl: string;
  /** The local cloud's own endpoint (the Console has its own port). */
  let cloudEndpoint: string;
  let api: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let userId: string;

  async function shot(name: string) {
    if (!shotsDir) return;
    fs.mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
  }

  async function open(hash: string) {
    await page.goto(`${consoleUrl}#/${hash}`);
  }

  before(async () => {
    app = copyApp(path.join(repoRoot, "examples", "my-app"), "console-app");
    const port = await freePort();
    dev = new SstProcess(app, ["dev", "--stage", STAGE, "--port", String(port)]);
    const line = await dev.waitFor(/Console: http:\/\/\S+/, 120_000);
    consoleUrl = /Console: (http:\/\/\S+)/.exec(line)![1]!;
    cloudEndpoint = /Local cloud: (http:\/\/\S+)/.exec(dev.output)![1]!;
    api = output(app, "ApiEndpoint").replace(/\/$/, "");
    browser = await launchChromium(["--disable-gpu"]);
    // One context (one cookie jar) for the Console page and the page that attacks it later.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    page.on("pageerror", (err) => pageErrors.push(err.message));
    // The Console must work with no network: refuse anything not served by the dev process.
    await page.route("**/*", (route) => (route.request().url().startsWith(new URL(consoleUrl).origin) ? route.continue() : route.abort()));
  });

  after(async () => {
    await browser?.close();
    await dev?.stop();
    if (!process.env.SST_TEST_KEEP && app) removeApp(app);
  });

  test("`sst console` prints the URL of the running dev's Console", () => {
    const res = runSst(app, ["console", "--stage", STAGE]);
    assert.equal(res.code, 0, res.output);
    assert.ok(res.stdout.includes(consoleUrl), res.output);
    const other = runSst(app, ["console", "--stage", "nobody-runs-this"]);
    assert.equal(other.code, 1);
    assert.match(other.output, /No `sst dev` is running for app "my-app" stage "nobody-runs-this"/);
  });

  test("Overview shows the stacks and the ApiEndpoint output", async () => {
    await open("overview");
    const apiStack = page.locator(`section[data-stack="${STAGE}-my-app-API"]`);
    await apiStack.waitFor();
    assert.match(await apiStack.innerText(), /CREATE_COMPLETE/);
    assert.match(await apiStack.innerText(), /ApiEndpoint/);
    assert.ok((await apiStack.innerText()).includes(output(app, "ApiEndpoint")));
    for (const stack of ["Database", "Storage", "QueueStack"]) await page.locator(`section[data-stack="${STAGE}-my-app-${stack}"]`).waitFor();
    await shot("1-overview");
  });

  test("Functions: an API call appears live with its log, and Invoke shows a function error", async () => {
    await open("functions");
    await page.getByText("All functions").waitFor();
    await page.locator(".fn-item", { hasText: "packages/functions/src/users/create.handler" }).waitFor();
    // A marker on the window: if the page reloaded to show the invocation, it would be gone.
    await page.evaluate(() => ((window as any).__stillHere = true));

    const name = "Ada <img src=x onerror=alert(1)>";
    const res = await fetch(`${api}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, email: "ada@example.com" }) });
    assert.equal(res.status, 201);
    userId = ((await res.json()) as any).id;

    const created = page.locator("article.invocation", { hasText: "packages/functions/src/users/create.handler" }).first();
    await created.waitFor();
    await page.locator("article.invocation.status-success", { hasText: "users/create.handler" }).first().waitFor();
    assert.match(await created.innerText(), /REPORT RequestId: [0-9a-f-]{36}\s+Duration: [\d.]+ ms/);
    assert.match(await created.innerText(), /\d+\.\d ms/);
    // The table's stream consumer runs next, and its console.log line streams in too.
    await page.locator("article.invocation", { hasText: `Stream INSERT USER#${userId}` }).waitFor();
    assert.equal(await page.evaluate(() => (window as any).__stillHere), true);
    await shot("2-functions-live");

    // Before STRIPE_KEY is set, the billing function fails: Invoke shows the function error.
    await page.getByLabel("Function to invoke").selectOption({ label: "packages/functions/src/billing/charge.handler" });
    await page.getByLabel("Payload (JSON)").fill("{nope");
    await page.getByRole("button", { name: "Invoke" }).click();
    await page.locator(".invoke-result .error", { hasText: "InvalidJSON" }).waitFor();
    await page.getByLabel("Payload (JSON)").fill("{}");
    await page.getByRole("button", { name: "Invoke" }).click();
    const result = page.locator(".invoke-result");
    await result.getByText("Function error (Unhandled)").waitFor();
    assert.match(await result.innerText(), /STRIPE_KEY/);
    await shot("3-functions-invoke-error");
  });

  test("DynamoDB: the user's item is in the Users table, user data is escaped, and AWS errors show", async () => {
    await open("dynamodb");
    await page.getByRole("link", { name: `${STAGE}-my-app-Users` }).click();
    const row = page.locator("tr", { hasText: `USER#${userId}` });
    await row.waitFor();
    assert.ok((await row.innerText()).includes("Ada <img src=x onerror=alert(1)>"));
    assert.equal(await page.locator("td img").count(), 0);

    await page.getByLabel("Partition key value").fill(`USER#${userId}`);
    await page.getByRole("button", { name: "Query" }).click();
    await page.getByText(`1 items with pk = USER#${userId}`).waitFor();

    // Edit: the item opens as plain JSON; saving writes it back.
    await row.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByLabel("Item (JSON)");
    const item = JSON.parse(await editor.inputValue());
    assert.equal(item.id, userId);
    await editor.fill(JSON.stringify({ ...item, name: "Ada Lovelace" }));
    await page.getByRole("button", { name: "Save item" }).click();
    await page.locator("tr", { hasText: "Ada Lovelace" }).waitFor();
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloudEndpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } }));
    const stored = await doc.send(new GetCommand({ TableName: `${STAGE}-my-app-Users`, Key: { pk: `USER#${userId}`, sk: "PROFILE" } }));
    assert.equal(stored.Item?.name, "Ada Lovelace");

    // An item without the key: DynamoDB's own error, shown in the page.
    await page.getByRole("button", { name: "New item" }).click();
    await page.getByLabel("Item (JSON)").fill('{"hello": "world"}');
    await page.getByRole("button", { name: "Save item" }).click();
    const alert = page.locator(".editor .error");
    await alert.waitFor();
    assert.match(await alert.innerText(), /ValidationException/);
    await shot("4-dynamodb");
  });

  test("SQS: a message sent from the Console reaches the ProcessingQueue's consumer", async () => {
    await open("sqs");
    await page.getByText(`${STAGE}-my-app-ProcessingQueue`).first().waitFor();
    await page.getByLabel("Message body").fill(JSON.stringify({ jobId: "from-console", words: ["a", "b", "c"] }));
    await page.getByRole("button", { name: "Send message" }).click();
    await page.getByText(/Sent message [0-9a-f-]{36}/).waitFor();
    await shot("5-sqs");
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloudEndpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } }));
    const job = await eventually(async () => {
      const got = await doc.send(new GetCommand({ TableName: `${STAGE}-my-app-Users`, Key: { pk: "JOB#from-console", sk: "RESULT" } }));
      if (!got.Item) throw new Error("not processed yet");
      return got.Item;
    }, 60_000, 250);
    assert.equal(job.wordCount, 3);
  });

  test("Secrets: STRIPE_KEY set in the Console is what GET /billing sees", async () => {
    await open("secrets");
    await page.getByLabel("Secret name").fill("STRIPE_KEY");
    await page.getByLabel("Secret value").fill("sk_test_console4242");
    await page.getByRole("button", { name: "Set secret" }).click();
    await page.getByText("STRIPE_KEY is set").waitFor();
    await page.locator("tr", { hasText: "STRIPE_KEY" }).waitFor();
    await shot("6-secrets");
    const billing = await eventually(async () => {
      const res = await fetch(`${api}/billing`);
      const body = (await res.json()) as any;
      if (res.status !== 200) throw new Error(JSON.stringify(body));
      return body;
    }, 20_000, 200);
    assert.equal(billing.stripeKeyLast4, "4242");
    assert.equal(billing.stage, STAGE);
  });

  test("S3: upload into the Uploads bucket, see it in its folder, download it", async () => {
    await open("s3");
    await page.getByRole("link", { name: /uploadsbucket/ }).click();
    await page.getByLabel("File to upload").setInputFiles({ name: "hello <b>.txt", mimeType: "text/plain", buffer: Buffer.from("hi from the console") });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByText("Uploaded hello <b>.txt").waitFor();
    const link = page.getByRole("link", { name: "hello <b>.txt" });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const file = await download.path();
    assert.equal(fs.readFileSync(file!, "utf8"), "hi from the console");
    await shot("7-s3");
  });

  test("a page from user data (an S3 object on the cloud's origin) can neither read nor write the Console, cookie or not", async () => {
    const s3 = new S3Client({ endpoint: cloudEndpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true });
    const bucket = (await s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name!).find((n) => /uploadsbucket/i.test(n))!;
    const origin = new URL(consoleUrl).origin;
    // What the old Console takeover did: read the secrets and write through the Console, with the browser's cookies.
    const attack = `<title>loading</title><script>
      const read = fetch(${JSON.stringify(origin + "/api/secrets")}, { credentials: "include" }).then((r) => "read:" + r.status, () => "read:blocked");
      const write = fetch(${JSON.stringify(`${origin}/api/dynamodb/put?table=${STAGE}-my-app-Users`)}, { method: "POST", mode: "no-cors", credentials: "include", body: JSON.stringify({ item: { pk: "PWNED", sk: "BY-PAGE" } }) }).then(() => "write:sent", () => "write:blocked");
      Promise.all([read, write]).then((r) => (document.title = r.join(" ")));
    </script>`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "planted.html", Body: attack, ContentType: "text/html" }));
    // Opened in the same browser as the Console (so its cookie is there to be sent), typed into the address bar.
    const other = await page.context().newPage();
    const sent: string[] = [];
    other.on("request", (r) => r.url().startsWith(origin) && sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await other.goto(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "planted.html" }), { expiresIn: 300 }));
    await other.waitForFunction(() => document.title !== "loading");
    // Both requests went out (with the cookie: same site); the read is a CORS failure, and the
    // write's answer is withheld from the page too (the Console's answers are CORP same-origin).
    assert.equal(await other.title(), "read:blocked write:blocked");
    assert.deepEqual(sent.sort(), ["GET /api/secrets", "POST /api/dynamodb/put"]);
    await other.close();
    // The write reached the Console (a no-cors POST always goes out) and was refused: no item.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloudEndpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } }));
    const written = await doc.send(new GetCommand({ TableName: `${STAGE}-my-app-Users`, Key: { pk: "PWNED", sk: "BY-PAGE" } }));
    assert.equal(written.Item, undefined, "the page wrote through the Console");
    // And the local cloud's port serves no Console at all any more.
    const old = await fetch(`${cloudEndpoint}/_console/api/secrets`);
    assert.notEqual(old.status, 200);
  });

  test("no script errors in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});
