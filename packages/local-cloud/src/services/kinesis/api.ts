/**
 * Kinesis's operations: the IAM action and resource of each, and its implementation
 * (streams.ts, stream-mode.ts, records.ts, resharding.ts, consumers.ts). Input shapes and constraints come from the generated model
 * (wire/models/kinesis.ts). Every action is checked on the stream's ARN, except
 * ListStreams (no resource) and GetRecords, whose stream is only known once its shard
 * iterator is read.
 */
import type kinesisModel from "../../wire/models/kinesis.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import type { CallContext } from "../../types.js";
import { requestedStreamArn, streamArn, type StreamNaming } from "./context.js";
import type { RecordOperations } from "./records.js";
import type { ConsumerOperations } from "./consumers.js";
import type { ReshardOperations } from "./resharding.js";
import type { Subscriptions } from "./subscriptions.js";
import type { StreamOperations } from "./streams.js";
import type { StreamModeOperations } from "./stream-mode.js";

export interface KinesisCall extends CallContext {
  /** IAM check for a non-admin caller (AccessDeniedException). */
  authorize(action: string, resource: string): void;
}

function onStream(action: string) {
  return (input: StreamNaming, ctx: KinesisCall): Authorization => ({ action: `kinesis:${action}`, resource: requestedStreamArn(input, ctx.region) });
}

/** Consumer actions are checked on the consumer's ARN (`<stream ARN>/consumer/<name>:*` when named by stream and name). */
function onConsumer(action: string) {
  return (input: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string }, ctx: KinesisCall): Authorization => ({
    action: `kinesis:${action}`,
    resource: input.ConsumerARN ?? `${input.StreamARN ?? streamArn(ctx.region, "*")}/consumer/${input.ConsumerName ?? "*"}:*`,
  });
}

export interface KinesisOperationSets {
  streams: StreamOperations;
  modes: StreamModeOperations;
  records: RecordOperations;
  reshards: ReshardOperations;
  consumers: ConsumerOperations;
  subscriptions: Subscriptions;
}

export function kinesisOperations({ streams, modes, records, reshards, consumers, subscriptions }: KinesisOperationSets): OperationSpecs<typeof kinesisModel, KinesisCall> {
  return {
    CreateStream: { iam: (i, ctx) => ({ action: "kinesis:CreateStream", resource: streamArn(ctx.region, i.StreamName) }), run: (i) => streams.CreateStream(i) },
    DeleteStream: { iam: onStream("DeleteStream"), run: (i) => streams.DeleteStream(i) },
    DescribeStream: { iam: onStream("DescribeStream"), run: (i) => streams.DescribeStream(i) },
    DescribeStreamSummary: { iam: onStream("DescribeStreamSummary"), run: (i) => streams.DescribeStreamSummary(i) },
    ListStreams: { iam: () => ({ action: "kinesis:ListStreams", resource: "*" }), run: (i) => streams.ListStreams(i) },
    ListShards: { iam: onStream("ListShards"), run: (i) => streams.ListShards(i) },
    AddTagsToStream: { iam: onStream("AddTagsToStream"), run: (i) => streams.AddTagsToStream(i) },
    RemoveTagsFromStream: { iam: onStream("RemoveTagsFromStream"), run: (i) => streams.RemoveTagsFromStream(i) },
    ListTagsForStream: { iam: onStream("ListTagsForStream"), run: (i) => streams.ListTagsForStream(i) },
    IncreaseStreamRetentionPeriod: { iam: onStream("IncreaseStreamRetentionPeriod"), run: (i) => streams.IncreaseStreamRetentionPeriod(i) },
    DecreaseStreamRetentionPeriod: { iam: onStream("DecreaseStreamRetentionPeriod"), run: (i) => streams.DecreaseStreamRetentionPeriod(i) },
    StartStreamEncryption: { iam: onStream("StartStreamEncryption"), run: (i) => streams.StartStreamEncryption(i) },
    StopStreamEncryption: { iam: onStream("StopStreamEncryption"), run: (i) => streams.StopStreamEncryption(i) },
    UpdateMaxRecordSize: { iam: onStream("UpdateMaxRecordSize"), run: (i) => streams.UpdateMaxRecordSize(i) },
    UpdateShardCount: { iam: onStream("UpdateShardCount"), run: (i) => reshards.UpdateShardCount(i) },
    UpdateStreamMode: { iam: onStream("UpdateStreamMode"), run: (i) => modes.UpdateStreamMode(i) },
    SplitShard: { iam: onStream("SplitShard"), run: (i) => reshards.SplitShard(i) },
    MergeShards: { iam: onStream("MergeShards"), run: (i) => reshards.MergeShards(i) },
    RegisterStreamConsumer: { iam: onStream("RegisterStreamConsumer"), run: (i) => consumers.RegisterStreamConsumer(i) },
    ListStreamConsumers: { iam: onStream("ListStreamConsumers"), run: (i) => consumers.ListStreamConsumers(i) },
    DescribeStreamConsumer: { iam: onConsumer("DescribeStreamConsumer"), run: (i) => consumers.DescribeStreamConsumer(i) },
    DeregisterStreamConsumer: { iam: onConsumer("DeregisterStreamConsumer"), run: (i) => consumers.DeregisterStreamConsumer(i) },
    SubscribeToShard: {
      iam: (i, _ctx) => ({ action: "kinesis:SubscribeToShard", resource: i.ConsumerARN }),
      run: (i, ctx) => subscriptions.SubscribeToShard(i, ctx.requestId),
    },
    PutRecord: { iam: onStream("PutRecord"), run: (i) => records.PutRecord(i) },
    PutRecords: { iam: onStream("PutRecords"), run: (i) => records.PutRecords(i) },
    GetShardIterator: { iam: onStream("GetShardIterator"), run: (i) => records.GetShardIterator(i) },
    GetRecords: {
      iam: "self",
      run: (i, ctx) => records.GetRecords(i, (arn) => ctx.authorize("kinesis:GetRecords", arn)),
    },
  };
}
