/**
 * CloudWatch Logs' store under the LogShipper's load: batches of 512 lines (a Lambda
 * invocation's START / END / REPORT and an access log line, 128 requests' worth, with
 * real request ids) appended to a WAL file as `sst dev` opens logs.sqlite. Per batch:
 * CPU, appends slower than 10 ms (a WAL checkpoint copies the WAL into the file and
 * fsyncs twice, on the event loop), and the file's size. With BENCH_BASELINE, the same
 * for that checkout's store, in the same rounds.
 *
 *   node --import tsx bench/invoke/logs-store.ts
 *   BENCH_BASELINE=/path/to/other/checkout BENCH_BATCHES=400 node --import tsx bench/invoke/logs-store.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { LogsStore } from "../../packages/local-cloud/src/services/logs/store.js";
import { machineLoad } from "../lib/proc.js";

const BATCHES = Number(process.env.BENCH_BATCHES ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE = process.env.BENCH_BASELINE;

type Store = Pick<LogsStore, "createGroup" | "createStream" | "appendEvents">;

function batch(): { timestamp: number; message: string }[] {
  const events = [];
  for (let r = 0; r < 128; r++) {
    const id = crypto.randomUUID();
    const t = Date.now();
    events.push(
      { timestamp: t, message: `START RequestId: ${id} Version: $LATEST` },
      { timestamp: t, message: `END RequestId: ${id}` },
      { timestamp: t, message: `REPORT RequestId: ${id}\tDuration: 0.12 ms\tBilled Duration: 1 ms\tMemory Size: 1024 MB\tMax Memory Used: 73 MB` },
      { timestamp: t, message: `{ "requestId":"${id.slice(0, 12)}=", "ip": "127.0.0.1", "requestTime":"07/Dec/2026:20:30:00 +0000", "httpMethod":"GET","routeKey":"GET /hello", "status":"200","protocol":"HTTP/1.1", "responseLength":"5" }` },
    );
  }
  return events;
}

function measure(name: string, make: (db: Database.Database) => Store, dir: string): void {
  const file = path.join(dir, `${name}.sqlite`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const store = make(db);
  store.createGroup("/aws/lambda/f", 0, undefined, "STANDARD");
  store.createStream("/aws/lambda/f", "s", 0);
  const batches = Array.from({ length: BATCHES }, batch);
  const cpu0 = process.cpuUsage();
  let slow = 0;
  let slowest = 0;
  for (const b of batches) {
    const t = performance.now();
    store.appendEvents("/aws/lambda/f", "s", b, Date.now());
    const ms = performance.now() - t;
    if (ms > 10) slow++;
    slowest = Math.max(slowest, ms);
  }
  const cpu = process.cpuUsage(cpu0);
  db.close();
  const size = [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  console.log(
    `  ${name.padEnd(8)} ${((cpu.user + cpu.system) / 1000 / BATCHES).toFixed(3)} ms CPU a batch; ${slow} appends over 10 ms (slowest ${slowest.toFixed(0)} ms); ${(size / 1e6).toFixed(1)} MB on disk`,
  );
}

const stores: [string, (db: Database.Database) => Store][] = [["this", (db) => new LogsStore(db)]];
if (BASELINE) {
  const { LogsStore: Baseline } = await import(path.join(path.resolve(BASELINE), "packages/local-cloud/src/services/logs/store.ts"));
  stores.push(["baseline", (db) => new Baseline(db)]);
}
console.log(`${BATCHES} batches of 512 log lines (${BATCHES * 128} requests' worth) per store and round; ${machineLoad()}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logs-store-bench-"));
try {
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    for (const [name, make] of stores) measure(`${name}-${round}`, make, dir);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
