/**
 * Every `permissions` and `bind` form SST v2 takes, and the statements each grants.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import * as rds from "aws-cdk-lib/aws-rds";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as kms from "aws-cdk-lib/aws-kms";
import { Template } from "aws-cdk-lib/assertions";
import { App, Stack, Function, Api, Table, Topic, Queue, Bucket, KinesisStream, Config } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
process.env.JSII_DEPRECATED = "quiet";

const root = writeApp({ "src/lambda.ts": "export const handler = async () => 'ok';\n" });
after(() => removeApp(root));

function setup() {
  const app = new App({ name: "app", stage: "test", region: "us-east-1", account: "000000000000", mode: "dev", root, outdir: `${root}/.sst/d${Math.random()}` });
  const stack = new Stack(app, "stack");
  return { app, stack };
}

/** The statements of the function's default policy, resolved, without the X-Ray ones tracing adds. */
function statements(stack: cdk.Stack, fn: Function): any[] {
  const t = Template.fromStack(stack);
  const roleId = stack.getLogicalId(fn.role!.node.defaultChild as cdk.CfnElement);
  const policies = Object.values<any>(t.findResources("AWS::IAM::Policy")).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => !JSON.stringify(s.Action).includes("xray:PutTrace"));
}

describe("permissions", () => {
  it('"*", service names and actions', () => {
    const { stack } = setup();
    const all = new Function(stack, "All", { handler: "src/lambda.handler", permissions: "*" });
    const some = new Function(stack, "Some", { handler: "src/lambda.handler", permissions: ["s3", "sqs:SendMessage"] });
    assert.deepEqual(statements(stack, all), [{ Action: "*", Effect: "Allow", Resource: "*" }]);
    assert.deepEqual(statements(stack, some), [
      { Action: "s3:*", Effect: "Allow", Resource: "*" },
      { Action: "sqs:SendMessage", Effect: "Allow", Resource: "*" },
    ]);
  });

  it("a PolicyStatement, also one made by another copy of aws-cdk-lib (recognised by its jsii type)", () => {
    const { stack } = setup();
    const other = Object.assign(Object.create({ constructor: { [Symbol.for("jsii.rtti")]: { fqn: "aws-cdk-lib.aws_iam.PolicyStatement" } } }), {});
    const statement = new iam.PolicyStatement({ actions: ["ses:SendEmail"], resources: ["*"] });
    Object.setPrototypeOf(other, Object.getPrototypeOf(statement));
    const fn = new Function(stack, "Fn", { handler: "src/lambda.handler", permissions: [statement] });
    assert.deepEqual(statements(stack, fn), [{ Action: "ses:SendEmail", Effect: "Allow", Resource: "*" }]);
  });

  it("SST constructs: an Api grants execute-api:Invoke on the API; tables, buckets, queues, topics, streams, functions their service", () => {
    const { stack } = setup();
    const api = new Api(stack, "Api", { routes: { "GET /": "src/lambda.handler" } });
    const table = new Table(stack, "T", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    const bucket = new Bucket(stack, "B");
    const queue = new Queue(stack, "Q");
    const topic = new Topic(stack, "Tp");
    const stream = new KinesisStream(stack, "S");
    const target = new Function(stack, "Target", { handler: "src/lambda.handler" });
    const fn = new Function(stack, "Fn", { handler: "src/lambda.handler", permissions: [api, table, bucket, queue, topic, stream, target] });
    const s = statements(stack, fn);
    assert.deepEqual(s.map((x) => x.Action), ["execute-api:Invoke", "dynamodb:*", "s3:*", "sqs:*", "sns:*", "kinesis:*", "lambda:*"]);
    assert.match(JSON.stringify(s[0].Resource), /:execute-api:us-east-1:000000000000:.*"\/\*"/);
    assert.equal(s[1].Resource.length, 2, "the table and its indexes and streams");
    assert.throws(() => new Function(stack, "Bad", { handler: "src/lambda.handler", permissions: [new Config.Secret(stack, "S1")] }), /Secret "S1" cannot be passed in "permissions". Bind it instead/);
  });

  it("CDK constructs recognised by shape, created or imported: tables, buckets, Kinesis and Firehose streams, RDS clusters with their secret and key", () => {
    const { stack } = setup();
    const key = kms.Key.fromKeyArn(stack, "Key", "arn:aws:kms:us-east-1:000000000000:key/abc");
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, "Secret", { secretCompleteArn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf", encryptionKey: key });
    const fn = new Function(stack, "Fn", {
      handler: "src/lambda.handler",
      permissions: [
        dynamodb.Table.fromTableName(stack, "ImpTable", "legacy"),
        s3.Bucket.fromBucketName(stack, "ImpBucket", "legacy-bucket"),
        kinesis.Stream.fromStreamArn(stack, "ImpStream", "arn:aws:kinesis:us-east-1:000000000000:stream/legacy"),
        firehose.DeliveryStream.fromDeliveryStreamName(stack, "ImpFirehose", "legacy-firehose"),
        rds.ServerlessCluster.fromServerlessClusterAttributes(stack, "Cluster", { clusterIdentifier: "db", secret }),
      ],
    });
    assert.deepEqual(statements(stack, fn).map((x) => x.Action), [
      "dynamodb:*", "s3:*", "kinesis:*", "firehose:*", "rds-data:*",
      ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "kms:Decrypt",
    ]);
  });

  it("[construct, \"grantX\"] calls the grant; anything else fails saying why", () => {
    const { stack } = setup();
    const table = new dynamodb.Table(stack, "Raw", { partitionKey: { name: "id", type: dynamodb.AttributeType.STRING } });
    const fn = new Function(stack, "Fn", { handler: "src/lambda.handler", permissions: [[table, "grantReadData"]] });
    assert.ok(statements(stack, fn).some((s) => JSON.stringify(s.Action).includes("dynamodb:GetItem")));
    assert.throws(() => fn.attachPermissions([[table, "grantNothing"]]), /"grantNothing" is not a method/);
    assert.throws(() => fn.attachPermissions([{ some: "object" } as any]), /not a permission SST knows/);
    assert.throws(() => fn.attachPermissions("all" as any), /expected to be "\*" or an array/);
  });
});

describe("bind", () => {
  it("an SST construct: its variables and exactly its statements; the { resource, permissions } form: the given statements instead", () => {
    const { stack } = setup();
    const table = new Table(stack, "Users-Table", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    const a = new Function(stack, "A", { handler: "src/lambda.handler", bind: [table] });
    const b = new Function(stack, "B", {
      handler: "src/lambda.handler",
      bind: [{ resource: table, permissions: [{ actions: ["dynamodb:GetItem"], resources: [table.tableArn] }] }],
    });
    const fns = Template.fromStack(stack).findResources("AWS::Lambda::Function");
    const env = (fn: Function) => fns[stack.getLogicalId(fn.node.defaultChild as cdk.CfnElement)].Properties.Environment.Variables;
    for (const fn of [a, b]) assert.ok(env(fn).SST_Table_tableName_Users_Table, "env name with - turned into _");
    assert.deepEqual(statements(stack, a).map((x) => x.Action), ["dynamodb:*"]);
    assert.deepEqual(statements(stack, b).map((x) => x.Action), ["dynamodb:GetItem"]);
    assert.throws(() => a.bind([new dynamodb.Table(stack, "Cdk", { partitionKey: { name: "id", type: dynamodb.AttributeType.STRING } })] as any), /only SST constructs .* can be bound/);
  });
});
