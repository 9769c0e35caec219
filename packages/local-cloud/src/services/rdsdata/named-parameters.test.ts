import { test } from "node:test";
import assert from "node:assert/strict";
import { toPositional } from "./named-parameters.js";

test("named parameters become positional, a repeated name binding one position", () => {
  assert.deepEqual(toPositional("select * from t where a = :a and b = :b or a = :a"), { text: "select * from t where a = $1 and b = $2 or a = $1", names: ["a", "b"] });
  assert.deepEqual(toPositional("insert into t values (:0, :1)"), { text: "insert into t values ($1, $2)", names: ["0", "1"] });
});

test("casts, literals, quoted identifiers, comments and dollar quotes are left alone", () => {
  const sql = `select :x::int, ':no', "col:umn", 'it''s :no' -- :no\n, /* :no */ $$ :no $$, $tag$ :no $tag$, :y`;
  const { text, names } = toPositional(sql);
  assert.deepEqual(names, ["x", "y"]);
  assert.equal(text, `select $1::int, ':no', "col:umn", 'it''s :no' -- :no\n, /* :no */ $$ :no $$, $tag$ :no $tag$, $2`);
});
