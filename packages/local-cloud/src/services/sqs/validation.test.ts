/**
 * How SQS answers bad requests, in both of its protocols (awsJson and the legacy query
 * protocol, decoded from one model): a member of the wrong type, a missing member, and
 * the order — the request is refused before the queue is looked up.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseXml } from "../../server/xml.js";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { sendSigned, type RawResponse } from "../../test-signing.js";

let tc: TestCloud;
let sqs: SQSClient;
let queueUrl: string;

before(async () => {
  tc = await startTestCloud();
  sqs = new SQSClient({ ...tc.clientConfig, maxAttempts: 1 });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "rules" }))).QueueUrl!;
});
after(async () => {
  sqs.destroy();
  await tc.stop();
});

function json(operation: string, body: unknown): Promise<RawResponse> {
  return sendSigned({
    endpoint: tc.cloud.endpoint, service: "sqs", body: JSON.stringify(body),
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${operation}` },
  });
}

async function query(params: Record<string, string>): Promise<{ status: number; error: any }> {
  const res = await sendSigned({
    endpoint: tc.cloud.endpoint, service: "sqs", body: new URLSearchParams({ Version: "2012-11-05", ...params }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
  return { status: res.status, error: parseXml(res.body).ErrorResponse?.Error };
}

test("JSON: a member of the wrong type is a SerializationException, before anything else", async () => {
  const res = await json("SendMessage", { QueueUrl: `${tc.cloud.endpoint}/000000000000/missing`, MessageBody: "x", DelaySeconds: "soon" });
  assert.equal(res.status, 400);
  assert.deepEqual(JSON.parse(res.body), { __type: "com.amazonaws.sqs#SerializationException", message: "STRING_VALUE cannot be converted to Integer" });
  assert.equal(res.headers["x-amzn-query-error"], "SerializationException;Sender");
  const list = JSON.parse((await json("ReceiveMessage", { QueueUrl: queueUrl, MessageAttributeNames: "All" })).body);
  assert.deepEqual(list, { __type: "com.amazonaws.sqs#SerializationException", message: "Unexpected field type" });
});

test("query: a value that is not of its member's type is InvalidParameterValue", async () => {
  const res = await query({ Action: "SendMessage", QueueUrl: queueUrl, MessageBody: "x", DelaySeconds: "soon" });
  assert.equal(res.status, 400);
  assert.equal(res.error.Code, "InvalidParameterValue");
  assert.equal(res.error.Message, "1 validation error detected: Value 'soon' at 'delaySeconds' failed to satisfy constraint: Member must be an integer");
});

test("a missing member is SQS's MissingParameter, in both protocols", async () => {
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl } as any)), (err: any) => {
    assert.equal(err.name, "MissingParameter");
    assert.equal(err.message, "The request must contain the parameter MessageBody.");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
  const res = await query({ Action: "SendMessage", QueueUrl: queueUrl });
  assert.deepEqual({ status: res.status, code: res.error.Code, message: res.error.Message }, {
    status: 400, code: "MissingParameter", message: "The request must contain the parameter MessageBody.",
  });
});

test("the request is refused before the queue is looked up", async () => {
  const missing = `${tc.cloud.endpoint}/000000000000/missing`;
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: missing } as any)), { name: "MissingParameter" });
  assert.equal((await query({ Action: "SendMessage", QueueUrl: missing, MessageBody: "x", DelaySeconds: "x" })).error.Code, "InvalidParameterValue");
  // A valid request reaches the lookup.
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: "x" })), { name: "QueueDoesNotExist" });
  assert.equal((await query({ Action: "SendMessage", QueueUrl: missing, MessageBody: "x" })).error.Code, "AWS.SimpleQueueService.NonExistentQueue");
});

test("an unknown operation: UnknownOperationException over JSON, InvalidAction over query", async () => {
  const res = await json("Teleport", {});
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).__type, "com.amazonaws.sqs#UnknownOperationException");
  const q = await query({ Action: "Teleport" });
  assert.deepEqual({ code: q.error.Code, message: q.error.Message }, { code: "InvalidAction", message: "The action Teleport is not valid for this web service." });
});
