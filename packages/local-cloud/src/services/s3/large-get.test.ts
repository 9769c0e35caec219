/**
 * Large GETs are served from reused MiB blocks (server/file-range-stream.ts): many
 * GETs of different large objects at once, ranged GETs that start and end inside a
 * block, SigV4-header and presigned GETs, and a multipart object's GET all return exactly
 * the stored bytes — a block handed back too early would show up here as another
 * object's bytes. UploadPartCopy of a large range and CopyObject of a multipart object
 * stream their source and keep S3's ETags.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

let tc: TestCloud;
let s3: S3Client;
/** Six objects of 3.5 MiB (blocks of 1 MiB and a half block), each of its own random bytes. */
const objects = Array.from({ length: 6 }, (_, i) => ({ key: `big/${i}`, body: randomBytes(3.5 * MiB) }));

before(async () => {
  tc = await startTestCloud();
  s3 = new S3Client({ endpoint: tc.cloud.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  await s3.send(new CreateBucketCommand({ Bucket: "large" }));
  for (const o of objects) await s3.send(new PutObjectCommand({ Bucket: "large", Key: o.key, Body: o.body }));
});
after(async () => {
  s3?.destroy();
  await tc?.stop();
});

async function getBytes(key: string, range?: string): Promise<{ bytes: Buffer; status?: number }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: "large", Key: key, Range: range }));
  return { bytes: Buffer.from(await out.Body!.transformToByteArray()), status: out.$metadata.httpStatusCode };
}

/** A raw GET of a presigned URL: status, headers and body. */
function rawGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe("S3 large GETs", () => {
  it("serves many large objects at once, each with exactly its own bytes", async () => {
    // Three rounds of all six at once: blocks go back to the pool and out to other GETs.
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(objects.map((o) => getBytes(o.key)));
      got.forEach((g, i) => assert.equal(md5(g.bytes), md5(objects[i]!.body), `round ${round}, ${objects[i]!.key}`));
    }
  });

  /**
   * The slow GET's socket fills and its blocks wait in the write queue; two other GETs
   * run to the end meanwhile, taking blocks from the pool; then the slow one reads on.
   * `agent`: the connection to use (one that carried a large PUT is node:http's from then on).
   */
  async function slowReaderKeepsItsBytes(agent: http.Agent | undefined): Promise<void> {
    // Larger than the loopback's socket buffers together, so most of it must queue.
    const slow = { key: "big/slow", body: randomBytes(24 * MiB) };
    await s3.send(new PutObjectCommand({ Bucket: "large", Key: slow.key, Body: slow.body }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "large", Key: slow.key }), { expiresIn: 300 });
    const chunks: Buffer[] = [];
    let res!: http.IncomingMessage;
    await new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (r) => {
          res = r;
          r.pause();
          resolve();
        })
        .on("error", reject);
    });
    await new Promise((r) => setTimeout(r, 200));
    const others = await Promise.all([getBytes(objects[1]!.key), getBytes(objects[3]!.key)]);
    assert.ok(others[0]!.bytes.equals(objects[1]!.body));
    assert.ok(others[1]!.bytes.equals(objects[3]!.body));
    const done = new Promise((resolve) => res.on("end", resolve));
    res.on("data", (c: Buffer) => chunks.push(c));
    res.resume();
    await done;
    assert.equal(md5(Buffer.concat(chunks)), md5(slow.body));
  }

  it("a slow reader's queued blocks are not reused by other GETs meanwhile", async () => {
    await slowReaderKeepsItsBytes(undefined);
  });

  it("the same on a connection a large PUT handed to node:http", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "large", Key: "big/put-first" }), { expiresIn: 300 });
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: "PUT", agent, headers: { "content-length": 2 * MiB } }, (r) => {
          r.resume();
          r.on("end", () => resolve(r.statusCode!));
        });
        req.on("error", reject);
        req.end(Buffer.alloc(2 * MiB, 1));
      });
      assert.equal(status, 200);
      await slowReaderKeepsItsBytes(agent);
    } finally {
      agent.destroy();
    }
  });

  it("serves ranges that start and end inside a block", async () => {
    const o = objects[2]!;
    const ranges: [number, number][] = [
      [1, MiB + 5],
      [MiB - 1, 3 * MiB],
      [3 * MiB + 17, o.body.length - 1],
      [123, 123],
    ];
    const got = await Promise.all(ranges.map(([a, b]) => getBytes(o.key, `bytes=${a}-${b}`)));
    got.forEach((g, i) => {
      const [a, b] = ranges[i]!;
      assert.equal(g.status, 206);
      assert.ok(g.bytes.equals(o.body.subarray(a, b + 1)), `bytes=${a}-${b}`);
    });
    const suffix = await getBytes(o.key, "bytes=-1500000");
    assert.ok(suffix.bytes.equals(o.body.subarray(o.body.length - 1500000)));
  });

  it("answers presigned GETs, whole and ranged, with Content-Length and the same bytes", async () => {
    const o = objects[4]!;
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "large", Key: o.key }), { expiresIn: 300 });
    const whole = await rawGet(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers["content-length"], String(o.body.length));
    assert.equal(whole.headers["transfer-encoding"], undefined);
    assert.ok(whole.bytes.equals(o.body));
    const ranged = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "large", Key: o.key, Range: "bytes=1048570-2097160" }), { expiresIn: 300, signableHeaders: new Set(["range"]) });
    const part = await new Promise<{ status: number; bytes: Buffer }>((resolve, reject) => {
      http
        .get(ranged, { headers: { range: "bytes=1048570-2097160" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks) }));
        })
        .on("error", reject);
    });
    assert.equal(part.status, 206);
    assert.ok(part.bytes.equals(o.body.subarray(1048570, 2097161)));
  });

  it("serves a multipart object, copies a large part range, and copies a multipart object with the MD5 of its bytes", async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(2 * MiB + 3)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "large", Key: "multi" }));
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket: "large", Key: "multi", UploadId, PartNumber: i + 1, Body: body }))).ETag!);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: "large", Key: "multi", UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    const whole = Buffer.concat(parts);
    assert.ok((await getBytes("multi")).bytes.equals(whole));

    // A part copied from a range of the multipart object that spans its two parts.
    const from = 4 * MiB + 11;
    const to = 6 * MiB + 7;
    const copy = await s3.send(new CreateMultipartUploadCommand({ Bucket: "large", Key: "copied" }));
    const copied = await s3.send(
      new UploadPartCopyCommand({ Bucket: "large", Key: "copied", UploadId: copy.UploadId, PartNumber: 1, CopySource: "large/multi", CopySourceRange: `bytes=${from}-${to}` }),
    );
    assert.equal(copied.CopyPartResult?.ETag, `"${md5(whole.subarray(from, to + 1))}"`);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: "large", Key: "copied", UploadId: copy.UploadId, MultipartUpload: { Parts: [{ ETag: copied.CopyPartResult!.ETag, PartNumber: 1 }] } }));
    assert.ok((await getBytes("copied")).bytes.equals(whole.subarray(from, to + 1)));

    // CopyObject of a multipart object: one PUT's ETag, the MD5 of the bytes.
    const out = await s3.send(new CopyObjectCommand({ Bucket: "large", Key: "flat", CopySource: "large/multi" }));
    assert.equal(out.CopyObjectResult?.ETag, `"${md5(whole)}"`);
    assert.ok((await getBytes("flat")).bytes.equals(whole));
  });
});
