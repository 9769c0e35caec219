/**
 * Scale-out on a machine starved by other processes (issue 12): the local cloud, kept off
 * the cores, must not start more environments to fight for them. The runtime runs in a
 * child process with the default busy signal (cpu-pressure.ts); the test starves it on
 * purpose — stopped 45 ms of every 55 (SIGSTOP/SIGCONT), so its event loop looks idle
 * while its timers fire late — and invokes a long function (it waits 400 ms) six times
 * at once. Judged by utilization alone the cores looked free and the six got six
 * environments; starved, they stay at the per-function cap and wait their turn.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const here = (file: string) => JSON.stringify(new URL(file, import.meta.url).pathname);

test("long invocations on a starved machine stay at the per-function cap instead of adding environments", async () => {
  const script = `
    import { EventEmitter } from "node:events";
    import { mkdtempSync, rmSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";
    import { LambdaRuntime } from ${here("./runtime.ts")};
    import { functionMaker, testCloud } from ${here("./test-functions.ts")};
    const root = mkdtempSync(join(tmpdir(), "starved-"));
    const runtime = new LambdaRuntime(testCloud(new EventEmitter()), { maxConcurrency: 2, maxWaitingConcurrency: 8 });
    const def = functionMaker(root, "starved")({ "index.mjs": "export const handler = async () => { await new Promise((r) => setTimeout(r, 400)); return process.pid; };" });
    // Timed once, unstarved: the function is long (it mostly waits).
    await runtime.invoke(def, "{}");
    process.stdout.write("timed\\n");
    process.stdin.once("data", async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => runtime.invoke(def, "{}")));
      const pids = new Set(results.map((r) => JSON.parse(r.payload.toString())));
      process.stdout.write(JSON.stringify({ ok: results.every((r) => r.status === "success"), environments: pids.size }) + "\\n");
      runtime.close();
      rmSync(root, { recursive: true, force: true });
      process.exit(0);
    });
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] });
  let starving = true;
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, "timed");
    const answer = lines.next();
    // Starved from now until it answers; the busy signal needs a window or two to see it.
    const starve = (async () => {
      while (starving) {
        child.kill("SIGSTOP");
        await sleep(45);
        child.kill("SIGCONT");
        await sleep(10);
      }
    })();
    await sleep(700);
    child.stdin!.write("go\n");
    const line = (await answer).value;
    starving = false;
    await starve;
    const { ok, environments } = JSON.parse(line) as { ok: boolean; environments: number };
    assert.equal(ok, true);
    assert.equal(environments, 2, "the per-function cap, not one environment an invocation");
  } finally {
    starving = false;
    child.kill("SIGCONT");
    child.kill();
  }
});
