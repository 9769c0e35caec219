/**
 * Profiles `sst dev` under the Api route load of run.ts: where the CPU goes per request,
 * over the measured window only, in the server process and in the execution environment
 * that served the most (both are CPU profiles; the tree's CPU is split per process).
 *
 *   node --import tsx bench/invoke/profile.ts            # GET /hello at 32 connections
 *   BENCH_PATH=/users/u1 BENCH_CONNECTIONS=1 node --import tsx bench/invoke/profile.ts
 *   TOP=25 PROFILE_ENV=0 node --import tsx bench/invoke/profile.ts   # the server only
 *   KEEP_PROFILES=1 …                                                # leaves the .cpuprofile files
 *   BY_FILE=1 …      # sst run from source (SST_CLI_BUNDLE=0): the server's time by source file too
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { largestProfile, monotonicUs, summarizeByFile, summarizeProfile } from "../lib/cpuprofile.js";
import { processTree, treeCpuUs } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOP = Number(process.env.TOP ?? 30);
const profileEnvironments = process.env.PROFILE_ENV !== "0";
/** Frames then name the local cloud's .ts files, not the CLI bundle's chunks. */
const byFile = process.env.BY_FILE === "1";
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-prof-"));
const envDir = path.join(profDir, "environments");
const app = prepareSeedApp("bench-invoke-prof");
const dev = await startSstDev(app, {
  nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
  // Execution environments write their own profiles when they end (environment-host.ts).
  env: {
    ...(profileEnvironments ? { LOCAL_CLOUD_LAMBDA_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${envDir}` } : {}),
    ...(byFile ? { SST_CLI_BUNDLE: "0" } : {}),
  },
});
try {
  const url = `${dev.api}${process.env.BENCH_PATH ?? "/hello"}`;
  await wrk(url, { connections: CONNECTIONS, seconds: 2 });
  const start = monotonicUs();
  const cpu0 = treeCpuUs(dev.pid);
  const own0 = new Map(processTree(dev.pid).map((s) => [s.pid, s.own]));
  const r = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS });
  const tree = processTree(dev.pid);
  const cpu = (treeCpuUs(dev.pid) - cpu0) / r.requests;
  const end = monotonicUs();
  console.log(`${url}: ${r.rps.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU/req (process tree), p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, errors ${r.errors}`);
  const perProcess = tree
    .map((s) => ({ pid: s.pid, us: (s.own - (own0.get(s.pid) ?? 0)) / r.requests }))
    .filter((p) => p.us >= 0.5)
    .map((p) => `${p.pid === dev.pid ? "server" : `pid ${p.pid}`} ${p.us.toFixed(0)} µs`);
  console.log(`CPU per request by process: ${perProcess.join(", ")}`);
  await dev.stop();
  console.log("\n=== server process");
  const serverProfile = largestProfile(profDir);
  for (const line of summarizeProfile(serverProfile, { start, end }, TOP)) console.log(line);
  if (byFile) {
    // Wall time the profiler saw the thread busy: it includes time spent descheduled, so
    // the shares matter more than the absolute µs on a loaded machine.
    console.log("");
    for (const line of summarizeByFile(serverProfile, { start, end }, "packages/", TOP, { count: r.requests, unit: "req" })) console.log(line);
  }
  // The environments write their profiles as they exit, after the server is gone.
  for (let i = 0; i < 100 && profileEnvironments && !(fs.existsSync(envDir) && fs.readdirSync(envDir).some((f) => f.endsWith(".cpuprofile"))); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  if (profileEnvironments && fs.existsSync(envDir)) {
    // The one that was busiest in the window (not the largest file: a cold start's module loading writes more).
    const summaries = fs
      .readdirSync(envDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => summarizeProfile(path.join(envDir, f), { start, end }, TOP));
    const busy = (lines: string[]) => Number(/^busy (\d+) ms/.exec(lines[0] ?? "")?.[1] ?? 0);
    const busiest = summaries.sort((a, b) => busy(b) - busy(a))[0];
    if (busiest) {
      console.log("\n=== the busiest execution environment");
      for (const line of busiest) console.log(line);
    }
  }
} finally {
  await dev.stop();
  removeApp(app);
  // KEEP_PROFILES=1: the .cpuprofile files stay (for DevTools or a closer look).
  if (process.env.KEEP_PROFILES === "1") console.log(`\nprofiles kept in ${profDir}`);
  else fs.rmSync(profDir, { recursive: true, force: true });
}
