/**
 * Failing handlers under load (issue 12): behind one HTTP API, at 32 concurrent
 * connections, functions that throw, run past their timeout, allocate past their
 * memory, exit and kill their own process. Each failing request gets API Gateway's
 * answer to a function error; every request to the healthy route and every healthy
 * request to the failing routes succeeds; the server keeps serving; and the next
 * request to each failing route works.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import { Agent, request } from "node:http";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
});
after(async () => {
  await tc?.stop();
});

const FAILURES: Record<string, { code: string; timeout?: number }> = {
  throws: { code: `throw new Error("boom");` },
  slow: { code: `await new Promise(() => {});`, timeout: 1 },
  oom: { code: `globalThis.kept = Buffer.alloc(1536 * 1024 * 1024, 1);` },
  exits: { code: `process.exit(3);` },
  kills: { code: `process.kill(process.pid, "SIGKILL");` },
};

async function createFunction(name: string, failure: string, timeout = 3): Promise<string> {
  const code = `export const handler = async (event) => {
    if (event.queryStringParameters?.fail) { ${failure} }
    return { statusCode: 200, body: "${name} ok" };
  };`;
  const out = await tc.cloud.lambda.call("CreateFunction", {
    FunctionName: name, Role: "arn:aws:iam::000000000000:role/fn", Runtime: "nodejs20.x", Handler: "index.handler",
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) }, Timeout: timeout, MemorySize: 128,
  });
  return out.FunctionArn;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("failing handlers at 32 concurrent connections fail only their own requests, with API Gateway's answer", { timeout: 180_000 }, async () => {
  const ok = await createFunction("healthy", "");
  const api = await tc.cloud.apigateway.call("CreateApi", { Name: "reliability", ProtocolType: "HTTP", Target: ok, RouteKey: "GET /healthy" });
  for (const [name, f] of Object.entries(FAILURES)) {
    const arn = await createFunction(name, f.code, f.timeout);
    const integ = await tc.cloud.apigateway.call("CreateIntegration", { ApiId: api.ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn, PayloadFormatVersion: "2.0" });
    await tc.cloud.apigateway.call("CreateRoute", { ApiId: api.ApiId, RouteKey: `GET /${name}`, Target: `integrations/${integ.IntegrationId}` });
  }
  const base = api.ApiEndpoint;

  // Each of 32 workers sends its share: mostly healthy requests, and a few failing ones to each failing route.
  const plan: string[] = [];
  for (const name of Object.keys(FAILURES)) for (let i = 0; i < (name === "slow" ? 4 : 8); i++) plan.push(`/${name}?fail=1`);
  for (const name of Object.keys(FAILURES)) for (let i = 0; i < 20; i++) plan.push(`/${name}`);
  for (let i = 0; i < 400; i++) plan.push("/healthy");
  plan.sort(() => Math.random() - 0.5);
  const results: { path: string; status: number; body: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < plan.length) {
        const path = plan[next++]!;
        const r = await get(base + path);
        results.push({ path, ...r });
      }
    }),
  );

  assert.equal(results.length, plan.length);
  const wrong = results.filter((r) =>
    r.path.endsWith("?fail=1")
      ? r.status !== 500 || r.body !== JSON.stringify({ message: "Internal Server Error" })
      : r.status !== 200 || r.body !== `${r.path.slice(1)} ok`,
  );
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${results.length} requests got the wrong answer`);

  // The next request to each failing route works, and the server still answers its own APIs.
  for (const name of Object.keys(FAILURES)) assert.deepEqual(await get(`${base}/${name}`), { status: 200, body: `${name} ok` });
  const health = await get(`${tc.cloud.endpoint}/_aws/health`);
  assert.equal(health.status, 200);
  agent.destroy();
});
