/**
 * Profile the local cloud alone under one operation's load: starts bench/dynamodb/server.ts
 * with --cpu-prof, loads it for BENCH_SECONDS, stops it, and prints the profile's hottest
 * functions over the measured window only (self and inclusive, idle excluded) and CPU µs
 * per request. Profile wall time inside writev() includes being preempted by the woken
 * client, so judge by the CPU µs/request line, not by writev's share.
 *
 *   node --import tsx bench/dynamodb/profile.ts GetItem    # PutItem | GetItem | Query(10)
 *   BENCH_TARGET=bare2 node --import tsx bench/dynamodb/profile.ts GetItem   # the floor
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signedRequest } from "./sign.js";
import { load } from "./load.js";

const op = process.argv[2] ?? "GetItem";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-prof-"));
const child = fork(fileURLToPath(new URL("./server.ts", import.meta.url)), [process.env.BENCH_TARGET ?? "local"], {
  execArgv: ["--import", "tsx", "--cpu-prof", `--cpu-prof-dir=${profDir}`],
});
const ask = <T>(msg: object, key: string) =>
  new Promise<T>((resolve) => {
    const on = (m: any) => {
      if (key in m) {
        child.off("message", on);
        resolve(m[key]);
      }
    };
    child.on("message", on);
    child.send(msg);
  });
const port = await new Promise<number>((r) => child.once("message", (m: any) => r(m.port)));
await ask({ cmd: "fill", table: "Bench", partitions: 100, perPartition: 20 }, "filled");
const host = `127.0.0.1:${port}`;
const requests =
  op === "PutItem"
    ? Array.from({ length: 5000 }, (_, i) => signedRequest(host, "DynamoDB_20120810.PutItem", { TableName: "Bench", Item: { pk: { S: `w${i % 500}` }, sk: { N: String(i) }, data: { S: "y".repeat(100) } } }))
    : op === "GetItem"
      ? Array.from({ length: 1000 }, (_, i) => signedRequest(host, "DynamoDB_20120810.GetItem", { TableName: "Bench", Key: { pk: { S: `p${i % 100}` }, sk: { N: String(i % 20) } } }))
      : Array.from({ length: 100 }, (_, i) => signedRequest(host, "DynamoDB_20120810.Query", { TableName: "Bench", KeyConditionExpression: "pk = :p", Limit: 10, ExpressionAttributeValues: { ":p": { S: `p${i}` } } }));
await load(port, requests, 1, 32);
const windowStart = await ask<number>({ cmd: "cpu" }, "monotonicUs");
const before = await ask<number>({ cmd: "cpu" }, "user");
const beforeAll = await ask<number>({ cmd: "cpu" }, "cpu");
const r = await load(port, requests, SECONDS, 32);
const afterAll = await ask<number>({ cmd: "cpu" }, "cpu");
const after = await ask<number>({ cmd: "cpu" }, "user");
const windowEnd = await ask<number>({ cmd: "cpu" }, "monotonicUs");
console.log(`user ${((after - before) / (r.rps * SECONDS)).toFixed(0)} µs/req, user+system ${((afterAll - beforeAll) / (r.rps * SECONDS)).toFixed(0)} µs/req`);
console.log(`${op}: ${r.rps.toFixed(0)} req/s, ${((after - before) / (r.rps * SECONDS)).toFixed(0)} µs CPU/req, p50 ${r.p50.toFixed(2)} ms, errors ${r.errors}`);
child.disconnect();
await new Promise((r) => child.once("exit", r));

const file = fs.readdirSync(profDir).map((f) => path.join(profDir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!;
const prof = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: any) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const incl = new Map<string, number>();
let busy = 0;
// Only the measured window: not start-up, filling or shutdown.
let at = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  at += prof.timeDeltas[i] ?? 0;
  if (at < windowStart || at > windowEnd) continue;
  const node = byId.get(prof.samples[i])!;
  if (node.callFrame.functionName === "(idle)") continue;
  const d = prof.timeDeltas[i] ?? 0;
  busy += d;
  self.set(label(node), (self.get(label(node)) ?? 0) + d);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id));
    if (!seen.has(l)) incl.set(l, (incl.get(l) ?? 0) + d), seen.add(l);
  }
}
const show = (m: Map<string, number>, n: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${((v / busy) * 100).toFixed(1).padStart(5)}% ${k}`));
console.log("--- self (% of busy time)");
show(self, Number(process.env.TOP ?? 30));
console.log("--- inclusive");
show(incl, Number(process.env.TOP ?? 30) * 2);
fs.rmSync(profDir, { recursive: true, force: true });
