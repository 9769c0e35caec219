import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { StatesError } from "./errors.js";
import { evaluateIntrinsic } from "./intrinsics.js";

const run = (text: string, input: unknown = {}, context: unknown = {}) => evaluateIntrinsic(text, input, context);
const fails = (text: string, input: unknown = {}) => assert.throws(() => run(text, input), (e: unknown) => e instanceof StatesError && e.error === "States.IntrinsicFailure");

describe("intrinsic functions", () => {
  it("States.Format with paths, escapes and nesting", () => {
    assert.equal(run("States.Format('Hello, {}! You are {} ({})', $.name, $.age, $$.Execution.Name)", { name: "Ann", age: 30 }, { Execution: { Name: "e1" } }), "Hello, Ann! You are 30 (e1)");
    assert.equal(run("States.Format('\\{literal\\} {} it\\'s', States.Format('{}', 1))"), "{literal} 1 it's");
    fails("States.Format('{} {}', 1)");
    fails("States.Format('{}', $.o)", { o: { a: 1 } });
  });
  it("JSON conversions", () => {
    assert.deepEqual(run("States.StringToJson($.s)", { s: '{"a":[1,2]}' }), { a: [1, 2] });
    assert.equal(run("States.JsonToString($.o)", { o: { a: 1 } }), '{"a":1}');
    assert.deepEqual(run("States.JsonMerge($.a, $.b, false)", { a: { x: 1, y: { p: 1 } }, b: { y: { q: 2 } } }), { x: 1, y: { q: 2 } });
    fails("States.JsonMerge($.a, $.a, true)", { a: {} });
  });
  it("arrays", () => {
    assert.deepEqual(run("States.Array('a', 1, true, null, $.x)", { x: [1] }), ["a", 1, true, null, [1]]);
    assert.deepEqual(run("States.ArrayPartition(States.ArrayRange(1, 7, 1), 3)"), [[1, 2, 3], [4, 5, 6], [7]]);
    assert.equal(run("States.ArrayContains($.a, $.v)", { a: [{ k: 1 }, 2], v: { k: 1 } }), true);
    assert.deepEqual(run("States.ArrayRange(10, 0, -5)"), [10, 5, 0]);
    assert.equal(run("States.ArrayGetItem($.a, 1)", { a: ["x", "y"] }), "y");
    assert.equal(run("States.ArrayLength($.a)", { a: [1, 2, 3] }), 3);
    assert.deepEqual(run("States.ArrayUnique($.a)", { a: [1, 1, { a: 1 }, { a: 1 }, "1"] }), [1, { a: 1 }, "1"]);
    fails("States.ArrayRange(0, 2000, 1)");
    fails("States.ArrayGetItem($.a, 5)", { a: [] });
  });
  it("encoding, hashing, math, strings and UUIDs", () => {
    assert.equal(run("States.Base64Encode('Data to encode')"), "RGF0YSB0byBlbmNvZGU=");
    assert.equal(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), "Data to encode");
    assert.equal(run("States.Hash('input data', 'SHA-1')"), createHash("sha1").update("input data").digest("hex"));
    fails("States.Hash('x', 'SHA-3')");
    assert.equal(run("States.MathAdd($.n, -3)", { n: 10 }), 7);
    const r = run("States.MathRandom(1, 10)") as number;
    assert.ok(r >= 1 && r < 10 && Number.isInteger(r));
    assert.equal(run("States.MathRandom(1, 1000, 7)"), run("States.MathRandom(1, 1000, 7)"));
    assert.deepEqual(run("States.StringSplit('1,2;3', ',;')"), ["1", "2", "3"]);
    assert.match(run("States.UUID()") as string, /^[0-9a-f-]{36}$/);
  });
  it("a syntax error names the position", () => {
    assert.throws(() => run("States.Format('x', )"), /intrinsic function: unexpected character at position 19/);
  });
});
