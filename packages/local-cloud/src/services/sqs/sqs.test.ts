import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, GetQueueAttributesCommand, SetQueueAttributesCommand,
  DeleteQueueCommand, PurgeQueueCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand, SendMessageCommand,
  SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityCommand,
  ChangeMessageVisibilityBatchCommand, StartMessageMoveTaskCommand, ListMessageMoveTasksCommand,
} from "@aws-sdk/client-sqs";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createHash } from "node:crypto";
import { md5OfAttributes } from "./md5.js";

let tc: TestCloud;
let sqs: SQSClient;
before(async () => {
  tc = await startTestCloud();
  sqs = new SQSClient(tc.clientConfig);
});
after(async () => {
  sqs?.destroy();
  await tc?.stop();
});

async function create(name: string, Attributes?: Record<string, string>) {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
}

test("MD5 of message attributes matches the documented algorithm", () => {
  // Independent recomputation of SQS's encoding for one string attribute.
  const name = Buffer.from("a");
  const type = Buffer.from("String");
  const value = Buffer.from("b");
  const len = (b: Buffer) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return l; };
  const expected = createHash("md5").update(Buffer.concat([len(name), name, len(type), type, Buffer.from([1]), len(value), value])).digest("hex");
  assert.equal(md5OfAttributes({ a: { DataType: "String", StringValue: "b" } }), expected);
});

test("queue lifecycle, attributes, idempotent create, tags", async () => {
  const url = await create("jobs", { VisibilityTimeout: "45" });
  assert.equal(url, `${tc.cloud.endpoint}/000000000000/jobs`);
  assert.equal(await create("jobs", { VisibilityTimeout: "45" }), url, "same attributes: same queue");
  await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "jobs", Attributes: { VisibilityTimeout: "60" } })), (err: any) => {
    assert.equal(err.name, "QueueNameExists");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: "jobs" }))).QueueUrl, url);
  const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes!;
  assert.equal(attrs.QueueArn, "arn:aws:sqs:us-east-1:000000000000:jobs");
  assert.equal(attrs.VisibilityTimeout, "45");
  assert.equal(attrs.MessageRetentionPeriod, "345600");
  assert.equal(attrs.ApproximateNumberOfMessages, "0");
  assert.equal(attrs.SqsManagedSseEnabled, "true");
  assert.match(attrs.CreatedTimestamp!, /^\d{10}$/);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "0", ReceiveMessageWaitTimeSeconds: "1" } }));
  const some = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ReceiveMessageWaitTimeSeconds"] }));
  assert.deepEqual(some.Attributes, { ReceiveMessageWaitTimeSeconds: "1" });
  await assert.rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "99999" } })), { name: "InvalidAttributeValue", message: "Invalid value for the parameter VisibilityTimeout." });
  await assert.rejects(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Bogus" as any] })), { name: "InvalidAttributeName", message: "Unknown Attribute Bogus." });

  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: "a", env: "dev" } }));
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["env"] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: "a" });

  await create("jobs-2");
  await create("other");
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "jobs" }));
  assert.deepEqual(listed.QueueUrls, [url, `${tc.cloud.endpoint}/000000000000/jobs-2`]);
  const page1 = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
  assert.equal(page1.QueueUrls?.length, 2);
  assert.ok(page1.NextToken);
  const page2 = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: page1.NextToken }));
  assert.ok((page2.QueueUrls ?? []).every((u) => !page1.QueueUrls!.includes(u)));

  await sqs.send(new DeleteQueueCommand({ QueueUrl: `${tc.cloud.endpoint}/000000000000/other` }));
  await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "other" })), (err: any) => {
    assert.equal(err.name, "QueueDoesNotExist");
    assert.equal(err.message, "The specified queue does not exist.");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.Code, "AWS.SimpleQueueService.NonExistentQueue");
    return true;
  });
  await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "bad name" })), (err: any) => err.$metadata.httpStatusCode === 400 && err.Code === "InvalidParameterValue");
});

test("send, receive with attributes (SDK checks MD5s), delete", async () => {
  const url = await create("msgs");
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: "hello ✓",
    MessageAttributes: { kind: { DataType: "String", StringValue: "greeting" }, n: { DataType: "Number", StringValue: "42" }, blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) } },
  }));
  assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
  assert.equal(sent.MD5OfMessageBody, createHash("md5").update("hello ✓").digest("hex"));
  assert.ok(sent.MD5OfMessageAttributes);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "1");

  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"], VisibilityTimeout: 30 }));
  assert.equal(got.Messages?.length, 1);
  const m = got.Messages![0]!;
  assert.equal(m.Body, "hello ✓");
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MessageAttributes?.kind?.StringValue, "greeting");
  assert.deepEqual([...(m.MessageAttributes?.blob?.BinaryValue ?? [])], [1, 2, 3]);
  assert.equal(m.Attributes?.ApproximateReceiveCount, "1");
  assert.equal(m.Attributes?.SenderId, "000000000000");
  assert.ok(Number(m.Attributes?.SentTimestamp) > Date.now() - 60_000);
  const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  assert.deepEqual(counts.Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "1" });

  // Only a subset of attributes requested: the digest covers that subset (the SDK verifies it).
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["kind"] }));
  assert.deepEqual(Object.keys(again.Messages![0]!.MessageAttributes ?? {}), ["kind"]);
  assert.equal(again.Messages![0]!.Attributes, undefined);

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages![0]!.ReceiptHandle }));
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  assert.equal(empty.Messages, undefined);
  await assert.rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })), (err: any) => {
    assert.equal(err.name, "ReceiptHandleIsInvalid");
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, 'The input receipt handle "garbage" is not a valid receipt handle.');
    return true;
  });
  await assert.rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })), (err: any) => {
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.Code, "InvalidParameterValue");
    assert.equal(err.message, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
    return true;
  });
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageAttributes: { "AWS.x": { DataType: "String", StringValue: "v" } } })), (err: any) => err.Code === "InvalidParameterValue");
});

test("visibility timeout hides a message until it expires", async () => {
  const url = await create("vis");
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
  const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }));
  assert.equal(first.Messages?.length, 1);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  const start = Date.now();
  const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 3, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
  assert.equal(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
  assert.ok(Date.now() - start < 2900, "the long poll wakes when the message turns visible, before its deadline");
  // The first receipt is stale now: deleting with it does nothing.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
  await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle, VisibilityTimeout: 5 })), { name: "ReceiptHandleIsInvalid" });
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages![0]!.ReceiptHandle }));
});

test("long polling wakes as soon as a message is sent, and emits sqs:message", async () => {
  const url = await create("poll");
  const events: unknown[] = [];
  const listener = (e: unknown) => events.push(e);
  tc.cloud.events.on("sqs:message", listener);
  const start = Date.now();
  const pending = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
  setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake" })), 200);
  const res = await pending;
  tc.cloud.events.off("sqs:message", listener);
  assert.equal(res.Messages?.[0]?.Body, "wake");
  assert.ok(Date.now() - start < 3000);
  assert.deepEqual(events[0], { queueArn: "arn:aws:sqs:us-east-1:000000000000:poll", queueUrl: url });
});

test("delayed messages and counts", async () => {
  const url = await create("delay");
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 1 }));
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessages"] }));
  assert.deepEqual(a.Attributes, { ApproximateNumberOfMessagesDelayed: "1", ApproximateNumberOfMessages: "0" });
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 3 }));
  assert.equal(later.Messages?.[0]?.Body, "later");
});

test("dead-letter queue after maxReceiveCount", async () => {
  await assert.rejects(
    create("orphan", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:nowhere", maxReceiveCount: 2 }) }),
    (err: any) => err.Code === "InvalidParameterValue" && /Dead letter target does not exist\.$/.test(err.message),
  );
  const dlq = await create("dead");
  const url = await create("work", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dead", maxReceiveCount: 2 }) });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));
  for (let i = 0; i < 2; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    assert.equal(r.Messages?.[0]?.Body, "poison");
  }
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined, "moved instead of a third delivery");
  const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["DeadLetterQueueSourceArn"] }));
  assert.equal(dead.Messages?.[0]?.Body, "poison");
  assert.equal(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn, "arn:aws:sqs:us-east-1:000000000000:work");

  // Redrive back to the source queue.
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: dlq, ReceiptHandle: dead.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));
  const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:dead" }));
  assert.ok(task.TaskHandle);
  const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:dead" }));
  assert.equal(tasks.Results?.[0]?.Status, "COMPLETED");
  assert.equal(tasks.Results?.[0]?.ApproximateNumberOfMessagesMoved, 1);
  const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
  assert.equal(back.Messages?.[0]?.Body, "poison");
  assert.equal(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "1");
  await assert.rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:work" })), (err: any) => err.Code === "InvalidParameterValue");
});

test("FIFO: group ordering, deduplication, sequence numbers", async () => {
  await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "orders.fifo" })), (err: any) => err.Code === "InvalidParameterValue");
  const url = await create("orders.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  const s1 = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a1", MessageGroupId: "a" }));
  const dup = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a1", MessageGroupId: "a" }));
  assert.equal(dup.MessageId, s1.MessageId, "content-based dedup answers with the original");
  assert.equal(dup.SequenceNumber, s1.SequenceNumber);
  assert.match(s1.SequenceNumber!, /^\d{20}$/);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a2", MessageGroupId: "a" }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "b1", MessageGroupId: "b", MessageDeduplicationId: "x" }));
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "no group" })), (err: any) => {
    assert.equal(err.Code, "MissingParameter");
    assert.equal(err.message, "The request must contain the parameter MessageGroupId.");
    return true;
  });
  const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ["MessageGroupId", "SequenceNumber"] }));
  assert.equal(first.Messages?.[0]?.Body, "a1");
  assert.equal(first.Messages?.[0]?.Attributes?.MessageGroupId, "a");
  // Group "a" is locked while a1 is in flight; only "b" is available.
  const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.deepEqual(second.Messages?.map((m) => m.Body), ["b1"]);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
  const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.deepEqual(third.Messages?.map((m) => m.Body), ["a2"]);
});

test("batches: per-entry failures and batch-level errors", async () => {
  const url = await create("batch");
  const res = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: "one", MessageBody: "1", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
      { Id: "two", MessageBody: "2" },
      { Id: "bad", MessageBody: "3", DelaySeconds: 5000 },
    ],
  }));
  assert.deepEqual(res.Successful?.map((s) => s.Id), ["one", "two"]);
  assert.equal(res.Failed?.[0]?.Id, "bad");
  assert.equal(res.Failed?.[0]?.SenderFault, true);
  assert.equal(res.Failed?.[0]?.Code, "InvalidParameterValue");
  await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "x" }, { Id: "a", MessageBody: "y" }] })), { name: "BatchEntryIdsNotDistinct", message: "Id a repeated." });
  await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), { name: "EmptyBatchRequest" });
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "x" }));
  await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })), { name: "TooManyEntriesInBatchRequest" });

  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }));
  assert.equal(got.Messages?.length, 2);
  const vis = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: "a", ReceiptHandle: got.Messages![0]!.ReceiptHandle, VisibilityTimeout: 60 }, { Id: "b", ReceiptHandle: "nope", VisibilityTimeout: 60 }],
  }));
  assert.deepEqual(vis.Successful?.map((s) => s.Id), ["a"]);
  assert.equal(vis.Failed?.[0]?.Code, "ReceiptHandleIsInvalid");
  const del = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
  assert.equal(del.Successful?.length, 2);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "p" }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  await assert.rejects(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), (err: any) => err.name === "PurgeQueueInProgress" && err.$metadata.httpStatusCode === 403);
});

test("IAM: a role session needs sqs:SendMessage on the queue", async () => {
  const url = await create("guarded");
  const iam = new IAMClient(tc.clientConfig);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = await iam.send(new CreateRoleCommand({ RoleName: "sender", AssumeRolePolicyDocument: trust }));
  const creds = tc.cloud.iam.issueSessionCredentials(role.Role!.Arn!, "s1");
  const asRole = new SQSClient({ ...tc.clientConfig, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } });
  try {
    await assert.rejects(asRole.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), (err: any) => {
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.equal(err.Code, "AccessDenied");
      assert.equal(err.message, "User: arn:aws:sts::000000000000:assumed-role/sender/s1 is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:guarded because no identity-based policy allows the sqs:sendmessage action");
      return true;
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: "sender", PolicyName: "send", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage", "sqs:ReceiveMessage"], Resource: "arn:aws:sqs:us-east-1:000000000000:guarded" }] }) }));
    await asRole.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    const got = await asRole.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["SenderId"] }));
    assert.equal(got.Messages?.[0]?.Attributes?.SenderId, `${role.Role!.RoleId}:s1`);
  } finally {
    asRole.destroy();
    iam.destroy();
  }
});

test("call() in-process, as the Lambda service uses it", async () => {
  const { QueueUrl } = await tc.cloud.sqs.call("CreateQueue", { QueueName: "inproc" });
  await tc.cloud.sqs.call("SendMessage", { QueueUrl, MessageBody: "hi", MessageAttributes: { b: { DataType: "Binary", BinaryValue: Buffer.from("xyz") } } });
  const res = await tc.cloud.sqs.call("ReceiveMessage", { QueueUrl, MessageAttributeNames: ["All"] });
  assert.equal(res.Messages[0].Body, "hi");
  assert.equal(Buffer.from(res.Messages[0].MessageAttributes.b.BinaryValue).toString(), "xyz");
  await assert.rejects(tc.cloud.sqs.call("GetQueueUrl", { QueueName: "missing" }), { code: "QueueDoesNotExist" });
});
