/**
 * What each scavenge of the `sst dev` server copies and promotes under the Api route's
 * load (GET /hello at 32 connections, V8's --trace-gc-nvp): the medians of new space
 * survived and promoted bytes per scavenge. Unlike CPU or pause times these hardly
 * move with the machine's load, so a change that keeps fewer objects alive across
 * requests shows here even on a busy machine.
 *
 *   node --import tsx bench/invoke/survivors.ts
 *   MAIN_ARGS="--max-semi-space-size=8" node --import tsx bench/invoke/survivors.ts
 */
import { prepareSeedApp, startSstDev } from "../lib/servers.js";
import { machineLoad } from "../lib/proc.js";
import { wrk } from "../lib/wrk.js";
import { removeApp } from "../../tests/helpers/app-copy.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const extraArgs = (process.env.MAIN_ARGS ?? "").split(" ").filter(Boolean);

const app = prepareSeedApp("bench-invoke-survivors");
const dev = await startSstDev(app, { nodeArgs: ["--trace-gc-nvp", ...extraArgs] });
try {
  const url = `${dev.api}/hello`;
  await wrk(url, { connections: 32, seconds: 2 });
  const from = dev.dev.lines.length;
  const r = await wrk(url, { connections: 32, seconds: SECONDS });
  const scavenges = dev.dev.lines.slice(from).filter((l) => l.startsWith(`[${dev.pid}:`) && l.includes(" gc=s "));
  const field = (l: string, name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(l)?.[1] ?? NaN);
  const median = (name: string) => scavenges.map((l) => field(l, name)).sort((a, b) => a - b)[Math.floor(scavenges.length / 2)] ?? NaN;
  console.log(`GET /hello at 32 connections, ${r.rps.toFixed(0)} req/s, ${machineLoad()}; server flags: ${extraArgs.join(" ") || "(the bin's own)"}`);
  console.log(
    `${scavenges.length} scavenges, one per ${(r.requests / Math.max(1, scavenges.length)).toFixed(0)} requests; per scavenge (medians): ` +
      `survived ${(median("new_space_survived") / 1024).toFixed(0)} KB, promoted ${(median("promoted") / 1024).toFixed(0)} KB, pause ${median("pause")} ms`,
  );
} finally {
  await dev.stop();
  removeApp(app);
}
