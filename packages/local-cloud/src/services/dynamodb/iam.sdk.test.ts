/** IAM enforcement for DynamoDB calls signed with a role session's credentials. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let client: DynamoDBClient;

before(async () => {
  tc = await startTestCloud();
  const ddb = tc.cloud.dynamodb;
  await ddb.call("CreateTable", {
    TableName: "Guarded", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
  });
  await ddb.call("PutItem", { TableName: "Guarded", Item: { id: { S: "a" }, g: { S: "x" } } });
  await tc.cloud.iam.call("CreateRole", { RoleName: "reader", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
  await tc.cloud.iam.call("PutRolePolicy", {
    RoleName: "reader", PolicyName: "read",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: ["arn:aws:dynamodb:us-east-1:000000000000:table/Guarded", "arn:aws:dynamodb:us-east-1:000000000000:table/Guarded/index/*"] }] }),
  });
  const creds = tc.cloud.iam.issueSessionCredentials("arn:aws:iam::000000000000:role/reader", "fn");
  client = new DynamoDBClient({ ...tc.clientConfig, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } });
});
after(async () => {
  client?.destroy();
  await tc.stop();
});

test("allowed actions succeed, others fail with DynamoDB's AccessDeniedException", async () => {
  const got = await client.send(new GetItemCommand({ TableName: "Guarded", Key: { id: { S: "a" } } }));
  assert.equal(got.Item!.g!.S, "x");
  const q = await client.send(new QueryCommand({ TableName: "Guarded", IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
  assert.equal(q.Count, 1);
  await assert.rejects(client.send(new PutItemCommand({ TableName: "Guarded", Item: { id: { S: "b" } } })), (e: any) => {
    assert.equal(e.name, "AccessDeniedException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /^User: arn:aws:sts::000000000000:assumed-role\/reader\/fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/Guarded because no identity-based policy allows the dynamodb:PutItem action$/);
    return true;
  });
});
