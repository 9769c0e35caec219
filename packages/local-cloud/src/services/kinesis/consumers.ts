/**
 * Enhanced fan-out consumers: RegisterStreamConsumer, DescribeStreamConsumer,
 * DeregisterStreamConsumer, ListStreamConsumers. A consumer is named by its stream and
 * name, or by its ARN (`<stream ARN>/consumer/<name>:<creation epoch seconds>`), and is
 * ACTIVE as soon as it is registered, as streams are. SubscribeToShard (records pushed
 * over an HTTP/2 event stream) is not served: a consumer's reader uses GetRecords.
 */
import { ACCOUNT_ID } from "../../types.js";
import { requireStream, streamArn, type KinesisContext } from "./context.js";
import { invalidArgument, limitExceeded, resourceInUse, resourceNotFound } from "./errors.js";
import type { ConsumerRow, StreamRow } from "./store.js";

/** Kinesis's quota of registered consumers per stream. */
export const MAX_CONSUMERS_PER_STREAM = 20;

interface ConsumerNaming {
  StreamARN?: string;
  ConsumerName?: string;
  ConsumerARN?: string;
}

export function consumerArn(region: string, stream: StreamRow, consumer: ConsumerRow): string {
  return `${streamArn(region, stream.name)}/consumer/${consumer.name}:${Math.floor(consumer.created / 1000)}`;
}

/** The stream ARN and consumer name a consumer ARN holds, if it is one. */
export function parseConsumerArn(arn: string): { streamArn: string; name: string; createdSeconds: number } | undefined {
  const m = /^(arn:aws[\w-]*:kinesis:[\w-]+:\d{12}:stream\/[\w.-]+)\/consumer\/([\w.-]+):(\d+)$/.exec(arn);
  return m ? { streamArn: m[1]!, name: m[2]!, createdSeconds: Number(m[3]) } : undefined;
}

export class ConsumerOperations {
  constructor(private readonly c: KinesisContext) {}

  RegisterStreamConsumer(input: { StreamARN: string; ConsumerName: string; Tags?: Record<string, string> }) {
    const stream = requireStream(this.c, { StreamARN: input.StreamARN });
    const existing = this.c.store.consumers(stream.name);
    if (existing.some((c) => c.name === input.ConsumerName)) {
      throw resourceInUse(`Consumer ${input.ConsumerName} under stream ${stream.name} under account ${ACCOUNT_ID} already exists.`);
    }
    if (existing.length >= MAX_CONSUMERS_PER_STREAM) {
      throw limitExceeded(`Stream ${stream.name} under account ${ACCOUNT_ID} already has ${existing.length} registered consumers, the most a stream may have.`);
    }
    const row: ConsumerRow = { name: input.ConsumerName, created: Date.now(), tags: JSON.stringify(input.Tags ?? {}) };
    this.c.store.insertConsumer(stream.name, row);
    const { StreamARN: _, ...consumer } = this.describe(stream, row);
    return { Consumer: consumer };
  }

  DescribeStreamConsumer(input: ConsumerNaming) {
    const { stream, consumer } = this.find(input);
    return { ConsumerDescription: this.describe(stream, consumer) };
  }

  DeregisterStreamConsumer(input: ConsumerNaming): Record<string, never> {
    const { stream, consumer } = this.find(input);
    this.c.store.deleteConsumer(stream.name, consumer.name);
    return {};
  }

  ListStreamConsumers(input: { StreamARN: string; NextToken?: string; MaxResults?: number }) {
    const stream = requireStream(this.c, { StreamARN: input.StreamARN });
    let after: string | undefined;
    if (input.NextToken !== undefined) {
      after = Buffer.from(input.NextToken, "base64").toString("utf8");
      if (!after) throw invalidArgument("Invalid NextToken.");
    }
    const all = this.c.store.consumers(stream.name).filter((c) => after === undefined || c.name > after);
    const page = all.slice(0, input.MaxResults ?? 100);
    return {
      Consumers: page.map((c) => {
        const { StreamARN: _arn, ...rest } = this.describe(stream, c);
        return rest;
      }),
      ...(all.length > page.length ? { NextToken: Buffer.from(page[page.length - 1]!.name).toString("base64") } : {}),
    };
  }

  private describe(stream: StreamRow, consumer: ConsumerRow) {
    return {
      ConsumerName: consumer.name,
      ConsumerARN: consumerArn(this.c.region, stream, consumer),
      ConsumerStatus: "ACTIVE",
      ConsumerCreationTimestamp: new Date(consumer.created),
      StreamARN: streamArn(this.c.region, stream.name),
    };
  }

  /** A consumer by ARN, or by stream ARN and name (one way or the other, as Kinesis asks). */
  private find(input: ConsumerNaming): { stream: StreamRow; consumer: ConsumerRow } {
    let streamArnText = input.StreamARN;
    let name = input.ConsumerName;
    let createdSeconds: number | undefined;
    if (input.ConsumerARN !== undefined) {
      if (input.StreamARN !== undefined || input.ConsumerName !== undefined) throw invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided, not both.");
      const parsed = parseConsumerArn(input.ConsumerARN);
      if (!parsed) throw invalidArgument(`Invalid ConsumerARN ${input.ConsumerARN}.`);
      ({ streamArn: streamArnText, name, createdSeconds } = parsed);
    } else if (streamArnText === undefined || name === undefined) {
      throw invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
    }
    const stream = requireStream(this.c, { StreamARN: streamArnText });
    const consumer = this.c.store.consumers(stream.name).find((c) => c.name === name && (createdSeconds === undefined || Math.floor(c.created / 1000) === createdSeconds));
    if (!consumer) throw resourceNotFound(`Consumer ${input.ConsumerARN ?? name} under stream ${stream.name} under account ${ACCOUNT_ID} not found.`);
    return { stream, consumer };
  }
}
