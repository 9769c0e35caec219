/**
 * The local DynamoDB and DynamoDB Streams service (signing name "dynamodb", awsJson1_0).
 * Requests are routed by X-Amz-Target prefix: DynamoDB_20120810.* or
 * DynamoDBStreams_20120810.*. The same operations run in-process through call().
 */
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import type { Kernel, ServiceDeps } from "../../kernel/kernel.js";
import { OperationHost } from "../../wire/host.js";
import dynamodbModel from "../../wire/models/dynamodb.js";
import streamsModel from "../../wire/models/dynamodbstreams.js";
import { serializeOutput, materialize } from "./raw-json.js";
import { AwsError } from "./errors.js";
import { DynamoStore } from "./store.js";
import type { OpEnv } from "./env.js";
import { DYNAMODB_OPERATIONS, STREAMS_OPERATIONS } from "./operations.js";
import { DYNAMODB_RULES, messageKey, typePrefix } from "./wire-rules.js";
import { TtlSweeper } from "./ttl.js";
import { KinesisForwarder } from "./kinesis-forwarder.js";
import { batchClosed } from "../../server/batch-window.js";

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
    private readonly kernel: Kernel,
    readonly ctx: CallContext,
  ) {
    this.store = service.store;
    this.region = ctx.region;
    this.tokens = service.tokens;
  }

  authorize(action: string, resources: string | string[]): void {
    this.kernel.authorize(this.ctx, action, resources);
  }

  streamWritten(arn: string): void {
    this.service.streamWritten(arn);
  }

  async kinesisStreamExists(streamArn: string): Promise<boolean> {
    try {
      await this.kernel.clients.kinesis.call("DescribeStreamSummary", { StreamARN: streamArn });
      return true;
    } catch (err: any) {
      if (err?.code === "ResourceNotFoundException") return false;
      throw err;
    }
  }
}

export class DynamoDbService implements Service {
  readonly signingName = "dynamodb";
  readonly store: DynamoStore;
  /** @internal ClientRequestToken cache (TransactWriteItems idempotency). */
  readonly tokens = new Map<string, { at: number; hash: string; result: any }>();
  private readonly kernel: Kernel;
  private readonly pendingStreams = new Set<string>();
  private readonly ttl: TtlSweeper;
  private readonly kinesisForwarder: KinesisForwarder;
  private readonly host: OperationHost<OpEnv>;

  constructor({ kernel }: ServiceDeps) {
    this.kernel = kernel;
    this.store = new DynamoStore(kernel.openDatabase("dynamodb"));
    this.ttl = new TtlSweeper(this.store, kernel.region, (arn) => this.streamWritten(arn));
    this.kinesisForwarder = new KinesisForwarder(this.store, () => kernel.clients.kinesis, (message) => console.error(`[local-cloud] dynamodb: ${message}`));
    this.store.kinesisCommitted = () => this.kinesisForwarder.wake();
    this.host = new OperationHost<OpEnv>(kernel, {
      signingName: this.signingName,
      models: [dynamodbModel, streamsModel],
      rules: DYNAMODB_RULES,
      operations: { ...DYNAMODB_OPERATIONS, ...STREAMS_OPERATIONS },
      context: (ctx) => new RequestEnv(this, kernel, ctx),
      errors: {
        validation: (message) => new AwsError("ValidationException", message, 400),
        // Unknown prefix, unknown operation or no target at all: the same error.
        unknownOperation: (_req, { name }) => new AwsError("UnknownOperationException", _req ? "" : `Unknown operation ${name}`, 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: () => new AwsError("InternalServerError", "Internal server error", 500),
      },
      // No depth scan on the hot path: attribute values nest at most 32 levels (normalizeValue)
      // and the compiled validation bounds recursion itself.
      json: { errorTypePrefix: typePrefix, messageKey, serialize: serializeOutput, depthChecked: true },
      // Answer only once what the request wrote (or read uncommitted) is committed; over
      // the wire, also not before the end of the event-loop turn (see batchClosed).
      settle: (via) => this.store.committed() ?? (via === "wire" ? batchClosed() : undefined),
      // In-process callers get the wire's shapes: a JSON round trip (binaries as base64,
      // as the SDK sends them), and items parsed where reads kept their stored text.
      inProcessInput: (input) => JSON.parse(JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v))),
      inProcessOutput: materialize,
    });
  }

  start(): void {
    this.ttl.start();
    // Change records a previous run committed but had not yet handed to Kinesis.
    this.kinesisForwarder.wake();
  }

  /** @internal Settles once committed change records are on their Kinesis streams (tests). */
  kinesisForwarded(): Promise<void> {
    return this.kinesisForwarder.idle();
  }

  close(): void {
    this.ttl.stop();
    this.kinesisForwarder.stop();
    this.store.flush();
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.host.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.host.call(operation, input, ctx);
  }

  /** @internal Announce new records once the write that appended them is committed. */
  streamWritten(streamArn: string): void {
    if (this.pendingStreams.has(streamArn)) return;
    this.pendingStreams.add(streamArn);
    // A failed commit rolled the records back: nothing to announce.
    (this.store.committed() ?? Promise.resolve()).then(
      () => {
        this.pendingStreams.delete(streamArn);
        this.kernel.events.emit("dynamodb:stream", { streamArn });
      },
      () => this.pendingStreams.delete(streamArn),
    );
  }
}
