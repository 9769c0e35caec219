import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { StackStore, type StackState, type ResourceState } from "./store.js";

const template = JSON.stringify({ Resources: { A: { Type: "Test::Thing" } }, Padding: "x".repeat(10_000) });

function stack(over: Partial<StackState> = {}): StackState {
  return {
    stackId: "arn:aws:cloudformation:us-east-1:000000000000:stack/s1/1", stackName: "s1", status: "CREATE_IN_PROGRESS",
    templateBody: template, parameters: [], resources: {}, outputs: [], imports: [], capabilities: [], tags: [],
    creationTime: "2026-01-01T00:00:00.000Z", ...over,
  };
}

const resource = (logicalId: string): ResourceState => ({
  logicalId, type: "Test::Thing", physicalId: `p-${logicalId}`, properties: { Size: 1 }, attributes: {},
  status: "CREATE_COMPLETE", timestamp: "2026-01-01T00:00:00.000Z", dependsOn: [],
});

/** Counts the writes SQLite makes to `table` (a trigger per statement kind). */
function countWrites(db: Database.Database, table: string): () => number {
  db.exec(`CREATE TABLE IF NOT EXISTS write_count (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
  db.prepare("INSERT INTO write_count VALUES (?, 0)").run(table);
  for (const kind of ["INSERT", "UPDATE"]) {
    db.exec(`CREATE TRIGGER count_${table}_${kind} AFTER ${kind} ON ${table} BEGIN UPDATE write_count SET n = n + 1 WHERE tbl = '${table}'; END`);
  }
  return () => (db.prepare("SELECT n FROM write_count WHERE tbl = ?").get(table) as { n: number }).n;
}

test("a stack reads back whole: template, state and the journal appended entry by entry", () => {
  const db = new Database(":memory:");
  const store = new StackStore(db);
  store.save(stack());
  store.appendJournal(stack().stackId, { kind: "create", logicalId: "A", after: resource("A") });
  store.appendJournal(stack().stackId, { kind: "create", logicalId: "B", after: resource("B") });
  const read = store.find("s1")!;
  assert.equal(read.templateBody, template);
  assert.deepEqual(read.pending?.map((e) => e.logicalId), ["A", "B"]);
  // A store opened on the same database after a crash sees the same journal.
  assert.deepEqual(new StackStore(db).find(stack().stackId)!.pending?.map((e) => e.logicalId), ["A", "B"]);
  assert.deepEqual(new StackStore(db).list(false).map((s) => s.pending?.length), [2]);
});

test("a save while the journal grows keeps it; a save without `pending` commits (clears) it", () => {
  const db = new Database(":memory:");
  const store = new StackStore(db);
  const s = stack();
  store.save(s);
  const journal = [{ kind: "create" as const, logicalId: "A", after: resource("A") }];
  s.pending = journal;
  store.appendJournal(s.stackId, journal[0]!);
  s.status = "ROLLBACK_IN_PROGRESS";
  store.save(s);
  assert.deepEqual(store.find("s1")!.pending?.map((e) => e.logicalId), ["A"], "not stored twice");
  delete s.pending;
  s.status = "ROLLBACK_COMPLETE";
  store.save(s);
  assert.equal(store.find("s1")!.pending, undefined);
  assert.equal(new StackStore(db).find("s1")!.pending, undefined);
});

test("a saved `pending` the store has not seen (a crash simulated by a test) is stored whole", () => {
  const store = new StackStore(new Database(":memory:"));
  store.save(stack({ pending: [{ kind: "create", logicalId: "N", after: resource("N") }] }));
  assert.deepEqual(store.find("s1")!.pending?.map((e) => e.logicalId), ["N"]);
});

test("the template is written once however often the stack is saved, and again when it changes", () => {
  const db = new Database(":memory:");
  const store = new StackStore(db);
  const templateWrites = countWrites(db, "stack_templates");
  const s = stack();
  for (const status of ["CREATE_IN_PROGRESS", "CREATE_COMPLETE", "UPDATE_IN_PROGRESS"]) store.save({ ...s, status });
  for (let i = 0; i < 20; i++) store.appendJournal(s.stackId, { kind: "create", logicalId: `R${i}`, after: resource(`R${i}`) });
  assert.equal(templateWrites(), 1);
  // The stack row itself does not carry the template (or the journal).
  const row = db.prepare("SELECT data FROM stacks").get() as { data: string };
  assert.ok(!row.data.includes("Padding") && !row.data.includes('"pending"'));
  const next = JSON.stringify({ Resources: {} });
  store.save({ ...s, status: "UPDATE_COMPLETE", templateBody: next });
  assert.equal(templateWrites(), 2);
  assert.equal(store.find("s1")!.templateBody, next);
  assert.equal(new StackStore(db).find("s1")!.templateBody, next);
});

test("a record written before the template and journal were stored apart reads as it was, and moves out on its next save", () => {
  const db = new Database(":memory:");
  new StackStore(db);
  const old = stack({ status: "UPDATE_IN_PROGRESS", pending: [{ kind: "create", logicalId: "A", after: resource("A") }] });
  db.prepare("INSERT INTO stacks (stack_id, stack_name, deleted, data) VALUES (?, ?, 0, ?)").run(old.stackId, old.stackName, JSON.stringify(old));
  const store = new StackStore(db);
  const read = store.find("s1")!;
  assert.equal(read.templateBody, template);
  assert.deepEqual(read.pending?.map((e) => e.logicalId), ["A"]);
  delete read.pending;
  read.status = "UPDATE_ROLLBACK_COMPLETE";
  store.save(read);
  const again = new StackStore(db).find("s1")!;
  assert.equal(again.templateBody, template);
  assert.equal(again.pending, undefined);
  assert.equal(again.status, "UPDATE_ROLLBACK_COMPLETE");
});
