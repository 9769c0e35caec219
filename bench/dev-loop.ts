/**
 * Benchmark: the sst dev loop on examples/my-app.
 *
 *   node --import tsx bench/dev-loop.ts [runs]
 *
 * Measures, as medians over `runs` (default 3):
 *  - cold start: `sst dev` on an app with no .sst/ until the API's first 200;
 *  - warm start: `sst dev` again on the same state until the first 200;
 *  - save → new code: a handler file is rewritten until a response carries the change,
 *    each save after a second of idle (a developer reads the answer before the next
 *    edit); saves right after the previous answer are reported on their own line.
 * Beside each figure, a baseline measured in the same run:
 *  - for starts: a bare Node process that loads the aws-cdk-lib modules this app's
 *    constructs use and exits — the floor under any CDK-based tool that synthesizes the
 *    app on this machine. (`require("aws-cdk-lib")` alone is no floor: its index loads
 *    its modules lazily, on first use, so it costs barely more than starting Node.)
 *    A warm start with an unchanged app skips synth, so it may go below this floor;
 *  - for save → new code: a one-shot esbuild bundle of the same handler — what a tool
 *    without incremental builds pays before it can even start the new code.
 * Every sample is printed too: on a shared machine the spread says as much as the median.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { copyApp, removeApp, repoRoot } from "../tests/helpers/app-copy.js";
import { SstProcess } from "../tests/helpers/sst-process.js";
import { freePort } from "../tests/helpers/ports.js";
import { output } from "../tests/helpers/outputs.js";
import { median } from "./lib/stats.js";

const runs = Number(process.argv[2] ?? 3);
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
  // "Ready" is printed after outputs.json is written; waitFor fails at once if the process dies instead.
  await dev.waitFor(/Ready in/, 120_000);
  if (!fs.existsSync(outputs)) throw new Error("sst dev was ready without writing .sst/outputs.json");
  const api = output(app, "ApiEndpoint").replace(/\/$/, "");
  await firstOk(`${api}/users?limit=1`);
  return { ms: performance.now() - t0, dev };
}

/** The aws-cdk-lib modules the sst constructs import (src/constructs), loaded as they load them. */
const CDK_MODULES = [
  "aws-cdk-lib", "aws-cdk-lib/aws-apigatewayv2", "aws-cdk-lib/aws-apigatewayv2-authorizers", "aws-cdk-lib/aws-apigatewayv2-integrations",
  "aws-cdk-lib/aws-dynamodb", "aws-cdk-lib/aws-events", "aws-cdk-lib/aws-events-targets", "aws-cdk-lib/aws-iam", "aws-cdk-lib/aws-lambda",
  "aws-cdk-lib/aws-lambda-event-sources", "aws-cdk-lib/aws-logs", "aws-cdk-lib/aws-s3", "aws-cdk-lib/aws-s3-notifications",
  "aws-cdk-lib/aws-sns", "aws-cdk-lib/aws-sns-subscriptions", "aws-cdk-lib/aws-sqs", "aws-cdk-lib/aws-ssm",
];

function loadCdkBaseline(): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["-e", `for (const m of ${JSON.stringify(CDK_MODULES)}) require(m); new (require("aws-cdk-lib").App)();`], { cwd: repoRoot });
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
  return performance.now() - t0;
}

const cold: number[] = [];
const warm: number[] = [];
const reload: number[] = [];
const reloadBurst: number[] = [];
/** Idle time before each measured save: nobody saves again 5 ms after reading the last answer. */
const THINK_MS = 1000;
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
    /** Rewrites the handler and polls the API until a response carries the change. */
    const saveToNewCode = async (marker: string): Promise<number> => {
      const t0 = performance.now();
      fs.writeFileSync(file, original.replace(`"Content-Type": "application/json"`, `"Content-Type": "application/json", "x-rev": "${marker}"`));
      for (;;) {
        const res = await fetch(`${api}/users?limit=1`);
        await res.arrayBuffer();
        if (res.headers.get("x-rev") === marker) return performance.now() - t0;
      }
    };
    // As a developer works: edit, save, look at the answer, think, edit again.
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, THINK_MS));
      reload.push(await saveToNewCode(`rev-${i}-${k}`));
      const b0 = performance.now();
      await build({ entryPoints: [file], bundle: true, platform: "node", format: "esm", write: false, packages: "external" });
      baseBuild.push(performance.now() - b0);
    }
    // And the worst case: saves right after the previous save's first answer.
    for (let k = 0; k < 2; k++) reloadBurst.push(await saveToNewCode(`burst-${i}-${k}`));
    await w.dev.stop();
  } finally {
    removeApp(app);
  }
}

const samples = (xs: number[]) => `[${xs.map((x) => x.toFixed(0)).join(", ")}]`;
console.log(`sst dev on examples/my-app, ${runs} run(s), medians`);
console.log(`cold start → first 200   ${ms(median(cold))}   (baseline: node + the aws-cdk-lib modules of the constructs ${ms(median(baseStart))}, ratio ${(median(cold) / median(baseStart)).toFixed(2)}x)`);
console.log(`warm start → first 200   ${ms(median(warm))}   (same baseline, ratio ${(median(warm) / median(baseStart)).toFixed(2)}x; warm/cold ${(median(warm) / median(cold)).toFixed(2)})`);
console.log(`save → new code          ${ms(median(reload))}   (baseline: one-shot esbuild of the handler ${ms(median(baseBuild))}, ratio ${(median(reload) / median(baseBuild)).toFixed(2)}x)`);
console.log(`  back-to-back saves      ${ms(median(reloadBurst))}   (each save right after the previous one's first new answer)`);
console.log(`samples (ms): cold ${samples(cold)}  warm ${samples(warm)}  save → new code ${samples(reload)}  back-to-back ${samples(reloadBurst)}  baseline start ${samples(baseStart)}`);
// For bench/all.ts, which prints every target in one table.
console.log(`BENCH_JSON ${JSON.stringify({ coldMs: median(cold), warmMs: median(warm), saveMs: median(reload), burstMs: median(reloadBurst), baseStartMs: median(baseStart), baseBuildMs: median(baseBuild) })}`);
