/**
 * The API services' shared document store: creation order kept through updates and
 * puts, an API removed with everything under it, the generation moving with each change,
 * and state written before the table had `seq` (AppSync's old table) read in its order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { ApiDocuments } from "./api-documents.js";

test("documents keep creation order through updates; removeApi takes everything under the API", () => {
  const docs = new ApiDocuments<"api" | "route">(new Database(":memory:"), "t");
  docs.insert("a", "api", "a", { n: 1 });
  docs.insert("a", "route", "r1", { n: 1 });
  docs.insert("a", "route", "r2", { n: 2 });
  docs.put("a", "route", "r1", { n: 10 });
  docs.put("a", "route", "r3", { n: 3 });
  assert.deepEqual(docs.list("a", "route"), [{ n: 10 }, { n: 2 }, { n: 3 }]);
  const before = docs.generation;
  docs.remove("a", "route", "r2");
  assert.equal(docs.generation, before + 1);
  docs.insert("b", "api", "b", { n: 2 });
  assert.deepEqual(docs.listKind("api"), [{ n: 1 }, { n: 2 }]);
  docs.removeApi("a");
  assert.deepEqual(docs.apiIdsOfKind("api"), ["b"]);
  assert.equal(docs.get("a", "route", "r1"), undefined);
});

test("a table written without seq is migrated: its rows keep their order", () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE old (api_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (api_id, kind, id));");
  const insert = db.prepare("INSERT INTO old (api_id, kind, id, doc) VALUES (?, ?, ?, ?)");
  insert.run("a", "resolver", "Query.b", '{"f":"b"}');
  insert.run("a", "resolver", "Query.a", '{"f":"a"}');
  const docs = new ApiDocuments<"resolver">(db, "old");
  docs.insert("a", "resolver", "Query.c", { f: "c" });
  assert.deepEqual(docs.list("a", "resolver"), [{ f: "b" }, { f: "a" }, { f: "c" }]);
});
