/**
 * The Api route's latency at one connection (issue 12: p99 ≤ 5 ms), beside the two
 * servers that say what part of it is the machine's: bare node:http (one process) and
 * the isolated floor (bench/lib/bare-isolated.ts: node:http handing each request to a
 * child process over a pipe — the same two wake-ups a request to an execution
 * environment costs, and nothing of the local cloud). Rounds interleave the three, so a
 * busy moment of a shared machine hits them alike; each round prints p50 / p99 of each,
 * and the medians close.
 *
 *   node --import tsx bench/invoke/latency.ts
 *   BENCH_ROUNDS=8 BENCH_SECONDS=3 MAIN_ARGS="--max-semi-space-size=8" node --import tsx bench/invoke/latency.ts
 *   BENCH_BASELINE=/path/to/other/checkout …   # that checkout's sst dev too, in the same rounds
 *
 * At one connection wrk sends the next request as the answer arrives: every pause of
 * the server (a garbage collection, a batch of CloudWatch Logs writes, a SQLite
 * checkpoint) is some request's latency, so the p99 is the cost of whatever happens
 * once in a hundred requests or more often.
 */
import { machineLoad } from "../lib/proc.js";
import { prepareSeedApp, startCheckoutSstDev, startScript, startSstDev } from "../lib/servers.js";
import { median, wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const MAIN_ARGS = (process.env.MAIN_ARGS ?? "").split(" ").filter(Boolean);
/** Another checkout (e.g. a worktree of main): its own sst dev on its own copy of the seed app, measured in the same rounds. */
const BASELINE = process.env.BENCH_BASELINE;

export interface LatencyBenchResult {
  route: { p50Ms: number; p99Ms: number; rps: number };
  bare: { p50Ms: number; p99Ms: number };
  floor: { p50Ms: number; p99Ms: number };
  baseline?: { p50Ms: number; p99Ms: number };
  errors: number;
}

export async function runLatencyBench(log: (line: string) => void = console.log): Promise<LatencyBenchResult> {
  const app = prepareSeedApp("bench-latency");
  const bare = await startScript("bench/lib/bare-http.ts");
  const floor = await startScript("bench/lib/bare-isolated.ts");
  let dev;
  let base: { route: string; stop(): Promise<void> } | undefined;
  try {
    dev = await startSstDev(app, { nodeArgs: MAIN_ARGS });
    const route = `${dev.api}/hello`;
    if (BASELINE) base = await startCheckoutSstDev(BASELINE, "bench-latency-baseline");
    log(`GET /hello at one connection (sst dev${MAIN_ARGS.length ? ` ${MAIN_ARGS.join(" ")}` : ""}) vs bare node:http and the isolated floor; ${ROUNDS} rounds × ${SECONDS}s; ${machineLoad()}`);
    for (const url of [route, bare.url, floor.url, ...(base ? [base.route] : [])]) await wrk(url, { connections: 1, threads: 1, seconds: 1 });
    type Run = Awaited<ReturnType<typeof wrk>>;
    const rows: { route: Run; bare: Run; floor: Run; base?: Run }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await wrk(bare.url, { connections: 1, threads: 1, seconds: SECONDS });
      const f = await wrk(floor.url, { connections: 1, threads: 1, seconds: SECONDS });
      const r = await wrk(route, { connections: 1, threads: 1, seconds: SECONDS });
      const x = base ? await wrk(base.route, { connections: 1, threads: 1, seconds: SECONDS }) : undefined;
      rows.push({ route: r, bare: b, floor: f, base: x });
      const fmt = (x: { p50Ms: number; p99Ms: number }) => `${x.p50Ms.toFixed(2)} / ${x.p99Ms.toFixed(2)} ms`;
      log(
        `  round ${round}: route ${fmt(r)} (${r.rps.toFixed(0)} req/s)   bare ${fmt(b)}   floor ${fmt(f)}${x ? `   baseline ${fmt(x)}` : ""}   (p50 / p99)${r.errors ? `   ${r.errors} errors!` : ""}`,
      );
    }
    const med = (pick: (row: (typeof rows)[number]) => number) => median(rows.map(pick));
    return {
      route: { p50Ms: med((x) => x.route.p50Ms), p99Ms: med((x) => x.route.p99Ms), rps: med((x) => x.route.rps) },
      bare: { p50Ms: med((x) => x.bare.p50Ms), p99Ms: med((x) => x.bare.p99Ms) },
      floor: { p50Ms: med((x) => x.floor.p50Ms), p99Ms: med((x) => x.floor.p99Ms) },
      baseline: base ? { p50Ms: med((x) => x.base!.p50Ms), p99Ms: med((x) => x.base!.p99Ms) } : undefined,
      errors: rows.reduce((n, x) => n + x.route.errors, 0),
    };
  } finally {
    await dev?.stop();
    await base?.stop();
    await bare.stop();
    await floor.stop();
    removeApp(app);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runLatencyBench();
  console.log(
    `one connection, medians of the rounds: route p50 ${r.route.p50Ms.toFixed(2)} ms, p99 ${r.route.p99Ms.toFixed(2)} ms (target ≤ 5 ms); isolated floor p99 ${r.floor.p99Ms.toFixed(2)} ms; bare node:http p99 ${r.bare.p99Ms.toFixed(2)} ms${r.baseline ? `; baseline (${BASELINE}) p50 ${r.baseline.p50Ms.toFixed(2)} ms, p99 ${r.baseline.p99Ms.toFixed(2)} ms` : ""}`,
  );
}
