/**
 * The stage's Live Lambda queues as `sst dev` manages them: the request queue is made
 * (or found) at start; the stubs' reply queues are deleted when `sst dev` stops and by
 * `sst remove`, so a stage leaves nothing behind.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { clientConfig, type AwsEnvironment } from "../../deploy/aws/environment.js";
import { bridgeNames, type BridgeNames } from "./names.js";

/**
 * An SQS client for the bridge: it always talks to the configured endpoint (AWS, or
 * AWS_ENDPOINT_URL), never to a queue URL's own host, and gives up on a request that
 * hangs — a long poll lasts 20 s, so 30 s without an answer is a dead connection.
 */
export async function bridgeSqsClient(env: AwsEnvironment): Promise<SQSClient> {
  const { SQSClient } = await import("@aws-sdk/client-sqs");
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  return new SQSClient({
    ...clientConfig(env),
    useQueueUrlAsEndpoint: false,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
  });
}

/** Creates the request queue if needed (CreateQueue is idempotent for equal attributes) and returns its URL. */
export async function ensureRequestQueue(sqs: SQSClient, names: BridgeNames): Promise<string> {
  const { CreateQueueCommand } = await import("@aws-sdk/client-sqs");
  const out = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.requestQueue,
      // 15 minutes, Lambda's longest timeout: older requests are past their deadline anyway.
      Attributes: { MessageRetentionPeriod: "900", VisibilityTimeout: "3" },
    }),
  );
  return out.QueueUrl!;
}

/** URLs of the queues whose names start with `prefix`, all pages. */
async function queuesNamed(sqs: SQSClient, prefix: string): Promise<string[]> {
  const { ListQueuesCommand } = await import("@aws-sdk/client-sqs");
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const out = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, NextToken, MaxResults: 1000 }));
    urls.push(...(out.QueueUrls ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return urls;
}

/** Deletes the stubs' reply queues of a stage; returns how many. */
export async function deleteReplyQueues(sqs: SQSClient, names: BridgeNames): Promise<number> {
  const { DeleteQueueCommand } = await import("@aws-sdk/client-sqs");
  const urls = await queuesNamed(sqs, names.replyQueuePrefix);
  await Promise.all(urls.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => {})));
  return urls.length;
}

/** `sst remove` on AWS: the stage's request queue and reply queues. Returns how many were deleted. */
export async function removeBridgeQueues(env: AwsEnvironment, app: string, stage: string): Promise<number> {
  const { DeleteQueueCommand } = await import("@aws-sdk/client-sqs");
  const names = bridgeNames(app, stage);
  const sqs = await bridgeSqsClient(env);
  try {
    const requests = (await queuesNamed(sqs, names.requestQueue)).filter((u) => u.endsWith(`/${names.requestQueue}`));
    await Promise.all(requests.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => {})));
    return requests.length + (await deleteReplyQueues(sqs, names));
  } finally {
    sqs.destroy();
  }
}
