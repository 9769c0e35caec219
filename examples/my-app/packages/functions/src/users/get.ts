import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { Table } from "sst/node/table";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { json, userKey } from "./user-key";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const id = event.pathParameters!.id!;
  const result = await client.send(
    new GetCommand({ TableName: Table.Users.tableName, Key: userKey(id) })
  );
  if (!result.Item) return json(404, { error: `User ${id} not found` });
  return json(200, result.Item);
};
