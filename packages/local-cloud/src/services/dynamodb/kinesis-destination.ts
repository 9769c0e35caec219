/**
 * Kinesis Data Streams for DynamoDB: a table may name a Kinesis stream
 * (EnableKinesisStreamingDestination; CloudFormation's KinesisStreamSpecification), and
 * then every item change is also published to that stream as a JSON record in the
 * format DynamoDB writes there (`recordFormat: "application/json"`, both images,
 * creation time in milliseconds or microseconds).
 *
 * A change record is put in an outbox table in the same SQLite transaction as the write
 * (store.ts), and the forwarder (kinesis-forwarder.ts) moves committed records to the
 * stream, so a record is never lost between the write and Kinesis, and never sent for a
 * write that rolled back.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Item } from "./attribute-value.js";
import { itemSize } from "./attribute-value.js";
import type { OpEnv } from "./env.js";
import { requireTable } from "./env.js";
import { resourceNotFound, validation } from "./errors.js";
import type { TableMeta } from "./table-meta.js";
import { validateTableName } from "./table-meta.js";
import type { StreamChange, StreamWriteOptions } from "./stream-records.js";

export interface KinesisDestination {
  StreamArn: string;
  DestinationStatus: "ACTIVE" | "DISABLED";
  ApproximateCreationDateTimePrecision: "MILLISECOND" | "MICROSECOND";
}

const STREAM_ARN = /^arn:aws[\w-]*:kinesis:[^:]+:\d{12}:stream\/[a-zA-Z0-9_.-]+$/;

/** The destination changes are published to, if one is active. */
export function activeDestination(meta: TableMeta): KinesisDestination | undefined {
  return meta.kinesisDestinations?.find((d) => d.DestinationStatus === "ACTIVE");
}

/** The record DynamoDB puts on the stream for one change, and the partition key it puts it under. */
export function kinesisChangeRecord(meta: TableMeta, region: string, dest: KinesisDestination, change: StreamChange, oldItem: Item | undefined, newItem: Item | undefined, opts: StreamWriteOptions) {
  const now = Date.now();
  const dynamodb: Record<string, unknown> = {
    ApproximateCreationDateTime: dest.ApproximateCreationDateTimePrecision === "MICROSECOND" ? now * 1000 : now,
    Keys: change.keys,
  };
  let size = itemSize(change.keys);
  if (newItem) {
    dynamodb.NewImage = newItem;
    size += itemSize(newItem);
  }
  if (oldItem) {
    dynamodb.OldImage = oldItem;
    size += itemSize(oldItem);
  }
  dynamodb.SizeBytes = size;
  if (dest.ApproximateCreationDateTimePrecision === "MICROSECOND") dynamodb.ApproximateCreationDateTimePrecision = "MICROSECOND";
  const record = {
    awsRegion: region,
    eventID: randomUUID(),
    eventName: change.eventName,
    userIdentity: opts.userIdentity ?? null,
    recordFormat: "application/json",
    tableName: meta.name,
    dynamodb,
    eventSource: "aws:dynamodb",
  };
  // Changes to one item share a partition key, so they stay in order on one shard.
  const partitionKey = createHash("md5").update(meta.name).update(JSON.stringify(change.keys)).digest("hex").toUpperCase();
  return { partitionKey, record };
}

interface DestinationInput {
  TableName: string;
  StreamArn: string;
  EnableKinesisStreamingConfiguration?: { ApproximateCreationDateTimePrecision?: "MILLISECOND" | "MICROSECOND" };
}

export async function enableKinesisStreamingDestination(env: OpEnv, input: DestinationInput) {
  validateTableName(input.TableName);
  const meta: TableMeta = structuredClone(requireTable(env, input.TableName, true));
  if (!STREAM_ARN.test(input.StreamArn)) throw validation(`Invalid StreamArn: ${input.StreamArn}`);
  const active = activeDestination(meta);
  if (active) {
    throw validation(active.StreamArn === input.StreamArn ? `Table ${meta.name} is already streaming to ${input.StreamArn}` : `Table ${meta.name} already has an active Kinesis streaming destination: ${active.StreamArn}`);
  }
  if (!(await env.kinesisStreamExists(input.StreamArn))) throw resourceNotFound(`Requested resource not found: Kinesis stream ${input.StreamArn} not found`);
  const precision = input.EnableKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision ?? "MILLISECOND";
  const others = (meta.kinesisDestinations ?? []).filter((d) => d.StreamArn !== input.StreamArn);
  meta.kinesisDestinations = [...others, { StreamArn: input.StreamArn, DestinationStatus: "ACTIVE", ApproximateCreationDateTimePrecision: precision }];
  env.store.transaction(() => env.store.saveTable(meta));
  return { TableName: meta.name, StreamArn: input.StreamArn, DestinationStatus: "ENABLING", EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: precision } };
}

export function disableKinesisStreamingDestination(env: OpEnv, input: DestinationInput) {
  validateTableName(input.TableName);
  const meta: TableMeta = structuredClone(requireTable(env, input.TableName, true));
  const dest = meta.kinesisDestinations?.find((d) => d.StreamArn === input.StreamArn && d.DestinationStatus === "ACTIVE");
  if (!dest) throw validation(`Table ${meta.name} is not streaming to ${input.StreamArn}`);
  dest.DestinationStatus = "DISABLED";
  env.store.transaction(() => env.store.saveTable(meta));
  return { TableName: meta.name, StreamArn: input.StreamArn, DestinationStatus: "DISABLING", EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: dest.ApproximateCreationDateTimePrecision } };
}

export function describeKinesisStreamingDestination(env: OpEnv, input: { TableName: string }) {
  validateTableName(input.TableName);
  const meta = requireTable(env, input.TableName, true);
  return { TableName: meta.name, KinesisDataStreamDestinations: (meta.kinesisDestinations ?? []).map((d) => ({ ...d })) };
}
