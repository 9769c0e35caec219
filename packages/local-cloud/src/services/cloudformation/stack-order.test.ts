import { test } from "node:test";
import assert from "node:assert/strict";
import { deployInDependencyOrder } from "./assembly.js";

const stack = (id: string, dependencies: string[] = []) => ({ id, stackName: id, templateFile: `${id}.json`, parameters: {}, dependencies, assetManifests: [] });
/** The seed app's graph: Database and Storage alone, Queue on Database, API on all three, Auth and Web on API. */
const SEED = [stack("Database"), stack("Storage"), stack("Queue", ["Database"]), stack("API", ["Database", "Storage", "Queue"]), stack("Auth", ["API"]), stack("Web", ["API"])];

/** A deploy that records when each stack starts and ends, finishing after `ms`. */
function recorder(ms: Record<string, number>, fail?: string) {
  const log: string[] = [];
  const deploy = async (s: { id: string }) => {
    log.push(`start ${s.id}`);
    await new Promise((r) => setTimeout(r, ms[s.id] ?? 5));
    log.push(`end ${s.id}`);
    if (s.id === fail) throw new Error(`${s.id} failed`);
    return s.id.toLowerCase();
  };
  return { log, deploy };
}

test("independent stacks deploy side by side; a stack starts only once all it depends on are done", async () => {
  const { log, deploy } = recorder({ Database: 30, Storage: 5, Auth: 30, Web: 5 });
  const results = await deployInDependencyOrder(SEED, deploy);
  assert.deepEqual([...results.keys()].sort(), SEED.map((s) => s.id).sort());
  assert.equal(results.get("Web"), "web");
  const at = (e: string) => log.indexOf(e);
  // Storage started before Database ended; Auth and Web both ran before either ended.
  assert.ok(at("start Storage") < at("end Database"));
  assert.ok(at("start Web") < at("end Auth") && at("start Auth") < at("end Web"));
  for (const s of SEED) for (const d of s.dependencies) assert.ok(at(`end ${d}`) < at(`start ${s.id}`), `${s.id} started before ${d} ended`);
});

test("after a failure no further stack starts; the ones under way finish, then the failure is thrown", async () => {
  const { log, deploy } = recorder({ Database: 5, Storage: 40 }, "Database");
  await assert.rejects(deployInDependencyOrder(SEED, deploy), /Database failed/);
  assert.ok(log.includes("end Storage"), "the stack under way finished");
  assert.ok(!log.some((l) => l.startsWith("start Queue") || l.startsWith("start API")));
});

test("a dependency outside the selection does not hold a stack back", async () => {
  const { deploy } = recorder({});
  const results = await deployInDependencyOrder([stack("Web", ["API"])], deploy);
  assert.equal(results.get("Web"), "web");
});
