/**
 * DynamoDB's and DynamoDB Streams' operations: the IAM action and resource of each and
 * its implementation. Input shapes and constraints come from the generated models
 * (wire/models/dynamodb.ts, dynamodbstreams.ts); wire-rules.ts says where DynamoDB
 * checks differently.
 */
import type dynamodbModel from "../../wire/models/dynamodb.js";
import type streamsModel from "../../wire/models/dynamodbstreams.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import { ACCOUNT_ID } from "../../types.js";
import type { OpEnv } from "./env.js";
import { tableNamePrecheck } from "./wire-rules.js";
import * as tables from "./table-ops.js";
import * as items from "./item-ops.js";
import * as reads from "./query-scan.js";
import * as batch from "./batch-ops.js";
import * as transact from "./transact-ops.js";
import * as streams from "./streams-api.js";
import * as partiql from "./partiql.js";
import * as kinesis from "./kinesis-destination.js";

/** A table's ARN from its name or ARN (DynamoDB takes either). */
export function tableArn(region: string, nameOrArn: string): string {
  return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${nameOrArn}`;
}

/** `dynamodb:<action>` on the table (or one of its indexes) the input names. */
function onTable(action: string) {
  return (input: { TableName: string; IndexName?: string }, env: OpEnv): Authorization => {
    const arn = tableArn(env.region, input.TableName);
    return { action: `dynamodb:${action}`, resource: input.IndexName ? `${arn}/index/${input.IndexName}` : arn };
  };
}

function onResource(action: string) {
  return (input: { ResourceArn: string }): Authorization => ({ action: `dynamodb:${action}`, resource: input.ResourceArn });
}

function onStream(action: string) {
  return (input: { StreamArn: string }): Authorization => ({ action: `dynamodb:${action}`, resource: input.StreamArn });
}

const everywhere = (action: string) => (): Authorization => ({ action: `dynamodb:${action}`, resource: "*" });

const TRANSACT_ACTION = { ConditionCheck: "ConditionCheckItem", Put: "PutItem", Delete: "DeleteItem", Update: "UpdateItem" } as const;

export const DYNAMODB_OPERATIONS: OperationSpecs<typeof dynamodbModel, OpEnv> = {
  CreateTable: { iam: onTable("CreateTable"), precheck: tableNamePrecheck, run: (i, env) => tables.createTable(env, i) },
  DescribeTable: { iam: onTable("DescribeTable"), precheck: tableNamePrecheck, run: (i, env) => tables.describeTableOp(env, i) },
  DeleteTable: { iam: onTable("DeleteTable"), precheck: tableNamePrecheck, run: (i, env) => tables.deleteTable(env, i) },
  ListTables: { iam: everywhere("ListTables"), run: (i, env) => tables.listTables(env, i) },
  UpdateTable: { iam: onTable("UpdateTable"), precheck: tableNamePrecheck, run: (i, env) => tables.updateTable(env, i) },
  UpdateTimeToLive: { iam: onTable("UpdateTimeToLive"), run: (i, env) => tables.updateTimeToLive(env, i) },
  DescribeTimeToLive: { iam: onTable("DescribeTimeToLive"), precheck: tableNamePrecheck, run: (i, env) => tables.describeTimeToLive(env, i) },
  TagResource: { iam: onResource("TagResource"), run: (i, env) => tables.tagResource(env, i) },
  UntagResource: { iam: onResource("UntagResource"), run: (i, env) => tables.untagResource(env, i) },
  ListTagsOfResource: { iam: onResource("ListTagsOfResource"), run: (i, env) => tables.listTagsOfResource(env, i) },
  DescribeContinuousBackups: { iam: onTable("DescribeContinuousBackups"), run: (i, env) => tables.describeContinuousBackups(env, i) },
  UpdateContinuousBackups: { iam: onTable("UpdateContinuousBackups"), run: (i, env) => tables.updateContinuousBackups(env, i) },
  DescribeLimits: { iam: everywhere("DescribeLimits"), run: (_i, env) => tables.describeLimits(env) },
  // AWS asks no permission for endpoint discovery.
  DescribeEndpoints: { iam: "none", run: (_i, env) => tables.describeEndpoints(env) },
  PutItem: { iam: onTable("PutItem"), run: (i, env) => items.putItem(env, i) },
  GetItem: { iam: onTable("GetItem"), run: (i, env) => items.getItem(env, i) },
  UpdateItem: { iam: onTable("UpdateItem"), run: (i, env) => items.updateItem(env, i) },
  DeleteItem: { iam: onTable("DeleteItem"), run: (i, env) => items.deleteItem(env, i) },
  Query: { iam: onTable("Query"), run: (i, env) => reads.query(env, i) },
  Scan: { iam: onTable("Scan"), run: (i, env) => reads.scan(env, i) },
  BatchGetItem: {
    iam: (i, env) => Object.keys(i.RequestItems).map((t) => ({ action: "dynamodb:BatchGetItem", resource: tableArn(env.region, t) })),
    run: (i, env) => batch.batchGetItem(env, i),
  },
  BatchWriteItem: {
    iam: (i, env) => Object.keys(i.RequestItems).map((t) => ({ action: "dynamodb:BatchWriteItem", resource: tableArn(env.region, t) })),
    run: (i, env) => batch.batchWriteItem(env, i),
  },
  TransactGetItems: {
    iam: (i, env) => i.TransactItems.map((t) => ({ action: "dynamodb:GetItem", resource: tableArn(env.region, t.Get.TableName) })),
    run: (i, env) => transact.transactGetItems(env, i),
  },
  TransactWriteItems: {
    iam: (i, env) =>
      i.TransactItems.flatMap((t) =>
        (Object.keys(TRANSACT_ACTION) as (keyof typeof TRANSACT_ACTION)[])
          .filter((kind) => t[kind])
          .map((kind) => ({ action: `dynamodb:${TRANSACT_ACTION[kind]}`, resource: tableArn(env.region, t[kind]!.TableName) })),
      ),
    run: (i, env) => transact.transactWriteItems(env, i),
  },
  // PartiQL: the action (PartiQLSelect, …) and table are only known once the statement is parsed.
  ExecuteStatement: { iam: "self", run: (i, env) => partiql.executeStatement(env, i) },
  BatchExecuteStatement: { iam: "self", run: (i, env) => partiql.batchExecuteStatement(env, i) },
  ExecuteTransaction: { iam: "self", run: (i, env) => partiql.executeTransaction(env, i) },
  EnableKinesisStreamingDestination: { iam: onTable("EnableKinesisStreamingDestination"), run: (i, env) => kinesis.enableKinesisStreamingDestination(env, i) },
  DisableKinesisStreamingDestination: { iam: onTable("DisableKinesisStreamingDestination"), run: (i, env) => kinesis.disableKinesisStreamingDestination(env, i) },
  DescribeKinesisStreamingDestination: { iam: onTable("DescribeKinesisStreamingDestination"), run: (i, env) => kinesis.describeKinesisStreamingDestination(env, i) },
};

export const STREAMS_OPERATIONS: OperationSpecs<typeof streamsModel, OpEnv> = {
  ListStreams: { iam: everywhere("ListStreams"), run: (i, env) => streams.listStreams(env, i) },
  DescribeStream: { iam: onStream("DescribeStream"), run: (i, env) => streams.describeStream(env, i) },
  GetShardIterator: { iam: onStream("GetShardIterator"), run: (i, env) => streams.getShardIterator(env, i) },
  // The stream is named inside the iterator: checked once the iterator is read.
  GetRecords: { iam: "self", run: (i, env) => streams.getRecords(env, i) },
};
