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
import { zipSync, strToU8 } from "fflate";
import { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { createPollerRole } from "../../packages/local-cloud/src/testing.js";
import { median } from "../lib/wrk.js";

const COUNT = Number(process.env.BENCH_MESSAGES ?? 200);
const now = () => performance.timeOrigin + performance.now();

export interface SqsBenchResult {
  deliveryMs: number;
  deliveryP90Ms: number;
  invokeMs: number;
}

export async function runSqsBench(log: (line: string) => void = console.log): Promise<SqsBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-bench-"));
  const cloud = await LocalCloud.start({ dir, port: 0 });
  try {
    const code = `export const handler = async (event) => {
      const at = performance.timeOrigin + performance.now();
      for (const r of event.Records ?? []) console.log("DELIVERED " + (at - Number(r.body)));
      return "ok";
    };`;
    const role = await createPollerRole(cloud, "consumer");
    const fn = await cloud.lambda.call("CreateFunction", {
      FunctionName: "consumer", Role: role, Runtime: "nodejs20.x", Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) },
    });
    const { QueueUrl } = await cloud.sqs.call("CreateQueue", { QueueName: "bench" });
    const { Attributes } = await cloud.sqs.call("GetQueueAttributes", { QueueUrl, AttributeNames: ["QueueArn"] });
    await cloud.lambda.call("CreateEventSourceMapping", { FunctionName: fn.FunctionArn, EventSourceArn: Attributes.QueueArn, BatchSize: 1 });

    let arrived: ((ms: number) => void) | undefined;
    cloud.events.on("lambda:log", (e: { line: string }) => {
      const m = /DELIVERED ([\d.]+)/.exec(e.line);
      if (m) arrived?.(Number(m[1]));
    });
    const deliveries: number[] = [];
    for (let i = 0; i < COUNT + 10; i++) {
      const got = new Promise<number>((resolve) => (arrived = resolve));
      await cloud.sqs.call("SendMessage", { QueueUrl, MessageBody: String(now()) });
      const ms = await got;
      if (i >= 10) deliveries.push(ms); // the first few include the cold start
    }
    const invokes: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      const t = now();
      await cloud.lambda.invoke("consumer", { Records: [] });
      invokes.push(now() - t);
    }
    deliveries.sort((a, b) => a - b);
    const result = { deliveryMs: median(deliveries), deliveryP90Ms: deliveries[Math.floor(deliveries.length * 0.9)]!, invokeMs: median(invokes) };
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
