/**
 * The two stream services a StreamPoller reads, each through its own public API
 * in-process: DynamoDB Streams and Kinesis. A source lists shards, opens an iterator at
 * a starting position, reads a page of records in the shape Lambda delivers them, and
 * says where a delivered record's sequence number and arrival time are.
 */
import type { CallableService } from "../cloud-deps.js";

export interface StreamShard {
  shardId: string;
  /** The shard ends (a disabled DynamoDB stream, a split or merged Kinesis shard): LATEST skips it. */
  closed: boolean;
  /** Shards to read to their end first: the parents that held the same keys before a reshard. */
  waitFor: string[];
}

export interface StreamSource {
  /** The key of the batch description an OnFailure destination receives. */
  readonly batchInfoKey: "DDBStreamBatchInfo" | "KinesisBatchInfo";
  shards(): Promise<StreamShard[]>;
  /** `timestamp`: epoch seconds, for AT_TIMESTAMP; `sequenceNumber` for AT/AFTER_SEQUENCE_NUMBER. */
  iterator(shardId: string, position: string, timestamp?: number, sequenceNumber?: string): Promise<string | undefined>;
  /** Up to `limit` records as Lambda delivers them, and the iterator to read on with (none: the shard ended). */
  read(shardId: string, iterator: string, limit: number): Promise<{ records: any[]; next?: string }>;
  /** What FilterCriteria patterns are matched against. */
  filterView(record: any): unknown;
  /** What records must stay in order by (ParallelizationFactor): the partition key, or the item's key. */
  orderKeyOf(record: any): string;
  /** A delivered record's sequence number (what batchItemFailures name). */
  sequenceOf(record: any): string;
  arrivalOf(record: any): Date;
}

function required(service: CallableService | undefined, name: string): CallableService {
  if (!service) throw new Error(`${name} is not running`);
  return service;
}

/** DynamoDB Streams: records as the stream gives them, plus eventSourceARN; times in epoch seconds. */
export class DynamoDbStreamSource implements StreamSource {
  readonly batchInfoKey = "DDBStreamBatchInfo";

  constructor(
    private readonly arn: string,
    private readonly dynamodb: CallableService | undefined,
  ) {}

  async shards(): Promise<StreamShard[]> {
    const out = await required(this.dynamodb, "DynamoDB").call("DescribeStream", { StreamArn: this.arn });
    const desc = out?.StreamDescription;
    if (!desc) throw new Error(`stream ${this.arn} not found`);
    return (desc.Shards ?? []).map((s: any) => ({
      shardId: s.ShardId,
      closed: Boolean(s.SequenceNumberRange?.EndingSequenceNumber),
      waitFor: s.ParentShardId ? [s.ParentShardId] : [],
    }));
  }

  async iterator(shardId: string, position: string, _timestamp?: number, sequenceNumber?: string): Promise<string | undefined> {
    // DynamoDB Streams has no AT_TIMESTAMP: such a mapping reads from the start.
    const type = position === "AT_TIMESTAMP" ? "TRIM_HORIZON" : position;
    const input: Record<string, unknown> = { StreamArn: this.arn, ShardId: shardId, ShardIteratorType: type };
    if (sequenceNumber !== undefined) input.SequenceNumber = sequenceNumber;
    const out = await required(this.dynamodb, "DynamoDB").call("GetShardIterator", input);
    return out?.ShardIterator;
  }

  async read(_shardId: string, iterator: string, limit: number) {
    const out = await required(this.dynamodb, "DynamoDB").call("GetRecords", { ShardIterator: iterator, Limit: Math.min(1000, limit) });
    return { records: (out?.Records ?? []).map((r: any) => dynamoDbEventRecord(r, this.arn)), next: out?.NextShardIterator ?? undefined };
  }

  filterView(record: any): unknown {
    return record;
  }

  orderKeyOf(record: any): string {
    const keys = record.dynamodb?.Keys ?? {};
    return JSON.stringify(Object.keys(keys).sort().map((name) => [name, keys[name]]));
  }

  sequenceOf(record: any): string {
    return record.dynamodb?.SequenceNumber;
  }

  arrivalOf(record: any): Date {
    return new Date((record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000);
  }
}

/** The Lambda event record of a DynamoDB stream record: the record plus eventSourceARN; times as epoch seconds. */
export function dynamoDbEventRecord(r: any, arn: string): any {
  const dynamodb = { ...(r.dynamodb ?? {}) };
  const t = dynamodb.ApproximateCreationDateTime;
  if (t instanceof Date) dynamodb.ApproximateCreationDateTime = Math.floor(t.getTime() / 1000);
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? "1.1",
    eventSource: r.eventSource ?? "aws:dynamodb",
    awsRegion: r.awsRegion ?? arn.split(":")[3],
    dynamodb,
    ...(r.userIdentity ? { userIdentity: r.userIdentity } : {}),
    eventSourceARN: arn,
  };
}

/** Kinesis: records wrapped as Lambda delivers them (base64 data, arrival in epoch seconds, eventID `<shard>:<sequence>`). */
export class KinesisStreamSource implements StreamSource {
  readonly batchInfoKey = "KinesisBatchInfo";

  constructor(
    private readonly arn: string,
    private readonly kinesis: CallableService | undefined,
    /** The function's execution role: Lambda names it in every record (invokeIdentityArn). */
    private readonly role: string | undefined,
  ) {}

  async shards(): Promise<StreamShard[]> {
    const listed: any[] = [];
    let token: string | undefined;
    do {
      const out = await required(this.kinesis, "Kinesis").call("ListShards", token ? { NextToken: token } : { StreamARN: this.arn });
      listed.push(...(out?.Shards ?? []));
      token = out?.NextToken;
    } while (token);
    const closed = (s: any) => Boolean(s.SequenceNumberRange?.EndingSequenceNumber);
    // A shard follows every older closed shard whose hash key range overlaps its own: that
    // covers a split's and a merge's parents and the several a uniform rescale can leave.
    const range = (s: any) => [BigInt(s.HashKeyRange.StartingHashKey), BigInt(s.HashKeyRange.EndingHashKey)] as const;
    return listed.map((s) => {
      const [start, end] = range(s);
      const waitFor = listed
        .filter((p) => p.ShardId < s.ShardId && closed(p) && range(p)[0] <= end && start <= range(p)[1])
        .map((p) => p.ShardId);
      return { shardId: s.ShardId, closed: closed(s), waitFor };
    });
  }

  async iterator(shardId: string, position: string, timestamp?: number, sequenceNumber?: string): Promise<string | undefined> {
    const input: Record<string, unknown> = { StreamARN: this.arn, ShardId: shardId, ShardIteratorType: position };
    if (position === "AT_TIMESTAMP") input.Timestamp = new Date((timestamp ?? 0) * 1000);
    if (sequenceNumber !== undefined) input.StartingSequenceNumber = sequenceNumber;
    const out = await required(this.kinesis, "Kinesis").call("GetShardIterator", input);
    return out?.ShardIterator;
  }

  async read(shardId: string, iterator: string, limit: number) {
    const out = await required(this.kinesis, "Kinesis").call("GetRecords", { ShardIterator: iterator, Limit: Math.min(10000, limit) });
    const region = this.arn.split(":")[3];
    const records = (out?.Records ?? []).map((r: any) => ({
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: r.PartitionKey,
        sequenceNumber: r.SequenceNumber,
        data: Buffer.from(r.Data).toString("base64"),
        approximateArrivalTimestamp: new Date(r.ApproximateArrivalTimestamp).getTime() / 1000,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${shardId}:${r.SequenceNumber}`,
      eventName: "aws:kinesis:record",
      ...(this.role ? { invokeIdentityArn: this.role } : {}),
      awsRegion: region,
      eventSourceARN: this.arn,
    }));
    return { records, next: out?.NextShardIterator ?? undefined };
  }

  /** Lambda matches Kinesis patterns against the record's metadata and its data, parsed when it is JSON. */
  filterView(record: any): unknown {
    const { data, ...metadata } = record.kinesis ?? {};
    const text = Buffer.from(String(data ?? ""), "base64").toString("utf8");
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: matched as text */
    }
    return { ...metadata, data: parsed };
  }

  orderKeyOf(record: any): string {
    return record.kinesis?.partitionKey ?? "";
  }

  sequenceOf(record: any): string {
    return record.kinesis?.sequenceNumber;
  }

  arrivalOf(record: any): Date {
    return new Date((record.kinesis?.approximateArrivalTimestamp ?? 0) * 1000);
  }
}
