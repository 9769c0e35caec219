/**
 * What every operation implementation gets: the store, the caller, the region, the IAM
 * check and the hook that announces new stream records.
 */
import type { CallContext } from "../../types.js";
import type { DynamoStore } from "./store.js";
import type { TableMeta } from "./table-meta.js";
import { tableNotFound, resourceNotFound } from "./errors.js";

export interface OpEnv {
  store: DynamoStore;
  region: string;
  ctx: CallContext;
  /** IAM check for a non-admin caller; throws AccessDeniedException. */
  authorize(action: string, resources: string | string[]): void;
  /** Called once a committed write appended records to this stream. */
  streamWritten(streamArn: string): void;
  /** Whether a Kinesis stream exists (for a table's Kinesis streaming destination). */
  kinesisStreamExists(streamArn: string): Promise<boolean>;
  /** ClientRequestToken cache for TransactWriteItems idempotency. */
  tokens: Map<string, { at: number; hash: string; result: any }>;
}

/** A table's name from its name or ARN (DynamoDB takes either wherever it takes a table). */
export function tableNameOf(nameOrArn: string): string {
  if (!nameOrArn.startsWith("arn:")) return nameOrArn;
  const resource = nameOrArn.split(":").slice(5).join(":");
  return resource.startsWith("table/") ? resource.slice(6).split("/")[0]! : nameOrArn;
}

/**
 * The named table or ResourceNotFoundException. Control-plane operations name the table in
 * the message (`detailed`), data-plane operations answer the bare message.
 */
export function requireTable(env: OpEnv, name: unknown, detailed = false): TableMeta {
  const meta = typeof name === "string" ? (env.store.table(name) ?? env.store.table(tableNameOf(name))) : undefined;
  if (!meta) {
    if (typeof name !== "string" || !detailed) throw resourceNotFound();
    throw tableNotFound(name);
  }
  return meta;
}

/** Authorize `dynamodb:<op>` on the table (or one of its indexes) before acting. */
export function authorizeTable(env: OpEnv, op: string, tableName: string, indexName?: string): void {
  // The admin may do anything (LocalCloud.authorize returns at once): skip building ARNs.
  if (env.ctx.principal.admin) return;
  const arn = `arn:aws:dynamodb:${env.region}:000000000000:table/${tableName}`;
  env.authorize(`dynamodb:${op}`, indexName ? `${arn}/index/${indexName}` : arn);
}

