import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { Table } from "sst/node/table";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { json, userKey } from "./user-key";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const { name, email } = JSON.parse(event.body ?? "{}");
  if (!name || !email) return json(400, { error: "name and email are required" });

  const id = randomUUID();
  const user = {
    ...userKey(id),
    gsi1pk: "USERS",
    gsi1sk: email,
    id,
    name,
    email,
    createdAt: new Date().toISOString(),
  };
  await client.send(
    new PutCommand({
      TableName: Table.Users.tableName,
      Item: user,
      ConditionExpression: "attribute_not_exists(pk)",
    })
  );
  return json(201, user);
};
