/**
 * SQS → Lambda delivery latency (issue 12: ≤ 10 ms median with no batching window):
 * a message is sent, an event source mapping (batch size 1, no window) hands it to a
 * function, whose handler notes when it ran. Messages go one at a time, each after the
 * previous one arrived. Baseline in the same run: a direct synchronous Invoke of the
 * same function (the invocation a delivery needs anyway).
 *
 *   node --import tsx bench/sqs/run.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { createDeliveryConsumer, measureDelivery } from "../lib/delivery.js";

const COUNT = Number(process.env.BENCH_MESSAGES ?? 200);

export interface SqsBenchResult {
  deliveryMs: number;
  deliveryP90Ms: number;
  invokeMs: number;
}

export async function runSqsBench(log: (line: string) => void = console.log): Promise<SqsBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-bench-"));
  const cloud = await LocalCloud.start({ dir, port: 0 });
  try {
    const fn = await createDeliveryConsumer(cloud, "r.body");
    const { QueueUrl } = await cloud.sqs.call("CreateQueue", { QueueName: "bench" });
    const { Attributes } = await cloud.sqs.call("GetQueueAttributes", { QueueUrl, AttributeNames: ["QueueArn"] });
    await cloud.lambda.call("CreateEventSourceMapping", { FunctionName: fn, EventSourceArn: Attributes.QueueArn, BatchSize: 1 });
    const result = await measureDelivery(cloud, COUNT, (timestamp) => cloud.sqs.call("SendMessage", { QueueUrl, MessageBody: timestamp }));
    log(`SQS → Lambda, ${COUNT} messages one at a time: delivery median ${result.deliveryMs.toFixed(2)} ms, p90 ${result.deliveryP90Ms.toFixed(2)} ms; direct Invoke median ${result.invokeMs.toFixed(2)} ms`);
    return result;
  } finally {
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runSqsBench(() => undefined);
  console.log(`SQS → Lambda delivery: median ${r.deliveryMs.toFixed(2)} ms (target ≤ 10 ms), p90 ${r.deliveryP90Ms.toFixed(2)} ms; baseline direct Invoke ${r.invokeMs.toFixed(2)} ms`);
  process.exit(0);
}
