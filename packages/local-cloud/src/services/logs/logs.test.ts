import { test, after } from "node:test";
import assert from "node:assert/strict";
import { LogsService } from "./index.js";
import { testKernel } from "../../kernel/test-kernel.js";

const kernel = testKernel();
let clock = Date.UTC(2026, 0, 10);
const logs = new LogsService({ kernel }, { now: () => clock });
after(() => kernel.dispose());

const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });

test("log groups: create, duplicate, describe with prefix and paging, delete", async () => {
  await logs.call("CreateLogGroup", { logGroupName: "/aws/lambda/a", tags: { app: "x" } });
  await logs.call("CreateLogGroup", { logGroupName: "/aws/lambda/b" });
  await logs.call("CreateLogGroup", { logGroupName: "/other" });
  await rejects(logs.call("CreateLogGroup", { logGroupName: "/aws/lambda/a" }), "ResourceAlreadyExistsException", /already exists/);
  await rejects(logs.call("CreateLogGroup", { logGroupName: "bad name!" }), "InvalidParameterException", /validation error/);

  const all = await logs.call("DescribeLogGroups", { logGroupNamePrefix: "/aws/lambda/" });
  assert.deepEqual(all.logGroups.map((g: any) => g.logGroupName), ["/aws/lambda/a", "/aws/lambda/b"]);
  assert.equal(all.logGroups[0].arn, "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*");
  assert.equal(all.logGroups[0].creationTime, clock);
  const p1 = await logs.call("DescribeLogGroups", { limit: 2 });
  assert.equal(p1.logGroups.length, 2);
  const p2 = await logs.call("DescribeLogGroups", { limit: 2, nextToken: p1.nextToken });
  assert.equal(p2.logGroups.length, 1);
  assert.equal(p2.nextToken, undefined);

  assert.deepEqual((await logs.call("ListTagsLogGroup", { logGroupName: "/aws/lambda/a" })).tags, { app: "x" });
  await logs.call("TagResource", { resourceArn: "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a", tags: { t: "1" } });
  await logs.call("UntagLogGroup", { logGroupName: "/aws/lambda/a", tags: ["app"] });
  assert.deepEqual((await logs.call("ListTagsForResource", { resourceArn: "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a" })).tags, { t: "1" });
  // The ARN DescribeLogGroups reports ends ":*": not a resource ARN the tagging API takes.
  await rejects(logs.call("ListTagsForResource", { resourceArn: "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*" }), "InvalidParameterException", /at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern/);

  await logs.call("DeleteLogGroup", { logGroupName: "/other" });
  await rejects(logs.call("DeleteLogGroup", { logGroupName: "/other" }), "ResourceNotFoundException", /^The specified log group does not exist\.$/);
});

test("streams and events: put, get with tokens, filter", async () => {
  const g = "/aws/lambda/events";
  await logs.call("CreateLogGroup", { logGroupName: g });
  await rejects(logs.call("CreateLogStream", { logGroupName: "/nope", logStreamName: "s" }), "ResourceNotFoundException", /log group does not exist/);
  await logs.call("CreateLogStream", { logGroupName: g, logStreamName: "2026/01/10/[$LATEST]abc" });
  await logs.call("CreateLogStream", { logGroupName: g, logStreamName: "other" });
  await rejects(logs.call("CreateLogStream", { logGroupName: g, logStreamName: "other" }), "ResourceAlreadyExistsException");
  await rejects(logs.call("PutLogEvents", { logGroupName: g, logStreamName: "missing", logEvents: [{ timestamp: clock, message: "x" }] }), "ResourceNotFoundException", /log stream does not exist/);
  await rejects(
    logs.call("PutLogEvents", { logGroupName: g, logStreamName: "other", logEvents: [{ timestamp: clock, message: "b" }, { timestamp: clock - 1, message: "a" }] }),
    "InvalidParameterException", /chronological/,
  );

  const stream = "2026/01/10/[$LATEST]abc";
  const lines = Array.from({ length: 10 }, (_, k) => ({ timestamp: clock + k, message: k % 2 ? `ERROR request ${k}` : `INFO request ${k}` }));
  const put = await logs.call("PutLogEvents", { logGroupName: g, logStreamName: stream, logEvents: lines });
  assert.ok(put.nextSequenceToken);
  await logs.call("PutLogEvents", { logGroupName: g, logStreamName: "other", logEvents: [{ timestamp: clock + 5, message: "ERROR elsewhere" }] });

  // newest first page (startFromHead false): the last `limit` events, ascending
  const tail = await logs.call("GetLogEvents", { logGroupName: g, logStreamName: stream, limit: 3 });
  assert.deepEqual(tail.events.map((e: any) => e.message), ["ERROR request 7", "INFO request 8", "ERROR request 9"]);
  assert.equal(tail.events[0].ingestionTime, clock);
  const back = await logs.call("GetLogEvents", { logGroupName: g, logStreamName: stream, limit: 3, nextToken: tail.nextBackwardToken });
  assert.deepEqual(back.events.map((e: any) => e.message), ["INFO request 4", "ERROR request 5", "INFO request 6"]);

  // from the head, forward until the token repeats
  const seen: string[] = [];
  let token: string | undefined;
  let prev: string | undefined;
  for (let n = 0; n < 10; n++) {
    const page = await logs.call("GetLogEvents", { logGroupName: g, logStreamName: stream, startFromHead: true, limit: 4, ...(token ? { nextToken: token } : {}) });
    seen.push(...page.events.map((e: any) => e.message));
    prev = token;
    token = page.nextForwardToken;
    if (token === prev) break;
  }
  assert.equal(token, prev, "the forward token repeats at the end");
  assert.equal(seen.length, 10);
  assert.equal(seen[0], "INFO request 0");

  const windowed = await logs.call("GetLogEvents", { logGroupName: g, logStreamName: stream, startTime: clock + 2, endTime: clock + 4, startFromHead: true });
  assert.deepEqual(windowed.events.map((e: any) => e.message), ["INFO request 2", "ERROR request 3"]);

  const errors = await logs.call("FilterLogEvents", { logGroupName: g, filterPattern: "ERROR" });
  assert.equal(errors.events.length, 6);
  assert.ok(errors.events.some((e: any) => e.logStreamName === "other"));
  const only = await logs.call("FilterLogEvents", { logGroupName: g, filterPattern: '"request 3"', logStreamNames: [stream] });
  assert.deepEqual(only.events.map((e: any) => e.message), ["ERROR request 3"]);
  const paged = await logs.call("FilterLogEvents", { logGroupName: g, filterPattern: "ERROR", limit: 4 });
  assert.equal(paged.events.length, 4);
  assert.ok(paged.nextToken);
  const rest = await logs.call("FilterLogEvents", { logGroupName: g, filterPattern: "ERROR", limit: 4, nextToken: paged.nextToken });
  assert.equal(rest.events.length, 2);
  assert.equal(rest.nextToken, undefined);
  await rejects(logs.call("FilterLogEvents", { logGroupName: g, filterPattern: "{ $.a === }" }), "InvalidParameterException");

  const streams = await logs.call("DescribeLogStreams", { logGroupName: g, orderBy: "LastEventTime", descending: true });
  assert.deepEqual(streams.logStreams.map((s: any) => s.logStreamName), [stream, "other"]);
  assert.equal(streams.logStreams[0].lastEventTimestamp, clock + 9);
  assert.equal(streams.logStreams[0].firstEventTimestamp, clock);
  await rejects(logs.call("DescribeLogStreams", { logGroupName: g, orderBy: "LastEventTime", logStreamNamePrefix: "o" }), "InvalidParameterException");
});

test("retention: policy validated, old events rejected and expired", async () => {
  const g = "/retained";
  await logs.call("CreateLogGroup", { logGroupName: g });
  await logs.call("CreateLogStream", { logGroupName: g, logStreamName: "s" });
  await rejects(logs.call("PutRetentionPolicy", { logGroupName: g, retentionInDays: 2 }), "InvalidParameterException");
  await rejects(
    logs.call("PutLogEvents", { logGroupName: g, logStreamName: "s", logEvents: [{ timestamp: clock - 3 * 86_400_000, message: "old" }, { timestamp: clock, message: "new" }] }),
    "InvalidParameterException", /24 hours/,
  );
  await logs.call("PutLogEvents", { logGroupName: g, logStreamName: "s", logEvents: [{ timestamp: clock - 3 * 86_400_000, message: "old" }] });
  await logs.call("PutLogEvents", { logGroupName: g, logStreamName: "s", logEvents: [{ timestamp: clock, message: "new" }] });
  const tooOld = await logs.call("PutLogEvents", { logGroupName: g, logStreamName: "s", logEvents: [{ timestamp: clock - 20 * 86_400_000, message: "ancient" }, { timestamp: clock - 20 * 86_400_000 + 1, message: "ancient2" }] });
  // a batch spanning under 24h, entirely too old: every event rejected
  assert.equal(tooOld.rejectedLogEventsInfo.tooOldLogEventEndIndex, 1);

  await logs.call("PutRetentionPolicy", { logGroupName: g, retentionInDays: 1 });
  const groups = await logs.call("DescribeLogGroups", { logGroupNamePrefix: g });
  assert.equal(groups.logGroups[0].retentionInDays, 1);
  const left = await logs.call("GetLogEvents", { logGroupName: g, logStreamName: "s", startFromHead: true });
  assert.deepEqual(left.events.map((e: any) => e.message), ["new"]);
  const expired = await logs.call("PutLogEvents", { logGroupName: g, logStreamName: "s", logEvents: [{ timestamp: clock - 2 * 86_400_000, message: "x" }] });
  assert.equal(expired.rejectedLogEventsInfo.expiredLogEventEndIndex, 0);
  clock += 2 * 86_400_000;
  assert.ok(logs.sweep(clock) >= 1);
  await logs.call("DeleteRetentionPolicy", { logGroupName: g });
  assert.equal((await logs.call("DescribeLogGroups", { logGroupNamePrefix: g })).logGroups[0].retentionInDays, undefined);
});

test("non-admin calls are authorized as logs:<Op> on the group or stream ARN", async () => {
  kernel.authorized.length = 0;
  for (const action of ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]) kernel.allowed.add(action);
  const principal = { accessKeyId: "AKIA", arn: "arn:aws:sts::000000000000:assumed-role/r/s", admin: false, roleArn: "arn:aws:iam::000000000000:role/r" };
  await logs.call("CreateLogGroup", { logGroupName: "/iam" }, { principal });
  await logs.call("CreateLogStream", { logGroupName: "/iam", logStreamName: "s" }, { principal });
  await logs.call("PutLogEvents", { logGroupName: "/iam", logStreamName: "s", logEvents: [{ timestamp: clock, message: "m" }] }, { principal });
  assert.deepEqual(kernel.authorized, [
    { action: "logs:CreateLogGroup", resources: "arn:aws:logs:us-east-1:000000000000:log-group:/iam:*" },
    { action: "logs:CreateLogStream", resources: "arn:aws:logs:us-east-1:000000000000:log-group:/iam:log-stream:s" },
    { action: "logs:PutLogEvents", resources: "arn:aws:logs:us-east-1:000000000000:log-group:/iam:log-stream:s" },
  ]);
});

const wire = (target: string, body: string) => logs.handle({
  requestId: "rid", method: "POST", path: "/", query: new URLSearchParams(), headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" },
  body: Buffer.from(body), service: "logs", region: "us-east-1", principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
});

test("wire: awsJson1_1 answers and errors, bad input never throws", async () => {
  const ok = await wire("Logs_20140328.DescribeLogGroups", "{}");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers!["content-type"], "application/x-amz-json-1.1");
  assert.ok(Array.isArray(JSON.parse(String(ok.body)).logGroups));

  const missing = await wire("Logs_20140328.DeleteLogGroup", '{"logGroupName":"/does/not/exist"}');
  assert.equal(missing.status, 400);
  assert.deepEqual(JSON.parse(String(missing.body)), { __type: "ResourceNotFoundException", message: "The specified log group does not exist." });

  for (const [target, body] of [
    ["Logs_20140328.PutLogEvents", "{not json"],
    ["Logs_20140328.PutLogEvents", '{"logGroupName":"/aws/lambda/a","logStreamName":5,"logEvents":"x"}'],
    ["Logs_20140328.GetLogEvents", '{"logGroupName":"/aws/lambda/a","logStreamName":"s","limit":"ten"}'],
    ["Logs_20140328.GetLogEvents", '{"logGroupName":"/aws/lambda/events","logStreamName":"other","nextToken":"garbage"}'],
    ["Logs_20140328.FilterLogEvents", '{"logGroupName":"/aws/lambda/events","nextToken":"zzz"}'],
    ["Logs_20140328.DescribeLogGroups", '{"nextToken":"!!"}'],
    ["Logs_20140328.CreateLogGroup", '{"logGroupName":["x"]}'],
    ["Logs_20140328.TagResource", '{"resourceArn":"nope","tags":{}}'],
    ["Logs_20140328.NoSuchOp", "{}"],
    ["Other_2020.DescribeLogGroups", "{}"],
  ]) {
    const r = await wire(target, body);
    assert.equal(r.status, 400, `${target} ${body}`);
    assert.ok(JSON.parse(String(r.body)).__type, `${target} ${body} has an error type`);
  }
});
