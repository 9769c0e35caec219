/**
 * Services depend on the kernel and the shared layers, never on the cloud object or on
 * each other's insides: no source file under services/<name>/ imports cloud.ts or a file
 * of another service's folder. They reach each other through the kernel's typed clients.
 * (Tests may start a whole cloud, and so import it.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const servicesDir = import.meta.dirname;
const srcDir = path.dirname(servicesDir);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|mjs|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  });
}

/** Relative module specifiers a file imports (static, dynamic and type-only). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.[^"']+)["']/g)) specs.push(m[1]!);
  return specs;
}

test("no service imports cloud.ts or another service's files", () => {
  const problems: string[] = [];
  for (const service of fs.readdirSync(servicesDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const own = path.join(servicesDir, service.name);
    for (const file of sourceFiles(own)) {
      for (const spec of importsOf(file)) {
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
        const where = `${path.relative(srcDir, file)} imports ${spec}`;
        if (target === path.join(srcDir, "cloud.ts")) problems.push(`${where} (the cloud object: depend on kernel/kernel.ts)`);
        else if (target.startsWith(servicesDir + path.sep) && !target.startsWith(own + path.sep) && path.dirname(target) !== servicesDir) {
          problems.push(`${where} (another service's insides: call it through kernel.clients, or move what both use out of services/)`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});
