#!/usr/bin/env node
// Runs the tests with Node's test runner through tsx: the unit tests next to the code
// (packages/*/src/**/*.test.ts) and the end-to-end tests (tests/**/*.test.ts).
//
// Two tiers. `npm test` runs every test file but the slow ones; `npm run test:slow`
// runs only the slow ones: files named `*.slow.test.ts`, end-to-end cases that build
// sites with their frameworks (Next.js with OpenNext, Vite, Astro, Remix, SvelteKit …),
// which CI runs once, after `npm test`.
// Usage: npm test [-- <path filter>...]   npm run test:slow [-- <path filter>...]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const slowTier = args.includes("--slow");
const filters = args.filter((a) => a !== "--slow");

const SLOW_SUFFIX = ".slow.test.ts";

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
  .filter((f) => f.endsWith(SLOW_SUFFIX) === slowTier)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`No ${slowTier ? "slow " : ""}test files matched.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  // The slow tier's files each build several sites: one at a time, with room for the builds.
  ["--import", "tsx", "--test", `--test-concurrency=${slowTier ? 1 : 2}`, `--test-timeout=${slowTier ? 1_800_000 : 300_000}`, ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, CDK_VALIDATION: process.env.CDK_VALIDATION ?? "false" } },
);
process.exit(result.status ?? 1);
