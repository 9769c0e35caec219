import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { App, Stack, CfnResource, RemovalPolicy, Duration } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as ssm from "aws-cdk-lib/aws-ssm";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import * as logs from "aws-cdk-lib/aws-logs";
import { DynamoDBClient, PutItemCommand, GetItemCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

process.env.CDK_VALIDATION = "false";

let t: TestCloud;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cfn-assembly-"));
before(async () => { t = await startTestCloud(); });
after(async () => { await t.stop(); fs.rmSync(tmp, { recursive: true, force: true }); });

/** A small app like SST's: a table, a bucket with a queue notification, a queue, a function, a parameter. */
function synth(dir: string, opts: { memory?: number; unknownType?: boolean; extraQueue?: boolean } = {}) {
  const app = new App({ outdir: dir, context: { "aws:cdk:enable-path-metadata": true } });
  const stack = new Stack(app, "Data", { stackName: "dev-my-app-Data" });
  const table = new dynamodb.Table(stack, "Users", {
    tableName: "dev-my-app-Users",
    partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const queue = new sqs.Queue(stack, "Jobs", { visibilityTimeout: Duration.seconds(30) });
  const bucket = new s3.Bucket(stack, "Uploads", { removalPolicy: RemovalPolicy.DESTROY });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue));
  const fn = new lambda.Function(stack, "Handler", {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: "index.handler",
    code: lambda.Code.fromInline("exports.handler = async () => ({ ok: true });"),
    memorySize: opts.memory ?? 512,
    environment: { TABLE: table.tableName, QUEUE: queue.queueUrl },
  });
  table.grantReadWriteData(fn);
  new ssm.StringParameter(stack, "TableParam", { parameterName: "/sst/my-app/dev/Table/Users/tableName", stringValue: table.tableName });
  if (opts.extraQueue) new sqs.Queue(stack, "Extra");
  if (opts.unknownType) new CfnResource(stack, "MyThing", { type: "AWS::Foo::Bar", properties: { X: 1 } });
  // A second stack reading the table across stacks (Export / Fn::ImportValue), with CDK's
  // LogRetention custom resource, whose handler code is a zipped directory asset.
  const api = new Stack(app, "Api", { stackName: "dev-my-app-Api" });
  new lambda.Function(api, "Reader", {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: "index.handler",
    code: lambda.Code.fromInline("exports.handler = async () => process.env.TABLE;"),
    environment: { TABLE: table.tableName, TABLE_ARN: table.tableArn },
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  app.synth();
  return dir;
}

test("deployAssembly deploys a synthesized CDK app into the local services", async () => {
  const events: string[] = [];
  const res = await t.cloud.cloudformation.deployAssembly(synth(path.join(tmp, "v1")), { onEvent: (e) => events.push(`${e.logicalId} ${e.status}`) });
  assert.equal(res.stacks["dev-my-app-Data"].status, "CREATE_COMPLETE");
  assert.equal(res.stacks["dev-my-app-Api"].status, "CREATE_COMPLETE");
  assert.ok(events.indexOf("dev-my-app-Data CREATE_COMPLETE") < events.indexOf("dev-my-app-Api CREATE_COMPLETE"));
  const apiStack = t.cloud.cloudformation.store.find("dev-my-app-Api")!;
  const reader = Object.values(apiStack.resources).find((r) => r.logicalId.startsWith("Reader") && r.type === "AWS::Lambda::Function")!;
  const readerCfg = await t.cloud.lambda.call("GetFunctionConfiguration", { FunctionName: reader.physicalId });
  assert.equal(readerCfg.Environment.Variables.TABLE_ARN, "arn:aws:dynamodb:us-east-1:000000000000:table/dev-my-app-Users");
  assert.equal(apiStack.imports.length, 2);
  const groups = await t.cloud.logs.call("DescribeLogGroups", { logGroupNamePrefix: `/aws/lambda/${reader.physicalId}` });
  assert.equal(groups.logGroups?.[0]?.retentionInDays, 7);
  const ddb = new DynamoDBClient(t.clientConfig);
  const desc = await ddb.send(new DescribeTableCommand({ TableName: "dev-my-app-Users" }));
  assert.equal(desc.Table?.StreamSpecification?.StreamViewType, "NEW_AND_OLD_IMAGES");
  const param = await t.cloud.ssm.call("GetParameter", { Name: "/sst/my-app/dev/Table/Users/tableName" });
  assert.equal(param.Parameter.Value, "dev-my-app-Users");
  const stack = t.cloud.cloudformation.store.find("dev-my-app-Data")!;
  const fnName = Object.values(stack.resources).find((r) => r.type === "AWS::Lambda::Function" && r.logicalId.startsWith("Handler"))!.physicalId;
  const fn = await t.cloud.lambda.call("GetFunction", { FunctionName: fnName });
  assert.equal(fn.Configuration.MemorySize, 512);
  assert.equal(fn.Configuration.Environment.Variables.TABLE, "dev-my-app-Users");
  const bucket = Object.values(stack.resources).find((r) => r.type === "AWS::S3::Bucket")!.physicalId;
  const notif = await t.cloud.s3.call("GetBucketNotificationConfiguration", { Bucket: bucket });
  assert.equal(notif.QueueConfigurations?.length, 1);
  await ddb.send(new PutItemCommand({ TableName: "dev-my-app-Users", Item: { pk: { S: "u1" } } }));
});

test("a redeploy with one change touches only that resource and keeps table data", async () => {
  const before = t.cloud.cloudformation.store.find("dev-my-app-Data")!;
  const touched: string[] = [];
  const res = await t.cloud.cloudformation.deployAssembly(synth(path.join(tmp, "v2"), { memory: 1024 }), {
    onEvent: (e) => { if (e.status.endsWith("IN_PROGRESS") && e.type !== "AWS::CloudFormation::Stack") touched.push(e.logicalId); },
  });
  assert.equal(res.stacks["dev-my-app-Data"].status, "UPDATE_COMPLETE");
  const fnId = Object.values(before.resources).find((r) => r.type === "AWS::Lambda::Function" && r.logicalId.startsWith("Handler"))!.logicalId;
  assert.deepEqual(touched.filter((x) => !x.startsWith("dev-my-app")), [fnId]);
  const fn = await t.cloud.lambda.call("GetFunction", { FunctionName: before.resources[fnId].physicalId });
  assert.equal(fn.Configuration.MemorySize, 1024);
  const ddb = new DynamoDBClient(t.clientConfig);
  const item = await ddb.send(new GetItemCommand({ TableName: "dev-my-app-Users", Key: { pk: { S: "u1" } } }));
  assert.equal(item.Item?.pk.S, "u1");
  // Unchanged assembly: nothing is touched at all.
  touched.length = 0;
  await t.cloud.cloudformation.deployAssembly(synth(path.join(tmp, "v2b"), { memory: 1024 }), { onEvent: (e) => touched.push(e.logicalId) });
  assert.deepEqual(touched, []);
});

test("an unknown resource type fails before anything is provisioned", async () => {
  await assert.rejects(
    t.cloud.cloudformation.deployAssembly(synth(path.join(tmp, "v3"), { unknownType: true, extraQueue: true })),
    /dev-my-app-Data.*Unsupported resource type AWS::Foo::Bar for MyThing \(Data\/MyThing\)/,
  );
  const stack = t.cloud.cloudformation.store.find("dev-my-app-Data")!;
  assert.equal(stack.status, "UPDATE_COMPLETE");
  assert.ok(!Object.keys(stack.resources).some((id) => id.startsWith("Extra")));
  const queues = await t.cloud.sqs.call("ListQueues", {});
  assert.ok(!(queues.QueueUrls ?? []).some((u: string) => u.includes("Extra")));
});

test("a failing resource rolls a first deploy back, leaving nothing deployed", async () => {
  const app = new App({ outdir: path.join(tmp, "v4"), context: { "aws:cdk:enable-path-metadata": true } });
  const stack = new Stack(app, "Broken", { stackName: "dev-my-app-Broken" });
  new sqs.Queue(stack, "Fine");
  // Two tables with the same name: the second CreateTable fails.
  new dynamodb.Table(stack, "A", { tableName: "dup-table", partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING } });
  new dynamodb.Table(stack, "B", { tableName: "dup-table", partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING } });
  app.synth();
  await assert.rejects(t.cloud.cloudformation.deployAssembly(path.join(tmp, "v4")), /Stack dev-my-app-Broken failed \(ROLLBACK_COMPLETE\): [AB]\w* \(Broken\/[AB]\/Resource\)/);
  const s = t.cloud.cloudformation.store.find("dev-my-app-Broken")!;
  assert.equal(s.status, "ROLLBACK_COMPLETE");
  assert.deepEqual(s.resources, {});
  const queues = await t.cloud.sqs.call("ListQueues", {});
  assert.ok(!(queues.QueueUrls ?? []).some((u: string) => u.includes("Broken")));
  await assert.rejects(t.cloud.dynamodb.call("DescribeTable", { TableName: "dup-table" }), /not found|ResourceNotFound/i);
});

test("removeStacks deletes a deployed stack's resources", async () => {
  await assert.rejects(t.cloud.cloudformation.removeStacks(["dev-my-app-Data"]), /in use by dev-my-app-Api/);
  await t.cloud.cloudformation.removeStacks(["dev-my-app-Data", "dev-my-app-Api"]);
  assert.equal(t.cloud.cloudformation.store.find("dev-my-app-Api"), undefined);
  assert.equal(t.cloud.cloudformation.store.find("dev-my-app-Data"), undefined);
  await assert.rejects(t.cloud.dynamodb.call("DescribeTable", { TableName: "dev-my-app-Users" }));
});
