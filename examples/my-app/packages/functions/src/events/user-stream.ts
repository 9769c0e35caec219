import { DynamoDBStreamHandler } from "aws-lambda";

export const handler: DynamoDBStreamHandler = async (event) => {
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    console.log(
      `Stream ${record.eventName} ${keys?.pk?.S}`,
      JSON.stringify({ old: record.dynamodb?.OldImage ?? null, new: record.dynamodb?.NewImage ?? null })
    );
  }
};
