/**
 * Benchmark: `sst build` of an app (deploy mode: every function bundled when the app
 * finishes). Medians over `runs` of:
 *  - the build with bundles side by side (the default concurrency);
 *  - the same build with one bundle at a time (SST_BUILD_CONCURRENCY=1), the baseline,
 *    measured in the same run, so the ratio is what deferred parallel bundling buys;
 *
 *   node --import tsx bench/build.ts [runs] [app-dir]   (default: 3, examples/my-app)
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { copyApp, removeApp, repoRoot, sstBin } from "../tests/helpers/app-copy.js";
import { median } from "./lib/stats.js";

const runs = Number(process.argv[2] ?? 3);
const source = path.resolve(process.argv[3] ?? path.join(repoRoot, "examples", "my-app"));

function timeBuild(bin: string, app: string, env: Record<string, string>): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, "build", "--stage", "bench"], {
    cwd: app, env: { ...process.env, CDK_VALIDATION: "false", SST_TELEMETRY_DISABLED: "1", ...env }, encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`sst build failed:\n${r.stdout}\n${r.stderr}`);
  return performance.now() - t0;
}

const parallel: number[] = [];
const serial: number[] = [];
const app = copyApp(source, "bench-build");
try {
  for (let i = 0; i < runs; i++) {
    // Alternate, so machine load hits both alike.
    serial.push(timeBuild(sstBin, app, { SST_BUILD_CONCURRENCY: "1" }));
    parallel.push(timeBuild(sstBin, app, {}));
  }
} finally {
  removeApp(app);
}

const p = median(parallel), s = median(serial);
console.log(`sst build of ${path.relative(repoRoot, source) || source}, ${runs} run(s), medians`);
console.log(`bundles side by side   ${p.toFixed(0)} ms   (baseline: one at a time ${s.toFixed(0)} ms, ratio ${(p / s).toFixed(2)}x)`);
console.log(`samples (ms): parallel [${parallel.map((x) => x.toFixed(0)).join(", ")}]  serial [${serial.map((x) => x.toFixed(0)).join(", ")}]`);
