/**
 * Benchmark: the sst dev loop on examples/my-app.
 *
 *   node --import tsx bench/dev-loop.ts [runs]
 *
 * Measures, as medians over `runs` (default 3):
 *  - cold start: `sst dev` on an app with no .sst/ until the API's first 200;
 *  - warm start: `sst dev` again on the same state until the first 200;
 *  - save → new code: a handler file is rewritten until a response carries the change.
 * Beside each figure, a baseline measured in the same run:
 *  - for starts: a bare Node process that loads aws-cdk-lib and exits — the floor under
 *    any CDK-based tool on this machine;
 *  - for save → new code: a one-shot esbuild bundle of the same handler — what a tool
 *    without incremental builds pays before it can even start the new code.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { copyApp, removeApp, repoRoot } from "../tests/helpers/app-copy.js";
import { SstProcess } from "../tests/helpers/sst-process.js";
import { freePort } from "../tests/helpers/ports.js";
import { output } from "../tests/helpers/outputs.js";

const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function firstOk(url: string, deadline = Date.now() + 120_000): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`no 200 from ${url}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startToFirst200(app: string, port: number): Promise<{ ms: number; dev: SstProcess }> {
  const outputs = path.join(app, ".sst", "outputs.json");
  fs.rmSync(outputs, { force: true });
  const t0 = performance.now();
  const dev = new SstProcess(app, ["dev", "--stage", "bench", "--port", String(port)]);
  while (!fs.existsSync(outputs)) {
    if (dev.lines.some((l) => /error/i.test(l)) && performance.now() - t0 > 60_000) throw new Error(dev.output);
    await new Promise((r) => setTimeout(r, 5));
  }
  await dev.waitFor(/ready/i, 120_000);
  const api = output(app, "ApiEndpoint").replace(/\/$/, "");
  await firstOk(`${api}/users?limit=1`);
  return { ms: performance.now() - t0, dev };
}

function loadCdkBaseline(): number {
  const t0 = performance.now();
  spawnSync(process.execPath, ["-e", "require('aws-cdk-lib')"], { cwd: repoRoot });
  return performance.now() - t0;
}

const cold: number[] = [];
const warm: number[] = [];
const reload: number[] = [];
const baseStart: number[] = [];
const baseBuild: number[] = [];

for (let i = 0; i < runs; i++) {
  const app = copyApp(path.join(repoRoot, "examples", "my-app"), `bench-dev-${i}`);
  const port = await freePort();
  try {
    baseStart.push(loadCdkBaseline());
    const c = await startToFirst200(app, port);
    cold.push(c.ms);
    await c.dev.stop();
    const w = await startToFirst200(app, port);
    warm.push(w.ms);

    const api = output(app, "ApiEndpoint").replace(/\/$/, "");
    const file = path.join(app, "packages/functions/src/users/list.ts");
    const original = fs.readFileSync(file, "utf8");
    await firstOk(`${api}/users?limit=1`);
    for (let k = 0; k < 3; k++) {
      const marker = `rev-${i}-${k}`;
      const t0 = performance.now();
      fs.writeFileSync(file, original.replace(`"Content-Type": "application/json"`, `"Content-Type": "application/json", "x-rev": "${marker}"`));
      for (;;) {
        const res = await fetch(`${api}/users?limit=1`);
        await res.arrayBuffer();
        if (res.headers.get("x-rev") === marker) break;
      }
      reload.push(performance.now() - t0);
      const b0 = performance.now();
      await build({ entryPoints: [file], bundle: true, platform: "node", format: "esm", write: false, packages: "external" });
      baseBuild.push(performance.now() - b0);
    }
    await w.dev.stop();
  } finally {
    removeApp(app);
  }
}

console.log(`sst dev on examples/my-app, ${runs} run(s), medians`);
console.log(`cold start → first 200   ${ms(median(cold))}   (baseline: node + aws-cdk-lib load ${ms(median(baseStart))}, ratio ${(median(cold) / median(baseStart)).toFixed(2)}x)`);
console.log(`warm start → first 200   ${ms(median(warm))}   (baseline: node + aws-cdk-lib load ${ms(median(baseStart))}, ratio ${(median(warm) / median(baseStart)).toFixed(2)}x)`);
console.log(`save → new code          ${ms(median(reload))}   (baseline: one-shot esbuild of the handler ${ms(median(baseBuild))}, ratio ${(median(reload) / median(baseBuild)).toFixed(2)}x)`);
