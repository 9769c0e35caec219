/**
 * The Lambda runtime alone, without HTTP: invocations of a constant handler through
 * LambdaRuntime (pool, execution environment processes, frames, logs), `CONCURRENCY`
 * at a time. Prints invocations/s and CPU per invocation in this process and in the
 * environments. What the Api benchmark's figure is made of, minus the HTTP layers.
 *
 *   node --import tsx bench/invoke/runtime-micro.ts
 *   LOCAL_CLOUD_LAMBDA_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" …   # profile the environments too
 */
import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LambdaRuntime, type FunctionDefinition } from "../../packages/local-cloud/src/services/lambda/runtime/runtime.js";
import type { LambdaCloud } from "../../packages/local-cloud/src/services/lambda/runtime/cloud-deps.js";
import { processTree } from "../lib/proc.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-micro-"));
fs.writeFileSync(path.join(dir, "index.mjs"), `export const handler = async () => "hello";\n`);
const cloud = { region: "us-east-1", accountId: "000000000000", endpoint: "http://127.0.0.1:9", events: new EventEmitter() } as unknown as LambdaCloud;
const runtime = new LambdaRuntime(cloud, {});
const def: FunctionDefinition = {
  functionName: "micro", functionArn: "arn:aws:lambda:us-east-1:000000000000:function:micro", version: "$LATEST", runtime: "nodejs20.x",
  handler: "index.handler", codeDir: dir, codeSha256: "x", revisionId: "r", timeoutSeconds: 3, memoryMb: 128, role: "", environment: {},
};
const event = JSON.stringify({ version: "2.0", routeKey: "GET /hello", rawPath: "/hello", rawQueryString: "", headers: { host: "127.0.0.1:4000", "user-agent": "wrk" }, requestContext: { http: { method: "GET", path: "/hello" } }, isBase64Encoded: false });

let done = 0;
let running = true;
const worker = async () => {
  while (running) {
    await runtime.invoke(def, event);
    done++;
  }
};
const workers = Array.from({ length: CONCURRENCY }, worker);
await new Promise((r) => setTimeout(r, 1000));
const snap = () => new Map(processTree(process.pid).map((s) => [s.pid, s.own]));
// Trials of one second; noise from other work on the machine only ever adds, so the
// least CPU per invocation of several trials is the steadiest figure.
const trials: { rps: number; own: number; envs: number }[] = [];
let b = snap();
for (let t = 0; t < Number(process.env.TRIALS ?? 5); t++) {
  const a = snap();
  done = 0;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, (SECONDS * 1000) / Number(process.env.TRIALS ?? 5)));
  const n = done;
  b = snap();
  let envs = 0;
  for (const [pid, cpu] of b) if (pid !== process.pid) envs += cpu - (a.get(pid) ?? 0);
  trials.push({ rps: n / ((performance.now() - t0) / 1000), own: ((b.get(process.pid) ?? 0) - (a.get(process.pid) ?? 0)) / n, envs: envs / n });
}
const best = trials.reduce((x, y) => (y.own + y.envs < x.own + x.envs ? y : x));
console.log(`${best.rps.toFixed(0)} invocations/s at ${CONCURRENCY} concurrent; CPU per invocation (least of ${trials.length} trials): runtime process ${best.own.toFixed(1)} µs, environments ${best.envs.toFixed(1)} µs`);
running = false;
await Promise.all(workers);
// Ask the environments to exit (SIGTERM) rather than killing them, so profiles get written.
for (const pid of b.keys()) if (pid !== process.pid) process.kill(pid, "SIGTERM");
await new Promise((r) => setTimeout(r, 500));
runtime.close();
fs.rmSync(dir, { recursive: true, force: true });
