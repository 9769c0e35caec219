/**
 * The Console's server side against a real local cloud: its JSON API drives the
 * services in-process, and what it does is checked through the real AWS SDK v3.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { zipSync, strToU8 } from "fflate";
import { DynamoDBClient, CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { S3Client, CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
import { startTestCloud, type TestCloud } from "../../local-cloud/src/testing.js";
import { startConsole, type RunningConsole } from "./index.js";

let tc: TestCloud;
let running: RunningConsole;
let base: string;
/** This run's token, as a non-browser client sends it. */
let auth: Record<string, string>;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = { "x-sst-console": "1" }) {
  const res = await fetch(`${base}api/${path}`, {
    method,
    headers: { ...auth, ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe("console API", () => {
  before(async () => {
    tc = await startTestCloud();
    running = await startConsole(tc.cloud as any, { app: "demo", stage: "test", ssmPrefix: "/sst/demo/test/", historySize: 3 });
    base = `${running.origin}/`;
    auth = { authorization: `Bearer ${running.token}` };
  });
  after(async () => {
    await running?.close();
    await tc?.stop();
  });

  test("serves the page with a strict CSP, and its bundled script", async () => {
    const page = await fetch(base, { headers: auth });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(page.headers.get("cross-origin-resource-policy"), "same-origin");
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/app\.js">/);
    const js = await fetch(`${base}app.js`, { headers: auth });
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /javascript/);
    assert.ok((await js.text()).length > 5000);
    assert.equal((await fetch(`${base}nope`, { headers: auth })).status, 404);
  });

  test("the printed URL trades its token for a SameSite=Strict cookie; nothing answers without one", async () => {
    assert.match(running.url, new RegExp(`^http://127\\.0\\.0\\.1:${running.port}/\\?token=[\\w-]{43}$`));
    const open = await fetch(running.url, { redirect: "manual" });
    assert.equal(open.status, 303);
    assert.equal(open.headers.get("location"), "/");
    const cookie = open.headers.get("set-cookie") ?? "";
    assert.match(cookie, new RegExp(`^sst_console_${running.port}=${running.token}; Path=/; HttpOnly; SameSite=Strict$`));
    const withCookie = await fetch(`${base}api/overview`, { headers: { cookie: cookie.split(";")[0]! } });
    assert.equal(withCookie.status, 200);

    for (const path of ["", "app.js", "api/overview", "api/secrets", "api/events"]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, path);
      assert.equal((await res.json()).error.code, "Unauthorized");
    }
    assert.equal((await fetch(`${base}api/secrets`, { headers: { cookie: `sst_console_${running.port}=guess` } })).status, 401);
    assert.equal((await fetch(`${base}api/secrets`, { headers: { authorization: "Bearer guess" } })).status, 401);
    const stale = await fetch(`${base}?token=from-another-run`, { redirect: "manual" });
    assert.equal(stale.status, 401);
    assert.equal((await stale.json()).error.code, "InvalidToken");
  });

  test("refuses other origins and hosts even with the token, and writes without its header", async () => {
    const noHeader = await api("PUT", "secrets", { name: "A", value: "b" }, {});
    assert.equal(noHeader.status, 403);
    // With a valid token still: a page of another origin, or of the local cloud's port
    // (same site, other origin), never gets an answer.
    const foreign: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: tc.cloud.endpoint }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }];
    for (const headers of foreign) {
      const res = await fetch(`${base}api/secrets`, { headers: { ...auth, ...headers } });
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal((await fetch(`${base}api/secrets`, { headers: { ...auth, origin: running.origin, "sec-fetch-site": "same-origin" } })).status, 200);
    // fetch() may not set Host: a raw request, as a DNS-rebound page's would arrive.
    const rebound = await new Promise<number>((resolve, reject) =>
      http.get(`${base}api/overview`, { headers: { ...auth, host: "evil.example" } }, (res) => (res.resume(), resolve(res.statusCode!))).on("error", reject),
    );
    assert.equal(rebound, 403);
    assert.equal((await api("GET", "no/such/route")).status, 404);
    assert.equal((await api("DELETE", "overview")).status, 405);
  });

  test("DynamoDB: put plain JSON, page through a scan, query a partition, delete", async () => {
    const ddb = new DynamoDBClient(tc.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: "things",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
      }),
    );
    for (let i = 0; i < 5; i++) {
      const put = await api("POST", "dynamodb/put?table=things", { item: { pk: i < 3 ? "a" : "b", sk: i, tags: ["x", i], nested: { ok: true, none: null } } });
      assert.equal(put.status, 200, JSON.stringify(put.json));
    }
    const got = await ddb.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "a" }, sk: { N: "1" } } }));
    assert.deepEqual(got.Item, { pk: { S: "a" }, sk: { N: "1" }, tags: { L: [{ S: "x" }, { N: "1" }] }, nested: { M: { ok: { BOOL: true }, none: { NULL: true } } } });

    const tables = await api("GET", "dynamodb/tables");
    assert.deepEqual(tables.json.tables[0].key.map((k: any) => k.name), ["pk", "sk"]);

    const seen: any[] = [];
    let start: string | null = null;
    let pages = 0;
    do {
      const page = await api("GET", `dynamodb/items?table=things&limit=2${start ? `&start=${encodeURIComponent(start)}` : ""}`);
      assert.equal(page.status, 200, JSON.stringify(page.json));
      seen.push(...page.json.items.map((it: any) => it.plain));
      start = page.json.next;
      pages++;
    } while (start && pages < 10);
    assert.equal(seen.length, 5);
    assert.ok(pages >= 3);

    const partition = await api("GET", "dynamodb/items?table=things&pk=b");
    assert.deepEqual(partition.json.items.map((it: any) => it.plain.sk), [3, 4]);

    // A set has no plain JSON form: the item comes back typed only, and can be written typed.
    const typed = await api("POST", "dynamodb/put?table=things", { typed: true, item: { pk: { S: "c" }, sk: { N: "0" }, colors: { SS: ["red", "blue"] } } });
    assert.equal(typed.status, 200);
    const c = await api("GET", "dynamodb/items?table=things&pk=c");
    assert.equal(c.json.items[0].plain, null);
    assert.deepEqual(c.json.items[0].typed.colors.SS.sort(), ["blue", "red"]);

    const del = await api("POST", "dynamodb/delete?table=things", { key: c.json.items[0].key });
    assert.equal(del.status, 200);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "c" }, sk: { N: "0" } } }))).Item, undefined);
  });

  test("DynamoDB errors come back as AWS's", async () => {
    const missing = await api("GET", "dynamodb/items?table=missing");
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.code, "ResourceNotFoundException");
    const malformed = await api("POST", "dynamodb/put?table=things", "{not json");
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error.code, "SerializationException");
    const noKey = await api("POST", "dynamodb/put?table=things", { item: { other: 1 } });
    assert.equal(noKey.status, 400);
    assert.equal(noKey.json.error.code, "ValidationException");
    assert.match(noKey.json.error.message, /key/i);
    const badStart = await api("GET", "dynamodb/items?table=things&start=%7B");
    assert.equal(badStart.json.error.code, "ValidationException");
  });

  test("S3: folders, upload, download, delete", async () => {
    const s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "files" }));
    await s3.send(new PutObjectCommand({ Bucket: "files", Key: "docs/a.txt", Body: "A" }));
    await s3.send(new PutObjectCommand({ Bucket: "files", Key: "top.txt", Body: "T" }));
    const root = await api("GET", "s3/objects?bucket=files");
    assert.deepEqual(root.json.folders, ["docs/"]);
    assert.deepEqual(root.json.objects.map((o: any) => o.key), ["top.txt"]);

    const up = await fetch(`${base}api/s3/object?bucket=files&key=${encodeURIComponent("docs/ü b.bin")}`, {
      method: "PUT",
      headers: { ...auth, "x-sst-console": "1", "content-type": "application/octet-stream" },
      body: new Uint8Array([0, 1, 2, 255]),
    });
    assert.equal(up.status, 200);
    const obj = await s3.send(new GetObjectCommand({ Bucket: "files", Key: "docs/ü b.bin" }));
    assert.deepEqual([...(await obj.Body!.transformToByteArray())], [0, 1, 2, 255]);

    const down = await fetch(`${base}api/s3/object?bucket=files&key=${encodeURIComponent("docs/ü b.bin")}`, { headers: auth });
    assert.equal(down.status, 200);
    assert.match(down.headers.get("content-disposition") ?? "", /attachment; filename="_ b.bin"; filename\*=UTF-8''%C3%BC%20b\.bin/);
    assert.deepEqual([...new Uint8Array(await down.arrayBuffer())], [0, 1, 2, 255]);

    // User data never renders on the Console's origin: an HTML object downloads, sandboxed.
    await s3.send(new PutObjectCommand({ Bucket: "files", Key: "page.html", Body: "<script>fetch('/api/secrets')</script>", ContentType: "text/html" }));
    const html = await fetch(`${base}api/s3/object?bucket=files&key=page.html`, { headers: auth });
    assert.match(html.headers.get("content-disposition") ?? "", /^attachment;/);
    assert.match(html.headers.get("content-security-policy") ?? "", /^sandbox; default-src 'none'/);
    assert.equal(html.headers.get("x-content-type-options"), "nosniff");
    assert.equal((await api("DELETE", "s3/object?bucket=files&key=page.html")).status, 200);

    const missing = await fetch(`${base}api/s3/object?bucket=files&key=nope`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "NoSuchKey");

    assert.equal((await api("DELETE", "s3/object?bucket=files&key=top.txt")).status, 200);
    const after = await api("GET", "s3/objects?bucket=files");
    assert.deepEqual(after.json.objects, []);
  });

  test("SQS: counts, send, and peek that leaves the message visible", async () => {
    const sqs = new SQSClient(tc.clientConfig);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "jobs" }));
    const sent = await api("POST", "sqs/send", { queueUrl: QueueUrl, body: '{"jobId":"1"}' });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const queues = await api("GET", "sqs/queues");
    assert.equal(queues.json.queues.find((q: any) => q.name === "jobs").visible, 1);
    const peek = await api("POST", "sqs/peek", { queueUrl: QueueUrl });
    assert.deepEqual(peek.json.messages.map((m: any) => m.body), ['{"jobId":"1"}']);
    // Visibility 0: a consumer still gets it.
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    assert.equal(got.Messages?.[0]?.Body, '{"jobId":"1"}');
    const missing = await api("POST", "sqs/send", { queueUrl: `${tc.cloud.endpoint}/000000000000/nope`, body: "x" });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error.code, /NonExistentQueue|QueueDoesNotExist/);
  });

  test("Secrets: set, list and remove under {ssmPrefix}Secret/", async () => {
    const set = await api("PUT", "secrets", { name: "STRIPE_KEY", value: "sk_123" });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    const ssm = new SSMClient(tc.clientConfig);
    const p = await ssm.send(new GetParameterCommand({ Name: "/sst/demo/test/Secret/STRIPE_KEY/value", WithDecryption: true }));
    assert.equal(p.Parameter?.Value, "sk_123");
    assert.equal(p.Parameter?.Type, "SecureString");
    const list = await api("GET", "secrets");
    assert.deepEqual(list.json.secrets.map((s: any) => [s.name, s.value]), [["STRIPE_KEY", "sk_123"]]);
    const bad = await api("PUT", "secrets", { name: "no spaces", value: "x" });
    assert.equal(bad.json.error.code, "ValidationException");
    assert.equal((await api("DELETE", "secrets?name=STRIPE_KEY")).status, 200);
    assert.deepEqual((await api("GET", "secrets")).json.secrets, []);
    const again = await api("DELETE", "secrets?name=STRIPE_KEY");
    assert.equal(again.json.error.code, "ParameterNotFound");
  });

  test("Functions: invoke shows the result and the function error; the live log streams invocations", async () => {
    await tc.cloud.lambda.call("CreateFunction", {
      FunctionName: "echo",
      Role: "arn:aws:iam::000000000000:role/r",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: {
        ZipFile: zipSync({
          "index.js": strToU8(`exports.handler = async (e) => { console.log("got", JSON.stringify(e)); if (e.fail) throw new Error("boom " + e.fail); return { twice: e.n * 2 }; };`),
        }),
      },
    });
    const fns = await api("GET", "functions");
    assert.deepEqual(fns.json.functions.map((f: any) => [f.name, f.handler]), [["echo", "index.handler"]]);

    // Subscribe first: the stream must carry the invocation as it happens.
    const ac = new AbortController();
    const stream = await fetch(`${base}api/events`, { headers: auth, signal: ac.signal });
    assert.match(stream.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = stream.body!.getReader();
    let received = "";
    const ended = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        received += new TextDecoder().decode(value);
        if (/event: invocation\ndata: .*"status":"error"/.test(received)) return true;
      }
    })();

    const ok = await api("POST", "functions/invoke", { functionName: "echo", payload: '{"n":21}' });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.json.payload), { twice: 42 });
    assert.equal(ok.json.functionError, undefined);

    const failed = await api("POST", "functions/invoke", { functionName: "echo", payload: '{"fail":"x"}' });
    assert.equal(failed.json.functionError, "Unhandled");
    assert.match(JSON.parse(failed.json.payload).errorMessage, /boom x/);

    const bad = await api("POST", "functions/invoke", { functionName: "echo", payload: "{nope" });
    assert.equal(bad.json.error.code, "InvalidRequestContentException");
    const missing = await api("POST", "functions/invoke", { functionName: "ghost", payload: "{}" });
    assert.equal(missing.json.error.code, "ResourceNotFoundException");

    assert.equal(await Promise.race([ended, new Promise((r) => setTimeout(() => r("timeout"), 10_000))]), true);
    ac.abort();
    assert.match(received, /^retry: 2000/);
    assert.match(received, /"lines":\[.*got \{\\"n\\":21\}/);

    const history = await api("GET", "invocations");
    const statuses = history.json.invocations.map((i: any) => i.status);
    assert.deepEqual(statuses, ["success", "error"]);
    assert.ok(history.json.invocations[0].durationMs >= 0);
    assert.equal(history.json.invocations[1].error.errorMessage, "boom x");

    // History is bounded (historySize 3 here): the oldest go first.
    for (let i = 0; i < 3; i++) await api("POST", "functions/invoke", { functionName: "echo", payload: `{"n":${i}}` });
    const bounded = (await api("GET", "invocations")).json.invocations;
    assert.equal(bounded.length, 3);
    assert.ok(bounded.every((i: any) => i.status === "success"));
  });

  test("overview lists only this app's stacks", async () => {
    const o = await api("GET", "overview");
    assert.equal(o.status, 200);
    assert.equal(o.json.app, "demo");
    assert.equal(o.json.stage, "test");
    assert.equal(o.json.endpoint, tc.cloud.endpoint);
    assert.deepEqual(o.json.stacks, []);
  });
});
