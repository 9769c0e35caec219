import { test } from "node:test";
import assert from "node:assert/strict";
import { EnvironmentBudget, wakeFirst, type Waiter } from "./environment-budget.js";

function waiter(onWake: () => void = () => {}): Waiter {
  return { woken: false, wake: onWake };
}

test("waiters woken by their pool do not pile up in the budget's list while no slot frees", () => {
  const budget = new EnvironmentBudget(1);
  assert.equal(budget.tryTake(), true);
  const poolQueue: Waiter[] = [];
  // Under load every waiting invocation waits in both lists and its pool wakes it.
  for (let i = 0; i < 100_000; i++) {
    const w = waiter();
    poolQueue.push(w);
    budget.wait(w);
    wakeFirst(poolQueue);
  }
  assert.equal(budget.waiting, 0);
  assert.ok(budget.held <= 64, `the budget holds ${budget.held} entries`);
});

test("a freed slot still wakes the oldest waiter not woken, after sweeps", () => {
  const budget = new EnvironmentBudget(1);
  assert.equal(budget.tryTake(), true);
  const woken: number[] = [];
  const all: Waiter[] = [];
  for (let i = 0; i < 500; i++) {
    const w = waiter(() => woken.push(i));
    all.push(w);
    budget.wait(w);
    // Every waiter but each 100th is woken elsewhere.
    if (i % 100 !== 0) w.woken = true;
  }
  assert.equal(budget.waiting, 5);
  budget.release();
  assert.deepEqual(woken, [0]);
  assert.equal(budget.tryTake(), true);
  budget.release();
  assert.deepEqual(woken, [0, 100]);
});
