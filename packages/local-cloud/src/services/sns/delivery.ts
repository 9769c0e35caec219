/**
 * Fan-out to one subscription, after its filter policy passed: Lambda gets an
 * asynchronous invocation with the SNS event; SQS gets the JSON envelope (or the raw
 * message with its attributes when RawMessageDelivery is on); http/https endpoints get
 * a POST (three tries). Failures are reported on the kernel's events ("sns:delivery-failed"),
 * never to the publisher, as in SNS, and go to the subscription's RedrivePolicy queue.
 */
import { randomUUID } from "node:crypto";
import type { SnsContext } from "./context.js";
import { confirmationEnvelope, lambdaEvent, notificationEnvelope, type PublishedMessage } from "./envelope.js";
import { sqsAttributes } from "./message-attributes.js";
import type { StoredSubscription } from "./store.js";

export class Delivery {
  constructor(private readonly c: SnsContext) {}

  private get urls() {
    return { endpoint: this.c.kernel.endpoint };
  }

  /** Starts the delivery and returns at once; the promise is for tests and shutdown. */
  deliver(sub: StoredSubscription, m: PublishedMessage): Promise<void> {
    return this.send(sub, m).then(
      () => void this.c.kernel.events.emit("sns:delivered", { subscriptionArn: sub.arn, messageId: m.messageId, protocol: sub.protocol }),
      async (err) => {
        this.c.kernel.events.emit("sns:delivery-failed", { subscriptionArn: sub.arn, messageId: m.messageId, protocol: sub.protocol, error: String(err?.message ?? err) });
        await this.deadLetter(sub, m).catch((dlqErr) =>
          this.c.kernel.events.emit("sns:delivery-failed", { subscriptionArn: sub.arn, messageId: m.messageId, protocol: "sqs-dlq", error: String(dlqErr?.message ?? dlqErr) }),
        );
      },
    );
  }

  /** A subscription's RedrivePolicy sends what could not be delivered to an SQS queue, as the JSON envelope. */
  private async deadLetter(sub: StoredSubscription, m: PublishedMessage): Promise<void> {
    if (!sub.attributes.RedrivePolicy) return;
    const arn = JSON.parse(sub.attributes.RedrivePolicy).deadLetterTargetArn;
    if (typeof arn !== "string") return;
    const sqs = this.c.kernel.clients.sqs;
    const { QueueUrl } = await sqs.call("GetQueueUrl", { QueueName: arn.slice(arn.lastIndexOf(":") + 1) });
    await sqs.call("SendMessage", { QueueUrl: QueueUrl!, MessageBody: JSON.stringify(notificationEnvelope(m, sub.protocol, sub.arn, this.urls, this.c.region)) });
    this.c.kernel.events.emit("sns:dead-lettered", { subscriptionArn: sub.arn, messageId: m.messageId, queueArn: arn });
  }

  /** http/https endpoints get three tries (SNS's default policy retries more slowly); other protocols one. */
  private async send(sub: StoredSubscription, m: PublishedMessage): Promise<void> {
    const tries = sub.protocol === "http" || sub.protocol === "https" ? 3 : 1;
    for (let i = 1; ; i++) {
      try {
        return await this.sendOnce(sub, m);
      } catch (err) {
        if (i >= tries) throw err;
        await new Promise((r) => setTimeout(r, 200 * i).unref());
      }
    }
  }

  private async sendOnce(sub: StoredSubscription, m: PublishedMessage): Promise<void> {
    const raw = sub.attributes.RawMessageDelivery?.toLowerCase() === "true";
    switch (sub.protocol) {
      case "lambda": {
        await this.c.kernel.clients.lambda.call("Invoke", {
          FunctionName: sub.endpoint,
          InvocationType: "Event",
          Payload: JSON.stringify(lambdaEvent(m, sub.arn, this.urls, this.c.region)),
        });
        return;
      }
      case "sqs": {
        const sqs = this.c.kernel.clients.sqs;
        const queueName = sub.endpoint.slice(sub.endpoint.lastIndexOf(":") + 1);
        const { QueueUrl } = await sqs.call("GetQueueUrl", { QueueName: queueName });
        const body = raw ? m.messageFor("sqs") : JSON.stringify(notificationEnvelope(m, "sqs", sub.arn, this.urls, this.c.region));
        await sqs.call("SendMessage", {
          QueueUrl: QueueUrl!,
          MessageBody: body,
          ...(raw && Object.keys(m.attributes).length ? { MessageAttributes: sqsAttributes(m.attributes) } : {}),
          ...(queueName.endsWith(".fifo") ? { MessageGroupId: m.messageGroupId ?? "default", MessageDeduplicationId: m.deduplicationId ?? m.messageId } : {}),
        });
        return;
      }
      case "http":
      case "https": {
        if (sub.token) return; // still pending confirmation: SNS delivers nothing yet
        const body = raw ? m.messageFor(sub.protocol) : JSON.stringify(notificationEnvelope(m, sub.protocol, sub.arn, this.urls, this.c.region));
        await post(sub.endpoint, body, {
          "x-amz-sns-message-type": "Notification",
          "x-amz-sns-message-id": m.messageId,
          "x-amz-sns-topic-arn": m.topicArn,
          "x-amz-sns-subscription-arn": sub.arn,
          ...(raw ? { "x-amz-sns-rawdelivery": "true" } : {}),
        });
        return;
      }
      default:
        throw new Error(`protocol ${sub.protocol} is not delivered by the local cloud`);
    }
  }

  /** The SubscriptionConfirmation POST of a new http/https subscription. */
  sendConfirmation(sub: StoredSubscription): void {
    const messageId = randomUUID();
    const body = JSON.stringify(confirmationEnvelope(sub.topicArn, sub.token!, this.urls, this.c.region, messageId));
    post(sub.endpoint, body, { "x-amz-sns-message-type": "SubscriptionConfirmation", "x-amz-sns-message-id": messageId, "x-amz-sns-topic-arn": sub.topicArn }).catch((err) =>
      this.c.kernel.events.emit("sns:delivery-failed", { subscriptionArn: sub.arn, messageId, protocol: sub.protocol, error: String(err?.message ?? err) }),
    );
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "text/plain; charset=UTF-8", "user-agent": "Amazon Simple Notification Service Agent", ...headers },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`${url} answered ${res.status}`);
}
