/**
 * PartiQL for DynamoDB (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction):
 * SELECT / INSERT / UPDATE / DELETE parsed into the same Condition and UpdateAction trees
 * the expression evaluator runs. A SELECT with an equality on the partition key reads one
 * partition; otherwise it scans.
 */
import type { AttributeValue, Item } from "./attribute-value.js";
import { normalizeValue, normalizeItem, typeOf, itemSize } from "./attribute-value.js";
import { type OpEnv, requireTable, authorizeTable } from "./env.js";
import type { Condition, Operand, PathNode, PathElement, UpdateAction, UpdateValue, ValueNode } from "./expressions/ast.js";
import { evaluate } from "./expressions/evaluator.js";
import { applyUpdate } from "./expressions/update.js";
import { project } from "./expressions/projection.js";
import { findIndex, type TableMeta, type IndexMeta } from "./table-meta.js";
import { itemKey } from "./keys.js";
import { encodeKeyValue } from "./key-encoding.js";
import { commitWrite, writeUsage } from "./item-ops.js";
import { CapacityMeter, readUnits, writeUnits } from "./capacity.js";
import { AwsError, validation } from "./errors.js";
import { checkLimit } from "./query-scan.js";
import { violationMessage } from "../../wire/constraints.js";

type Tok = { t: "id" | "qid" | "str" | "num" | "p" | "param" | "eof"; v: string };

function bad(detail: string): AwsError {
  return validation(`Statement wasn't well formed, can't be processed: ${detail}`);
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= src.length) throw bad("unterminated quoted text");
        if (src[j] === c) {
          if (src[j + 1] === c) { s += c; j += 2; continue; }
          break;
        }
        s += src[j++];
      }
      out.push({ t: c === "'" ? "str" : "qid", v: s });
      i = j + 1;
      continue;
    }
    const three = src.slice(i, i + 2);
    if (["<>", "!=", "<=", ">=", "<<", ">>"].includes(three)) { out.push({ t: "p", v: three === "!=" ? "<>" : three }); i += 2; continue; }
    if ("()[]{},.=<>:*+-".includes(c) && !(c === "-" && /[0-9]/.test(src[i + 1] ?? "") && /^(p|eof)$/.test(out[out.length - 1]?.t ?? "p") && !["]", ")"].includes(out[out.length - 1]?.v ?? ""))) {
      out.push({ t: "p", v: c }); i++; continue;
    }
    if (c === "?") { out.push({ t: "param", v: "?" }); i++; continue; }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ t: "num", v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: "id", v: id[0] }); i += id[0].length; continue; }
    throw bad(`unexpected character ${c}`);
  }
  out.push({ t: "eof", v: "" });
  return out;
}

/** `RETURNING ALL OLD *` etc.: which image of the written item the statement answers with. */
type Returning = { which: "ALL" | "MODIFIED"; image: "OLD" | "NEW" };
type SelectStatement = { kind: "select"; table: string; index?: string; projection?: PathNode[]; where?: Condition };

type Statement =
  | SelectStatement
  | { kind: "insert"; table: string; item: Item }
  | { kind: "update"; table: string; actions: UpdateAction[]; where: Condition; returning?: Returning }
  | { kind: "delete"; table: string; where: Condition; returning?: Returning }
  /** EXISTS(SELECT …): a condition check, only inside ExecuteTransaction. */
  | { kind: "exists"; table: string; select: SelectStatement };

/** DynamoDB's limits: a statement's length, and how deep an item nests (as for PutItem). */
const MAX_STATEMENT_LENGTH = 8192;
const MAX_VALUE_NESTING = 32;
/** Parentheses and NOTs nested deeper than this are refused before the parser's recursion could exhaust the stack. */
const MAX_CONDITION_NESTING = 100;

class PartiqlParser {
  private i = 0;
  private p = 0;
  private conditionDepth = 0;
  private valueDepth = 0;
  constructor(private toks: Tok[], private params: AttributeValue[]) {}

  /** Runs a nested parse one condition level down, refusing to go past MAX_CONDITION_NESTING. */
  private nestedCondition<T>(parse: () => T): T {
    if (++this.conditionDepth > MAX_CONDITION_NESTING) throw bad(`conditions are nested more than ${MAX_CONDITION_NESTING} levels deep`);
    try {
      return parse();
    } finally {
      this.conditionDepth--;
    }
  }

  peek(): Tok { return this.toks[this.i]!; }
  next(): Tok { return this.toks[this.i++]!; }
  kw(w: string): boolean { const t = this.peek(); return t.t === "id" && t.v.toUpperCase() === w; }
  eatKw(w: string): void { if (!this.kw(w)) throw bad(`expected ${w}`); this.i++; }
  isP(v: string): boolean { const t = this.peek(); return t.t === "p" && t.v === v; }
  eatP(v: string): void { if (!this.isP(v)) throw bad(`expected ${v}`); this.i++; }

  statement(): Statement {
    const s = this.body();
    if (this.peek().t !== "eof") throw bad(`unexpected ${this.peek().v}`);
    if (this.p !== this.params.length) throw validation(`Number of parameters in request and statement don't match.`);
    return s;
  }

  /** `RETURNING (ALL|MODIFIED) (OLD|NEW) *`, when present. */
  returning(): Returning | undefined {
    if (!this.kw("RETURNING")) return undefined;
    this.i++;
    const which = this.next().v.toUpperCase();
    const image = this.next().v.toUpperCase();
    if ((which !== "ALL" && which !== "MODIFIED") || (image !== "OLD" && image !== "NEW")) throw bad("RETURNING expects ALL|MODIFIED OLD|NEW *");
    this.eatP("*");
    return { which, image };
  }

  body(): Statement {
    let s: Statement;
    if (this.kw("EXISTS")) {
      this.i++;
      this.eatP("(");
      const select = this.nestedCondition(() => this.body());
      if (select.kind !== "select") throw bad("EXISTS expects a SELECT");
      this.eatP(")");
      return { kind: "exists", table: select.table, select };
    }
    if (this.kw("SELECT")) {
      this.i++;
      let projection: PathNode[] | undefined;
      if (this.isP("*")) this.i++;
      else {
        projection = [this.path()];
        while (this.isP(",")) { this.i++; projection.push(this.path()); }
      }
      this.eatKw("FROM");
      const [table, index] = this.target();
      const where = this.kw("WHERE") ? (this.i++, this.cond()) : undefined;
      s = { kind: "select", table, index, projection, where };
    } else if (this.kw("INSERT")) {
      this.i++;
      this.eatKw("INTO");
      const [table] = this.target();
      this.eatKw("VALUE");
      const v = this.literal();
      if (!("M" in v)) throw bad("INSERT VALUE must be a tuple");
      s = { kind: "insert", table, item: normalizeItem(v.M) };
    } else if (this.kw("UPDATE")) {
      this.i++;
      const [table] = this.target();
      const actions: UpdateAction[] = [];
      while (this.kw("SET") || this.kw("REMOVE")) {
        const set = this.next().v.toUpperCase() === "SET";
        do {
          if (actions.length && this.isP(",")) this.i++;
          const path = this.path();
          if (set) { this.eatP("="); actions.push({ action: "SET", path, value: this.setValue() }); }
          else actions.push({ action: "REMOVE", path });
        } while (this.isP(","));
      }
      if (!actions.length) throw bad("UPDATE needs SET or REMOVE");
      this.eatKw("WHERE");
      const where = this.cond();
      s = { kind: "update", table, actions, where, returning: this.returning() };
    } else if (this.kw("DELETE")) {
      this.i++;
      this.eatKw("FROM");
      const [table] = this.target();
      this.eatKw("WHERE");
      const where = this.cond();
      const returning = this.returning();
      if (returning && (returning.which !== "ALL" || returning.image !== "OLD")) throw validation("DELETE statements support only RETURNING ALL OLD *");
      s = { kind: "delete", table, where, returning };
    } else throw bad("unsupported statement");
    return s;
  }

  target(): [string, string | undefined] {
    const t = this.next();
    if (t.t !== "qid" && t.t !== "id") throw bad("expected a table name");
    if (this.isP(".")) {
      this.i++;
      const ix = this.next();
      if (ix.t !== "qid" && ix.t !== "id") throw bad("expected an index name");
      return [t.v, ix.v];
    }
    return [t.v, undefined];
  }

  path(): PathNode {
    const first = this.next();
    if (first.t !== "id" && first.t !== "qid") throw bad(`expected a path, got ${first.v}`);
    const elements: PathElement[] = [{ name: first.v }];
    for (;;) {
      if (this.isP(".")) {
        this.i++;
        const n = this.next();
        if (n.t !== "id" && n.t !== "qid") throw bad("expected a name");
        elements.push({ name: n.v });
      } else if (this.isP("[") && this.toks[this.i + 1]?.t === "num") {
        this.i++;
        elements.push({ index: Number(this.next().v) });
        this.eatP("]");
      } else break;
    }
    return { kind: "path", elements };
  }

  param(): AttributeValue {
    const v = this.params[this.p++];
    if (!v) throw validation("Number of parameters in request and statement don't match.");
    return v;
  }

  literal(): AttributeValue {
    const t = this.peek();
    if (t.t === "param") { this.i++; return this.param(); }
    if (t.t === "str") { this.i++; return { S: t.v }; }
    if (t.t === "num") { this.i++; return normalizeValue({ N: t.v }); }
    if (this.kw("TRUE") || this.kw("FALSE")) { this.i++; return { BOOL: t.v.toUpperCase() === "TRUE" }; }
    if (this.kw("NULL")) { this.i++; return { NULL: true }; }
    if (this.isP("{") || this.isP("[") || this.isP("<<")) {
      if (++this.valueDepth > MAX_VALUE_NESTING) throw validation("Nesting Levels have exceeded supported limits");
      try {
        return this.collection();
      } finally {
        this.valueDepth--;
      }
    }
    throw bad(`unexpected ${t.v || "end of statement"}`);
  }

  /** A map `{…}`, list `[…]` or set `<<…>>` literal. */
  private collection(): AttributeValue {
    if (this.isP("{")) {
      this.i++;
      const m: Record<string, AttributeValue> = {};
      while (!this.isP("}")) {
        const k = this.next();
        if (k.t !== "str" && k.t !== "qid" && k.t !== "id") throw bad("expected a map key");
        this.eatP(":");
        m[k.v] = this.literal();
        if (!this.isP("}")) this.eatP(",");
      }
      this.i++;
      return { M: m };
    }
    if (this.isP("[")) {
      this.i++;
      const l: AttributeValue[] = [];
      while (!this.isP("]")) { l.push(this.literal()); if (!this.isP("]")) this.eatP(","); }
      this.i++;
      return { L: l };
    }
    if (this.isP("<<")) {
      this.i++;
      const l: AttributeValue[] = [];
      while (!this.isP(">>")) { l.push(this.literal()); if (!this.isP(">>")) this.eatP(","); }
      this.i++;
      const tag = l.length && "N" in l[0]! ? "NS" : l.length && "B" in l[0]! ? "BS" : "SS";
      return normalizeValue({ [tag]: l.map((x) => Object.values(x)[0]) });
    }
    throw bad(`unexpected ${this.peek().v || "end of statement"}`);
  }

  operand(): Operand {
    const t = this.peek();
    if (t.t === "id" && this.toks[this.i + 1]?.v === "(" && t.v.toLowerCase() === "size") {
      this.i += 2;
      const path = this.path();
      this.eatP(")");
      return { kind: "size", path };
    }
    if ((t.t === "id" && !["TRUE", "FALSE", "NULL"].includes(t.v.toUpperCase())) || t.t === "qid") return this.path();
    return { kind: "value", ref: "?", value: this.literal() } as ValueNode;
  }

  setValue(): UpdateValue {
    const left = this.operand() as UpdateValue;
    if (this.isP("+") || this.isP("-")) {
      const op = this.next().v as "+" | "-";
      return { kind: "arith", op, left, right: this.operand() as UpdateValue };
    }
    return left;
  }

  cond(): Condition {
    let l = this.and();
    while (this.kw("OR")) { this.i++; l = { kind: "or", left: l, right: this.and() }; }
    return l;
  }
  and(): Condition {
    let l = this.not();
    while (this.kw("AND")) { this.i++; l = { kind: "and", left: l, right: this.not() }; }
    return l;
  }
  not(): Condition {
    if (this.kw("NOT")) { this.i++; return { kind: "not", operand: this.nestedCondition(() => this.not()) }; }
    return this.pred();
  }
  pred(): Condition {
    if (this.isP("(")) { this.i++; const c = this.nestedCondition(() => this.cond()); this.eatP(")"); return c; }
    const t = this.peek();
    const fn = t.t === "id" ? t.v.toLowerCase() : "";
    if (["begins_with", "contains", "attribute_type"].includes(fn) && this.toks[this.i + 1]?.v === "(") {
      this.i += 2;
      const a = this.operand();
      this.eatP(",");
      const b = this.operand();
      this.eatP(")");
      return { kind: "function", name: fn as any, args: [a, b] };
    }
    const left = this.operand();
    if (this.kw("IS")) {
      this.i++;
      const negate = this.kw("NOT") ? (this.i++, true) : false;
      this.eatKw("MISSING");
      return { kind: "function", name: negate ? "attribute_exists" : "attribute_not_exists", args: [left] };
    }
    if (this.kw("BETWEEN")) {
      this.i++;
      const low = this.operand();
      this.eatKw("AND");
      return { kind: "between", operand: left, low, high: this.operand() };
    }
    if (this.kw("IN")) {
      this.i++;
      const open = this.isP("[") ? "]" : ")";
      this.i++;
      const list = [this.operand()];
      while (this.isP(",")) { this.i++; list.push(this.operand()); }
      this.eatP(open);
      return { kind: "in", operand: left, list };
    }
    const op = this.next();
    if (op.t !== "p" || !["=", "<>", "<", "<=", ">", ">="].includes(op.v)) throw bad(`unexpected ${op.v || "end of statement"}`);
    return { kind: "compare", op: op.v as any, left, right: this.operand() };
  }
}

export function parseStatement(statement: unknown, parameters: unknown): Statement {
  if (typeof statement !== "string" || !statement.trim()) throw validation(violationMessage(null, "statement", "Member must not be null"));
  if (statement.length > MAX_STATEMENT_LENGTH) {
    throw validation(`1 validation error detected: Value '${statement.slice(0, 40)}...' at 'statement' failed to satisfy constraint: Member must have length less than or equal to ${MAX_STATEMENT_LENGTH}`);
  }
  const params = Array.isArray(parameters) ? parameters.map((p) => normalizeValue(p)) : [];
  return new PartiqlParser(lex(statement), params).statement();
}

/** Equality values for attributes in the top-level AND of a WHERE clause. */
function equalities(c: Condition | undefined, out = new Map<string, AttributeValue>()): Map<string, AttributeValue> {
  if (!c) return out;
  if (c.kind === "and") { equalities(c.left, out); equalities(c.right, out); }
  else if (c.kind === "compare" && c.op === "=" && c.left.kind === "path" && c.left.elements.length === 1 && c.right.kind === "value") {
    const e = c.left.elements[0]!;
    if ("name" in e) out.set(e.name, c.right.value);
  }
  return out;
}

/** The table's whole primary key when the WHERE clause fixes it by equalities of the right types. */
function pointKey(meta: TableMeta, eq: Map<string, AttributeValue>): Item | undefined {
  const key: Item = {};
  for (const def of [meta.hash, meta.range]) {
    if (!def) continue;
    const v = eq.get(def.name);
    if (!v || typeOf(v) !== def.type) return undefined;
    key[def.name] = v;
  }
  return key;
}

/** A SELECT naming the whole key reads that one item, as GetItem would (and is charged so). */
function pointRow(env: OpEnv, meta: TableMeta, key: Item): { item: string; size: number }[] {
  const row = env.store.getItemRow(meta, itemKey(meta, key));
  return row ? [{ item: row[0], size: row[1] }] : [];
}

function keyFromWhere(meta: TableMeta, where: Condition): Item {
  const key = pointKey(meta, equalities(where));
  if (!key) throw validation("Where clause does not contain a mandatory equality on all key attributes");
  return key;
}

/** Runs one statement; `transactional` writes only inside the caller's transaction. */
export function runStatement(env: OpEnv, s: Statement, input: { Limit?: number; NextToken?: string; ConsistentRead?: boolean }, meter?: CapacityMeter): { Items?: Item[]; NextToken?: string; Item?: Item } {
  const meta = requireTable(env, s.table);
  if (s.kind === "exists") {
    // A condition check: the SELECT must find an item.
    const found = runStatement(env, { ...s.select, projection: undefined }, { Limit: 1 });
    if (!found.Items?.length) throw new AwsError("ConditionalCheckFailedException", "The conditional request failed", 400);
    // Charged as a write of the item checked (doubled by the transaction's meter).
    meter?.write(meta.name, { table: writeUnits(itemSize(found.Items[0]!)) });
    return {};
  }
  if (s.kind === "select") {
    const index: IndexMeta | undefined = s.index ? findIndex(meta, s.index) : undefined;
    if (s.index && !index) throw validation(`The table does not have the specified index: ${s.index}`);
    authorizeTable(env, "PartiQLSelect", meta.name, index?.name);
    const hash = index?.hash ?? meta.hash;
    const eq = equalities(s.where);
    const hv = eq.get(hash.name);
    const point = index ? undefined : pointKey(meta, eq);
    const rows = point
      ? pointRow(env, meta, point)
      : hv && typeOf(hv) === hash.type
        ? env.store.queryPartition(meta, index, encodeKeyValue(hv), {}, true)
        : env.store.scan(meta, index);
    const skip = input.NextToken ? Number(Buffer.from(input.NextToken, "base64").toString()) : 0;
    const limit = input.Limit ?? Infinity;
    const items: Item[] = [];
    let seen = 0;
    let more = false;
    let bytes = 0;
    for (const row of rows) {
      bytes += row.size;
      const item = JSON.parse(row.item) as Item;
      if (s.where && !evaluate(s.where, item, "Statement")) continue;
      if (seen++ < skip) continue;
      if (items.length >= limit) { more = true; break; }
      items.push(s.projection ? project(item, s.projection) : item);
    }
    meter?.read(meta.name, readUnits(bytes, input.ConsistentRead === true));
    return more ? { Items: items, NextToken: Buffer.from(String(skip + items.length)).toString("base64") } : { Items: items };
  }
  if (s.kind === "insert") {
    authorizeTable(env, "PartiQLInsert", meta.name);
    const key = itemKey(meta, s.item);
    return env.store.transaction(() => {
      if (env.store.getItem(meta, key)) throw new AwsError("DuplicateItemException", "Duplicate primary key exists in table", 400);
      meter?.write(meta.name, commitWrite(env, meta, key, undefined, s.item));
      return {};
    });
  }
  const keyItem = keyFromWhere(meta, s.where);
  const key = itemKey(meta, keyItem);
  authorizeTable(env, s.kind === "update" ? "PartiQLUpdate" : "PartiQLDelete", meta.name);
  return env.store.transaction(() => {
    const old = env.store.getItem(meta, key);
    if (!old || !evaluate(s.where, old, "Statement")) {
      if (s.kind === "delete" && !old) {
        meter?.write(meta.name, writeUsage(meta, undefined, undefined));
        return {};
      }
      throw new AwsError("ConditionalCheckFailedException", "The conditional request failed", 400);
    }
    if (s.kind === "update") {
      for (const a of s.actions) {
        const f = a.path.elements[0]!;
        if ("name" in f && (f.name === meta.hash.name || f.name === meta.range?.name)) throw validation(`Cannot update attribute ${f.name}. This attribute is part of the key`);
      }
      const next = applyUpdate(old, s.actions);
      meter?.write(meta.name, commitWrite(env, meta, key, old, next));
      if (!s.returning) return {};
      const image = s.returning.image === "OLD" ? old : next;
      // MODIFIED: only the attributes the SET/REMOVE clauses name.
      return { Items: [s.returning.which === "ALL" ? image : project(image, s.actions.map((a) => a.path))] };
    }
    meter?.write(meta.name, commitWrite(env, meta, key, old, undefined));
    return s.returning ? { Items: [old] } : {};
  });
}

export function executeStatement(env: OpEnv, input: any): any {
  if (input?.Limit !== undefined) checkLimit(input.Limit);
  const s = parseStatement(input?.Statement, input?.Parameters);
  if (s.kind === "exists") throw validation("EXISTS is supported only in ExecuteTransaction");
  const meter = new CapacityMeter();
  const r = runStatement(env, s, input, meter);
  const out: any = s.kind === "select" ? r : { Items: r.Items ?? [] };
  const [cc] = meter.report(input.ReturnConsumedCapacity);
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

export function batchExecuteStatement(env: OpEnv, input: any): any {
  const statements = input?.Statements;
  if (!Array.isArray(statements) || statements.length === 0) throw validation(violationMessage(null, "statements", "Member must not be null"));
  if (statements.length > 25) throw validation("1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25");
  const meter = new CapacityMeter();
  const out: any = {
    Responses: statements.map((st: any) => {
      try {
        const s = parseStatement(st?.Statement, st?.Parameters);
        if (s.kind === "select" && !equalities(s.where).size) throw validation("Batch select statements must specify the full primary key");
        if (s.kind === "exists") throw validation("EXISTS is supported only in ExecuteTransaction");
        const r = runStatement(env, s, {}, meter);
        return s.kind === "select" ? { TableName: s.table, ...(r.Items?.[0] ? { Item: r.Items[0] } : {}) } : { TableName: s.table };
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        const code = e.code === "ConditionalCheckFailedException" ? "ConditionalCheckFailed" : e.code === "DuplicateItemException" ? "DuplicateItem" : e.code === "ValidationException" ? "ValidationError" : e.code.replace(/Exception$/, "");
        return { Error: { Code: code, Message: e.message } };
      }
    }),
  };
  const capacity = meter.report(input.ReturnConsumedCapacity);
  if (capacity.length) out.ConsumedCapacity = capacity;
  return out;
}

export function executeTransaction(env: OpEnv, input: any): any {
  const statements = input?.TransactStatements;
  if (!Array.isArray(statements) || statements.length === 0) throw validation(violationMessage(null, "transactStatements", "Member must not be null"));
  const parsed = statements.map((st: any) => parseStatement(st?.Statement, st?.Parameters));
  const kinds = new Set(parsed.map((s: Statement) => (s.kind === "select" ? "read" : "write")));
  if (kinds.size > 1) throw validation("Transactions with both reads and writes are not supported");
  // Transactional reads are strongly consistent; every unit counts twice.
  const meter = new CapacityMeter(2);
  return env.store.transaction(() => {
    const reasons: any[] = [];
    const responses: any[] = [];
    let failed = false;
    for (const s of parsed) {
      try {
        const r = runStatement(env, s, s.kind === "select" ? { ConsistentRead: true } : {}, meter);
        responses.push(s.kind === "select" && r.Items?.[0] ? { Item: r.Items[0] } : {});
        reasons.push({ Code: "None" });
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        failed = true;
        reasons.push({ Code: e.code === "ConditionalCheckFailedException" ? "ConditionalCheckFailed" : e.code === "DuplicateItemException" ? "DuplicateItem" : "ValidationError", Message: e.message });
      }
    }
    if (failed) {
      // Throwing rolls back every write of this SQLite transaction.
      throw new AwsError("TransactionCanceledException", `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`, 400, { CancellationReasons: reasons });
    }
    const out: any = kinds.has("read") ? { Responses: responses } : {};
    const capacity = meter.report(input.ReturnConsumedCapacity, true);
    if (capacity.length) out.ConsumedCapacity = capacity;
    return out;
  });
}
