/**
 * The seed's app, end to end: `sst dev` on a copy of examples/my-app, driven through its
 * API URL with plain HTTP, and through the AWS SDK where a user would reach for it.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { eventually, output } from "./helpers/outputs.js";

const STAGE = "e2e";
let app: string;
let dev: SstProcess;
let api: string;
let port: number;

async function startDev() {
  dev = new SstProcess(app, ["dev", "--stage", STAGE, "--port", String(port)]);
  await dev.waitFor(/ready/i, 120_000);
  api = output(app, "ApiEndpoint").replace(/\/$/, "");
}

async function call(method: string, route: string, body?: unknown) {
  const res = await fetch(api + route, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

describe("examples/my-app under sst dev", () => {
  before(async () => {
    app = copyApp(path.join(repoRoot, "examples", "my-app"), "my-app");
    port = await freePort();
    // As in SST v2, a secret is usually set before the first `sst dev`.
    const set = runSst(app, ["secrets", "set", "STRIPE_KEY", "sk_test_first1111", "--stage", STAGE]);
    assert.equal(set.code, 0, set.output);
    await startDev();
  });

  after(async () => {
    await dev?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  let userId: string;

  test("creates, gets, updates and deletes users", async () => {
    const created = await call("POST", "/users", { name: "Ada", email: "ada@example.com" });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    userId = created.json.id;
    assert.match(userId, /^[0-9a-f-]{36}$/);

    const got = await call("GET", `/users/${userId}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.name, "Ada");

    const updated = await call("PUT", `/users/${userId}`, { name: "Ada L.", email: "ada@lovelace.org" });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.name, "Ada L.");
    assert.equal(updated.json.email, "ada@lovelace.org");

    const temp = await call("POST", "/users", { name: "Tmp", email: "tmp@example.com" });
    assert.equal((await call("DELETE", `/users/${temp.json.id}`)).status, 200);
    assert.equal((await call("GET", `/users/${temp.json.id}`)).status, 404);
    assert.equal((await call("DELETE", `/users/${temp.json.id}`)).status, 404);
    assert.equal((await call("PUT", `/users/nope`, { name: "x", email: "y" })).status, 404);
  });

  test("lists users a page at a time with the seed's cursor", async () => {
    for (let i = 0; i < 7; i++) {
      const res = await call("POST", "/users", { name: `User ${i}`, email: `u${i}@example.com` });
      assert.equal(res.status, 201);
    }
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : "?limit=3";
      const page = await call("GET", `/users${qs}`);
      assert.equal(page.status, 200);
      assert.ok(page.json.users.length <= 3);
      for (const u of page.json.users) {
        assert.ok(!seen.has(u.pk + u.sk), "no item twice across pages");
        seen.add(u.pk + u.sk);
      }
      cursor = page.json.cursor;
      pages++;
    } while (cursor && pages < 50);
    const users = [...seen].filter((k) => k.startsWith("USER#"));
    assert.ok(users.length >= 8, `saw ${users.length} users`);
    assert.ok(pages >= 3);
  });

  test("a table write reaches the stream consumer with old and new images", async () => {
    const from = dev.lines.length;
    const created = await call("POST", "/users", { name: "Streamy", email: "s@example.com" });
    await dev.waitFor(new RegExp(`Stream INSERT USER#${created.json.id}`), 20_000, from);
    await call("PUT", `/users/${created.json.id}`, { name: "Streamy 2", email: "s2@example.com" });
    const line = await dev.waitFor(new RegExp(`Stream MODIFY USER#${created.json.id}`), 20_000, from);
    const images = JSON.parse(line.slice(line.indexOf("{")));
    assert.equal(images.old.name.S, "Streamy");
    assert.equal(images.new.name.S, "Streamy 2");
  });

  test("the presigned URL takes a plain HTTP PUT and the upload notification runs", async () => {
    const from = dev.lines.length;
    const presign = await call("POST", "/uploads", { filename: "hello.txt", contentType: "text/plain" });
    assert.equal(presign.status, 200);
    const put = await fetch(presign.json.url, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "hello, world",
    });
    assert.equal(put.status, 200, await put.text());
    const line = await dev.waitFor(/Processing upload .*hello\.txt \(12 bytes\)/, 20_000, from);
    assert.ok(line.includes(presign.json.key));
    const got = await fetch(presign.json.url.split("?")[0]);
    assert.equal(got.status, 403, "objects are private: an unsigned GET is refused");
  });

  test("queued jobs reach the consumer, batched as configured", async () => {
    const jobIds: string[] = [];
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call("POST", "/jobs", { jobId: `job-${process.pid}-${i}`, words: ["a", "b"] })),
    );
    for (const s of sent) {
      assert.equal(s.status, 202);
      jobIds.push(s.json.jobId);
    }
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      }),
    );
    const items = await eventually(async () => {
      const results = await Promise.all(
        jobIds.map((id) =>
          ddb.send(new GetCommand({ TableName: `${STAGE}-my-app-Users`, Key: { pk: `JOB#${id}`, sk: "RESULT" } })),
        ),
      );
      const found = results.map((r) => r.Item);
      assert.ok(found.every(Boolean), "every job processed");
      return found;
    }, 40_000);
    assert.ok(items.every((i) => i!.wordCount === 2));
    // Ten messages and a batch size of ten: the 30 s window closes as soon as the batch is full.
    assert.ok(items.some((i) => i!.batchSize > 1), `batch sizes: ${items.map((i) => i!.batchSize)}`);
    assert.ok(items.every((i) => i!.batchSize <= 10));
  });

  test("a function bound to STRIPE_KEY reads the value set by `sst secrets set`", async () => {
    const first = await call("GET", "/billing");
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.stripeKeyLast4, "1111");
    assert.equal(first.json.stage, STAGE);

    const set = runSst(app, ["secrets", "set", "STRIPE_KEY", "sk_test_second2222", "--stage", STAGE]);
    assert.equal(set.code, 0, set.output);
    const get = runSst(app, ["secrets", "get", "STRIPE_KEY", "--stage", STAGE]);
    assert.match(get.stdout, /sk_test_second2222/);
    await eventually(async () => {
      const next = await call("GET", "/billing");
      assert.equal(next.json.stripeKeyLast4, "2222");
    }, 10_000);
  });

  test("saving a handler changes the next answer, with no redeploy", async () => {
    const file = path.join(app, "packages/functions/src/billing/charge.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace("stage: Config.STAGE", "stage: Config.STAGE, edited: true"));
    await eventually(async () => {
      const res = await call("GET", "/billing");
      assert.equal(res.json.edited, true);
    }, 10_000, 20);
    fs.writeFileSync(file, original);
  });

  test("restarting sst dev keeps everything written before", async () => {
    await dev.stop();
    await startDev();
    const got = await call("GET", `/users/${userId}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.name, "Ada L.");
    const billing = await call("GET", "/billing");
    assert.equal(billing.json.stripeKeyLast4, "2222");
  });

  test("restarting on another port moves the app's URLs with it", async () => {
    await dev.stop();
    const oldApi = api;
    port = await freePort();
    await startDev();
    assert.notEqual(api, oldApi);
    assert.ok(api.startsWith(`http://127.0.0.1:${port}/`), api);
    const got = await call("GET", `/users/${userId}`);
    assert.equal(got.status, 200);
    const job = await call("POST", "/jobs", { jobId: `moved-${process.pid}` });
    assert.equal(job.status, 202);
  });
});
