import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { processTree } from "../lib/proc.js";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inproc-"));
const cloud = await LocalCloud.start({ dir, port: 0 });
const fn = await cloud.lambda.call("CreateFunction", { FunctionName: "hello", Role: "arn:aws:iam::000000000000:role/r", Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zipSync({ "index.mjs": strToU8(`export const handler = async () => "hello";`) }) } });
const api = await cloud.apigateway.call("CreateApi", { Name: "a", ProtocolType: "HTTP", Target: fn.FunctionArn, RouteKey: "GET /hello" });
const mode = process.env.MODE ?? "full";
if (process.env.ACCESSLOG) {
  await cloud.logs.call("CreateLogGroup", { logGroupName: "/access" });
  const { ACCESS_LOG_FORMAT } = await import("../../packages/sst/src/constructs/Api.js") as any;
  await cloud.apigateway.call("UpdateStage", { ApiId: api.ApiId, StageName: "$default", AccessLogSettings: { DestinationArn: "arn:aws:logs:us-east-1:000000000000:log-group:/access", Format: ACCESS_LOG_FORMAT ?? '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength"}' } });
}
if (process.env.BIGHEAP) {
  const keep: any[] = ((globalThis as any).keep = []);
  for (let i = 0; i < 1_500_000; i++) keep.push({ i, s: "x" + i, a: [i] });
  console.error("heap", (process.memoryUsage().heapUsed / 1e6).toFixed(0), "MB");
}
if (process.env.LISTENERS) {
  const { attachInvocationLog } = await import("../../packages/sst/src/dev/invocation-log.js");
  const { createUi } = await import("../../packages/sst/src/cli/ui.js");
  const { InvocationLog } = await import("../../packages/console/src/invocation-log.js");
  const { Writable } = await import("node:stream");
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  attachInvocationLog(cloud.events, createUi({ stdout: sink, stderr: sink }), (n) => n);
  new InvocationLog(cloud.events);
}
if (mode === "stub") (cloud.lambda as any).invoke = async () => ({ statusCode: 200, payload: Buffer.from('"hello"') });
if (mode === "direct") { const l = cloud.lambda as any; const t = l.functions.invocationTarget("hello"); l.invoke = async (_f: string, p: string) => { const r = await l.runtime.invoke(t.definition, p, {}); return { statusCode: 200, payload: r.payload }; }; }
if (mode === "directsmall") { const l = cloud.lambda as any; const t = l.functions.invocationTarget("hello"); l.invoke = async (_f: string, p: string) => { const r = await l.runtime.invoke(t.definition, "{}", {}); return { statusCode: 200, payload: r.payload }; }; }
if (mode === "nostore") (cloud.logs as any).store.appendEvents = () => 0;
if (mode === "nologs") (cloud as any).logs = undefined;
const headers = { host: `127.0.0.1:${cloud.port}`, "user-agent": "wrk", accept: "*/*" };
const req = () => ({ requestId: "x", method: "GET", path: `/_aws/execute-api/${api.ApiId}/hello`, query: new URLSearchParams(), headers, body: Buffer.alloc(0), service: "", region: "us-east-1", principal: { accessKeyId: "", arn: "anonymous", admin: false } } as any);
let done = 0, running = true;
const worker = async () => { while (running) { if (done % 16 === 0) await new Promise((r) => setImmediate(r)); const r = await cloud.internalRoute(req())!; if (r.status !== 200) throw new Error(String(r.status)); done++; } };
const ws = Array.from({ length: 4 }, worker);
await new Promise((r) => setTimeout(r, 1500));
const snap = () => new Map(processTree(process.pid).map((s) => [s.pid, s.own]));
const trials: { rps: number; own: number; envs: number }[] = [];
for (let t = 0; t < 6; t++) {
  const a = snap(); const c0 = process.cpuUsage(); done = 0; const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  const n = done; const b = snap(); const c = process.cpuUsage(c0);
  let envs = 0; for (const [pid, x] of b) if (pid !== process.pid) envs += x - (a.get(pid) ?? 0);
  trials.push({ rps: n / ((performance.now() - t0) / 1000), own: (c.user + c.system) / n, envs: envs / n });
}
running = false; await Promise.all(ws);
const best = trials.reduce((x, y) => (y.own + y.envs < x.own + x.envs ? y : x));
console.log(`${mode}: ${best.rps.toFixed(0)}/s, main ${best.own.toFixed(1)} µs, envs ${best.envs.toFixed(1)} µs   (all main: ${trials.map((t) => t.own.toFixed(0)).join(" ")})`);
await cloud.stop(); fs.rmSync(dir, { recursive: true, force: true });
