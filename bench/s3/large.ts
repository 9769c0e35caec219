/**
 * The 8 MiB part of the S3 benchmark alone (bench/s3/run.ts): PUT then GET of 8 MiB
 * objects against the local cloud, beside the disk's own sequential write and read,
 * with the server's CPU per MiB moved each way, and a bare node:http server streaming the
 * same bodies to and from files (`files`, the floor for HTTP in Node). With BENCH_BASELINE=<another checkout> that
 * checkout's local cloud runs too, rounds interleaved.
 *
 *   node --import tsx bench/s3/large.ts
 *   BENCH_GIB=0 …   # without the 1 GiB PUT/GET and the server's peak RSS during each
 *   BENCH_BASELINE=/path/to/checkout BENCH_ROUNDS=3 node --import tsx bench/s3/large.ts
 */
import { machineLoad } from "../lib/proc.js";
import { median } from "../lib/wrk.js";
import { disk, gibRss, large, otherPaths, start, stop } from "./run.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
console.log(`S3 8 MiB objects, ${machineLoad()}`);
const servers = [await start("local"), await start("files"), ...(process.env.BENCH_BASELINE ? [await start("baseline")] : [])];
const rows = new Map<string, { put: number[]; get: number[]; putCpu: number[]; getCpu: number[]; clientCpu: number[]; again: number[]; againCpu: number[] }>(
  servers.map((s) => [s.name, { put: [], get: [], putCpu: [], getCpu: [], clientCpu: [], again: [], againCpu: [] }]),
);
const discs: { writeMBs: number; readMBs: number; readCpuUsPerMiB: number }[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const d = disk();
    discs.push(d);
    let line = `round ${round}: disk write ${d.writeMBs.toFixed(0)} MB/s, read ${d.readMBs.toFixed(0)} MB/s (${d.readCpuUsPerMiB.toFixed(0)} µs CPU/MiB)`;
    // Each round starts with another server: the one after the disk's and the others'
    // writes pays for their writeback, and must not always be the same one.
    const order = servers.map((_, i) => servers[(i + round - 1) % servers.length]!);
    for (const s of order) {
      const r = await large(s);
      const row = rows.get(s.name)!;
      row.put.push(r.putMBs), row.get.push(r.getMBs), row.putCpu.push(r.putCpuUsPerMiB), row.getCpu.push(r.getCpuUsPerMiB), row.clientCpu.push(r.clientGetCpuUsPerMiB), row.again.push(r.againMBs), row.againCpu.push(r.againCpuUsPerMiB);
      line += ` | ${s.name} PUT ${r.putMBs.toFixed(0)} MB/s (${r.putCpuUsPerMiB.toFixed(0)} µs CPU/MiB), GET ${r.getMBs.toFixed(0)} MB/s (${r.getCpuUsPerMiB.toFixed(0)} µs CPU/MiB; client ${r.clientGetCpuUsPerMiB.toFixed(0)}), again ${r.againMBs.toFixed(0)} MB/s (${r.againCpuUsPerMiB.toFixed(0)} µs)`;
    }
    console.log(line);
  }
  const dw = median(discs.map((d) => d.writeMBs));
  const dr = median(discs.map((d) => d.readMBs));
  const drCpu = median(discs.map((d) => d.readCpuUsPerMiB));
  console.log(`disk: write ${dw.toFixed(0)} MB/s, read ${dr.toFixed(0)} MB/s at ${drCpu.toFixed(0)} µs CPU/MiB (medians); ${machineLoad()}`);
  const base = rows.get("baseline");
  if (base) {
    const here = rows.get("local")!;
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    console.log(`local / baseline, medians of per-round ratios: GET MB/s ${pct(ratio(here.get, base.get))}, CPU/MiB ${pct(ratio(here.getCpu, base.getCpu))}; GET again MB/s ${pct(ratio(here.again, base.again))}, CPU/MiB ${pct(ratio(here.againCpu, base.againCpu))}; PUT MB/s ${pct(ratio(here.put, base.put))}, CPU/MiB ${pct(ratio(here.putCpu, base.putCpu))}`);
  }
  for (const [name, row] of rows) {
    const put = median(row.put);
    const get = median(row.get);
    console.log(`${name}: 8 MiB PUT ${put.toFixed(0)} MB/s = ${((100 * put) / dw).toFixed(0)}% of disk write, GET ${get.toFixed(0)} MB/s = ${((100 * get) / dr).toFixed(0)}% of disk read; CPU/MiB PUT ${median(row.putCpu).toFixed(0)} µs, GET ${median(row.getCpu).toFixed(0)} µs = ${(median(row.getCpu) / drCpu).toFixed(2)}× the disk read's (client ${median(row.clientCpu).toFixed(0)} µs); GET again ${median(row.again).toFixed(0)} MB/s = ${((100 * median(row.again)) / dr).toFixed(0)}% of disk read, ${median(row.againCpu).toFixed(0)} µs CPU/MiB (medians)`);
  }
  // The same bodies by the other ways in: the same fast path should cost the same.
  const local = servers.find((s) => s.name === "local")!;
  const other = await otherPaths(local);
  const f = (x: { MBs: number; cpuUsPerMiB: number }) => `${x.MBs.toFixed(0)} MB/s, ${x.cpuUsPerMiB.toFixed(0)} µs CPU/MiB`;
  console.log(`local, other paths (one round, after the last): header-signed GET ${f(other.headerGet)}; ranged GET (4 MiB halves) ${f(other.rangedGet)}; header-signed PUT ${f(other.headerPut)}; presigned UploadPart ${f(other.uploadPart)}`);
  if (process.env.BENCH_GIB !== "0") {
    for (const s of servers) {
      const m = await gibRss(s);
      console.log(`${s.name}: 1 GiB PUT then GET: RSS ${m.before.toFixed(0)} MB before, peak ${m.putPeak.toFixed(0)} MB during the PUT (${m.putMBs.toFixed(0)} MB/s), peak ${m.getPeak.toFixed(0)} MB during the GET (${m.getMBs.toFixed(0)} MB/s)`);
    }
  }
} finally {
  await Promise.all(servers.map(stop));
}
