/**
 * S3 as browsers and plain HTTP clients see it: presigned URLs, anonymous access under
 * bucket policies, CORS preflights and headers, virtual-hosted addressing, error XML.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { S3Client, PutObjectCommand, GetObjectCommand, CreateBucketCommand, PutBucketCorsCommand, PutBucketPolicyCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { CORS_NOT_ALLOWED, CORS_NOT_ENABLED } from "./cors.js";

function rawRequest(port: number, opts: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("S3 over plain HTTP", () => {
  let tc: TestCloud;
  let s3: S3Client;
  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "uploads-bucket" }));
    await s3.send(new CreateBucketCommand({ Bucket: "no-cors-bucket" }));
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
  });

  it("stores a presigned PUT from fetch with the signed content type, readable by a presigned GET", async () => {
    const Key = `uploads/${Date.now()}-photo 1.png`;
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "uploads-bucket", Key, ContentType: "image/png" }), { expiresIn: 3600 });
    const res = await fetch(url, { method: "PUT", body: "PNGDATA", headers: { "content-type": "image/png" } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get("etag")!, /^"[0-9a-f]{32}"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "uploads-bucket", Key }));
    assert.equal(head.ContentType, "image/png");
    assert.equal(head.ContentLength, 7);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "uploads-bucket", Key }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "image/png");
    assert.equal(await got.text(), "PNGDATA");
  });

  it("still checks a checksum deliberately signed into a presigned URL", async () => {
    const url = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: "uploads-bucket", Key: "summed.txt", ChecksumCRC32: "y/Q5Jg==" }),
      { expiresIn: 60 },
    );
    const wrong = await fetch(url, { method: "PUT", body: "not the digits" });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /<Code>BadDigest<\/Code>/);
    const right = await fetch(url, { method: "PUT", body: "123456789" });
    assert.equal(right.status, 200);
    await right.text();
  });

  it("refuses unsigned access without a bucket policy, and allows what a policy grants", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "uploads-bucket", Key: "public/hello.txt", Body: "hi", ContentType: "text/plain" }));
    await s3.send(new PutObjectCommand({ Bucket: "uploads-bucket", Key: "secret.txt", Body: "no" }));
    const denied = await fetch(`${tc.cloud.endpoint}/uploads-bucket/public/hello.txt`);
    assert.equal(denied.status, 403);
    const xml = await denied.text();
    assert.match(xml, /<Code>AccessDenied<\/Code>/);
    assert.match(xml, /<Message>Access Denied<\/Message>/);
    assert.match(xml, /<RequestId>[^<]+<\/RequestId>/);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: "uploads-bucket",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads-bucket/public/*" }],
        }),
      }),
    );
    const allowed = await fetch(`${tc.cloud.endpoint}/uploads-bucket/public/hello.txt`);
    assert.equal(allowed.status, 200);
    assert.equal(await allowed.text(), "hi");
    const stillDenied = await fetch(`${tc.cloud.endpoint}/uploads-bucket/secret.txt`);
    assert.equal(stillDenied.status, 403);
    await stillDenied.text();
    const headDenied = await fetch(`${tc.cloud.endpoint}/uploads-bucket/secret.txt`, { method: "HEAD" });
    assert.equal(headDenied.status, 403);
    assert.equal(await headDenied.text(), "", "HEAD errors carry no body");
    // Virtual-hosted addressing reaches the same object.
    const vhost = await rawRequest(tc.cloud.port, { method: "GET", path: "/public/hello.txt", headers: { host: `uploads-bucket.s3.localhost:${tc.cloud.port}` } });
    assert.equal(vhost.status, 200);
    assert.equal(vhost.body, "hi");
  });

  it("answers CORS preflights from the bucket's rules", async () => {
    const preflight = (bucket: string, headers: Record<string, string>) =>
      fetch(`${tc.cloud.endpoint}/${bucket}/uploads/x.png`, { method: "OPTIONS", headers });
    const notEnabled = await preflight("no-cors-bucket", { origin: "http://localhost:3000", "access-control-request-method": "PUT" });
    assert.equal(notEnabled.status, 403);
    assert.ok((await notEnabled.text()).includes(CORS_NOT_ENABLED));
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: "uploads-bucket",
        CORSConfiguration: {
          CORSRules: [
            { AllowedMethods: ["GET", "PUT"], AllowedOrigins: ["*"], AllowedHeaders: ["*"] },
            { AllowedMethods: ["DELETE"], AllowedOrigins: ["https://*.example.com"], AllowedHeaders: ["x-custom"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 120 },
          ],
        },
      }),
    );
    const ok = await preflight("uploads-bucket", {
      origin: "http://localhost:3000",
      "access-control-request-method": "PUT",
      "access-control-request-headers": "content-type, x-amz-meta-a",
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "*");
    assert.equal(ok.headers.get("access-control-allow-methods"), "GET, PUT");
    assert.equal(ok.headers.get("access-control-allow-headers"), "content-type, x-amz-meta-a");
    assert.match(ok.headers.get("vary")!, /Origin/);
    const specific = await preflight("uploads-bucket", { origin: "https://app.example.com", "access-control-request-method": "DELETE", "access-control-request-headers": "X-Custom" });
    assert.equal(specific.status, 200);
    assert.equal(specific.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.equal(specific.headers.get("access-control-allow-credentials"), "true");
    assert.equal(specific.headers.get("access-control-expose-headers"), "ETag");
    assert.equal(specific.headers.get("access-control-max-age"), "120");
    const refused = await preflight("uploads-bucket", { origin: "https://evil.test", "access-control-request-method": "DELETE" });
    assert.equal(refused.status, 403);
    const body = await refused.text();
    assert.match(body, /<Code>AccessForbidden<\/Code>/);
    assert.ok(body.includes(CORS_NOT_ALLOWED.replace(/'/g, "&apos;")));
    const noOrigin = await preflight("uploads-bucket", { "access-control-request-method": "PUT" });
    assert.equal(noOrigin.status, 400);
    await noOrigin.text();
    // Actual requests from an allowed origin carry CORS headers.
    const actual = await fetch(`${tc.cloud.endpoint}/uploads-bucket/public/hello.txt`, { headers: { origin: "http://localhost:3000" } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers.get("access-control-allow-origin"), "*");
    await actual.text();
  });

  it("answers malformed requests with S3 errors instead of failing", async () => {
    const signedBad = await fetch(`${tc.cloud.endpoint}/uploads-bucket/%E0%A4%A`, { method: "GET" });
    assert.equal(signedBad.status, 400);
    assert.match(await signedBad.text(), /<Code>InvalidURI<\/Code>/);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "uploads-bucket", Key: "nothing-here" }), { expiresIn: 60 });
    const missing = await fetch(url);
    assert.equal(missing.status, 404);
    const xml = await missing.text();
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>nothing-here<\/Key>/);
    assert.ok(missing.headers.get("x-amz-request-id"));
  });
});
