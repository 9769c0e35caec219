/**
 * One request cannot stop the local cloud: each of these used to exhaust the heap, block
 * the event loop for minutes or overflow the stack (a 500). Each now gets the service's
 * validation error (or its ordinary answer) at once, and the cloud keeps answering.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CloudFormationClient, ValidateTemplateCommand } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient, TestEventPatternCommand, PutRuleCommand } from "@aws-sdk/client-eventbridge";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { DynamoDBClient, CreateTableCommand, ExecuteStatementCommand } from "@aws-sdk/client-dynamodb";
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { SSMClient, PutParameterCommand } from "@aws-sdk/client-ssm";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { S3Client, CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../testing.js";
import { sendSigned } from "../test-signing.js";

let tc: TestCloud;
const config = () => ({ ...tc.clientConfig, maxAttempts: 1 });

before(async () => {
  tc = await startTestCloud();
});
after(() => tc.stop());

/** The cloud still answers, promptly. */
async function stillServing(): Promise<void> {
  const res = await fetch(`${tc.cloud.endpoint}/_aws/health`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
}

/** Rejects with the service error named `name`, whose message matches `message`. */
async function refused(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, name, err.message);
    assert.ok(err.$metadata.httpStatusCode < 500);
    if (message) assert.match(err.message, message);
    return true;
  });
  await stillServing();
}

const timeout = { timeout: 60_000 };

test("CloudFormation: a 356-byte YAML alias bomb, and templates nested 50,000 deep, are ValidationErrors", timeout, async () => {
  const cfn = new CloudFormationClient(config());
  const rows = ["a: &a [" + Array(9).fill('"lol"').join(",") + "]"];
  for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"], ["h", "g"], ["i", "h"]]) rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  const bomb = rows.join("\n") + "\nResources: {}\n";
  assert.ok(bomb.length < 400);
  await refused(cfn.send(new ValidateTemplateCommand({ TemplateBody: bomb })), "ValidationError", /aliases expand to too many nodes/);
  await refused(cfn.send(new ValidateTemplateCommand({ TemplateBody: "x: &a [*a]\nResources: {}\n" })), "ValidationError");
  const deepJson = '{"Resources":{"A":{"Type":"AWS::SNS::Topic","Properties":' + '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000) + "}}}";
  // Over TemplateBody's 51,200 characters: refused for its length, as AWS does; within it, for its depth.
  await refused(cfn.send(new ValidateTemplateCommand({ TemplateBody: deepJson })), "ValidationError");
  const deepButShort = '{"Resources":{"A":{"Type":"AWS::SNS::Topic","Properties":' + '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000) + "}}}";
  await refused(cfn.send(new ValidateTemplateCommand({ TemplateBody: deepButShort })), "ValidationError", /nested more than 100 levels deep/);
  await refused(cfn.send(new ValidateTemplateCommand({ TemplateBody: "Resources:\n  A: " + "[".repeat(20_000) + "]".repeat(20_000) })), "ValidationError", /nested/);
});

test("EventBridge: a wildcard that would backtrack is matched at once; a pattern nested 50,000 deep is invalid", timeout, async () => {
  const eb = new EventBridgeClient(config());
  const event = JSON.stringify({ id: "1", account: "000000000000", source: "app", time: "2026-01-01T00:00:00Z", region: "us-east-1", "detail-type": "t", resources: [], detail: { name: "a".repeat(4000) } });
  const wildcard = JSON.stringify({ detail: { name: [{ wildcard: "*a".repeat(40) + "*b" }] } });
  const out = await eb.send(new TestEventPatternCommand({ EventPattern: wildcard, Event: event }));
  assert.equal(out.Result, false);
  await stillServing();
  const deep = '{"a":'.repeat(50_000) + '["x"]' + "}".repeat(50_000);
  // Its length already breaks the model's constraint, which EventBridge checks before reading the pattern.
  await refused(eb.send(new TestEventPatternCommand({ EventPattern: deep, Event: event })), "ValidationException", /less than or equal to 4096/);
  await refused(eb.send(new PutRuleCommand({ Name: "deep", EventPattern: '{"a":'.repeat(200) + '["x"]' + "}".repeat(200) })), "InvalidEventPatternException", /nested more than 100 levels/);
  const deepEvent = JSON.stringify({ id: "1", account: "000000000000", source: "app", time: "2026-01-01T00:00:00Z", region: "us-east-1", "detail-type": "t" }).slice(0, -1) + ',"detail":' + "[".repeat(50_000) + "]".repeat(50_000) + "}";
  await refused(eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["app"]}', Event: deepEvent })), "ValidationException");
});

test("SNS: a filter policy wildcard that would backtrack filters at once; one nested 50,000 deep is invalid", timeout, async () => {
  const sns = new SNSClient(config());
  const sqs = new SQSClient(config());
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "wild" }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "wild-sink" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: "true", FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ name: [{ wildcard: "*a".repeat(40) + "*b" }] }) } }));
  await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ name: "a".repeat(4000) }) }));
  await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ name: "a".repeat(100) + "b" }) }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
  assert.deepEqual(got.Messages?.map((m) => JSON.parse(m.Body!).name.length), [101]);
  await refused(
    sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes!.QueueArn, Attributes: { FilterPolicy: '{"a":'.repeat(50_000) + '["x"]' + "}".repeat(50_000) } })),
    "InvalidParameterException",
  );
});

test("IAM: a policy wildcard that would backtrack is evaluated at once", timeout, async () => {
  const iam = new IAMClient(config());
  await iam.send(new CreateRoleCommand({ RoleName: "wild", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: "wild", PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + "*a".repeat(40) + "*b" }] }) }));
  const s3admin = new S3Client(config());
  const bucket = "a".repeat(60);
  await s3admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const creds = tc.cloud.iam.issueSessionCredentials("arn:aws:iam::000000000000:role/wild", "fn");
  const s3 = new S3Client({ ...config(), credentials: creds });
  await refused(s3.send(new ListObjectsV2Command({ Bucket: bucket })), "AccessDenied");
});

test("DynamoDB PartiQL: over-long and over-nested statements are ValidationExceptions", timeout, async () => {
  const ddb = new DynamoDBClient(config());
  await ddb.send(new CreateTableCommand({ TableName: "deep", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }));
  await refused(ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "deep" WHERE ` + "(".repeat(50_000) + "a = 1" + ")".repeat(50_000) })), "ValidationException", /length less than or equal to 8192/);
  await refused(ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "deep" WHERE ` + "(".repeat(2000) + "a = 1" + ")".repeat(2000) })), "ValidationException", /nested more than 100 levels/);
  await refused(ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "deep" VALUE {'pk': 'x', 'v': ` + "[".repeat(40) + "]".repeat(40) + "}" })), "ValidationException", /Nesting Levels have exceeded supported limits/);
  const ok = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "deep" WHERE ` + "(".repeat(50) + "pk = 'x'" + ")".repeat(50) }));
  assert.deepEqual(ok.Items, []);
});

test("CloudWatch Logs: filter patterns nested too deep or too long are InvalidParameterExceptions; wildcards stay linear", timeout, async () => {
  const logs = new CloudWatchLogsClient(config());
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/deep" }));
  await refused(logs.send(new FilterLogEventsCommand({ logGroupName: "/deep", filterPattern: "{ " + "(".repeat(500) + "$.a = 1" + ")".repeat(500) + " }" })), "InvalidParameterException", /nested more than 50/);
  await refused(logs.send(new FilterLogEventsCommand({ logGroupName: "/deep", filterPattern: "{ " + "(".repeat(50_000) + "$.a = 1" + ")".repeat(50_000) + " }" })), "InvalidParameterException", /length less than or equal to 1024/);
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: "/deep", filterPattern: `{ $.a = "${"*a".repeat(40)}*b" }` }));
  assert.deepEqual(out.events, []);
});

test("SSM: an AllowedPattern that backtracks is cut off by its time budget", timeout, async () => {
  const ssm = new SSMClient(config());
  await refused(ssm.send(new PutParameterCommand({ Name: "/redos", Type: "String", Value: "a".repeat(40) + "!", AllowedPattern: "^(a+)+$" })), "ParameterPatternMismatchException");
  await ssm.send(new PutParameterCommand({ Name: "/fine", Type: "String", Value: "abc", AllowedPattern: "^[a-z]+$" }));
});

test("JSON and Query bodies nested 50,000 deep are the protocol's serialization / validation errors", timeout, async () => {
  const ssm = await sendSigned({
    endpoint: tc.cloud.endpoint,
    service: "ssm",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.GetParameter" },
    body: '{"Name":"/x","Extra":' + "[".repeat(50_000) + "]".repeat(50_000) + "}",
  });
  assert.equal(ssm.status, 400);
  assert.match(JSON.parse(ssm.body).__type, /SerializationException/);
  const sns = await sendSigned({
    endpoint: tc.cloud.endpoint,
    service: "sns",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.${"entry.1.".repeat(10_000)}key=x`,
  });
  assert.equal(sns.status, 400);
  assert.match(sns.body, /<Code>ValidationError<\/Code>/);
  await stillServing();
});
