import { processTree, treeRssMb, treePssMb } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";
const app = prepareSeedApp("memtmp");
for (const phase of ["cold", "warm"]) {
  const dev = await startSstDev(app);
  const show = (label: string) => { const t = processTree(dev.pid); console.log(phase, label, `tree RSS ${treeRssMb(dev.pid).total.toFixed(0)} MB, PSS ${treePssMb(dev.pid).toFixed(0)} MB;`, t.map((s) => `${s.pid}:${(s.rssKb / 1024).toFixed(0)}`).join(" ")); };
  show("ready");
  await wrk(`${dev.api}/hello`, { connections: 32, seconds: 5 });
  show("after hello");
  await wrk(`${dev.api}/users?limit=1`, { connections: 32, seconds: 5 });
  show("after users");
  await dev.stop();
}
removeApp(app);
