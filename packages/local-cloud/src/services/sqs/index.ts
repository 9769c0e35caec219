/**
 * SQS: queues and messages, durable in SQLite. Speaks both wire protocols: awsJson1_0
 * (X-Amz-Target "AmazonSQS.<Op>", what current SDKs and CLIs send) and the legacy
 * awsQuery, from one model. Sends emit `sqs:message` so Lambda's event-source poller can
 * wake up.
 */
import { AwsError } from "../../server/aws-error.js";
import type { Kernel, ServiceDeps } from "../../kernel/kernel.js";
import { ACCOUNT_ID, type AwsRequest, type AwsResponse, type CallContext, type Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import sqsModel from "../../wire/models/sqs.js";
import { queueArn, queueUrl, type SqsContext } from "./context.js";
import { accessDenied, invalidParameterValue, missingParameter, queryCodeOf } from "./errors.js";
import { MessageOperations } from "./messages.js";
import { MoveTasks } from "./move-tasks.js";
import { sqsOperations } from "./operations.js";
import { QueueOperations } from "./queues.js";
import { migrateSqs } from "./store.js";
import { Waiters } from "./waiters.js";

/** A query request may name its queue by the path it is sent to (`POST /000000000000/jobs`). */
const QUEUE_PATH = /^\/\d{12}\/[^/]+$/;

export class SqsService implements Service {
  readonly signingName = "sqs";
  readonly queues: QueueOperations;
  readonly messages: MessageOperations;
  readonly moveTasks: MoveTasks;
  private readonly waiters = new Waiters();
  private sweeper?: NodeJS.Timeout;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    const db = kernel.openDatabase("sqs");
    migrateSqs(db);
    const region = kernel.region;
    const context: SqsContext = {
      db,
      endpoint: () => kernel.endpoint,
      region,
      waiters: this.waiters,
      messageAvailable: (name) => {
        this.waiters.notify(name);
        kernel.events.emit("sqs:message", { queueArn: queueArn(region, name), queueUrl: queueUrl(kernel.endpoint, name) });
      },
      senderId: (ctx) => senderId(kernel, ctx),
    };
    this.queues = new QueueOperations(context);
    this.messages = new MessageOperations(context, this.queues);
    this.moveTasks = new MoveTasks(context, this.queues);
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: sqsModel,
      // SQS answers unknown attribute names and other values itself.
      rules: { enforceEnums: false, javaNamespace: "com.amazonaws.sqs" },
      operations: sqsOperations(this),
      errors: {
        // SQS names a missing member itself; its model states few other constraints.
        validation: (message, violations) => {
          const missing = violations.find((v) => v.constraint === "Member must not be null" && !v.path.includes("."));
          return missing ? missingParameter(missing.member) : invalidParameterValue(message);
        },
        accessDenied,
        unknownOperation: (req, { name }) =>
          req?.headers["x-amz-target"] !== undefined
            ? new AwsError("UnknownOperationException", "", 400)
            : new AwsError("InvalidAction", `The action ${name} is not valid for this web service.`, 400, { queryErrorCode: "InvalidAction" }),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        malformedValue: (message) => invalidParameterValue(message),
        internal: (err) => new AwsError("InternalError", String((err as Error)?.message ?? err), 500),
      },
      json: { errorTypePrefix: () => "com.amazonaws.sqs#", queryCompatible: true },
      query: {
        errorCode: queryCodeOf,
        fromPath: (req, input) => {
          if (input.QueueUrl === undefined && QUEUE_PATH.test(req.path)) input.QueueUrl = req.path;
        },
      },
    });
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

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}

/** The SenderId attribute of a message: the account, or `<role id>:<session>` for a role session. */
function senderId(kernel: Kernel, ctx: CallContext): string {
  const p = ctx.principal;
  if (p.admin || !p.roleArn) return ACCOUNT_ID;
  const role = kernel.identity.role(p.roleArn);
  return `${role?.roleId ?? p.accessKeyId}:${p.arn.slice(p.arn.lastIndexOf("/") + 1)}`;
}
