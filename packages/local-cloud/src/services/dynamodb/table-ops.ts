/**
 * Control-plane operations: tables, indexes, streams settings, TTL, tags, backups,
 * limits and endpoints. Tables are ACTIVE as soon as they are created.
 */
import { type OpEnv, requireTable } from "./env.js";
import { buildTableMeta, buildGsi, applyStreamSpec, describeTable, validateTableName, type TableMeta, type KeyType } from "./table-meta.js";
import { AwsError, validation, resourceInUse, resourceNotFound } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";

function describe(env: OpEnv, meta: TableMeta, status = "ACTIVE"): any {
  return describeTable(meta, env.region, (index) => env.store.counts(meta, index ?? ""), status);
}

function arnFor(env: OpEnv, name: string): string {
  return `arn:aws:dynamodb:${env.region}:000000000000:table/${name}`;
}

export function createTable(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta = buildTableMeta(input, 0, Date.now());
  if (env.store.table(meta.name)) throw resourceInUse(`Table already exists: ${meta.name}`);
  env.store.createTable(meta);
  return { TableDescription: describe(env, meta) };
}

export function describeTableOp(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta = requireTable(env, name, true);
  return { Table: describe(env, meta) };
}

export function deleteTable(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta = requireTable(env, name, true);
  if (meta.deletionProtection) throw validation(`Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`);
  const description = describe(env, meta, "DELETING");
  env.store.deleteTable(meta);
  return { TableDescription: description };
}

export function listTables(env: OpEnv, input: any): any {
  const limit = input?.Limit ?? 100;
  if (!(limit >= 1 && limit <= 100)) throw validation(violationMessage(limit, "limit", `Member must have value ${limit < 1 ? "greater than or equal to 1" : "less than or equal to 100"}`));
  let names = env.store.tableNames();
  if (input?.ExclusiveStartTableName) names = names.filter((n) => n > input.ExclusiveStartTableName);
  const page = names.slice(0, limit);
  const out: any = { TableNames: page };
  if (names.length > limit) out.LastEvaluatedTableName = page[page.length - 1];
  return out;
}

export function updateTable(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta: TableMeta = structuredClone(requireTable(env, name, true));
  const updatable = ["ProvisionedThroughput", "BillingMode", "StreamSpecification", "GlobalSecondaryIndexUpdates", "SSESpecification", "DeletionProtectionEnabled", "TableClass", "ReplicaUpdates", "OnDemandThroughput", "WarmThroughput"];
  if (!updatable.some((k) => input[k] !== undefined)) {
    throw validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  const defs = new Map<string, KeyType>(meta.attributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  for (const d of input.AttributeDefinitions ?? []) {
    if (!defs.has(d.AttributeName)) meta.attributeDefinitions.push({ AttributeName: d.AttributeName, AttributeType: d.AttributeType });
    defs.set(d.AttributeName, d.AttributeType);
  }
  if (input.BillingMode) {
    if (!["PROVISIONED", "PAY_PER_REQUEST"].includes(input.BillingMode)) throw validation(violationMessage(input.BillingMode, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"));
    meta.billingMode = input.BillingMode;
    if (input.BillingMode === "PAY_PER_REQUEST") meta.provisionedThroughput = { ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
  }
  if (input.ProvisionedThroughput) {
    if (meta.billingMode === "PAY_PER_REQUEST") throw validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    meta.provisionedThroughput = { ReadCapacityUnits: Number(input.ProvisionedThroughput.ReadCapacityUnits), WriteCapacityUnits: Number(input.ProvisionedThroughput.WriteCapacityUnits) };
  }
  if (input.DeletionProtectionEnabled !== undefined) meta.deletionProtection = input.DeletionProtectionEnabled === true;
  if (input.TableClass) meta.tableClass = input.TableClass;
  if (input.SSESpecification) meta.sse = { Enabled: input.SSESpecification.Enabled !== false, SSEType: input.SSESpecification.SSEType, KMSMasterKeyId: input.SSESpecification.KMSMasterKeyId };
  if (input.StreamSpecification) {
    if (!input.StreamSpecification.StreamEnabled && !meta.stream?.StreamEnabled) throw validation("Table already has no stream enabled"); // nothing to disable
    applyStreamSpec(meta, input.StreamSpecification, Date.now());
  }
  const created: string[] = [];
  const deleted: string[] = [];
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
    if (u.Create) {
      if (meta.gsis.some((g) => g.name === u.Create.IndexName) || meta.lsis.some((l) => l.name === u.Create.IndexName)) {
        throw validation(`One or more parameter values were invalid: Index with name: ${u.Create.IndexName} already exists`);
      }
      meta.gsis.push(buildGsi(u.Create, defs, meta.billingMode));
      created.push(u.Create.IndexName);
    } else if (u.Delete) {
      const i = meta.gsis.findIndex((g) => g.name === u.Delete.IndexName);
      if (i < 0) throw resourceNotFound(`Requested resource not found: Index: ${u.Delete.IndexName} not found`);
      meta.gsis.splice(i, 1);
      deleted.push(u.Delete.IndexName);
    } else if (u.Update) {
      const g = meta.gsis.find((x) => x.name === u.Update.IndexName);
      if (!g) throw resourceNotFound(`Requested resource not found: Index: ${u.Update.IndexName} not found`);
      if (u.Update.ProvisionedThroughput) g.provisionedThroughput = u.Update.ProvisionedThroughput;
    }
  }
  env.store.transaction(() => {
    env.store.saveTable(meta);
    for (const n of deleted) env.store.dropIndex(meta, n);
    for (const n of created) env.store.backfillIndex(meta, meta.gsis.find((g) => g.name === n)!);
  });
  return { TableDescription: describe(env, meta) };
}

export function updateTimeToLive(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta: TableMeta = structuredClone(requireTable(env, name, true));
  const spec = input.TimeToLiveSpecification;
  if (!spec || typeof spec.AttributeName !== "string" || spec.AttributeName === "" || typeof spec.Enabled !== "boolean") {
    throw validation(violationMessage(null, "timeToLiveSpecification", "Member must not be null"));
  }
  if (spec.Enabled && meta.ttl?.enabled) throw validation("TimeToLive is already enabled");
  if (!spec.Enabled && !meta.ttl?.enabled) throw validation("TimeToLive is already disabled");
  if (!spec.Enabled && meta.ttl && meta.ttl.AttributeName !== spec.AttributeName) {
    throw validation(`The specified attribute name is not the current TTL attribute: ${spec.AttributeName}`);
  }
  meta.ttl = { AttributeName: spec.AttributeName, enabled: spec.Enabled };
  env.store.transaction(() => {
    env.store.saveTable(meta);
    env.store.refreshExpiry(meta);
  });
  return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } };
}

export function describeTimeToLive(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta = requireTable(env, name, true);
  if (!meta.ttl) return { TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } };
  return { TimeToLiveDescription: { TimeToLiveStatus: meta.ttl.enabled ? "ENABLED" : "DISABLED", AttributeName: meta.ttl.AttributeName } };
}

/** Tagging APIs address a table by ARN. */
function tableFromArn(env: OpEnv, arn: unknown): TableMeta {
  const m = typeof arn === "string" ? /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(arn) : null;
  if (!m) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${String(arn)}`);
  const meta = env.store.table(m[3]!);
  if (!meta) throw resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
  return meta;
}

export function tagResource(env: OpEnv, input: any): any {
  const meta: TableMeta = structuredClone(tableFromArn(env, input?.ResourceArn));
  if (!Array.isArray(input.Tags) || input.Tags.length === 0) throw validation(violationMessage(null, "tags", "Member must not be null"));
  for (const t of input.Tags) {
    const i = meta.tags.findIndex((x) => x.Key === t.Key);
    if (i >= 0) meta.tags[i] = { Key: t.Key, Value: t.Value };
    else meta.tags.push({ Key: t.Key, Value: t.Value });
  }
  if (meta.tags.length > 50) throw validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50");
  env.store.saveTable(meta);
  return {};
}

export function untagResource(env: OpEnv, input: any): any {
  const meta: TableMeta = structuredClone(tableFromArn(env, input?.ResourceArn));
  const keys: string[] = input.TagKeys ?? [];
  meta.tags = meta.tags.filter((t) => !keys.includes(t.Key));
  env.store.saveTable(meta);
  return {};
}

export function listTagsOfResource(env: OpEnv, input: any): any {
  const meta = tableFromArn(env, input?.ResourceArn);
  return { Tags: meta.tags };
}

export function describeContinuousBackups(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const meta = env.store.table(name);
  if (!meta) throw new AwsError("TableNotFoundException", `Table not found: ${name}`, 400);
  return continuousBackups(meta);
}

function continuousBackups(meta: TableMeta): any {
  const pitr: any = { PointInTimeRecoveryStatus: meta.pitr ? "ENABLED" : "DISABLED" };
  if (meta.pitr) {
    pitr.EarliestRestorableDateTime = meta.createdAt / 1000;
    pitr.LatestRestorableDateTime = Date.now() / 1000;
  }
  return { ContinuousBackupsDescription: { ContinuousBackupsStatus: "ENABLED", PointInTimeRecoveryDescription: pitr } };
}

export function updateContinuousBackups(env: OpEnv, input: any): any {
  const name = validateTableName(input?.TableName);
  const found = env.store.table(name);
  if (!found) throw new AwsError("TableNotFoundException", `Table not found: ${name}`, 400);
  const spec = input.PointInTimeRecoverySpecification;
  if (!spec || typeof spec.PointInTimeRecoveryEnabled !== "boolean") {
    throw validation(violationMessage(null, "pointInTimeRecoverySpecification", "Member must not be null"));
  }
  const meta: TableMeta = structuredClone(found);
  meta.pitr = spec.PointInTimeRecoveryEnabled;
  env.store.saveTable(meta);
  return continuousBackups(meta);
}

export function describeLimits(env: OpEnv): any {
  return { AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 };
}

export function describeEndpoints(env: OpEnv): any {
  return { Endpoints: [{ Address: `dynamodb.${env.region}.amazonaws.com`, CachePeriodInMinutes: 1440 }] };
}

