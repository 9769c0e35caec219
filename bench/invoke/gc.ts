/**
 * The garbage collector's share of the Api route's cost under `sst dev`: the server
 * process runs with --trace-gc while wrk loads GET /hello at 32 connections; per round,
 * the tree's CPU per request beside the scavenges' and mark-compacts' pause time per
 * request and how many requests one scavenge takes. For trying V8 heap flags on the
 * server process (they come after the bin's own, so they win):
 *
 *   node --import tsx bench/invoke/gc.ts
 *   MAIN_ARGS="--max-semi-space-size=16" node --import tsx bench/invoke/gc.ts
 *   BENCH_CONNECTIONS=1 …   # one connection: how often a request meets a pause (the p99 there)
 */
import { treeCpuUs } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const extraArgs = (process.env.MAIN_ARGS ?? "").split(" ").filter(Boolean);

const app = prepareSeedApp("bench-invoke-gc");
const dev = await startSstDev(app, { nodeArgs: ["--trace-gc", ...extraArgs] });
try {
  const url = `${dev.api}/hello`;
  await wrk(url, { connections: CONNECTIONS, seconds: 2 });
  console.log(`GET /hello at ${CONNECTIONS} connections, server flags: ${extraArgs.join(" ") || "(the bin's own)"}`);
  /** Pause milliseconds of trace-gc lines ("…, 1.22 / 0.01 ms …": the first figure). */
  const pauseMs = (lines: string[]) => lines.reduce((t, l) => t + Number(/MB, ([\d.]+) \//.exec(l)?.[1] ?? 0), 0);
  for (let round = 1; round <= ROUNDS; round++) {
    const from = dev.dev.lines.length;
    const c0 = treeCpuUs(dev.pid);
    const r = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS });
    const cpu = (treeCpuUs(dev.pid) - c0) / r.requests;
    const own = dev.dev.lines.slice(from).filter((l) => l.startsWith(`[${dev.pid}:`));
    const scavenges = own.filter((l) => l.includes("Scavenge"));
    const compacts = own.filter((l) => l.includes("Mark-Compact"));
    const perReq = (ms: number) => ((ms * 1000) / r.requests).toFixed(1);
    console.log(
      `  round ${round}: ${r.rps.toFixed(0)} req/s (p99 ${r.p99Ms.toFixed(2)} ms), ${cpu.toFixed(0)} µs tree CPU/req; ${scavenges.length} scavenges (${perReq(pauseMs(scavenges))} µs/req, one per ${(r.requests / Math.max(1, scavenges.length)).toFixed(0)} requests), ${compacts.length} mark-compacts (${perReq(pauseMs(compacts))} µs/req)`,
    );
  }
} finally {
  await dev.stop();
  removeApp(app);
}
