/**
 * TransactGetItems and TransactWriteItems. A write transaction checks every condition
 * against the current state first and writes only if all pass, inside one SQLite
 * transaction; otherwise TransactionCanceledException lists a reason per action in
 * request order. ClientRequestToken makes a request idempotent for 10 minutes.
 */
import { createHash } from "node:crypto";
import type { Item } from "./attribute-value.js";
import { normalizeItem, itemSize, MAX_ITEM_SIZE } from "./attribute-value.js";
import { type OpEnv, requireTable } from "./env.js";
import { itemKey, parseKey, primaryKeyBlob, indexKey, type EncodedKey } from "./keys.js";
import type { TableMeta } from "./table-meta.js";
import { parseRequestExpressions, type ParsedRequest } from "./request-expressions.js";
import { evaluate } from "./expressions/evaluator.js";
import { applyUpdate } from "./expressions/update.js";
import { project } from "./expressions/projection.js";
import { commitWrite } from "./item-ops.js";
import { CapacityMeter, readUnits, writeUnits } from "./capacity.js";
import { AwsError, validation } from "./errors.js";

const TOKEN_TTL_MS = 10 * 60 * 1000;

export function transactGetItems(env: OpEnv, input: any): any {
  // What the request alone decides is checked for every item before any table is looked up.
  const checked = (input.TransactItems as any[]).map(({ Get: g }) => ({
    g,
    key: normalizeItem(g.Key, "Key"),
    parsed: parseRequestExpressions({ ProjectionExpression: g.ProjectionExpression, ExpressionAttributeNames: g.ExpressionAttributeNames }),
  }));
  const plans = checked.map(({ g, key, parsed }) => {
    const meta = requireTable(env, g.TableName);
    const { encoded } = parseKey(meta, key);
    return { meta, encoded, projection: parsed.projection };
  });
  // Transactional reads are strongly consistent; every unit counts twice.
  const meter = new CapacityMeter(2);
  const Responses = plans.map((p: any) => {
    const item = env.store.getItem(p.meta, p.encoded);
    meter.read(p.meta.name, readUnits(item ? itemSize(item) : 0, true));
    return item ? { Item: p.projection ? project(item, p.projection) : item } : {};
  });
  const out: any = { Responses };
  const capacity = meter.report(input.ReturnConsumedCapacity, true);
  if (capacity.length) out.ConsumedCapacity = capacity;
  return out;
}

interface Action {
  kind: "ConditionCheck" | "Put" | "Delete" | "Update";
  meta: TableMeta;
  key: EncodedKey;
  keyItem?: Item;
  item?: Item;
  parsed: ParsedRequest;
  returnOnFailure?: string;
}

interface CheckedAction {
  kind: Action["kind"];
  spec: any;
  parsed: ParsedRequest;
  item?: Item;
  key?: Item;
}

/** A transaction item as far as the request alone decides it. */
function checkAction(t: any): CheckedAction {
  const kinds = ["ConditionCheck", "Put", "Delete", "Update"].filter((k) => t?.[k]);
  if (kinds.length !== 1) throw validation("TransactItems can only contain one of Check, Put, Update or Delete");
  const kind = kinds[0] as Action["kind"];
  const spec = t[kind];
  const parsed = parseRequestExpressions({
    ConditionExpression: spec.ConditionExpression,
    UpdateExpression: spec.UpdateExpression,
    ExpressionAttributeNames: spec.ExpressionAttributeNames,
    ExpressionAttributeValues: spec.ExpressionAttributeValues,
  });
  if (kind === "ConditionCheck" && !parsed.condition) throw validation("The ConditionExpression parameter is required for a ConditionCheck");
  if (kind === "Update" && !parsed.update) throw validation("The UpdateExpression parameter is required for an Update");
  if (kind === "Put") {
    const item = normalizeItem(spec.Item, "Item");
    if (itemSize(item) > MAX_ITEM_SIZE) throw validation("Item size has exceeded the maximum allowed size");
    return { kind, spec, parsed, item };
  }
  return { kind, spec, parsed, key: normalizeItem(spec.Key, "Key") };
}

function planAction(env: OpEnv, { kind, spec, parsed, item, key: keyItem }: CheckedAction): Action {
  const meta = requireTable(env, spec.TableName);
  if (item) return { kind, meta, key: itemKey(meta, item), item, parsed, returnOnFailure: spec.ReturnValuesOnConditionCheckFailure };
  const { key, encoded } = parseKey(meta, keyItem!);
  if (kind === "Update") {
    for (const a of parsed.update!) {
      const first = a.path.elements[0]!;
      if ("name" in first && (first.name === meta.hash.name || first.name === meta.range?.name)) {
        throw validation(`One or more parameter values were invalid: Cannot update attribute ${first.name}. This attribute is part of the key`);
      }
    }
  }
  return { kind, meta, key: encoded, keyItem: key, parsed, returnOnFailure: spec.ReturnValuesOnConditionCheckFailure };
}

function requestHash(input: any): string {
  const { ClientRequestToken: _t, ...rest } = input;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

export function transactWriteItems(env: OpEnv, input: any): any {
  const checked = (input.TransactItems as any[]).map(checkAction);
  const token: string | undefined = input.ClientRequestToken;
  if (token !== undefined) {
    const now = Date.now();
    for (const [k, v] of env.tokens) if (now - v.at > TOKEN_TTL_MS) env.tokens.delete(k);
    const seen = env.tokens.get(token);
    if (seen) {
      if (seen.hash !== requestHash(input)) throw new AwsError("IdempotentParameterMismatchException", "Specified idempotent token was used with different request parameters", 400);
      return seen.result;
    }
  }
  const actions = checked.map((c) => planAction(env, c));
  const ids = new Set<string>();
  for (const a of actions) {
    const id = `${a.meta.id}:${primaryKeyBlob(a.key).toString("hex")}`;
    if (ids.has(id)) throw validation("Transaction request cannot include multiple operations on one item");
    ids.add(id);
  }
  const result = env.store.transaction(() => {
    const reasons: any[] = [];
    let failed = false;
    const writes: { a: Action; old?: Item; next?: Item }[] = [];
    for (const a of actions) {
      const old = env.store.getItem(a.meta, a.key);
      try {
        if (a.parsed.condition && !evaluate(a.parsed.condition, old ?? {})) {
          failed = true;
          const r: any = { Code: "ConditionalCheckFailed", Message: "The conditional request failed" };
          if (a.returnOnFailure === "ALL_OLD" && old) r.Item = old;
          reasons.push(r);
          continue;
        }
        let next: Item | undefined;
        if (a.kind === "Put") next = a.item;
        else if (a.kind === "Update") {
          next = applyUpdate(old ?? { ...a.keyItem! }, a.parsed.update!);
          if (itemSize(next) > MAX_ITEM_SIZE) throw validation("Item size to update has exceeded the maximum allowed size");
          for (const ix of [...a.meta.gsis, ...a.meta.lsis]) indexKey(ix, next);
        }
        if (a.kind !== "ConditionCheck") writes.push({ a, old, next });
        reasons.push({ Code: "None" });
      } catch (e) {
        if (!(e instanceof AwsError) || e.code !== "ValidationException") throw e;
        failed = true;
        reasons.push({ Code: "ValidationError", Message: e.message });
      }
    }
    if (failed) {
      throw new AwsError("TransactionCanceledException", `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`, 400, { CancellationReasons: reasons });
    }
    // Charged on the table alone (indexes not itemised), every unit twice; a ConditionCheck costs one.
    const meter = new CapacityMeter(2);
    for (const w of writes) {
      const units = w.old || w.next ? commitWrite(env, w.a.meta, w.a.key, w.old, w.next).table : writeUnits(0);
      meter.write(w.a.meta.name, { table: units });
    }
    for (const a of actions) if (a.kind === "ConditionCheck") meter.write(a.meta.name, { table: 1 });
    const out: any = {};
    const capacity = meter.report(input.ReturnConsumedCapacity, true);
    if (capacity.length) out.ConsumedCapacity = capacity;
    if (input.ReturnItemCollectionMetrics === "SIZE") out.ItemCollectionMetrics = {};
    return out;
  });
  if (token !== undefined) env.tokens.set(token, { at: Date.now(), hash: requestHash(input), result });
  return result;
}
