/**
 * The local DynamoDB and DynamoDB Streams service (signing name "dynamodb", awsJson1_0).
 * Requests are routed by X-Amz-Target prefix: DynamoDB_20120810.* or
 * DynamoDBStreams_20120810.*. The same operations run in-process through call().
 */
import type { AwsRequest, AwsResponse, CallContext, Service, ServiceDeps } from "../../types.js";
import type { LocalCloud } from "../../cloud.js";
import { parseJsonBody, jsonErrorResponse } from "../../server/protocols/json.js";
import { serializeOutput, materialize } from "./raw-json.js";
import { AwsError, typePrefix } from "./errors.js";
import { DynamoStore } from "./store.js";
import type { OpEnv } from "./env.js";
import * as tables from "./table-ops.js";
import * as items from "./item-ops.js";
import * as reads from "./query-scan.js";
import * as batch from "./batch-ops.js";
import * as transact from "./transact-ops.js";
import * as streams from "./streams-api.js";
import * as partiql from "./partiql.js";
import { TtlSweeper } from "./ttl.js";
import { afterBatch } from "../../server/batch-window.js";

type Op = (env: OpEnv, input: any) => any;

const DYNAMODB_OPS: Record<string, Op> = {
  CreateTable: tables.createTable,
  DescribeTable: tables.describeTableOp,
  DeleteTable: tables.deleteTable,
  ListTables: tables.listTables,
  UpdateTable: tables.updateTable,
  UpdateTimeToLive: tables.updateTimeToLive,
  DescribeTimeToLive: tables.describeTimeToLive,
  TagResource: tables.tagResource,
  UntagResource: tables.untagResource,
  ListTagsOfResource: tables.listTagsOfResource,
  DescribeContinuousBackups: tables.describeContinuousBackups,
  UpdateContinuousBackups: tables.updateContinuousBackups,
  DescribeLimits: tables.describeLimits,
  DescribeEndpoints: tables.describeEndpoints,
  PutItem: items.putItem,
  GetItem: items.getItem,
  UpdateItem: items.updateItem,
  DeleteItem: items.deleteItem,
  Query: reads.query,
  Scan: reads.scan,
  BatchGetItem: batch.batchGetItem,
  BatchWriteItem: batch.batchWriteItem,
  TransactGetItems: transact.transactGetItems,
  TransactWriteItems: transact.transactWriteItems,
  ExecuteStatement: partiql.executeStatement,
  BatchExecuteStatement: partiql.batchExecuteStatement,
  ExecuteTransaction: partiql.executeTransaction,
};

const STREAMS_OPS: Record<string, Op> = {
  ListStreams: streams.listStreams,
  DescribeStream: streams.describeStream,
  GetShardIterator: streams.getShardIterator,
  GetRecords: streams.getRecords,
};

/** Operations by their whole X-Amz-Target value: one lookup per request, no string slicing. */
const BY_TARGET = new Map<string, Op>([
  ...Object.entries(DYNAMODB_OPS).map(([name, op]) => [`DynamoDB_20120810.${name}`, op] as [string, Op]),
  ...Object.entries(STREAMS_OPS).map(([name, op]) => [`DynamoDBStreams_20120810.${name}`, op] as [string, Op]),
]);

const RESPONSE_CONTENT_TYPE = "application/x-amz-json-1.0";

/**
 * The OpEnv of one request. A class (methods on the prototype) rather than an object
 * literal of closures: building it is one allocation, with no per-request functions.
 */
class RequestEnv implements OpEnv {
  readonly store: DynamoStore;
  readonly region: string;
  readonly tokens: Map<string, { at: number; hash: string; result: any }>;

  constructor(
    private readonly service: DynamoDbService,
    private readonly cloud: LocalCloud,
    readonly ctx: CallContext,
  ) {
    this.store = service.store;
    this.region = ctx.region;
    this.tokens = service.tokens;
  }

  authorize(action: string, resources: string | string[]): void {
    this.cloud.authorize(this.ctx, action, resources);
  }

  streamWritten(arn: string): void {
    this.service.streamWritten(arn);
  }
}

export class DynamoDbService implements Service {
  readonly signingName = "dynamodb";
  readonly store: DynamoStore;
  private readonly cloud: LocalCloud;
  /** @internal ClientRequestToken cache (TransactWriteItems idempotency). */
  readonly tokens = new Map<string, { at: number; hash: string; result: any }>();
  private readonly pendingStreams = new Set<string>();
  private readonly ttl: TtlSweeper;

  constructor({ cloud }: ServiceDeps) {
    this.cloud = cloud;
    this.store = new DynamoStore(cloud.openDatabase("dynamodb"));
    this.ttl = new TtlSweeper(this.store, cloud.region, (arn) => this.streamWritten(arn));
  }

  start(): void {
    this.ttl.start();
  }

  close(): void {
    this.ttl.stop();
    this.store.flush();
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      // Unknown prefix, unknown operation or no target at all: the same error.
      const op = BY_TARGET.get(req.headers["x-amz-target"] ?? "");
      if (!op) throw new AwsError("UnknownOperationException", "", 400);
      // No depth scan on the hot path: attribute values are refused past 32 levels as they
      // are read (normalizeValue), and no other member nests.
      const input = parseJsonBody(req, { depthChecked: true });
      const ctx: CallContext = { region: req.region || this.cloud.region, principal: req.principal, requestId: req.requestId };
      const output = op(new RequestEnv(this, this.cloud, ctx), input);
      // Answer only once what this request wrote (or read uncommitted) is committed.
      await (this.store.committed() ?? this.endOfTurn());
      return { status: 200, headers: { "content-type": RESPONSE_CONTENT_TYPE, "x-amzn-requestid": req.requestId }, body: serializeOutput(output ?? {}) };
    } catch (err) {
      // An error may have been decided on writes still waiting for their commit (a failed
      // condition): it too is answered only once they are durable.
      const pending = this.store.committed();
      if (pending) await pending.catch(() => {});
      return this.errorResponse(err, req.requestId);
    }
  }

  async call(operation: string, input: any, ctx: Partial<CallContext> = {}): Promise<any> {
    const op = DYNAMODB_OPS[operation] ?? STREAMS_OPS[operation];
    if (!op) throw new AwsError("UnknownOperationException", `Unknown operation ${operation}`, 400);
    const admin = this.cloud.adminContext();
    const full: CallContext = { region: ctx.region ?? admin.region, principal: ctx.principal ?? admin.principal, requestId: ctx.requestId ?? admin.requestId };
    // Round-trip through JSON so in-process callers get the same shapes as the wire
    // (and Uint8Array binaries become base64 like the SDK sends them).
    const wireInput = JSON.parse(JSON.stringify(input ?? {}, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v)));
    const output = op(new RequestEnv(this, this.cloud, full), wireInput);
    const pending = this.store.committed();
    if (pending) await pending;
    return materialize(output);
  }

  private turn?: Promise<void>;

  /**
   * Resolves after the current event-loop turn's I/O callbacks ran. Answers wait for it
   * (as writes wait for their group commit) so that the responses to every request read
   * in one turn go out together: the client side then wakes once per batch instead of
   * once per response, which roughly halves the kernel and event-loop cost per request
   * under concurrency at the price of microseconds of latency.
   */
  private endOfTurn(): Promise<void> {
    return (this.turn ??= new Promise<void>((resolve) =>
      afterBatch(() => {
        this.turn = undefined;
        resolve();
      }),
    ));
  }

  /** @internal Announce new records once the write that appended them is committed. */
  streamWritten(streamArn: string): void {
    if (this.pendingStreams.has(streamArn)) return;
    this.pendingStreams.add(streamArn);
    // A failed commit rolled the records back: nothing to announce.
    (this.store.committed() ?? Promise.resolve()).then(
      () => {
        this.pendingStreams.delete(streamArn);
        this.cloud.events.emit("dynamodb:stream", { streamArn });
      },
      () => this.pendingStreams.delete(streamArn),
    );
  }

  private errorResponse(err: unknown, requestId: string): AwsResponse {
    let e: AwsError;
    if (err instanceof AwsError) e = err;
    else {
      console.error("[dynamodb] internal error", err);
      e = new AwsError("InternalServerError", "Internal server error", 500);
    }
    const res = jsonErrorResponse(e, { typePrefix: typePrefix(e.code) });
    res.headers = { ...res.headers, "x-amzn-requestid": requestId };
    return res;
  }
}
