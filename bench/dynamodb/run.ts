/**
 * DynamoDB benchmark: the local cloud's DynamoDB over HTTP vs a bare node:http server
 * (the ceiling of one Node process), driven by a raw keep-alive HTTP load generator with
 * pre-signed SigV4 requests (the SDK client itself is too slow to saturate a server).
 * Then Query latency on a large table vs a small one.
 *
 *   node --import tsx bench/dynamodb/run.ts            # BENCH_ITEMS=1000000 by default
 *   BENCH_ITEMS=100000 BENCH_SECONDS=3 node --import tsx bench/dynamodb/run.ts
 *
 * dynalite (a root devDependency) runs in the same process, in memory, for comparison.
 */
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash, createHmac } from "node:crypto";
import dynalite from "dynalite";
import { DynamoDBClient, CreateTableCommand, BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BIG = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const SMALL = 10_000;
const CONCURRENCY = 32;

interface Prepared {
  headers: Record<string, string>;
  body: string;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** SigV4-sign one DynamoDB request (admin credentials), so the server does real verification. */
function sign(host: string, target: string, body: string): Prepared {
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
    "x-amz-target": target,
  };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", "/", "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), payloadHash].join("\n");
  const scope = `${date}/us-east-1/dynamodb/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4test", date), "us-east-1"), "dynamodb"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=test/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return { headers, body };
}

/** Fires requests for `seconds` with `CONCURRENCY` in flight; returns requests/second. */
async function load(port: number, requests: Prepared[], seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  let i = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const r = requests[i++ % requests.length]!;
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: r.headers, agent }, (res) => {
        if (res.statusCode !== 200) errors++;
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const worker = async () => {
    while (Date.now() < end) {
      await one();
      done++;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  if (errors) console.log(`  (${errors} non-200 responses)`);
  return done / ((Date.now() - start) / 1000);
}

async function loadTable(cloud: LocalCloud, name: string, partitions: number, perPartition: number): Promise<void> {
  await cloud.dynamodb.call("CreateTable", {
    TableName: name, BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
  });
  const batch: any[] = [];
  const flush = async () => {
    if (batch.length) await cloud.dynamodb.call("BatchWriteItem", { RequestItems: { [name]: batch.splice(0) } });
  };
  for (let p = 0; p < partitions; p++) {
    for (let s = 0; s < perPartition; s++) {
      batch.push({ PutRequest: { Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, data: { S: "x".repeat(100) } } } });
      if (batch.length === 25) await flush();
    }
  }
  await flush();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function queryLatency(cloud: LocalCloud, table: string, partitions: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = process.hrtime.bigint();
    await cloud.dynamodb.call("Query", {
      TableName: table, KeyConditionExpression: "pk = :p AND sk >= :s", Limit: 10,
      ExpressionAttributeValues: { ":p": { S: `p${(i * 7919) % partitions}` }, ":s": { N: "3" } },
    });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/** Same table and data in dynalite, loaded through the SDK. */
async function loadDynalite(port: number): Promise<void> {
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  await client.send(new CreateTableCommand({
    TableName: "Bench", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
  }));
  for (let p = 0; p < 100; p++) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { Bench: Array.from({ length: 20 }, (_, s) => ({ PutRequest: { Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, data: { S: "x".repeat(100) } } } })) } }));
  }
  client.destroy();
}

function requestsFor(host: string) {
  return {
    PutItem: Array.from({ length: 5000 }, (_, i) => sign(host, "DynamoDB_20120810.PutItem", JSON.stringify({ TableName: "Bench", Item: { pk: { S: `w${i % 500}` }, sk: { N: String(i) }, data: { S: "y".repeat(100) } } }))),
    GetItem: Array.from({ length: 1000 }, (_, i) => sign(host, "DynamoDB_20120810.GetItem", JSON.stringify({ TableName: "Bench", Key: { pk: { S: `p${i % 100}` }, sk: { N: String(i % 20) } } }))),
    "Query(10)": Array.from({ length: 100 }, (_, i) => sign(host, "DynamoDB_20120810.Query", JSON.stringify({ TableName: "Bench", KeyConditionExpression: "pk = :p", Limit: 10, ExpressionAttributeValues: { ":p": { S: `p${i}` } } }))),
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-bench-"));
  const cloud = await LocalCloud.start({ dir, port: 0 });
  const bare = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  const barePort = (bare.address() as any).port;
  const dyn = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => dyn.listen(0, "127.0.0.1", () => r()));
  const dynPort = (dyn.address() as any).port;
  try {
    await loadDynalite(dynPort);
    const host = `127.0.0.1:${cloud.port}`;
    await loadTable(cloud, "Bench", 100, 20);
    const local = requestsFor(host);
    const other = requestsFor(`127.0.0.1:${dynPort}`);
    const bareRps = await load(barePort, local.GetItem, SECONDS);
    console.log(`bare node:http            ${bareRps.toFixed(0).padStart(8)} req/s`);
    for (const op of ["PutItem", "GetItem", "Query(10)"] as const) {
      const mine = await load(cloud.port, local[op], SECONDS);
      const theirs = await load(dynPort, other[op], SECONDS);
      console.log(
        `${op.padEnd(10)} local ${mine.toFixed(0).padStart(7)} req/s | dynalite ${theirs.toFixed(0).padStart(7)} req/s | local/dynalite ${(mine / theirs).toFixed(2)}x | local/bare ${((mine / bareRps) * 100).toFixed(1)}%`,
      );
    }
    console.log(`loading ${BIG.toLocaleString()} items and ${SMALL.toLocaleString()} items …`);
    await loadTable(cloud, "Big", BIG / 100, 100);
    await loadTable(cloud, "Small", SMALL / 100, 100);
    const big = await queryLatency(cloud, "Big", BIG / 100);
    const small = await queryLatency(cloud, "Small", SMALL / 100);
    console.log(`Query(10) median latency: ${BIG.toLocaleString()} items ${big.toFixed(3)} ms, ${SMALL.toLocaleString()} items ${small.toFixed(3)} ms (ratio ${(big / small).toFixed(2)})`);
  } finally {
    bare.close();
    dyn.close();
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
