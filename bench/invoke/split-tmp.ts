import fs from "node:fs";
const ut = (pid: number) => { try { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8"); const x = f.slice(f.lastIndexOf(")") + 2).split(" "); return { u: Number(x[11]) * 10000, s: Number(x[12]) * 10000 }; } catch { return { u: 0, s: 0 }; } };
const ctx = (pid: number) => { try { const t = fs.readFileSync(`/proc/${pid}/status`, "utf8"); return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(t)![1]) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(t)![1]); } catch { return 0; } };
import { processTree } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";
const app = prepareSeedApp("split");
const dev = await startSstDev(app);
try {
  const base = dev.api.replace(/\/_aws\/execute-api.*/, "");
  for (const [name, url] of [["health", `${base}/_aws/health`], ["hello", `${dev.api}/hello`], ["health", `${base}/_aws/health`], ["hello", `${dev.api}/hello`]]) {
    await wrk(url, { connections: 32, seconds: 1 });
    const snap = () => new Map(processTree(dev.pid).map((s) => [s.pid, s]));
    const u0 = ut(dev.pid); const c0 = ctx(dev.pid);
    const a = snap();
    const r = await wrk(url, { connections: Number(process.env.C ?? 32), seconds: 4, threads: Math.min(2, Number(process.env.C ?? 32)) });
    const b = snap();
    const u1 = ut(dev.pid); const c1 = ctx(dev.pid);
    const parts = [`main user ${((u1.u - u0.u) / r.requests).toFixed(1)} sys ${((u1.s - u0.s) / r.requests).toFixed(1)} ctxsw/req ${((c1 - c0) / r.requests).toFixed(2)}`];
    for (const [pid, s] of b) { const o = a.get(pid); const d = s.own - (o?.own ?? 0); if (d > 0) parts.push(`${pid === dev.pid ? "main" : "child"} ${(d / r.requests).toFixed(1)}`); }
    console.log(`${name}: ${r.rps.toFixed(0)} req/s p99 ${r.p99Ms}ms; µs/req: ${parts.join(", ")}`);
  }
} finally { await dev.stop(); removeApp(app); }
