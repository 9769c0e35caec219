/**
 * Event source → Lambda delivery latency: a consumer function that logs, for each record,
 * how long ago the timestamp in its body was taken; records are sent one at a time, each
 * after the previous one arrived. Baseline in the same run: a direct synchronous Invoke of
 * the same function. Used by the SQS and Kinesis benchmarks.
 */
import { zipSync, strToU8 } from "fflate";
import type { LocalCloud } from "../../packages/local-cloud/src/cloud.js";
import { createPollerRole } from "../../packages/local-cloud/src/testing.js";
import { median } from "./wrk.js";

export const now = () => performance.timeOrigin + performance.now();

/** Creates the consumer; `body` is the JS expression giving a record's body text from `r`. */
export async function createDeliveryConsumer(cloud: LocalCloud, body: string): Promise<string> {
  const code = `export const handler = async (event) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of event.Records ?? []) console.log("DELIVERED " + (at - Number(${body})));
    return "ok";
  };`;
  const role = await createPollerRole(cloud, "consumer");
  const fn = await cloud.lambda.call("CreateFunction", {
    FunctionName: "consumer", Role: role, Runtime: "nodejs20.x", Handler: "index.handler",
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) },
  });
  return fn.FunctionArn;
}

/** `count` deliveries (after 10 that include the cold start) of what `send(timestamp)` sends, then as many direct Invokes. */
export async function measureDelivery(cloud: LocalCloud, count: number, send: (timestamp: string) => Promise<unknown>) {
  let arrived: ((ms: number) => void) | undefined;
  const listener = (e: { line: string }) => {
    const m = /DELIVERED ([\d.]+)/.exec(e.line);
    if (m) arrived?.(Number(m[1]));
  };
  cloud.events.on("lambda:log", listener);
  try {
    const deliveries: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const got = new Promise<number>((resolve) => (arrived = resolve));
      await send(String(now()));
      const ms = await got;
      if (i >= 10) deliveries.push(ms);
    }
    const invokes: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = now();
      await cloud.lambda.invoke("consumer", { Records: [] });
      invokes.push(now() - t);
    }
    deliveries.sort((a, b) => a - b);
    invokes.sort((a, b) => a - b);
    return { deliveryMs: median(deliveries), deliveryP90Ms: deliveries[Math.floor(deliveries.length * 0.9)]!, invokeMs: median(invokes) };
  } finally {
    cloud.events.off("lambda:log", listener);
  }
}
