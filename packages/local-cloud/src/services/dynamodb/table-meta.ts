/**
 * A table's definition as the service keeps it (persisted as JSON in SQLite), built and
 * validated from CreateTable input, and rendered as DynamoDB's TableDescription.
 */
import { randomUUID } from "node:crypto";
import { validation } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";
import type { KinesisDestination } from "./kinesis-destination.js";

export type KeyType = "S" | "N" | "B";

export interface KeyDef {
  name: string;
  type: KeyType;
}

export interface IndexMeta {
  name: string;
  kind: "GSI" | "LSI";
  hash: KeyDef;
  range?: KeyDef;
  keySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[];
  projection: { ProjectionType: "ALL" | "KEYS_ONLY" | "INCLUDE"; NonKeyAttributes?: string[] };
  provisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}

export interface TableMeta {
  id: number;
  name: string;
  tableId: string;
  createdAt: number;
  hash: KeyDef;
  range?: KeyDef;
  keySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[];
  attributeDefinitions: { AttributeName: string; AttributeType: KeyType }[];
  gsis: IndexMeta[];
  lsis: IndexMeta[];
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  provisionedThroughput: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  stream?: { StreamEnabled: boolean; StreamViewType: string; label: string };
  /** Kinesis streams changes are (or were) published to (kinesis-destination.ts). */
  kinesisDestinations?: KinesisDestination[];
  sse?: { Enabled: boolean; SSEType?: string; KMSMasterKeyId?: string };
  tags: { Key: string; Value: string }[];
  ttl?: { AttributeName: string; enabled: boolean };
  pitr: boolean;
  deletionProtection: boolean;
  tableClass: string;
}

const NAME_RE = /^[a-zA-Z0-9_.-]+$/;

export function validateTableName(name: unknown, field = "tableName"): string {
  if (typeof name !== "string") throw validation(violationMessage(null, field, "Member must not be null"));
  if (name.length < 3) throw validation(violationMessage(name, field, "Member must have length greater than or equal to 3"));
  if (name.length > 255) throw validation(violationMessage(name, field, "Member must have length less than or equal to 255"));
  if (!NAME_RE.test(name)) throw validation(violationMessage(name, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
  return name;
}

function keyDefs(schema: any, defs: Map<string, KeyType>, where: string): { hash: KeyDef; range?: KeyDef; keySchema: TableMeta["keySchema"] } {
  if (!Array.isArray(schema) || schema.length === 0) throw validation(violationMessage(null, where, "Member must not be null"));
  if (schema.length > 2) throw validation(violationMessage(JSON.stringify(schema), where, "Member must have length less than or equal to 2"));
  const hashEl = schema[0];
  if (hashEl?.KeyType !== "HASH") throw validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  if (schema[1] && schema[1].KeyType !== "RANGE") throw validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  if (schema[1] && schema[1].AttributeName === hashEl.AttributeName) throw validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  const def = (el: any): KeyDef => {
    const type = defs.get(el.AttributeName);
    if (!type) {
      throw validation(`One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${schema.map((s: any) => s.AttributeName).join(", ")}], AttributeDefinitions: [${[...defs.keys()].join(", ")}]`);
    }
    return { name: el.AttributeName, type };
  };
  return {
    hash: def(hashEl),
    range: schema[1] ? def(schema[1]) : undefined,
    keySchema: schema.map((s: any) => ({ AttributeName: s.AttributeName, KeyType: s.KeyType })),
  };
}

function projectionOf(p: any, indexName: string): IndexMeta["projection"] {
  if (!p || !p.ProjectionType) {
    throw validation(`One or more parameter values were invalid: Unknown ProjectionType: null`);
  }
  if (!["ALL", "KEYS_ONLY", "INCLUDE"].includes(p.ProjectionType)) throw validation(`One or more parameter values were invalid: Unknown ProjectionType: ${p.ProjectionType}`);
  if (p.ProjectionType !== "INCLUDE" && p.NonKeyAttributes?.length) {
    throw validation(`One or more parameter values were invalid: ProjectionType is ${p.ProjectionType}, but NonKeyAttributes is specified`);
  }
  if (p.ProjectionType === "INCLUDE" && !p.NonKeyAttributes?.length) {
    throw validation(`One or more parameter values were invalid: NonKeyAttributes must not be empty when ProjectionType is INCLUDE for index ${indexName}`);
  }
  return p.ProjectionType === "INCLUDE" ? { ProjectionType: "INCLUDE", NonKeyAttributes: [...p.NonKeyAttributes] } : { ProjectionType: p.ProjectionType };
}

function throughputOf(billing: string, t: any, what: string): { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined {
  if (billing === "PAY_PER_REQUEST") {
    if (t) throw validation(`One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    return undefined;
  }
  if (!t || t.ReadCapacityUnits === undefined || t.WriteCapacityUnits === undefined) {
    throw validation(`One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
  }
  for (const k of ["ReadCapacityUnits", "WriteCapacityUnits"]) {
    if (!(Number(t[k]) >= 1)) throw validation(`One or more parameter values were invalid: ${what} ${k} must be greater than 0`);
  }
  return { ReadCapacityUnits: Number(t.ReadCapacityUnits), WriteCapacityUnits: Number(t.WriteCapacityUnits) };
}

export function buildGsi(g: any, defs: Map<string, KeyType>, billing: string): IndexMeta {
  if (typeof g?.IndexName !== "string" || g.IndexName.length < 3) throw validation(violationMessage(null, "globalSecondaryIndexes.1.member.indexName", "Member must not be null"));
  const k = keyDefs(g.KeySchema, defs, "globalSecondaryIndexes.1.member.keySchema");
  return {
    name: g.IndexName,
    kind: "GSI",
    ...k,
    projection: projectionOf(g.Projection, g.IndexName),
    provisionedThroughput: throughputOf(billing, g.ProvisionedThroughput, `Index ${g.IndexName}`),
  };
}

export function buildTableMeta(input: any, id: number, now: number): TableMeta {
  const name = validateTableName(input.TableName);
  if (!Array.isArray(input.AttributeDefinitions)) throw validation(violationMessage(null, "attributeDefinitions", "Member must not be null"));
  if (!Array.isArray(input.KeySchema)) throw validation(violationMessage(null, "keySchema", "Member must not be null"));
  const defs = new Map<string, KeyType>();
  for (const d of input.AttributeDefinitions) {
    if (!["S", "N", "B"].includes(d?.AttributeType)) {
      throw validation(violationMessage(d?.AttributeType, "attributeDefinitions.1.member.attributeType", "Member must satisfy enum value set: [B, N, S]"));
    }
    if (defs.has(d.AttributeName)) throw validation("Cannot have two attributes with the same name");
    defs.set(d.AttributeName, d.AttributeType);
  }
  const billingMode = input.BillingMode ?? "PROVISIONED";
  if (billingMode !== "PROVISIONED" && billingMode !== "PAY_PER_REQUEST") {
    throw validation(violationMessage(billingMode, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"));
  }
  const key = keyDefs(input.KeySchema, defs, "keySchema");
  const used = new Set([key.hash.name, key.range?.name].filter(Boolean) as string[]);
  const gsis: IndexMeta[] = (input.GlobalSecondaryIndexes ?? []).map((g: any) => buildGsi(g, defs, billingMode));
  const lsis: IndexMeta[] = (input.LocalSecondaryIndexes ?? []).map((l: any) => {
    const k = keyDefs(l.KeySchema, defs, "localSecondaryIndexes.1.member.keySchema");
    if (!k.range) throw validation("One or more parameter values were invalid: Index KeySchema does not have a range key for index: " + l.IndexName);
    if (k.hash.name !== key.hash.name) throw validation("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: " + l.IndexName + ". index hash key: " + k.hash.name + ", table hash key: " + key.hash.name);
    if (!key.range) throw validation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    return { name: l.IndexName, kind: "LSI", ...k, projection: projectionOf(l.Projection, l.IndexName) } as IndexMeta;
  });
  const names = new Set<string>();
  for (const ix of [...gsis, ...lsis]) {
    if (names.has(ix.name)) throw validation(`One or more parameter values were invalid: Duplicate index name: ${ix.name}`);
    names.add(ix.name);
    used.add(ix.hash.name);
    if (ix.range) used.add(ix.range.name);
  }
  if (gsis.length > 20) throw validation("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20");
  if (lsis.length > 5) throw validation("One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  if (used.size !== defs.size) {
    throw validation(`One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`);
  }
  const throughput = throughputOf(billingMode, input.ProvisionedThroughput, "");
  const meta: TableMeta = {
    id,
    name,
    tableId: randomUUID(),
    createdAt: now,
    ...key,
    attributeDefinitions: input.AttributeDefinitions.map((d: any) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType })),
    gsis,
    lsis,
    billingMode,
    provisionedThroughput: throughput ?? { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    tags: Array.isArray(input.Tags) ? input.Tags.map((t: any) => ({ Key: t.Key, Value: t.Value })) : [],
    pitr: false,
    deletionProtection: input.DeletionProtectionEnabled === true,
    tableClass: input.TableClass ?? "STANDARD",
  };
  if (input.SSESpecification) meta.sse = { Enabled: input.SSESpecification.Enabled !== false, SSEType: input.SSESpecification.SSEType, KMSMasterKeyId: input.SSESpecification.KMSMasterKeyId };
  applyStreamSpec(meta, input.StreamSpecification, now);
  return meta;
}

/** Enables/disables the stream; a newly enabled stream gets a new label (so a new ARN). */
export function applyStreamSpec(meta: TableMeta, spec: any, now: number): void {
  if (!spec) return;
  // CloudFormation's StreamSpecification has only StreamViewType; in-process callers may pass it as is.
  if (spec.StreamEnabled === undefined && spec.StreamViewType) spec = { ...spec, StreamEnabled: true };
  if (spec.StreamEnabled) {
    const types = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];
    if (!types.includes(spec.StreamViewType)) {
      throw validation("One or more parameter values were invalid: StreamViewType must be one of NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY when StreamEnabled is true");
    }
    if (meta.stream?.StreamEnabled) {
      throw validation(`Table already has an enabled stream: ${meta.name}/stream/${meta.stream.label}`);
    }
    meta.stream = { StreamEnabled: true, StreamViewType: spec.StreamViewType, label: new Date(now).toISOString().replace("Z", "") };
  } else if (meta.stream) {
    meta.stream = { ...meta.stream, StreamEnabled: false };
  } else if (spec.StreamEnabled === false && spec.StreamViewType) {
    throw validation("One or more parameter values were invalid: StreamViewType cannot be specified when StreamEnabled is false");
  }
}

export function tableArn(meta: { name: string }, region: string, account = "000000000000"): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${meta.name}`;
}

export function streamArn(meta: TableMeta, region: string): string | undefined {
  return meta.stream ? `${tableArn(meta, region)}/stream/${meta.stream.label}` : undefined;
}

export function findIndex(meta: TableMeta, name: string): IndexMeta | undefined {
  return meta.gsis.find((g) => g.name === name) ?? meta.lsis.find((l) => l.name === name);
}

export interface Counts {
  itemCount: number;
  sizeBytes: number;
}

export function describeTable(meta: TableMeta, region: string, counts: (index?: string) => Counts, status = "ACTIVE"): any {
  const arn = tableArn(meta, region);
  const table = counts();
  const throughput = (t?: { ReadCapacityUnits: number; WriteCapacityUnits: number }) => ({
    NumberOfDecreasesToday: 0,
    ReadCapacityUnits: t?.ReadCapacityUnits ?? 0,
    WriteCapacityUnits: t?.WriteCapacityUnits ?? 0,
  });
  const out: any = {
    AttributeDefinitions: meta.attributeDefinitions,
    TableName: meta.name,
    KeySchema: meta.keySchema,
    TableStatus: status,
    CreationDateTime: meta.createdAt / 1000,
    ProvisionedThroughput: throughput(meta.provisionedThroughput),
    TableSizeBytes: table.sizeBytes,
    ItemCount: table.itemCount,
    TableArn: arn,
    TableId: meta.tableId,
    DeletionProtectionEnabled: meta.deletionProtection,
  };
  if (meta.billingMode === "PAY_PER_REQUEST") {
    out.BillingModeSummary = { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: meta.createdAt / 1000 };
  }
  if (meta.tableClass !== "STANDARD") out.TableClassSummary = { TableClass: meta.tableClass };
  if (meta.lsis.length) {
    out.LocalSecondaryIndexes = meta.lsis.map((l) => {
      const c = counts(l.name);
      return { IndexName: l.name, KeySchema: l.keySchema, Projection: l.projection, IndexSizeBytes: c.sizeBytes, ItemCount: c.itemCount, IndexArn: `${arn}/index/${l.name}` };
    });
  }
  if (meta.gsis.length) {
    out.GlobalSecondaryIndexes = meta.gsis.map((g) => {
      const c = counts(g.name);
      return {
        IndexName: g.name,
        KeySchema: g.keySchema,
        Projection: g.projection,
        IndexStatus: "ACTIVE",
        ProvisionedThroughput: throughput(g.provisionedThroughput),
        IndexSizeBytes: c.sizeBytes,
        ItemCount: c.itemCount,
        IndexArn: `${arn}/index/${g.name}`,
      };
    });
  }
  if (meta.stream) {
    if (meta.stream.StreamEnabled) out.StreamSpecification = { StreamEnabled: true, StreamViewType: meta.stream.StreamViewType };
    out.LatestStreamLabel = meta.stream.label;
    out.LatestStreamArn = streamArn(meta, region);
  }
  if (meta.sse?.Enabled) {
    out.SSEDescription = { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: `arn:aws:kms:${region}:000000000000:key/${meta.sse.KMSMasterKeyId ?? "00000000-0000-0000-0000-000000000000"}` };
  }
  return out;
}
