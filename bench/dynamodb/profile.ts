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
import { largestProfile, summarizeProfile } from "../lib/cpuprofile.js";

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

for (const line of summarizeProfile(largestProfile(profDir), { start: windowStart, end: windowEnd }, Number(process.env.TOP ?? 30))) console.log(line);
fs.rmSync(profDir, { recursive: true, force: true });
