/**
 * One server under test, in its own process so it gets the event loop (and a core) to
 * itself: `local` (the local cloud), `dynalite` (in memory), `bare` (node:http
 * answering "{}", the ceiling of one Node process), `bare2` (node:http answering a
 * GetItem-sized JSON body with AWS-like headers; BARE_BYTES sets the string's length) or
 * `bare-net` (a minimal HTTP/1.1 responder on node:net answering "{}": the floor of the
 * HTTP layer without node:http). Started by run.ts with an IPC channel:
 * it sends { port } once listening, then answers { cmd: "fill", … } with { filled }.
 *
 *   node --import tsx bench/dynamodb/server.ts local|dynalite|bare|bare2|bare-net
 */
import http from "node:http";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import dynalite from "dynalite";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";

export interface FillCommand {
  cmd: "fill";
  table: string;
  partitions: number;
  perPartition: number;
}

const kind = process.argv[2];
const TABLE_SCHEMA = {
  BillingMode: "PAY_PER_REQUEST",
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
};

function* batches(fill: FillCommand) {
  let batch: any[] = [];
  for (let p = 0; p < fill.partitions; p++) {
    for (let s = 0; s < fill.perPartition; s++) {
      batch.push({ PutRequest: { Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, data: { S: "x".repeat(100) } } } });
      if (batch.length === 25) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/** dynalite has no in-process API: fill it over its own HTTP endpoint, unsigned (it does not check). */
function dynaliteCall(port: number, op: string, input: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: "/", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${op}`, "x-amz-date": "20240101T000000Z", authorization: "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00" } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${op}: ${text}`))));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(input));
  });
}

async function main() {
  const send = (m: unknown) => process.send!(m);
  // CPU time consumed so far: run.ts divides its growth by the requests served, a figure
  // that stays meaningful when other work on the machine steals cycles.
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "cpu") {
      const u = process.cpuUsage();
      send({ cpu: u.user + u.system, user: u.user, system: u.system, monotonicUs: Number(process.hrtime.bigint() / 1000n) });
    }
  });
  if (kind === "bare" || kind === "bare2") {
    const answer = JSON.stringify({ Item: { pk: { S: "p1" }, sk: { N: "1" }, data: { S: "x".repeat(Number(process.env.BARE_BYTES ?? 100)) } } });
    const server = http.createServer((req, res) => {
      req.resume();
      if (kind === "bare") req.on("end", () => res.end("{}"));
      else req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "0c8e4a8f-2f0a-4a7b-9d62-0d3c7a2f1e55", "content-length": String(answer.length) });
        res.end(answer);
      });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    send({ port: (server.address() as any).port });
    process.on("message", (m: FillCommand) => m.cmd === "fill" && send({ filled: m.table }));
    return;
  }
  if (kind === "bare-net") {
    // Frames keep-alive requests by Content-Length only (what the load generator sends)
    // and answers each with one write: no validation, no header record.
    const HEAD_END = Buffer.from("\r\n\r\n");
    const answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}";
    const server = net.createServer({ noDelay: true }, (socket) => {
      let pending: Buffer | null = null;
      socket.on("error", () => socket.destroy());
      socket.on("data", (chunk: Buffer) => {
        let buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
        pending = null;
        for (;;) {
          const end = buf.indexOf(HEAD_END);
          if (end < 0) break;
          const head = buf.toString("latin1", 0, end).toLowerCase();
          const cl = head.indexOf("\r\ncontent-length:");
          const length = cl < 0 ? 0 : parseInt(head.slice(cl + 17), 10);
          if (buf.length < end + 4 + length) break;
          socket.write(answer);
          buf = buf.subarray(end + 4 + length);
        }
        if (buf.length) pending = buf;
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    send({ port: (server.address() as net.AddressInfo).port });
    process.on("message", (m: FillCommand) => m.cmd === "fill" && send({ filled: m.table }));
    return;
  }
  if (kind === "dynalite") {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as any).port;
    send({ port });
    process.on("message", async (m: FillCommand) => {
      if (m.cmd !== "fill") return;
      await dynaliteCall(port, "CreateTable", { TableName: m.table, ...TABLE_SCHEMA });
      for (const b of batches(m)) await dynaliteCall(port, "BatchWriteItem", { RequestItems: { [m.table]: b } });
      send({ filled: m.table });
    });
    return;
  }
  if (kind === "local") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-bench-"));
    const cloud = await LocalCloud.start({ dir, port: 0 });
    const cleanup = () => {
      cloud.stop().finally(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    };
    process.on("disconnect", cleanup);
    process.on("SIGTERM", cleanup);
    send({ port: cloud.port });
    process.on("message", async (m: FillCommand) => {
      if (m.cmd !== "fill") return;
      // In-process: a million items over HTTP would take most of the benchmark's time.
      await cloud.dynamodb.call("CreateTable", { TableName: m.table, ...TABLE_SCHEMA });
      for (const b of batches(m)) await cloud.dynamodb.call("BatchWriteItem", { RequestItems: { [m.table]: b } });
      const { Table } = await cloud.dynamodb.call("DescribeTable", { TableName: m.table });
      send({ filled: m.table, items: Table.ItemCount });
    });
    return;
  }
  throw new Error(`usage: server.ts local|dynalite|bare|bare2|bare-net (got ${kind})`);
}

// bare and dynalite hold nothing on disk: leave with the parent. local cleans up first.
if (kind !== "local") process.on("disconnect", () => process.exit(0));
await main();
