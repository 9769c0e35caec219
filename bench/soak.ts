/**
 * Soak (issue 12): `sst dev` on the seed's app under mixed load for SOAK_MINUTES
 * (default 10): Api routes (a constant one, users CRUD on DynamoDB), S3 uploads through
 * presigned URLs (each notifying a function), jobs through SQS to its consumer, and
 * every user write through the DynamoDB stream to its consumer. Passes when no request
 * failed, no function logged an error or timed out, every job and every stream record reached its consumer, and the process
 * tree's memory stopped growing (the last samples within 10 % + 10 MB of the samples
 * after the first two minutes). Not part of `npm test`.
 *
 *   node --import tsx bench/soak.ts
 *   SOAK_MINUTES=1 SOAK_WORKERS=8 node --import tsx bench/soak.ts
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { machineLoad, treePssMb, treeRssMb } from "./lib/proc.js";
import { prepareSeedApp, startSstDev } from "./lib/servers.js";
import { removeApp } from "../tests/helpers/app-copy.js";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8);
/** The seed's queue consumer batches for up to 30 s: wait that long (and some) for the last jobs. */
const DRAIN_MS = 45_000;

interface Tally {
  requests: number;
  failures: string[];
  users: string[];
  jobs: string[];
  uploads: number;
}

const soakStarted = Date.now();

/** Records a failure, and prints the first few as they happen (with when), for the diagnosis. */
function fail(tally: Tally, what: string): void {
  tally.failures.push(what);
  if (tally.failures.length <= 20) console.log(`  failure at ${((Date.now() - soakStarted) / 1000).toFixed(1)} s: ${what}`);
}

async function expect(res: Response, status: number, what: string, tally: Tally): Promise<any> {
  tally.requests++;
  const text = await res.text();
  if (res.status !== status) {
    fail(tally, `${what}: ${res.status} ${text.slice(0, 200)}`);
    return undefined;
  }
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

async function oneRequest(api: string, tally: Tally, n: number): Promise<void> {
  const pick = n % 20;
  if (pick < 8) {
    await expect(await fetch(`${api}/hello`), 200, "GET /hello", tally);
  } else if (pick < 11) {
    const user = await expect(
      await fetch(`${api}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `soak ${n}`, email: `soak${n}@example.com` }) }),
      201, "POST /users", tally,
    );
    if (user?.id) tally.users.push(user.id);
  } else if (pick < 14) {
    const id = tally.users[Math.floor(Math.random() * tally.users.length)];
    if (id) await expect(await fetch(`${api}/users/${id}`), 200, `GET /users/${id}`, tally);
  } else if (pick < 16) {
    const job = await expect(await fetch(`${api}/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "soak", n }) }), 202, "POST /jobs", tally);
    if (job?.jobId) tally.jobs.push(job.jobId);
  } else if (pick < 18) {
    const up = await expect(
      await fetch(`${api}/uploads`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ filename: `f${n}.txt`, contentType: "text/plain" }) }),
      200, "POST /uploads", tally,
    );
    if (up?.url) {
      const put = await fetch(up.url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "x".repeat(1024) });
      await expect(put, 200, "PUT presigned", tally);
      if (put.status === 200) tally.uploads++;
    }
  } else {
    await expect(await fetch(`${api}/users?limit=5`), 200, "GET /users", tally);
  }
}

/** How many log events of all the app's function log groups match `pattern` (the first few printed when `show`). */
async function countLogs(logs: CloudWatchLogsClient, pattern: string, show = 0): Promise<number> {
  const groups = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/" }))).logGroups ?? [];
  let count = 0;
  for (const g of groups) {
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: g.logGroupName!, filterPattern: pattern, nextToken }));
      for (const e of page.events ?? []) if (count++ < show) console.log(`  ${g.logGroupName}: ${e.message?.trim().slice(0, 300)}`);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return count;
}

const app = prepareSeedApp("soak");
const dev = await startSstDev(app);
const endpoint = new URL(dev.api).origin;
const clientConfig = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const tally: Tally = { requests: 0, failures: [], users: [], jobs: [], uploads: 0 };
const samples: { minute: number; rss: number; pss: number }[] = [];
let exitCode = 1;
try {
  console.log(`soak: ${MINUTES} min, ${WORKERS} workers against sst dev on the seed's app; ${machineLoad()}`);
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const first = { minute: 0, rss: treeRssMb(dev.pid).total, pss: treePssMb(dev.pid) };
  samples.push(first);
  console.log(`  0.0 min (before load): tree ${first.rss.toFixed(0)} MB RSS, ${first.pss.toFixed(0)} MB PSS`);
  const sampler = setInterval(() => {
    const s = { minute: (Date.now() - started) / 60_000, rss: treeRssMb(dev.pid).total, pss: treePssMb(dev.pid) };
    samples.push(s);
    console.log(`  ${s.minute.toFixed(1)} min: ${tally.requests} requests, ${tally.failures.length} failed; tree ${s.rss.toFixed(0)} MB RSS, ${s.pss.toFixed(0)} MB PSS`);
  }, 30_000);
  let n = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (Date.now() < end) {
        try {
          await oneRequest(dev.api, tally, n++);
        } catch (err) {
          fail(tally, `request ${n}: ${(err as Error).message}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  console.log(`  load over: ${tally.requests} requests, ${tally.failures.length} failed; waiting ${DRAIN_MS / 1000} s for the queue's batching window`);
  await new Promise((r) => setTimeout(r, DRAIN_MS));

  const ddb = new DynamoDBClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  const done = new Set<string>();
  let ExclusiveStartKey: any;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: "bench-my-app-Users", ExclusiveStartKey, FilterExpression: "begins_with(pk, :job)", ExpressionAttributeValues: { ":job": { S: "JOB#" } } }));
    for (const item of page.Items ?? []) done.add(item.pk!.S!.slice(4));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const jobsMissing = tally.jobs.filter((j) => !done.has(j));
  const streamInserts = await countLogs(logs, '"Stream INSERT"');
  const uploadsSeen = await countLogs(logs, '"Processing upload"');
  // What a failed request's function said: timeouts, crashes, errors its code logged.
  const functionErrors = await countLogs(logs, '?"Status: error" ?"Task timed out" ?ERROR', 10);
  // Cold starts past Lambda's 10 s init limit (a starved machine): not errors, as on AWS, but worth knowing.
  const slowInits = await countLogs(logs, '"INIT_REPORT"');
  ddb.destroy();
  logs.destroy();

  const settled = samples.filter((s) => s.minute >= 2 && s.minute < 3.1);
  const last = samples.slice(-3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = settled.length ? mean(settled.map((s) => s.rss)) : samples[0]?.rss ?? 0;
  const final = last.length ? mean(last.map((s) => s.rss)) : 0;
  const leak = samples.length >= 4 && final > base * 1.1 + 10;

  console.log(`requests: ${tally.requests}, failed: ${tally.failures.length}${tally.failures.length ? ` (e.g. ${tally.failures.slice(0, 3).join(" | ")})` : ""}`);
  console.log(`jobs: ${tally.jobs.length} sent, ${tally.jobs.length - jobsMissing.length} processed by the SQS consumer`);
  console.log(`users: ${tally.users.length} created, ${streamInserts} INSERT records seen by the stream consumer`);
  console.log(`function errors logged: ${functionErrors}; cold starts past the 10 s init limit: ${slowInits}`);
  console.log(`uploads: ${tally.uploads} PUT through presigned URLs, ${uploadsSeen} seen by the notification function`);
  const middle = samples.reduce((best, s) => (Math.abs(s.minute - MINUTES / 2) < Math.abs(best.minute - MINUTES / 2) ? s : best), samples[0]!);
  console.log(`memory: ${samples[0]!.rss.toFixed(0)} MB RSS before load, ${base.toFixed(0)} MB after the first minutes, ${middle.rss.toFixed(0)} MB at ${middle.minute.toFixed(1)} min, ${final.toFixed(0)} MB at the end${leak ? " — GROWING" : " — flat"}`);
  const ok = tally.failures.length === 0 && functionErrors === 0 && jobsMissing.length === 0 && streamInserts >= tally.users.length && uploadsSeen >= tally.uploads && !leak;
  console.log(ok ? "soak: PASS" : "soak: FAIL");
  exitCode = ok ? 0 : 1;
} finally {
  await dev.stop();
  removeApp(app);
}
process.exit(exitCode);
