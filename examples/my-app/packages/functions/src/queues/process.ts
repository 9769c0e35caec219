import { SQSHandler } from "aws-lambda";
import { Table } from "sst/node/table";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { processJob } from "./job";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler: SQSHandler = async (event) => {
  console.log(`Batch of ${event.Records.length} job(s)`);
  for (const record of event.Records) {
    const payload = JSON.parse(record.body);
    console.log(`Processing job: ${payload.jobId}`);

    const result = await processJob(payload);

    await client.send(
      new PutCommand({
        TableName: Table.Users.tableName,
        Item: {
          pk: `JOB#${payload.jobId}`,
          sk: "RESULT",
          ...result,
          batchSize: event.Records.length,
          processedAt: new Date().toISOString(),
        },
      })
    );
  }
};
