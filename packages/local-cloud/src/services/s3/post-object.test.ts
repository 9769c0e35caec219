/** Browser form uploads (POST Object) with a signed policy, as createPresignedPost builds them. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { postPolicySignature } from "./wire/post-object.js";

function signedForm(opts: { bucket: string; key: string; conditions: unknown[]; expiresInMs?: number; secret?: string; extra?: Record<string, string> }) {
  const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  const day = date.slice(0, 8);
  const credential = `test/${day}/us-east-1/s3/aws4_request`;
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(Date.now() + (opts.expiresInMs ?? 60_000)).toISOString(),
      conditions: [{ bucket: opts.bucket }, ...opts.conditions, { "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-credential": credential }, { "x-amz-date": date }],
    }),
  ).toString("base64");
  const form = new FormData();
  form.set("key", opts.key);
  for (const [k, v] of Object.entries(opts.extra ?? {})) form.set(k, v);
  form.set("x-amz-algorithm", "AWS4-HMAC-SHA256");
  form.set("x-amz-credential", credential);
  form.set("x-amz-date", date);
  form.set("policy", policy);
  form.set("x-amz-signature", postPolicySignature(opts.secret ?? "test", day, "us-east-1", policy));
  return form;
}

describe("S3 POST Object", () => {
  let tc: TestCloud;
  let s3: S3Client;
  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "form-bucket" }));
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
  });

  it("stores the file under the policy's key with ${filename} substituted", async () => {
    const form = signedForm({
      bucket: "form-bucket",
      key: "uploads/${filename}",
      conditions: [["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1000], { "Content-Type": "text/csv" }],
      extra: { "Content-Type": "text/csv", success_action_status: "201" },
    });
    form.set("file", new Blob(["a,b\n1,2\n"]), "data file.csv");
    const res = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: form });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    assert.match(text, /<Key>uploads\/data file.csv<\/Key>/);
    const got = await s3.send(new GetObjectCommand({ Bucket: "form-bucket", Key: "uploads/data file.csv" }));
    assert.equal(await got.Body!.transformToString(), "a,b\n1,2\n");
    assert.equal(got.ContentType, "text/csv");
  });

  it("rejects forms that break the policy or its signature", async () => {
    const wrongPrefix = signedForm({ bucket: "form-bucket", key: "elsewhere/x", conditions: [["starts-with", "$key", "uploads/"]] });
    wrongPrefix.set("file", new Blob(["x"]), "x");
    const r1 = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: wrongPrefix });
    assert.equal(r1.status, 403);
    assert.match(await r1.text(), /Invalid according to Policy: Policy Condition failed/);

    const tooBig = signedForm({ bucket: "form-bucket", key: "uploads/big", conditions: [["content-length-range", 0, 3]] });
    tooBig.set("file", new Blob(["too long"]), "big");
    const r2 = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: tooBig });
    assert.equal(r2.status, 400);
    assert.match(await r2.text(), /<Code>EntityTooLarge<\/Code>/);

    const expired = signedForm({ bucket: "form-bucket", key: "uploads/late", conditions: [], expiresInMs: -1000 });
    expired.set("file", new Blob(["x"]), "late");
    const r3 = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: expired });
    assert.equal(r3.status, 403);
    assert.match(await r3.text(), /Policy expired/);

    const forged = signedForm({ bucket: "form-bucket", key: "uploads/forged", conditions: [], secret: "wrong" });
    forged.set("file", new Blob(["x"]), "forged");
    const r4 = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: forged });
    assert.equal(r4.status, 403);
    assert.match(await r4.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    const unsigned = new FormData();
    unsigned.set("key", "uploads/anon");
    unsigned.set("file", new Blob(["x"]), "anon");
    const r5 = await fetch(`${tc.cloud.endpoint}/form-bucket`, { method: "POST", body: unsigned });
    assert.equal(r5.status, 403);
    assert.match(await r5.text(), /<Code>AccessDenied<\/Code>/);
  });
});
