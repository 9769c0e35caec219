/**
 * BatchGetItem and BatchWriteItem. Everything is processed (UnprocessedKeys/Items are
 * always empty); a BatchWriteItem runs in one SQLite transaction.
 */
import { normalizeItem, itemSize, MAX_ITEM_SIZE } from "./attribute-value.js";
import { type OpEnv, requireTable, authorizeTable } from "./env.js";
import { itemKey, parseKey, primaryKeyBlob } from "./keys.js";
import { parseRequestExpressions } from "./request-expressions.js";
import { project } from "./expressions/projection.js";
import { commitWrite, itemCollectionMetrics, needsOldItem } from "./item-ops.js";
import type { Item } from "./attribute-value.js";
import { RawJson } from "./raw-json.js";
import { consumedCapacity, readUnits, checkReturnConsumedCapacity, type Usage } from "./capacity.js";
import { validation } from "./errors.js";

export function batchGetItem(env: OpEnv, input: any): any {
  checkReturnConsumedCapacity(input?.ReturnConsumedCapacity);
  const request = input?.RequestItems;
  if (!request || typeof request !== "object" || Object.keys(request).length === 0) {
    throw validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  const total = Object.values(request).reduce((n: number, r: any) => n + (r?.Keys?.length ?? 0), 0);
  if (total > 100) throw validation("Too many items requested for the BatchGetItem call");
  const plans = Object.entries(request).map(([tableName, r]: [string, any]) => {
    const meta = requireTable(env, tableName);
    authorizeTable(env, "BatchGetItem", meta.name);
    if (!Array.isArray(r?.Keys) || r.Keys.length === 0) throw validation("1 validation error detected: Value null at 'requestItems." + tableName + ".member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const parsed = parseRequestExpressions({ ProjectionExpression: r.ProjectionExpression, ExpressionAttributeNames: r.ExpressionAttributeNames, AttributesToGet: r.AttributesToGet });
    const seen = new Set<string>();
    const keys = r.Keys.map((k: any) => {
      const { encoded } = parseKey(meta, k);
      const id = primaryKeyBlob(encoded).toString("hex");
      if (seen.has(id)) throw validation("Provided list of item keys contains duplicates");
      seen.add(id);
      return encoded;
    });
    return { meta, keys, projection: parsed.projection, consistent: r.ConsistentRead === true };
  });
  // Responses is written as JSON text: each item as stored (no parse, no stringify)
  // unless a projection must look inside it.
  let responses = "";
  const capacity: any[] = [];
  for (const p of plans) {
    let items = "";
    let units = 0;
    for (const k of p.keys) {
      const row = env.store.getItemRow(p.meta, k);
      units += readUnits(row ? row[1] : 0, p.consistent);
      if (!row) continue;
      const text = p.projection ? JSON.stringify(project(JSON.parse(row[0]) as Item, p.projection)) : row[0];
      items = items ? `${items},${text}` : text;
    }
    responses += `${responses ? "," : ""}${JSON.stringify(p.meta.name)}:[${items}]`;
    const cc = consumedCapacity(input.ReturnConsumedCapacity, p.meta.name, { table: units }, "read");
    if (cc) capacity.push(cc);
  }
  const out: any = { Responses: new RawJson(`{${responses}}`), UnprocessedKeys: {} };
  if (capacity.length) out.ConsumedCapacity = capacity;
  return out;
}

export function batchWriteItem(env: OpEnv, input: any): any {
  checkReturnConsumedCapacity(input?.ReturnConsumedCapacity);
  const request = input?.RequestItems;
  if (!request || typeof request !== "object" || Object.keys(request).length === 0) {
    throw validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  const total = Object.values(request).reduce((n: number, r: any) => n + (Array.isArray(r) ? r.length : 0), 0);
  if (total > 25) throw validation("Too many items requested for the BatchWriteItem call");
  const plans = Object.entries(request).map(([tableName, reqs]: [string, any]) => {
    const meta = requireTable(env, tableName);
    authorizeTable(env, "BatchWriteItem", meta.name);
    if (!Array.isArray(reqs) || reqs.length === 0) throw validation(`1 validation error detected: Value null at 'requestItems.${tableName}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    const seen = new Set<string>();
    const writes = reqs.map((r: any) => {
      if (!!r?.PutRequest === !!r?.DeleteRequest) throw validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
      let key, item, keyItem;
      let size = 0;
      if (r.PutRequest) {
        item = normalizeItem(r.PutRequest.Item, "Item");
        size = itemSize(item);
        if (size > MAX_ITEM_SIZE) throw validation("Item size has exceeded the maximum allowed size");
        key = itemKey(meta, item);
      } else {
        ({ encoded: key, key: keyItem } = parseKey(meta, r.DeleteRequest.Key));
      }
      const id = primaryKeyBlob(key).toString("hex");
      if (seen.has(id)) throw validation("Provided list of item keys contains duplicates");
      seen.add(id);
      return { key, item, size, keyItem: item ?? keyItem! };
    });
    return { meta, writes };
  });
  const capacity: any[] = [];
  const metrics: Record<string, any[]> = {};
  env.store.transaction(() => {
    for (const p of plans) {
      const usage: Usage = { table: 0, indexes: {} };
      // The replaced item is parsed only when indexes or a stream need it; its stored size
      // is enough for counts and capacity.
      const parseOld = needsOldItem(p.meta);
      for (const w of p.writes) {
        let old: Item | undefined;
        let oldSize: number | undefined;
        if (parseOld) {
          const row = env.store.getItemRow(p.meta, w.key);
          if (row) {
            old = JSON.parse(row[0]) as Item;
            oldSize = row[1];
          }
        } else oldSize = env.store.storedSize(p.meta, w.key);
        if (oldSize === undefined && !w.item) continue;
        const u = commitWrite(env, p.meta, w.key, old, w.item, undefined, { oldExists: oldSize !== undefined, oldSize: oldSize ?? 0, newSize: w.size });
        const icm = itemCollectionMetrics(env, p.meta, w.key, w.keyItem, input.ReturnItemCollectionMetrics);
        if (icm) (metrics[p.meta.name] ??= []).push(icm);
        usage.table += u.table;
        for (const [n, i] of Object.entries(u.indexes ?? {})) {
          const cur = usage.indexes![n] ?? { units: 0, global: i.global };
          cur.units += i.units;
          usage.indexes![n] = cur;
        }
      }
      const cc = consumedCapacity(input.ReturnConsumedCapacity, p.meta.name, usage, "write");
      if (cc) capacity.push(cc);
    }
  });
  const out: any = { UnprocessedItems: {} };
  if (capacity.length) out.ConsumedCapacity = capacity;
  if (input.ReturnItemCollectionMetrics === "SIZE") out.ItemCollectionMetrics = metrics;
  return out;
}
