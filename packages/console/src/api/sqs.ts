/** SQS: queues with their approximate counts, send a message, peek without hiding messages. */
import type { ConsoleContext } from "../context.js";
import { requireString } from "../http.js";

const COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"];

export async function listQueues(ctx: ConsoleContext) {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.cloud.sqs.call("ListQueues", { MaxResults: 1000, ...(NextToken ? { NextToken } : {}) });
    urls.push(...(page?.QueueUrls ?? []));
    NextToken = page?.NextToken;
  } while (NextToken);
  const queues = await Promise.all(
    urls.map(async (url) => {
      const attrs = (await ctx.cloud.sqs.call("GetQueueAttributes", { QueueUrl: url, AttributeNames: [...COUNTS, "FifoQueue"] }))?.Attributes ?? {};
      return {
        url,
        name: url.slice(url.lastIndexOf("/") + 1),
        fifo: attrs.FifoQueue === "true",
        visible: Number(attrs.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(attrs.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }),
  );
  return { queues: queues.sort((a, b) => a.name.localeCompare(b.name)) };
}

export async function sendMessage(ctx: ConsoleContext, body: any) {
  const QueueUrl = requireString(body?.queueUrl, "queueUrl");
  const input: any = { QueueUrl, MessageBody: typeof body?.body === "string" ? body.body : "" };
  if (QueueUrl.endsWith(".fifo")) {
    // FIFO queues need a group; the Console sends each message in one group, deduplicated by content unless the queue says otherwise.
    input.MessageGroupId = typeof body?.groupId === "string" && body.groupId ? body.groupId : "console";
    input.MessageDeduplicationId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }
  const out = await ctx.cloud.sqs.call("SendMessage", input);
  return { messageId: out?.MessageId };
}

/** Receive with visibility timeout 0: the messages stay visible to consumers. */
export async function peekMessages(ctx: ConsoleContext, queueUrl: string) {
  const out = await ctx.cloud.sqs.call("ReceiveMessage", {
    QueueUrl: requireString(queueUrl, "queueUrl"),
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 0,
    WaitTimeSeconds: 0,
    AttributeNames: ["All"],
    MessageAttributeNames: ["All"],
  });
  return {
    messages: (out?.Messages ?? []).map((m: any) => ({
      messageId: m.MessageId,
      body: m.Body,
      sentAt: m.Attributes?.SentTimestamp ? Number(m.Attributes.SentTimestamp) : undefined,
      receiveCount: m.Attributes?.ApproximateReceiveCount ? Number(m.Attributes.ApproximateReceiveCount) : undefined,
    })),
  };
}
