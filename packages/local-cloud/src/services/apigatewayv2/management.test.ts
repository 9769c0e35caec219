import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ApiGatewayV2Service } from "./index.js";
import { testKernel } from "../../kernel/test-kernel.js";
import type { AwsRequest } from "../../types.js";

const kernel = testKernel();
const svc = new ApiGatewayV2Service({ kernel });
after(() => kernel.dispose());

const rejects = (p: Promise<unknown>, code: string, status: number, message?: RegExp) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (message) assert.match(e.message, message);
    return true;
  });

test("CreateApi / GetApi / GetApis / UpdateApi / DeleteApi", async () => {
  const api = await svc.call("CreateApi", {
    Name: "my-api", ProtocolType: "HTTP",
    CorsConfiguration: { AllowOrigins: ["*"], AllowMethods: ["GET"] }, Tags: { team: "a" },
  });
  assert.match(api.ApiId, /^[a-z0-9]{10}$/);
  assert.equal(api.ApiEndpoint, `http://127.0.0.1:4570/_aws/execute-api/${api.ApiId}`);
  assert.equal(api.RouteSelectionExpression, "$request.method $request.path");
  assert.ok(api.CreatedDate instanceof Date);
  assert.deepEqual(api.Tags, { team: "a" });

  const got = await svc.call("GetApi", { ApiId: api.ApiId });
  assert.equal(got.Name, "my-api");
  assert.deepEqual(got.CorsConfiguration, { AllowOrigins: ["*"], AllowMethods: ["GET"] });

  const updated = await svc.call("UpdateApi", { ApiId: api.ApiId, Name: "renamed" });
  assert.equal(updated.Name, "renamed");
  assert.deepEqual(updated.CorsConfiguration, { AllowOrigins: ["*"], AllowMethods: ["GET"] });

  const list = await svc.call("GetApis", {});
  assert.ok(list.Items.some((a: any) => a.ApiId === api.ApiId));

  await svc.call("DeleteApi", { ApiId: api.ApiId });
  await rejects(svc.call("GetApi", { ApiId: api.ApiId }), "NotFoundException", 404, new RegExp(`^Invalid API identifier specified 000000000000:${api.ApiId}$`));
});

test("CreateApi validates input", async () => {
  await rejects(svc.call("CreateApi", { ProtocolType: "HTTP" }), "BadRequestException", 400, /Value null at 'name' failed to satisfy constraint: Member must not be null/);
  await rejects(svc.call("CreateApi", { Name: "x", ProtocolType: "SOAP" }), "BadRequestException", 400, /Value 'SOAP' at 'protocolType' failed to satisfy constraint: Member must satisfy enum value set: \[WEBSOCKET, HTTP\]/);
  await rejects(svc.call("CreateApi", { Name: "x", ProtocolType: "WEBSOCKET" }), "BadRequestException", 400, /RouteSelectionExpression/);
  await rejects(
    svc.call("CreateApi", { Name: "x", ProtocolType: "HTTP", CorsConfiguration: { AllowOrigins: ["*"], AllowCredentials: true } }),
    "BadRequestException", 400,
  );
});

test("routes, integrations, stages and their references", async () => {
  const { ApiId } = await svc.call("CreateApi", { Name: "r", ProtocolType: "HTTP" });
  const fn = "arn:aws:lambda:us-east-1:000000000000:function:list";
  const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: fn, PayloadFormatVersion: "2.0" });
  assert.match(integ.IntegrationId, /^[a-z0-9]{7}$/);
  assert.equal(integ.TimeoutInMillis, 30000);
  assert.equal(integ.IntegrationMethod, "POST");

  const route = await svc.call("CreateRoute", { ApiId, RouteKey: "GET /users/{id}", Target: `integrations/${integ.IntegrationId}` });
  assert.match(route.RouteId, /^[a-z0-9]{7}$/);
  assert.equal(route.AuthorizationType, "NONE");
  await rejects(svc.call("CreateRoute", { ApiId, RouteKey: "GET /users/{id}" }), "ConflictException", 409);
  await rejects(svc.call("CreateRoute", { ApiId, RouteKey: "GET users" }), "BadRequestException", 400);
  await rejects(svc.call("CreateRoute", { ApiId, RouteKey: "GET /x", Target: "integrations/nope123" }), "NotFoundException", 404);
  await rejects(svc.call("CreateRoute", { ApiId: "nope", RouteKey: "GET /x" }), "NotFoundException", 404, /Invalid API identifier/);
  await rejects(svc.call("CreateIntegration", { ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: fn, TimeoutInMillis: 40000 }), "BadRequestException", 400, /Value '40000' at 'timeoutInMillis' failed to satisfy constraint: Member must have value less than or equal to 30000/);
  await rejects(svc.call("CreateIntegration", { ApiId, IntegrationType: "MOCK" }), "BadRequestException", 400);

  const routes = await svc.call("GetRoutes", { ApiId });
  assert.deepEqual(routes.Items.map((r: any) => r.RouteKey), ["GET /users/{id}"]);
  const upd = await svc.call("UpdateRoute", { ApiId, RouteId: route.RouteId, RouteKey: "ANY /{proxy+}" });
  assert.equal(upd.RouteKey, "ANY /{proxy+}");
  assert.equal(upd.Target, `integrations/${integ.IntegrationId}`);

  await rejects(svc.call("DeleteIntegration", { ApiId, IntegrationId: integ.IntegrationId }), "ConflictException", 409);
  await svc.call("DeleteRoute", { ApiId, RouteId: route.RouteId });
  await rejects(svc.call("GetRoute", { ApiId, RouteId: route.RouteId }), "NotFoundException", 404);
  await svc.call("DeleteIntegration", { ApiId, IntegrationId: integ.IntegrationId });

  const stage = await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: true, StageVariables: { A: "1" } });
  assert.equal(stage.StageName, "$default");
  assert.ok(stage.DeploymentId, "auto-deployed stage has a deployment");
  assert.equal(stage.ApiId, undefined);
  await rejects(svc.call("CreateStage", { ApiId, StageName: "$default" }), "ConflictException", 409);
  const upStage = await svc.call("UpdateStage", { ApiId, StageName: "$default", StageVariables: { A: "2" } });
  assert.deepEqual(upStage.StageVariables, { A: "2" });
  const stages = await svc.call("GetStages", { ApiId });
  assert.equal(stages.Items.length, 1);

  await svc.call("CreateStage", { ApiId, StageName: "dev" });
  const dep = await svc.call("CreateDeployment", { ApiId, StageName: "dev" });
  assert.equal((await svc.call("GetStage", { ApiId, StageName: "dev" })).DeploymentId, dep.DeploymentId);
  await rejects(svc.call("CreateDeployment", { ApiId, StageName: "$default" }), "BadRequestException", 400);
});

test("quick create makes integration, route and $default stage", async () => {
  const fn = "arn:aws:lambda:us-east-1:000000000000:function:hello";
  const api = await svc.call("CreateApi", { Name: "quick", ProtocolType: "HTTP", Target: fn });
  const [integ] = (await svc.call("GetIntegrations", { ApiId: api.ApiId })).Items;
  assert.equal(integ.IntegrationUri, fn);
  assert.equal(integ.PayloadFormatVersion, "2.0");
  assert.equal(integ.ApiGatewayManaged, true);
  const [route] = (await svc.call("GetRoutes", { ApiId: api.ApiId })).Items;
  assert.equal(route.RouteKey, "$default");
  assert.equal(route.Target, `integrations/${integ.IntegrationId}`);
  const [stage] = (await svc.call("GetStages", { ApiId: api.ApiId })).Items;
  assert.equal(stage.StageName, "$default");
  assert.equal(stage.AutoDeploy, true);
});

test("authorizers and tags", async () => {
  const { ApiId } = await svc.call("CreateApi", { Name: "auth", ProtocolType: "HTTP" });
  const jwt = await svc.call("CreateAuthorizer", {
    ApiId, AuthorizerType: "JWT", Name: "jwt", IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["app"] },
  });
  await rejects(svc.call("CreateAuthorizer", { ApiId, AuthorizerType: "JWT", Name: "bad", IdentitySource: ["$request.header.Authorization"] }), "BadRequestException", 400);
  await rejects(svc.call("CreateRoute", { ApiId, RouteKey: "GET /me", AuthorizationType: "JWT" }), "BadRequestException", 400);
  const route = await svc.call("CreateRoute", { ApiId, RouteKey: "GET /me", AuthorizationType: "JWT", AuthorizerId: jwt.AuthorizerId });
  assert.equal(route.AuthorizerId, jwt.AuthorizerId);
  assert.equal((await svc.call("GetAuthorizers", { ApiId })).Items.length, 1);
  await rejects(svc.call("DeleteAuthorizer", { ApiId, AuthorizerId: jwt.AuthorizerId }), "ConflictException", 409);

  const arn = `arn:aws:apigateway:us-east-1::/apis/${ApiId}`;
  await svc.call("TagResource", { ResourceArn: arn, Tags: { a: "1", b: "2" } });
  await svc.call("UntagResource", { ResourceArn: arn, TagKeys: ["a"] });
  assert.deepEqual((await svc.call("GetTags", { ResourceArn: arn })).Tags, { b: "2" });
  await rejects(svc.call("GetTags", { ResourceArn: "arn:aws:apigateway:us-east-1::/apis/zzzzzzzzzz" }), "NotFoundException", 404);
});

test("paging of GetApis", async () => {
  for (let i = 0; i < 3; i++) await svc.call("CreateApi", { Name: `page-${i}`, ProtocolType: "HTTP" });
  const all = (await svc.call("GetApis", {})).Items.length;
  const first = await svc.call("GetApis", { MaxResults: "2" });
  assert.equal(first.Items.length, 2);
  assert.ok(first.NextToken);
  let seen = 2, token = first.NextToken;
  while (token) {
    const page = await svc.call("GetApis", { MaxResults: "2", NextToken: token });
    seen += page.Items.length;
    token = page.NextToken;
  }
  assert.equal(seen, all);
});

test("non-admin calls are authorized with apigateway:{METHOD} on the resource path", async () => {
  kernel.authorized.length = 0;
  kernel.allowed.add("apigateway:POST").add("apigateway:GET");
  const principal = { accessKeyId: "AKIA", arn: "arn:aws:sts::000000000000:assumed-role/r/s", admin: false, roleArn: "arn:aws:iam::000000000000:role/r" };
  const { ApiId } = await svc.call("CreateApi", { Name: "iam", ProtocolType: "HTTP" }, { principal });
  await svc.call("GetRoutes", { ApiId }, { principal });
  assert.deepEqual(kernel.authorized, [
    { action: "apigateway:POST", resources: "arn:aws:apigateway:us-east-1::/apis" },
    { action: "apigateway:GET", resources: `arn:aws:apigateway:us-east-1::/apis/${ApiId}/routes` },
  ]);
});

const wireReq = (method: string, path: string, body?: unknown, query = ""): AwsRequest => ({
  requestId: "rid", method, path, query: new URLSearchParams(query), headers: {},
  body: body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  service: "apigateway", region: "us-east-1", principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
});

test("REST-JSON wire: camelCase members, status codes, rest-json errors", async () => {
  const created = await svc.handle(wireReq("POST", "/v2/apis", { name: "wire", protocolType: "HTTP", tags: { Owner: "Me" } }));
  assert.equal(created.status, 201);
  const api = JSON.parse(String(created.body));
  assert.match(api.apiId, /^[a-z0-9]{10}$/);
  assert.deepEqual(api.tags, { Owner: "Me" }, "map keys keep their case");
  assert.match(api.createdDate, /^\d{4}-\d\d-\d\dT/);

  const route = await svc.handle(wireReq("POST", `/v2/apis/${api.apiId}/routes`, { routeKey: "$default" }));
  assert.equal(route.status, 201);
  const del = await svc.handle(wireReq("DELETE", `/v2/apis/${api.apiId}/routes/${JSON.parse(String(route.body)).routeId}`));
  assert.equal(del.status, 204);

  const missing = await svc.handle(wireReq("GET", "/v2/apis/abc123"));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers!["x-amzn-errortype"], "NotFoundException");
  assert.deepEqual(JSON.parse(String(missing.body)), { message: "Invalid API identifier specified 000000000000:abc123" });

  const bad = await svc.handle(wireReq("POST", "/v2/apis", "{not json"));
  assert.equal(bad.status, 400);
  assert.equal(bad.headers!["x-amzn-errortype"], "BadRequestException");

  const tagged = await svc.handle(wireReq("GET", `/v2/tags/${encodeURIComponent(`arn:aws:apigateway:us-east-1::/apis/${api.apiId}`)}`));
  assert.deepEqual(JSON.parse(String(tagged.body)), { tags: { Owner: "Me" } });

  const page = await svc.handle(wireReq("GET", "/v2/apis", undefined, "maxResults=1"));
  const parsed = JSON.parse(String(page.body));
  assert.equal(parsed.items.length, 1);
  assert.ok(parsed.nextToken);
});

test("DeleteCorsConfiguration and CloudFormation-style string values", async () => {
  const { ApiId } = await svc.call("CreateApi", { Name: "cfn", ProtocolType: "HTTP", CorsConfiguration: { AllowOrigins: ["*"], MaxAge: "300" } });
  assert.equal((await svc.call("GetApi", { ApiId })).CorsConfiguration.MaxAge, 300);
  await svc.call("DeleteCorsConfiguration", { ApiId });
  assert.equal((await svc.call("GetApi", { ApiId })).CorsConfiguration, undefined);
  const integ = await svc.call("CreateIntegration", { ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: "http://127.0.0.1:9/x", IntegrationMethod: "ANY", TimeoutInMillis: "5000" });
  assert.equal(integ.TimeoutInMillis, 5000);
  const stage = await svc.call("CreateStage", { ApiId, StageName: "$default", AutoDeploy: "true" });
  assert.equal(stage.AutoDeploy, true);
  await assert.rejects(svc.call("ImportApi", {}), (e: any) => e.code === "UnknownOperationException");
});

test("wrongly typed members are BadRequestException, never a crash", async () => {
  for (const [op, input] of [
    ["CreateApi", { Name: 5, ProtocolType: "HTTP" }],
    ["CreateApi", { Name: "x", ProtocolType: "HTTP", Tags: "abc" }],
    ["CreateApi", { Name: "x", ProtocolType: "HTTP", CorsConfiguration: { AllowOrigins: "*" } }],
    ["CreateApi", { Name: "x", ProtocolType: "HTTP", CorsConfiguration: "yes" }],
    ["CreateStage", { ApiId: "a", StageName: "s", StageVariables: { a: 1 } }],
    ["GetApis", { MaxResults: "zero" }],
    ["GetApis", { NextToken: "%%%" }],
  ] as const) {
    await rejects(svc.call(op, input), "BadRequestException", 400);
  }
  const r = await svc.handle(wireReq("POST", "/v2/apis", "[1,2]"));
  assert.equal(r.status, 400);
  const wrongMethod = await svc.handle(wireReq("PUT", "/v2/apis"));
  assert.equal(wrongMethod.status, 405);
  const unknownPath = await svc.handle(wireReq("GET", "/v2/nothing"));
  assert.equal(unknownPath.status, 404);
});
