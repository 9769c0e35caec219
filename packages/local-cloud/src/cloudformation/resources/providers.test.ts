import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function template(v: { ttl: string; gsi: boolean; policyAction: string; route: string }) {
  return {
    Resources: {
      Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume, ManagedPolicyArns: [{ Ref: "Managed" }] } },
      Managed: { Type: "AWS::IAM::ManagedPolicy", Properties: { PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] } } },
      Policy: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "RoleDefaultPolicy", Roles: [{ Ref: "Role" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: v.policyAction, Resource: { "Fn::GetAtt": ["Table", "Arn"] } }, { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: { "Fn::GetAtt": ["Queue", "Arn"] } }] } } },
      Table: { Type: "AWS::DynamoDB::Table", Properties: {
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }, ...(v.gsi ? [{ AttributeName: "g", AttributeType: "S" }] : [])],
        BillingMode: "PAY_PER_REQUEST",
        ...(v.gsi ? { GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }] } : {}),
        TimeToLiveSpecification: { AttributeName: v.ttl, Enabled: true },
        Tags: [{ Key: "app", Value: "x" }],
      } },
      Global: { Type: "AWS::DynamoDB::GlobalTable", Properties: {
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST", StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" }, Replicas: [{ Region: "us-east-1" }],
      } },
      Bucket: { Type: "AWS::S3::Bucket", Properties: { VersioningConfiguration: { Status: "Enabled" }, Tags: [{ Key: "k", Value: "v" }] } },
      BucketPolicy: { Type: "AWS::S3::BucketPolicy", Properties: { Bucket: { Ref: "Bucket" }, PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [{ "Fn::GetAtt": ["Bucket", "Arn"] }, { "Fn::Sub": "${Bucket.Arn}/*" }], Condition: { Bool: { "aws:SecureTransport": "false" } } }] } } },
      Queue: { Type: "AWS::SQS::Queue", Properties: {} },
      QueuePolicy: { Type: "AWS::SQS::QueuePolicy", Properties: { Queues: [{ Ref: "Queue" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": ["Queue", "Arn"] } }] } } },
      Fn: { Type: "AWS::Lambda::Function", DependsOn: ["Policy"], Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: "exports.handler = async (e) => ({ statusCode: 200, body: 'hi ' + (e.rawPath || '') })" } } },
      Mapping: { Type: "AWS::Lambda::EventSourceMapping", Properties: { FunctionName: { Ref: "Fn" }, EventSourceArn: { "Fn::GetAtt": ["Queue", "Arn"] }, BatchSize: 5 } },
      Version: { Type: "AWS::Lambda::Version", Properties: { FunctionName: { Ref: "Fn" } } },
      Alias: { Type: "AWS::Lambda::Alias", Properties: { FunctionName: { Ref: "Fn" }, Name: "live", FunctionVersion: { "Fn::GetAtt": ["Version", "Version"] } } },
      Logs: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 14 } },
      Api: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "api", ProtocolType: "HTTP", CorsConfiguration: { AllowOrigins: ["*"] } } },
      Integration: { Type: "AWS::ApiGatewayV2::Integration", Properties: { ApiId: { Ref: "Api" }, IntegrationType: "AWS_PROXY", IntegrationUri: { "Fn::GetAtt": ["Fn", "Arn"] }, PayloadFormatVersion: "2.0" } },
      Route: { Type: "AWS::ApiGatewayV2::Route", Properties: { ApiId: { Ref: "Api" }, RouteKey: v.route, Target: { "Fn::Join": ["/", ["integrations", { Ref: "Integration" }]] } } },
      Stage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Api" }, StageName: "$default", AutoDeploy: true } },
      Permission: { Type: "AWS::Lambda::Permission", Properties: { FunctionName: { "Fn::GetAtt": ["Fn", "Arn"] }, Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: { "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*" } } },
    },
    Outputs: { Endpoint: { Value: { "Fn::GetAtt": ["Api", "ApiEndpoint"] } }, GlobalStream: { Value: { "Fn::GetAtt": ["Global", "StreamArn"] } } },
  };
}

function deploy(name: string, body: unknown, update = false) {
  return deployTestStack(t.cloud, name, body, update);
}

test("every provider creates its resource in the local services", async () => {
  const { stack, id } = await deploy("prov", template({ ttl: "expires", gsi: false, policyAction: "dynamodb:GetItem", route: "GET /hello" }));
  const iam = t.cloud.iam, ddb = t.cloud.dynamodb;
  const inline = await iam.call("GetRolePolicy", { RoleName: id.Role, PolicyName: "RoleDefaultPolicy" });
  assert.match(decodeURIComponent(inline.PolicyDocument), /dynamodb:GetItem/);
  const attached = await iam.call("ListAttachedRolePolicies", { RoleName: id.Role });
  assert.deepEqual(attached.AttachedPolicies.map((p: any) => p.PolicyArn), [id.Managed]);
  const ttl = await ddb.call("DescribeTimeToLive", { TableName: id.Table });
  assert.equal(ttl.TimeToLiveDescription.AttributeName, "expires");
  const global = await ddb.call("DescribeTable", { TableName: id.Global });
  assert.equal(global.Table.StreamSpecification.StreamViewType, "NEW_AND_OLD_IMAGES");
  assert.equal(stack.Outputs.find((o: any) => o.OutputKey === "GlobalStream").OutputValue, global.Table.LatestStreamArn);
  const versioning = await t.cloud.s3.call("GetBucketVersioning", { Bucket: id.Bucket });
  assert.equal(versioning.Status, "Enabled");
  const policy = await t.cloud.s3.call("GetBucketPolicy", { Bucket: id.Bucket });
  assert.match(policy.Policy, /SecureTransport/);
  const qattrs = await t.cloud.sqs.call("GetQueueAttributes", { QueueUrl: id.Queue, AttributeNames: ["Policy"] });
  assert.match(qattrs.Attributes.Policy, /sqs:SendMessage/);
  const esm = await t.cloud.lambda.call("GetEventSourceMapping", { UUID: id.Mapping });
  assert.equal(esm.BatchSize, 5);
  const alias = await t.cloud.lambda.call("GetAlias", { FunctionName: id.Fn, Name: "live" });
  assert.equal(alias.FunctionVersion, "1");
  const endpoint = stack.Outputs.find((o: any) => o.OutputKey === "Endpoint").OutputValue;
  const res = await fetch(`${endpoint}/hello`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "hi /hello");
});

test("updates apply in place: a new GSI, a TTL attribute, an inline policy, a route", async () => {
  const before = await deploy("prov2", template({ ttl: "expires", gsi: false, policyAction: "dynamodb:GetItem", route: "GET /a" }));
  await t.cloud.dynamodb.call("PutItem", { TableName: before.id.Table, Item: { pk: { S: "1" }, sk: { S: "1" }, g: { S: "x" } } });
  const after = await deploy("prov2", template({ ttl: "ttl", gsi: true, policyAction: "dynamodb:PutItem", route: "GET /b" }), true);
  assert.equal(after.id.Table, before.id.Table);
  const table = await t.cloud.dynamodb.call("DescribeTable", { TableName: after.id.Table });
  assert.deepEqual(table.Table.GlobalSecondaryIndexes.map((g: any) => g.IndexName), ["byG"]);
  assert.equal(table.Table.ItemCount ?? 1, 1);
  const got = await t.cloud.dynamodb.call("GetItem", { TableName: after.id.Table, Key: { pk: { S: "1" }, sk: { S: "1" } } });
  assert.equal(got.Item.g.S, "x");
  const ttl = await t.cloud.dynamodb.call("DescribeTimeToLive", { TableName: after.id.Table });
  assert.equal(ttl.TimeToLiveDescription.AttributeName, "ttl");
  const inline = await t.cloud.iam.call("GetRolePolicy", { RoleName: after.id.Role, PolicyName: "RoleDefaultPolicy" });
  assert.match(decodeURIComponent(inline.PolicyDocument), /dynamodb:PutItem/);
  const endpoint = after.stack.Outputs.find((o: any) => o.OutputKey === "Endpoint").OutputValue;
  assert.equal((await fetch(`${endpoint}/b`)).status, 200);
  assert.equal((await fetch(`${endpoint}/a`)).status, 404);
});

test("deleting the stack removes everything", async () => {
  const { id } = await deploy("prov3", template({ ttl: "expires", gsi: false, policyAction: "dynamodb:GetItem", route: "GET /x" }));
  await t.cloud.cloudformation.call("DeleteStack", { StackName: "prov3" });
  await assert.rejects(t.cloud.dynamodb.call("DescribeTable", { TableName: id.Table }));
  await assert.rejects(t.cloud.iam.call("GetRole", { RoleName: id.Role }));
  await assert.rejects(t.cloud.lambda.call("GetFunction", { FunctionName: id.Fn }));
  await assert.rejects(t.cloud.s3.call("HeadBucket", { Bucket: id.Bucket }));
  await assert.rejects(t.cloud.sqs.call("GetQueueAttributes", { QueueUrl: id.Queue, AttributeNames: ["All"] }));
  await assert.rejects(t.cloud.apigateway.call("GetApi", { ApiId: id.Api }));
});
