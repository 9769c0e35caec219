/**
 * Hot reload under sst dev: after a pre-warm on new code, the old code's environments end
 * (idle ones at once, busy ones when they finish), and no standby for the version after
 * is spawned until the new code answered — a process starting while the new code loads
 * would slow its first answer.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LambdaRuntime } from "./runtime.js";
import { functionMaker, runtimeUnderTest } from "./test-functions.js";

const { root, cloud } = runtimeUnderTest("lambda-reload-");
const fn = functionMaker(root, "reload");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a pre-warm retires the old code's busy environment, and the next standby waits for the new code's answer", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => "deployed";` });
  let current = { file: "", exportName: "handler", version: "" };
  const build = (v: string, body: string) => {
    const file = join(root, def.functionName, `${v}.mjs`);
    writeFileSync(file, `export const handler = async (event) => { ${body} return ${JSON.stringify(v)}; };`);
    current = { file, exportName: "handler", version: v };
  };
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 3 });
  after(() => rt.close());
  rt.setCodeResolver(async (f) => (f.functionName === def.functionName ? current : undefined));

  // v1 answers slowly; its first answer brings a standby (100 ms later; a busy machine may take a while).
  build("v1", "await new Promise((r) => setTimeout(r, event.waitMs ?? 0));");
  assert.equal((await rt.invoke(def, "{}")).payload.toString(), '"v1"');
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) await sleep(50);
  assert.equal(rt.hasStandby(def.functionName), true);

  // An invocation of v1 is under way when v2 is built and pre-warmed (into the standby).
  const slow = rt.invoke(def, JSON.stringify({ waitMs: 400 }));
  await sleep(100);
  build("v2", "");
  assert.equal(await rt.prewarm(def.functionName), true);
  assert.equal(rt.hasStandby(def.functionName), false, "the standby took v2 (before its reserve was spawned)");
  assert.equal((await slow).payload.toString(), '"v1"', "what v1 held still runs to its end");

  // v1's answer neither keeps its environment nor schedules a standby while v2 is not yet asked for anything.
  await sleep(500);
  assert.equal(rt.workerCount(def.functionName), 1, "only v2's environment is left");
  assert.equal(rt.hasStandby(def.functionName), false, "no standby spawned before v2 answered");

  // v2's first answer brings the standby for the version after it.
  assert.equal((await rt.invoke(def, "{}")).payload.toString(), '"v2"');
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) await sleep(50);
  assert.equal(rt.hasStandby(def.functionName), true);
});
