/**
 * SQS's operations: the IAM action and resource of each and its implementation. Input
 * shapes come from the generated model (wire/models/sqs.ts), served as awsJson and as
 * the legacy query protocol.
 */
import type sqsModel from "../../wire/models/sqs.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import { queueArn, queueNameOf } from "./context.js";
import type { MessageOperations } from "./messages.js";
import type { MoveTasks } from "./move-tasks.js";
import type { QueueOperations } from "./queues.js";

export interface SqsParts {
  queues: QueueOperations;
  messages: MessageOperations;
  moveTasks: MoveTasks;
}

/** SQS names actions in lower case in its AccessDenied messages (policies match either way). */
const action = (name: string) => `sqs:${name.toLowerCase()}`;

/** The action on the queue a QueueUrl names (an address of another endpoint is InvalidAddress). */
function onQueueUrl(name: string) {
  return (input: { QueueUrl: string }, ctx: CallContext): Authorization => ({ action: action(name), resource: queueArn(ctx.region, queueNameOf(input.QueueUrl)) });
}

function onQueueName(name: string) {
  return (input: { QueueName: string }, ctx: CallContext): Authorization => ({ action: action(name), resource: queueArn(ctx.region, input.QueueName) });
}

export function sqsOperations({ queues, messages, moveTasks }: SqsParts): OperationSpecs<typeof sqsModel, CallContext> {
  return {
    CreateQueue: { iam: onQueueName("CreateQueue"), run: (i, ctx) => queues.CreateQueue(i, ctx) },
    GetQueueUrl: { iam: onQueueName("GetQueueUrl"), run: (i, ctx) => queues.GetQueueUrl(i, ctx) },
    ListQueues: { iam: () => ({ action: action("ListQueues"), resource: "*" }), run: (i, ctx) => queues.ListQueues(i, ctx) },
    GetQueueAttributes: { iam: onQueueUrl("GetQueueAttributes"), run: (i, ctx) => queues.GetQueueAttributes(i, ctx) },
    SetQueueAttributes: { iam: onQueueUrl("SetQueueAttributes"), run: (i, ctx) => queues.SetQueueAttributes(i, ctx) },
    DeleteQueue: { iam: onQueueUrl("DeleteQueue"), run: (i, ctx) => queues.DeleteQueue(i, ctx) },
    PurgeQueue: { iam: onQueueUrl("PurgeQueue"), run: (i, ctx) => queues.PurgeQueue(i, ctx) },
    TagQueue: { iam: onQueueUrl("TagQueue"), run: (i, ctx) => queues.TagQueue(i, ctx) },
    UntagQueue: { iam: onQueueUrl("UntagQueue"), run: (i, ctx) => queues.UntagQueue(i, ctx) },
    ListQueueTags: { iam: onQueueUrl("ListQueueTags"), run: (i, ctx) => queues.ListQueueTags(i, ctx) },
    ListDeadLetterSourceQueues: { iam: onQueueUrl("ListDeadLetterSourceQueues"), run: (i, ctx) => queues.ListDeadLetterSourceQueues(i, ctx) },
    SendMessage: { iam: onQueueUrl("SendMessage"), run: (i, ctx) => messages.SendMessage(i, ctx) },
    SendMessageBatch: { iam: onQueueUrl("SendMessage"), run: (i, ctx) => messages.SendMessageBatch(i, ctx) },
    ReceiveMessage: { iam: onQueueUrl("ReceiveMessage"), run: (i, ctx) => messages.ReceiveMessage(i, ctx) },
    DeleteMessage: { iam: onQueueUrl("DeleteMessage"), run: (i, ctx) => messages.DeleteMessage(i, ctx) },
    DeleteMessageBatch: { iam: onQueueUrl("DeleteMessage"), run: (i, ctx) => messages.DeleteMessageBatch(i, ctx) },
    ChangeMessageVisibility: { iam: onQueueUrl("ChangeMessageVisibility"), run: (i, ctx) => messages.ChangeMessageVisibility(i, ctx) },
    ChangeMessageVisibilityBatch: { iam: onQueueUrl("ChangeMessageVisibility"), run: (i, ctx) => messages.ChangeMessageVisibilityBatch(i, ctx) },
    StartMessageMoveTask: {
      // Moving to a named destination also sends to it.
      iam: (i) => [{ action: action("StartMessageMoveTask"), resource: i.SourceArn }, ...(i.DestinationArn ? [{ action: action("SendMessage"), resource: i.DestinationArn }] : [])],
      run: (i, ctx) => moveTasks.StartMessageMoveTask(i, ctx),
    },
    ListMessageMoveTasks: { iam: (i) => ({ action: action("ListMessageMoveTasks"), resource: i.SourceArn }), run: (i, ctx) => moveTasks.ListMessageMoveTasks(i, ctx) },
    // The task handle names its source queue; a task never outlives its start (see move-tasks.ts).
    CancelMessageMoveTask: { iam: () => ({ action: action("CancelMessageMoveTask"), resource: "*" }), run: (i, ctx) => moveTasks.CancelMessageMoveTask(i, ctx) },
  };
}
