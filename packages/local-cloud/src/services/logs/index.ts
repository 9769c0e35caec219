/**
 * CloudWatch Logs (awsJson1_1, target "Logs_20140328.<Op>", signing name "logs").
 * The Lambda runtime writes every invocation's lines through `call("PutLogEvents")`,
 * in-process as the admin: that path skips IAM and JSON entirely.
 */
import type { Database } from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import { jsonErrorResponse, jsonResponse, jsonTarget, parseJsonBody } from "../../server/protocols/json.js";
import { ACCOUNT_ID, type AwsRequest, type AwsResponse, type CallContext, type Principal, type Service } from "../../types.js";
import { LogsOperations } from "./operations.js";
import { LogsStore } from "./store.js";

const CONTENT_TYPE = "application/x-amz-json-1.1";
const TARGET_PREFIX = "Logs_20140328";
/** How often events past their group's retention are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

export interface LogsCloud {
  readonly region: string;
  openDatabase(name: string): Database;
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError): void;
}

const ADMIN: Principal = { accessKeyId: "test", arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true };

export class LogsService implements Service {
  readonly signingName = "logs";
  readonly store: LogsStore;
  private readonly ops: LogsOperations;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { cloud: LogsCloud }, opts: { now?: () => number } = {}) {
    this.store = new LogsStore(deps.cloud.openDatabase("logs"));
    this.ops = new LogsOperations({ store: this.store, region: deps.cloud.region, now: opts.now });
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const { prefix, operation } = jsonTarget(req);
      if (prefix !== TARGET_PREFIX) throw new AwsError("UnknownOperationException", `Unknown target prefix ${prefix}`, 400);
      const input = parseJsonBody(req);
      const output = await this.call(operation, input, { principal: req.principal, region: req.region, requestId: req.requestId });
      return jsonResponse(output, CONTENT_TYPE, { "x-amzn-requestid": req.requestId });
    } catch (err) {
      const e = err instanceof AwsError ? err : internalFailure(err);
      const res = jsonErrorResponse(e, { contentType: CONTENT_TYPE });
      res.headers = { ...res.headers, "x-amzn-requestid": req.requestId };
      return res;
    }
  }

  async call(operation: string, input: any, ctx: Partial<CallContext> = {}): Promise<any> {
    const op = this.ops.operations[operation];
    if (!op) throw new AwsError("UnknownOperationException", `The operation ${operation} is not supported by the local CloudWatch Logs`, 400);
    const args = input ?? {};
    const principal = ctx.principal ?? ADMIN;
    if (!principal.admin) {
      const context: CallContext = { principal, region: ctx.region ?? this.deps.cloud.region, requestId: ctx.requestId ?? "" };
      this.deps.cloud.authorize(context, `logs:${operation}`, this.ops.resourceFor(operation, args));
    }
    return op(args);
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

function internalFailure(err: unknown): AwsError {
  console.error("[local-cloud] logs failed", err);
  return new AwsError("ServiceUnavailableException", "The service cannot complete the request.", 500);
}
