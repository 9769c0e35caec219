/**
 * Kinesis in the local cloud, each figure beside a baseline measured in the same run:
 *
 * - PutRecord and GetRecords through the real SDK v3 client (HTTP/2, as it always speaks
 *   to Kinesis; and HTTP/1.1, as the AWS CLI and aws-sdk v2 do), per request: median
 *   latency and CPU (client and server share the process, so CPU is of both). Baselines:
 *   the same HTTP/2 client against a bare node:http2 server that answers at once (the
 *   SDK's Kinesis client opens an HTTP/2 session per request: that cost is the client's),
 *   and SQS SendMessage over HTTP/1.1 (the cheapest comparable durable write).
 * - Kinesis → Lambda delivery latency (batch size 1, no window; each record put after the
 *   previous one arrived), against a direct synchronous Invoke of the same function.
 *
 *   node --import tsx bench/kinesis/run.ts
 *   BENCH_REQUESTS=500 node --import tsx bench/kinesis/run.ts   # a smoke run
 */
import fs from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import { KinesisClient, CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { SQSClient, CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { createDeliveryConsumer, measureDelivery, now } from "../lib/delivery.js";
import { median } from "../lib/wrk.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const DELIVERIES = Number(process.env.BENCH_MESSAGES ?? 200);

interface Figure {
  medianMs: number;
  cpuUs: number;
}

/** `n` sequential calls after 50 to warm up: median latency, and process CPU per call. */
async function measure(n: number, call: (i: number) => Promise<unknown>): Promise<Figure> {
  for (let i = 0; i < 50; i++) await call(i);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = now();
    await call(i);
    times.push(now() - t);
  }
  const used = process.cpuUsage(cpu);
  return { medianMs: median(times.sort((a, b) => a - b)), cpuUs: (used.user + used.system) / n };
}

/** The Kinesis client against a node:http2 server that answers every request at once. */
async function bareHttp2(n: number): Promise<Figure> {
  const server = http2.createServer();
  server.on("request", (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end('{"ShardId":"shardId-000000000000","SequenceNumber":"1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new KinesisClient({ endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    const data = Buffer.alloc(256, 7);
    return await measure(n, (i) => client.send(new PutRecordCommand({ StreamName: "bench", Data: data, PartitionKey: `k${i}` })));
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

export interface KinesisBenchResult {
  bareH2: Figure;
  putH2: Figure;
  putH1: Figure;
  getH2: Figure;
  sqsH1: Figure;
  deliveryMs: number;
  invokeMs: number;
}

export async function runKinesisBench(log: (line: string) => void = console.log): Promise<KinesisBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kinesis-bench-"));
  const cloud = await LocalCloud.start({ dir, port: 0 });
  const config = { endpoint: cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
  const h2 = new KinesisClient(config);
  const h1 = new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
  const sqs = new SQSClient(config);
  try {
    await h2.send(new CreateStreamCommand({ StreamName: "bench", StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench" }));
    const data = Buffer.alloc(256, 7);
    const bareH2 = await bareHttp2(REQUESTS);
    const putH2 = await measure(REQUESTS, (i) => h2.send(new PutRecordCommand({ StreamName: "bench", Data: data, PartitionKey: `k${i}` })));
    const putH1 = await measure(REQUESTS, (i) => h1.send(new PutRecordCommand({ StreamName: "bench", Data: data, PartitionKey: `k${i}` })));
    const sqsH1 = await measure(REQUESTS, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: data.toString("base64") })));
    // GetRecords of 10 records at a time from the start of a shard, following NextShardIterator.
    let iterator = (await h2.send(new GetShardIteratorCommand({ StreamName: "bench", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
    const getH2 = await measure(Math.min(REQUESTS, 200), async () => {
      const out = await h2.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10 }));
      iterator = out.NextShardIterator;
    });

    const fn = await createDeliveryConsumer(cloud, `Buffer.from(r.kinesis.data, "base64").toString()`);
    await h2.send(new CreateStreamCommand({ StreamName: "deliver", ShardCount: 1 }));
    await cloud.lambda.call("CreateEventSourceMapping", {
      FunctionName: fn, EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/deliver", BatchSize: 1, StartingPosition: "TRIM_HORIZON",
    });
    const delivery = await measureDelivery(cloud, DELIVERIES, (timestamp) => cloud.kinesis.call("PutRecord", { StreamName: "deliver", Data: Buffer.from(timestamp), PartitionKey: "p" }));
    const result = { bareH2, putH2, putH1, getH2, sqsH1, deliveryMs: delivery.deliveryMs, invokeMs: delivery.invokeMs };
    const f = (x: Figure) => `median ${x.medianMs.toFixed(2)} ms, ${x.cpuUs.toFixed(0)} µs CPU/req`;
    log(`Kinesis PutRecord, SDK v3 over HTTP/2:   ${f(putH2)} (${(putH2.cpuUs / bareH2.cpuUs).toFixed(2)}× the bare HTTP/2 server's CPU)`);
    log(`baseline bare node:http2, same client:   ${f(bareH2)}`);
    log(`Kinesis PutRecord, SDK v3 over HTTP/1.1: ${f(putH1)} (${(putH1.cpuUs / sqsH1.cpuUs).toFixed(2)}× SQS's CPU)`);
    log(`Kinesis GetRecords (10 records), HTTP/2: ${f(getH2)}`);
    log(`baseline SQS SendMessage, HTTP/1.1:      ${f(sqsH1)}`);
    log(`Kinesis → Lambda, ${DELIVERIES} records one at a time: delivery median ${result.deliveryMs.toFixed(2)} ms; baseline direct Invoke median ${result.invokeMs.toFixed(2)} ms`);
    return result;
  } finally {
    h2.destroy();
    h1.destroy();
    sqs.destroy();
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runKinesisBench();
  process.exit(0);
}
