/**
 * Kinesis through the local CloudFormation: AWS::Kinesis::Stream (Ref, GetAtt Arn,
 * in-place updates), a table's KinesisStreamSpecification and an event source mapping
 * from the stream, deployed together: an item written to the table reaches the function
 * as a Kinesis record holding the DynamoDB change.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => {
  t = await startTestCloud();
});
after(() => t.stop());

const role = {
  Type: "AWS::IAM::Role",
  Properties: {
    AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
    Policies: [
      {
        PolicyName: "read",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams"], Resource: { "Fn::GetAtt": ["Stream", "Arn"] } }],
        },
      },
    ],
  },
};

function template(streamProps: Record<string, unknown>) {
  return {
    Resources: {
      Stream: { Type: "AWS::Kinesis::Stream", Properties: streamProps },
      Table: {
        Type: "AWS::DynamoDB::Table",
        Properties: {
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
          KinesisStreamSpecification: { StreamArn: { "Fn::GetAtt": ["Stream", "Arn"] } },
        },
      },
      Role: role,
      Fn: {
        Type: "AWS::Lambda::Function",
        Properties: {
          Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] },
          Code: { ZipFile: `exports.handler = async (event) => { for (const r of event.Records) console.log("CHANGE " + Buffer.from(r.kinesis.data, "base64").toString()); };` },
        },
      },
      Mapping: {
        Type: "AWS::Lambda::EventSourceMapping",
        Properties: { FunctionName: { Ref: "Fn" }, EventSourceArn: { "Fn::GetAtt": ["Stream", "Arn"] }, StartingPosition: "LATEST", BatchSize: 100 },
      },
    },
    Outputs: {
      StreamName: { Value: { Ref: "Stream" } },
      StreamArn: { Value: { "Fn::GetAtt": ["Stream", "Arn"] } },
      TableName: { Value: { Ref: "Table" } },
      Fn: { Value: { Ref: "Fn" } },
    },
  };
}

test("a stream, a table streaming to it and a consumer deploy, and a table write reaches the consumer", async () => {
  const props = { Name: "orders", ShardCount: 2, RetentionPeriodHours: 48, Tags: [{ Key: "sst:app", Value: "shop" }] };
  const { outputs } = await deployTestStack(t.cloud, "kinesis", template(props));
  assert.equal(outputs.StreamName, "orders");
  assert.equal(outputs.StreamArn, "arn:aws:kinesis:us-east-1:000000000000:stream/orders");
  const summary = await t.cloud.kinesis.call("DescribeStreamSummary", { StreamName: "orders" });
  assert.equal(summary.StreamDescriptionSummary.OpenShardCount, 2);
  assert.equal(summary.StreamDescriptionSummary.RetentionPeriodHours, 48);
  assert.deepEqual((await t.cloud.kinesis.call("ListTagsForStream", { StreamName: "orders" })).Tags, [{ Key: "sst:app", Value: "shop" }]);
  const dest = await t.cloud.dynamodb.call("DescribeKinesisStreamingDestination", { TableName: outputs.TableName });
  assert.equal(dest.KinesisDataStreamDestinations[0].DestinationStatus, "ACTIVE");

  const changes: any[] = [];
  const listener = (e: any) => {
    const m = e.functionName === outputs.Fn && /\tINFO\tCHANGE (.*)$/.exec(e.line);
    if (m) changes.push(JSON.parse(m[1]!));
  };
  t.cloud.events.on("lambda:log", listener);
  try {
    // The mapping reads from LATEST: give its poller a moment to take its position.
    await new Promise((r) => setTimeout(r, 200));
    await t.cloud.dynamodb.call("PutItem", { TableName: outputs.TableName, Item: { pk: { S: "o1" }, total: { N: "12" } } });
    for (let i = 0; i < 200 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(changes.length, 1);
    assert.equal(changes[0].eventName, "INSERT");
    assert.equal(changes[0].tableName, outputs.TableName);
    assert.deepEqual(changes[0].dynamodb.NewImage, { pk: { S: "o1" }, total: { N: "12" } });
  } finally {
    t.cloud.events.off("lambda:log", listener);
  }

  // Retention and tags update in place; a new shard count reshards the stream, within Kinesis's limits.
  await deployTestStack(t.cloud, "kinesis", template({ ...props, RetentionPeriodHours: 24, Tags: [{ Key: "sst:app", Value: "shop2" }] }), true);
  assert.equal((await t.cloud.kinesis.call("DescribeStreamSummary", { StreamName: "orders" })).StreamDescriptionSummary.RetentionPeriodHours, 24);
  assert.deepEqual((await t.cloud.kinesis.call("ListTagsForStream", { StreamName: "orders" })).Tags, [{ Key: "sst:app", Value: "shop2" }]);
  await deployTestStack(t.cloud, "kinesis", template({ ...props, RetentionPeriodHours: 24, Tags: [{ Key: "sst:app", Value: "shop2" }], ShardCount: 3 }), true);
  assert.equal((await t.cloud.kinesis.call("DescribeStreamSummary", { StreamName: "orders" })).StreamDescriptionSummary.OpenShardCount, 3);
  await new Promise((r) => setTimeout(r, 300)); // the stream is UPDATING for a moment after a reshard
  await assert.rejects(deployTestStack(t.cloud, "kinesis", template({ ...props, ShardCount: 7 }), true), /more than double its current shard count/);

  await t.cloud.cloudformation.call("DeleteStack", { StackName: "kinesis" });
  await assert.rejects(t.cloud.kinesis.call("DescribeStream", { StreamName: "orders" }), { code: "ResourceNotFoundException" });
});

test("a stream without a name gets a CloudFormation-style one; ON_DEMAND streams have four shards", async () => {
  const { outputs } = await deployTestStack(t.cloud, "ondemand", {
    Resources: { Stream: { Type: "AWS::Kinesis::Stream", Properties: { StreamModeDetails: { StreamMode: "ON_DEMAND" } } } },
    Outputs: { Name: { Value: { Ref: "Stream" } } },
  });
  assert.match(outputs.Name, /^ondemand-Stream-[A-Za-z0-9]+$/);
  const summary = await t.cloud.kinesis.call("DescribeStreamSummary", { StreamName: outputs.Name });
  assert.equal(summary.StreamDescriptionSummary.StreamModeDetails.StreamMode, "ON_DEMAND");
  assert.equal(summary.StreamDescriptionSummary.OpenShardCount, 4);
});
