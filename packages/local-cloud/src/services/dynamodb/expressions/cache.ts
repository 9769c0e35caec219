/**
 * Parsed expressions, cached by their text. Applications send the same few expression
 * strings over and over with different ExpressionAttributeValues, so tokenizing and
 * parsing each one per request is wasted work. A cache entry is a *template*: the AST
 * with its placeholders (`#name`, `:value`) left unresolved (parser.ts, ctx `null`).
 * Each request binds the template to its own ExpressionContext, which resolves every
 * placeholder in source order, exactly as the parser would have: undefined or invalid
 * names/values, attribute_type's type name and overlapping paths are still checked per
 * request, with the same messages, and `checkUnused` still runs afterwards.
 *
 * An expression whose template cannot be parsed (any syntax error) is not cached: it is
 * parsed directly against the request's context, which reports the error exactly as
 * before (a placeholder error before the syntax error still wins).
 *
 * Templates are frozen and shared; a bound AST reuses the template's placeholder-free
 * paths and builds new nodes for everything else, so nothing may modify a parsed
 * expression (none does; planKeyCondition used to and was changed).
 */
import type { ExpressionContext } from "./context.js";
import type { Condition, Operand, PathElement, PathNode, UpdateAction, UpdateValue, ValueNode } from "./ast.js";
import {
  checkAttributeTypeName,
  checkOverlaps,
  parseCondition,
  parseConditionTemplate,
  parseProjection,
  parseProjectionTemplate,
  parseUpdate,
  parseUpdateTemplate,
} from "./parser.js";

/** Entries per expression kind; past that the oldest entry goes (expressions are ≤ 4 KB). */
export const CACHE_LIMIT = 1000;

/** A bounded map: when full, the entry inserted first is dropped. */
class TemplateCache<T> {
  private readonly map = new Map<string, T>();

  get(text: string): T | undefined {
    return this.map.get(text);
  }

  set(text: string, template: T): void {
    if (this.map.size >= CACHE_LIMIT) this.map.delete(this.map.keys().next().value!);
    this.map.set(text, template);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

/** Condition templates by kind (KeyConditionExpression, ConditionExpression, FilterExpression, …): messages name the kind. */
const conditions = new Map<string, TemplateCache<Condition>>();
const updates = new TemplateCache<UpdateAction[]>();
const projections = new TemplateCache<PathNode[]>();

/** Number of cached templates (tests). */
export function cachedTemplates(): number {
  let n = updates.size + projections.size;
  for (const c of conditions.values()) n += c.size;
  return n;
}

/** Empties the cache (tests). */
export function clearExpressionCache(): void {
  conditions.clear();
  updates.clear();
  projections.clear();
}

/** parseCondition, through the cache. */
export function conditionExpression(source: string, ctx: ExpressionContext, kind = "ConditionExpression"): Condition {
  let cache = conditions.get(kind);
  if (!cache) conditions.set(kind, (cache = new TemplateCache()));
  let template = cache.get(source);
  if (template === undefined) {
    try {
      template = freeze(parseConditionTemplate(source, kind));
    } catch {
      return parseCondition(source, ctx, kind);
    }
    cache.set(source, template);
  }
  return bindCondition(template, ctx, kind);
}

/** parseUpdate, through the cache. */
export function updateExpression(source: string, ctx: ExpressionContext): UpdateAction[] {
  let template = updates.get(source);
  if (template === undefined) {
    try {
      template = freeze(parseUpdateTemplate(source));
    } catch {
      return parseUpdate(source, ctx);
    }
    updates.set(source, template);
  }
  const actions: UpdateAction[] = [];
  for (const a of template) actions.push(bindAction(a, ctx));
  checkOverlaps(actions.map(pathOfAction));
  return actions;
}

/** parseProjection, through the cache. */
export function projectionExpression(source: string, ctx: ExpressionContext): PathNode[] {
  let template = projections.get(source);
  if (template === undefined) {
    try {
      template = freeze(parseProjectionTemplate(source));
    } catch {
      return parseProjection(source, ctx);
    }
    projections.set(source, template);
  }
  const paths: PathNode[] = [];
  for (const p of template) paths.push(bindPath(p, ctx, "ProjectionExpression"));
  checkOverlaps(paths, "ProjectionExpression");
  return paths;
}

function pathOfAction(a: UpdateAction): PathNode {
  return a.path;
}

// ---- binding (every walk below visits placeholders in source order) ----

const HASH = 35; // "#"

function bindPath(p: PathNode, ctx: ExpressionContext, kind: string): PathNode {
  const els = p.elements;
  let i = 0;
  for (; i < els.length; i++) {
    const e = els[i]!;
    if ("name" in e && e.name.charCodeAt(0) === HASH) break;
  }
  if (i === els.length) return p; // no placeholder: the frozen template path is shared
  const elements: PathElement[] = els.slice(0, i);
  for (; i < els.length; i++) {
    const e = els[i]!;
    elements.push("name" in e && e.name.charCodeAt(0) === HASH ? { name: ctx.name(e.name, kind) } : e);
  }
  return { kind: "path", elements };
}

function bindValue(v: ValueNode, ctx: ExpressionContext, kind: string): ValueNode {
  return { kind: "value", ref: v.ref, value: ctx.value(v.ref, kind) };
}

function bindOperand(o: Operand, ctx: ExpressionContext, kind: string): Operand {
  if (o.kind === "path") return bindPath(o, ctx, kind);
  if (o.kind === "value") return bindValue(o, ctx, kind);
  const path = bindPath(o.path, ctx, kind);
  return path === o.path ? o : { kind: "size", path };
}

function bindCondition(c: Condition, ctx: ExpressionContext, kind: string): Condition {
  switch (c.kind) {
    case "and":
    case "or": {
      const left = bindCondition(c.left, ctx, kind);
      return { kind: c.kind, left, right: bindCondition(c.right, ctx, kind) };
    }
    case "not":
      return { kind: "not", operand: bindCondition(c.operand, ctx, kind) };
    case "compare": {
      const left = bindOperand(c.left, ctx, kind);
      return { kind: "compare", op: c.op, left, right: bindOperand(c.right, ctx, kind) };
    }
    case "between": {
      const operand = bindOperand(c.operand, ctx, kind);
      const low = bindOperand(c.low, ctx, kind);
      return { kind: "between", operand, low, high: bindOperand(c.high, ctx, kind) };
    }
    case "in": {
      const operand = bindOperand(c.operand, ctx, kind);
      const list: Operand[] = [];
      for (const o of c.list) list.push(bindOperand(o, ctx, kind));
      return { kind: "in", operand, list };
    }
    case "function": {
      const args: Operand[] = [];
      for (const o of c.args) args.push(bindOperand(o, ctx, kind));
      // The one check of a function that depends on a value (parser: functionCall).
      if (c.name === "attribute_type") checkAttributeTypeName((args[1] as ValueNode).value, kind);
      return { kind: "function", name: c.name, args };
    }
  }
}

const UPDATE = "UpdateExpression";

function bindUpdateValue(v: UpdateValue, ctx: ExpressionContext): UpdateValue {
  switch (v.kind) {
    case "path":
      return bindPath(v, ctx, UPDATE);
    case "value":
      return bindValue(v, ctx, UPDATE);
    case "if_not_exists": {
      const path = bindPath(v.path, ctx, UPDATE);
      return { kind: "if_not_exists", path, fallback: bindUpdateValue(v.fallback, ctx) };
    }
    case "list_append": {
      const first = bindUpdateValue(v.first, ctx);
      return { kind: "list_append", first, second: bindUpdateValue(v.second, ctx) };
    }
    case "arith": {
      const left = bindUpdateValue(v.left, ctx);
      return { kind: "arith", op: v.op, left, right: bindUpdateValue(v.right, ctx) };
    }
  }
}

function bindAction(a: UpdateAction, ctx: ExpressionContext): UpdateAction {
  const path = bindPath(a.path, ctx, UPDATE);
  switch (a.action) {
    case "SET":
      return { action: "SET", path, value: bindUpdateValue(a.value, ctx) };
    case "REMOVE":
      return { action: "REMOVE", path };
    case "ADD":
    case "DELETE":
      return { action: a.action, path, value: bindValue(a.value, ctx, UPDATE) };
  }
}

/** Deep-freezes a template so that an accidental modification of a shared node throws. */
function freeze<T>(node: T): T {
  if (node && typeof node === "object" && !Object.isFrozen(node)) {
    for (const k of Object.keys(node)) freeze((node as any)[k]);
    Object.freeze(node);
  }
  return node;
}
