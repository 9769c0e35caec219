/**
 * Kinesis Data Streams (signing name "kinesis", awsJson1_1, X-Amz-Target
 * "Kinesis_20131202.<Operation>"): streams split into shards by hash key range, records
 * durable in SQLite, read by shard iterator. New records emit `kinesis:records` so
 * Lambda's event source pollers deliver at once.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import kinesisModel from "../../wire/models/kinesis.js";
import { kinesisOperations, type KinesisCall } from "./api.js";
import { streamStatus, type KinesisContext } from "./context.js";
import { validationException } from "./errors.js";
import { RecordOperations } from "./records.js";
import { ConsumerOperations } from "./consumers.js";
import { ReshardOperations } from "./resharding.js";
import { Subscriptions } from "./subscriptions.js";
import { KinesisStore } from "./store.js";
import { StreamOperations } from "./streams.js";
import { StreamModeOperations } from "./stream-mode.js";
import { ShardWriteLimits } from "./write-limits.js";

/** How often records past their stream's retention period are dropped. */
const TRIM_INTERVAL_MS = 60_000;

export class KinesisService implements Service {
  readonly signingName = "kinesis";
  readonly store: KinesisStore;
  private readonly host: OperationHost<KinesisCall>;
  private trimmer?: NodeJS.Timeout;
  private readonly subscriptions: Subscriptions;

  constructor({ kernel }: ServiceDeps) {
    this.store = new KinesisStore(kernel.openDatabase("kinesis"));
    const updatingUntil = new Map<string, number>();
    const context: KinesisContext = {
      store: this.store,
      updatingUntil,
      statusOf: (row) => streamStatus(updatingUntil, row),
      region: kernel.region,
      limits: new ShardWriteLimits(),
      recordsAdded: (streamArn) => kernel.events.emit("kinesis:records", { streamArn }),
    };
    const records = new RecordOperations(context);
    const consumers = new ConsumerOperations(context);
    this.subscriptions = new Subscriptions(records, consumers, kernel.events);
    this.host = new OperationHost<KinesisCall>(kernel, {
      signingName: this.signingName,
      models: [kinesisModel],
      operations: kinesisOperations({
        streams: new StreamOperations(context),
        modes: new StreamModeOperations(context),
        records,
        reshards: new ReshardOperations(context),
        consumers,
        subscriptions: this.subscriptions,
      }),
      context: (call: CallContext): KinesisCall => ({ ...call, authorize: (action, resource) => kernel.authorize(call, action, resource) }),
      errors: {
        validation: (message) => validationException(message),
        unknownOperation: () => new AwsError("UnknownOperationException", "", 400),
        malformedBody: (message) => new AwsError("SerializationException", message, 400),
        internal: () => new AwsError("InternalFailure", "Internal service error.", 500),
      },
    });
  }

  start(): void {
    this.trimmer = setInterval(() => {
      try {
        this.store.trim(Date.now());
      } catch {
        /* the database may be closing */
      }
    }, TRIM_INTERVAL_MS);
    this.trimmer.unref();
  }

  close(): void {
    if (this.trimmer) clearInterval(this.trimmer);
    this.subscriptions.close();
  }

  /** SubscribeToShard, once accepted, is answered by its event stream. */
  async handle(req: AwsRequest): Promise<AwsResponse> {
    return this.subscriptions.answer(req.requestId, await this.host.handle(req));
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.host.call(operation, input, ctx);
  }
}
