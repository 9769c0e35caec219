/**
 * Delivering an event to a rule's targets: Lambda (asynchronous invoke), SQS
 * (SendMessage; FIFO queues take SqsParameters.MessageGroupId), SNS (Publish) and
 * other event buses (the event is put on that bus). A failed delivery is retried per
 * the target's RetryPolicy (at most 2 quick retries here), then reported on
 * `cloud.events` as "eventbridge:delivery-failed" and sent to the target's
 * DeadLetterConfig queue; the sender never sees it.
 */
import type { EventsContext } from "./context.js";
import { targetInput, type RuleInfo } from "./input-transform.js";
import type { StoredTarget } from "./store.js";

export type PutOnBus = (busName: string, event: Record<string, unknown>) => void;

export class TargetDelivery {
  constructor(
    private readonly c: EventsContext,
    private readonly putOnBus: PutOnBus,
  ) {}

  deliver(target: StoredTarget, event: Record<string, unknown>, rule: RuleInfo): Promise<void> {
    const attempts = 1 + Math.min(2, target.RetryPolicy?.MaximumRetryAttempts ?? 2);
    const run = async () => {
      let lastError: unknown;
      for (let i = 0; i < attempts; i++) {
        try {
          await this.send(target, event, rule);
          this.c.kernel.events.emit("eventbridge:delivered", { ruleArn: rule.ruleArn, targetId: target.Id, eventId: String(event.id) });
          return;
        } catch (err) {
          lastError = err;
          await new Promise((r) => setTimeout(r, 100 * (i + 1)).unref());
        }
      }
      const error = String((lastError as Error)?.message ?? lastError);
      this.c.kernel.events.emit("eventbridge:delivery-failed", { ruleArn: rule.ruleArn, targetId: target.Id, eventId: String(event.id), error });
      await this.deadLetter(target, event, rule, error).catch(() => undefined);
    };
    return run();
  }

  /**
   * A target's DeadLetterConfig (an SQS queue) gets the event that could not be
   * delivered, with the attributes EventBridge adds to say why.
   */
  private async deadLetter(target: StoredTarget, event: Record<string, unknown>, rule: RuleInfo, error: string): Promise<void> {
    const arn = target.DeadLetterConfig?.Arn;
    if (!arn) return;
    const sqs = this.c.kernel.clients.sqs;
    const { QueueUrl } = await sqs.call("GetQueueUrl", { QueueName: arn.slice(arn.lastIndexOf(":") + 1) });
    const attr = (v: string) => ({ DataType: "String", StringValue: v });
    await sqs.call("SendMessage", {
      QueueUrl: QueueUrl!,
      MessageBody: JSON.stringify(event),
      MessageAttributes: { RULE_ARN: attr(rule.ruleArn), TARGET_ARN: attr(target.Arn), ERROR_CODE: attr("SDK_CLIENT_ERROR"), ERROR_MESSAGE: attr(error.slice(0, 256)) },
    });
  }

  private async send(target: StoredTarget, event: Record<string, unknown>, rule: RuleInfo): Promise<void> {
    const payload = targetInput(target, event, rule);
    const service = /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(target.Arn)?.[1];
    const { lambda, sqs, sns } = this.c.kernel.clients;
    switch (service) {
      case "lambda":
        await lambda.call("Invoke", { FunctionName: target.Arn, InvocationType: "Event", Payload: payload });
        return;
      case "sqs": {
        const name = target.Arn.slice(target.Arn.lastIndexOf(":") + 1);
        const { QueueUrl } = await sqs.call("GetQueueUrl", { QueueName: name });
        await sqs.call("SendMessage", {
          QueueUrl: QueueUrl!,
          MessageBody: payload,
          ...(name.endsWith(".fifo") ? { MessageGroupId: target.SqsParameters?.MessageGroupId ?? "default", MessageDeduplicationId: String(event.id) } : {}),
        });
        return;
      }
      case "sns":
        await sns.call("Publish", { TopicArn: target.Arn, Message: payload });
        return;
      case "events": {
        const bus = /:event-bus\/(.+)$/.exec(target.Arn)?.[1];
        if (!bus) throw new Error(`target ${target.Arn} is not an event bus`);
        this.putOnBus(bus, event);
        return;
      }
      default:
        throw new Error(`the local cloud does not deliver to targets like ${target.Arn}`);
    }
  }
}
