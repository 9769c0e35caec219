/**
 * Profiles the local cloud's S3 under one kind of presigned load — 1 KiB PUT or GET by
 * wrk at 32 connections, or 8 MiB PUT or GET one at a time (PUT8M, GET8M): where its
 * CPU goes, over the measured window only.
 *
 *   node --import tsx bench/s3/profile.ts GET|PUT|GET8M|PUT8M
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { largestProfile, monotonicUs, summarizeProfile } from "../lib/cpuprofile.js";
import { treeCpuUs } from "../lib/proc.js";
import { wrk } from "../lib/wrk.js";
import { RawHttpClient } from "../lib/raw-http.js";
import { repoRoot } from "../../tests/helpers/app-copy.js";

const op = (process.argv[2] ?? "GET").toUpperCase();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-prof-"));
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--import", "tsx", "bench/s3/server.ts", "local"], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
const info = await new Promise<{ port: number }>((resolve) => child.stdout!.once("data", (d) => resolve(JSON.parse(String(d)))));
const client = new S3Client({ endpoint: `http://127.0.0.1:${info.port}`, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" }, requestChecksumCalculation: "WHEN_REQUIRED" });
await client.send(new PutObjectCommand({ Bucket: "bench", Key: "k", Body: op === "GET8M" ? Buffer.alloc(8 * 1024 * 1024, 7) : "x".repeat(1024) }));
const url = await getSignedUrl(client, op.startsWith("PUT") ? new PutObjectCommand({ Bucket: "bench", Key: "k" }) : new GetObjectCommand({ Bucket: "bench", Key: "k" }), { expiresIn: 900 });
const script = path.join(profDir, "put.lua");
fs.writeFileSync(script, `wrk.method = "PUT"\nwrk.body = string.rep("x", 1024)\n`);
const large = op.endsWith("8M");
const opts = { connections: 32, seconds: 2, script: op === "PUT" ? script : undefined };

/** 8 MiB requests one after the other for `seconds`, by the raw-socket client the benchmark uses: how many. */
async function largeLoad(seconds: number): Promise<number> {
  const data = Buffer.alloc(8 * 1024 * 1024, 7);
  const u = new URL(url);
  const put = op === "PUT8M";
  const raw = new RawHttpClient(info.port);
  const until = performance.now() + seconds * 1000;
  let n = 0;
  try {
    while (performance.now() < until) {
      const a = await raw.request(put ? "PUT" : "GET", u.pathname + u.search, {}, put ? data : undefined);
      if (a.status !== 200) throw new Error(`${op} ${a.status}`);
      n++;
    }
  } finally {
    raw.close();
  }
  return n;
}

if (large) await largeLoad(1);
else await wrk(url, opts);
const start = monotonicUs();
const c0 = treeCpuUs(child.pid!);
const t0 = performance.now();
if (large) {
  const n = await largeLoad(SECONDS);
  const mib = n * 8;
  console.log(`${op}: ${(mib / ((performance.now() - t0) / 1000)).toFixed(0)} MB/s, ${((treeCpuUs(child.pid!) - c0) / mib).toFixed(0)} µs CPU/MiB`);
} else {
  const r = await wrk(url, { ...opts, seconds: SECONDS });
  const cpu = (treeCpuUs(child.pid!) - c0) / r.requests;
  console.log(`${op}: ${r.rps.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU/req, errors ${r.errors}`);
}
const end = monotonicUs();
client.destroy();
await new Promise((res) => (child.once("exit", res), child.kill("SIGTERM")));
for (const line of summarizeProfile(largestProfile(profDir), { start, end }, Number(process.env.TOP ?? 30))) console.log(line);
fs.rmSync(profDir, { recursive: true, force: true });
