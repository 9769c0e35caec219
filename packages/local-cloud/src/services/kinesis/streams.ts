/**
 * The stream control plane: create, delete, describe, list streams and shards, tags,
 * retention and encryption. Streams are ACTIVE as soon as they are created (there is no
 * provisioning to wait for locally); callers that wait for ACTIVE find it at once.
 */
import { ACCOUNT_ID } from "../../types.js";
import { requireStream, streamArn, type KinesisContext, type StreamNaming } from "./context.js";
import { invalidArgument, limitExceeded, resourceInUse } from "./errors.js";
import { shardIdOf } from "./shard-layout.js";
import { describeShard, filterShards, type ShardFilter } from "./shard-map.js";
import { epochMillis } from "./records.js";
import type { ShardRow, StreamRow } from "./store.js";

/** Kinesis's default shard quota per account and region; also what keeps listings bounded locally. */
export const ACCOUNT_SHARD_LIMIT = 500;
/** The shards an on-demand stream starts with. */
const ON_DEMAND_SHARDS = 4;
const MIN_RETENTION_HOURS = 24;
const MAX_RETENTION_HOURS = 8760;
const MAX_TAGS = 50;
/** 1 MiB: a record's default maximum size (MaxRecordSizeInKiB raises it up to 10 MiB). */
export const DEFAULT_MAX_RECORD_KIB = 1024;

type Tags = Record<string, string>;

function tagsOf(row: StreamRow): Tags {
  return JSON.parse(row.tags) as Tags;
}

function modeDetails(row: StreamRow) {
  return { StreamMode: row.mode };
}

function encryptionOf(row: StreamRow) {
  return row.encryption === "KMS" ? { EncryptionType: "KMS", KeyId: row.key_id ?? undefined } : { EncryptionType: "NONE" };
}

/** Shards after an exclusive start id, at most `limit` (ids sort in index order). */
function shardPage(shards: readonly ShardRow[], exclusiveStart: string | undefined, limit: number) {
  const after = exclusiveStart === undefined ? [...shards] : shards.filter((s) => shardIdOf(s.idx) > exclusiveStart);
  const page = after.slice(0, limit);
  return { shards: page.map(describeShard), more: after.length > page.length };
}

/** A ShardFilter checked for the field its type needs. */
function shardFilterOf(input: { Type: string; ShardId?: string; Timestamp?: unknown }): ShardFilter {
  if (input.Type === "AFTER_SHARD_ID" && input.ShardId === undefined) throw invalidArgument("Must specify ShardId in ShardFilter when ShardFilterType is AFTER_SHARD_ID.");
  if ((input.Type === "AT_TIMESTAMP" || input.Type === "FROM_TIMESTAMP") && input.Timestamp === undefined) {
    throw invalidArgument(`Must specify Timestamp in ShardFilter when ShardFilterType is ${input.Type}.`);
  }
  const timestampMs = input.Timestamp === undefined ? undefined : epochMillis(input.Timestamp);
  if (timestampMs !== undefined && !Number.isFinite(timestampMs)) throw invalidArgument(`Invalid Timestamp in ShardFilter: ${String(input.Timestamp)}`);
  return { Type: input.Type, ...(input.ShardId !== undefined ? { ShardId: input.ShardId } : {}), ...(timestampMs !== undefined ? { timestampMs } : {}) };
}

function checkRetention(hours: number): void {
  if (hours < MIN_RETENTION_HOURS) throw invalidArgument(`Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too short.`);
  if (hours > MAX_RETENTION_HOURS) throw invalidArgument(`Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too long.`);
}

export class StreamOperations {
  constructor(private readonly c: KinesisContext) {}

  /** WarmThroughputMiBps and RecordDistributionStrategy are capacity settings: locally there is no capacity to plan. */
  CreateStream(input: { StreamName: string; ShardCount?: number; StreamModeDetails?: { StreamMode: string }; Tags?: Tags; MaxRecordSizeInKiB?: number }): Record<string, never> {
    const mode = (input.StreamModeDetails?.StreamMode ?? (input.ShardCount === undefined ? "ON_DEMAND" : "PROVISIONED")) as StreamRow["mode"];
    if (mode === "PROVISIONED" && input.ShardCount === undefined) throw invalidArgument("ShardCount is required for a stream in PROVISIONED mode.");
    const shards = mode === "ON_DEMAND" ? ON_DEMAND_SHARDS : input.ShardCount!;
    if (this.c.store.stream(input.StreamName)) throw resourceInUse(`Stream ${input.StreamName} under account ${ACCOUNT_ID} already exists.`);
    const open = this.c.store.streams().reduce((n, s) => n + s.shard_count, 0);
    if (open + shards > ACCOUNT_SHARD_LIMIT) {
      throw limitExceeded(
        `This request would exceed the shard limit for the account ${ACCOUNT_ID} in ${this.c.region}. Current shard count for the account: ${open}. Limit: ${ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: ${shards}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
      );
    }
    if (input.Tags && Object.keys(input.Tags).length > MAX_TAGS) throw invalidArgument(`A stream cannot have more than ${MAX_TAGS} tags.`);
    this.c.store.insertStream({
      name: input.StreamName,
      created: Date.now(),
      status: "ACTIVE",
      mode,
      shard_count: shards,
      retention_hours: MIN_RETENTION_HOURS,
      encryption: "NONE",
      key_id: null,
      max_record_kib: input.MaxRecordSizeInKiB ?? DEFAULT_MAX_RECORD_KIB,
      tags: JSON.stringify(input.Tags ?? {}),
    });
    return {};
  }

  DeleteStream(input: StreamNaming & { EnforceConsumerDeletion?: boolean }): Record<string, never> {
    const row = requireStream(this.c, input);
    if (input.EnforceConsumerDeletion !== true && this.c.store.consumers(row.name).length > 0) {
      throw resourceInUse(`Stream ${row.name} under account ${ACCOUNT_ID} has registered consumers. Deregister them first, or set EnforceConsumerDeletion.`);
    }
    this.c.store.deleteStream(row.name);
    this.c.limits.forget(row.name);
    return {};
  }

  DescribeStream(input: StreamNaming & { Limit?: number; ExclusiveStartShardId?: string }) {
    const row = requireStream(this.c, input);
    const page = shardPage(this.c.store.shards(row.name), input.ExclusiveStartShardId, input.Limit ?? 100);
    return {
      StreamDescription: {
        StreamName: row.name,
        StreamARN: streamArn(this.c.region, row.name),
        StreamStatus: this.c.statusOf(row),
        StreamModeDetails: modeDetails(row),
        Shards: page.shards,
        HasMoreShards: page.more,
        RetentionPeriodHours: row.retention_hours,
        StreamCreationTimestamp: new Date(row.created),
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        ...encryptionOf(row),
      },
    };
  }

  DescribeStreamSummary(input: StreamNaming) {
    const row = requireStream(this.c, input);
    return {
      StreamDescriptionSummary: {
        StreamName: row.name,
        StreamARN: streamArn(this.c.region, row.name),
        StreamStatus: this.c.statusOf(row),
        StreamModeDetails: modeDetails(row),
        RetentionPeriodHours: row.retention_hours,
        StreamCreationTimestamp: new Date(row.created),
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        ...encryptionOf(row),
        OpenShardCount: row.shard_count,
        ConsumerCount: this.c.store.consumers(row.name).length,
        MaxRecordSizeInKiB: row.max_record_kib,
      },
    };
  }

  ListStreams(input: { Limit?: number; ExclusiveStartStreamName?: string; NextToken?: string }) {
    let after = input.ExclusiveStartStreamName;
    if (input.NextToken !== undefined) {
      if (after !== undefined) throw invalidArgument("NextToken and ExclusiveStartStreamName cannot be provided together.");
      after = decodeToken(input.NextToken);
    }
    const limit = input.Limit ?? 100;
    const all = this.c.store.streams().filter((s) => after === undefined || s.name > after);
    const page = all.slice(0, limit);
    const more = all.length > limit;
    return {
      StreamNames: page.map((s) => s.name),
      HasMoreStreams: more,
      ...(more ? { NextToken: encodeToken(page[page.length - 1]!.name) } : {}),
      StreamSummaries: page.map((s) => ({
        StreamName: s.name,
        StreamARN: streamArn(this.c.region, s.name),
        StreamStatus: this.c.statusOf(s),
        StreamModeDetails: modeDetails(s),
        StreamCreationTimestamp: new Date(s.created),
      })),
    };
  }

  ListShards(input: StreamNaming & { NextToken?: string; ExclusiveStartShardId?: string; MaxResults?: number; ShardFilter?: { Type: string; ShardId?: string; Timestamp?: unknown } }) {
    let naming: StreamNaming = input;
    let after = input.ExclusiveStartShardId;
    let filter: ShardFilter | undefined;
    if (input.NextToken !== undefined) {
      if (input.StreamName !== undefined) throw invalidArgument("NextToken and StreamName cannot be provided together.");
      if (input.ShardFilter !== undefined) throw invalidArgument("NextToken and ShardFilter cannot be provided together.");
      const [stream, shard, carried] = decodeToken(input.NextToken).split("\u0000");
      naming = { StreamName: stream };
      after = shard;
      filter = carried ? (JSON.parse(carried) as ShardFilter) : undefined;
    } else if (input.ShardFilter !== undefined) {
      filter = shardFilterOf(input.ShardFilter);
    }
    const row = requireStream(this.c, naming);
    let shards = this.c.store.shards(row.name);
    if (filter) shards = filterShards(shards, filter, Math.max(row.created, Date.now() - row.retention_hours * 3_600_000));
    const page = shardPage(shards, after, input.MaxResults ?? 1000);
    const token = () => `${row.name}\u0000${page.shards[page.shards.length - 1]!.ShardId}\u0000${filter ? JSON.stringify(filter) : ""}`;
    return { Shards: page.shards, ...(page.more ? { NextToken: encodeToken(token()) } : {}) };
  }

  AddTagsToStream(input: StreamNaming & { Tags: Tags }): Record<string, never> {
    const row = requireStream(this.c, input);
    const tags = { ...tagsOf(row), ...input.Tags };
    if (Object.keys(tags).length > MAX_TAGS) throw invalidArgument(`Failed to add tags to stream ${row.name} under account ${ACCOUNT_ID} because a given stream cannot have more than ${MAX_TAGS} tags.`);
    this.c.store.updateStream(row.name, { tags: JSON.stringify(tags) });
    return {};
  }

  RemoveTagsFromStream(input: StreamNaming & { TagKeys: string[] }): Record<string, never> {
    const row = requireStream(this.c, input);
    const tags = tagsOf(row);
    for (const key of input.TagKeys) delete tags[key];
    this.c.store.updateStream(row.name, { tags: JSON.stringify(tags) });
    return {};
  }

  ListTagsForStream(input: StreamNaming & { ExclusiveStartTagKey?: string; Limit?: number }) {
    const row = requireStream(this.c, input);
    const limit = input.Limit ?? 50;
    const keys = Object.keys(tagsOf(row))
      .sort()
      .filter((k) => input.ExclusiveStartTagKey === undefined || k > input.ExclusiveStartTagKey);
    const tags = tagsOf(row);
    return { Tags: keys.slice(0, limit).map((Key) => ({ Key, Value: tags[Key]! })), HasMoreTags: keys.length > limit };
  }

  IncreaseStreamRetentionPeriod(input: StreamNaming & { RetentionPeriodHours: number }): Record<string, never> {
    const row = requireStream(this.c, input);
    const hours = input.RetentionPeriodHours;
    checkRetention(hours);
    if (hours < row.retention_hours) {
      throw invalidArgument(`Requested retention period (${hours} hours) for stream ${row.name} can not be shorter than existing retention period (${row.retention_hours} hours). Use DecreaseRetentionPeriod API.`);
    }
    this.c.store.updateStream(row.name, { retention_hours: hours });
    return {};
  }

  DecreaseStreamRetentionPeriod(input: StreamNaming & { RetentionPeriodHours: number }): Record<string, never> {
    const row = requireStream(this.c, input);
    const hours = input.RetentionPeriodHours;
    checkRetention(hours);
    if (hours > row.retention_hours) {
      throw invalidArgument(`Requested retention period (${hours} hours) for stream ${row.name} can not be longer than existing retention period (${row.retention_hours} hours). Use IncreaseRetentionPeriod API.`);
    }
    this.c.store.updateStream(row.name, { retention_hours: hours });
    return {};
  }

  /** Records are marked KMS-encrypted from here on; the data is kept as given (there is no KMS locally). */
  StartStreamEncryption(input: StreamNaming & { EncryptionType: string; KeyId: string }): Record<string, never> {
    const row = requireStream(this.c, input);
    if (input.EncryptionType !== "KMS") throw invalidArgument(`Encryption type ${input.EncryptionType} is not supported. Supported encryption type: KMS.`);
    this.c.store.updateStream(row.name, { encryption: "KMS", key_id: input.KeyId });
    return {};
  }

  StopStreamEncryption(input: StreamNaming & { EncryptionType: string; KeyId: string }): Record<string, never> {
    const row = requireStream(this.c, input);
    this.c.store.updateStream(row.name, { encryption: "NONE", key_id: null });
    return {};
  }

  UpdateMaxRecordSize(input: StreamNaming & { MaxRecordSizeInKiB: number }): Record<string, never> {
    const row = requireStream(this.c, input);
    this.c.store.updateStream(row.name, { max_record_kib: input.MaxRecordSizeInKiB });
    return {};
  }
}

function encodeToken(text: string): string {
  return Buffer.from(JSON.stringify({ after: text, at: Date.now() })).toString("base64");
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    if (typeof parsed?.after === "string") return parsed.after;
  } catch {
    /* refused below */
  }
  throw invalidArgument(`Invalid NextToken.`);
}
