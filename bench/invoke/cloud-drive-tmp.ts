import { spawn } from "node:child_process";
import fs from "node:fs";
import { wrk } from "../lib/wrk.js";
import { processTree } from "../lib/proc.js";
const child = spawn(process.execPath, ["--import", "tsx", "bench/invoke/cloud-tmp.ts"], { stdio: ["ignore", "pipe", "inherit"] });
const info = await new Promise<any>((r) => child.stdout!.once("data", (d) => r(JSON.parse(String(d)))));
const ut = (pid: number) => { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8"); const x = f.slice(f.lastIndexOf(")") + 2).split(" "); return (Number(x[11]) + Number(x[12])) * 10000; };
await wrk(info.url, { connections: 32, seconds: 2 });
for (let i = 0; i < 3; i++) {
  const a = new Map(processTree(info.pid).map((s) => [s.pid, s.own]));
  const r = await wrk(info.url, { connections: 32, seconds: 3 });
  const b = new Map(processTree(info.pid).map((s) => [s.pid, s.own]));
  let kids = 0; for (const [pid, c] of b) if (pid !== info.pid) kids += c - (a.get(pid) ?? 0);
  console.log(`${r.rps.toFixed(0)} req/s, main ${(((b.get(info.pid) ?? 0) - (a.get(info.pid) ?? 0)) / r.requests).toFixed(1)} µs, envs ${(kids / r.requests).toFixed(1)} µs, p99 ${r.p99Ms}`);
}
child.kill("SIGTERM");
