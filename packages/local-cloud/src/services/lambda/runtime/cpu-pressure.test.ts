import { test } from "node:test";
import assert from "node:assert/strict";
import { BUSY_UTILIZATION, eventLoopUtilization } from "./cpu-pressure.js";

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
