import { test, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiGatewayV2Service } from "./index.js";
import { testKernel } from "../../kernel/test-kernel.js";
import type { AwsRequest } from "../../types.js";
import { LogsService } from "../logs/index.js";
import { INVOKE_TRUSTED_JSON } from "../../kernel/trusted-json.js";

const kernel = testKernel();
const logsService = new LogsService({ kernel });
kernel.services.set("logs", logsService);
const svc = new ApiGatewayV2Service({ kernel });
after(() => kernel.dispose());

type Handler = (event: any) => unknown | Promise<unknown>;
const functions = new Map<string, Handler>();
const calls: { name: string; event: any }[] = [];
/** Lambda's Invoke, answering from the handlers the tests register. */
const lambda = {
  async invoke(name: string, payload: string | Buffer) {
    const event = JSON.parse(String(payload));
    calls.push({ name, event });
    const fn = functions.get(name.replace(/^.*:function:/, ""));
    if (!fn) throw Object.assign(new Error("Function not found"), { code: "ResourceNotFoundException" });
    try {
      return { statusCode: 200, payload: Buffer.from(JSON.stringify(await fn(event)) ?? "null") };
    } catch (err: any) {
      const timedOut = err.message === "timeout";
      return {
        statusCode: 200,
        functionError: "Unhandled",
        payload: Buffer.from(JSON.stringify(timedOut ? { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" } : { errorType: "Error", errorMessage: err.message })),
      };
    }
  },
};
kernel.services.set("lambda", {
  async call(operation: string, input: any) {
    // The data plane invokes through Lambda's local-only operation for events it serialized itself.
    assert.equal(operation, INVOKE_TRUSTED_JSON);
    const out = await lambda.invoke(input.FunctionName, input.Payload);
    return { StatusCode: out.statusCode, Payload: out.payload, FunctionError: out.functionError };
  },
});
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

async function makeApi(routes: Record<string, string | { fn: string; format?: string; timeout?: number; auth?: any }>, api: any = {}) {
  const { ApiId } = await svc.call("CreateApi", { Name: "t", ProtocolType: "HTTP", ...api });
  for (const [routeKey, spec] of Object.entries(routes)) {
    const s = typeof spec === "string" ? { fn: spec } : spec;
    const integ = await svc.call("CreateIntegration", {
      ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn(s.fn), PayloadFormatVersion: s.format ?? "2.0",
      ...(s.timeout ? { TimeoutInMillis: s.timeout } : {}),
    });
    await svc.call("CreateRoute", { ApiId, RouteKey: routeKey, Target: `integrations/${integ.IntegrationId}`, ...(s.auth ?? {}) });
  }
  await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true, StageVariables: { env: "test" } });
  return ApiId as string;
}

function request(method: string, url: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): AwsRequest {
  const q = url.indexOf("?");
  return {
    requestId: "r", method, path: q < 0 ? url : url.slice(0, q), query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    headers: { host: "127.0.0.1:4570", "user-agent": "test-agent", ...(opts.headers ?? {}) },
    body: opts.body === undefined ? Buffer.alloc(0) : Buffer.from(opts.body), service: "", region: "us-east-1",
    principal: { accessKeyId: "", arn: "anonymous", admin: false },
  };
}

async function send(apiId: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}) {
  const res = await svc.handleExecuteApi(request(method, path, opts), apiId, path.split("?")[0]);
  const body = Buffer.isBuffer(res.body) ? res.body.toString("utf8") : String(res.body ?? "");
  return { status: res.status, headers: res.headers as Record<string, any>, body };
}

functions.set("echo", (event) => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) }));

test("payload 2.0 event as API Gateway builds it", async () => {
  const apiId = await makeApi({ "GET /users/{id}": "echo" });
  const r = await send(apiId, "GET", "/users/42?limit=5&tag=a&tag=b", { headers: { cookie: "a=1; b=2", "x-custom": "v" } });
  assert.equal(r.status, 200);
  const e = JSON.parse(r.body);
  assert.equal(e.version, "2.0");
  assert.equal(e.routeKey, "GET /users/{id}");
  assert.equal(e.rawPath, "/users/42");
  assert.equal(e.rawQueryString, "limit=5&tag=a&tag=b");
  assert.deepEqual(e.cookies, ["a=1", "b=2"]);
  assert.equal(e.headers.cookie, undefined);
  assert.equal(e.headers["x-custom"], "v");
  assert.deepEqual(e.queryStringParameters, { limit: "5", tag: "a,b" });
  assert.deepEqual(e.pathParameters, { id: "42" });
  assert.deepEqual(e.stageVariables, { env: "test" });
  assert.equal(e.isBase64Encoded, false);
  assert.equal(e.body, undefined);
  const rc = e.requestContext;
  assert.equal(rc.accountId, "000000000000");
  assert.equal(rc.apiId, apiId);
  assert.equal(rc.stage, "$default");
  assert.equal(rc.routeKey, "GET /users/{id}");
  assert.deepEqual(rc.http, { method: "GET", path: "/users/42", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test-agent" });
  assert.match(rc.time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  assert.equal(typeof rc.timeEpoch, "number");
  assert.equal(rc.requestId, r.headers["apigw-requestid"]);
  assert.equal(r.headers["content-length"], String(Buffer.byteLength(r.body)));
});

test("bodies: text as is, binary as base64", async () => {
  const apiId = await makeApi({ "POST /up": "echo" });
  const json = JSON.parse((await send(apiId, "POST", "/up", { headers: { "content-type": "application/json" }, body: '{"a":1}' })).body);
  assert.equal(json.body, '{"a":1}');
  assert.equal(json.isBase64Encoded, false);
  const bin = Buffer.from([0, 1, 2, 255]);
  const b = JSON.parse((await send(apiId, "POST", "/up", { headers: { "content-type": "image/png" }, body: bin })).body);
  assert.equal(b.isBase64Encoded, true);
  assert.deepEqual(Buffer.from(b.body, "base64"), bin);
});

test("payload 1.0 event", async () => {
  const apiId = await makeApi({ "GET /v1/{id}": { fn: "echo", format: "1.0" } });
  const e = JSON.parse((await send(apiId, "GET", "/v1/7?a=1&a=2")).body);
  assert.equal(e.version, "1.0");
  assert.equal(e.resource, "/v1/{id}");
  assert.equal(e.httpMethod, "GET");
  assert.deepEqual(e.queryStringParameters, { a: "2" });
  assert.deepEqual(e.multiValueQueryStringParameters, { a: ["1", "2"] });
  assert.deepEqual(e.pathParameters, { id: "7" });
  assert.equal(e.requestContext.resourcePath, "/v1/{id}");
  assert.equal(e.body, null);
});

test("2.0 response mapping: structured, cookies, base64, bare values", async () => {
  functions.set("cookies", () => ({ statusCode: 201, headers: { "X-A": "1" }, cookies: ["s=1; Path=/", "t=2"], body: "made" }));
  functions.set("bare-object", () => ({ hello: "world" }));
  functions.set("bare-string", () => "just text");
  functions.set("b64", () => ({ statusCode: 200, headers: { "content-type": "application/octet-stream" }, body: Buffer.from("bin!").toString("base64"), isBase64Encoded: true }));
  functions.set("bad-status", () => ({ statusCode: "teapot", body: "x" }));
  const apiId = await makeApi({ "GET /c": "cookies", "GET /o": "bare-object", "GET /s": "bare-string", "GET /b": "b64", "GET /bad": "bad-status" });
  const c = await send(apiId, "GET", "/c");
  assert.equal(c.status, 201);
  assert.equal(c.headers["x-a"], "1");
  assert.deepEqual(c.headers["set-cookie"], ["s=1; Path=/", "t=2"]);
  assert.equal(c.body, "made");
  const o = await send(apiId, "GET", "/o");
  assert.equal(o.status, 200);
  assert.equal(o.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(o.body), { hello: "world" });
  assert.equal((await send(apiId, "GET", "/s")).body, "just text");
  assert.equal((await send(apiId, "GET", "/b")).body, "bin!");
  const bad = await send(apiId, "GET", "/bad");
  assert.equal(bad.status, 500);
  assert.deepEqual(JSON.parse(bad.body), { message: "Internal Server Error" });
});

test("errors: no route 404, function error 500, missing function 500, integration timeout 503, function timeout 500, unknown API 404", async () => {
  functions.set("throws", () => { throw new Error("boom"); });
  functions.set("slow", () => new Promise((r) => setTimeout(() => r({ statusCode: 200 }), 500)));
  functions.set("self-timeout", () => { throw new Error("timeout"); });
  const apiId = await makeApi({ "GET /throws": "throws", "GET /missing": "nope", "GET /slow": { fn: "slow", timeout: 50 }, "GET /st": "self-timeout" });
  const nf = await send(apiId, "GET", "/nowhere");
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body), { message: "Not Found" });
  assert.deepEqual([(await send(apiId, "GET", "/throws")).status, (await send(apiId, "GET", "/missing")).status], [500, 500]);
  const slow = await send(apiId, "GET", "/slow");
  assert.equal(slow.status, 503);
  assert.deepEqual(JSON.parse(slow.body), { message: "Service Unavailable" });
  // A function past its own timeout is a function error: API Gateway answers 500.
  assert.equal((await send(apiId, "GET", "/st")).status, 500);
  assert.equal((await send("zzzzzzzzzz", "GET", "/")).status, 404);
});

test("an API without a stage is not reachable; named stages prefix the path", async () => {
  const { ApiId } = await svc.call("CreateApi", { Name: "nostage", ProtocolType: "HTTP", Target: arn("echo") });
  await svc.call("DeleteStage", { ApiId, StageName: "$default" });
  assert.equal((await send(ApiId, "GET", "/x")).status, 404);
  await svc.call("CreateStage", { ApiId, StageName: "dev", StageVariables: { v: "dev" } });
  assert.equal((await send(ApiId, "GET", "/dev/x/y")).status, 404, "a stage without AutoDeploy serves nothing until deployed");
  await svc.call("CreateDeployment", { ApiId, StageName: "dev" });
  const r = await send(ApiId, "GET", "/dev/x/y");
  assert.equal(r.status, 200);
  const e = JSON.parse(r.body);
  assert.equal(e.requestContext.stage, "dev");
  assert.equal(e.rawPath, "/dev/x/y");
  assert.deepEqual(e.stageVariables, { v: "dev" });

  // the deployed snapshot stays as it was until the next deployment
  const routes = (await svc.call("GetRoutes", { ApiId })).Items;
  await svc.call("UpdateRoute", { ApiId, RouteId: routes[0].RouteId, RouteKey: "GET /only" });
  assert.equal((await send(ApiId, "GET", "/dev/x/y")).status, 200);
  const dep = await svc.call("CreateDeployment", { ApiId, StageName: "dev" });
  assert.equal((await send(ApiId, "GET", "/dev/x/y")).status, 404);
  assert.equal((await send(ApiId, "GET", "/dev/only")).status, 200);
  await assert.rejects(svc.call("DeleteDeployment", { ApiId, DeploymentId: dep.DeploymentId }), (e: any) => e.code === "BadRequestException");
});

test("CORS: preflight answered by API Gateway, headers on responses", async () => {
  const apiId = await makeApi({ "GET /c": "echo" }, {
    CorsConfiguration: { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], AllowHeaders: ["content-type", "authorization"], MaxAge: 600, AllowCredentials: true, ExposeHeaders: ["x-total"] },
  });
  const pre = await send(apiId, "OPTIONS", "/anything", { headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers["access-control-allow-origin"], "https://app.example");
  assert.equal(pre.headers["access-control-allow-methods"], "GET,POST");
  assert.equal(pre.headers["access-control-allow-headers"], "content-type,authorization");
  assert.equal(pre.headers["access-control-max-age"], "600");
  assert.equal(pre.headers["access-control-allow-credentials"], "true");
  const denied = await send(apiId, "OPTIONS", "/c", { headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
  assert.equal(denied.headers["access-control-allow-origin"], undefined);
  const actual = await send(apiId, "GET", "/c", { headers: { origin: "https://app.example" } });
  assert.equal(actual.status, 200);
  assert.equal(actual.headers["access-control-allow-origin"], "https://app.example");
  assert.equal(actual.headers["access-control-expose-headers"], "x-total");
  const star = await makeApi({ "GET /c": "echo" }, { CorsConfiguration: { AllowOrigins: ["*"], AllowMethods: ["*"], AllowHeaders: ["*"] } });
  const p2 = await send(star, "OPTIONS", "/c", { headers: { origin: "http://localhost:3000", "access-control-request-method": "DELETE" } });
  assert.equal(p2.headers["access-control-allow-origin"], "*");
});

function makeJwt(payload: object, key?: { privateKey: any; kid: string }) {
  const header = { alg: key ? "RS256" : "none", typ: "JWT", ...(key ? { kid: key.kid } : {}) };
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc(header)}.${enc(payload)}`;
  const sig = key ? sign("sha256", Buffer.from(input), key.privateKey).toString("base64url") : "";
  return `${input}.${sig}`;
}

test("JWT authorizer: unreachable issuer decodes and checks claims", async () => {
  const { ApiId: apiId } = await svc.call("CreateApi", { Name: "jwt", ProtocolType: "HTTP" });
  const auth = await svc.call("CreateAuthorizer", {
    ApiId: apiId, AuthorizerType: "JWT", Name: "j", IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Issuer: "http://127.0.0.1:1/issuer", Audience: ["my-app"] },
  });
  const integ = await svc.call("CreateIntegration", { ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn("echo"), PayloadFormatVersion: "2.0" });
  await svc.call("CreateRoute", { ApiId: apiId, RouteKey: "GET /me", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "JWT", AuthorizerId: auth.AuthorizerId });
  await svc.call("CreateRoute", { ApiId: apiId, RouteKey: "GET /admin", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "JWT", AuthorizerId: auth.AuthorizerId, AuthorizationScopes: ["admin"] });
  await svc.call("CreateStage", { ApiId: apiId, StageName: "$default", AutoDeploy: true });
  const now = Math.floor(Date.now() / 1000);

  const none = await send(apiId, "GET", "/me");
  assert.equal(none.status, 401);
  assert.deepEqual(JSON.parse(none.body), { message: "Unauthorized" });
  const good = makeJwt({ iss: "http://127.0.0.1:1/issuer", aud: "my-app", sub: "u1", exp: now + 60, scope: "read" });
  const ok = await send(apiId, "GET", "/me", { headers: { authorization: `Bearer ${good}` } });
  assert.equal(ok.status, 200);
  const jwt = JSON.parse(ok.body).requestContext.authorizer.jwt;
  assert.equal(jwt.claims.sub, "u1");
  assert.equal(jwt.claims.exp, String(now + 60));
  assert.deepEqual(jwt.scopes, ["read"]);
  const expired = makeJwt({ iss: "http://127.0.0.1:1/issuer", aud: "my-app", exp: now - 1 });
  assert.equal((await send(apiId, "GET", "/me", { headers: { authorization: `Bearer ${expired}` } })).status, 401);
  const wrongAud = makeJwt({ iss: "http://127.0.0.1:1/issuer", aud: "other", exp: now + 60 });
  assert.equal((await send(apiId, "GET", "/me", { headers: { authorization: wrongAud } })).status, 401);
  assert.equal((await send(apiId, "GET", "/admin", { headers: { authorization: `Bearer ${good}` } })).status, 403);
});

test("JWT authorizer: signature checked against a reachable issuer's JWKS", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] }));
    else { res.statusCode = 404; res.end("{}"); }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { ApiId } = await svc.call("CreateApi", { Name: "jwks", ProtocolType: "HTTP" });
    const auth = await svc.call("CreateAuthorizer", { ApiId, AuthorizerType: "JWT", Name: "j", IdentitySource: ["$request.header.Authorization"], JwtConfiguration: { Issuer: issuer, Audience: ["a"] } });
    const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn("echo"), PayloadFormatVersion: "2.0" });
    await svc.call("CreateRoute", { ApiId, RouteKey: "GET /me", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "JWT", AuthorizerId: auth.AuthorizerId });
    await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true });
    const claims = { iss: issuer, aud: "a", exp: Math.floor(Date.now() / 1000) + 60 };
    const signed = makeJwt(claims, { privateKey, kid: "k1" });
    assert.equal((await send(ApiId, "GET", "/me", { headers: { authorization: `Bearer ${signed}` } })).status, 200);
    const forged = makeJwt(claims, { privateKey: other.privateKey, kid: "k1" });
    assert.equal((await send(ApiId, "GET", "/me", { headers: { authorization: `Bearer ${forged}` } })).status, 401);
    const unsigned = makeJwt(claims);
    assert.equal((await send(ApiId, "GET", "/me", { headers: { authorization: `Bearer ${unsigned}` } })).status, 401);
  } finally {
    server.close();
  }
});

test("Lambda REQUEST authorizer with simple responses", async () => {
  functions.set("authz", (e) => ({ isAuthorized: e.identitySource[0] === "letmein", context: { user: "u7" } }));
  const { ApiId } = await svc.call("CreateApi", { Name: "lauth", ProtocolType: "HTTP" });
  const auth = await svc.call("CreateAuthorizer", {
    ApiId, AuthorizerType: "REQUEST", Name: "l", AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn("authz")}/invocations`,
    AuthorizerPayloadFormatVersion: "2.0", EnableSimpleResponses: true, IdentitySource: ["$request.header.x-key"],
  });
  const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn("echo"), PayloadFormatVersion: "2.0" });
  await svc.call("CreateRoute", { ApiId, RouteKey: "GET /p", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "CUSTOM", AuthorizerId: auth.AuthorizerId });
  await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true });
  assert.equal((await send(ApiId, "GET", "/p")).status, 401);
  assert.equal((await send(ApiId, "GET", "/p", { headers: { "x-key": "wrong" } })).status, 403);
  const ok = await send(ApiId, "GET", "/p", { headers: { "x-key": "letmein" } });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body).requestContext.authorizer, { lambda: { user: "u7" } });
  const authCall = calls.filter((c) => c.name === arn("authz")).at(-1)!;
  assert.equal(authCall.event.type, "REQUEST");
  assert.match(authCall.event.routeArn, new RegExp(`^arn:aws:execute-api:us-east-1:000000000000:${ApiId}/\\$default/GET/p$`));
});

test("HTTP_PROXY forwards to the URL and emits apigateway:request", async () => {
  const backend = http.createServer((req, res) => {
    res.setHeader("content-type", "text/plain");
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.end(`${req.method} ${req.url}`);
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  const seen: any[] = [];
  const listener = (e: any) => seen.push(e);
  kernel.events.on("apigateway:request", listener);
  try {
    const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/base/{proxy}`;
    const { ApiId } = await svc.call("CreateApi", { Name: "proxy", ProtocolType: "HTTP" });
    const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: url, IntegrationMethod: "ANY" });
    await svc.call("CreateRoute", { ApiId, RouteKey: "ANY /{proxy+}", Target: `integrations/${integ.IntegrationId}` });
    await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true });
    const r = await send(ApiId, "PUT", "/x/y?z=1", { body: "data" });
    assert.equal(r.status, 200);
    assert.equal(r.body, "PUT /base/x/y?z=1");
    assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"]);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].apiId, ApiId);
    assert.equal(seen[0].routeKey, "ANY /{proxy+}");
    assert.equal(seen[0].status, 200);
    assert.equal(typeof seen[0].durationMs, "number");
  } finally {
    kernel.events.off("apigateway:request", listener);
    backend.close();
  }
});

test("stage access logs go to the CloudWatch Logs group of the stage", async () => {
  await logsService.call("CreateLogGroup", { logGroupName: "/aws/vendedlogs/apis/access" });
  const { ApiId } = await svc.call("CreateApi", { Name: "logged", ProtocolType: "HTTP", Target: arn("echo"), RouteKey: "GET /items/{id}" });
  await svc.call("UpdateStage", {
    ApiId, StageName: "$default",
    AccessLogSettings: {
      DestinationArn: "arn:aws:logs:us-east-1:000000000000:log-group:/aws/vendedlogs/apis/access",
      Format: JSON.stringify({ requestId: "$context.requestId", method: "$context.httpMethod", route: "$context.routeKey", status: "$context.status", err: "$context.error.message", ua: "$context.identity.userAgent" }),
    },
  });
  const r = await send(ApiId, "GET", "/items/9");
  await send(ApiId, "GET", "/nothing");
  await svc.flushAccessLogs();
  const out = await logsService.call("GetLogEvents", { logGroupName: "/aws/vendedlogs/apis/access", logStreamName: `${ApiId}_$default`, startFromHead: true });
  const lines = out.events.map((e: any) => JSON.parse(e.message));
  assert.deepEqual(lines[0], { requestId: r.headers["apigw-requestid"], method: "GET", route: "GET /items/{id}", status: "200", err: "-", ua: "test-agent" });
  assert.equal(lines[1].status, "404");
  assert.equal(lines[1].route, "-");
});

test("Lambda REQUEST authorizer with IAM policy responses (payload 1.0) and result caching", async () => {
  let authCalls = 0;
  functions.set("policy-authz", (e) => {
    authCalls++;
    const allow = e.identitySource === "good";
    return {
      principalId: "user-1",
      policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: allow ? "Allow" : "Deny", Resource: e.methodArn.replace(/\/GET\/.*$/, "/*") }] },
      context: { tier: "gold" },
    };
  });
  const { ApiId } = await svc.call("CreateApi", { Name: "policy", ProtocolType: "HTTP" });
  const auth = await svc.call("CreateAuthorizer", {
    ApiId, AuthorizerType: "REQUEST", Name: "p", AuthorizerUri: arn("policy-authz"), AuthorizerPayloadFormatVersion: "1.0",
    IdentitySource: ["$request.header.Authorization"], AuthorizerResultTtlInSeconds: 300,
  });
  const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn("echo"), PayloadFormatVersion: "2.0" });
  await svc.call("CreateRoute", { ApiId, RouteKey: "GET /q", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "CUSTOM", AuthorizerId: auth.AuthorizerId });
  await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true });
  const ok = await send(ApiId, "GET", "/q", { headers: { authorization: "good" } });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body).requestContext.authorizer, { lambda: { tier: "gold", principalId: "user-1" } });
  assert.equal((await send(ApiId, "GET", "/q", { headers: { authorization: "good" } })).status, 200);
  assert.equal(authCalls, 1, "the verdict is cached for AuthorizerResultTtlInSeconds");
  const denied = await send(ApiId, "GET", "/q", { headers: { authorization: "bad" } });
  assert.equal(denied.status, 403);
  assert.deepEqual(JSON.parse(denied.body), { message: "Forbidden" });
  assert.equal(authCalls, 2);
});
