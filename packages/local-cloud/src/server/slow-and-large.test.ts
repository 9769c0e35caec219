/**
 * Requests too large or too slow, against a running cloud: a body over its service's
 * limit is refused as soon as its head arrives (the answer comes while the client is
 * still sending), in the protocol's shape; a client that dribbles its head or body is
 * answered 408 and cut off; ordinary clients, idle keep-alive ones included, are not.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../testing.js";

const HEADERS_TIMEOUT = 400;
const REQUEST_TIMEOUT = 900;

let tc: TestCloud;
let port: number;

before(async () => {
  tc = await startTestCloud({ options: { headersTimeoutMs: HEADERS_TIMEOUT, requestTimeoutMs: REQUEST_TIMEOUT } });
  port = tc.cloud.port;
});
after(() => tc.stop());

/** A raw connection: what it received so far, and when it closed. */
async function connect() {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  let received = "";
  socket.on("data", (d) => (received += d.toString("latin1")));
  socket.on("error", () => {});
  const closed = new Promise<number>((r) => socket.once("close", () => r(Date.now())));
  const answer = async (timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    while (!/\r\n\r\n/.test(received) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return received;
  };
  return { socket, closed, answer, received: () => received };
}

/** A signed-looking head for `service` (the limit is read from the head; the signature is never checked). */
function head(method: string, path: string, service: string, contentLength: number, extra = ""): string {
  return (
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00\r\n` +
    `X-Amz-Date: 20260101T000000Z\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

test("a 300 MB DynamoDB body is refused with 413 while the client is still sending it", async () => {
  const c = await connect();
  c.socket.write(head("POST", "/", "dynamodb", 300_000_000, "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"));
  // Send a megabyte of it, then listen: the answer must not wait for the other 299.
  c.socket.write(Buffer.alloc(1024 * 1024, 0x20));
  const answer = await c.answer();
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.match(answer, /connection: close/i);
  await c.closed;
});

test("each protocol refuses in its own shape: S3 EntityTooLarge 400, Lambda RequestTooLargeException 413", async () => {
  const s3 = await connect();
  s3.socket.write(head("PUT", "/bucket/big.bin", "s3", 6 * 1024 * 1024 * 1024, "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"));
  const s3Answer = await s3.answer();
  assert.match(s3Answer, /^HTTP\/1\.1 400 /);
  await s3.closed;
  assert.match(s3.received(), /<Code>EntityTooLarge<\/Code>.*<ProposedSize>6442450944<\/ProposedSize><MaxSizeAllowed>5368709120<\/MaxSizeAllowed>/s);

  const lambda = await connect();
  lambda.socket.write(head("POST", "/2015-03-31/functions", "lambda", 80_000_000, "Content-Type: application/json\r\n"));
  assert.match(await lambda.answer(), /^HTTP\/1\.1 413 /);
  await lambda.closed;
  assert.match(lambda.received(), /x-amzn-errortype: RequestTooLargeException/i);
  assert.match(lambda.received(), /Request must be smaller than 69905067 bytes/);

  const api = await connect();
  api.socket.write(`POST /_aws/execute-api/abcdefghij/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 11000000\r\n\r\n`);
  assert.match(await api.answer(), /^HTTP\/1\.1 413 /);
});

test("Expect: 100-continue over the limit gets the refusal instead of 100 Continue", async () => {
  const c = await connect();
  c.socket.write(head("PUT", "/bucket/big.bin", "s3", 6 * 1024 * 1024 * 1024, "Expect: 100-continue\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"));
  const answer = await c.answer();
  assert.doesNotMatch(answer, /100 Continue/);
  assert.match(answer, /^HTTP\/1\.1 400 /);
  await c.closed;
  assert.match(c.received(), /EntityTooLarge/);
});

test("a chunked body is counted as it comes and refused once over the limit", async () => {
  const c = await connect();
  c.socket.write(
    `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n` +
      `Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00\r\nX-Amz-Date: 20260101T000000Z\r\n\r\n`,
  );
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < 17 && !c.received(); i++) {
    c.socket.write(`${chunk.length.toString(16)}\r\n`);
    c.socket.write(chunk);
    c.socket.write("\r\n");
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.match(await c.answer(), /^HTTP\/1\.1 413 /);
});

test("a head sent a byte at a time is cut off with 408 after the headers timeout; others are served meanwhile", async () => {
  const slow = await connect();
  const started = Date.now();
  const line = `GET /_aws/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `;
  const drip = setInterval(() => slow.socket.write("a"), 50);
  slow.socket.write(line);
  try {
    const res = await fetch(`${tc.cloud.endpoint}/_aws/health`);
    assert.equal(res.status, 200);
    const closedAt = await slow.closed;
    assert.ok(closedAt - started >= HEADERS_TIMEOUT, `closed after ${closedAt - started} ms`);
    assert.match(slow.received(), /^HTTP\/1\.1 408 Request Timeout/);
  } finally {
    clearInterval(drip);
  }
});

test("a body sent a byte at a time is cut off after the request timeout", async () => {
  const slow = await connect();
  const started = Date.now();
  slow.socket.write(head("POST", "/", "dynamodb", 1000, "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"));
  const drip = setInterval(() => slow.socket.write(" "), 50);
  try {
    const closedAt = await slow.closed;
    assert.ok(closedAt - started >= REQUEST_TIMEOUT, `closed after ${closedAt - started} ms`);
    assert.match(slow.received(), /^HTTP\/1\.1 408 Request Timeout/);
  } finally {
    clearInterval(drip);
  }
});

test("idle keep-alive connections and ordinary SDK calls are not touched by the timeouts", async () => {
  const ddb = new DynamoDBClient(tc.clientConfig);
  await ddb.send(new ListTablesCommand({}));
  // Idle well past the headers and request timeouts, on the same kept-alive socket.
  await new Promise((r) => setTimeout(r, REQUEST_TIMEOUT * 2));
  await ddb.send(new ListTablesCommand({}));
  const c = await connect();
  c.socket.write(`GET /_aws/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  assert.match(await c.answer(), /^HTTP\/1\.1 200 /);
  await new Promise((r) => setTimeout(r, REQUEST_TIMEOUT * 2));
  c.socket.write(`GET /_aws/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(c.received().match(/HTTP\/1\.1 200 /g)?.length, 2);
  c.socket.destroy();
  ddb.destroy();
});
