/**
 * CloudWatch Logs (awsJson1_1, target "Logs_20140328.<Op>", signing name "logs").
 * The Lambda runtime writes every invocation's lines through `call("PutLogEvents")`,
 * in-process as the admin: that path skips IAM and JSON entirely.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import logsModel from "../../wire/models/logs.js";
import { logsOperations } from "./api.js";
import { LogsOperations } from "./operations.js";
import { LogsStore } from "./store.js";

/** How often events past their group's retention are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

export class LogsService implements Service {
  readonly signingName = "logs";
  readonly store: LogsStore;
  private readonly ops: LogsOperations;
  private sweeper: NodeJS.Timeout | undefined;

  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps, opts: { now?: () => number } = {}) {
    this.store = new LogsStore(kernel.openDatabase("logs"));
    this.ops = new LogsOperations({ store: this.store, region: kernel.region, now: opts.now });
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: logsModel,
      operations: logsOperations(this.ops),
      errors: {
        validation: (message) => new AwsError("InvalidParameterException", message, 400),
        unknownOperation: (req, { name }) => new AwsError("UnknownOperationException", req ? `Unknown target ${req.headers["x-amz-target"] ?? ""}` : `The operation ${name} is not supported by the local CloudWatch Logs`, 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: (err) => {
          console.error("[local-cloud] logs failed", err);
          return new AwsError("ServiceUnavailableException", "The service cannot complete the request.", 500);
        },
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Deletes events older than their group's retention; returns how many. */
  sweep(now = Date.now()): number {
    try {
      return this.store.expire(now);
    } catch {
      return 0; // the database may be closing; the next sweep catches up
    }
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
