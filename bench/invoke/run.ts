/**
 * Api route → Lambda → response under `sst dev`, against a bare node:http server
 * answering the same string, in the same run (issue 12's first target).
 *
 *   node --import tsx bench/invoke/run.ts
 *   BENCH_ROUNDS=5 BENCH_SECONDS=5 node --import tsx bench/invoke/run.ts
 *   BENCH_BASELINE=/path/to/other/checkout …   # also that checkout's sst dev, interleaved: this/baseline ratios
 *   BENCH_ISOLATED=0 …                        # without the isolated floor (below)
 *   MAIN_ARGS="--max-semi-space-size=8" …     # V8 flags for this checkout's sst dev process (after the bin's own);
 *   ENV_ARGS="--single-threaded-gc" …        # Node flags for this checkout's execution environments only
 *                                             # (with BENCH_BASELINE=<a copy of this checkout>: an A/B of the flags alone)
 *
 * Rounds interleave the two servers so machine noise hits both alike. Per round: wrk at
 * 32 connections on each (req/s, p99), and the CPU time each used per request (the
 * whole `sst dev` process tree: the server and the execution environments). Then the
 * route alone at one connection (p50/p99). Medians are reported; on a shared machine,
 * CPU per request moves far less than req/s.
 *
 * Also in each round, the isolated floor (bench/lib/bare-isolated.ts): a bare node:http
 * server handing each request to a handler in a child process over a pipe, nothing else.
 * It is what process isolation alone costs, so how far the route is from it is what the
 * local cloud's own layers cost.
 */
import { machineLoad, treeCpuUs } from "../lib/proc.js";
import { prepareSeedApp, startCheckoutSstDev, startScript, startSstDev } from "../lib/servers.js";
import { median, wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Another checkout (e.g. a worktree of main): its own sst dev on its own copy of the seed app, measured in the same rounds. */
const BASELINE = process.env.BENCH_BASELINE;
const ISOLATED = process.env.BENCH_ISOLATED !== "0";
const MAIN_ARGS = (process.env.MAIN_ARGS ?? "").split(" ").filter(Boolean);
const ENV_ARGS = process.env.ENV_ARGS;

/** The same route on the baseline checkout's sst dev: medians of the per-round ratios this/baseline. */
export interface BaselineComparison {
  routeRps: number;
  routeCpuUs: number;
  oneConnP99Ms: number;
  rpsRatio: number;
  cpuRatio: number;
}

export interface InvokeBenchResult {
  routeRps: number;
  bareRps: number;
  ratio: number;
  routeCpuUs: number;
  bareCpuUs: number;
  routeP99Ms32: number;
  oneConnP50Ms: number;
  oneConnP99Ms: number;
  bareOneConnP99Ms: number;
  errors: number;
  baseline?: BaselineComparison;
  /** The isolated floor: req/s, its ratio to bare node:http, CPU per request (medians). */
  isolated?: { rps: number; ratio: number; cpuUs: number };
}

export async function runInvokeBench(log: (line: string) => void = console.log): Promise<InvokeBenchResult> {
  const app = prepareSeedApp("bench-invoke");
  const bare = await startScript("bench/lib/bare-http.ts");
  const isolated = ISOLATED ? await startScript("bench/lib/bare-isolated.ts") : undefined;
  let dev;
  let base: Awaited<ReturnType<typeof startCheckoutSstDev>> | undefined;
  try {
    dev = await startSstDev(app, { nodeArgs: MAIN_ARGS, env: ENV_ARGS ? { LOCAL_CLOUD_LAMBDA_NODE_ARGS: ENV_ARGS } : {} });
    const route = `${dev.api}/hello`;
    if (BASELINE) base = await startCheckoutSstDev(BASELINE, "bench-invoke-baseline");
    log(`Api route → Lambda (sst dev, payload 2.0, constant string) vs bare node:http; ${ROUNDS} rounds × ${SECONDS}s at ${CONNECTIONS} connections; ${machineLoad()}`);
    // Warm-up: JIT, execution environments started, connections.
    await wrk(route, { connections: CONNECTIONS, seconds: 2 });
    if (base) await wrk(base.route, { connections: CONNECTIONS, seconds: 2 });
    await wrk(bare.url, { connections: CONNECTIONS, seconds: 1 });
    if (isolated) await wrk(isolated.url, { connections: CONNECTIONS, seconds: 1 });
    const iso: { rps: number; ratio: number; cpu: number }[] = [];
    const vsBase: { rps: number; cpu: number; baseRps: number; baseCpu: number }[] = [];

    const rows: { bare: number; route: number; ratio: number; bareCpu: number; routeCpu: number; p99: number; errors: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      let c0 = treeCpuUs(bare.pid);
      const b = await wrk(bare.url, { connections: CONNECTIONS, seconds: SECONDS });
      const bareCpu = (treeCpuUs(bare.pid) - c0) / b.requests;
      c0 = treeCpuUs(dev.pid);
      const r = await wrk(route, { connections: CONNECTIONS, seconds: SECONDS });
      const routeCpu = (treeCpuUs(dev.pid) - c0) / r.requests;
      const row = { bare: b.rps, route: r.rps, ratio: r.rps / b.rps, bareCpu, routeCpu, p99: r.p99Ms, errors: r.errors + b.errors };
      rows.push(row);
      log(
        `  round ${round}: bare ${b.rps.toFixed(0).padStart(6)} req/s (${bareCpu.toFixed(0)} µs CPU/req)   route ${r.rps.toFixed(0).padStart(6)} req/s (${routeCpu.toFixed(0)} µs CPU/req, p99 ${r.p99Ms.toFixed(1)} ms)   ratio ${(100 * row.ratio).toFixed(0)}%${row.errors ? `   ${row.errors} errors!` : ""}`,
      );
      if (isolated) {
        c0 = treeCpuUs(isolated.pid);
        const x = await wrk(isolated.url, { connections: CONNECTIONS, seconds: SECONDS });
        const cpu = (treeCpuUs(isolated.pid) - c0) / x.requests;
        iso.push({ rps: x.rps, ratio: x.rps / b.rps, cpu });
        log(`           isolated floor ${x.rps.toFixed(0).padStart(6)} req/s (${cpu.toFixed(0)} µs CPU/req, p99 ${x.p99Ms.toFixed(1)} ms)   ${(100 * (x.rps / b.rps)).toFixed(0)}% of bare; route ${(100 * (r.rps / x.rps)).toFixed(0)}% of it`);
      }
      if (base) {
        c0 = treeCpuUs(base.dev.pid);
        const x = await wrk(base.route, { connections: CONNECTIONS, seconds: SECONDS });
        const baseCpu = (treeCpuUs(base.dev.pid) - c0) / x.requests;
        vsBase.push({ rps: r.rps / x.rps, cpu: routeCpu / baseCpu, baseRps: x.rps, baseCpu });
        log(`           baseline ${x.rps.toFixed(0).padStart(6)} req/s (${baseCpu.toFixed(0)} µs CPU/req, p99 ${x.p99Ms.toFixed(1)} ms)   this/baseline req/s ${(100 * (r.rps / x.rps)).toFixed(0)}%, CPU/req ${(100 * (routeCpu / baseCpu)).toFixed(0)}%`);
      }
    }
    const one = await wrk(route, { connections: 1, threads: 1, seconds: SECONDS });
    const bareOne = await wrk(bare.url, { connections: 1, threads: 1, seconds: Math.min(3, SECONDS) });
    log(`  one connection: route p50 ${one.p50Ms.toFixed(2)} ms, p99 ${one.p99Ms.toFixed(2)} ms (${one.rps.toFixed(0)} req/s); bare p99 ${bareOne.p99Ms.toFixed(2)} ms`);
    let baseline: BaselineComparison | undefined;
    if (base) {
      const baseOne = await wrk(base.route, { connections: 1, threads: 1, seconds: SECONDS });
      log(`  one connection: baseline p50 ${baseOne.p50Ms.toFixed(2)} ms, p99 ${baseOne.p99Ms.toFixed(2)} ms (${baseOne.rps.toFixed(0)} req/s)`);
      baseline = {
        routeRps: median(vsBase.map((v) => v.baseRps)),
        routeCpuUs: median(vsBase.map((v) => v.baseCpu)),
        oneConnP99Ms: baseOne.p99Ms,
        rpsRatio: median(vsBase.map((v) => v.rps)),
        cpuRatio: median(vsBase.map((v) => v.cpu)),
      };
    }
    return {
      baseline,
      isolated: iso.length ? { rps: median(iso.map((x) => x.rps)), ratio: median(iso.map((x) => x.ratio)), cpuUs: median(iso.map((x) => x.cpu)) } : undefined,
      routeRps: median(rows.map((r) => r.route)),
      bareRps: median(rows.map((r) => r.bare)),
      ratio: median(rows.map((r) => r.ratio)),
      routeCpuUs: median(rows.map((r) => r.routeCpu)),
      bareCpuUs: median(rows.map((r) => r.bareCpu)),
      routeP99Ms32: median(rows.map((r) => r.p99)),
      oneConnP50Ms: one.p50Ms,
      oneConnP99Ms: one.p99Ms,
      bareOneConnP99Ms: bareOne.p99Ms,
      errors: rows.reduce((n, r) => n + r.errors, 0) + one.errors,
    };
  } finally {
    await dev?.stop();
    await base?.stop();
    await bare.stop();
    await isolated?.stop();
    removeApp(app);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runInvokeBench();
  console.log(
    `Api route at ${CONNECTIONS} connections: ${r.routeRps.toFixed(0)} req/s vs bare node:http ${r.bareRps.toFixed(0)} req/s = ${(100 * r.ratio).toFixed(0)}% (target ≥ 60%); CPU/req ${r.routeCpuUs.toFixed(0)} µs vs ${r.bareCpuUs.toFixed(0)} µs`,
  );
  if (r.isolated) console.log(`isolated floor (node:http + a child process over a pipe): ${r.isolated.rps.toFixed(0)} req/s = ${(100 * r.isolated.ratio).toFixed(0)}% of bare, ${r.isolated.cpuUs.toFixed(0)} µs CPU/req`);
  console.log(`Api route at 1 connection: p50 ${r.oneConnP50Ms.toFixed(2)} ms, p99 ${r.oneConnP99Ms.toFixed(2)} ms (target ≤ 5 ms; bare p99 ${r.bareOneConnP99Ms.toFixed(2)} ms)`);
  const v = r.baseline;
  if (v) {
    console.log(
      `vs baseline (${BASELINE}): req/s ${r.routeRps.toFixed(0)} vs ${v.routeRps.toFixed(0)} (${(100 * v.rpsRatio).toFixed(0)}%), CPU/req ${r.routeCpuUs.toFixed(0)} vs ${v.routeCpuUs.toFixed(0)} µs (${(100 * v.cpuRatio).toFixed(0)}%) — medians of per-round ratios; p99 at 1 connection ${r.oneConnP99Ms.toFixed(2)} vs ${v.oneConnP99Ms.toFixed(2)} ms`,
    );
  }
}
