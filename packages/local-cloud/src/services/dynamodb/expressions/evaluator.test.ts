/** Deeper cases of the condition evaluator and update applier, one DynamoDB rule each. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExpressionContext } from "./context.js";
import { parseCondition, parseUpdate } from "./parser.js";
import { evaluate } from "./evaluator.js";
import { applyUpdate } from "./update.js";
import type { Item } from "../attribute-value.js";

const b64 = (...bytes: number[]) => Buffer.from(bytes).toString("base64");
const item: Item = {
  s: { S: "hello" },
  n: { N: "10" },
  b: { B: b64(1, 2, 3) },
  ss: { SS: ["x", "y"] },
  ns: { NS: ["1", "2.5"] },
  bs: { BS: [b64(9)] },
  l: { L: [{ S: "a" }, { N: "1" }, { M: { deep: { S: "d" } } }] },
  m: { M: { child: { M: { v: { N: "3" } } }, "with space": { S: "ok" } } },
  nul: { NULL: true },
  t: { BOOL: true },
};

function holds(expr: string, values?: Record<string, any>, names?: Record<string, string>): boolean {
  const ctx = new ExpressionContext(names, values);
  const c = parseCondition(expr, ctx);
  ctx.checkUnused();
  return evaluate(c, item);
}

test("size() of every sized type; other types make the comparison false", () => {
  const v = (n: number) => ({ ":n": { N: String(n) } });
  assert.ok(holds("size(s) = :n", v(5)));
  assert.ok(holds("size(b) = :n", v(3)));
  assert.ok(holds("size(ss) = :n", v(2)));
  assert.ok(holds("size(l) = :n", v(3)));
  assert.ok(holds("size(m) = :n", v(2)));
  assert.equal(holds("size(n) = :n", v(2)), false);
  assert.equal(holds("size(nope) = :n", v(0)), false);
});

test("contains and begins_with across types", () => {
  assert.ok(holds("contains(s, :x)", { ":x": { S: "ell" } }));
  assert.ok(holds("contains(ns, :x)", { ":x": { N: "2.50" } }));
  assert.ok(holds("contains(bs, :x)", { ":x": { B: b64(9) } }));
  assert.ok(holds("contains(l, :x)", { ":x": { N: "1" } }));
  assert.equal(holds("contains(ss, :x)", { ":x": { N: "1" } }), false, "element type must match the set");
  assert.ok(holds("begins_with(b, :x)", { ":x": { B: b64(1, 2) } }));
  assert.equal(holds("begins_with(n, :x)", { ":x": { S: "1" } }), false);
});

test("nested paths, names with spaces through placeholders, list indexes", () => {
  assert.ok(holds("m.child.v = :v", { ":v": { N: "3" } }));
  assert.ok(holds("m.#sp = :v", { ":v": { S: "ok" } }, { "#sp": "with space" }));
  assert.ok(holds("l[2].deep = :v", { ":v": { S: "d" } }));
  assert.equal(holds("l[2].deep[0] = :v", { ":v": { S: "d" } }), false);
  assert.equal(holds("s.x = :v", { ":v": { S: "d" } }), false);
});

test("types: attribute_type, NULL and BOOL equality, cross-type comparisons", () => {
  assert.ok(holds("attribute_type(nul, :t)", { ":t": { S: "NULL" } }));
  assert.ok(holds("attribute_type(m, :t)", { ":t": { S: "M" } }));
  assert.ok(holds("t = :t", { ":t": { BOOL: true } }));
  assert.ok(holds("ss = :set", { ":set": { SS: ["y", "x"] } }), "sets compare unordered");
  assert.equal(holds("n < :s", { ":s": { S: "z" } }), false);
  assert.ok(holds("n <> :s", { ":s": { S: "10" } }));
  assert.ok(holds("s BETWEEN :a AND :b", { ":a": { S: "a" }, ":b": { S: "i" } }));
  assert.throws(() => holds("attribute_type(s, :t)", { ":t": { S: "STRING" } }), /Invalid attribute type name found; type: STRING, valid types: \{ B,NULL,SS,BOOL,L,BS,N,NS,S,M \}/);
});

test("precedence: NOT > AND > OR, parentheses override", () => {
  const v = { ":y": { BOOL: true }, ":f": { BOOL: false } };
  assert.equal(holds("t = :f OR t = :y AND t = :f", v), false);
  assert.equal(holds("(t = :f OR t = :y) AND t = :f", v), false);
  assert.equal(holds("t = :y OR t = :f AND t = :f", v), true);
  assert.equal(holds("NOT t = :f AND NOT t = :f", { ":f": v[":f"] }), true);
  assert.equal(holds("NOT (t = :y OR t = :f)", v), false);
});

test("syntax and semantic errors name the expression and the token", () => {
  assert.throws(() => holds("s = :x :y", { ":x": { S: "a" }, ":y": { S: "b" } }), /Invalid ConditionExpression: Syntax error; token: ":y"/);
  assert.throws(() => holds("s == :x", { ":x": { S: "a" } }), /Syntax error; token: "="/);
  assert.throws(() => holds("s = :x AND", { ":x": { S: "a" } }), /token: "<EOF>"/);
  assert.throws(() => holds("size(s, n) = :x", { ":x": { N: "1" } }), /Incorrect number of operands for operator or function; operator or function: size, number of operands: 2/);
  assert.throws(() => holds("attribute_exists(:x)", { ":x": { S: "a" } }), /Operator or function requires a document path; operator or function: attribute_exists/);
  assert.throws(() => holds("s = attribute_exists(s)"), /The function is not allowed to be used this way in an expression; function: attribute_exists/);
  assert.throws(() => holds("s IN (" + Array.from({ length: 101 }, () => ":x").join(", ") + ")", { ":x": { S: "a" } }), /too many operands; number of operands: 101/);
  assert.throws(() => new ExpressionContext({}, undefined), /ExpressionAttributeNames must not be empty/);
  assert.throws(() => holds("s = :x", { ":x": { N: "abc" } }), /ExpressionAttributeValues contains invalid value: A value provided cannot be converted into a number for key :x/);
});

function update(expr: string, values?: Record<string, any>, names?: Record<string, string>, base: Item = item): Item {
  const ctx = new ExpressionContext(names, values);
  const actions = parseUpdate(expr, ctx);
  ctx.checkUnused();
  return applyUpdate(base, actions);
}

test("SET: list index past the end appends, nested map set, invalid parents refused", () => {
  const out = update("SET l[10] = :v, m.child.w = :v", { ":v": { S: "new" } });
  assert.equal((out.l as any).L.length, 4);
  assert.deepEqual((out.l as any).L[3], { S: "new" });
  assert.deepEqual((out.m as any).M.child.M.w, { S: "new" });
  assert.throws(() => update("SET nope.x = :v", { ":v": { S: "x" } }), /The document path provided in the update expression is invalid for update/);
  assert.throws(() => update("SET s[0] = :v", { ":v": { S: "x" } }), /document path provided in the update expression is invalid/);
});

test("SET operands read the item as it was before the update", () => {
  const out = update("SET a = n, n = :v", { ":v": { N: "99" } });
  assert.deepEqual(out.a, { N: "10" });
  assert.deepEqual(out.n, { N: "99" });
});

test("arithmetic, list_append and if_not_exists", () => {
  assert.deepEqual(update("SET n = n + :d", { ":d": { N: "0.000000000000000000000000000000000001" } }).n, { N: "10.000000000000000000000000000000000001" });
  assert.throws(() => update("SET s = s + :d", { ":d": { N: "1" } }), /An operand in the update expression has an incorrect data type/);
  assert.deepEqual((update("SET l = list_append(:h, l)", { ":h": { L: [{ S: "first" }] } }).l as any).L[0], { S: "first" });
  assert.throws(() => update("SET l = list_append(l, :s)", { ":s": { S: "x" } }), /list_append, operand type: S/);
  assert.deepEqual(update("SET x = if_not_exists(x, :d)", { ":d": { N: "1" } }).x, { N: "1" });
  assert.deepEqual(update("SET n = if_not_exists(n, :d)", { ":d": { N: "1" } }).n, { N: "10" });
});

test("ADD and DELETE on numbers and sets", () => {
  assert.deepEqual(update("ADD n :d", { ":d": { N: "-15" } }).n, { N: "-5" });
  assert.deepEqual(update("ADD ns :d", { ":d": { NS: ["2.50", "3"] } }).ns, { NS: ["1", "2.5", "3"] });
  assert.deepEqual(update("ADD fresh :d", { ":d": { SS: ["a"] } }).fresh, { SS: ["a"] });
  assert.throws(() => update("ADD ss :d", { ":d": { NS: ["1"] } }), /incorrect data type/);
  assert.throws(() => update("ADD s :d", { ":d": { S: "x" } }), /operator: ADD, operand type: STRING/);
  assert.equal(update("DELETE ss :d", { ":d": { SS: ["x", "y"] } }).ss, undefined, "an emptied set disappears");
  assert.throws(() => update("DELETE n :d", { ":d": { N: "1" } }), /operator: DELETE, operand type: NUMBER/);
});

test("REMOVE: absent paths are no-ops; list removals use original indexes", () => {
  const out = update("REMOVE nope, l[0], l[1], m.child");
  assert.deepEqual((out.l as any).L, [{ M: { deep: { S: "d" } } }]);
  assert.equal((out.m as any).M.child, undefined);
  assert.throws(() => update("REMOVE l[0], l[0]"), /Two document paths overlap/);
  assert.throws(() => update("SET l[0] = :v REMOVE l.x", { ":v": { S: "x" } }), /Two document paths conflict/);
});
