/**
 * Profiles `sst dev` (the server process) under the Api route load of run.ts: where the
 * CPU goes per request, over the measured window only.
 *
 *   node --import tsx bench/invoke/profile.ts            # GET /hello at 32 connections
 *   BENCH_PATH=/users/u1 BENCH_CONNECTIONS=1 node --import tsx bench/invoke/profile.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { largestProfile, monotonicUs, summarizeProfile } from "../lib/cpuprofile.js";
import { treeCpuUs } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-prof-"));
const app = prepareSeedApp("bench-invoke-prof");
const dev = await startSstDev(app, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
try {
  const url = `${dev.api}${process.env.BENCH_PATH ?? "/hello"}`;
  await wrk(url, { connections: CONNECTIONS, seconds: 2 });
  const start = monotonicUs();
  const cpu0 = treeCpuUs(dev.pid);
  const r = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS });
  const cpu = (treeCpuUs(dev.pid) - cpu0) / r.requests;
  const end = monotonicUs();
  console.log(`${url}: ${r.rps.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU/req (process tree), p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, errors ${r.errors}`);
  await dev.stop();
  for (const line of summarizeProfile(largestProfile(profDir), { start, end }, Number(process.env.TOP ?? 30))) console.log(line);
} finally {
  await dev.stop();
  removeApp(app);
  fs.rmSync(profDir, { recursive: true, force: true });
}
