/**
 * Large uploads stream to disk: a 200 MiB body through the AWS SDK v3 and through a
 * presigned URL (raw HTTP) leaves the process's RSS far below the body's size and is
 * stored intact (ETag = MD5 of what was sent); chunked bodies of unknown length are
 * stored intact; a failed check answers S3's error and leaves no temp file.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const piece = Buffer.alloc(MiB, 0x5a);

/** 200 MiB generated a piece at a time (the sender holds 1 MiB). */
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

/** A raw PUT: the answer's status, headers and body text. */
function put(url: URL, body: Buffer | Readable, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PUT", headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on("error", reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Files left in S3's temp directory (staged uploads neither adopted nor removed). */
function stagedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith("staged-")) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/** RSS growth (bytes) while `run` runs. */
async function rssGrowth(run: () => Promise<void>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  await run();
  return process.memoryUsage().rss - before;
}

describe("S3 large uploads stream to disk", () => {
  let tc: TestCloud;
  let s3: S3Client;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-streamed-"));
  before(async () => {
    tc = await startTestCloud({ dir });
    s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "big" }));
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("PutObject of 200 MiB through the SDK keeps memory flat", async () => {
    let etag: string | undefined;
    const grown = await rssGrowth(async () => {
      etag = (await s3.send(new PutObjectCommand({ Bucket: "big", Key: "sdk.bin", Body: largeBody(), ContentLength: SIZE }))).ETag;
    });
    assert.equal(etag, `"${expectedMd5}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "big", Key: "sdk.bin" }));
    assert.equal(head.ContentLength, SIZE);
    assert.ok(grown < 80 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB for a 200 MiB upload`);
  });

  it("a presigned PUT of 200 MiB (raw HTTP) keeps memory flat", async () => {
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: "big", Key: "presigned.bin" }), { expiresIn: 300 }));
    let answer: Awaited<ReturnType<typeof put>> | undefined;
    const grown = await rssGrowth(async () => {
      answer = await put(url, largeBody(), { "content-length": String(SIZE) });
    });
    assert.equal(answer!.status, 200, answer!.text);
    assert.equal(answer!.headers.etag, `"${expectedMd5}"`);
    assert.ok(grown < 80 * MiB, `RSS grew by ${(grown / MiB).toFixed(0)} MiB for a 200 MiB upload`);
    assert.deepEqual(stagedFiles(dir), []);
  });

  it("stores chunked bodies of unknown length, large and small, intact", async () => {
    for (const size of [3 * MiB + 5, 5000]) {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i++) body[i] = (i * 31) & 0xff;
      const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: "big", Key: `chunked-${size}` }), { expiresIn: 300 }));
      const res = await put(url, body, { "transfer-encoding": "chunked" });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.etag, `"${createHash("md5").update(body).digest("hex")}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: "big", Key: `chunked-${size}` }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    }
    assert.deepEqual(stagedFiles(dir), []);
  });

  it("large GETs stream intact on a keep-alive socket a large PUT handed to node:http, ranges too, and survive a client that leaves", async () => {
    const size = 12 * MiB + 3;
    const body = Buffer.alloc(size);
    for (let i = 0; i + 4 <= size; i += 4096) body.writeUInt32BE(i, i);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (url: URL, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; data: Buffer; socket: unknown }>((resolve, reject) => {
        const req = http.request(url, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, data: Buffer.concat(chunks), socket: req.socket }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const putUrl = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: "big", Key: "kept-alive.bin" }), { expiresIn: 300 }));
      const getUrl = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: "big", Key: "kept-alive.bin" }), { expiresIn: 300 }));
      const stored = await new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = http.request(putUrl, { method: "PUT", agent, headers: { "content-length": String(size) } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, socket: req.socket }));
        });
        req.on("error", reject);
        req.end(body);
      });
      assert.equal(stored.status, 200);
      const whole = await get(getUrl);
      assert.equal(whole.socket, stored.socket, "the GET went over the PUT's socket");
      assert.equal(whole.status, 200);
      assert.ok(whole.data.equals(body), "the body came back intact");
      const range = await get(getUrl, { range: "bytes=5000000-9999999" });
      assert.equal(range.status, 206);
      assert.ok(range.data.equals(body.subarray(5000000, 10000000)));

      // A client that goes away mid-body: the server stays up and serves the next one.
      await new Promise<void>((resolve) => {
        const req = http.request(getUrl, (res) => res.once("data", () => (req.destroy(), resolve())));
        req.on("error", () => resolve());
        req.end();
      });
      const again = await get(getUrl);
      assert.ok(again.data.equals(body));
    } finally {
      agent.destroy();
    }
  });

  it("a failed check answers S3's error and removes the temp file", async () => {
    const body = Buffer.alloc(2 * MiB, 1);
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: "big", Key: "bad-md5" }), { expiresIn: 300 }));
    const badMd5 = await put(url, body, { "content-md5": createHash("md5").update("other").digest("base64") });
    assert.equal(badMd5.status, 400);
    assert.match(badMd5.text, /<Code>BadDigest<\/Code>/);

    // Signed for another body's hash: S3 compares the body with x-amz-content-sha256.
    const command = new PutObjectCommand({ Bucket: "big", Key: "bad-sha", Body: body });
    const otherHash = createHash("sha256").update("other").digest("hex");
    command.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.headers["x-amz-content-sha256"] = otherHash;
        return next(args);
      },
      { step: "build" },
    );
    const err = await s3.send(command).then(
      () => assert.fail("expected XAmzContentSHA256Mismatch"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof S3ServiceException);
    assert.equal(err.name, "XAmzContentSHA256Mismatch");
    assert.equal(err.$metadata.httpStatusCode, 400);

    for (const key of ["bad-md5", "bad-sha"]) {
      const missing = await s3.send(new HeadObjectCommand({ Bucket: "big", Key: key })).catch((e: S3ServiceException) => e);
      assert.equal((missing as S3ServiceException).$metadata.httpStatusCode, 404);
    }
    assert.deepEqual(stagedFiles(dir), []);
  });
});
