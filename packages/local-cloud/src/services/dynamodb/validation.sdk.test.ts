/**
 * How DynamoDB answers bad requests, in its order, through the real AWS SDK v3 (which
 * sends whatever JSON it is given): a member of the wrong type is a SerializationException
 * before anything else; then every constraint violation, together, in DynamoDB's words;
 * then DynamoDB's own checks of the request; only then is the table looked up.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, QueryCommand, BatchWriteItemCommand, TagResourceCommand,
} from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { sendSigned } from "../../test-signing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;

before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient({ ...tc.clientConfig, maxAttempts: 1 });
  await ddb.send(new CreateTableCommand({
    TableName: "Rules",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  }));
});
after(async () => {
  ddb.destroy();
  await tc.stop();
});

/** The error a command fails with: its code, message and HTTP status. */
async function failure(command: any): Promise<{ name: string; message: string; status?: number }> {
  try {
    await ddb.send(command);
  } catch (err: any) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("the request succeeded");
}

/**
 * A signed request with a JSON body as given: the SDK's serializer reshapes values of
 * the wrong type (an array for a map), so the type rules are driven below it.
 */
async function raw(operation: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await sendSigned({
    endpoint: tc.cloud.endpoint, service: "dynamodb", body: JSON.stringify(body),
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}` },
  });
  return { status: res.status, body: JSON.parse(res.body) };
}

const serialization = (message: string) => ({ status: 400, body: { __type: "com.amazon.coral.service#SerializationException", Message: message } });

test("a member of the wrong JSON type is a SerializationException, in coral's words", async () => {
  assert.deepEqual(await raw("GetItem", { TableName: 5, Key: { pk: { S: "a" } } }), serialization("NUMBER_VALUE cannot be converted to String"));
  assert.deepEqual(await raw("GetItem", { TableName: true }), serialization("TRUE_VALUE cannot be converted to String"));
  assert.deepEqual(await raw("GetItem", { TableName: "Rules", Key: [] }), serialization("Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"));
  assert.deepEqual(await raw("GetItem", { TableName: "Rules", Key: "k" }), serialization("Unexpected field type"));
  assert.deepEqual(await raw("PutItem", { TableName: "Rules", Item: { pk: { L: [true] } } }), serialization("Unexpected value type in payload"));
  assert.deepEqual(await raw("GetItem", { TableName: "Rules", Key: { pk: { S: "a" } }, ConsistentRead: "maybe" }), serialization("Unexpected token received from parser"));
  assert.deepEqual(await raw("PutItem", { TableName: "Rules", Item: { pk: { B: "abc" } } }), serialization("Base64 encoded length is expected a multiple of 4 bytes but found: 3"));
  assert.deepEqual(await raw("Query", { TableName: "Rules", Limit: "10" }), serialization("STRING_VALUE cannot be converted to Integer"));
  assert.deepEqual(await raw("BatchGetItem", { RequestItems: { Rules: { Keys: ["k"] } } }), serialization(
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')",
  ));
});

test("a type error wins over every constraint violation", async () => {
  assert.deepEqual(await raw("PutItem", { TableName: "a;", ReturnValues: "hi", Item: { pk: { S: 1 } } }), serialization("NUMBER_VALUE cannot be converted to String"));
});

test("a validation error is coral's ValidationException with a lower-case message key", async () => {
  assert.deepEqual(await raw("GetItem", { TableName: "Rules" }), {
    status: 400,
    body: { __type: "com.amazon.coral.validate#ValidationException", message: "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null" },
  });
});

test("one constraint violation, in DynamoDB's words", async () => {
  assert.deepEqual(await failure(new GetItemCommand({ TableName: "a".repeat(256), Key: { pk: { S: "a" } } })), {
    name: "ValidationException",
    message: `1 validation error detected: Value '${"a".repeat(256)}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255`,
    status: 400,
  });
  assert.deepEqual(await failure(new QueryCommand({ TableName: "Rules", Limit: 0, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "a" } } })), {
    name: "ValidationException",
    message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    status: 400,
  });
});

test("several constraint violations are reported together, joined with '; '", async () => {
  const err = await failure(new PutItemCommand({ TableName: "abc;", ReturnConsumedCapacity: "hi" as any, ReturnValues: "hi" as any } as any));
  assert.equal(err.name, "ValidationException");
  assert.equal(
    err.message,
    "4 validation errors detected: " +
      "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
      "Value null at 'item' failed to satisfy constraint: Member must not be null; " +
      "Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " +
      "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
  );
  const short = await failure(new GetItemCommand({ TableName: "", Key: undefined as any }));
  assert.equal(
    short.message,
    "3 validation errors detected: " +
      "Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
      "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
      "Value null at 'key' failed to satisfy constraint: Member must not be null",
  );
});

test("nested members are named by their path; a map's key and value limits are reported on the map", async () => {
  const err = await failure(new BatchWriteItemCommand({ RequestItems: { ab: [] } }));
  assert.equal(
    err.message,
    "2 validation errors detected: " +
      "Value '{\"ab\":[]}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; " +
      "Value '{\"ab\":[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
  );
  const table = await failure(new CreateTableCommand({
    TableName: "Shapes",
    KeySchema: [{ AttributeName: "pk", KeyType: "SIDEWAYS" as any }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "X" as any }],
    BillingMode: "PAY_PER_REQUEST",
  }));
  assert.equal(
    table.message,
    "2 validation errors detected: " +
      "Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]; " +
      "Value 'SIDEWAYS' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
  );
});

test("the table operations check TableName themselves first", async () => {
  assert.deepEqual(await failure(new DescribeTableCommand({} as any)), {
    name: "ValidationException", message: "The parameter 'TableName' is required but was not present in the request", status: 400,
  });
  assert.deepEqual(await failure(new DescribeTableCommand({ TableName: "ab" })), {
    name: "ValidationException", message: "TableName must be at least 3 characters long and at most 255 characters long", status: 400,
  });
});

test("the request is validated before the table is looked up", async () => {
  // Constraint violations on a table that does not exist.
  const constraint = await failure(new GetItemCommand({ TableName: "Missing", Key: { pk: { S: "a" } }, ReturnConsumedCapacity: "ALL" as any }));
  assert.equal(constraint.name, "ValidationException");
  assert.match(constraint.message, /^1 validation error detected: Value 'ALL' at 'returnConsumedCapacity'/);
  // DynamoDB's own checks of the request, also before the lookup.
  assert.deepEqual(await failure(new PutItemCommand({ TableName: "Missing", Item: { pk: { S: "a" }, empty: {} as any } })), {
    name: "ValidationException", message: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes", status: 400,
  });
  assert.deepEqual(await failure(new QueryCommand({ TableName: "Missing", KeyConditionExpression: "pk = :p" })), {
    name: "ValidationException", message: "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :p", status: 400,
  });
  assert.equal((await failure(new PutItemCommand({ TableName: "Missing", Item: { pk: { S: "a" } }, ReturnValues: "ALL_NEW" }))).message, "ReturnValues can only be ALL_OLD or NONE");
  // A valid request reaches the lookup.
  assert.deepEqual(await failure(new GetItemCommand({ TableName: "Missing", Key: { pk: { S: "a" } } })), {
    name: "ResourceNotFoundException", message: "Requested resource not found", status: 400,
  });
});

test("a table may be named by its ARN", async () => {
  const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/Rules`;
  await ddb.send(new PutItemCommand({ TableName: arn, Item: { pk: { S: "by-arn" } } }));
  const got = await ddb.send(new GetItemCommand({ TableName: "Rules", Key: { pk: { S: "by-arn" } } }));
  assert.deepEqual(got.Item, { pk: { S: "by-arn" } });
  assert.equal((await failure(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 5 as any, Value: "v" }] }))).name, "SerializationException");
});
