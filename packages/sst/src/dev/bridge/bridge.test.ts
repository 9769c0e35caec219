/**
 * The Live Lambda bridge, both ends, over a real SQS (the local cloud): the stub as
 * Lambda would call it, `sst dev`'s server behind a TCP proxy the test can cut.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SQSClient, DeleteQueueCommand, ListQueuesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "local-cloud/testing.js";
import { TcpProxy } from "../../../../../tests/helpers/tcp-proxy.js";
import type { AwsEnvironment } from "../../deploy/aws/environment.js";
import { bridgeNames } from "./names.js";
import { frameMessages } from "./protocol.js";
import { bridgeSqsClient, deleteReplyQueues, ensureRequestQueue } from "./queues.js";
import { BridgeServer, type BridgeAnswer, type BridgeInvocation } from "./server.js";
import { createStub, type StubContext } from "./stub.js";

const names = bridgeNames("bridge-test", "dev");
let tc: TestCloud;
let proxy: TcpProxy;
let devSqs: SQSClient;
let stubSqs: SQSClient;
let requestUrl: string;
let server: BridgeServer;
let handle: (inv: BridgeInvocation) => Promise<BridgeAnswer>;
const connection: string[] = [];
let contextN = 0;

function context(timeoutMs = 20_000): StubContext {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: `req-${++contextN}-${Math.random().toString(16).slice(2)}`,
    functionName: "dev-bridge-test-Fn",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:dev-bridge-test-Fn",
    memoryLimitInMB: "1024",
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

const echo = async (inv: BridgeInvocation): Promise<BridgeAnswer> => {
  const event = JSON.parse(inv.event);
  if (event.wait) await new Promise((r) => setTimeout(r, event.wait));
  if (event.fail) return { status: "error", error: { errorType: "TypeError", errorMessage: event.fail, trace: ["    at handler (src/fn.ts:3:9)"] } };
  return { status: "success", body: JSON.stringify({ echo: event, env: inv.header.env.MY_VAR, fn: inv.header.functionName }) };
};

before(async () => {
  tc = await startTestCloud();
  proxy = await TcpProxy.start(tc.cloud.port);
  const env = {
    account: "000000000000",
    region: "us-east-1",
    callerArn: "",
    credentials: async () => tc.clientConfig.credentials,
    source: { kind: "environment" },
    endpoint: proxy.endpoint,
  } as AwsEnvironment;
  devSqs = await bridgeSqsClient(env);
  stubSqs = new SQSClient({ ...tc.clientConfig, useQueueUrlAsEndpoint: false });
  requestUrl = await ensureRequestQueue(devSqs, names);
  handle = echo;
  server = new BridgeServer(devSqs, requestUrl, (inv) => handle(inv), { onConnection: (s) => connection.push(s) }, { visibilityTimeout: 2 });
  server.start();
});

after(async () => {
  await server?.stop(1000);
  devSqs?.destroy();
  stubSqs?.destroy();
  await proxy?.close();
  await tc?.stop();
});

const stub = () => createStub({ sqs: stubSqs, requestQueue: names.requestQueue, env: { MY_VAR: "from-lambda", PATH: "/var/lang/bin", AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" } });

describe("the Live Lambda bridge over SQS", () => {
  it("carries an invocation and its answer, with the execution environment (runtime internals left out)", async () => {
    handle = async (inv) => {
      assert.equal(inv.header.env.PATH, undefined);
      assert.equal(inv.header.env.AWS_LAMBDA_RUNTIME_API, undefined);
      return echo(inv);
    };
    try {
      assert.deepEqual(await stub()({ hello: "world" }, context()), { echo: { hello: "world" }, env: "from-lambda", fn: "dev-bridge-test-Fn" });
    } finally {
      handle = echo;
    }
  });

  it("rethrows the handler's error with its type, message and stack", async () => {
    await assert.rejects(stub()({ fail: "x is not a function" }, context()), (err: Error) => {
      assert.equal(err.name, "TypeError");
      assert.equal(err.message, "x is not a function");
      assert.match(err.stack!, /at handler \(src\/fn\.ts:3:9\)/);
      return true;
    });
  });

  it("chunks payloads above the message limit and reassembles them intact (1 MB each way, multi-byte text)", async () => {
    const text = "ünïcødé ✓ 🚀 \uFFFF".repeat(50_000).slice(0, 720_000);
    const out = (await stub()({ text }, context())) as { echo: { text: string } };
    assert.equal(createHash("sha256").update(out.echo.text).digest("hex"), createHash("sha256").update(text).digest("hex"));
  });

  it("serves concurrent invocations side by side", async () => {
    const s = stub();
    const started = Date.now();
    const outs = await Promise.all([0, 1, 2, 3, 4].map((i) => s({ i, wait: 600 }, context()) as Promise<{ echo: { i: number } }>));
    assert.deepEqual(outs.map((o) => o.echo.i), [0, 1, 2, 3, 4]);
    assert.ok(Date.now() - started < 5 * 600, "they did not run one after the other");
  });

  it("loses nothing when the network drops mid-invocation: the answer waits, a request sent meanwhile is served after", async () => {
    const s = stub();
    let running!: () => void;
    const runningNow = new Promise<void>((r) => (running = r));
    handle = async (inv) => {
      if (JSON.parse(inv.event).slow) running();
      return echo(inv);
    };
    try {
      const slow = s({ slow: true, wait: 800 }, context());
      await runningNow;
      await proxy.cut();
      const during = stub()({ during: true }, context());
      await new Promise((r) => setTimeout(r, 1_500));
      await proxy.restore();
      assert.deepEqual(((await slow) as { echo: unknown }).echo, { slow: true, wait: 800 });
      assert.deepEqual(((await during) as { echo: unknown }).echo, { during: true });
      assert.deepEqual(connection.slice(-2), ["lost", "restored"]);
    } finally {
      handle = echo;
    }
  });

  it("runs a request delivered twice only once", async () => {
    let runs = 0;
    handle = async (inv) => {
      runs++;
      return echo(inv);
    };
    try {
      const s = stub();
      const ctx = context();
      // The same request id sent again by hand, as SQS may deliver it twice.
      const header = { v: 1 as const, kind: "request" as const, id: ctx.awsRequestId, replyTo: "http://nowhere/q", deadline: Date.now() + 10_000, functionName: "f", functionVersion: "1", invokedFunctionArn: "a", memoryLimitInMB: 128, env: {} };
      const first = s({ once: true }, ctx);
      await new Promise((r) => setTimeout(r, 200));
      for (const m of frameMessages({ header, body: "{}" })) await stubSqs.send(new SendMessageCommand({ QueueUrl: requestUrl, ...m }));
      await first;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(runs, 1);
    } finally {
      handle = echo;
    }
  });

  it("a warm stub whose reply queue was deleted (sst dev stopped meanwhile) makes a new one and gets its answer", async () => {
    const s = stub();
    await s({ warm: true }, context());
    assert.ok((await deleteReplyQueues(devSqs, names)) >= 1);
    assert.deepEqual(((await s({ again: true }, context())) as { echo: unknown }).echo, { again: true });
  });

  it("drops requests whose invocation timed out before sst dev received them", async () => {
    let runs = 0;
    handle = async (inv) => {
      runs++;
      return echo(inv);
    };
    try {
      const header = { v: 1 as const, kind: "request" as const, id: "expired", replyTo: "http://nowhere/q", deadline: Date.now() - 1, functionName: "f", functionVersion: "1", invokedFunctionArn: "a", memoryLimitInMB: 128, env: {} };
      for (const m of frameMessages({ header, body: "{}" })) await stubSqs.send(new SendMessageCommand({ QueueUrl: requestUrl, ...m }));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(runs, 0);
    } finally {
      handle = echo;
    }
  });

  it("fails clearly when no sst dev ever made the stage's queue", async () => {
    const lonely = createStub({ sqs: stubSqs, requestQueue: bridgeNames("bridge-test", "nobody").requestQueue, env: {} });
    await assert.rejects(lonely({}, context()), /Live Lambda: the queue "sst_bridge-test_nobody_requests" does not exist\. Start `sst dev` for this stage/);
  });

  it("times out with a clear error when no sst dev answers", async () => {
    await server.stop(100);
    try {
      await assert.rejects(stub()({ nobody: true }, context(1_500)), /no answer from `sst dev` within the function's timeout/);
    } finally {
      server = new BridgeServer(devSqs, requestUrl, (inv) => handle(inv), {}, { visibilityTimeout: 2 });
      server.start();
    }
  });
});

describe("reply queue clean-up", () => {
  it("deleteReplyQueues removes only the stage's reply queues", async () => {
    await stub()({ make: "a reply queue" }, context());
    const other = bridgeNames("bridge-test", "other");
    await stubSqs.send(new (await import("@aws-sdk/client-sqs")).CreateQueueCommand({ QueueName: `${other.replyQueuePrefix}keep` }));
    await deleteReplyQueues(devSqs, names);
    const left = (await stubSqs.send(new ListQueuesCommand({ QueueNamePrefix: "sst_bridge-test_" }))).QueueUrls ?? [];
    assert.deepEqual(left.map((u) => u.split("/").pop()).sort(), [`${other.replyQueuePrefix}keep`, names.requestQueue].sort());
    await stubSqs.send(new DeleteQueueCommand({ QueueUrl: left.find((u) => u.endsWith("keep"))! }));
  });
});
