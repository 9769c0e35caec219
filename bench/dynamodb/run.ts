/**
 * DynamoDB benchmark: the local cloud vs dynalite (from npm, in memory) vs a bare
 * node:http server (the ceiling of one Node process), each in its own process, driven
 * from this process by a raw keep-alive load generator sending pre-signed SigV4 requests.
 * Rounds interleave the servers so machine noise hits all of them alike; the report
 * gives per-round figures, then medians of throughput and of the per-round ratios.
 * Then Query latency over HTTP on a large table vs a small one.
 *
 *   node --import tsx bench/dynamodb/run.ts
 *   BENCH_ROUNDS=5 BENCH_SECONDS=3 BENCH_CONNECTIONS=32 BENCH_ITEMS=1000000 node --import tsx bench/dynamodb/run.ts
 *   BENCH_ITEMS=0 …   # skip the large-table latency part
 *   BENCH_OPS=PutItem BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" …   # profile the servers
 *   BENCH_BASELINE=/path/to/other/checkout …   # also run that checkout's local cloud, interleaved: local/baseline ratios
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { signedRequest } from "./sign.js";
import { load, type LoadResult } from "./load.js";
import type { FillCommand } from "./server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BIG = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const SMALL = 10_000;
const ALL_OPS = ["PutItem", "GetItem", "Query(10)"] as const;
type OpName = (typeof ALL_OPS)[number];
/** Another checkout of this repository (e.g. main) whose local cloud runs beside this one's. */
const BASELINE = process.env.BENCH_BASELINE;
/** BENCH_OPS=PutItem,GetItem narrows the run (e.g. while profiling one operation). */
const OPS = ALL_OPS.filter((op) => !process.env.BENCH_OPS || process.env.BENCH_OPS.split(",").includes(op));

interface Target {
  name: string;
  port: number;
  child: ChildProcess;
  /** Creates and loads a table; resolves to its ItemCount when the server reports one. */
  fill(cmd: Omit<FillCommand, "cmd">): Promise<number | undefined>;
  /** CPU microseconds the server process used so far. */
  cpu(): Promise<number>;
}

let stopping = false;

async function startTarget(name: "local" | "dynalite" | "bare" | "baseline"): Promise<Target> {
  const script = name === "baseline" ? `${BASELINE}/bench/dynamodb/server.ts` : fileURLToPath(new URL("./server.ts", import.meta.url));
  const child = fork(script, [name === "baseline" ? "local" : name], { execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_ARGS?.split(" ").filter(Boolean) ?? [])], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: any) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`${name} server exited with ${code}`)));
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} server died (code ${code}, signal ${signal})`);
      process.exit(1);
    }
  });
  const fill = (cmd: Omit<FillCommand, "cmd">) =>
    new Promise<number | undefined>((resolve) => {
      const onMessage = (m: any) => {
        if (m.filled === cmd.table) {
          child.off("message", onMessage);
          resolve(m.items);
        }
      };
      child.on("message", onMessage);
      child.send({ cmd: "fill", ...cmd });
    });
  const cpu = () =>
    new Promise<number>((resolve) => {
      const onMessage = (m: any) => {
        if (typeof m.cpu === "number") {
          child.off("message", onMessage);
          resolve(m.cpu);
        }
      };
      child.on("message", onMessage);
      child.send({ cmd: "cpu" });
    });
  return { name, port, child, fill, cpu };
}

/** Signed now (signatures are valid for 15 minutes, so each phase signs afresh). */
function requestsFor(port: number, op: OpName): Buffer[] {
  const host = `127.0.0.1:${port}`;
  const now = new Date();
  switch (op) {
    case "PutItem":
      return Array.from({ length: 5000 }, (_, i) => signedRequest(host, "DynamoDB_20120810.PutItem", { TableName: "Bench", Item: { pk: { S: `w${i % 500}` }, sk: { N: String(i) }, data: { S: "y".repeat(100) } } }, now));
    case "GetItem":
      return Array.from({ length: 1000 }, (_, i) => signedRequest(host, "DynamoDB_20120810.GetItem", { TableName: "Bench", Key: { pk: { S: `p${i % 100}` }, sk: { N: String(i % 20) } } }, now));
    case "Query(10)":
      return Array.from({ length: 100 }, (_, i) => signedRequest(host, "DynamoDB_20120810.Query", { TableName: "Bench", KeyConditionExpression: "pk = :p", Limit: 10, ExpressionAttributeValues: { ":p": { S: `p${i}` } } }, now));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
}

function checked(label: string, r: LoadResult): LoadResult {
  if (r.errors) console.log(`  ! ${label}: ${r.errors} failed responses, e.g. ${r.sample?.split("\r\n")[0]} … ${r.sample?.split("\r\n\r\n")[1] ?? ""}`);
  return r;
}

const fmt = (n: number) => n.toFixed(0).padStart(7);

interface Measured extends LoadResult {
  /** Server CPU microseconds per request. */
  cpuPerRequest: number;
}

async function measure(label: string, t: Target, op: OpName): Promise<Measured> {
  const reqs = requestsFor(t.port, op);
  const before = await t.cpu();
  const r = checked(label, await load(t.port, reqs, SECONDS, CONNECTIONS));
  const after = await t.cpu();
  return { ...r, cpuPerRequest: (after - before) / (r.rps * SECONDS) };
}

/** Sequential Query(10) over one connection: latency without queueing. */
async function queryLatency(port: number, table: string, partitions: number): Promise<LoadResult> {
  const host = `127.0.0.1:${port}`;
  const now = new Date();
  const reqs = Array.from({ length: 2000 }, (_, i) =>
    signedRequest(host, "DynamoDB_20120810.Query", {
      TableName: table, KeyConditionExpression: "pk = :p AND sk >= :s", Limit: 10,
      ExpressionAttributeValues: { ":p": { S: `p${(i * 7919) % partitions}` }, ":s": { N: "3" } },
    }, now));
  return load(port, reqs, 2, 1);
}

async function main() {
  console.log(`DynamoDB bench: ${ROUNDS} rounds × ${SECONDS}s per measurement, ${CONNECTIONS} keep-alive connections, servers in their own processes`);
  const [local, dyn, bare, base] = await Promise.all([startTarget("local"), startTarget("dynalite"), startTarget("bare"), BASELINE ? startTarget("baseline") : undefined]);
  try {
    await Promise.all([local, dyn, base].map((t) => t?.fill({ table: "Bench", partitions: 100, perPartition: 20 })));
    // Warm-up: JIT and SQLite page cache, not measured.
    for (const op of OPS) for (const t of [local, dyn, base]) if (t) await load(t.port, requestsFor(t.port, op), 1, CONNECTIONS);
    const vsBase: Record<string, number[]> = {};
    const cpuVsBase: Record<string, number[]> = {};

    const bareRps: number[] = [];
    const rps: Record<string, number[]> = {};
    const p50: Record<string, number[]> = {};
    const vsDyn: Record<string, number[]> = {};
    const vsBare: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await measure("bare", bare, "GetItem");
      (cpu.bare ??= []).push(b.cpuPerRequest);
      bareRps.push(b.rps);
      const line = [`round ${round}: bare ${fmt(b.rps)}`];
      for (const op of OPS) {
        const mine = await measure(`local ${op}`, local, op);
        if (base) {
          const before = await measure(`baseline ${op}`, base, op);
          (cpu[`baseline ${op}`] ??= []).push(before.cpuPerRequest);
          (rps[`baseline ${op}`] ??= []).push(before.rps);
          (vsBase[op] ??= []).push(mine.rps / before.rps);
          (cpuVsBase[op] ??= []).push(mine.cpuPerRequest / before.cpuPerRequest);
        }
        const theirs = await measure(`dynalite ${op}`, dyn, op);
        (cpu[`local ${op}`] ??= []).push(mine.cpuPerRequest);
        (cpu[`dynalite ${op}`] ??= []).push(theirs.cpuPerRequest);
        (rps[`local ${op}`] ??= []).push(mine.rps);
        (rps[`dynalite ${op}`] ??= []).push(theirs.rps);
        (p50[`local ${op}`] ??= []).push(mine.p50);
        (p50[`dynalite ${op}`] ??= []).push(theirs.p50);
        (vsDyn[op] ??= []).push(mine.rps / theirs.rps);
        (vsBare[op] ??= []).push(mine.rps / b.rps);
        line.push(`${op} ${fmt(mine.rps)} vs ${fmt(theirs.rps)}`);
      }
      console.log(line.join(" | "));
    }
    console.log(`\nmedians over ${ROUNDS} rounds (req/s; ratios are medians of per-round ratios)`);
    const us = (k: string) => `${median(cpu[k]!).toFixed(0).padStart(4)} µs CPU/req`;
    console.log(`bare node:http  ${fmt(median(bareRps))}                     ${us("bare")}`);
    for (const op of OPS) {
      console.log(
        `${op.padEnd(10)} local ${fmt(median(rps[`local ${op}`]!))} (p50 ${median(p50[`local ${op}`]!).toFixed(2)} ms, ${us(`local ${op}`)}) | dynalite ${fmt(median(rps[`dynalite ${op}`]!))} (p50 ${median(p50[`dynalite ${op}`]!).toFixed(2)} ms, ${us(`dynalite ${op}`)}) | local/dynalite ${median(vsDyn[op]!).toFixed(2)}x | local/bare ${(median(vsBare[op]!) * 100).toFixed(1)}%`,
      );
    }

    if (base) {
      console.log(`\nthis checkout vs the baseline (${BASELINE}), medians of per-round ratios (target: within 5%)`);
      for (const op of OPS) {
        console.log(
          `${op.padEnd(10)} req/s ${fmt(median(rps[`local ${op}`]!))} vs ${fmt(median(rps[`baseline ${op}`]!))} (${(median(vsBase[op]!) * 100).toFixed(1)}%) | CPU/req ${median(cpu[`local ${op}`]!).toFixed(0)} vs ${median(cpu[`baseline ${op}`]!).toFixed(0)} µs (${(median(cpuVsBase[op]!) * 100).toFixed(1)}%)`,
        );
      }
    }
    console.log(`targets (issue 3): local/dynalite >= 2x and local/bare >= 50% on each operation`);
    for (const op of OPS) {
      const d = median(vsDyn[op]!);
      const b = median(vsBare[op]!);
      console.log(`  ${op.padEnd(10)} ${d >= 2 ? "met" : "MISSED"} ${d.toFixed(2)}x dynalite, ${b >= 0.5 ? "met" : "MISSED"} ${(b * 100).toFixed(1)}% of bare`);
    }

    if (BIG > 0) {
      console.log(`\nloading ${BIG.toLocaleString()} items and ${SMALL.toLocaleString()} items into the local cloud …`);
      const t0 = Date.now();
      const bigCount = await local.fill({ table: "Big", partitions: BIG / 100, perPartition: 100 });
      const smallCount = await local.fill({ table: "Small", partitions: SMALL / 100, perPartition: 100 });
      console.log(`  loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s (ItemCount ${bigCount?.toLocaleString()} and ${smallCount?.toLocaleString()})`);
      const bigs: number[] = [];
      const smalls: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        bigs.push(checked("big", await queryLatency(local.port, "Big", BIG / 100)).p50);
        smalls.push(checked("small", await queryLatency(local.port, "Small", SMALL / 100)).p50);
      }
      const big = median(bigs);
      const small = median(smalls);
      console.log(`Query(10) median latency over HTTP: ${BIG.toLocaleString()} items ${big.toFixed(3)} ms, ${SMALL.toLocaleString()} items ${small.toFixed(3)} ms (ratio ${(big / small).toFixed(2)}; target <= 1.5: ${big / small <= 1.5 ? "met" : "MISSED"})`);
    }
  } finally {
    stopping = true;
    for (const t of [local, dyn, bare, base]) t?.child.disconnect();
    for (const t of [local, base]) if (t) await new Promise<void>((r) => (t.child.exitCode !== null ? r() : t.child.once("exit", () => r())));
  }
}

await main();
