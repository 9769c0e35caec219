/**
 * API Gateway v2 through the real AWS SDK v3 client and the kernel's HTTP server,
 * and the data plane through plain fetch.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ApiGatewayV2Client, CreateApiCommand, GetApiCommand, GetApisCommand, CreateIntegrationCommand, CreateRouteCommand,
  CreateStageCommand, GetRoutesCommand, UpdateRouteCommand, DeleteApiCommand, TagResourceCommand, GetTagsCommand,
  CreateAuthorizerCommand, GetAuthorizersCommand, NotFoundException, ConflictException, BadRequestException,
} from "@aws-sdk/client-apigatewayv2";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let client: ApiGatewayV2Client;
let backend: http.Server;
let backendUrl: string;

before(async () => {
  tc = await startTestCloud();
  client = new ApiGatewayV2Client(tc.clientConfig);
  backend = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, body, origin: req.headers.origin ?? null }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

after(async () => {
  client?.destroy();
  await new Promise((r) => backend.close(r));
  await tc.stop();
});

test("management API through the SDK", async () => {
  const api = await client.send(new CreateApiCommand({
    Name: "sdk-api", ProtocolType: "HTTP", Tags: { Stage: "dev" },
    CorsConfiguration: { AllowOrigins: ["*"], AllowMethods: ["*"], AllowHeaders: ["*"] },
  }));
  assert.match(api.ApiId!, /^[a-z0-9]{10}$/);
  assert.equal(api.ApiEndpoint, `${tc.cloud.endpoint}/_aws/execute-api/${api.ApiId}`);
  assert.ok(api.CreatedDate instanceof Date);
  assert.deepEqual(api.Tags, { Stage: "dev" });

  const got = await client.send(new GetApiCommand({ ApiId: api.ApiId }));
  assert.deepEqual(got.CorsConfiguration, { AllowOrigins: ["*"], AllowMethods: ["*"], AllowHeaders: ["*"] });
  assert.ok((await client.send(new GetApisCommand({}))).Items!.some((a) => a.ApiId === api.ApiId));

  const integ = await client.send(new CreateIntegrationCommand({
    ApiId: api.ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: `${backendUrl}/{proxy}`, IntegrationMethod: "ANY", PayloadFormatVersion: "1.0",
  }));
  const route = await client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "ANY /{proxy+}", Target: `integrations/${integ.IntegrationId}` }));
  await assert.rejects(client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "ANY /{proxy+}" })), ConflictException);
  await assert.rejects(client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "nonsense" })), BadRequestException);
  const updated = await client.send(new UpdateRouteCommand({ ApiId: api.ApiId, RouteId: route.RouteId, OperationName: "proxy" }));
  assert.equal(updated.OperationName, "proxy");
  assert.equal((await client.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items!.length, 1);

  const stage = await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true, StageVariables: { Mode: "local" } }));
  assert.deepEqual(stage.StageVariables, { Mode: "local" });

  const jwt = await client.send(new CreateAuthorizerCommand({
    ApiId: api.ApiId, AuthorizerType: "JWT", Name: "jwt", IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["a"] },
  }));
  assert.equal((await client.send(new GetAuthorizersCommand({ ApiId: api.ApiId }))).Items![0].AuthorizerId, jwt.AuthorizerId);

  const arn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { Team: "x" } }));
  assert.deepEqual((await client.send(new GetTagsCommand({ ResourceArn: arn }))).Tags, { Stage: "dev", Team: "x" });

  // the data plane, through the kernel, unsigned
  const res = await fetch(`${api.ApiEndpoint}/hello/world?x=1`, { method: "POST", body: "payload", headers: { origin: "http://localhost:3000" } });
  assert.equal(res.status, 200);
  assert.ok(res.headers.get("apigw-requestid"));
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.deepEqual(await res.json(), { method: "POST", url: "/hello/world?x=1", body: "payload", origin: "http://localhost:3000" });

  const pre = await fetch(`${api.ApiEndpoint}/hello`, { method: "OPTIONS", headers: { origin: "http://localhost:3000", "access-control-request-method": "PUT" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "*");

  // the same API by host name
  const byHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: tc.cloud.port, path: "/x", headers: { host: `${api.ApiId}.execute-api.localhost:${tc.cloud.port}` } }, (r) => {
      let b = "";
      r.on("data", (c) => (b += c));
      r.on("end", () => resolve({ status: r.statusCode!, body: b }));
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(byHost.status, 200);
  assert.equal(JSON.parse(byHost.body).url, "/x");

  await client.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  await assert.rejects(client.send(new GetApiCommand({ ApiId: api.ApiId })), (e: any) => {
    assert.ok(e instanceof NotFoundException);
    assert.equal(e.message, `Invalid API identifier specified 000000000000:${api.ApiId}`);
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
  const gone = await fetch(`${tc.cloud.endpoint}/_aws/execute-api/${api.ApiId}/hello`);
  assert.equal(gone.status, 404);
  assert.deepEqual(await gone.json(), { message: "Not Found" });
});

/** A minimal SHA-256 for the signer, from node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: Uint8Array | string) {
    this.h = secret ? createHmac("sha256", secret) : createHash("sha256");
  }
  update(data: Uint8Array | string) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

async function signedFetch(url: string, secretAccessKey: string) {
  const u = new URL(url);
  const signer = new SignatureV4({ service: "execute-api", region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey }, sha256: Sha256 as any });
  const signed = await signer.sign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host } });
  return fetch(url, { headers: signed.headers });
}

test("AWS_IAM routes need a valid SigV4 signature", async () => {
  const api = await client.send(new CreateApiCommand({ Name: "iam-api", ProtocolType: "HTTP" }));
  const integ = await client.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: `${backendUrl}/private`, IntegrationMethod: "GET" }));
  await client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /private", Target: `integrations/${integ.IntegrationId}`, AuthorizationType: "AWS_IAM" }));
  await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true }));
  const url = `${api.ApiEndpoint}/private`;
  const unsigned = await fetch(url);
  assert.equal(unsigned.status, 403);
  assert.deepEqual(await unsigned.json(), { message: "Forbidden" });
  const wrong = await signedFetch(url, "not-the-secret");
  assert.equal(wrong.status, 403);
  assert.match((await wrong.json()).message, /signature we calculated does not match/);
  const ok = await signedFetch(url, "test");
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).url, "/private");
});
