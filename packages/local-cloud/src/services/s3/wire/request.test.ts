/** Addressing, hoisted presign headers, aws-chunked bodies and payload hashes. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { AwsRequest } from "../../../types.js";
import { AwsError } from "../../../server/aws-error.js";
import { readWireRequest, resolveTarget } from "./request.js";

function request(partial: Partial<AwsRequest>): AwsRequest {
  return {
    requestId: "r",
    method: "PUT",
    path: "/",
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
    service: "s3",
    region: "us-east-1",
    principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
    ...partial,
  };
}

describe("S3 request reading", () => {
  it("resolves path-style and virtual-hosted targets", () => {
    assert.deepEqual(resolveTarget("/", "127.0.0.1:4570"), {});
    assert.deepEqual(resolveTarget("/bkt", "127.0.0.1:4570"), { bucket: "bkt" });
    assert.deepEqual(resolveTarget("/bkt/", "127.0.0.1:4570"), { bucket: "bkt", key: undefined });
    assert.deepEqual(resolveTarget("/bkt/a%20b%2Bc/d%E2%82%AC", "127.0.0.1"), { bucket: "bkt", key: "a b+c/d€" });
    assert.deepEqual(resolveTarget("/bkt/a+b", "127.0.0.1"), { bucket: "bkt", key: "a+b" }, "+ in a path is a plus");
    assert.deepEqual(resolveTarget("/bkt//lead", "127.0.0.1"), { bucket: "bkt", key: "/lead" });
    assert.deepEqual(resolveTarget("/k/x", "my.bucket.s3.localhost:4570"), { bucket: "my.bucket", key: "k/x" });
    assert.deepEqual(resolveTarget("/k", "bkt.localhost"), { bucket: "bkt", key: "k" });
    assert.deepEqual(resolveTarget("/", "bkt.s3.us-east-1.localhost"), { bucket: "bkt", key: undefined });
    assert.deepEqual(resolveTarget("/bkt/k", "s3.localhost:4570"), { bucket: "bkt", key: "k" });
    assert.throws(() => resolveTarget("/bkt/%E0%A4%A", "127.0.0.1"), (e: unknown) => e instanceof AwsError && e.code === "InvalidURI");
  });

  it("decodes aws-chunked bodies and lifts trailers into headers", () => {
    const body = Buffer.from("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n");
    const w = readWireRequest(
      request({
        path: "/b/k",
        headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "11" },
        body,
      }),
    );
    assert.equal(w.body.toString(), "hello world");
    assert.equal(w.headers["x-amz-checksum-crc32"], "DUoRhQ==");
    const signed = Buffer.from(`3;chunk-signature=${"a".repeat(64)}\r\nabc\r\n0;chunk-signature=${"b".repeat(64)}\r\n\r\n`);
    const w2 = readWireRequest(request({ path: "/b/k", headers: { "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" }, body: signed }));
    assert.equal(w2.body.toString(), "abc");
    assert.throws(
      () => readWireRequest(request({ path: "/b/k", headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" }, body: Buffer.from("a\r\nshort") })),
      (e: unknown) => e instanceof AwsError && e.code === "IncompleteBody",
    );
    assert.throws(
      () =>
        readWireRequest(
          request({ path: "/b/k", headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length": "9" }, body: Buffer.from("3\r\nabc\r\n0\r\n\r\n") }),
        ),
      (e: unknown) => e instanceof AwsError && e.code === "IncompleteBody",
    );
  });

  it("checks the body against x-amz-content-sha256", () => {
    const body = Buffer.from("payload");
    const good = createHash("sha256").update(body).digest("hex");
    assert.equal(readWireRequest(request({ path: "/b/k", headers: { "x-amz-content-sha256": good }, body })).body.toString(), "payload");
    assert.throws(
      () => readWireRequest(request({ path: "/b/k", headers: { "x-amz-content-sha256": "0".repeat(64) }, body })),
      (e: unknown) => e instanceof AwsError && e.code === "XAmzContentSHA256Mismatch" && e.status === 400,
    );
  });

  it("takes hoisted x-amz-* query parameters of presigned URLs as headers, minus the empty-body checksum artifact", () => {
    const query = new URLSearchParams({
      "X-Amz-Signature": "sig",
      "X-Amz-Credential": "test/20240101/us-east-1/s3/aws4_request",
      "x-amz-checksum-crc32": "AAAAAA==",
      "x-amz-sdk-checksum-algorithm": "CRC32",
      "x-amz-meta-color": "blue",
    });
    const w = readWireRequest(request({ path: "/b/k", query, body: Buffer.from("data") }));
    assert.equal(w.headers["x-amz-meta-color"], "blue");
    assert.equal(w.headers["x-amz-sdk-checksum-algorithm"], "CRC32");
    assert.equal(w.headers["x-amz-checksum-crc32"], undefined);
    assert.equal(w.headers["x-amz-credential"], undefined);
    const real = readWireRequest(request({ path: "/b/k", query: new URLSearchParams({ "X-Amz-Signature": "s", "x-amz-checksum-crc32": "y/Q5Jg==" }), body: Buffer.from("x") }));
    assert.equal(real.headers["x-amz-checksum-crc32"], "y/Q5Jg==");
  });
});

describe("signed aws-chunked framing", () => {
  it("checks chunk signatures when the signer's secret is known", () => {
    const headers = {
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "x-amz-date": "20130524T000000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    };
    const body = Buffer.concat([
      Buffer.from("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"),
      Buffer.alloc(65536, "a"),
      Buffer.from("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"),
      Buffer.alloc(1024, "a"),
      Buffer.from("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"),
    ]);
    const secretOf = (id: string) => (id === "AKIAIOSFODNN7EXAMPLE" ? "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" : undefined);
    assert.equal(readWireRequest(request({ path: "/examplebucket/chunkObject.txt", headers, body }), secretOf).body.length, 66560);
    assert.throws(
      () => readWireRequest(request({ path: "/examplebucket/chunkObject.txt", headers, body }), () => "wrong"),
      (e: unknown) => e instanceof AwsError && e.code === "SignatureDoesNotMatch",
    );
  });
});
