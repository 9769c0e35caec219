/**
 * AWS::DynamoDB::Table with every property: keys, indexes, billing, streams, TTL,
 * point-in-time recovery, encryption, tags. In-place updates go through UpdateTable,
 * UpdateTimeToLive, UpdateContinuousBackups and tagging, as CloudFormation does.
 */
import { compact, ignoreNotFound, optionalCall, service, type ResourceProvider, type ProviderContext, type ServiceLike } from "../provider.js";
import { stableEqual } from "../equality.js";

const num = (v: unknown) => (v === undefined ? undefined : Number(v));

function throughput(p: any) {
  return p ? { ReadCapacityUnits: num(p.ReadCapacityUnits), WriteCapacityUnits: num(p.WriteCapacityUnits) } : undefined;
}

function gsi(g: any, payPerRequest: boolean) {
  return compact({
    IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
    ProvisionedThroughput: payPerRequest ? undefined : throughput(g.ProvisionedThroughput),
    OnDemandThroughput: g.OnDemandThroughput,
  });
}

function stream(spec: any) {
  return spec?.StreamViewType ? { StreamEnabled: true, StreamViewType: spec.StreamViewType } : undefined;
}

function sse(spec: any) {
  if (!spec) return undefined;
  const enabled = spec.SSEEnabled === true || spec.SSEEnabled === "true";
  return compact({ Enabled: enabled, SSEType: enabled ? spec.SSEType : undefined, KMSMasterKeyId: enabled ? spec.KMSMasterKeyId : undefined });
}

const isPayPerRequest = (p: any) => p.BillingMode === "PAY_PER_REQUEST";

/** Local tables are usually ACTIVE at once; wait anyway, as CloudFormation waits for ACTIVE. */
async function waitActive(ddb: ServiceLike, name: string, indexName?: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const out = await ddb.call("DescribeTable", { TableName: name });
    const t = out?.Table;
    const gsisReady = (t?.GlobalSecondaryIndexes ?? []).every((g: any) => !g.IndexStatus || g.IndexStatus === "ACTIVE" || (indexName && g.IndexName !== indexName));
    if ((!t?.TableStatus || t.TableStatus === "ACTIVE") && gsisReady) return t;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Table ${name} did not become ACTIVE`);
}

function attributesOf(t: any, name: string, ctx: ProviderContext) {
  const arn = t?.TableArn ?? `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
  const attrs: Record<string, unknown> = { Arn: arn };
  if (t?.LatestStreamArn) attrs.StreamArn = t.LatestStreamArn;
  if (t?.TableId) attrs.TableId = t.TableId;
  return attrs;
}

async function applyTtl(ddb: ServiceLike, name: string, spec: any, old: any) {
  if (stableEqual(spec, old)) return;
  if (old?.Enabled === true || old?.Enabled === "true") {
    if (!spec || spec.AttributeName !== old.AttributeName || !(spec.Enabled === true || spec.Enabled === "true")) {
      await ddb.call("UpdateTimeToLive", { TableName: name, TimeToLiveSpecification: { AttributeName: old.AttributeName, Enabled: false } });
    }
  }
  if (spec && (spec.Enabled === true || spec.Enabled === "true")) {
    await ddb.call("UpdateTimeToLive", { TableName: name, TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: true } });
  }
}

async function applyPitr(ddb: ServiceLike, name: string, spec: any, old: any) {
  if (stableEqual(spec, old)) return;
  const enabled = spec?.PointInTimeRecoveryEnabled === true || spec?.PointInTimeRecoveryEnabled === "true";
  await optionalCall(ddb, "UpdateContinuousBackups", { TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled } });
}

async function applyTags(ddb: ServiceLike, arn: string, tags: any[] | undefined, old: any[] | undefined) {
  const now = new Map((tags ?? []).map((t) => [t.Key, t.Value])), before = new Map((old ?? []).map((t) => [t.Key, t.Value]));
  const removed = [...before.keys()].filter((k) => !now.has(k));
  const changed = [...now].filter(([k, v]) => before.get(k) !== v).map(([Key, Value]) => ({ Key, Value }));
  if (removed.length) await optionalCall(ddb, "UntagResource", { ResourceArn: arn, TagKeys: removed });
  if (changed.length) await optionalCall(ddb, "TagResource", { ResourceArn: arn, Tags: changed });
}

/** KinesisStreamSpecification: the table's Kinesis streaming destination, switched as CloudFormation does. */
async function applyKinesisDestination(ddb: ServiceLike, name: string, spec: any, old: any) {
  if (stableEqual(spec, old)) return;
  if (old?.StreamArn) {
    await ddb.call("DisableKinesisStreamingDestination", { TableName: name, StreamArn: old.StreamArn });
  }
  if (spec?.StreamArn) {
    const precision = spec.ApproximateCreationDateTimePrecision;
    await ddb.call("EnableKinesisStreamingDestination", compact({
      TableName: name, StreamArn: spec.StreamArn,
      EnableKinesisStreamingConfiguration: precision ? { ApproximateCreationDateTimePrecision: precision } : undefined,
    }));
  }
}

export const dynamodbTable: ResourceProvider = {
  replacementProps: ["TableName", "KeySchema", "LocalSecondaryIndexes", "ImportSourceSpecification"],
  nameProperty: "TableName",
  async create(props, ctx) {
    const ddb = service(ctx, "dynamodb");
    // An import from S3 cannot be faked: it fails loudly.
    if (props.ImportSourceSpecification !== undefined) throw new Error(`${ctx.logicalId}: ImportSourceSpecification is not supported by the local cloud`);
    const name = props.TableName ?? ctx.physicalName({ maxLength: 255 });
    const ppr = isPayPerRequest(props);
    await ddb.call("CreateTable", compact({
      TableName: name, KeySchema: props.KeySchema, AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: props.BillingMode ?? "PROVISIONED",
      ProvisionedThroughput: ppr ? undefined : throughput(props.ProvisionedThroughput),
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes?.map((g: any) => gsi(g, ppr)),
      LocalSecondaryIndexes: props.LocalSecondaryIndexes,
      StreamSpecification: stream(props.StreamSpecification),
      SSESpecification: sse(props.SSESpecification),
      TableClass: props.TableClass,
      DeletionProtectionEnabled: props.DeletionProtectionEnabled,
      Tags: props.Tags?.length ? props.Tags : undefined,
    }));
    try {
      await waitActive(ddb, name);
      await applyTtl(ddb, name, props.TimeToLiveSpecification, undefined);
      await applyPitr(ddb, name, props.PointInTimeRecoverySpecification, undefined);
      await applyKinesisDestination(ddb, name, props.KinesisStreamSpecification, undefined);
    } catch (e) {
      await ignoreNotFound(ddb.call("DeleteTable", { TableName: name }));
      throw e;
    }
    const t = await waitActive(ddb, name);
    return { physicalId: name, attributes: attributesOf(t, name, ctx) };
  },
  async update(name, props, old, ctx) {
    const ddb = service(ctx, "dynamodb");
    const ppr = isPayPerRequest(props);
    const update: Record<string, unknown> = {};
    if ((props.BillingMode ?? "PROVISIONED") !== (old.BillingMode ?? "PROVISIONED")) update.BillingMode = props.BillingMode ?? "PROVISIONED";
    if (!ppr && !stableEqual(props.ProvisionedThroughput, old.ProvisionedThroughput)) update.ProvisionedThroughput = throughput(props.ProvisionedThroughput);
    if (!stableEqual(props.StreamSpecification, old.StreamSpecification)) {
      // Changing the view type means disabling the stream first (DynamoDB refuses to switch directly).
      if (old.StreamSpecification && props.StreamSpecification) {
        await ddb.call("UpdateTable", { TableName: name, StreamSpecification: { StreamEnabled: false } });
        await waitActive(ddb, name);
      }
      update.StreamSpecification = stream(props.StreamSpecification) ?? { StreamEnabled: false };
    }
    if (!stableEqual(props.SSESpecification, old.SSESpecification)) update.SSESpecification = sse(props.SSESpecification) ?? { Enabled: false };
    if (props.TableClass !== old.TableClass && props.TableClass) update.TableClass = props.TableClass;
    if (props.DeletionProtectionEnabled !== old.DeletionProtectionEnabled) update.DeletionProtectionEnabled = props.DeletionProtectionEnabled ?? false;
    if (!stableEqual(props.AttributeDefinitions, old.AttributeDefinitions)) update.AttributeDefinitions = props.AttributeDefinitions;
    if (Object.keys(update).length > 0) {
      if (update.BillingMode === "PROVISIONED" && !update.ProvisionedThroughput) update.ProvisionedThroughput = throughput(props.ProvisionedThroughput);
      const attrsOnly = Object.keys(update).length === 1 && update.AttributeDefinitions;
      if (!attrsOnly) {
        await ddb.call("UpdateTable", { TableName: name, ...update });
        await waitActive(ddb, name);
      }
    }
    // Global secondary indexes: DynamoDB takes one index change per UpdateTable call.
    const newG = new Map<string, any>((props.GlobalSecondaryIndexes ?? []).map((g: any) => [g.IndexName, g]));
    const oldG = new Map<string, any>((old.GlobalSecondaryIndexes ?? []).map((g: any) => [g.IndexName, g]));
    for (const [n, g] of oldG) {
      const next = newG.get(n);
      if (next && stableEqual(next.KeySchema, g.KeySchema) && stableEqual(next.Projection, g.Projection)) continue;
      await ddb.call("UpdateTable", { TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: n } }] });
      await waitActive(ddb, name);
      oldG.delete(n);
    }
    for (const [n, g] of newG) {
      const before = oldG.get(n);
      if (!before) {
        await ddb.call("UpdateTable", { TableName: name, AttributeDefinitions: props.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: gsi(g, ppr) }] });
        await waitActive(ddb, name, n);
      } else if (!ppr && !stableEqual(before.ProvisionedThroughput, g.ProvisionedThroughput)) {
        await ddb.call("UpdateTable", { TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: n, ProvisionedThroughput: throughput(g.ProvisionedThroughput) } }] });
      }
    }
    await applyTtl(ddb, name, props.TimeToLiveSpecification, old.TimeToLiveSpecification);
    await applyPitr(ddb, name, props.PointInTimeRecoverySpecification, old.PointInTimeRecoverySpecification);
    await applyKinesisDestination(ddb, name, props.KinesisStreamSpecification, old.KinesisStreamSpecification);
    const t = await waitActive(ddb, name);
    const attrs = attributesOf(t, name, ctx);
    await applyTags(ddb, attrs.Arn as string, props.Tags, old.Tags);
    return attrs;
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "dynamodb").call("DeleteTable", { TableName: name }));
  },
};
