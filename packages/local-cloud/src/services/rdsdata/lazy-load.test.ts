/**
 * PGlite (27 MB of Postgres in WebAssembly) loads only when a cluster runs its first
 * statement: only postgres-engine.ts imports it at run time, and only dynamically, so a
 * cloud (and every app without RDS) starts without it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const SRC = path.resolve(import.meta.dirname, "../..");

test("only postgres-engine.ts loads @electric-sql/pglite, and only with a dynamic import", () => {
  const loaders: string[] = [];
  for (const rel of fs.readdirSync(SRC, { recursive: true }) as string[]) {
    if (!rel.endsWith(".ts") || rel.endsWith(".test.ts")) continue;
    const text = fs.readFileSync(path.join(SRC, rel), "utf8");
    // Type-only imports vanish at run time; a static value import would load it at startup.
    assert.doesNotMatch(text, /^import\s+(?!type\b)[^;]*["']@electric-sql\/pglite["']/m, `${rel} imports PGlite statically`);
    if (/import\(["']@electric-sql\/pglite["']\)/.test(text)) loaders.push(rel);
  }
  assert.deepEqual(loaders, [path.join("services", "rdsdata", "postgres-engine.ts")]);
});
