/**
 * S3 benchmark: the local cloud vs s3rver (from npm), each in its own process, in the
 * same run (issue 12's S3 targets).
 *
 *   node --import tsx bench/s3/run.ts
 *   BENCH_ROUNDS=5 BENCH_SECONDS=4 node --import tsx bench/s3/run.ts
 *   BENCH_BASELINE=/path/to/other/checkout …   # also that checkout's local cloud, interleaved: this/baseline ratios
 *
 * - 1 KiB objects: wrk replays a presigned PUT URL (with a 1 KiB body) and a presigned
 *   GET URL at 32 connections — raw HTTP load, as a browser upload or a CDN would make
 *   it. Rounds interleave the servers; medians of req/s and of server CPU µs per request.
 * - 8 MiB objects: PUT then GET of 8 MiB bodies, one at a time, against the disk's own
 *   sequential write and read of the same bytes with node:fs in the same directory
 *   (the ceiling for a store that writes each object to a file), and against a bare
 *   node:http server streaming the bodies to and from files (server.ts `files`): what
 *   HTTP over loopback in Node leaves of that ceiling.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client, AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { machineLoad, resetPeakRss, rssAndPeakMb, treeCpuUs } from "../lib/proc.js";
import { median, wrk } from "../lib/wrk.js";
import { RawHttpClient } from "../lib/raw-http.js";
import { repoRoot } from "../../tests/helpers/app-copy.js";
import { Sha256 } from "../../packages/local-cloud/src/test-signing.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LARGE = 8 * 1024 * 1024;
const LARGE_COUNT = Number(process.env.BENCH_LARGE_COUNT ?? 24);
/** Another checkout (with its own node_modules) whose local cloud runs beside this one. */
const BASELINE = process.env.BENCH_BASELINE;

type Kind = "local" | "s3rver" | "baseline" | "files";

interface S3Server {
  name: string;
  child: ChildProcess;
  port: number;
  client: S3Client;
}

export async function start(kind: Kind): Promise<S3Server> {
  const cwd = kind === "baseline" ? BASELINE! : repoRoot;
  const child = spawn(process.execPath, ["--import", "tsx", "bench/s3/server.ts", kind === "baseline" ? "local" : kind], { cwd, stdio: ["pipe", "pipe", "inherit"] });
  const info = await new Promise<{ port: number; accessKeyId: string; secretAccessKey: string }>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (c) => {
      text += c;
      if (text.includes("\n")) resolve(JSON.parse(text.slice(0, text.indexOf("\n"))));
    });
    child.once("exit", (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${info.port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    // No checksum of an empty body in presigned PUT URLs: s3rver and S3 would both refuse a real body against it.
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
  return { name: kind, child, port: info.port, client };
}

export function stop(s: S3Server): Promise<void> {
  s.client.destroy();
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
  });
}

const body1k = "x".repeat(1024);
const putScript = path.join(os.tmpdir(), `s3-bench-put-${process.pid}.lua`);
fs.writeFileSync(putScript, `wrk.method = "PUT"\nwrk.body = string.rep("x", 1024)\nwrk.headers["Content-Type"] = "application/octet-stream"\n`);

async function presigned(s: S3Server): Promise<{ put: string; get: string }> {
  await s.client.send(new PutObjectCommand({ Bucket: "bench", Key: "small/get.bin", Body: body1k }));
  const put = await getSignedUrl(s.client, new PutObjectCommand({ Bucket: "bench", Key: "small/put.bin" }), { expiresIn: 900 });
  const get = await getSignedUrl(s.client, new GetObjectCommand({ Bucket: "bench", Key: "small/get.bin" }), { expiresIn: 900 });
  return { put, get };
}

interface Figure {
  rps: number;
  cpuUs: number;
  errors: number;
}

async function measure(s: S3Server, url: string, script?: string): Promise<Figure> {
  const c0 = treeCpuUs(s.child.pid!);
  const r = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS, script });
  return { rps: r.rps, cpuUs: (treeCpuUs(s.child.pid!) - c0) / r.requests, errors: r.errors };
}

/** CPU µs this (the client's) process has used. */
function ownCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export interface LargeFigures {
  putMBs: number;
  getMBs: number;
  putCpuUsPerMiB: number;
  getCpuUsPerMiB: number;
  /** The benchmark client's own CPU per MiB, GET: it must stay well under the server's. */
  clientGetCpuUsPerMiB: number;
  /** The second GET of the same objects. */
  againMBs: number;
  againCpuUsPerMiB: number;
}

/** GETs of 8 MiB objects one after the other: MB/s, the server's and the client's CPU per MiB. */
async function getAll(s: S3Server, client: RawHttpClient, targets: string[]): Promise<{ MBs: number; cpuUsPerMiB: number; clientCpuUsPerMiB: number }> {
  const mib = (targets.length * LARGE) / 1048576;
  const t = performance.now();
  const c0 = treeCpuUs(s.child.pid!);
  const own0 = ownCpuUs();
  for (const path of targets) {
    const a = await client.request("GET", path);
    if (a.status !== 200 || a.bytes !== LARGE) throw new Error(`${s.name} GET ${a.status}, ${a.bytes} bytes`);
  }
  return { MBs: mib / ((performance.now() - t) / 1000), cpuUsPerMiB: (treeCpuUs(s.child.pid!) - c0) / mib, clientCpuUsPerMiB: (ownCpuUs() - own0) / mib };
}

/**
 * PUT then GET (twice) of LARGE_COUNT 8 MiB objects through presigned URLs, one at a time on one
 * keep-alive connection, with a raw-socket client (bench/lib/raw-http.ts) that drops
 * the bytes it reads, so the server, not the client, sets the pace.
 */
export async function large(s: S3Server): Promise<LargeFigures> {
  const data = Buffer.alloc(LARGE, 7);
  const urls = await Promise.all(
    Array.from({ length: LARGE_COUNT }, async (_, i) => ({
      put: await getSignedUrl(s.client, new PutObjectCommand({ Bucket: "bench", Key: `large/${i}` }), { expiresIn: 900 }),
      get: await getSignedUrl(s.client, new GetObjectCommand({ Bucket: "bench", Key: `large/${i}` }), { expiresIn: 900 }),
    })),
  );
  const target = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  const client = new RawHttpClient(s.port);
  try {
    const mib = (LARGE_COUNT * LARGE) / 1048576;
    let t = performance.now();
    let c0 = treeCpuUs(s.child.pid!);
    for (const u of urls) {
      const a = await client.request("PUT", target(u.put), {}, data);
      if (a.status !== 200) throw new Error(`${s.name} PUT ${a.status}`);
    }
    const putMBs = mib / ((performance.now() - t) / 1000);
    const putCpuUsPerMiB = (treeCpuUs(s.child.pid!) - c0) / mib;
    const get = await getAll(s, client, urls.map((u) => target(u.get)));
    // The same objects again: their pages now read once, the server's own cost with less of the page cache's state in it.
    const again = await getAll(s, client, urls.map((u) => target(u.get)));
    return { putMBs, putCpuUsPerMiB, getMBs: get.MBs, getCpuUsPerMiB: get.cpuUsPerMiB, clientGetCpuUsPerMiB: get.clientCpuUsPerMiB, againMBs: again.MBs, againCpuUsPerMiB: again.cpuUsPerMiB };
  } finally {
    client.close();
  }
}

/** MB/s and server CPU per MiB of one way of moving 8 MiB bodies. */
export interface PathFigure {
  MBs: number;
  cpuUsPerMiB: number;
}

/**
 * The other ways a large body moves, each LARGE_COUNT × 8 MiB on one connection with the
 * raw client, to set beside the presigned PUT and GET of `large` (run it first: these
 * GETs read its objects): GET and PUT signed in an Authorization header
 * (UNSIGNED-PAYLOAD, as presigned URLs and the SDK over HTTPS send), ranged GETs (two
 * 4 MiB halves of each object), and UploadPart through presigned URLs.
 */
export async function otherPaths(s: S3Server): Promise<Record<"headerGet" | "rangedGet" | "headerPut" | "uploadPart", PathFigure>> {
  const signer = new SignatureV4({ service: "s3", region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, sha256: Sha256 });
  const headerSigned = async (method: string, key: string, length: number) => {
    const signed = await signer.sign({
      method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: s.port,
      path: `/bench/${key}`,
      headers: { host: `127.0.0.1:${s.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...(length ? { "content-length": String(length) } : {}) },
    });
    const { host: _host, "content-length": _length, ...rest } = signed.headers;
    return { path: `/bench/${key}`, headers: rest };
  };
  const data = Buffer.alloc(LARGE, 9);
  const mib = (LARGE_COUNT * LARGE) / 1048576;
  const client = new RawHttpClient(s.port);
  const timed = async (run: () => Promise<void>): Promise<PathFigure> => {
    const t = performance.now();
    const c0 = treeCpuUs(s.child.pid!);
    await run();
    return { MBs: mib / ((performance.now() - t) / 1000), cpuUsPerMiB: (treeCpuUs(s.child.pid!) - c0) / mib };
  };
  const expectStatus = (a: { status: number; bytes: number }, status: number, bytes: number | undefined, what: string) => {
    if (a.status !== status || (bytes !== undefined && a.bytes !== bytes)) throw new Error(`${s.name} ${what}: ${a.status}, ${a.bytes} bytes`);
  };
  try {
    const gets = await Promise.all(Array.from({ length: LARGE_COUNT }, (_, i) => headerSigned("GET", `large/${i}`, 0)));
    const headerGet = await timed(async () => {
      for (const g of gets) expectStatus(await client.request("GET", g.path, g.headers), 200, LARGE, "header-signed GET");
    });
    const presignedGets = await Promise.all(Array.from({ length: LARGE_COUNT }, (_, i) => getSignedUrl(s.client, new GetObjectCommand({ Bucket: "bench", Key: `large/${i}` }), { expiresIn: 900 })));
    const rangedGet = await timed(async () => {
      for (const url of presignedGets) {
        const target = new URL(url).pathname + new URL(url).search;
        expectStatus(await client.request("GET", target, { range: `bytes=0-${LARGE / 2 - 1}` }), 206, LARGE / 2, "ranged GET");
        expectStatus(await client.request("GET", target, { range: `bytes=${LARGE / 2}-` }), 206, LARGE / 2, "ranged GET");
      }
    });
    const puts = await Promise.all(Array.from({ length: LARGE_COUNT }, (_, i) => headerSigned("PUT", `signed/${i}`, LARGE)));
    const headerPut = await timed(async () => {
      for (const p of puts) expectStatus(await client.request("PUT", p.path, p.headers, data), 200, undefined, "header-signed PUT");
    });
    const { UploadId } = await s.client.send(new CreateMultipartUploadCommand({ Bucket: "bench", Key: "multipart" }));
    const parts = await Promise.all(
      Array.from({ length: LARGE_COUNT }, async (_, i) => {
        const url = await getSignedUrl(s.client, new UploadPartCommand({ Bucket: "bench", Key: "multipart", UploadId, PartNumber: i + 1 }), { expiresIn: 900 });
        return new URL(url).pathname + new URL(url).search;
      }),
    );
    const uploadPart = await timed(async () => {
      for (const target of parts) expectStatus(await client.request("PUT", target, {}, data), 200, undefined, "UploadPart");
    });
    await s.client.send(new AbortMultipartUploadCommand({ Bucket: "bench", Key: "multipart", UploadId }));
    return { headerGet, rangedGet, headerPut, uploadPart };
  } finally {
    client.close();
  }
}

/**
 * Memory while one 1 GiB object goes up and comes back down (presigned, raw client): the
 * server's RSS before, and its peak RSS during the PUT and during the GET. A server that
 * streams stays within a few tens of MB of where it started.
 */
export async function gibRss(s: S3Server): Promise<{ before: number; putPeak: number; getPeak: number; putMBs: number; getMBs: number }> {
  const GIB = 1024 * 1024 * 1024;
  const put = await getSignedUrl(s.client, new PutObjectCommand({ Bucket: "bench", Key: "huge" }), { expiresIn: 900 });
  const get = await getSignedUrl(s.client, new GetObjectCommand({ Bucket: "bench", Key: "huge" }), { expiresIn: 900 });
  const target = (url: string) => new URL(url).pathname + new URL(url).search;
  const pid = s.child.pid!;
  const client = new RawHttpClient(s.port);
  try {
    const before = rssAndPeakMb(pid).rss;
    resetPeakRss(pid);
    let t = performance.now();
    const p = await client.request("PUT", target(put), {}, { repeat: Buffer.alloc(LARGE, 7), times: GIB / LARGE });
    if (p.status !== 200) throw new Error(`${s.name} 1 GiB PUT ${p.status}`);
    const putMBs = 1024 / ((performance.now() - t) / 1000);
    const putPeak = rssAndPeakMb(pid).peak;
    resetPeakRss(pid);
    t = performance.now();
    const g = await client.request("GET", target(get));
    if (g.status !== 200 || g.bytes !== GIB) throw new Error(`${s.name} 1 GiB GET ${g.status}, ${g.bytes} bytes`);
    const getMBs = 1024 / ((performance.now() - t) / 1000);
    return { before, putPeak, getPeak: rssAndPeakMb(pid).peak, putMBs, getMBs };
  } finally {
    client.close();
  }
}

/** The disk's sequential write and read of the same bytes, 8 MiB a file, in the directory the servers store into. */
export function disk(): { writeMBs: number; readMBs: number; readCpuUsPerMiB: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-bench-disk-"));
  const data = Buffer.alloc(LARGE, 7);
  const mib = (LARGE_COUNT * LARGE) / 1048576;
  try {
    let t = performance.now();
    for (let i = 0; i < LARGE_COUNT; i++) fs.writeFileSync(path.join(dir, String(i)), data);
    const writeMBs = mib / ((performance.now() - t) / 1000);
    t = performance.now();
    const c0 = ownCpuUs();
    for (let i = 0; i < LARGE_COUNT; i++) fs.readFileSync(path.join(dir, String(i)));
    const readMBs = mib / ((performance.now() - t) / 1000);
    // CPU, unlike MB/s, hardly depends on what else the machine runs: the GET's own ratio.
    const readCpuUsPerMiB = (ownCpuUs() - c0) / mib;
    return { writeMBs, readMBs, readCpuUsPerMiB };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** This checkout against the baseline's: medians of the per-round ratios of req/s and of CPU per request. */
export interface VsBaseline {
  baseline: Figure;
  rpsRatio: number;
  cpuRatio: number;
}

export interface S3BenchResult {
  put: { local: Figure; s3rver: Figure; ratio: number; vsBaseline?: VsBaseline };
  get: { local: Figure; s3rver: Figure; ratio: number; vsBaseline?: VsBaseline };
  large: { putMBs: number; getMBs: number; getAgainMBs: number; getCpuUsPerMiB: number; diskReadCpuUsPerMiB: number; diskWriteMBs: number; diskReadMBs: number; s3rverPutMBs: number; s3rverGetMBs: number; filesPutMBs: number; filesGetMBs: number };
}

export async function runS3Bench(log: (line: string) => void = console.log): Promise<S3BenchResult> {
  const [local, s3rver, files, base] = await Promise.all([start("local"), start("s3rver"), start("files"), BASELINE ? start("baseline") : undefined]);
  try {
    const urls = { local: await presigned(local), s3rver: await presigned(s3rver), baseline: base ? await presigned(base) : undefined };
    log(`S3 1 KiB objects, presigned URLs, wrk at ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS}s; ${machineLoad()}`);
    for (const s of [local, s3rver, base]) {
      if (!s) continue;
      await wrk(urls[s.name as keyof typeof urls]!.put, { connections: CONNECTIONS, seconds: 1, script: putScript });
      await wrk(urls[s.name as keyof typeof urls]!.get, { connections: CONNECTIONS, seconds: 1 });
    }
    const rows: Record<string, Figure[]> = { "local put": [], "s3rver put": [], "local get": [], "s3rver get": [] };
    const ratios: { put: number[]; get: number[] } = { put: [], get: [] };
    const vsBase = { put: { rows: [] as Figure[], rps: [] as number[], cpu: [] as number[] }, get: { rows: [] as Figure[], rps: [] as number[], cpu: [] as number[] } };
    for (let round = 1; round <= ROUNDS; round++) {
      const lp = await measure(local, urls.local.put, putScript);
      const sp = await measure(s3rver, urls.s3rver.put, putScript);
      const bp = base ? await measure(base, urls.baseline!.put, putScript) : undefined;
      const lg = await measure(local, urls.local.get);
      const sg = await measure(s3rver, urls.s3rver.get);
      const bg = base ? await measure(base, urls.baseline!.get) : undefined;
      rows["local put"]!.push(lp), rows["s3rver put"]!.push(sp), rows["local get"]!.push(lg), rows["s3rver get"]!.push(sg);
      ratios.put.push(lp.rps / sp.rps), ratios.get.push(lg.rps / sg.rps);
      const f = (x: Figure) => `${x.rps.toFixed(0).padStart(6)} req/s (${x.cpuUs.toFixed(0)} µs CPU/req)${x.errors ? ` ${x.errors} errors!` : ""}`;
      log(`  round ${round}: PUT local ${f(lp)} s3rver ${f(sp)} ${(lp.rps / sp.rps).toFixed(1)}x | GET local ${f(lg)} s3rver ${f(sg)} ${(lg.rps / sg.rps).toFixed(1)}x`);
      for (const [op, l, b] of [["put", lp, bp], ["get", lg, bg]] as const) {
        if (!b) continue;
        vsBase[op].rows.push(b), vsBase[op].rps.push(l.rps / b.rps), vsBase[op].cpu.push(l.cpuUs / b.cpuUs);
        log(`           ${op.toUpperCase()} baseline ${f(b)}: this/baseline req/s ${((100 * l.rps) / b.rps).toFixed(1)}%, CPU/req ${((100 * l.cpuUs) / b.cpuUs).toFixed(1)}%`);
      }
    }
    const med = (xs: Figure[]): Figure => ({ rps: median(xs.map((x) => x.rps)), cpuUs: median(xs.map((x) => x.cpuUs)), errors: xs.reduce((n, x) => n + x.errors, 0) });
    const d = disk();
    const l = await large(local);
    const s = await large(s3rver);
    const b = await large(files);
    log(`  8 MiB × ${LARGE_COUNT}: local PUT ${l.putMBs.toFixed(0)} MB/s (${l.putCpuUsPerMiB.toFixed(0)} µs CPU/MiB), GET ${l.getMBs.toFixed(0)} MB/s (${l.getCpuUsPerMiB.toFixed(0)} µs CPU/MiB); s3rver PUT ${s.putMBs.toFixed(0)}, GET ${s.getMBs.toFixed(0)}; bare node:http + fs streams PUT ${b.putMBs.toFixed(0)}, GET ${b.getMBs.toFixed(0)}; disk write ${d.writeMBs.toFixed(0)} MB/s, read ${d.readMBs.toFixed(0)} MB/s`);
    const versus = (op: "put" | "get"): VsBaseline | undefined =>
      base ? { baseline: med(vsBase[op].rows), rpsRatio: median(vsBase[op].rps), cpuRatio: median(vsBase[op].cpu) } : undefined;
    return {
      put: { local: med(rows["local put"]!), s3rver: med(rows["s3rver put"]!), ratio: median(ratios.put), vsBaseline: versus("put") },
      get: { local: med(rows["local get"]!), s3rver: med(rows["s3rver get"]!), ratio: median(ratios.get), vsBaseline: versus("get") },
      large: { putMBs: l.putMBs, getMBs: l.getMBs, getAgainMBs: l.againMBs, getCpuUsPerMiB: l.getCpuUsPerMiB, diskReadCpuUsPerMiB: d.readCpuUsPerMiB, diskWriteMBs: d.writeMBs, diskReadMBs: d.readMBs, s3rverPutMBs: s.putMBs, s3rverGetMBs: s.getMBs, filesPutMBs: b.putMBs, filesGetMBs: b.getMBs },
    };
  } finally {
    await Promise.all([stop(local), stop(s3rver), stop(files), base && stop(base)]);
    fs.rmSync(putScript, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runS3Bench();
  console.log(`S3 1 KiB PUT: ${r.put.local.rps.toFixed(0)} req/s vs s3rver ${r.put.s3rver.rps.toFixed(0)} = ${r.put.ratio.toFixed(1)}x (target ≥ 5x); CPU/req ${r.put.local.cpuUs.toFixed(0)} vs ${r.put.s3rver.cpuUs.toFixed(0)} µs`);
  console.log(`S3 1 KiB GET: ${r.get.local.rps.toFixed(0)} req/s vs s3rver ${r.get.s3rver.rps.toFixed(0)} = ${r.get.ratio.toFixed(1)}x (target ≥ 5x); CPU/req ${r.get.local.cpuUs.toFixed(0)} vs ${r.get.s3rver.cpuUs.toFixed(0)} µs`);
  for (const op of ["put", "get"] as const) {
    const v = r[op].vsBaseline;
    if (v) console.log(`S3 1 KiB ${op.toUpperCase()} vs baseline (${BASELINE}): req/s ${r[op].local.rps.toFixed(0)} vs ${v.baseline.rps.toFixed(0)} (${(100 * v.rpsRatio).toFixed(1)}%), CPU/req ${r[op].local.cpuUs.toFixed(0)} vs ${v.baseline.cpuUs.toFixed(0)} µs (${(100 * v.cpuRatio).toFixed(1)}%) — medians of per-round ratios`);
  }
  console.log(`S3 8 MiB: PUT ${r.large.putMBs.toFixed(0)} MB/s = ${((100 * r.large.putMBs) / r.large.diskWriteMBs).toFixed(0)}% of disk write, GET ${r.large.getMBs.toFixed(0)} MB/s = ${((100 * r.large.getMBs) / r.large.diskReadMBs).toFixed(0)}% of disk read (target ≥ 80%); bare node:http + fs streams PUT ${r.large.filesPutMBs.toFixed(0)}, GET ${r.large.filesGetMBs.toFixed(0)} MB/s (local = ${((100 * r.large.putMBs) / r.large.filesPutMBs).toFixed(0)}% / ${((100 * r.large.getMBs) / r.large.filesGetMBs).toFixed(0)}% of it)`);
}
