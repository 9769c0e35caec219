/**
 * Large uploads stream to disk: a 200 MiB body through the AWS SDK v3 and through a
 * presigned URL (raw HTTP) leaves the process's RSS far below the body's size, and the
 * object is stored intact (ETag = MD5 of what was sent).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const piece = Buffer.alloc(MiB, 0x5a);

/** 200 MiB generated a piece at a time (the sender holds 1 MiB), and its MD5. */
function largeBody(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return void this.push(null);
      sent += piece.length;
      this.push(piece);
    },
  });
}
const expectedMd5 = (() => {
  const h = createHash("md5");
  for (let i = 0; i < SIZE / MiB; i++) h.update(piece);
  return h.digest("hex");
})();

describe("S3 large uploads stream to disk", () => {
  let tc: TestCloud;
  let s3: S3Client;
  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "big" }));
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
  });

  it("PutObject of 200 MiB through the SDK keeps memory flat", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const put = await s3.send(new PutObjectCommand({ Bucket: "big", Key: "sdk.bin", Body: largeBody(), ContentLength: SIZE }));
    const grown = process.memoryUsage().rss - before;
    assert.equal(put.ETag, `"${expectedMd5}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "big", Key: "sdk.bin" }));
    assert.equal(head.ContentLength, SIZE);
    assert.ok(grown < 80 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB for a 200 MiB upload`);
  });

  it("a presigned PUT of 200 MiB (raw HTTP) keeps memory flat", async () => {
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: "big", Key: "presigned.bin" }), { expiresIn: 300 }));
    global.gc?.();
    const before = process.memoryUsage().rss;
    const answer = await new Promise<{ status: number; etag?: string }>((resolve, reject) => {
      const req = http.request(url, { method: "PUT", headers: { "content-length": String(SIZE) } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, etag: res.headers.etag }));
      });
      req.on("error", reject);
      largeBody().pipe(req);
    });
    const grown = process.memoryUsage().rss - before;
    assert.equal(answer.status, 200);
    assert.equal(answer.etag, `"${expectedMd5}"`);
    assert.ok(grown < 80 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB for a 200 MiB upload`);
  });
});
