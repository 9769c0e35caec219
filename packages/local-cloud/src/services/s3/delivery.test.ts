/** Bucket notifications delivered into the local cloud's real SQS. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutObjectCommand, PutBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";

describe("S3 notifications into SQS", () => {
  let tc: TestCloud;
  let s3: S3Client;
  let sqs: SQSClient;
  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client(tc.clientConfig);
    sqs = new SQSClient(tc.clientConfig);
  });
  after(async () => {
    s3.destroy();
    sqs.destroy();
    await tc.stop();
  });

  it("sends a test event, then an ObjectCreated:Put record for a matching key", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bucket-events" }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const QueueArn = attrs.Attributes!.QueueArn!;
    await s3.send(new CreateBucketCommand({ Bucket: "evented" }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: "evented",
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: "toQueue", QueueArn, Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".csv" }] } } }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: "evented", Key: "skip.txt", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: "evented", Key: "reports/q1 2024.csv", Body: "a,b" }));
    await (tc.cloud.s3 as any).flushNotifications();
    const bodies: any[] = [];
    for (let i = 0; i < 5 && bodies.length < 2; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...(r.Messages ?? []).map((m) => JSON.parse(m.Body!)));
    }
    assert.equal(bodies.length, 2);
    const test = bodies.find((b) => b.Event === "s3:TestEvent");
    assert.ok(test, "test event delivered");
    const record = bodies.find((b) => b.Records)!.Records[0];
    assert.equal(record.eventName, "ObjectCreated:Put");
    assert.equal(record.s3.configurationId, "toQueue");
    assert.equal(record.s3.object.key, "reports/q1+2024.csv");
    assert.equal(record.s3.object.size, 3);
  });
});
