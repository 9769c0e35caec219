/**
 * EventBus retries under `sst dev`, as SST v2 runs them: a failing subscriber's event
 * goes (after Lambda's own asynchronous retries) to the bus's retrier through the
 * on-failure destination, and comes back after 2, then 4 seconds with `attempts` 1 and 2.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { http, startDev, type RunningApp } from "./helpers/generated-app.js";

describe("EventBus retries", () => {
  let app: string;
  let running: RunningApp;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "retry-app"), "retry-app");
    running = await startDev(app, "retry");
  });
  after(async () => {
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("a failing subscriber gets its event again with attempts counted, until it succeeds", async () => {
    const from = running.dev.lines.length;
    const res = await http("POST", `${running.api}/publish`, { job: "j1" });
    assert.equal(res.status, 202, res.text);
    await running.dev.waitFor(/flaky j1 failing on attempts=0/, 30_000, from);
    const t1 = Date.now();
    await running.dev.waitFor(/flaky j1 failing on attempts=1/, 30_000, from);
    await running.dev.waitFor(/flaky j1 succeeded on attempts=2/, 40_000, from);
    assert.ok(Date.now() - t1 >= 4000, "the second retry waits 2^2 seconds");
    const failures = running.dev.lines.slice(from).filter((l) => /flaky j1 failing on attempts=0/.test(l));
    assert.equal(failures.length, 3, "Lambda's own two asynchronous retries come first");
  });
});
