/**
 * Per-request CPU of the server's stages, in process and without HTTP: SigV4 verification
 * and the DynamoDB handler for PutItem, GetItem and Query(10). Complements run.ts (which
 * measures the whole path) when looking for where the microseconds go.
 *
 *   node --import tsx bench/dynamodb/micro.ts
 *
 * Each "×32" figure is the best of MICRO_ROUNDS (default 3) rounds, as the machine may be
 * shared. Besides the three benchmarked operations it times a Query without Limit (a whole
 * 20-item partition) and an UpdateItem with an expression, the other common shapes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { readSignature, verifySignature, type SignatureInfo } from "../../packages/local-cloud/src/server/sigv4.js";
import type { AwsRequest } from "../../packages/local-cloud/src/types.js";
import { signedRequest } from "./sign.js";

const N = Number(process.env.MICRO_N ?? 20000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-micro-"));
const cloud = await LocalCloud.start({ dir, port: 0 });

/** Turn a pre-built HTTP request back into the AwsRequest the kernel would make of it. */
function toAwsRequest(raw: Buffer): AwsRequest {
  const split = raw.indexOf("\r\n\r\n");
  const lines = raw.toString("latin1", 0, split).split("\r\n").slice(1);
  const headers: Record<string, string> = {};
  for (const l of lines) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
  return { requestId: randomUUID(), method: "POST", path: "/", query: new URLSearchParams(), headers, body: raw.subarray(split + 4), service: "dynamodb", region: "us-east-1", principal: cloud.adminContext().principal };
}

function time(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 2000; i++) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  console.log(`${label.padEnd(28)} ${(Number(process.hrtime.bigint() - t) / 1000 / N).toFixed(1).padStart(6)} µs`);
}

try {
  await cloud.dynamodb.call("CreateTable", {
    TableName: "Bench", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
  });
  for (let p = 0; p < 100; p++) {
    await cloud.dynamodb.call("BatchWriteItem", { RequestItems: { Bench: Array.from({ length: 20 }, (_, s) => ({ PutRequest: { Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, data: { S: "x".repeat(100) } } } })) } });
  }
  const host = `127.0.0.1:${cloud.port}`;
  const reqs = {
    PutItem: Array.from({ length: 1000 }, (_, i) => toAwsRequest(signedRequest(host, "DynamoDB_20120810.PutItem", { TableName: "Bench", Item: { pk: { S: `w${i % 500}` }, sk: { N: String(i) }, data: { S: "y".repeat(100) } } }))),
    GetItem: Array.from({ length: 1000 }, (_, i) => toAwsRequest(signedRequest(host, "DynamoDB_20120810.GetItem", { TableName: "Bench", Key: { pk: { S: `p${i % 100}` }, sk: { N: String(i % 20) } } }))),
    "Query(10)": Array.from({ length: 100 }, (_, i) => toAwsRequest(signedRequest(host, "DynamoDB_20120810.Query", { TableName: "Bench", KeyConditionExpression: "pk = :p", Limit: 10, ExpressionAttributeValues: { ":p": { S: `p${i}` } } }))),
    "Query(all 20)": Array.from({ length: 100 }, (_, i) => toAwsRequest(signedRequest(host, "DynamoDB_20120810.Query", { TableName: "Bench", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: `p${i}` } } }))),
    UpdateItem: Array.from({ length: 1000 }, (_, i) => toAwsRequest(signedRequest(host, "DynamoDB_20120810.UpdateItem", { TableName: "Bench", Key: { pk: { S: `p${i % 100}` }, sk: { N: String(i % 20) } }, UpdateExpression: "SET #d = :d ADD #n :one", ExpressionAttributeNames: { "#d": "data", "#n": "n" }, ExpressionAttributeValues: { ":d": { S: "z".repeat(100) }, ":one": { N: "1" } } }))),
  };
  const get = reqs.GetItem;
  time("readSignature", (i) => readSignature(get[i % 1000]!.headers, get[i % 1000]!.query));
  time("verifySignature", (i) => {
    const r = get[i % 1000]!;
    if (verifySignature(readSignature(r.headers, r.query) as SignatureInfo, "test", r)) throw new Error("bad signature");
  });
  for (const [op, list] of Object.entries(reqs)) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) await cloud.dynamodb.handle(list[i % list.length]!);
    const n = N / 2;
    const t2 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const res = await cloud.dynamodb.handle(list[i % list.length]!);
      if (res.status !== 200) throw new Error(`${op}: ${res.body}`);
    }
    void t;
    console.log(`${("handle " + op).padEnd(28)} ${(Number(process.hrtime.bigint() - t2) / 1000 / n).toFixed(1).padStart(6)} µs`);
    // 32 at a time, as concurrent connections arrive: writes share a group commit.
    let best = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const t3 = process.hrtime.bigint();
      for (let i = 0; i < n; i += 32) {
        const batch = [];
        for (let j = 0; j < 32; j++) batch.push(cloud.dynamodb.handle(list[(i + j) % list.length]!));
        for (const res of await Promise.all(batch)) if (res.status !== 200) throw new Error(`${op}: ${res.body}`);
      }
      best = Math.min(best, Number(process.hrtime.bigint() - t3) / 1000 / n);
    }
    console.log(`${("handle " + op + " ×32").padEnd(28)} ${best.toFixed(1).padStart(6)} µs`);
  }
} finally {
  await cloud.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
