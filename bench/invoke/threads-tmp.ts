import fs from "node:fs";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";
const threads = (pid: number) => new Map(fs.readdirSync(`/proc/${pid}/task`).map((t) => { const f = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8"); const name = f.slice(f.indexOf("(") + 1, f.lastIndexOf(")")); const x = f.slice(f.lastIndexOf(")") + 2).split(" "); return [t, { name, cpu: (Number(x[11]) + Number(x[12])) * 10000 }]; }));
const app = prepareSeedApp("threads");
const dev = await startSstDev(app);
try {
  const url = `${dev.api}/hello`;
  await wrk(url, { connections: 32, seconds: 2 });
  const a = threads(dev.pid);
  const r = await wrk(url, { connections: 32, seconds: 4 });
  const b = threads(dev.pid);
  for (const [t, x] of b) { const d = x.cpu - (a.get(t)?.cpu ?? 0); if (d > 0) console.log(t, x.name, (d / r.requests).toFixed(1), "µs/req"); }
} finally { await dev.stop(); removeApp(app); }
