import { execFileSync, spawn } from "node:child_process";
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";
const app = prepareSeedApp("perf");
const dev = await startSstDev(app, { nodeArgs: ["--perf-basic-prof-only-functions"] });
try {
  const url = `${dev.api}${process.env.P ?? "/hello"}`;
  await wrk(url, { connections: 32, seconds: 2 });
  const perf = spawn("perf", ["record", "-F", "1999", "-g", "-p", String(dev.pid), "-o", "/tmp/rt/perf.data", "--", "sleep", "5"], { stdio: "inherit" });
  const r = await wrk(url, { connections: 32, seconds: 5 });
  await new Promise((res) => perf.on("exit", res));
  console.log(`${r.rps.toFixed(0)} req/s`);
} finally { await dev.stop(); removeApp(app); }
