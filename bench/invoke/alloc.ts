/**
 * What the `sst dev` server allocates per Api request: the garbage a scavenge then has
 * to sweep past (bench/invoke/gc.ts shows what the collector costs). V8's sampling heap
 * profiler runs in the server process during wrk's load, counting objects the collector
 * already freed too; bytes per request are printed by allocating function and by the
 * three innermost frames.
 *
 *   node --import tsx bench/invoke/alloc.ts
 *   TOP=40 BENCH_PATH=/users/u1 node --import tsx bench/invoke/alloc.ts
 *   BY_FILE=1 …     # sst run from source (SST_CLI_BUNDLE=0): frames name the .ts files
 *
 * The inspector opens only once the execution environments run (SIGUSR1, a free port):
 * opened from the start, it would make them worker threads (environment-host.ts).
 */
import WebSocket from "ws";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOP = Number(process.env.TOP ?? 30);

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  id: number;
  children: SamplingNode[];
}

/** A minimal Chrome DevTools Protocol session. */
async function cdp(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let next = 1;
  const pending = new Map<number, (r: any) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.error ? Promise.reject(new Error(msg.error.message)) : msg.result);
  });
  return {
    send: (method: string, params: object = {}) =>
      new Promise<any>((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

const app = prepareSeedApp("bench-invoke-alloc");
const dev = await startSstDev(app, { nodeArgs: ["--inspect-port=127.0.0.1:0"], env: process.env.BY_FILE === "1" ? { SST_CLI_BUNDLE: "0" } : {} });
try {
  const url = `${dev.api}${process.env.BENCH_PATH ?? "/hello"}`;
  await wrk(url, { connections: CONNECTIONS, seconds: 2 });
  const from = dev.dev.lines.length;
  process.kill(dev.pid, "SIGUSR1");
  let wsUrl: string | undefined;
  for (let i = 0; i < 100 && !wsUrl; i++) {
    wsUrl = dev.dev.lines.slice(from).map((l) => /Debugger listening on (ws:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
    if (!wsUrl) await new Promise((r) => setTimeout(r, 50));
  }
  if (!wsUrl) throw new Error("the server's inspector did not open");
  const session = await cdp(wsUrl);
  await session.send("HeapProfiler.enable");
  await session.send("HeapProfiler.startSampling", { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const r = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS });
  const { profile } = await session.send("HeapProfiler.stopSampling");
  session.close();
  console.log(`${url}: ${r.rps.toFixed(0)} req/s over ${SECONDS}s, ${r.requests} requests`);

  const bySelf = new Map<string, number>();
  const byStack = new Map<string, number>();
  let total = 0;
  const label = (f: SamplingNode["callFrame"]) => `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  const walk = (node: SamplingNode, stack: string[]) => {
    const here = [...stack, label(node.callFrame)];
    if (node.selfSize > 0) {
      total += node.selfSize;
      bySelf.set(here.at(-1)!, (bySelf.get(here.at(-1)!) ?? 0) + node.selfSize);
      const key = here.slice(-3).reverse().join(" ← ");
      byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
    }
    for (const c of node.children) walk(c, here);
  };
  walk(profile.head, []);
  const perReq = (bytes: number) => `${(bytes / r.requests).toFixed(0).padStart(6)} B/req`;
  console.log(`allocated ${perReq(total)} in the server's heap (sampled every 1 KiB, collected objects included)`);
  console.log("--- by allocating function");
  for (const [k, v] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${perReq(v)}  ${k}`);
  console.log("--- by the three innermost frames");
  for (const [k, v] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${perReq(v)}  ${k}`);
} finally {
  await dev.stop();
  removeApp(app);
}
