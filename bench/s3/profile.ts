/**
 * Profiles the local cloud's S3 under one kind of presigned 1 KiB load (PUT or GET):
 * where its CPU goes per request, over the measured window only.
 *
 *   node --import tsx bench/s3/profile.ts GET|PUT
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
import { repoRoot } from "../../tests/helpers/app-copy.js";

const op = (process.argv[2] ?? "GET").toUpperCase();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-prof-"));
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--import", "tsx", "bench/s3/server.ts", "local"], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
const info = await new Promise<{ port: number }>((resolve) => child.stdout!.once("data", (d) => resolve(JSON.parse(String(d)))));
const client = new S3Client({ endpoint: `http://127.0.0.1:${info.port}`, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" }, requestChecksumCalculation: "WHEN_REQUIRED" });
await client.send(new PutObjectCommand({ Bucket: "bench", Key: "k", Body: "x".repeat(1024) }));
const url = await getSignedUrl(client, op === "PUT" ? new PutObjectCommand({ Bucket: "bench", Key: "k" }) : new GetObjectCommand({ Bucket: "bench", Key: "k" }), { expiresIn: 900 });
const script = path.join(profDir, "put.lua");
fs.writeFileSync(script, `wrk.method = "PUT"\nwrk.body = string.rep("x", 1024)\n`);
const opts = { connections: 32, seconds: 2, script: op === "PUT" ? script : undefined };
await wrk(url, opts);
const start = monotonicUs();
const c0 = treeCpuUs(child.pid!);
const r = await wrk(url, { ...opts, seconds: SECONDS });
const cpu = (treeCpuUs(child.pid!) - c0) / r.requests;
const end = monotonicUs();
console.log(`${op}: ${r.rps.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU/req, errors ${r.errors}`);
client.destroy();
await new Promise((res) => (child.once("exit", res), child.kill("SIGTERM")));
for (const line of summarizeProfile(largestProfile(profDir), { start, end }, Number(process.env.TOP ?? 30))) console.log(line);
fs.rmSync(profDir, { recursive: true, force: true });
