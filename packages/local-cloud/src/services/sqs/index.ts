/**
 * SQS: queues and messages, durable in SQLite. Speaks both wire protocols: awsJson1_0
 * (X-Amz-Target "AmazonSQS.<Op>", what current SDKs and CLIs send) and the legacy
 * awsQuery. Sends emit `sqs:message` so Lambda's event-source poller can wake up.
 */
import { AwsError } from "../../server/aws-error.js";
import { jsonErrorResponse, jsonResponse, parseJsonBody } from "../../server/protocols/json.js";
import { parseQueryRequest, queryErrorResponse, queryResponse } from "../../server/protocols/query.js";
import { ACCOUNT_ID, DEFAULT_REGION, type AwsRequest, type AwsResponse, type CallContext, type Service, type ServiceDeps } from "../../types.js";
import { queueArn, queueUrl, type SqsContext } from "./context.js";
import { accessDenied, queryCodeOf } from "./errors.js";
import { MessageOperations } from "./messages.js";
import { MoveTasks } from "./move-tasks.js";
import { outputToXml, queryToInput } from "./query-wire.js";
import { QueueOperations } from "./queues.js";
import { migrateSqs } from "./store.js";
import { Waiters } from "./waiters.js";

export const SQS_XMLNS = "http://queue.amazonaws.com/doc/2012-11-05/";
const JSON_TYPE_PREFIX = "com.amazonaws.sqs#";

const QUEUE_OPS = [
  "CreateQueue", "GetQueueUrl", "ListQueues", "GetQueueAttributes", "SetQueueAttributes", "DeleteQueue", "PurgeQueue",
  "TagQueue", "UntagQueue", "ListQueueTags", "ListDeadLetterSourceQueues",
] as const;
const MESSAGE_OPS = [
  "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
] as const;
const MOVE_OPS = ["StartMessageMoveTask", "ListMessageMoveTasks", "CancelMessageMoveTask"] as const;
const QUEUE_SET = new Set<string>(QUEUE_OPS);
const MOVE_SET = new Set<string>(MOVE_OPS);
const MESSAGE_SET = new Set<string>(MESSAGE_OPS);

/** Buffers (binary attribute values) travel as base64 in JSON. */
function binaryToBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(binaryToBase64);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = binaryToBase64(v);
    return out;
  }
  return value;
}

export class SqsService implements Service {
  readonly signingName = "sqs";
  readonly queues: QueueOperations;
  readonly messages: MessageOperations;
  readonly moveTasks: MoveTasks;
  private readonly waiters = new Waiters();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly deps: ServiceDeps) {
    const cloud = deps.cloud;
    const db = cloud.openDatabase("sqs");
    migrateSqs(db);
    const region = cloud.region ?? DEFAULT_REGION;
    const context: SqsContext = {
      db,
      endpoint: () => cloud.endpoint,
      region,
      waiters: this.waiters,
      // SQS names actions in lower case in its AccessDenied messages.
      authorize: (ctx, action, arn) => cloud.authorize(ctx, action.toLowerCase(), arn, accessDenied),
      messageAvailable: (name) => {
        this.waiters.notify(name);
        cloud.events.emit("sqs:message", { queueArn: queueArn(region, name), queueUrl: queueUrl(cloud.endpoint, name) });
      },
      senderId: (ctx) => this.senderId(ctx),
    };
    this.queues = new QueueOperations(context);
    this.messages = new MessageOperations(context, this.queues);
    this.moveTasks = new MoveTasks(context, this.queues);
  }

  private senderId(ctx: CallContext): string {
    const p = ctx.principal;
    if (p.admin || !p.roleArn) return ACCOUNT_ID;
    const role = this.deps.cloud.iam?.ops?.roleByArn(p.roleArn);
    return `${role?.role_id ?? p.accessKeyId}:${p.arn.slice(p.arn.lastIndexOf("/") + 1)}`;
  }

  start(): void {
    // Retention expiry for queues nobody reads; receives also expire as they go.
    this.sweeper = setInterval(() => {
      try {
        this.messages.sweepExpired();
      } catch {
        /* the database may be closing */
      }
    }, 60_000);
    this.sweeper.unref();
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.waiters.close();
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const target = req.headers["x-amz-target"];
    const ctx: CallContext = { region: req.region, principal: req.principal, requestId: req.requestId };
    if (target !== undefined) {
      try {
        const dot = target.lastIndexOf(".");
        if (target.slice(0, dot) !== "AmazonSQS") throw new AwsError("UnknownOperationException", "", 400);
        const output = await this.call(target.slice(dot + 1), parseJsonBody(req), ctx);
        return jsonResponse(binaryToBase64(output), "application/x-amz-json-1.0");
      } catch (err) {
        const e = err instanceof AwsError ? err : new AwsError("InternalError", String((err as Error)?.message ?? err), 500);
        return jsonErrorResponse(e, { typePrefix: JSON_TYPE_PREFIX, queryCompatible: true });
      }
    }
    try {
      const { action, params } = parseQueryRequest(req);
      const pathUrl = /^\/\d{12}\/[^/]+$/.test(req.path) ? req.path : undefined;
      const output = await this.call(action, queryToInput(action, params, pathUrl), ctx);
      return queryResponse(action, outputToXml(action, output), req.requestId, SQS_XMLNS);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalError", String((err as Error)?.message ?? err), 500);
      return queryErrorResponse(new AwsError(queryCodeOf(e), e.message, e.status, {}, e.fault), req.requestId, SQS_XMLNS);
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const context: CallContext = {
      region: ctx?.region ?? this.deps.cloud.region ?? DEFAULT_REGION,
      principal: ctx?.principal ?? { accessKeyId: "test", arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true },
      requestId: ctx?.requestId ?? "internal",
    };
    const args = input && typeof input === "object" ? input : {};
    if (QUEUE_SET.has(operation)) return this.queues[operation as (typeof QUEUE_OPS)[number]](args, context);
    if (MESSAGE_SET.has(operation)) return this.messages[operation as (typeof MESSAGE_OPS)[number]](args, context);
    if (MOVE_SET.has(operation)) return this.moveTasks[operation as (typeof MOVE_OPS)[number]](args, context);
    throw new AwsError("InvalidAction", `The action ${operation} is not valid for this web service.`, 400, { queryErrorCode: "InvalidAction" });
  }
}
