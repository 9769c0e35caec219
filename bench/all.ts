/**
 * Every speed and memory target of issue 12 in one run, each beside the baseline
 * measured in the same run, then one table. `npm run bench`.
 *
 *   npm run bench
 *   BENCH_QUICK=1 npm run bench        # fewer rounds and requests: a smoke run, not the figures
 *
 * The parts run one after another (never two servers under load at once): the Api
 * route (bench/invoke/run.ts), the process tree's memory (bench/invoke/memory.ts), S3
 * (bench/s3/run.ts), SQS → Lambda (bench/sqs/run.ts), and the dev loop (bench/dev-loop.ts).
 * On a shared machine read CPU per request beside req/s: it moves far less with load.
 */
import { spawnSync } from "node:child_process";
import { machineLoad } from "./lib/proc.js";
import { repoRoot } from "../tests/helpers/app-copy.js";

// The AWS SDK's notice about this Node version says nothing about the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const quick = !!process.env.BENCH_QUICK;
if (quick) {
  process.env.BENCH_ROUNDS ??= "2";
  process.env.BENCH_SECONDS ??= "3";
  process.env.BENCH_REQUESTS ??= "10000";
  process.env.BENCH_MESSAGES ??= "50";
}
const { runInvokeBench } = await import("./invoke/run.js");
const { runMemoryBench } = await import("./invoke/memory.js");
const { runS3Bench } = await import("./s3/run.js");
const { runSqsBench } = await import("./sqs/run.js");

type Row = [target: string, measured: string, baseline: string, met: boolean | undefined];
const rows: Row[] = [];
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

console.log(`npm run bench — ${machineLoad()} at start\n`);

const api = await runInvokeBench();
rows.push(["Api route at 32 connections ≥ 60% of bare node:http", `${api.routeRps.toFixed(0)} req/s = ${pct(api.ratio)} (${api.routeCpuUs.toFixed(0)} µs CPU/req)`, `bare ${api.bareRps.toFixed(0)} req/s (${api.bareCpuUs.toFixed(0)} µs CPU/req)${api.isolated ? `; isolated floor ${pct(api.isolated.ratio)} (${api.isolated.cpuUs.toFixed(0)} µs)` : ""}`, api.ratio >= 0.6]);
rows.push(["Api route p99 at 1 connection ≤ 5 ms", `p99 ${api.oneConnP99Ms.toFixed(2)} ms (p50 ${api.oneConnP50Ms.toFixed(2)} ms)`, `bare p99 ${api.bareOneConnP99Ms.toFixed(2)} ms`, api.oneConnP99Ms <= 5]);
console.log();

const mem = await runMemoryBench();
const rss = mem.rounds.map((r) => r.rssMb);
const spread = (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss);
rows.push([`sst dev tree ≤ 400 MB RSS after each ${process.env.BENCH_REQUESTS ?? "100000"} requests`, `${rss.map((x) => x.toFixed(0)).join(", ")} MB RSS (PSS ${mem.rounds.map((r) => r.pssMb.toFixed(0)).join(", ")})`, `${mem.startRssMb.toFixed(0)} MB at start`, Math.max(...rss) <= 400]);
rows.push(["… within 10% across the rounds", `spread ${(100 * spread).toFixed(1)}%`, "", spread <= 0.1]);
console.log();

const s3 = await runS3Bench();
rows.push(["S3 1 KiB PUT ≥ 5× s3rver (presigned, wrk)", `${s3.put.local.rps.toFixed(0)} req/s = ${s3.put.ratio.toFixed(1)}× (${s3.put.local.cpuUs.toFixed(0)} µs CPU/req)`, `s3rver ${s3.put.s3rver.rps.toFixed(0)} req/s (${s3.put.s3rver.cpuUs.toFixed(0)} µs)`, s3.put.ratio >= 5]);
rows.push(["S3 1 KiB GET ≥ 5× s3rver (presigned, wrk)", `${s3.get.local.rps.toFixed(0)} req/s = ${s3.get.ratio.toFixed(1)}× (${s3.get.local.cpuUs.toFixed(0)} µs CPU/req)`, `s3rver ${s3.get.s3rver.rps.toFixed(0)} req/s (${s3.get.s3rver.cpuUs.toFixed(0)} µs)`, s3.get.ratio >= 5]);
rows.push(["S3 8 MiB PUT ≥ 80% of disk write", `${s3.large.putMBs.toFixed(0)} MB/s = ${pct(s3.large.putMBs / s3.large.diskWriteMBs)}`, `disk ${s3.large.diskWriteMBs.toFixed(0)} MB/s; bare node:http ${s3.large.filesPutMBs.toFixed(0)}; s3rver ${s3.large.s3rverPutMBs.toFixed(0)}`, s3.large.putMBs >= 0.8 * s3.large.diskWriteMBs]);
rows.push(["S3 8 MiB GET ≥ 80% of disk read", `${s3.large.getMBs.toFixed(0)} MB/s = ${pct(s3.large.getMBs / s3.large.diskReadMBs)}`, `disk ${s3.large.diskReadMBs.toFixed(0)} MB/s (${s3.large.diskReadCpuUsPerMiB.toFixed(0)} µs CPU/MiB); server ${s3.large.getCpuUsPerMiB.toFixed(0)} µs CPU/MiB; read again ${s3.large.getAgainMBs.toFixed(0)} MB/s; bare node:http ${s3.large.filesGetMBs.toFixed(0)}; s3rver ${s3.large.s3rverGetMBs.toFixed(0)}`, s3.large.getMBs >= 0.8 * s3.large.diskReadMBs]);
console.log();

const sqs = await runSqsBench();
rows.push(["SQS → Lambda ≤ 10 ms median (no batching window)", `${sqs.deliveryMs.toFixed(2)} ms (p90 ${sqs.deliveryP90Ms.toFixed(2)})`, `direct Invoke ${sqs.invokeMs.toFixed(2)} ms`, sqs.deliveryMs <= 10]);
console.log();

const dev = spawnSync(process.execPath, ["--import", "tsx", "bench/dev-loop.ts", quick ? "1" : "3"], { cwd: repoRoot, encoding: "utf8", env: process.env });
process.stdout.write(dev.stdout.split("\n").filter((l) => !l.startsWith("BENCH_JSON")).join("\n"));
const json = /BENCH_JSON (.+)/.exec(dev.stdout)?.[1];
if (json) {
  const d = JSON.parse(json);
  rows.push(["cold start of the seed app ≤ 2 s", `${d.coldMs.toFixed(0)} ms`, `node + aws-cdk-lib modules ${d.baseStartMs.toFixed(0)} ms`, d.coldMs <= 2000]);
  rows.push(["unchanged restart ≤ 1 s", `${d.warmMs.toFixed(0)} ms`, "", d.warmMs <= 1000]);
  rows.push(["save → new code ≤ 50 ms", `${d.saveMs.toFixed(0)} ms (back-to-back ${d.burstMs.toFixed(0)} ms)`, `one-shot esbuild ${d.baseBuildMs.toFixed(0)} ms`, d.saveMs <= 50]);
} else rows.push(["dev loop", `failed: ${dev.stderr.slice(-500)}`, "", false]);

console.log(`\nissue 12 targets — ${machineLoad()} at the end${quick ? " (BENCH_QUICK: a smoke run, not the figures)" : ""}`);
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const r of rows) console.log(`${r[3] === undefined ? " " : r[3] ? "✔" : "✖"}  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}`);
process.exit(0);
