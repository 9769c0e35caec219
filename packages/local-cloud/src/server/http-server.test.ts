import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net, { type AddressInfo } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import http2 from "node:http2";
import { createHttpServer, type Http1Server, type RequestDispatcher } from "./http-server.js";
import { jsonResponse } from "./protocols/json.js";
import { startTestCloud } from "../testing.js";
import type { AwsRequest, Principal } from "../types.js";

const admin: Principal = { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true };
const seen: AwsRequest[] = [];
const dispatcher: RequestDispatcher = {
  region: "us-east-1",
  lookupAccessKey: (id) => (id === "test" ? { secretAccessKey: "test", principal: admin } : undefined),
  serviceFor: (name) =>
    name === "dynamodb" || name === "s3"
      ? {
          async handle(req) {
            seen.push(req);
            if (name === "s3") return { status: 200, headers: { "content-type": "text/plain" }, body: "hello" };
            return jsonResponse({ TableNames: ["a"] });
          },
        }
      : undefined,
  internalRoute: (req) =>
    req.path.startsWith("/_aws/echo") ? Promise.resolve({ status: 200, body: req.path }) : undefined,
};

let server: Http1Server;
let endpoint: string;
before(async () => {
  server = createHttpServer(dispatcher);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const creds = (secret = "test", id = "test") => ({ accessKeyId: id, secretAccessKey: secret });

test("a correctly signed JSON request reaches its service with the principal set", async () => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: creds() });
  const out = await client.send(new ListTablesCommand({}));
  assert.deepEqual(out.TableNames, ["a"]);
  const req = seen.at(-1)!;
  assert.equal(req.service, "dynamodb");
  assert.equal(req.principal.admin, true);
  assert.equal(req.headers["x-amz-target"], "DynamoDB_20120810.ListTables");
});

test("HTTP/2 with prior knowledge (what the SDK's Kinesis client speaks to http://) is served, its signed :authority verified", async () => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: creds(), requestHandler: new NodeHttp2Handler() });
  try {
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new ListTablesCommand({}));
      assert.deepEqual(out.TableNames, ["a"]);
    }
    const req = seen.at(-1)!;
    assert.equal(req.service, "dynamodb");
    assert.equal(req.headers.host, new URL(endpoint).host, ":authority stands for the Host");
    // A wrong secret is still refused over HTTP/2.
    const bad = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: creds("wrong"), requestHandler: new NodeHttp2Handler() });
    await assert.rejects(bad.send(new ListTablesCommand({})), { name: "InvalidSignatureException" });
    bad.destroy();
  } finally {
    client.destroy();
  }
  // Answers carry no HTTP/1.1 connection headers (HTTP/2 forbids them), and HTTP/1.1 clients are unaffected.
  const session = http2.connect(endpoint);
  const stream = session.request({ ":path": "/_aws/echo/h2", ":method": "GET" });
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.on("response", resolve));
  let body = "";
  stream.setEncoding("utf8");
  for await (const chunk of stream) body += chunk;
  session.close();
  assert.equal(headers[":status"], 200);
  assert.equal(headers.connection, undefined);
  assert.equal(body, "/_aws/echo/h2");
  assert.equal((await fetch(`${endpoint}/_aws/echo/h1`)).status, 200);
});

test("a wrong secret is InvalidSignatureException (400) for JSON services", async () => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: creds("nope") });
  await assert.rejects(client.send(new ListTablesCommand({})), (err: any) => {
    assert.equal(err.name, "InvalidSignatureException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
});

test("an unknown access key is UnrecognizedClientException", async () => {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: creds("x", "AKIDUNKNOWN") });
  await assert.rejects(client.send(new ListTablesCommand({})), { name: "UnrecognizedClientException" });
});

test("S3 signature mismatch is SignatureDoesNotMatch 403", async () => {
  const client = new S3Client({ endpoint, region: "us-east-1", credentials: creds("bad"), forcePathStyle: true });
  await assert.rejects(client.send(new GetObjectCommand({ Bucket: "b", Key: "k" })), (err: any) => {
    assert.equal(err.name, "SignatureDoesNotMatch");
    assert.equal(err.$metadata.httpStatusCode, 403);
    return true;
  });
});

test("S3 keys with special characters verify", async () => {
  const client = new S3Client({ endpoint, region: "us-east-1", credentials: creds(), forcePathStyle: true });
  const out = await client.send(new GetObjectCommand({ Bucket: "b", Key: "dir/a b+c=ü%.txt" }));
  assert.equal(await out.Body!.transformToString(), "hello");
});

test("presigned URLs verify, and refuse once expired", async () => {
  const client = new S3Client({ endpoint, region: "us-east-1", credentials: creds(), forcePathStyle: true });
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: "b", Key: "x y.txt" }), { expiresIn: 60 });
  assert.equal((await fetch(url)).status, 200);
  const old = await getSignedUrl(client, new GetObjectCommand({ Bucket: "b", Key: "k" }), {
    expiresIn: 1,
    signingDate: new Date(Date.now() - 10_000),
  });
  const res = await fetch(old);
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<Code>AccessDenied<\/Code><Message>Request has expired/);
  const tampered = url.replace("X-Amz-Expires=60", "X-Amz-Expires=600");
  assert.equal((await fetch(tampered)).status, 403);
});

test("an unimplemented service answers 501 in its protocol's shape", async () => {
  const client = new STSClient({ endpoint, region: "us-east-1", credentials: creds() });
  await assert.rejects(client.send(new GetCallerIdentityCommand({})), (err: any) => {
    assert.equal(err.$metadata.httpStatusCode, 501);
    assert.equal(err.name, "NotImplemented");
    return true;
  });
});

test("/_aws/ paths go to the internal routes without a signature", async () => {
  const res = await fetch(`${endpoint}/_aws/echo/x`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "/_aws/echo/x");
});

test("an unsigned JSON-protocol call is MissingAuthenticationTokenException", async () => {
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0" },
    body: "{}",
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.match(body.__type, /MissingAuthenticationTokenException$/);
});

test("LocalCloud.stop(): idle sockets (fast or handed off) close at once, a busy one within ~200 ms", async () => {
  const tc = await startTestCloud();
  const open = async (request: string) => {
    const socket = net.connect(tc.cloud.port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("error", () => {});
    const closed = new Promise<number>((r) => socket.on("close", () => r(Date.now())));
    socket.write(request);
    for (let i = 0; i < 200 && !data.includes("\r\n\r\n"); i++) await new Promise((r) => setTimeout(r, 5));
    return { closed, data: () => data };
  };
  const idleFast = await open("GET /_aws/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const idleHanded = await open("GET /_aws/health HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  assert.match(idleFast.data(), /^HTTP\/1\.1 200 OK/);
  assert.match(idleHanded.data(), /^HTTP\/1\.1 200 OK/);
  const sqs = new SQSClient(tc.clientConfig);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "stop-test" }));
  const busy = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 })).then(
    () => "answered",
    () => "failed",
  );
  await new Promise((r) => setTimeout(r, 100));
  const start = Date.now();
  await tc.stop();
  const stopped = Date.now() - start;
  assert.ok(stopped < 1000, `stop() took ${stopped} ms`);
  assert.ok((await idleFast.closed) - start < 100, "idle fast-path socket closed at once");
  assert.ok((await idleHanded.closed) - start < 100, "idle handed-off socket closed at once");
  assert.equal(await busy, "failed", "the long poll's socket was closed under it");
  sqs.destroy();
});
