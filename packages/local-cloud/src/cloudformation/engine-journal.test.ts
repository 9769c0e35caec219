/**
 * A deploy's journal, stored entry by entry (store.ts), is what a restart undoes: a
 * process that dies mid-deploy leaves the stack *_IN_PROGRESS with the steps it took, and
 * the next engine on the same database rolls exactly those back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { StackEngine } from "./engine.js";
import { StackStore } from "./store.js";
import type { ResourceProvider, CloudLike } from "./provider.js";

test("a deploy killed after two creates is rolled back from its stored journal by the next engine", async () => {
  const db = new Database(":memory:");
  const world = new Set<string>();
  let reachedHang!: () => void;
  const hangReached = new Promise<void>((r) => (reachedHang = r));
  const provider: ResourceProvider = {
    async create(props, ctx) {
      if (props.Hang) {
        reachedHang();
        return new Promise(() => {}); // the process "dies" here: this never settles
      }
      world.add(ctx.logicalId);
      return { physicalId: ctx.logicalId };
    },
    async delete(id) {
      world.delete(id);
    },
  };
  const cloud = { region: "us-east-1", accountId: "000000000000", endpoint: "http://127.0.0.1:1", openDatabase: () => db, ssm: { call: async () => ({}) } } as unknown as CloudLike;
  const template = JSON.stringify({
    Resources: {
      A: { Type: "Test::Thing", Properties: {} },
      B: { Type: "Test::Thing", Properties: {}, DependsOn: ["A"] },
      C: { Type: "Test::Thing", Properties: { Hang: true }, DependsOn: ["B"] },
    },
  });
  const engine = new StackEngine(cloud, new StackStore(db), () => provider);
  const stackId = engine.newStackId("j1");
  const prepared = await engine.prepare("j1", stackId, template, undefined, undefined);
  void engine.deploy({ stackName: "j1", templateBody: template }, prepared, undefined, stackId);
  await hangReached;

  // What a restarted process finds: the stack in progress, its template, and the two steps taken.
  const store = new StackStore(db);
  const found = store.find("j1")!;
  assert.equal(found.status, "CREATE_IN_PROGRESS");
  assert.equal(found.templateBody, template);
  assert.deepEqual(found.pending?.map((e) => `${e.kind} ${e.logicalId}`), ["create A", "create B"]);
  assert.deepEqual([...world].sort(), ["A", "B"]);

  await new StackEngine(cloud, store, () => provider).recover();
  const after = store.find("j1")!;
  assert.equal(after.status, "ROLLBACK_COMPLETE");
  assert.equal(after.pending, undefined);
  assert.deepEqual([...world], []);
});
