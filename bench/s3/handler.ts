/**
 * CPU per request of S3's handler alone — `cloud.s3.handle(request)` after SigV4, no
 * HTTP — for 1 KiB GETs and PUTs shaped as presigned-URL requests, 32 in flight: the
 * cost of S3's wire layer and operations without the socket work that dominates (and
 * makes noisy) the HTTP bench. With BENCH_BASELINE=<another checkout> the same runs
 * there too, rounds interleaved, and the ratios are printed.
 *
 *   node --import tsx bench/s3/handler.ts
 *   BENCH_BASELINE=/path/to/checkout BENCH_ROUNDS=5 node --import tsx bench/s3/handler.ts
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { median } from "../lib/wrk.js";
import { repoRoot } from "../../tests/helpers/app-copy.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_REQUESTS ?? 20_000);
const BASELINE = process.env.BENCH_BASELINE;

/** One round in a fresh process of `root`'s local cloud: µs CPU a request, GET then PUT (after a warm-up of each). */
async function child(root: string): Promise<void> {
  const { LocalCloud } = await import(path.join(root, "packages/local-cloud/src/cloud.ts"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-handler-bench-"));
  const cloud = await LocalCloud.start({ dir, port: 0 });
  await cloud.s3.call("CreateBucket", { Bucket: "bench" });
  await cloud.s3.call("PutObject", { Bucket: "bench", Key: "k", Body: "x".repeat(1024) });
  const principal = { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true };
  const body = Buffer.alloc(1024, 120);
  const presigned = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-Signature=00&X-Amz-SignedHeaders=host";
  const request = (method: string, n: number) => ({
    requestId: `r${n}`,
    method,
    path: "/bench/k",
    query: new URLSearchParams(`${presigned}&x-id=${method === "PUT" ? "PutObject" : "GetObject"}`),
    headers: { host: "127.0.0.1", "user-agent": "wrk", ...(method === "PUT" ? { "content-length": "1024", "content-type": "application/octet-stream" } : {}) },
    body: method === "PUT" ? body : Buffer.alloc(0),
    service: "s3",
    region: "us-east-1",
    principal,
  });
  const run = async (method: string): Promise<number> => {
    let i = 0;
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (i < N) {
          const res = await cloud.s3.handle(request(method, i++));
          if (res.status >= 300) throw new Error(`${method} answered ${res.status}`);
          if (res.body && typeof res.body.on === "function") for await (const _ of res.body);
        }
      }),
    );
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / N;
  };
  await run("GET"), await run("PUT");
  const out = { get: await run("GET"), put: await run("PUT") };
  await cloud.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(out));
}

function round(root: string): { get: number; put: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(repoRoot, "bench/s3/handler.ts"), "--child", root], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return JSON.parse(out.trim().split("\n").pop()!);
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else {
  const rows: Record<string, { get: number[]; put: number[] }> = { this: { get: [], put: [] }, baseline: { get: [], put: [] } };
  const ratios = { get: [] as number[], put: [] as number[] };
  for (let r = 1; r <= ROUNDS; r++) {
    const mine = round(repoRoot);
    rows.this!.get.push(mine.get), rows.this!.put.push(mine.put);
    let line = `round ${r}: this GET ${mine.get.toFixed(1)} µs, PUT ${mine.put.toFixed(1)} µs CPU/req`;
    if (BASELINE) {
      const base = round(BASELINE);
      rows.baseline!.get.push(base.get), rows.baseline!.put.push(base.put);
      ratios.get.push(mine.get / base.get), ratios.put.push(mine.put / base.put);
      line += ` | baseline GET ${base.get.toFixed(1)}, PUT ${base.put.toFixed(1)}`;
    }
    console.log(line);
  }
  for (const op of ["get", "put"] as const) {
    const mine = median(rows.this![op]);
    const vs = BASELINE ? ` vs baseline ${median(rows.baseline![op]).toFixed(1)} µs (${(100 * median(ratios[op])).toFixed(1)}%, median of per-round ratios)` : "";
    console.log(`S3 handler ${op.toUpperCase()} 1 KiB: ${mine.toFixed(1)} µs CPU/req${vs}`);
  }
}
