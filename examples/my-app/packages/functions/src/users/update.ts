import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { Table } from "sst/node/table";
import { DynamoDBClient, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { json, userKey } from "./user-key";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const id = event.pathParameters!.id!;
  const { name, email } = JSON.parse(event.body ?? "{}");
  try {
    const result = await client.send(
      new UpdateCommand({
        TableName: Table.Users.tableName,
        Key: userKey(id),
        UpdateExpression: "SET #name = :name, email = :email, gsi1sk = :email, updatedAt = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#name": "name" },
        ExpressionAttributeValues: { ":name": name, ":email": email, ":now": new Date().toISOString() },
        ReturnValues: "ALL_NEW",
      })
    );
    return json(200, result.Attributes);
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return json(404, { error: `User ${id} not found` });
    throw err;
  }
};
