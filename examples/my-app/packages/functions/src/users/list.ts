import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { Table } from "sst/node/table";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const limit = parseInt(event.queryStringParameters?.limit ?? "20", 10);
  const lastKey = event.queryStringParameters?.cursor;

  const result = await client.send(
    new ScanCommand({
      TableName: Table.Users.tableName,
      Limit: limit,
      ExclusiveStartKey: lastKey ? JSON.parse(atob(lastKey)) : undefined,
    })
  );

  return {
    statusCode: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      users: result.Items,
      cursor: result.LastEvaluatedKey
        ? btoa(JSON.stringify(result.LastEvaluatedKey))
        : null,
    }),
  };
};
