/**
 * A private copy of an example app for one test file, placed inside the repository
 * (under `.tmp/`) so that its imports of `sst` and the AWS SDK resolve from the
 * workspace's node_modules, exactly as in a real project.
 */
import fs from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const sstBin = path.join(repoRoot, "packages", "sst", "bin", "sst.mjs");
/** The Node flags of the bin's `#!/usr/bin/env -S node …` line: a test runs the CLI as the shell would. */
export const sstNodeArgs: string[] = /^#!.*\bnode\b(.*)$/m.exec(fs.readFileSync(sstBin, "utf8").split("\n", 1)[0]!)?.[1]!.trim().split(/\s+/).filter(Boolean) ?? [];

export function copyApp(source: string, name: string): string {
  const dest = path.join(repoRoot, ".tmp", `${name}-${process.pid}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(source, dest, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|\.sst)([\\/]|$)/.test(src),
  });
  return dest;
}

export function removeApp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
