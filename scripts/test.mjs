#!/usr/bin/env node
// Runs every test: the unit tests next to the code (packages/*/src/**/*.test.ts) and
// the end-to-end tests (tests/**/*.test.ts), with Node's test runner through tsx.
// Usage: npm test [-- <path filter>...]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const filters = process.argv.slice(2);

function findTests(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith(".test.ts")) out.push(path.relative(root, full));
  }
  return out;
}

const files = [
  ...fs.readdirSync(path.join(root, "packages")).flatMap((p) => findTests(path.join(root, "packages", p, "src"))),
  ...findTests(path.join(root, "tests")),
]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error("No test files matched.");
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=300000", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, CDK_VALIDATION: process.env.CDK_VALIDATION ?? "false" } },
);
process.exit(result.status ?? 1);
