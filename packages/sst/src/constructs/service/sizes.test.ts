import { test } from "node:test";
import assert from "node:assert/strict";
import { isServiceCpu, memoryChoices, memoryMiB, storageGiB } from "./sizes.js";

test("memory sizes are Fargate's pairs for each cpu", () => {
  assert.deepEqual(memoryChoices("0.25 vCPU"), ["0.5 GB", "1 GB", "2 GB"]);
  assert.deepEqual(memoryChoices("8 vCPU"), ["16 GB", "20 GB", "24 GB", "28 GB", "32 GB", "36 GB", "40 GB", "44 GB", "48 GB", "52 GB", "56 GB", "60 GB"]);
  assert.equal(memoryChoices("16 vCPU").at(-1), "120 GB");
  assert.equal(memoryChoices("4 vCPU").length, 23);
  assert.equal(memoryMiB("0.25 vCPU", "0.5 GB"), 512);
  assert.equal(memoryMiB("4 vCPU", "30 GB"), 30720);
  assert.equal(memoryMiB("1 vCPU", "1 GB"), undefined);
  assert.equal(memoryMiB("8 vCPU", "18 GB"), undefined);
});

test("cpu and storage strings", () => {
  assert.ok(isServiceCpu("2 vCPU"));
  assert.ok(!isServiceCpu("3 vCPU"));
  assert.ok(!isServiceCpu("toString"));
  assert.equal(storageGiB("100 GB"), 100);
  assert.equal(storageGiB("100"), undefined);
  assert.equal(storageGiB(100), undefined);
});
