/** State survives a restart of the cloud on the same directory; closing ends long polls. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestCloud } from "../../testing.js";

test("queues, messages, parameters and session keys are durable", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-durable-"));
  try {
    const first = await startTestCloud({ dir });
    const { QueueUrl } = await first.cloud.sqs.call("CreateQueue", { QueueName: "durable" });
    await first.cloud.sqs.call("SendMessage", { QueueUrl, MessageBody: "kept" });
    await first.cloud.ssm.call("PutParameter", { Name: "/d/secret", Value: "shh", Type: "SecureString" });
    await first.cloud.iam.call("CreateRole", {
      RoleName: "r",
      AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    const creds = first.cloud.iam.issueSessionCredentials("arn:aws:iam::000000000000:role/r", "s");
    await first.stop();

    const second = await startTestCloud({ dir });
    try {
      const got = await second.cloud.sqs.call("ReceiveMessage", { QueueUrl: `${second.cloud.endpoint}/000000000000/durable` });
      assert.equal(got.Messages?.[0]?.Body, "kept");
      const p = await second.cloud.ssm.call("GetParameter", { Name: "/d/secret", WithDecryption: true });
      assert.equal(p.Parameter.Value, "shh", "the SecureString key persists with the directory");
      const found = second.cloud.iam.lookupAccessKey(creds.accessKeyId);
      assert.equal(found?.secretAccessKey, creds.secretAccessKey);
      assert.equal(found?.principal.arn, "arn:aws:sts::000000000000:assumed-role/r/s");
      assert.equal(found?.principal.roleArn, "arn:aws:iam::000000000000:role/r");
      assert.equal(found?.principal.admin, false);
      assert.equal(second.cloud.iam.lookupAccessKey("ASIANOPE"), undefined);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("stopping the cloud ends a parked long poll", async () => {
  const tc = await startTestCloud();
  const { QueueUrl } = await tc.cloud.sqs.call("CreateQueue", { QueueName: "parked" });
  const started = Date.now();
  const pending = tc.cloud.sqs.call("ReceiveMessage", { QueueUrl, WaitTimeSeconds: 20 });
  await new Promise((r) => setTimeout(r, 100));
  await tc.stop();
  const res = await pending;
  assert.deepEqual(res, {});
  assert.ok(Date.now() - started < 5000);
});
