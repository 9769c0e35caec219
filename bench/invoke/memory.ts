/**
 * Memory of the `sst dev` process tree (the server and every process it started:
 * execution environments, esbuild) under load: three rounds of 100,000 Api requests at
 * 32 connections on the seed's app (issue 12: ≤ 400 MB RSS after each, within 10 %
 * across the rounds). Three in four requests go to GET /hello (a constant answer), one
 * in four to the seed's GET /users (a DynamoDB Query through the AWS SDK).
 *
 *   node --import tsx bench/invoke/memory.ts
 *   BENCH_REQUESTS=20000 BENCH_ROUNDS=2 …   # shorter
 *   MAIN_ARGS="--max-semi-space-size=8" …    # V8 flags for the server process (after the bin's own)
 *   LOCAL_CLOUD_LAMBDA_NODE_ARGS="--single-threaded-gc" …   # and for every execution environment
 *
 * RSS counts the pages each process shares with the others (Node's own code) once per
 * process, as the issue asks; PSS (shared pages split among their users) is printed too.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { machineLoad, processTree, treePssMb, treeRssMb } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const CONNECTIONS = 32;
const THREADS = 2;
const MAIN_ARGS = (process.env.MAIN_ARGS ?? "").split(" ").filter(Boolean);

export interface MemoryBenchResult {
  rounds: { rssMb: number; pssMb: number; processes: number; rps: number; errors: number }[];
  startRssMb: number;
}

/** A wrk script: requests cycle through the paths. */
function script(apiPath: string): string {
  const file = path.join(os.tmpdir(), `memory-bench-${process.pid}.lua`);
  fs.writeFileSync(
    file,
    `local paths = { "${apiPath}/hello", "${apiPath}/hello", "${apiPath}/hello", "${apiPath}/users?limit=1" }
local sent = 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent % 4) + 1])
end
`,
  );
  return file;
}

/** wrk in 10-second runs until `count` requests were answered (wrk can only run for a time). */
async function loadFor(url: string, lua: string, count: number): Promise<{ requests: number; rps: number; errors: number }> {
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  while (requests < count) {
    const r = await wrk(url, { connections: CONNECTIONS, threads: THREADS, seconds: 10, script: lua, timeoutS: 30 });
    requests += r.requests;
    errors += r.errors;
  }
  return { requests, errors, rps: requests / ((performance.now() - started) / 1000) };
}

export async function runMemoryBench(log: (line: string) => void = console.log): Promise<MemoryBenchResult> {
  const app = prepareSeedApp("bench-memory");
  const dev = await startSstDev(app, { nodeArgs: MAIN_ARGS });
  const lua = script(new URL(dev.api).pathname);
  try {
    // Both routes answered once before the load: their cold starts (the SDK's load, under
    // Lambda's 10 s init limit) do not compete with 32 connections on a busy machine.
    for (const route of ["/hello", "/users?limit=1"]) {
      for (let i = 0; (await fetch(`${dev.api}${route}`).catch(() => undefined))?.status !== 200; i++) {
        if (i >= 20) throw new Error(`${route} never answered 200`);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
    const start = treeRssMb(dev.pid);
    log(`sst dev process tree under ${ROUNDS} rounds of ${REQUESTS} requests at ${CONNECTIONS} connections; ${machineLoad()}; at start ${start.total.toFixed(0)} MB RSS in ${start.processes} processes`);
    const rounds: MemoryBenchResult["rounds"] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await loadFor(`${new URL(dev.api).origin}/`, lua, REQUESTS);
      // Let timers and the log shipper settle: memory after the load, not in the middle of a batch.
      await new Promise((res) => setTimeout(res, 2000));
      const rss = treeRssMb(dev.pid);
      const pss = treePssMb(dev.pid);
      const tree = processTree(dev.pid).map((s) => `${(s.rssKb / 1024).toFixed(0)}`).join("+");
      rounds.push({ rssMb: rss.total, pssMb: pss, processes: rss.processes, rps: r.rps, errors: r.errors });
      log(`  round ${round}: ${r.requests} requests (${r.rps.toFixed(0)} req/s${r.errors ? `, ${r.errors} errors!` : ""}); tree ${rss.total.toFixed(0)} MB RSS (${tree}), ${pss.toFixed(0)} MB PSS`);
    }
    return { rounds, startRssMb: start.total };
  } finally {
    fs.rmSync(lua, { force: true });
    await dev.stop();
    removeApp(app);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runMemoryBench();
  const rss = r.rounds.map((x) => x.rssMb);
  const spread = (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss);
  console.log(`sst dev tree after each round: ${rss.map((x) => x.toFixed(0)).join(", ")} MB RSS (target ≤ 400 MB), spread ${(100 * spread).toFixed(1)}% (target ≤ 10%); at start ${r.startRssMb.toFixed(0)} MB`);
}
