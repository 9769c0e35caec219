/**
 * SigV4 verification against the AWS SDK's own signer (@smithy/signature-v4): every
 * request the SDK signs must verify, and every tampering must not.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { readSignature, verifySignature, type SignatureInfo } from "./sigv4.js";
import { Sha256 } from "../test-signing.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const signer = (service: string, opts: { applyChecksum?: boolean } = {}) =>
  new SignatureV4({ service, region: "us-east-1", credentials, sha256: Sha256, applyChecksum: opts.applyChecksum ?? true });

interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sign like the SDK does, then turn the result into what the kernel's HTTP layer hands over. */
async function signed(service: string, init: { method?: string; path?: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }, opts?: { applyChecksum?: boolean }): Promise<Req> {
  const request = {
    method: init.method ?? "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4570,
    path: init.path ?? "/",
    query: init.query ?? {},
    headers: { host: "127.0.0.1:4570", ...(init.headers ?? {}) },
    body: init.body,
  };
  const out = await signer(service, opts).sign(request);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = String(v);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(out.query ?? {})) query.append(k, String(v));
  return { method: request.method, path: rawPath(request.path), query, headers, body: Buffer.from(init.body ?? "") };
}

/** The path as it goes on the wire (each segment percent-encoded once). */
const rawPath = (p: string) => p.split("/").map((s) => encodeURIComponent(s)).join("/");

function verify(req: Req, secret = credentials.secretAccessKey, now?: number) {
  const sig = readSignature(req.headers, req.query);
  assert.ok(sig && !("malformed" in sig), "request is signed");
  return verifySignature(sig as SignatureInfo, secret, req, now);
}

const dynamoHeaders = (target: string) => ({
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": target,
  "x-amz-user-agent": "aws-sdk-js/3.0.0",
  "amz-sdk-invocation-id": "7729605c-d48e-4c68-b647-b8d1daf93511",
  "amz-sdk-request": "attempt=1; max=4",
});

test("a JSON-protocol call signed by the SDK verifies, with or without x-amz-content-sha256", async () => {
  const body = JSON.stringify({ TableName: "Users", Key: { id: { S: "1" } } });
  const withClaim = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.GetItem"), body });
  assert.ok(withClaim.headers["x-amz-content-sha256"], "the SDK signer adds the payload hash header");
  assert.equal(verify(withClaim), undefined);
  const withoutClaim = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.GetItem"), body }, { applyChecksum: false });
  assert.equal(withoutClaim.headers["x-amz-content-sha256"], undefined);
  assert.equal(verify(withoutClaim), undefined);
});

test("the wrong secret is a mismatch", async () => {
  const req = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.ListTables"), body: "{}" });
  assert.deepEqual(verify(req, "not-the-secret"), { kind: "mismatch" });
});

test("outside S3, a body that is not the one hashed fails even when the claimed hash header is kept", async () => {
  const req = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.PutItem"), body: JSON.stringify({ TableName: "T", Item: { id: { S: "1" } } }) });
  req.body = Buffer.from(JSON.stringify({ TableName: "T", Item: { id: { S: "2" } } }));
  assert.deepEqual(verify(req), { kind: "mismatch" });
  const noClaim = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.PutItem"), body: "{}" }, { applyChecksum: false });
  noClaim.body = Buffer.from("{ }");
  assert.deepEqual(verify(noClaim), { kind: "mismatch" });
});

test("S3 signs the payload claim itself (UNSIGNED-PAYLOAD, or a hash S3 checks later)", async () => {
  const req = await signed("s3", { method: "PUT", path: "/bucket/a key+(1).txt", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, body: "hello" });
  assert.equal(req.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
  assert.equal(verify(req), undefined);
  const hashed = await signed("s3", { method: "PUT", path: "/bucket/k", body: "hello" });
  assert.equal(hashed.headers["x-amz-content-sha256"], createHash("sha256").update("hello").digest("hex"));
  hashed.body = Buffer.from("other");
  assert.equal(verify(hashed), undefined, "the signature holds; S3 answers XAmzContentSHA256Mismatch itself");
});

test("query strings and paths with reserved characters verify (non-S3 paths are encoded twice)", async () => {
  const req = await signed("execute-api", { method: "GET", path: "/prod/users/a b@c", query: { b: "2 3", a: "x/y*", "c~": "ü" }, body: "" });
  assert.equal(verify(req), undefined);
  req.query.set("a", "changed");
  assert.deepEqual(verify(req), { kind: "mismatch" });
});

test("header values are compared in canonical form (trimmed, inner runs of spaces collapsed)", async () => {
  const req = await signed("sqs", { headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ListQueues", "x-custom": "a   b" }, body: "{}" });
  req.headers["x-custom"] = "  a b ";
  assert.equal(verify(req), undefined);
  req.headers["x-custom"] = "a c";
  assert.deepEqual(verify(req), { kind: "mismatch" });
});

test("a signature older than 15 minutes is refused as skewed; a malformed date as malformed", async () => {
  const req = await signed("dynamodb", { headers: dynamoHeaders("DynamoDB_20120810.ListTables"), body: "{}" });
  const problem = verify(req, undefined, Date.now() + 16 * 60 * 1000);
  assert.equal(problem?.kind, "skewed");
  assert.match((problem as { message: string }).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than /);
  req.headers["x-amz-date"] = "2024-01-01";
  assert.equal(verify(req)?.kind, "malformed");
});

test("presigned URLs verify until they expire", async () => {
  // As @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD, hoisted into the query.
  const url = await signer("s3").presign(
    { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4570, path: "/bucket/photo.jpg", query: {}, headers: { host: "127.0.0.1:4570", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
    { expiresIn: 60 },
  );
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(url.query ?? {})) query.append(k, String(v));
  const req: Req = { method: "GET", path: "/bucket/photo.jpg", query, headers: { host: "127.0.0.1:4570" }, body: Buffer.alloc(0) };
  assert.equal(verify(req), undefined);
  assert.deepEqual(verify(req, undefined, Date.now() + 61_000), { kind: "expired", message: "Request has expired" });
});

test("readSignature takes the Authorization header apart whatever the spacing and order", () => {
  const headers = (auth: string) => ({ authorization: auth, "x-amz-date": "20261126T000000Z" });
  const sig = readSignature(headers("AWS4-HMAC-SHA256 Signature=abc,SignedHeaders=host;x-amz-date ,  Credential=AK/20261126/eu-west-1/sqs/aws4_request"), new URLSearchParams()) as SignatureInfo;
  assert.equal(sig.accessKeyId, "AK");
  assert.equal(sig.region, "eu-west-1");
  assert.equal(sig.service, "sqs");
  assert.deepEqual(sig.signedHeaders, ["host", "x-amz-date"]);
  assert.equal(sig.signedHeadersText, "host;x-amz-date");
  assert.equal(sig.signature, "abc");
  assert.ok("malformed" in (readSignature(headers("AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/sqs/aws4_request, Signature=abc"), new URLSearchParams()) as object));
  assert.ok("malformed" in (readSignature(headers("AWS4-HMAC-SHA256 XCredential=AK/20261126/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc"), new URLSearchParams()) as object));
  assert.equal(readSignature({}, new URLSearchParams()), undefined);
});

test("FixedKeyHmac equals createHmac for short, long and non-ASCII messages", async () => {
  const { FixedKeyHmac } = await import("./sigv4.js");
  const key = createHash("sha256").update("k").digest();
  const h = new FixedKeyHmac(key);
  for (const m of ["", "AWS4-HMAC-SHA256\n20261126T000000Z\n20261126/us-east-1/dynamodb/aws4_request\nabc", "ü€".repeat(100), "x".repeat(5000)]) {
    assert.equal(h.hex(m), createHmac("sha256", key).update(m).digest("hex"));
  }
});

test("header values with tabs, runs of spaces, leading/trailing space or NBSP verify as the SDK's signer signed them", async () => {
  for (const value of ["a\tb", "a \t b", "a\u00a0\u00a0b", " a", "a ", "a  b", "a b c", "\ta"]) {
    const req = await signed("sqs", { headers: { "content-type": "application/x-amz-json-1.0", "x-custom": value }, body: "{}" });
    req.headers["x-custom"] = value;
    assert.equal(verify(req), undefined, JSON.stringify(value));
  }
});

test("a presigned URL dated ahead of the clock is not valid yet, whatever its X-Amz-Expires", async () => {
  const url = await signer("s3").presign(
    { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4570, path: "/bucket/photo.jpg", query: {}, headers: { host: "127.0.0.1:4570", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
    { expiresIn: 604_800, signingDate: new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000) },
  );
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(url.query ?? {})) query.append(k, String(v));
  const req: Req = { method: "GET", path: "/bucket/photo.jpg", query, headers: { host: "127.0.0.1:4570" }, body: Buffer.alloc(0) };
  assert.deepEqual(verify(req), { kind: "not-yet-valid", message: "Request is not valid yet" });
  // Within the 15 minutes of allowed skew it is fine.
  assert.equal(verify(req, undefined, Date.now() + 3 * 365 * 24 * 3600 * 1000 - 14 * 60 * 1000), undefined);
});

test("a presigned URL needs X-Amz-Expires, of at most seven days", () => {
  const query = (expires?: string) =>
    new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AK/20261126/us-east-1/s3/aws4_request",
      "X-Amz-Date": "20261126T000000Z",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": "abc",
      ...(expires === undefined ? {} : { "X-Amz-Expires": expires }),
    });
  const missing = readSignature({}, query()) as { malformed: string };
  assert.match(missing.malformed, /requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters/);
  const long = readSignature({}, query("604801")) as SignatureInfo;
  const req: Req = { method: "GET", path: "/b/k", query: query("604801"), headers: { host: "127.0.0.1:4570" }, body: Buffer.alloc(0) };
  assert.deepEqual(verifySignature(long, "x", req, Date.parse("2026-11-26T00:00:01Z")), { kind: "malformed", message: "X-Amz-Expires must be less than a week (in seconds) that is; 604800" });
  const negative = readSignature({}, query("-1")) as SignatureInfo;
  assert.equal(verifySignature(negative, "x", { ...req, query: query("-1") })?.kind, "malformed");
});

test("outside S3 an UNSIGNED-PAYLOAD claim is no way around the body hash", async () => {
  const req = await signed("dynamodb", { headers: { ...dynamoHeaders("DynamoDB_20120810.PutItem"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, body: '{"TableName":"a"}' });
  assert.equal(req.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
  // Signed over UNSIGNED-PAYLOAD, checked over the body's hash: refused, changed body or not.
  assert.equal(verify(req)?.kind, "mismatch");
  assert.equal(verify({ ...req, body: Buffer.from('{"TableName":"b"}') })?.kind, "mismatch");
});
