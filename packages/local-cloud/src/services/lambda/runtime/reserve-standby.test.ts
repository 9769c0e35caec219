/**
 * Two saves in a row under sst dev: the standby has a reserve, spawned a while after it,
 * so the second save (right after the first one's answer) also finds a process started
 * before it was made, instead of paying a fresh one. Neither ever ran an older version.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LambdaRuntime } from "./runtime.js";
import { functionMaker, runtimeUnderTest } from "./test-functions.js";

const { root, cloud } = runtimeUnderTest("lambda-reserve-");
const fn = functionMaker(root, "reserve");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the second of two saves in a row is served by a process started before either save, that ran no older version", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => "deployed";` });
  let current = { file: "", exportName: "handler", version: "" };
  /** Each version answers with its name, when its process started, and the versions that process loaded. */
  const build = (v: string) => {
    const file = join(root, def.functionName, `${v}.mjs`);
    writeFileSync(
      file,
      `globalThis.loaded = [...(globalThis.loaded ?? []), ${JSON.stringify(v)}];
export const handler = async () => ({ v: ${JSON.stringify(v)}, startedAt: Date.now() - process.uptime() * 1000, loaded: globalThis.loaded });`,
    );
    current = { file, exportName: "handler", version: v };
  };
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 3 });
  after(() => rt.close());
  rt.setCodeResolver(async (f) => (f.functionName === def.functionName ? current : undefined));
  const call = async () => JSON.parse((await rt.invoke(def, "{}")).payload.toString()) as { v: string; startedAt: number; loaded: string[] };

  build("v1");
  assert.equal((await call()).v, "v1");
  // The standby comes a moment after the answer, its reserve a while after that (longer on a busy machine).
  await sleep(2000);
  assert.equal(rt.hasStandby(def.functionName), true);

  const firstSave = Date.now();
  build("v2");
  assert.equal(await rt.prewarm(def.functionName), true);
  assert.equal(rt.hasStandby(def.functionName), true, "the reserve is the standby now");
  const v2 = await call();
  assert.deepEqual([v2.v, v2.loaded], ["v2", ["v2"]]);

  // Right after v2's first answer: no time for a new process to start.
  build("v3");
  assert.equal(await rt.prewarm(def.functionName), true);
  assert.equal(rt.hasStandby(def.functionName), false, "both standbys are taken");
  const v3 = await call();
  assert.deepEqual([v3.v, v3.loaded], ["v3", ["v3"]], "a process of its own, which never loaded v2");
  assert.ok(v3.startedAt < firstSave, "v3 runs in a process started before the first save");
  assert.ok(v2.startedAt < firstSave);
  assert.equal(rt.workerCount(def.functionName), 1, "v2's environment ended");
});
