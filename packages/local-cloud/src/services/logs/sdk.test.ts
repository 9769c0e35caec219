/** CloudWatch Logs through the real AWS SDK v3 client and the kernel's HTTP server. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand,
  PutLogEventsCommand, GetLogEventsCommand, FilterLogEventsCommand, PutRetentionPolicyCommand, DeleteLogGroupCommand,
  ResourceAlreadyExistsException, ResourceNotFoundException, InvalidParameterException, ListTagsForResourceCommand, TagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let logs: CloudWatchLogsClient;

before(async () => {
  tc = await startTestCloud();
  logs = new CloudWatchLogsClient(tc.clientConfig);
});

after(async () => {
  logs?.destroy();
  await tc.stop();
});

test("CloudWatch Logs through the SDK", async () => {
  const logGroupName = "/aws/lambda/dev-my-app-list";
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName })), ResourceAlreadyExistsException);
  await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 7 }));
  await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 8 })), InvalidParameterException);
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/" }));
  assert.equal(groups.logGroups![0].logGroupName, logGroupName);
  assert.equal(groups.logGroups![0].retentionInDays, 7);

  const logStreamName = "2026/01/01/[$LATEST]0123456789abcdef";
  await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const now = Date.now();
  await logs.send(new PutLogEventsCommand({
    logGroupName, logStreamName,
    logEvents: [{ timestamp: now - 2, message: "START RequestId: 1" }, { timestamp: now - 1, message: "ERROR boom" }, { timestamp: now, message: "END RequestId: 1" }],
  }));
  const got = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }));
  assert.deepEqual(got.events!.map((e) => e.message), ["START RequestId: 1", "ERROR boom", "END RequestId: 1"]);
  assert.match(got.nextForwardToken!, /^f\//);
  assert.match(got.nextBackwardToken!, /^b\//);
  const again = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: got.nextForwardToken }));
  assert.equal(again.events!.length, 0);
  assert.equal(again.nextForwardToken, got.nextForwardToken);

  const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: "ERROR" }));
  assert.deepEqual(filtered.events!.map((e) => [e.logStreamName, e.message]), [[logStreamName, "ERROR boom"]]);
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
  assert.equal(streams.logStreams![0].lastEventTimestamp, now);

  const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${logGroupName}`;
  await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { app: "my-app" } }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { app: "my-app" });

  await logs.send(new DeleteLogGroupCommand({ logGroupName }));
  await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName, logStreamName })), (e: any) => {
    assert.ok(e instanceof ResourceNotFoundException);
    assert.equal(e.message, "The specified log group does not exist.");
    return true;
  });
});
