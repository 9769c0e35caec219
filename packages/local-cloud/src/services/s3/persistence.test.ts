/** S3 state survives a restart of the local cloud on the same directory. */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, PutBucketCorsCommand, GetBucketCorsCommand } from "@aws-sdk/client-s3";
import { startTestCloud } from "../../testing.js";

describe("S3 persistence", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-persist-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps buckets, objects and configurations across restarts", async () => {
    const first = await startTestCloud({ dir });
    const a = new S3Client(first.clientConfig);
    try {
      await a.send(new CreateBucketCommand({ Bucket: "durable" }));
      await a.send(new PutObjectCommand({ Bucket: "durable", Key: "k 1", Body: "kept", ContentType: "text/plain" }));
      await a.send(new PutBucketCorsCommand({ Bucket: "durable", CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }] } }));
    } finally {
      a.destroy();
      await first.stop();
    }
    // A leftover temp body (a write interrupted by a crash) is swept, not served.
    fs.writeFileSync(path.join(dir, "s3", "tmp", "half-written"), "partial");
    const second = await startTestCloud({ dir });
    const b = new S3Client(second.clientConfig);
    try {
      const got = await b.send(new GetObjectCommand({ Bucket: "durable", Key: "k 1" }));
      assert.equal(await got.Body!.transformToString(), "kept");
      assert.equal(got.ContentType, "text/plain");
      const cors = await b.send(new GetBucketCorsCommand({ Bucket: "durable" }));
      assert.deepEqual(cors.CORSRules![0]!.AllowedMethods, ["GET"]);
      assert.equal(fs.existsSync(path.join(dir, "s3", "tmp", "half-written")), false);
    } finally {
      b.destroy();
      await second.stop();
    }
  });
});
