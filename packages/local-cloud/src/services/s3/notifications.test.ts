/** Bucket notifications through call(): matching, event shape, delivery to fake Lambda/SQS. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { S3Service } from "./index.js";
import { fakeCloud, type FakeCloud } from "./test-support.js";
import { encodeEventKey, eventMatches, matchingDestinations } from "./notifications.js";
import { AwsError } from "../../server/aws-error.js";

const FN = "arn:aws:lambda:us-east-1:000000000000:function:process";
const QUEUE = "arn:aws:sqs:us-east-1:000000000000:uploads-queue";

describe("S3 notifications", () => {
  let cloud: FakeCloud;
  let s3: S3Service;
  before(async () => {
    cloud = fakeCloud();
    s3 = new S3Service({ kernel: cloud });
    await s3.call("CreateBucket", { Bucket: "uploads" });
    await s3.call("PutBucketNotificationConfiguration", {
      Bucket: "uploads",
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Id: "processUpload",
            LambdaFunctionArn: FN,
            Events: ["s3:ObjectCreated:*"],
            Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "uploads/" }, { Name: "suffix", Value: ".jpg" }] } },
          },
        ],
        QueueConfigurations: [{ Id: "removed", QueueArn: QUEUE, Events: ["s3:ObjectRemoved:Delete"] }],
      },
    });
  });
  after(async () => {
    await s3.close();
    cloud.cleanup();
  });

  it("matches event names and encodes keys as S3 does", () => {
    assert.ok(eventMatches("s3:ObjectCreated:*", "ObjectCreated:Put"));
    assert.ok(eventMatches("s3:ObjectCreated:Copy", "ObjectCreated:Copy"));
    assert.ok(!eventMatches("s3:ObjectCreated:Put", "ObjectCreated:Copy"));
    assert.ok(!eventMatches("s3:ObjectRemoved:*", "ObjectCreated:Put"));
    assert.equal(encodeEventKey("uploads/my photo (1)+ü.jpg"), "uploads/my+photo+%281%29%2B%C3%BC.jpg");
    assert.deepEqual(matchingDestinations(undefined, "ObjectCreated:Put", "k"), []);
  });

  it("stores and returns the configuration", async () => {
    const cfg = await s3.call("GetBucketNotificationConfiguration", { Bucket: "uploads" });
    assert.equal(cfg.LambdaFunctionConfigurations[0].LambdaFunctionArn, FN);
    assert.equal(cfg.QueueConfigurations[0].QueueArn, QUEUE);
    await assert.rejects(
      s3.call("PutBucketNotificationConfiguration", {
        Bucket: "uploads",
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: FN, Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "middle", Value: "x" }] } } }] },
      }),
      (e: unknown) => e instanceof AwsError && e.code === "InvalidArgument",
    );
  });

  it("sends S3's test event to queue destinations when the configuration is set", async () => {
    await s3.flushNotifications();
    const sends = cloud.sqsCalls.filter((c) => c.operation === "SendMessage");
    assert.equal(sends.length, 1);
    const test = JSON.parse(sends[0]!.input.MessageBody);
    assert.equal(test.Event, "s3:TestEvent");
    assert.equal(test.Service, "Amazon S3");
    assert.equal(test.Bucket, "uploads");
    assert.equal(cloud.lambdaCalls.length, 0, "functions get no test event");
  });

  it("invokes the function asynchronously for matching created objects only", async () => {
    cloud.lambdaCalls.length = 0;
    await s3.call("PutObject", { Bucket: "uploads", Key: "uploads/my photo.jpg", Body: "jpeg!" });
    // Delivery is queued, not part of the PutObject call.
    assert.equal(cloud.lambdaCalls.length, 0);
    await s3.call("PutObject", { Bucket: "uploads", Key: "uploads/readme.txt", Body: "no" });
    await s3.call("PutObject", { Bucket: "uploads", Key: "other/x.jpg", Body: "no" });
    await s3.flushNotifications();
    assert.equal(cloud.lambdaCalls.length, 1);
    const { operation, input } = cloud.lambdaCalls[0]!;
    assert.equal(operation, "Invoke");
    assert.equal(input.FunctionName, FN);
    assert.equal(input.InvocationType, "Event");
    const record = JSON.parse(input.Payload).Records[0];
    assert.equal(record.eventVersion, "2.1");
    assert.equal(record.eventSource, "aws:s3");
    assert.equal(record.awsRegion, "us-east-1");
    assert.equal(record.eventName, "ObjectCreated:Put");
    assert.ok(!Number.isNaN(Date.parse(record.eventTime)));
    assert.equal(record.s3.s3SchemaVersion, "1.0");
    assert.equal(record.s3.configurationId, "processUpload");
    assert.equal(record.s3.bucket.name, "uploads");
    assert.equal(record.s3.bucket.arn, "arn:aws:s3:::uploads");
    assert.equal(record.s3.object.key, "uploads/my+photo.jpg");
    assert.equal(record.s3.object.size, 5);
    assert.match(record.s3.object.eTag, /^[0-9a-f]{32}$/);
    assert.match(record.s3.object.sequencer, /^[0-9A-F]+$/);
    assert.ok(record.requestParameters.sourceIPAddress);
    assert.ok(record.userIdentity.principalId);
  });

  it("reports copies and multipart completions with their event names", async () => {
    cloud.lambdaCalls.length = 0;
    await s3.call("CopyObject", { Bucket: "uploads", Key: "uploads/copy.jpg", CopySource: "uploads/uploads/my%20photo.jpg" });
    const { UploadId } = await s3.call("CreateMultipartUpload", { Bucket: "uploads", Key: "uploads/mp.jpg" });
    const p = await s3.call("UploadPart", { Bucket: "uploads", Key: "uploads/mp.jpg", UploadId, PartNumber: 1, Body: "x" });
    await s3.call("CompleteMultipartUpload", { Bucket: "uploads", Key: "uploads/mp.jpg", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } });
    await s3.flushNotifications();
    const names = cloud.lambdaCalls.map((c) => JSON.parse(c.input.Payload).Records[0].eventName);
    assert.deepEqual(names, ["ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload"]);
  });

  it("sends removals to the queue, resolving its URL from the ARN", async () => {
    cloud.sqsCalls.length = 0;
    await s3.call("DeleteObject", { Bucket: "uploads", Key: "uploads/copy.jpg" });
    await s3.flushNotifications();
    assert.deepEqual(cloud.sqsCalls.map((c) => c.operation), ["GetQueueUrl", "SendMessage"]);
    assert.equal(cloud.sqsCalls[0]!.input.QueueName, "uploads-queue");
    const record = JSON.parse(cloud.sqsCalls[1]!.input.MessageBody).Records[0];
    assert.equal(record.eventName, "ObjectRemoved:Delete");
    assert.equal(record.s3.object.key, "uploads/copy.jpg");
    assert.equal(record.s3.object.size, undefined);
  });

  it("keeps the write successful when delivery fails", async () => {
    const lambda = cloud.services.get("lambda")!;
    cloud.services.set("lambda", {
      async call() {
        throw new Error("function not found");
      },
    });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      await s3.call("PutObject", { Bucket: "uploads", Key: "uploads/fail.jpg", Body: "x" });
      await s3.flushNotifications();
    } finally {
      console.warn = warn;
      cloud.services.set("lambda", lambda);
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /function not found/);
  });
});
