import { processTree } from "../lib/proc.js";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";
const app = prepareSeedApp("conc");
for (const conc of ["1", "2", "3", "1", "2", "3"]) {
  const dev = await startSstDev(app, { env: { LC_FN_CONC: conc } });
  const url = `${dev.api}/hello`;
  await wrk(url, { connections: 32, seconds: 2 });
  const cpu = () => processTree(dev.pid).reduce((n, s) => n + s.own, 0);
  const c0 = cpu();
  const r = await wrk(url, { connections: 32, seconds: 5 });
  console.log(`conc ${conc}: ${r.rps.toFixed(0)} req/s, ${((cpu() - c0) / r.requests).toFixed(0)} µs/req, p99 ${r.p99Ms} ms`);
  await dev.stop();
}
removeApp(app);
