/**
 * node_modules directories above the sst package. Used as esbuild `nodePaths`
 * fallbacks, so an app outside this workspace still resolves `sst/node/*`.
 */
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

export const SST_PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function fallbackNodePaths(): string[] {
  const out: string[] = [];
  let dir = SST_PACKAGE_ROOT;
  for (;;) {
    const nm = path.join(dir, "node_modules");
    if (fs.existsSync(nm)) out.push(nm);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}
