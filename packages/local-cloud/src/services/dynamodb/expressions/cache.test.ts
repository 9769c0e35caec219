/**
 * The parsed-expression cache: a cached (template) parse bound to a request's names and
 * values must equal a fresh parse, on a hit as on a miss, and every per-request check
 * (undefined / unused / invalid names and values, attribute_type's type name, overlapping
 * paths through names, syntax errors) must still fail with the parser's own message.
 */
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ExpressionContext } from "./context.js";
import { parseCondition, parseProjection, parseUpdate } from "./parser.js";
import { CACHE_LIMIT, cachedTemplates, clearExpressionCache, conditionExpression, projectionExpression, updateExpression } from "./cache.js";
import { evaluate } from "./evaluator.js";

beforeEach(() => clearExpressionCache());

type Kind = "cond" | "key" | "filter" | "update" | "projection";
interface Case {
  kind: Kind;
  expr: string;
  names?: Record<string, string>;
  values?: Record<string, any>;
}

function direct(c: Case, ctx: ExpressionContext): unknown {
  switch (c.kind) {
    case "cond":
      return parseCondition(c.expr, ctx);
    case "key":
      return parseCondition(c.expr, ctx, "KeyConditionExpression");
    case "filter":
      return parseCondition(c.expr, ctx, "FilterExpression");
    case "update":
      return parseUpdate(c.expr, ctx);
    case "projection":
      return parseProjection(c.expr, ctx);
  }
}

function cached(c: Case, ctx: ExpressionContext): unknown {
  switch (c.kind) {
    case "cond":
      return conditionExpression(c.expr, ctx);
    case "key":
      return conditionExpression(c.expr, ctx, "KeyConditionExpression");
    case "filter":
      return conditionExpression(c.expr, ctx, "FilterExpression");
    case "update":
      return updateExpression(c.expr, ctx);
    case "projection":
      return projectionExpression(c.expr, ctx);
  }
}

/** Runs a parse with a fresh context, including the unused check; returns the AST or the error message. */
function outcome(parse: (c: Case, ctx: ExpressionContext) => unknown, c: Case): { ast?: unknown; error?: string } {
  try {
    const ctx = new ExpressionContext(c.names, c.values);
    const ast = parse(c, ctx);
    ctx.checkUnused();
    return { ast };
  } catch (e: any) {
    return { error: `${e.code}: ${e.message}` };
  }
}

const GOOD: Case[] = [
  { kind: "key", expr: "pk = :p", values: { ":p": { S: "a" } } },
  { kind: "key", expr: "#pk = :p AND #sk BETWEEN :lo AND :hi", names: { "#pk": "pk", "#sk": "sk" }, values: { ":p": { S: "a" }, ":lo": { N: "1" }, ":hi": { N: "10" } } },
  { kind: "key", expr: ":p = pk AND begins_with(sk, :s)", values: { ":p": { S: "a" }, ":s": { S: "x" } } },
  { kind: "cond", expr: "attribute_not_exists(pk) OR (#v < :v AND NOT contains(tags, :t))", names: { "#v": "version" }, values: { ":v": { N: "3" }, ":t": { S: "x" } } },
  { kind: "cond", expr: "size(#a.#b[2]) >= :n AND a.b IN (:x, :y, :n)", names: { "#a": "a", "#b": "b" }, values: { ":n": { N: "2" }, ":x": { S: "x" }, ":y": { N: "1.50" } } },
  { kind: "cond", expr: "attribute_type(#x, :t) and x <> :t", names: { "#x": "x" }, values: { ":t": { S: "SS" } } },
  { kind: "filter", expr: "begins_with(#d, :x) OR #d = :x", names: { "#d": "data" }, values: { ":x": { S: "x" } } },
  { kind: "update", expr: "SET #c = if_not_exists(#c, :z) + :one, l = list_append(l, :l), m.#n = :z REMOVE gone, m.lst[3] ADD tags :t DELETE tags2 :t", names: { "#c": "count", "#n": "nested" }, values: { ":z": { N: "0" }, ":one": { N: "1" }, ":l": { L: [{ S: "q" }] }, ":t": { SS: ["a"] } } },
  { kind: "update", expr: "set a = :v", values: { ":v": { NULL: true } } },
  { kind: "projection", expr: "id, #p.langs[1], #p.#n", names: { "#p": "profile", "#n": "name" } },
  { kind: "projection", expr: "a, b.c, d[0]" },
];

test("a cached parse equals a fresh parse, on a miss and on a hit", () => {
  for (const c of GOOD) {
    const want = outcome(direct, c);
    assert.ok(want.ast, `${c.expr}: ${want.error}`);
    assert.deepEqual(outcome(cached, c), want, `miss: ${c.expr}`);
    assert.deepEqual(outcome(cached, c), want, `hit: ${c.expr}`);
  }
  assert.equal(cachedTemplates(), GOOD.length);
});

test("each request binds its own values and names to the shared template", () => {
  const expr = "#k = :v AND attribute_exists(#k)";
  const a = conditionExpression(expr, new ExpressionContext({ "#k": "color" }, { ":v": { S: "red" } }));
  const b = conditionExpression(expr, new ExpressionContext({ "#k": "size" }, { ":v": { N: "007" } }));
  assert.equal(cachedTemplates(), 1);
  assert.equal(evaluate(a, { color: { S: "red" } }), true);
  assert.equal(evaluate(a, { color: { S: "blue" } }), false);
  assert.equal(evaluate(b, { size: { N: "7" } }), true);
  assert.equal(evaluate(b, { color: { S: "red" } }), false);
  // The first binding is untouched by the second.
  assert.deepEqual((a as any).left.right.value, { S: "red" });
  assert.deepEqual((b as any).left.right.value, { N: "7" });
});

const BAD: Case[] = [
  { kind: "cond", expr: "#x = :a", values: { ":a": { N: "1" } } },
  { kind: "cond", expr: "#x = :a", names: { "#y": "q", "#x": "x" }, values: { ":a": { N: "1" } } },
  { kind: "cond", expr: "x = :zz", values: { ":a": { N: "1" } } },
  { kind: "cond", expr: "x = :a", values: { ":a": { N: "1" }, ":b": { N: "2" } } },
  { kind: "cond", expr: "x = :a", values: { ":a": { N: "abc" } } },
  { kind: "cond", expr: "x = :a", values: { ":a": { S: "1", N: "2" } } },
  { kind: "cond", expr: "attribute_type(x, :t)", values: { ":t": { S: "XX" } } },
  { kind: "cond", expr: "attribute_type(x, :t)", values: { ":t": { N: "1" } } },
  { kind: "cond", expr: "attribute_type(#u, :t)", values: { ":t": { S: "S" } } },
  { kind: "cond", expr: "x BETWEEN :a AND", values: { ":a": { N: "1" } } },
  // A placeholder error before a syntax error: the placeholder error wins, as in the parser.
  { kind: "cond", expr: "#nope = :a AND )", values: { ":a": { N: "1" } } },
  { kind: "cond", expr: "name = :a", values: { ":a": { S: "x" } } },
  { kind: "cond", expr: "foo(x)" },
  { kind: "cond", expr: "" },
  { kind: "cond", expr: "x = :a", names: {}, values: { ":a": { N: "1" } } },
  { kind: "key", expr: "pk = :p AND", values: { ":p": { S: "a" } } },
  { kind: "filter", expr: "#d = :x", names: { "#d": "data", "#e": "extra" }, values: { ":x": { S: "x" } } },
  { kind: "update", expr: "SET #a = :v, #b = :v", names: { "#a": "same", "#b": "same" }, values: { ":v": { N: "1" } } },
  { kind: "update", expr: "SET #a.b = :v REMOVE #c", names: { "#a": "m", "#c": "m" }, values: { ":v": { N: "1" } } },
  { kind: "update", expr: "SET a = :v SET b = :v", values: { ":v": { N: "1" } } },
  { kind: "update", expr: "ADD n :v" },
  { kind: "projection", expr: "#a, #b.c", names: { "#a": "x", "#b": "x" } },
  { kind: "projection", expr: "#a[0], #b.c", names: { "#a": "x", "#b": "x" } },
  { kind: "projection", expr: "a,, b" },
];

test("per-request validation fails exactly as a fresh parse, on a miss and on a hit", () => {
  for (const c of BAD) {
    const want = outcome(direct, c);
    assert.ok(want.error, `expected ${c.expr} to fail`);
    assert.deepEqual(outcome(cached, c), want, `miss: ${c.expr}`);
    assert.deepEqual(outcome(cached, c), want, `hit: ${c.expr}`);
  }
  // The same text is fine with proper names and values: validation is per request, not per template.
  const ok = { kind: "cond" as const, expr: "#x = :a", names: { "#x": "x" }, values: { ":a": { N: "1" } } };
  assert.deepEqual(outcome(cached, ok), outcome(direct, ok));
  assert.ok(outcome(cached, ok).ast);
  const overlapOk = { kind: "update" as const, expr: "SET #a = :v, #b = :v", names: { "#a": "one", "#b": "two" }, values: { ":v": { N: "1" } } };
  assert.ok(outcome(cached, overlapOk).ast);
});

test("shared template nodes are frozen", () => {
  const ast = conditionExpression("a.b = :v", new ExpressionContext(undefined, { ":v": { S: "x" } })) as any;
  assert.throws(() => {
    ast.left.elements.push({ name: "c" });
  }, TypeError);
});

test("the cache is bounded", () => {
  for (let i = 0; i < CACHE_LIMIT + 50; i++) projectionExpression(`a${i}`, new ExpressionContext(undefined, undefined));
  assert.equal(cachedTemplates(), CACHE_LIMIT);
  // The newest entries are kept and still bind correctly.
  assert.deepEqual(projectionExpression(`a${CACHE_LIMIT + 49}`, new ExpressionContext(undefined, undefined)), [{ kind: "path", elements: [{ name: `a${CACHE_LIMIT + 49}` }] }]);
});
