/**
 * A Python function beside the same function in Node.js (the baseline), through
 * LambdaRuntime (pool, execution environment processes, frames, logs), interleaved in
 * one run so both see the same machine load:
 *
 * - cold start: the function's environments are recycled, then one invocation runs
 *   (spawn, interpreter start, init, the call); wall time and CPU of the whole tree;
 * - warm: invocations one after another on a warm environment; latency and CPU each.
 *
 *   node --import tsx bench/invoke/python.ts
 *   COLD=20 WARM=2000 …
 */
import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LambdaRuntime, type FunctionDefinition } from "../../packages/local-cloud/src/services/lambda/runtime/runtime.js";
import type { LambdaCloud } from "../../packages/local-cloud/src/services/lambda/runtime/cloud-deps.js";
import { machineLoad, treeCpuUs } from "../lib/proc.js";
import { median } from "../lib/stats.js";

const COLD = Number(process.env.COLD ?? 15);
const WARM = Number(process.env.WARM ?? 1000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "python-bench-"));
fs.mkdirSync(path.join(dir, "node"));
fs.mkdirSync(path.join(dir, "py"));
// The same handler in both languages: an API Gateway answer built from the event.
fs.writeFileSync(path.join(dir, "node", "index.mjs"), `export const handler = async (event) => ({ statusCode: 200, body: "hello " + event.rawPath });\n`);
fs.writeFileSync(path.join(dir, "py", "index.py"), `def handler(event, context):\n    return {"statusCode": 200, "body": "hello " + event["rawPath"]}\n`);

const cloud = { region: "us-east-1", accountId: "000000000000", endpoint: "http://127.0.0.1:9", events: new EventEmitter() } as unknown as LambdaCloud;
const runtime = new LambdaRuntime(cloud, {});
const def = (name: string, runtimeName: string): FunctionDefinition => ({
  functionName: name, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, version: "$LATEST", runtime: runtimeName,
  handler: "index.handler", codeDir: path.join(dir, name), codeSha256: "x", revisionId: "r", timeoutSeconds: 10, memoryMb: 128, role: "", environment: {},
});
const fns = { node: def("node", "nodejs20.x"), py: def("py", "python3.11") };
const event = JSON.stringify({ version: "2.0", routeKey: "GET /hello", rawPath: "/hello", rawQueryString: "", headers: { host: "127.0.0.1" }, requestContext: { http: { method: "GET", path: "/hello" } }, isBase64Encoded: false });

type Kind = keyof typeof fns;
const cold: Record<Kind, { ms: number[]; cpuMs: number[]; initMs: number[] }> = { node: { ms: [], cpuMs: [], initMs: [] }, py: { ms: [], cpuMs: [], initMs: [] } };
const warm: Record<Kind, { ms: number[]; cpuUs: number }> = { node: { ms: [], cpuUs: 0 }, py: { ms: [], cpuUs: 0 } };

async function once(kind: Kind): Promise<{ ms: number; initMs?: number }> {
  const t0 = performance.now();
  const r = await runtime.invoke(fns[kind], event);
  if (r.status !== "success") throw new Error(`${kind}: ${r.payload}`);
  return { ms: performance.now() - t0, initMs: /Init Duration: ([\d.]+)/.exec(r.logText)?.[1] ? Number(/Init Duration: ([\d.]+)/.exec(r.logText)![1]) : undefined };
}

// One of each first: the interpreter lookup, module caches and the page cache are then warm for both.
await once("node");
await once("py");

for (let i = 0; i < COLD; i++) {
  for (const kind of ["node", "py"] as Kind[]) {
    runtime.recycle(kind);
    await new Promise((r) => setTimeout(r, 50)); // let the old environment go
    const cpu0 = treeCpuUs(process.pid);
    const r = await once(kind);
    cold[kind].ms.push(r.ms);
    cold[kind].cpuMs.push((treeCpuUs(process.pid) - cpu0) / 1000);
    if (r.initMs !== undefined) cold[kind].initMs.push(r.initMs);
  }
}

// Warm: blocks of 100 alternating between the two, each on its warm environment.
for (const kind of ["node", "py"] as Kind[]) await once(kind);
for (let block = 0; block < WARM / 100; block++) {
  for (const kind of ["node", "py"] as Kind[]) {
    const cpu0 = treeCpuUs(process.pid);
    for (let i = 0; i < 100; i++) warm[kind].ms.push((await once(kind)).ms);
    warm[kind].cpuUs += treeCpuUs(process.pid) - cpu0;
  }
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN;
console.log(`Python (python3.11 on this machine's ${process.env.LOCAL_CLOUD_PYTHON ?? "python3"}) beside Node.js (baseline), interleaved; ${machineLoad()}`);
console.log(`| | Python | Node.js (baseline) | ratio |`);
console.log(`| --- | --- | --- | --- |`);
console.log(`| cold start, wall (median of ${COLD}) | ${median(cold.py.ms).toFixed(1)} ms | ${median(cold.node.ms).toFixed(1)} ms | ${(median(cold.py.ms) / median(cold.node.ms)).toFixed(2)}x |`);
console.log(`| cold start, Init Duration (median) | ${median(cold.py.initMs).toFixed(1)} ms | ${median(cold.node.initMs).toFixed(1)} ms | ${(median(cold.py.initMs) / median(cold.node.initMs)).toFixed(2)}x |`);
console.log(`| cold start, CPU of the process tree (median) | ${median(cold.py.cpuMs).toFixed(1)} ms | ${median(cold.node.cpuMs).toFixed(1)} ms | ${(median(cold.py.cpuMs) / median(cold.node.cpuMs)).toFixed(2)}x |`);
console.log(`| warm invoke, wall (median / p99 of ${WARM}) | ${median(warm.py.ms).toFixed(3)} / ${p99(warm.py.ms).toFixed(3)} ms | ${median(warm.node.ms).toFixed(3)} / ${p99(warm.node.ms).toFixed(3)} ms | ${(median(warm.py.ms) / median(warm.node.ms)).toFixed(2)}x |`);
console.log(`| warm invoke, CPU per invocation (runtime + environment) | ${(warm.py.cpuUs / WARM).toFixed(0)} µs | ${(warm.node.cpuUs / WARM).toFixed(0)} µs | ${(warm.py.cpuUs / warm.node.cpuUs).toFixed(2)}x |`);
runtime.close();
fs.rmSync(dir, { recursive: true, force: true });
