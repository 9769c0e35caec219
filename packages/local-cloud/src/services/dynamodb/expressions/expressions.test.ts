import { test } from "node:test";
import assert from "node:assert/strict";
import { ExpressionContext } from "./context.js";
import { parseCondition, parseUpdate, parseProjection } from "./parser.js";
import { evaluate } from "./evaluator.js";
import { applyUpdate } from "./update.js";
import { project } from "./projection.js";
import type { Item } from "../attribute-value.js";

const item: Item = {
  id: { S: "u1" },
  age: { N: "30" },
  tags: { SS: ["a", "b"] },
  profile: { M: { name: { S: "Ann" }, langs: { L: [{ S: "en" }, { S: "fr" }, { S: "de" }] } } },
};

function cond(expr: string, values: Record<string, any> = {}, names?: Record<string, string>) {
  const ctx = new ExpressionContext(names, Object.keys(values).length ? values : undefined);
  const c = parseCondition(expr, ctx);
  ctx.checkUnused();
  return evaluate(c, item);
}

test("comparisons, functions and precedence", () => {
  assert.equal(cond("age = :a", { ":a": { N: "30.0" } }), true);
  assert.equal(cond("age < :a", { ":a": { N: "100" } }), true);
  assert.equal(cond("age BETWEEN :a AND :b", { ":a": { N: "1" }, ":b": { N: "30" } }), true);
  assert.equal(cond("age IN (:a, :b)", { ":a": { N: "1" }, ":b": { N: "30" } }), true);
  assert.equal(cond("attribute_exists(profile.langs[1])"), true);
  assert.equal(cond("attribute_not_exists(profile.langs[5])"), true);
  assert.equal(cond("begins_with(#p.#n, :x)", { ":x": { S: "An" } }, { "#p": "profile", "#n": "name" }), true);
  assert.equal(cond("contains(tags, :x)", { ":x": { S: "b" } }), true);
  assert.equal(cond("size(profile.langs) = :n", { ":n": { N: "3" } }), true);
  assert.equal(cond("attribute_type(age, :t)", { ":t": { S: "N" } }), true);
  // NOT binds tighter than AND, AND tighter than OR.
  assert.equal(cond("NOT age = :a AND age = :a OR age = :a", { ":a": { N: "30" } }), true);
  assert.equal(cond("NOT (age = :a OR age = :a)", { ":a": { N: "30" } }), false);
  assert.equal(cond("nope <> :a", { ":a": { N: "30" } }), true);
  assert.equal(cond("nope = :a", { ":a": { N: "30" } }), false);
  assert.equal(cond("age > :s", { ":s": { S: "30" } }), false);
});

test("placeholder validation errors", () => {
  assert.throws(() => cond("age = :a", { ":a": { N: "1" }, ":b": { N: "2" } }), /Value provided in ExpressionAttributeValues unused in expressions: keys: \{:b\}/);
  assert.throws(() => cond("age = :zz", { ":a": { N: "1" } }), /An expression attribute value used in expression is not defined; attribute value: :zz/);
  assert.throws(() => cond("#x = :a", { ":a": { N: "1" } }, { "#y": "q" }), /attribute name: #x/);
  assert.throws(() => cond("name = :a", { ":a": { S: "x" } }), /reserved keyword; reserved keyword: name/);
  assert.throws(() => cond("age = ", {}), /Syntax error; token: "<EOF>"/);
  assert.throws(() => cond("foo(age)", {}), /Invalid function name; function: foo/);
  assert.throws(() => cond("age BETWEEN :b AND :a", { ":a": { N: "1" }, ":b": { N: "2" } }), /BETWEEN operator requires upper bound/);
});

test("update expressions", () => {
  const ctx = new ExpressionContext({ "#c": "count", "#n": "name" }, { ":one": { N: "1" }, ":l": { L: [{ S: "es" }] }, ":t": { SS: ["c", "a"] }, ":d": { SS: ["b"] }, ":z": { N: "0" } });
  const actions = parseUpdate("SET #c = if_not_exists(#c, :z) + :one, profile.langs = list_append(profile.langs, :l), age = age - :one REMOVE profile.#n ADD tags :t DELETE extra :d", ctx);
  ctx.checkUnused();
  const out = applyUpdate(item, actions);
  assert.deepEqual(out.count, { N: "1" });
  assert.deepEqual(out.age, { N: "29" });
  assert.deepEqual((out.profile as any).M.langs.L.length, 4);
  assert.equal((out.profile as any).M.name, undefined);
  assert.deepEqual(out.tags, { SS: ["a", "b", "c"] });
  const d = applyUpdate(out, parseUpdate("DELETE tags :d", new ExpressionContext(undefined, { ":d": { SS: ["b", "zz"] } })));
  assert.deepEqual(d.tags, { SS: ["a", "c"] });
  assert.deepEqual(item.age, { N: "30" }, "original untouched");
  assert.throws(() => parseUpdate("SET a = :v, a.b = :v", new ExpressionContext(undefined, { ":v": { N: "1" } })), /Two document paths overlap/);
  assert.throws(() => parseUpdate("SET a = :v SET b = :v", new ExpressionContext(undefined, { ":v": { N: "1" } })), /"SET" section can only be used once/);
  assert.throws(() => applyUpdate(item, parseUpdate("SET a = nope + :v", new ExpressionContext(undefined, { ":v": { N: "1" } }))), /does not exist in the item/);
  assert.throws(() => applyUpdate(item, parseUpdate("ADD id :v", new ExpressionContext(undefined, { ":v": { N: "1" } }))), /incorrect data type/);
  const rm = applyUpdate(item, parseUpdate("REMOVE profile.langs[0], profile.langs[2]", new ExpressionContext(undefined, undefined)));
  assert.deepEqual((rm.profile as any).M.langs.L, [{ S: "fr" }]);
});

test("projection", () => {
  const paths = parseProjection("id, profile.langs[2], profile.langs[0]", new ExpressionContext(undefined, undefined));
  assert.deepEqual(JSON.parse(JSON.stringify(project(item, paths))), { id: { S: "u1" }, profile: { M: { langs: { L: [{ S: "en" }, { S: "de" }] } } } });
});
