/**
 * Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. Each write runs its
 * read-check-write inside one synchronous SQLite transaction, so conditional writes and
 * counters are exact under any concurrency.
 */
import type { Item } from "./attribute-value.js";
import { normalizeItem, itemSize, MAX_ITEM_SIZE } from "./attribute-value.js";
import { type OpEnv, requireTable } from "./env.js";
import { itemKey, parseKey, indexKey, type EncodedKey } from "./keys.js";
import type { TableMeta } from "./table-meta.js";
import { checkExpressionParams, parseRequestExpressions, type ParsedRequest } from "./request-expressions.js";
import { evaluate } from "./expressions/evaluator.js";
import { applyUpdate } from "./expressions/update.js";
import { project } from "./expressions/projection.js";
import type { Condition, PathNode } from "./expressions/ast.js";
import { appendChange, type StreamWriteOptions } from "./stream-records.js";
import { activeDestination } from "./kinesis-destination.js";
import { consumedCapacity, readUnits, writeUnits, type Usage } from "./capacity.js";
import { validation, conditionalCheckFailed } from "./errors.js";
import { RawJson } from "./raw-json.js";
import type { WriteFacts } from "./store.js";

/** ReturnValues, of those the operation allows (the enum itself is checked with the request). */
export function checkReturnValues(v: unknown, allowed: string[]): string {
  if (v === undefined) return "NONE";
  if (!allowed.includes(v as string)) throw validation(`ReturnValues can only be ${allowed.slice().reverse().join(" or ")}`);
  return v as string;
}

/** The item's size, once; refuses items over the limit. */
function checkItemSize(item: Item, update = false): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) {
    throw validation(update ? "Item size to update has exceeded the maximum allowed size" : "Item size has exceeded the maximum allowed size");
  }
  return size;
}

/** Throws ConditionalCheckFailedException (carrying the old item when asked) unless the condition holds. */
export function checkCondition(condition: Condition | undefined, old: Item | undefined, returnOnFailure: unknown): void {
  if (!condition) return;
  if (evaluate(condition, old ?? {})) return;
  throw conditionalCheckFailed(returnOnFailure === "ALL_OLD" && old ? old : undefined);
}

/**
 * Writes one change (store + stream) and returns the capacity it used. Must run in a
 * transaction. `facts` (sizes, and whether an unparsed old item exists) saves measuring
 * the items again; the old item may be left unparsed only when the table has neither
 * secondary indexes nor an enabled stream or Kinesis destination (see needsOldItem).
 */
export function commitWrite(env: OpEnv, meta: TableMeta, key: EncodedKey, old: Item | undefined, next: Item | undefined, opts: StreamWriteOptions = {}, facts?: WriteFacts): Usage {
  env.store.writeItem(meta, key, old, next, facts);
  const arn = appendChange(env.store, meta, env.region, old, next, opts);
  if (arn) env.streamWritten(arn);
  return facts ? usageOf(meta, old, next, Math.max(facts.oldSize, facts.newSize)) : writeUsage(meta, old, next);
}

/** Whether a write must parse the item it replaces even when the request itself does not look at it. */
export function needsOldItem(meta: TableMeta): boolean {
  return meta.gsis.length > 0 || meta.lsis.length > 0 || !!meta.stream?.StreamEnabled || activeDestination(meta) !== undefined;
}

export function writeUsage(meta: TableMeta, old: Item | undefined, next: Item | undefined): Usage {
  return usageOf(meta, old, next, Math.max(old ? itemSize(old) : 0, next ? itemSize(next) : 0));
}

function usageOf(meta: TableMeta, old: Item | undefined, next: Item | undefined, size: number): Usage {
  const usage: Usage = { table: writeUnits(size), indexes: {} };
  if (meta.gsis.length === 0 && meta.lsis.length === 0) return usage;
  for (const ix of [...meta.gsis, ...meta.lsis]) {
    let touched = false;
    try {
      touched = (old && indexKey(ix, old) !== null) || (next && indexKey(ix, next) !== null) || false;
    } catch {
      touched = false;
    }
    if (touched) usage.indexes![ix.name] = { units: writeUnits(size), global: ix.kind === "GSI" };
  }
  return usage;
}

/**
 * ItemCollectionMetrics: only for tables with local secondary indexes (whose item
 * collections are size-limited), when ReturnItemCollectionMetrics is SIZE.
 */
export function itemCollectionMetrics(env: OpEnv, meta: TableMeta, key: EncodedKey, keyItem: Item, mode: unknown): any {
  if (mode !== "SIZE" || meta.lsis.length === 0) return undefined;
  const gb = env.store.partitionBytes(meta, key.hk) / 1024 ** 3;
  const lower = Math.floor(gb);
  return { ItemCollectionKey: { [meta.hash.name]: keyItem[meta.hash.name]! }, SizeEstimateRangeGB: [lower, lower + 1] };
}

function only(parsed: ParsedRequest, allowed: (keyof ParsedRequest)[], op: string): void {
  for (const k in parsed) {
    if (parsed[k as keyof ParsedRequest] !== undefined && !allowed.includes(k as keyof ParsedRequest)) throw validation(`${op} does not support ${k}`);
  }
}

const CONDITION_ONLY: (keyof ParsedRequest)[] = ["condition"];
const GET_PARTS: (keyof ParsedRequest)[] = ["projection"];
const UPDATE_PARTS: (keyof ParsedRequest)[] = ["condition", "update"];

export function putItem(env: OpEnv, input: any): any {
  // What the request alone decides is checked before the table is looked up, as DynamoDB does.
  const style = checkExpressionParams(input);
  const rv = checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"]);
  const item = normalizeItem(input.Item, "Item");
  const newSize = checkItemSize(item);
  const parsed = parseRequestExpressions(input, style);
  only(parsed, CONDITION_ONLY, "PutItem");
  const meta = requireTable(env, input.TableName);
  const key = itemKey(meta, item);
  const condition = parsed.condition;
  // The item being replaced is parsed only when something looks inside it; otherwise its
  // stored size (for counts and capacity) is all that is read.
  const parseOld = condition !== undefined || rv === "ALL_OLD" || needsOldItem(meta);
  const onFailure = input.ReturnValuesOnConditionCheckFailure;
  // No index and no stream: the write is one INSERT, atomic without a savepoint. (The
  // function is an inline arrow: a named closure costs a __name() call per request.)
  return env.store.transaction((): any => {
    let old: Item | undefined;
    let oldSize: number | undefined;
    if (parseOld) {
      const row = env.store.getItemRow(meta, key);
      if (row) {
        old = JSON.parse(row[0]) as Item;
        oldSize = row[1];
      }
    } else oldSize = env.store.storedSize(meta, key);
    checkCondition(condition, old, onFailure);
    const out: any = {};
    if (rv === "ALL_OLD" && old) out.Attributes = old;
    // Everything that can fail is decided before the write (see transaction's singleStatement).
    const facts: WriteFacts = { oldExists: oldSize !== undefined, oldSize: oldSize ?? 0, newSize };
    const usage = commitWrite(env, meta, key, old, item, undefined, facts);
    const icm = itemCollectionMetrics(env, meta, key, item, input.ReturnItemCollectionMetrics);
    if (icm) out.ItemCollectionMetrics = icm;
    const cc = consumedCapacity(input.ReturnConsumedCapacity, meta.name, usage, "write");
    if (cc) out.ConsumedCapacity = cc;
    return out;
  }, !needsOldItem(meta));
}

export function getItem(env: OpEnv, input: any): any {
  const style = checkExpressionParams(input);
  const keyItem = normalizeItem(input.Key, "Key");
  const parsed = parseRequestExpressions(input, style);
  only(parsed, GET_PARTS, "GetItem");
  const meta = requireTable(env, input.TableName);
  const { encoded } = parseKey(meta, keyItem);
  const row = env.store.getItemRow(meta, encoded);
  const out: any = {};
  // Without a projection the stored text is the answer: no parse, no stringify.
  if (row) out.Item = parsed.projection ? project(JSON.parse(row[0]) as Item, parsed.projection) : new RawJson(row[0]);
  if (input.ReturnConsumedCapacity !== undefined) {
    const cc = consumedCapacity(input.ReturnConsumedCapacity, meta.name, { table: readUnits(row ? row[1] : 0, input.ConsistentRead === true) }, "read");
    if (cc) out.ConsumedCapacity = cc;
  }
  return out;
}

function updatedPaths(actions: { path: PathNode }[]): PathNode[] {
  return actions.map((a) => a.path);
}

export function updateItem(env: OpEnv, input: any): any {
  const rv = checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]);
  const style = checkExpressionParams(input);
  const keyItem = normalizeItem(input.Key, "Key");
  const parsed = parseRequestExpressions(input, style);
  only(parsed, UPDATE_PARTS, "UpdateItem");
  const meta = requireTable(env, input.TableName);
  const { key, encoded } = parseKey(meta, keyItem);
  const actions = parsed.update ?? [];
  for (const a of actions) {
    const first = a.path.elements[0]!;
    if ("name" in first && (first.name === meta.hash.name || first.name === meta.range?.name)) {
      throw validation(`One or more parameter values were invalid: Cannot update attribute ${first.name}. This attribute is part of the key`);
    }
  }
  return env.store.transaction((): any => {
    const row = env.store.getItemRow(meta, encoded);
    const old = row ? (JSON.parse(row[0]) as Item) : undefined;
    checkCondition(parsed.condition, old, input.ReturnValuesOnConditionCheckFailure);
    const base: Item = old ?? { ...key };
    const next = applyUpdate(base, actions);
    const newSize = checkItemSize(next, true);
    // Validate index key types of the result before writing.
    for (const ix of meta.gsis) indexKey(ix, next);
    for (const ix of meta.lsis) indexKey(ix, next);
    // Everything that can fail is decided before the write (see transaction's singleStatement).
    const usage = commitWrite(env, meta, encoded, old, next, undefined, { oldExists: row !== undefined, oldSize: row ? row[1] : 0, newSize });
    const out: any = {};
    if (rv === "ALL_OLD" && old) out.Attributes = old;
    else if (rv === "ALL_NEW") out.Attributes = next;
    else if (rv === "UPDATED_OLD" && old) {
      const a = project(old, updatedPaths(actions));
      if (Object.keys(a).length) out.Attributes = a;
    } else if (rv === "UPDATED_NEW") {
      const a = project(next, updatedPaths(actions));
      if (Object.keys(a).length) out.Attributes = a;
    }
    const cc = consumedCapacity(input.ReturnConsumedCapacity, meta.name, usage, "write");
    if (cc) out.ConsumedCapacity = cc;
    const icm = itemCollectionMetrics(env, meta, encoded, key, input.ReturnItemCollectionMetrics);
    if (icm) out.ItemCollectionMetrics = icm;
    return out;
  }, !needsOldItem(meta));
}

export function deleteItem(env: OpEnv, input: any): any {
  const rv = checkReturnValues(input.ReturnValues, ["NONE", "ALL_OLD"]);
  const style = checkExpressionParams(input);
  const keyItem = normalizeItem(input.Key, "Key");
  const parsed = parseRequestExpressions(input, style);
  only(parsed, CONDITION_ONLY, "DeleteItem");
  const meta = requireTable(env, input.TableName);
  const { key, encoded } = parseKey(meta, keyItem);
  const condition = parsed.condition;
  const parseOld = condition !== undefined || rv === "ALL_OLD" || needsOldItem(meta);
  return env.store.transaction((): any => {
    let old: Item | undefined;
    let oldSize: number | undefined;
    if (parseOld) {
      const row = env.store.getItemRow(meta, encoded);
      if (row) {
        old = JSON.parse(row[0]) as Item;
        oldSize = row[1];
      }
    } else oldSize = env.store.storedSize(meta, encoded);
    checkCondition(condition, old, input.ReturnValuesOnConditionCheckFailure);
    const out: any = {};
    if (rv === "ALL_OLD" && old) out.Attributes = old;
    const facts: WriteFacts = { oldExists: oldSize !== undefined, oldSize: oldSize ?? 0, newSize: 0 };
    const usage = facts.oldExists ? commitWrite(env, meta, encoded, old, undefined, undefined, facts) : writeUsage(meta, undefined, undefined);
    const icm = itemCollectionMetrics(env, meta, encoded, key, input.ReturnItemCollectionMetrics);
    if (icm) out.ItemCollectionMetrics = icm;
    const cc = consumedCapacity(input.ReturnConsumedCapacity, meta.name, usage, "write");
    if (cc) out.ConsumedCapacity = cc;
    return out;
  }, !needsOldItem(meta));
}
