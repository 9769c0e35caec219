/**
 * AWS::Kinesis::Stream, served by the local Kinesis: Ref is the stream name, GetAtt Arn
 * its ARN. Retention, maximum record size, encryption and tags update in place, as
 * CloudFormation does (WarmThroughputMiBps and DesiredShardLevelMetrics concern capacity
 * and CloudWatch, which the local cloud has none of); a new shard count reshards the
 * stream with UpdateShardCount (UNIFORM_SCALING), within Kinesis's limits of double or
 * half the open shards. A new capacity mode (StreamModeDetails) updates in place with
 * UpdateStreamMode, as CloudFormation does; a stream made PROVISIONED keeps its shards until
 * its ShardCount reshards it, once the mode change has settled (the stream is ACTIVE again).
 */
import { compact, ignoreNotFound, service, tagMap, type ProviderContext, type ResourceProvider, type ServiceLike } from "../provider.js";
import { stableEqual } from "../equality.js";

type Props = Record<string, any>;

const num = (v: unknown) => (v === undefined ? undefined : Number(v));

function arnOf(name: string, ctx: ProviderContext): string {
  return `arn:aws:kinesis:${ctx.region}:${ctx.accountId}:stream/${name}`;
}

/** CloudFormation's default for a stream that says nothing: one provisioned shard. */
function shape(p: Props) {
  const mode = p.StreamModeDetails?.StreamMode ?? "PROVISIONED";
  return { mode, shards: mode === "ON_DEMAND" ? undefined : (num(p.ShardCount) ?? 1) };
}

async function applyRetention(kinesis: ServiceLike, name: string, hours: number | undefined, before: number | undefined): Promise<void> {
  const want = hours ?? 24, had = before ?? 24;
  if (want > had) await kinesis.call("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: want });
  if (want < had) await kinesis.call("DecreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: want });
}

async function applyEncryption(kinesis: ServiceLike, name: string, spec: Props | undefined, before: Props | undefined): Promise<void> {
  if (stableEqual(spec, before)) return;
  if (before) await kinesis.call("StopStreamEncryption", { StreamName: name, EncryptionType: before.EncryptionType, KeyId: before.KeyId });
  if (spec) await kinesis.call("StartStreamEncryption", { StreamName: name, EncryptionType: spec.EncryptionType, KeyId: spec.KeyId });
}

async function applyTags(kinesis: ServiceLike, name: string, tags: unknown, before: unknown): Promise<void> {
  const now = tagMap(tags) ?? {}, had = tagMap(before) ?? {};
  const removed = Object.keys(had).filter((k) => !(k in now));
  const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => had[k] !== v));
  if (removed.length) await kinesis.call("RemoveTagsFromStream", { StreamName: name, TagKeys: removed });
  if (Object.keys(changed).length) await kinesis.call("AddTagsToStream", { StreamName: name, Tags: changed });
}

/** Waits out UPDATING (a mode change settles in a moment locally), as CloudFormation waits between its calls. */
async function untilActive(kinesis: ServiceLike, name: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 25) {
    const { StreamDescriptionSummary: summary } = await kinesis.call("DescribeStreamSummary", { StreamName: name });
    if (summary.StreamStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Kinesis stream ${name} did not become ACTIVE within 10 s`);
}

export const kinesisStream: ResourceProvider = {
  replacementProps: ["Name"],
  nameProperty: "Name",
  async create(props, ctx) {
    const kinesis = service(ctx, "kinesis");
    const name = String(props.Name ?? ctx.physicalName({ maxLength: 128 }));
    const { mode, shards } = shape(props);
    await kinesis.call("CreateStream", compact({
      StreamName: name, ShardCount: shards, StreamModeDetails: { StreamMode: mode }, Tags: tagMap(props.Tags), MaxRecordSizeInKiB: num(props.MaxRecordSizeInKiB),
    }));
    try {
      await applyRetention(kinesis, name, num(props.RetentionPeriodHours), undefined);
      await applyEncryption(kinesis, name, props.StreamEncryption, undefined);
    } catch (e) {
      await ignoreNotFound(kinesis.call("DeleteStream", { StreamName: name }));
      throw e;
    }
    return { physicalId: name, attributes: { Arn: arnOf(name, ctx) } };
  },
  async update(name, props, old, ctx) {
    const kinesis = service(ctx, "kinesis");
    const now = shape(props), before = shape(old);
    if (now.mode !== before.mode) {
      await kinesis.call("UpdateStreamMode", { StreamARN: arnOf(name, ctx), StreamModeDetails: { StreamMode: now.mode } });
      await untilActive(kinesis, name);
    }
    // A stream made PROVISIONED has the shards it had on demand: the template's count reshards it.
    if (now.shards !== undefined && (now.shards !== before.shards || now.mode !== before.mode)) {
      const { StreamDescriptionSummary: summary } = await kinesis.call("DescribeStreamSummary", { StreamName: name });
      if (summary.OpenShardCount !== now.shards) {
        await kinesis.call("UpdateShardCount", { StreamName: name, TargetShardCount: now.shards, ScalingType: "UNIFORM_SCALING" });
      }
    }
    await applyRetention(kinesis, name, num(props.RetentionPeriodHours), num(old.RetentionPeriodHours));
    if (num(props.MaxRecordSizeInKiB) !== num(old.MaxRecordSizeInKiB)) {
      await kinesis.call("UpdateMaxRecordSize", { StreamARN: arnOf(name, ctx), MaxRecordSizeInKiB: num(props.MaxRecordSizeInKiB) ?? 1024 });
    }
    await applyEncryption(kinesis, name, props.StreamEncryption, old.StreamEncryption);
    await applyTags(kinesis, name, props.Tags, old.Tags);
    return { Arn: arnOf(name, ctx) };
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "kinesis").call("DeleteStream", { StreamName: name, EnforceConsumerDeletion: true }));
  },
};
