/**
 * Hot reload under sst dev: a standby environment warms the AWS SDK packages its function
 * imports with one request each to a sink of its own, before it is given the new code —
 * never to the local cloud, never running any of the function's code, and holding back
 * the SDK's once-per-process warnings for the function's own init.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { warmUpSdk } from "./worker/sdk-warmup.mjs";
import { LambdaRuntime } from "./runtime.js";
import { functionMaker, runtimeUnderTest } from "./test-functions.js";

const require = createRequire(import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in for the local cloud's endpoint that counts what reaches it. */
async function countingEndpoint(): Promise<{ url: string; hits: string[]; close: () => void }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(String(req.headers["x-amz-target"] ?? req.url));
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ TableNames: ["from-the-cloud"] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits, close: () => server.close() };
}

test("each client package makes one request, to the sink and not to AWS_ENDPOINT_URL", async () => {
  const cloud = await countingEndpoint();
  after(() => cloud.close());
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL: cloud.url, AWS_ACCESS_KEY_ID: "AKIDWARM", AWS_SECRET_ACCESS_KEY: "s", AWS_REGION: "us-east-1" });
  try {
    const { requests } = await warmUpSdk([require("@aws-sdk/client-dynamodb"), require("@aws-sdk/client-s3"), require("@aws-sdk/lib-dynamodb"), "not a module"]);
    // lib-dynamodb's document client needs a client of its own: it is left alone.
    assert.equal(requests, 2);
    assert.deepEqual(cloud.hits, []);
  } finally {
    for (const k of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

test("commands are tried until one reaches the sink (List… first), and the SDK's warnings wait for the function's init", async () => {
  const sent: string[] = [];
  class FakeClient {
    constructor(readonly config: { endpoint: string }) {
      process.emitWarning("NodeVersionSupportWarning: fake");
    }
    async send(command: { input: { Name?: string } }) {
      sent.push(`${command.constructor.name} → ${new URL(this.config.endpoint).hostname}`);
      // Like an SDK command whose input lacks a required member: fails before any request.
      if (command.constructor.name === "ListWidgetsCommand") throw new Error("No value provided for input HTTP label: Name.");
      await (await fetch(this.config.endpoint, { method: "POST" })).arrayBuffer();
    }
  }
  class Command {
    constructor(readonly input: object) {}
  }
  const fake = {
    FakeClient,
    GetThingCommand: class GetThingCommand extends Command {},
    ListWidgetsCommand: class ListWidgetsCommand extends Command {},
    ListAllThingsCommand: class ListAllThingsCommand extends Command {},
    DescribeThingCommand: class DescribeThingCommand extends Command {},
  };
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  after(() => process.off("warning", onWarning));
  const { emitHeldWarnings, requests } = await warmUpSdk([fake]);
  assert.deepEqual(sent, ["ListWidgetsCommand → 127.0.0.1", "ListAllThingsCommand → 127.0.0.1"]);
  assert.equal(requests, 1);
  await sleep(10);
  assert.deepEqual(warnings, [], "held back during the warm-up");
  emitHeldWarnings();
  await sleep(10);
  assert.deepEqual(warnings, ["NodeVersionSupportWarning: fake"]);
});

test("a standby warmed on the SDK serves the saved code's first request, which alone reaches the cloud; the old code never answers again", async () => {
  const cloud = await countingEndpoint();
  const { root, cloud: lambdaCloud } = runtimeUnderTest("lambda-warmup-");
  (lambdaCloud as { endpoint: string }).endpoint = cloud.url;
  after(() => cloud.close());
  const fn = functionMaker(root, "warm");
  const def = fn({ "index.mjs": `export const handler = async () => "deployed";` });
  const dynamodb = require.resolve("@aws-sdk/client-dynamodb");
  const preload = join(root, "sdk-preload.mjs");
  writeFileSync(preload, `import { createRequire } from "node:module";\nconst require = createRequire(${JSON.stringify(fileURLToPath(import.meta.url))});\nexport const sdkModules = [require(${JSON.stringify(dynamodb)})];\n`);
  let current = { file: "", exportName: "handler", version: "", preload };
  const build = (v: string) => {
    const file = join(root, def.functionName, `${v}.mjs`);
    writeFileSync(file, `import { createRequire } from "node:module";
const { DynamoDBClient, ListTablesCommand } = createRequire(import.meta.url)(${JSON.stringify(dynamodb)});
const client = new DynamoDBClient({});
export const handler = async () => ({ version: ${JSON.stringify(v)}, tables: (await client.send(new ListTablesCommand({}))).TableNames });`);
    current = { file, exportName: "handler", version: v, preload };
  };
  const rt = new LambdaRuntime(lambdaCloud, { maxConcurrency: 3 });
  after(() => rt.close());
  rt.setCodeResolver(async (f) => (f.functionName === def.functionName ? current : undefined));

  build("v1");
  assert.deepEqual(JSON.parse((await rt.invoke(def, "{}")).payload.toString()), { version: "v1", tables: ["from-the-cloud"] });
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) await sleep(50);
  assert.equal(rt.hasStandby(def.functionName), true);
  await sleep(1500); // time for the standby to load and warm the SDK (on a busy machine, perhaps not all of it)

  build("v2");
  assert.equal(await rt.prewarm(def.functionName), true);
  assert.equal(rt.hasStandby(def.functionName), true, "the standby took v2; its reserve is the next version's standby");
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(JSON.parse((await rt.invoke(def, "{}")).payload.toString()), { version: "v2", tables: ["from-the-cloud"] });
  }
  // v1 once, v2 three times: the standby's warm-up went to its own sink.
  assert.deepEqual(cloud.hits, Array(4).fill("DynamoDB_20120810.ListTables"));
});
