import { APIGatewayProxyHandlerV2 } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { Queue } from "sst/node/queue";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

const sqs = new SQSClient({});

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const body = JSON.parse(event.body ?? "{}");
  const jobId = body.jobId ?? randomUUID();
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: Queue.ProcessingQueue.queueUrl,
      MessageBody: JSON.stringify({ ...body, jobId }),
    })
  );
  return { statusCode: 202, body: JSON.stringify({ jobId }) };
};
