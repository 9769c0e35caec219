/**
 * Benchmark: CPU time of `sst dev` starting examples/my-app, cold and warm.
 *
 *   node --import tsx bench/dev-start-cpu.ts [runs]
 *
 * Wall-clock starts mean little on a shared, loaded machine; the CPU the start costs does
 * not depend on the load. For each run: a cold start (no .sst/) and a warm start (same
 * state, unchanged app), each measured twice — at "Ready" and at the API's first 200 —
 * as user+sys CPU of the whole process tree `sst dev` started (bench/lib/proc.ts: live
 * processes plus the children they reaped, such as the synth process). Baseline in the same run: the CPU of a bare Node process that
 * loads the aws-cdk-lib modules the constructs use (bench/dev-loop.ts's floor).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { copyApp, removeApp, repoRoot } from "../tests/helpers/app-copy.js";
import { SstProcess } from "../tests/helpers/sst-process.js";
import { freePort } from "../tests/helpers/ports.js";
import { output } from "../tests/helpers/outputs.js";
import { machineLoad, treeCpuUs } from "./lib/proc.js";
import { median } from "./lib/stats.js";

const treeCpu = (pid: number) => treeCpuUs(pid) / 1000;

const runs = Number(process.argv[2] ?? 3);
async function firstOk(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`no 200 from ${url}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(app: string, port: number): Promise<{ ready: number; first200: number; dev: SstProcess }> {
  const dev = new SstProcess(app, ["dev", "--stage", "bench", "--port", String(port)]);
  await dev.waitFor(/Ready in/, 180_000);
  const ready = treeCpu(dev.pid);
  await firstOk(`${output(app, "ApiEndpoint").replace(/\/$/, "")}/users?limit=1`);
  return { ready, first200: treeCpu(dev.pid), dev };
}

function baselineCpu(): number {
  const mods = ["aws-cdk-lib", "aws-cdk-lib/aws-apigatewayv2", "aws-cdk-lib/aws-dynamodb", "aws-cdk-lib/aws-iam", "aws-cdk-lib/aws-lambda", "aws-cdk-lib/aws-s3", "aws-cdk-lib/aws-sqs", "aws-cdk-lib/aws-sns", "aws-cdk-lib/aws-events"];
  const r = spawnSync(process.execPath, ["-e", `for (const m of ${JSON.stringify(mods)}) require(m); new (require("aws-cdk-lib").App)(); const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)`], { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

const rows = { coldReady: [] as number[], cold200: [] as number[], warmReady: [] as number[], warm200: [] as number[], base: [] as number[] };
for (let i = 0; i < runs; i++) {
  const app = copyApp(path.join(repoRoot, "examples", "my-app"), `bench-cpu-${i}`);
  const port = await freePort();
  try {
    rows.base.push(baselineCpu());
    const c = await start(app, port);
    rows.coldReady.push(c.ready);
    rows.cold200.push(c.first200);
    await c.dev.stop();
    const w = await start(app, port);
    rows.warmReady.push(w.ready);
    rows.warm200.push(w.first200);
    await w.dev.stop();
  } finally {
    removeApp(app);
  }
}
const base = median(rows.base);
const line = (label: string, xs: number[]) =>
  `${label.padEnd(24)} ${median(xs).toFixed(0).padStart(6)} ms CPU   (${(median(xs) / base).toFixed(2)}x baseline)   samples [${xs.map((x) => x.toFixed(0)).join(", ")}]`;
console.log(`sst dev on examples/my-app: user+sys CPU of the process tree, ${runs} run(s), medians (${machineLoad()})`);
console.log(line("cold start → Ready", rows.coldReady));
console.log(line("cold start → first 200", rows.cold200));
console.log(line("warm start → Ready", rows.warmReady));
console.log(line("warm start → first 200", rows.warm200));
console.log(`baseline: node + aws-cdk-lib modules ${base.toFixed(0)} ms CPU   samples [${rows.base.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`BENCH_JSON ${JSON.stringify({ coldReadyCpuMs: median(rows.coldReady), cold200CpuMs: median(rows.cold200), warmReadyCpuMs: median(rows.warmReady), warm200CpuMs: median(rows.warm200), baseCpuMs: base })}`);
