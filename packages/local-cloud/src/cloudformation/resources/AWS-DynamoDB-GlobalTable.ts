/**
 * AWS::DynamoDB::GlobalTable, as CDK's TableV2 emits it. Locally there is one region,
 * so the table is the replica for this region: the table-level settings plus that
 * replica's PointInTimeRecovery, tags, table class and deletion protection.
 */
import type { ResourceProvider } from "../provider.js";
import { dynamodbTable } from "./AWS-DynamoDB-Table.js";

function asTable(props: Record<string, any>, region: string): Record<string, any> {
  const replica = (props.Replicas ?? []).find((r: any) => r.Region === region) ?? (props.Replicas ?? [])[0] ?? {};
  const write = props.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings;
  const read = replica.ReadProvisionedThroughputSettings;
  const provisioned = props.BillingMode === "PROVISIONED"
    ? { ReadCapacityUnits: read?.ReadCapacityUnits ?? read?.ReadCapacityAutoScalingSettings?.MinCapacity ?? 5, WriteCapacityUnits: write?.MinCapacity ?? 5 }
    : undefined;
  return Object.fromEntries(Object.entries({
    TableName: props.TableName,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: props.BillingMode ?? "PAY_PER_REQUEST",
    ProvisionedThroughput: provisioned,
    GlobalSecondaryIndexes: props.GlobalSecondaryIndexes?.map((g: any) => ({
      IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
      ...(provisioned ? { ProvisionedThroughput: provisioned } : {}),
    })),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: props.StreamSpecification,
    TimeToLiveSpecification: props.TimeToLiveSpecification,
    SSESpecification: props.SSESpecification ? { SSEEnabled: props.SSESpecification.SSEEnabled, SSEType: props.SSESpecification.SSEType } : undefined,
    PointInTimeRecoverySpecification: replica.PointInTimeRecoverySpecification,
    Tags: replica.Tags,
    TableClass: replica.TableClass,
    DeletionProtectionEnabled: replica.DeletionProtectionEnabled,
  }).filter(([, v]) => v !== undefined));
}

export const dynamodbGlobalTable: ResourceProvider = {
  replacementProps: ["TableName", "KeySchema", "LocalSecondaryIndexes"],
  nameProperty: "TableName",
  async create(props, ctx) {
    return dynamodbTable.create(asTable(props, ctx.region), ctx);
  },
  async update(name, props, old, ctx, attrs) {
    return dynamodbTable.update!(name, asTable(props, ctx.region), asTable(old, ctx.region), ctx, attrs);
  },
  async delete(name, props, ctx, attrs) {
    return dynamodbTable.delete(name, props, ctx, attrs);
  },
};
