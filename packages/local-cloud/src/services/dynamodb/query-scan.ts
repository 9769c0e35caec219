/**
 * Query and Scan. A Query becomes one range scan of the (table or index) partition; Scan
 * walks the table in key order. Pages stop at Limit items *evaluated* (before the filter)
 * or at 1 MB of evaluated data, like DynamoDB, and report LastEvaluatedKey.
 */
import type { Item } from "./attribute-value.js";
import { normalizeValue, typeOf } from "./attribute-value.js";
import { type OpEnv, requireTable } from "./env.js";
import type { IndexMeta, KeyDef, TableMeta } from "./table-meta.js";
import { findIndex } from "./table-meta.js";
import { parseRequestExpressions } from "./request-expressions.js";
import type { Condition, Operand } from "./expressions/ast.js";
import { evaluate } from "./expressions/evaluator.js";
import { project } from "./expressions/projection.js";
import { encodeKeyValue, prefixSuccessor, NO_RANGE } from "./key-encoding.js";
import { keyAttributes, primaryKeyBlob, type EncodedKey } from "./keys.js";
import { SMALL_LIMIT, type PageRow, type RangeBounds } from "./store.js";
import { consumedCapacity, readUnits } from "./capacity.js";
import { validation } from "./errors.js";
import { RawJson } from "./raw-json.js";

const PAGE_BYTES = 1024 * 1024;

interface KeyPlan {
  hk: Buffer;
  range: RangeBounds;
}

function flattenAnd(c: Condition): Condition[] {
  return c.kind === "and" ? [...flattenAnd(c.left), ...flattenAnd(c.right)] : [c];
}

function attrOf(o: Operand): string | null {
  if (o.kind !== "path" || o.elements.length !== 1) return null;
  const e = o.elements[0]!;
  return "name" in e ? e.name : null;
}

function keyValue(o: Operand, def: KeyDef): Buffer {
  if (o.kind !== "value") throw validation("Invalid KeyConditionExpression: The key condition must only use values as right-hand operands");
  if (typeOf(o.value) !== def.type) throw validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
  return encodeKeyValue(o.value);
}

/** Turns a key condition into an exact hash key and a sort-key range. */
export function planKeyCondition(cond: Condition | undefined, hash: KeyDef, range: KeyDef | undefined): KeyPlan {
  if (!cond) throw validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  const parts = flattenAnd(cond);
  if (parts.length > 2) throw validation("Conditions can be of length 1 or 2 only");
  let hk: Buffer | undefined;
  const bounds: RangeBounds = {};
  for (const p of parts) {
    let name: string | null = null;
    // The value side of a comparison (`:v = key` is accepted for equality). The parsed
    // expression is not modified: it may be shared (see expressions/cache.ts).
    let right: Operand | undefined;
    if (p.kind === "compare") {
      name = attrOf(p.left);
      right = p.right;
      if (!name && attrOf(p.right) && p.op === "=") {
        name = attrOf(p.right);
        right = p.left;
      }
    } else if (p.kind === "between") name = attrOf(p.operand);
    else if (p.kind === "function" && p.name === "begins_with") name = attrOf(p.args[0]!);
    else throw validation(`Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: ${p.kind === "function" ? p.name : p.kind.toUpperCase()}`);
    if (name === hash.name) {
      if (p.kind !== "compare" || p.op !== "=") throw validation("Query key condition not supported");
      if (hk) throw validation("KeyConditionExpressions must only contain one condition per key");
      hk = keyValue(right!, hash);
    } else if (range && name === range.name) {
      if (bounds.lo || bounds.hi) throw validation("KeyConditionExpressions must only contain one condition per key");
      if (p.kind === "compare") {
        const v = keyValue(right!, range);
        if (p.op === "=") {
          bounds.lo = { value: v, inclusive: true };
          bounds.hi = { value: v, inclusive: true };
        } else if (p.op === "<" || p.op === "<=") bounds.hi = { value: v, inclusive: p.op === "<=" };
        else if (p.op === ">" || p.op === ">=") bounds.lo = { value: v, inclusive: p.op === ">=" };
        else throw validation("Unsupported operator on KeyConditionExpression: operator: <>");
      } else if (p.kind === "between") {
        const lo = keyValue(p.low, range);
        const hi = keyValue(p.high, range);
        if (Buffer.compare(lo, hi) > 0) throw validation("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound");
        bounds.lo = { value: lo, inclusive: true };
        bounds.hi = { value: hi, inclusive: true };
      } else if (p.kind === "function") {
        if (range.type === "N") throw validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
        const prefix = keyValue(p.args[1]!, range);
        bounds.lo = { value: prefix, inclusive: true };
        const succ = prefixSuccessor(prefix);
        if (succ) bounds.hi = { value: succ, inclusive: false };
      }
    } else if (range) {
      throw validation(`Query condition missed key schema element: ${hk ? range.name : hash.name}`);
    } else {
      throw validation("Query key condition not supported");
    }
  }
  if (!hk) throw validation(`Query condition missed key schema element: ${hash.name}`);
  return { hk, range: bounds };
}

interface Source {
  meta: TableMeta;
  index?: IndexMeta;
  hash: KeyDef;
  range?: KeyDef;
}

function resolveSource(env: OpEnv, input: any, op: "Query" | "Scan"): Source {
  const meta = requireTable(env, input.TableName);
  let index: IndexMeta | undefined;
  if (input.IndexName !== undefined) {
    index = findIndex(meta, input.IndexName);
    if (!index) throw validation(`The table does not have the specified index: ${input.IndexName}`);
    if (index.kind === "GSI" && input.ConsistentRead) throw validation("Consistent reads are not supported on global secondary indexes");
  }
  return { meta, index, hash: index?.hash ?? meta.hash, range: index ? index.range : meta.range };
}

function badStartKey(): Error {
  return validation("The provided starting key is invalid: The provided key element does not match the schema");
}

function startKeyPart(key: Item, def: KeyDef | undefined): Buffer {
  if (!def) return NO_RANGE;
  const v = key[def.name];
  if (!v || typeOf(v) !== def.type) throw badStartKey();
  return encodeKeyValue(v);
}

/** Position after ExclusiveStartKey: table key (and, for an index, index key). */
function startPosition(src: Source, esk: any): { hk: Buffer; rk: Buffer; pk?: Buffer } | undefined {
  if (esk === undefined) return undefined;
  if (!esk || typeof esk !== "object") throw badStartKey();
  const key: Item = {};
  for (const k of Object.keys(esk)) key[k] = normalizeValue(esk[k]);
  const tableKey: EncodedKey = { hk: startKeyPart(key, src.meta.hash), rk: startKeyPart(key, src.meta.range) };
  if (!src.index) return tableKey;
  return { hk: startKeyPart(key, src.hash), rk: startKeyPart(key, src.range), pk: primaryKeyBlob(tableKey) };
}

function lastEvaluatedKey(src: Source, item: Item): Item {
  const out = keyAttributes(src.meta, item);
  if (src.index) {
    out[src.index.hash.name] = item[src.index.hash.name]!;
    if (src.index.range) out[src.index.range.name] = item[src.index.range.name]!;
  }
  return out;
}

/** Reads the full item from the table for an LSI row when all attributes are asked for. */
function decodePk(pk: Buffer): EncodedKey {
  const len = pk.readUInt32BE(0);
  return { hk: pk.subarray(4, 4 + len), rk: pk.subarray(4 + len) };
}

/** The Select checks the request alone decides (before the table is looked up). */
function checkSelect(input: any, hasProjection: boolean): void {
  const select = input.Select;
  if (select === "SPECIFIC_ATTRIBUTES" && !hasProjection) {
    throw validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  }
  if (hasProjection && select !== undefined && select !== "SPECIFIC_ATTRIBUTES") {
    throw validation(`Cannot specify the ProjectionExpression when choosing to get ${select}`);
  }
}

function selectMode(input: any, src: Source, hasProjection: boolean): string {
  const select = input.Select ?? (hasProjection ? "SPECIFIC_ATTRIBUTES" : src.index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES");
  if (select === "ALL_PROJECTED_ATTRIBUTES" && !src.index) throw validation("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is supported only for index queries or scans");
  if (select === "ALL_ATTRIBUTES" && src.index?.kind === "GSI" && src.index.projection.ProjectionType !== "ALL") {
    throw validation(`One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${src.index.name} because its projection type is not ALL`);
  }
  return select;
}

/** Limit (Query, Scan, ExecuteStatement; at least 1: checked with the request), Infinity when absent. */
export function checkLimit(limit: number | undefined): number {
  return limit === undefined ? Infinity : limit;
}

/** Shared page loop of Query and Scan. */
function runPage(env: OpEnv, input: any, src: Source, rows: Iterable<PageRow>, limit: number, accept: (row: PageRow) => boolean, filter: Condition | undefined, projection: ReturnType<typeof parseRequestExpressions>["projection"], select: string) {
  const items: (Item | RawJson)[] = [];
  let matched = 0;
  let scanned = 0;
  let bytes = 0;
  let lastRow: PageRow | undefined;
  let lastItem: Item | undefined;
  let more = false;
  const fetchFull = src.index?.kind === "LSI" && select === "ALL_ATTRIBUTES" && src.index.projection.ProjectionType !== "ALL";
  // Items are parsed only when something must look inside them; otherwise their stored
  // JSON text goes into the response as it is.
  const inspect = fetchFull || !!filter || !!projection;
  for (const row of rows) {
    if (scanned >= limit || bytes >= PAGE_BYTES) {
      more = true;
      break;
    }
    if (!accept(row)) continue;
    scanned++;
    bytes += row.size;
    lastRow = row;
    lastItem = undefined;
    if (!inspect) {
      matched++;
      if (select !== "COUNT") items.push(new RawJson(row.item));
      continue;
    }
    let item = JSON.parse(row.item) as Item;
    lastItem = item;
    if (fetchFull) item = env.store.getItem(src.meta, decodePk(row.pk!)) ?? item;
    if (filter && !evaluate(filter, item, "FilterExpression")) continue;
    matched++;
    // An item that passed the filter unchanged is answered with its stored text (no stringify).
    if (select !== "COUNT") items.push(projection ? project(item, projection) : item === lastItem ? new RawJson(row.item) : item);
  }
  // DynamoDB reports LastEvaluatedKey whenever it stopped because of Limit or page size.
  if (!more && scanned >= limit && lastRow) more = true;
  const out: any = { Count: matched, ScannedCount: scanned };
  if (select !== "COUNT") out.Items = items;
  if (more && lastRow) out.LastEvaluatedKey = lastEvaluatedKey(src, lastItem ?? (JSON.parse(lastRow.item) as Item));
  const units = readUnits(bytes, input.ConsistentRead === true);
  const usage = src.index ? { table: 0, indexes: { [src.index.name]: { units, global: src.index.kind === "GSI" } } } : { table: units };
  const cc = consumedCapacity(input.ReturnConsumedCapacity, src.meta.name, usage, "read");
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

export function query(env: OpEnv, input: any): any {
  // What the request alone decides is checked before the table is looked up.
  const parsed = parseRequestExpressions(input);
  if (parsed.condition || parsed.update) throw validation("Query does not support ConditionExpression or UpdateExpression");
  checkSelect(input, !!parsed.projection);
  const src = resolveSource(env, input, "Query");
  const plan = planKeyCondition(parsed.keyCondition, src.hash, src.range);
  if (parsed.filter) checkFilterKeys(parsed.filter, src);
  const select = selectMode(input, src, !!parsed.projection);
  const after = startPosition(src, input.ExclusiveStartKey);
  const forward = input.ScanIndexForward !== false;
  if (after && !after.hk.equals(plan.hk)) throw validation("The provided starting key is outside query boundaries based on provided conditions");
  // Limit counts rows evaluated, before any filter: exactly the SQL LIMIT.
  const limit = checkLimit(input.Limit);
  const fetchFull = src.index?.kind === "LSI" && select === "ALL_ATTRIBUTES" && src.index.projection.ProjectionType !== "ALL";
  if (!parsed.filter && !parsed.projection && !fetchFull) return plainQueryPage(env, input, src, plan, forward, after, limit, select);
  const rows = env.store.queryPartition(src.meta, src.index, plan.hk, plan.range, forward, after, limit);
  return runPage(env, input, src, rows, limit, acceptAll, parsed.filter, parsed.projection, select);
}

function acceptAll(): boolean {
  return true;
}

/** A Query without Limit (or a larger one) reads this many rows in its first call (most partitions end there). */
const FIRST_CHUNK = 32;
/**
 * Cap on the second chunk, doubled for each one after: later chunks skip the rows read
 * so far (OFFSET), so growing them keeps a long page's re-reads linear, not quadratic.
 */
const SECOND_CHUNK_CAP = 256;

/** The running state of a plain Query page. */
interface PlainPage {
  text: string;
  count: number;
  bytes: number;
  last: string | undefined;
  more: boolean;
}

/**
 * A Query page that needs nothing from inside its items (no filter, no projection, no
 * LSI fetch): runPage's loop over `[item, size]` rows, with the page's items joined into
 * one JSON array text as they are stored. Only the last item is parsed, and only when
 * the page reports a LastEvaluatedKey.
 *
 * Without a Limit (or with a larger one) the rows are read in chunks (one `.all()` each, which costs much less
 * per row than stepping an iterator): FIRST_CHUNK rows, then chunks sized by the items
 * seen so far to what is left of the 1 MB page, so a partition of large items is not
 * read far past the page.
 */
function plainQueryPage(env: OpEnv, input: any, src: Source, plan: KeyPlan, forward: boolean, after: { rk: Buffer; pk?: Buffer } | undefined, limit: number, select: string): any {
  // LSI rows carry the table key first: [pk, item, size].
  const col = src.index?.kind === "LSI" ? 1 : 0;
  const counting = select === "COUNT";
  const page: PlainPage = { text: "", count: 0, bytes: 0, last: undefined, more: false };
  if (limit <= SMALL_LIMIT) {
    takeRows(page, env.store.queryPartitionRaw(src.meta, src.index, plan.hk, plan.range, forward, after, limit), col, limit, counting);
  } else {
    let chunk = FIRST_CHUNK;
    let cap = SECOND_CHUNK_CAP;
    let rows = env.store.queryPartitionRaw(src.meta, src.index, plan.hk, plan.range, forward, after, chunk) as unknown[][];
    for (;;) {
      takeRows(page, rows, col, limit, counting);
      // (A page that took `limit` rows is complete: no need to look at the next row.)
      if (page.more || rows.length < chunk || page.count >= limit) break;
      const left = PAGE_BYTES - page.bytes;
      // Enough rows of the average size seen to fill the page, and one more to learn
      // whether there is more.
      chunk = left <= 0 ? 1 : Math.min(cap, Math.ceil(left / Math.max(1, page.bytes / page.count)) + 1, limit - page.count);
      cap *= 2;
      rows = env.store.queryPartitionChunk(src.meta, src.index, plan.hk, plan.range, forward, after, page.count, chunk);
    }
  }
  // DynamoDB reports LastEvaluatedKey whenever it stopped because of Limit or page size.
  if (!page.more && page.count >= limit && page.last !== undefined) page.more = true;
  const out: any = { Count: page.count, ScannedCount: page.count };
  if (!counting) out.Items = new RawJson(`[${page.text}]`);
  if (page.more && page.last !== undefined) out.LastEvaluatedKey = lastEvaluatedKey(src, JSON.parse(page.last) as Item);
  if (input.ReturnConsumedCapacity !== undefined) {
    const units = readUnits(page.bytes, input.ConsistentRead === true);
    const usage = src.index ? { table: 0, indexes: { [src.index.name]: { units, global: src.index.kind === "GSI" } } } : { table: units };
    const cc = consumedCapacity(input.ReturnConsumedCapacity, src.meta.name, usage, "read");
    if (cc) out.ConsumedCapacity = cc;
  }
  return out;
}

/** runPage's loop for plain rows: stops before a row once the page holds `limit` rows or 1 MB. */
function takeRows(page: PlainPage, rows: Iterable<unknown[]>, col: number, limit: number, counting: boolean): void {
  for (const row of rows) {
    if (page.count >= limit || page.bytes >= PAGE_BYTES) {
      page.more = true;
      return;
    }
    const item = row[col] as string;
    page.count++;
    page.bytes += row[col + 1] as number;
    page.last = item;
    if (!counting) page.text = page.count === 1 ? item : `${page.text},${item}`;
  }
}

/** DynamoDB refuses a Query filter on the key attributes of the table or index queried. */
function checkFilterKeys(filter: Condition, src: Source): void {
  visitFilterKeys(filter, src.hash.name, src.range?.name);
}

function visitFilterKeys(c: Condition, hash: string, range: string | undefined): void {
  let operands: Operand[];
  switch (c.kind) {
    case "and":
    case "or":
      visitFilterKeys(c.left, hash, range);
      visitFilterKeys(c.right, hash, range);
      return;
    case "not":
      visitFilterKeys(c.operand, hash, range);
      return;
    case "compare":
      operands = [c.left, c.right];
      break;
    case "between":
      operands = [c.operand, c.low, c.high];
      break;
    case "in":
      operands = [c.operand, ...c.list];
      break;
    case "function":
      operands = c.args;
      break;
  }
  for (const o of operands) {
    const p = o.kind === "size" ? o.path : o.kind === "path" ? o : undefined;
    const first = p?.elements[0];
    if (first && "name" in first && (first.name === hash || first.name === range)) {
      throw validation(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${first.name}`);
    }
  }
}

/** FNV-1a over the partition key, so a partition always lands in one Scan segment. */
function segmentOf(hk: Buffer, total: number): number {
  let h = 0x811c9dc5;
  for (const b of hk) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % total;
}

export function scan(env: OpEnv, input: any): any {
  // What the request alone decides is checked before the table is looked up.
  const parsed = parseRequestExpressions(input);
  if (parsed.condition || parsed.update || parsed.keyCondition) throw validation("Scan does not support ConditionExpression, UpdateExpression or KeyConditionExpression");
  checkSelect(input, !!parsed.projection);
  const { Segment, TotalSegments } = input;
  if (Segment !== undefined && TotalSegments === undefined) throw validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (TotalSegments !== undefined && Segment === undefined) throw validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (TotalSegments !== undefined && Segment >= TotalSegments) {
    throw validation(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${Segment} is not less than TotalSegments: ${TotalSegments}`);
  }
  const src = resolveSource(env, input, "Scan");
  const select = selectMode(input, src, !!parsed.projection);
  const after = startPosition(src, input.ExclusiveStartKey);
  const rows = env.store.scan(src.meta, src.index, after);
  const limit = checkLimit(input.Limit);
  const accept = TotalSegments > 1 ? (row: PageRow) => segmentOf(row.hk!, TotalSegments) === Segment : () => true;
  return runPage(env, input, src, rows, limit, accept, parsed.filter, parsed.projection, select);
}

