/**
 * The whole path: a real Lambda function (the cloud's runtime) behind an HTTP API,
 * called with fetch through the kernel; its log lines land in CloudWatch Logs.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import { LambdaClient, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand } from "@aws-sdk/client-apigatewayv2";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let lambda: LambdaClient;
let apigw: ApiGatewayV2Client;
let logs: CloudWatchLogsClient;

before(async () => {
  tc = await startTestCloud();
  lambda = new LambdaClient(tc.clientConfig);
  apigw = new ApiGatewayV2Client(tc.clientConfig);
  logs = new CloudWatchLogsClient(tc.clientConfig);
});
after(async () => {
  for (const c of [lambda, apigw, logs]) c?.destroy();
  await tc?.stop();
});

async function createFunction(name: string, code: string, timeout = 3) {
  const out = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: "arn:aws:iam::000000000000:role/fn-role", Runtime: "nodejs20.x", Handler: "index.handler",
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) }, Timeout: timeout,
  }));
  return out.FunctionArn!;
}

test("HTTP API → Lambda (payload 2.0) → response, errors and logs", { timeout: 60_000 }, async (t) => {
  if (typeof (tc.cloud as any).lambda?.invoke !== "function") return t.skip("the Lambda service is not part of this cloud yet");
  const users = await createFunction("users", `
    export const handler = async (event) => {
      console.log("GET user " + event.pathParameters.id);
      return { statusCode: 200, headers: { "Content-Type": "application/json" },
        cookies: ["session=abc; HttpOnly"],
        body: JSON.stringify({ id: event.pathParameters.id, limit: event.queryStringParameters?.limit, route: event.routeKey }) };
    };`);
  const fails = await createFunction("fails", `export const handler = async () => { throw new Error("nope"); };`);
  const slow = await createFunction("slow", `export const handler = () => new Promise((r) => setTimeout(() => r("late"), 3000));`, 1);

  const api = await apigw.send(new CreateApiCommand({ Name: "e2e", ProtocolType: "HTTP", Target: users, RouteKey: "GET /users/{id}" }));
  for (const [key, fn] of [["GET /fails", fails], ["GET /slow", slow]] as const) {
    const integ = await apigw.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: fn, PayloadFormatVersion: "2.0" }));
    await apigw.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: key, Target: `integrations/${integ.IntegrationId}` }));
  }

  const res = await fetch(`${api.ApiEndpoint}/users/42?limit=5`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.deepEqual(res.headers.getSetCookie(), ["session=abc; HttpOnly"]);
  assert.deepEqual(await res.json(), { id: "42", limit: "5", route: "GET /users/{id}" });

  const failed = await fetch(`${api.ApiEndpoint}/fails`);
  assert.equal(failed.status, 500);
  assert.deepEqual(await failed.json(), { message: "Internal Server Error" });
  // The function's own 1 s timeout: a function error, so API Gateway answers 500.
  const timedOut = await fetch(`${api.ApiEndpoint}/slow`);
  assert.equal(timedOut.status, 500);
  assert.deepEqual(await timedOut.json(), { message: "Internal Server Error" });

  // the runtime writes each invocation's lines to /aws/lambda/{name}
  let found: string[] = [];
  for (let i = 0; i < 20 && !found.length; i++) {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/users", filterPattern: '"GET user 42"' })).catch(() => ({ events: [] }));
    found = (out.events ?? []).map((e) => e.message!);
    if (!found.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(found.length, 1);
  assert.match(found[0], /GET user 42/);
});
