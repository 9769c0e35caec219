import { test } from "node:test";
import assert from "node:assert/strict";
import { buildGraph, topologicalOrder, runInOrder } from "./graph.js";

test("builds edges from Ref, GetAtt, Sub and DependsOn", () => {
  const g = buildGraph({
    Table: { Type: "T" },
    Role: { Type: "R" },
    Fn: { Type: "F", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] }, Env: { T: { Ref: "Table" } } } },
    Perm: { Type: "P", Properties: { Name: { "Fn::Sub": "${Fn}" } }, DependsOn: "Role" },
  });
  assert.deepEqual([...g.get("Fn")!].sort(), ["Role", "Table"]);
  assert.deepEqual([...g.get("Perm")!].sort(), ["Fn", "Role"]);
  const order = topologicalOrder(g);
  assert.ok(order.indexOf("Role") < order.indexOf("Fn"));
  assert.ok(order.indexOf("Fn") < order.indexOf("Perm"));
});

test("a cycle is an error naming the resources", () => {
  assert.throws(() => buildGraph({
    A: { Type: "X", Properties: { P: { Ref: "B" } } },
    B: { Type: "X", DependsOn: ["C"] },
    C: { Type: "X", Properties: { P: { "Fn::GetAtt": "A.Arn" } } },
    D: { Type: "X" },
  }), /Circular dependency between resources: \[A, B, C\]/);
});

test("references to missing resources are errors", () => {
  assert.throws(() => buildGraph({ A: { Type: "X", DependsOn: "Ghost" } }), /Unresolved resource dependencies \[Ghost\]/);
});

test("runInOrder runs independent work concurrently and respects order; reverse for deletion", async () => {
  const g = buildGraph({ A: { Type: "X" }, B: { Type: "X" }, C: { Type: "X", DependsOn: ["A", "B"] } });
  const log: string[] = [];
  let concurrent = 0, peak = 0;
  await runInOrder(g, async (id) => {
    concurrent++; peak = Math.max(peak, concurrent);
    await new Promise((r) => setTimeout(r, 10));
    log.push(id); concurrent--;
  });
  assert.equal(log[2], "C");
  assert.equal(peak, 2);
  const rev: string[] = [];
  await runInOrder(g, async (id) => { rev.push(id); }, true);
  assert.equal(rev[0], "C");
  await assert.rejects(runInOrder(g, async (id) => { if (id === "A") throw new Error("boom"); }), /boom/);
});
