/**
 * Dead-letter queue redrive (StartMessageMoveTask and friends). Locally a task moves
 * every message at once, so it is COMPLETED by the time the start call answers; the
 * task record stays listable like AWS's recent tasks.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import type { SqsContext } from "./context.js";
import { invalidParameterValue } from "./errors.js";
import type { QueueOperations } from "./queues.js";
import type { MessageRow } from "./store.js";

interface MoveTask {
  TaskHandle: string;
  Status: "COMPLETED" | "CANCELLED";
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
}

const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 404, { queryErrorCode: "ResourceNotFoundException" });

export class MoveTasks {
  private readonly tasks: MoveTask[] = [];

  constructor(
    private readonly c: SqsContext,
    private readonly queues: QueueOperations,
  ) {}

  private isDeadLetterQueue(arn: string): boolean {
    const rows = this.c.db.prepare("SELECT attributes FROM queues").all() as { attributes: string }[];
    return rows.some((r) => {
      const rp = JSON.parse(r.attributes).RedrivePolicy;
      return rp && JSON.parse(rp).deadLetterTargetArn === arn;
    });
  }

  StartMessageMoveTask(input: any, ctx: CallContext) {
    const sourceArn = input.SourceArn;
    if (typeof sourceArn !== "string" || sourceArn === "") throw invalidParameterValue("The request must contain the parameter SourceArn.");
    const source = this.queues.getByArn(sourceArn);
    if (!source) throw notFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    if (!this.isDeadLetterQueue(sourceArn)) throw invalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
    const destinationArn: string | undefined = input.DestinationArn;
    if (destinationArn !== undefined) {
      if (!this.queues.getByArn(destinationArn)) throw notFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
    const rate = input.MaxNumberOfMessagesPerSecond === undefined ? undefined : Number(input.MaxNumberOfMessagesPerSecond);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw invalidParameterValue("Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
    }
    const messages = this.c.db.prepare("SELECT * FROM messages WHERE queue = ? ORDER BY seq").all(source.name) as MessageRow[];
    const touched = new Set<string>();
    let moved = 0;
    this.c.db.transaction(() => {
      for (const m of messages) {
        // Without a destination each message goes back to the queue it was dead-lettered from.
        const target = this.queues.getByArn(destinationArn ?? m.dlq_source ?? "");
        if (!target) continue;
        this.c.db.prepare("UPDATE messages SET queue = ?, visible_at = ?, receive_count = 0, receipt_nonce = NULL, dlq_source = NULL WHERE seq = ?").run(target.name, Date.now(), m.seq);
        touched.add(target.name);
        moved++;
      }
    })();
    for (const name of touched) this.c.messageAvailable(name);
    const task: MoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString("base64"),
      Status: "COMPLETED",
      SourceArn: sourceArn,
      ...(destinationArn ? { DestinationArn: destinationArn } : {}),
      ...(rate ? { MaxNumberOfMessagesPerSecond: rate } : {}),
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: messages.length,
      StartedTimestamp: Date.now(),
    };
    this.tasks.unshift(task);
    return { TaskHandle: task.TaskHandle };
  }

  ListMessageMoveTasks(input: any, ctx: CallContext) {
    const sourceArn = input.SourceArn;
    if (typeof sourceArn !== "string" || sourceArn === "") throw invalidParameterValue("The request must contain the parameter SourceArn.");
    if (!this.queues.getByArn(sourceArn)) throw notFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    const max = input.MaxResults === undefined ? 1 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 10) throw invalidParameterValue("Value for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10.");
    const results = this.tasks.filter((t) => t.SourceArn === sourceArn).slice(0, max);
    return { Results: results.map(({ TaskHandle: _handle, ...rest }) => rest) };
  }

  CancelMessageMoveTask(input: any, _ctx: CallContext) {
    const task = this.tasks.find((t) => t.TaskHandle === input.TaskHandle);
    if (!task) throw notFound("Task does not exist.");
    // Tasks finish inside StartMessageMoveTask, so there is never one left to cancel.
    throw new AwsError("FailedPrecondition", "Only active tasks can be cancelled.", 400, { queryErrorCode: "FailedPrecondition" });
  }
}
