/**
 * BatchGetItem and BatchWriteItem. Everything is processed (UnprocessedKeys/Items are
 * always empty); a BatchWriteItem runs in one SQLite transaction.
 */
import { normalizeItem, itemSize, MAX_ITEM_SIZE } from "./attribute-value.js";
import { type OpEnv, requireTable } from "./env.js";
import { itemKey, parseKey, primaryKeyBlob } from "./keys.js";
import { parseRequestExpressions } from "./request-expressions.js";
import { project } from "./expressions/projection.js";
import { commitWrite, itemCollectionMetrics, needsOldItem } from "./item-ops.js";
import type { Item } from "./attribute-value.js";
import { RawJson } from "./raw-json.js";
import { consumedCapacity, readUnits, type Usage } from "./capacity.js";
import { validation } from "./errors.js";

export function batchGetItem(env: OpEnv, input: any): any {
  const request: Record<string, any> = input.RequestItems;
  const total = Object.values(request).reduce((n: number, r: any) => n + r.Keys.length, 0);
  if (total > 100) throw validation("Too many items requested for the BatchGetItem call");
  // What the request alone decides is checked for every table before any is looked up.
  const checked = Object.entries(request).map(([tableName, r]) => ({
    tableName,
    r,
    keys: (r.Keys as unknown[]).map((k) => normalizeItem(k, "Key")),
    parsed: parseRequestExpressions({ ProjectionExpression: r.ProjectionExpression, ExpressionAttributeNames: r.ExpressionAttributeNames, AttributesToGet: r.AttributesToGet }),
  }));
  const plans = checked.map(({ tableName, r, keys: keyItems, parsed }) => {
    const meta = requireTable(env, tableName);
    const seen = new Set<string>();
    const keys = keyItems.map((k) => {
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

interface CheckedWrite {
  item?: Item;
  deleteKey?: Item;
  size: number;
}

/** A write request as far as the request alone decides it. */
function checkWrite(r: any): CheckedWrite {
  if (!!r.PutRequest === !!r.DeleteRequest) throw validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  if (r.DeleteRequest) return { deleteKey: normalizeItem(r.DeleteRequest.Key, "Key"), size: 0 };
  const item = normalizeItem(r.PutRequest.Item, "Item");
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw validation("Item size has exceeded the maximum allowed size");
  return { item, size };
}

export function batchWriteItem(env: OpEnv, input: any): any {
  const request: Record<string, any[]> = input.RequestItems;
  const total = Object.values(request).reduce((n, r) => n + r.length, 0);
  if (total > 25) throw validation("Too many items requested for the BatchWriteItem call");
  // What the request alone decides is checked for every table before any is looked up.
  const checked = Object.entries(request).map(([tableName, reqs]) => ({ tableName, writes: reqs.map(checkWrite) }));
  const plans = checked.map(({ tableName, writes: checkedWrites }) => {
    const meta = requireTable(env, tableName);
    const seen = new Set<string>();
    const writes = checkedWrites.map(({ item, deleteKey, size }) => {
      let key, keyItem;
      if (item) key = itemKey(meta, item);
      else ({ encoded: key, key: keyItem } = parseKey(meta, deleteKey!));
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
