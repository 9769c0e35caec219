/**
 * The legacy awsQuery protocol of SQS, driven with hand-built signed form requests
 * (what older SDKs send), and the AWS CLI when it is installed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { awsCli, startTestCloud, type TestCloud } from "../../testing.js";
import { parseXml } from "../../server/xml.js";

class Sha256 {
  private readonly h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac("sha256", secret) : createHash("sha256");
  }
  update(data: string | Uint8Array) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
});
after(async () => {
  await tc?.stop();
});

async function query(params: Record<string, string>, path = "/"): Promise<{ status: number; body: any; text: string }> {
  const url = new URL(tc.cloud.endpoint);
  const body = new URLSearchParams({ Version: "2012-11-05", ...params }).toString();
  const signer = new SignatureV4({ service: "sqs", region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, sha256: Sha256 as any });
  const signed = await signer.sign({
    method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body,
  });
  const res = await fetch(`${tc.cloud.endpoint}${path}`, { method: "POST", headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  return { status: res.status, body: parseXml(text), text };
}

test("query protocol: create, send with attributes, receive, delete", async () => {
  const created = await query({ Action: "CreateQueue", QueueName: "legacy", "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40", "Tag.1.Key": "t", "Tag.1.Value": "v" });
  assert.equal(created.status, 200);
  const queueUrl = created.body.CreateQueueResponse.CreateQueueResult.QueueUrl;
  assert.equal(queueUrl, `${tc.cloud.endpoint}/000000000000/legacy`);
  assert.match(created.text, /xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"/);

  const attrs = await query({ Action: "GetQueueAttributes", QueueUrl: queueUrl, "AttributeName.1": "VisibilityTimeout" });
  assert.deepEqual(attrs.body.GetQueueAttributesResponse.GetQueueAttributesResult.Attribute, { Name: "VisibilityTimeout", Value: "40" });

  const sent = await query({
    Action: "SendMessage", QueueUrl: queueUrl, MessageBody: "from query",
    "MessageAttribute.1.Name": "color", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "red",
  });
  const sendResult = sent.body.SendMessageResponse.SendMessageResult;
  assert.equal(sendResult.MD5OfMessageBody, createHash("md5").update("from query").digest("hex"));
  assert.ok(sendResult.MD5OfMessageAttributes);

  // The queue URL path form: no QueueUrl parameter.
  const got = await query({ Action: "ReceiveMessage", "MessageAttributeName.1": "All", "AttributeName.1": "All" }, "/000000000000/legacy");
  const msg = got.body.ReceiveMessageResponse.ReceiveMessageResult.Message;
  assert.equal(msg.Body, "from query");
  assert.equal(msg.MessageAttribute.Value.StringValue, "red");
  assert.equal(msg.MD5OfMessageAttributes, sendResult.MD5OfMessageAttributes);
  assert.ok(Array.isArray(msg.Attribute) && msg.Attribute.some((a: any) => a.Name === "ApproximateReceiveCount" && a.Value === "1"));

  const del = await query({ Action: "DeleteMessage", QueueUrl: queueUrl, ReceiptHandle: msg.ReceiptHandle });
  assert.equal(del.status, 200);

  const batch = await query({
    Action: "SendMessageBatch", QueueUrl: queueUrl,
    "SendMessageBatchRequestEntry.1.Id": "a", "SendMessageBatchRequestEntry.1.MessageBody": "A",
    "SendMessageBatchRequestEntry.2.Id": "b", "SendMessageBatchRequestEntry.2.MessageBody": "B", "SendMessageBatchRequestEntry.2.DelaySeconds": "9999",
  });
  const br = batch.body.SendMessageBatchResponse.SendMessageBatchResult;
  assert.equal(br.SendMessageBatchResultEntry.Id, "a");
  assert.equal(br.BatchResultErrorEntry.Id, "b");
  assert.equal(br.BatchResultErrorEntry.Code, "InvalidParameterValue");
});

test("query protocol errors use the legacy codes", async () => {
  const res = await query({ Action: "GetQueueUrl", QueueName: "nope" });
  assert.equal(res.status, 400);
  const err = res.body.ErrorResponse.Error;
  assert.deepEqual({ Type: err.Type, Code: err.Code, Message: err.Message }, {
    Type: "Sender", Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "The specified queue does not exist.",
  });
  const bad = await query({ Action: "NoSuchAction" });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.ErrorResponse.Error.Code, "InvalidAction");
});

test("AWS CLI: sqs and ssm round trip", async (t) => {
  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("the AWS CLI is not installed; skipping the CLI round trip");
  const { QueueUrl } = await aws("sqs", "create-queue", "--queue-name", "cli-queue");
  assert.equal(QueueUrl, `${tc.cloud.endpoint}/000000000000/cli-queue`);
  await aws("sqs", "send-message", "--queue-url", QueueUrl, "--message-body", "from cli", "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}');
  const got = await aws("sqs", "receive-message", "--queue-url", QueueUrl, "--message-attribute-names", "All");
  assert.equal(got.Messages[0].Body, "from cli");
  assert.equal(got.Messages[0].MessageAttributes.k.StringValue, "v");

  await aws("ssm", "put-parameter", "--name", "/cli/secret", "--value", "s3cr3t", "--type", "SecureString");
  const p = await aws("ssm", "get-parameter", "--name", "/cli/secret", "--with-decryption");
  assert.equal(p.Parameter.Value, "s3cr3t");
  await assert.rejects(aws("ssm", "get-parameter", "--name", "/cli/missing"), (err: any) => /ParameterNotFound/.test(String(err.stderr)));
  await assert.rejects(aws("sqs", "get-queue-url", "--queue-name", "missing"), (err: any) => /NonExistentQueue|QueueDoesNotExist/.test(String(err.stderr)));
});
