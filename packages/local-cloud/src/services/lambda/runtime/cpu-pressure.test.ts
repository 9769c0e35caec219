import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { BUSY_DELAY_MS, BUSY_UTILIZATION, eventLoopUtilization, isBusy } from "./cpu-pressure.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the event loop counts as busy after a window spent running code, idle after one spent waiting", async () => {
  await sleep(300);
  eventLoopUtilization();
  // Code runs 20 ms of every 25: busy.
  const spin = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until);
  }, 25);
  await sleep(600);
  clearInterval(spin);
  assert.ok(eventLoopUtilization() > BUSY_UTILIZATION, `utilization ${eventLoopUtilization()}`);

  await sleep(600);
  // The first call closes the busy window's tail; the idle one follows.
  eventLoopUtilization();
  await sleep(300);
  assert.ok(eventLoopUtilization() < BUSY_UTILIZATION, `utilization ${eventLoopUtilization()}`);

});

test("the rule: either a loop that runs code most of the time or timers that fire late make the cores busy", () => {
  assert.equal(isBusy({ utilization: 0.1, delayMs: 0.5 }), false);
  assert.equal(isBusy({ utilization: BUSY_UTILIZATION + 0.1, delayMs: 0 }), true);
  assert.equal(isBusy({ utilization: 0.05, delayMs: BUSY_DELAY_MS + 1 }), true);
});

/**
 * A machine starved by other processes, made on purpose: the child is stopped (SIGSTOP)
 * for 45 ms of every 55 and resumed, as a process that does not get a core. Its event
 * loop is idle — nothing runs — so utilization alone would call the cores free; its
 * timers fire late, which is what marks them busy.
 */
test("a process kept off the cores by others counts them busy though its event loop looks idle", async () => {
  const script = `
    import { loopLoad, coresBusy } from ${JSON.stringify(new URL("./cpu-pressure.ts", import.meta.url).pathname)};
    loopLoad();
    process.stdout.write("ready\\n");
    setInterval(() => { loopLoad(); }, 100);
    process.stdin.on("data", () => process.stdout.write(JSON.stringify({ ...loopLoad(), busy: coresBusy() }) + "\\n"));
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, "ready");
    const ask = async () => {
      child.stdin!.write("?\n");
      return JSON.parse((await lines.next()).value) as { utilization: number; delayMs: number; busy: boolean };
    };
    // Not stopped, the child is woken on time (a few windows allowed: the machine running
    // the tests may itself keep it waiting now and then).
    await sleep(700);
    let calm = await ask();
    for (let i = 0; i < 8 && calm.busy; i++) {
      await sleep(300);
      calm = await ask();
    }
    assert.equal(calm.busy, false, `unstarved: ${JSON.stringify(calm)}`);

    const until = Date.now() + 1200;
    while (Date.now() < until) {
      child.kill("SIGSTOP");
      await sleep(45);
      child.kill("SIGCONT");
      await sleep(10);
    }
    const starved = await ask();
    assert.ok(starved.utilization < BUSY_UTILIZATION, `the loop itself looked idle: ${JSON.stringify(starved)}`);
    assert.equal(starved.busy, true, `starved: ${JSON.stringify(starved)}`);
  } finally {
    child.kill("SIGCONT");
    child.kill();
  }
});
