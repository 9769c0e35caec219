/**
 * REST APIs (v1) deployed from CloudFormation and called with plain fetch: the Lambda
 * proxy event a handler sees (path parameters, {proxy+}, ANY, query and header maps,
 * stage variables, requestContext), AWS's error answers (missing route 403, Lambda
 * failure 502), the CORS preflight CDK writes as a MOCK method, Lambda TOKEN and
 * REQUEST authorizers, IAM authorization, and a new deployment changing what the stage serves.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../../test-signing.js";
import { startTestCloud, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const fn = (code: string) => ({ Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: code } } });
const uri = (f: string) => ({ "Fn::Sub": `arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${f}.Arn}/invocations` });
const resource = (parent: unknown, part: string) => ({ Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Api" }, ParentId: parent, PathPart: part } });
const method = (resourceRef: unknown, httpMethod: string, f: string, auth: Record<string, unknown> = {}) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: { Ref: "Api" }, ResourceId: resourceRef, HttpMethod: httpMethod, AuthorizationType: "NONE", ...auth, Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: uri(f) } },
});
const root = { "Fn::GetAtt": ["Api", "RootResourceId"] };

function template(greeting: string, withNewRoute = false) {
  const extra: Record<string, unknown> = withNewRoute ? { New: resource(root, "new"), NewGet: method({ Ref: "New" }, "GET", "Echo") } : {};
  return {
    Resources: {
      Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume } },
      Echo: fn(`exports.handler = async (event) => ({ statusCode: 200, headers: { "x-greeting": "${greeting}" }, multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] }, body: JSON.stringify(event) })`),
      Fail: fn(`exports.handler = async () => { throw new Error("boom"); }`),
      Bad: fn(`exports.handler = async () => "not a proxy response"`),
      Auth: fn(`exports.handler = async (event) => {
        const token = event.authorizationToken ?? event.headers?.["x-token"];
        if (token !== "allow" && token !== "deny" && token !== "nested") throw new Error("Unauthorized");
        const context = token === "nested" ? { plan: { name: "pro" } } : { plan: "pro", type: event.type, arn: event.methodArn };
        return { principalId: "user-1", context, policyDocument: { Version: "2012-10-17",
          Statement: [{ Effect: token === "deny" ? "Deny" : "Allow", Action: "execute-api:Invoke", Resource: event.methodArn.split("/").slice(0, 2).join("/") + "/*" }] } };
      }`),
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "rest" } },
      ...extra,
      Users: resource(root, "users"),
      UserId: resource({ Ref: "Users" }, "{id}"),
      Files: resource(root, "files"),
      Proxy: resource({ Ref: "Files" }, "{proxy+}"),
      FailPath: resource(root, "fail"),
      BadPath: resource(root, "bad"),
      Private: resource(root, "private"),
      Request: resource(root, "request"),
      Iam: resource(root, "iam"),
      IamGet: method({ Ref: "Iam" }, "GET", "Echo", { AuthorizationType: "AWS_IAM" }),
      TokenAuth: { Type: "AWS::ApiGateway::Authorizer", Properties: { RestApiId: { Ref: "Api" }, Name: "token", Type: "TOKEN", AuthorizerUri: uri("Auth"), IdentitySource: "method.request.header.Authorization", AuthorizerResultTtlInSeconds: 0 } },
      RequestAuth: { Type: "AWS::ApiGateway::Authorizer", Properties: { RestApiId: { Ref: "Api" }, Name: "request", Type: "REQUEST", AuthorizerUri: uri("Auth"), IdentitySource: "method.request.header.X-Token", AuthorizerResultTtlInSeconds: 300 } },
      RootGet: method(root, "GET", "Echo"),
      UserGet: method({ Ref: "UserId" }, "GET", "Echo"),
      ProxyAny: method({ Ref: "Proxy" }, "ANY", "Echo"),
      FailGet: method({ Ref: "FailPath" }, "GET", "Fail"),
      BadGet: method({ Ref: "BadPath" }, "GET", "Bad"),
      PrivateGet: method({ Ref: "Private" }, "GET", "Echo", { AuthorizationType: "CUSTOM", AuthorizerId: { Ref: "TokenAuth" } }),
      RequestGet: method({ Ref: "Request" }, "GET", "Echo", { AuthorizationType: "CUSTOM", AuthorizerId: { Ref: "RequestAuth" } }),
      // what CDK writes for a CORS preflight: a MOCK integration answering 204 with static headers
      UsersOptions: { Type: "AWS::ApiGateway::Method", Properties: {
        RestApiId: { Ref: "Api" }, ResourceId: { Ref: "Users" }, HttpMethod: "OPTIONS", AuthorizationType: "NONE",
        Integration: { Type: "MOCK", RequestTemplates: { "application/json": "{ statusCode: 200 }" }, IntegrationResponses: [{ StatusCode: "204", ResponseParameters: {
          "method.response.header.Access-Control-Allow-Headers": "'*'", "method.response.header.Access-Control-Allow-Origin": "'*'",
          "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'" } }] },
        MethodResponses: [{ StatusCode: "204" }] } },
      [`Deployment${greeting}`]: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["RootGet", "UserGet", "ProxyAny", "FailGet", "BadGet", "PrivateGet", "RequestGet", "IamGet", "UsersOptions", ...(withNewRoute ? ["NewGet"] : [])], Properties: { RestApiId: { Ref: "Api" } } },
      AccessLogs: { Type: "AWS::Logs::LogGroup", Properties: {} },
      // what SST's ApiGatewayV1Api writes with cors: true, and a custom body for 5XX answers
      Cors4xx: { Type: "AWS::ApiGateway::GatewayResponse", Properties: { RestApiId: { Ref: "Api" }, ResponseType: "DEFAULT_4XX",
        ResponseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'*'", "gatewayresponse.header.Access-Control-Allow-Headers": "'*'" } } },
      Custom5xx: { Type: "AWS::ApiGateway::GatewayResponse", Properties: { RestApiId: { Ref: "Api" }, ResponseType: "DEFAULT_5XX", StatusCode: "503",
        ResponseTemplates: { "application/json": '{"error":$context.error.messageString,"requestId":"$context.requestId"}' } } },
      Stage: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api" }, DeploymentId: { Ref: `Deployment${greeting}` }, StageName: "dev", Variables: { color: "blue" },
        AccessLogSetting: { DestinationArn: { "Fn::GetAtt": ["AccessLogs", "Arn"] }, Format: '{"method":"$context.httpMethod","resource":"$context.resourcePath","status":$context.status,"principal":"$context.authorizer.principalId"}' } } },
    },
    Outputs: {
      Url: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "LocalEndpoint"] }, "/", { Ref: "Stage" }, "/"]] } },
      UserId: { Value: { Ref: "UserId" } },
      LogGroup: { Value: { Ref: "AccessLogs" } },
    },
  };
}

let url = "";
let userResourceId = "";
let logGroup = "";
test("deploys from CloudFormation and answers at the stage's local URL", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "rest", template("hi"));
  url = outputs.Url;
  userResourceId = outputs.UserId;
  logGroup = outputs.LogGroup;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/_aws\/execute-api\/[a-z0-9]{10}\/dev\/$/);
  assert.match(userResourceId, /^[a-z0-9]{6}$/);
});

test("a path parameter route gets AWS's v1 proxy event, and its answer is mapped", { timeout: 60_000 }, async () => {
  const headers = new Headers({ "x-custom": "one" });
  headers.append("x-multi", "a");
  headers.append("x-multi", "b");
  const res = await fetch(`${url}users/42?tag=x&tag=y&q=a%20b`, { headers });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-greeting"), "hi");
  assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
  assert.ok(res.headers.get("x-amzn-requestid"));
  const event = await res.json();
  assert.equal("version" in event, false, "REST events have no version");
  assert.equal(event.resource, "/users/{id}");
  assert.equal(event.path, "/users/42");
  assert.equal(event.httpMethod, "GET");
  assert.deepEqual(event.pathParameters, { id: "42" });
  assert.deepEqual(event.queryStringParameters, { tag: "y", q: "a b" });
  assert.deepEqual(event.multiValueQueryStringParameters, { tag: ["x", "y"], q: ["a b"] });
  assert.equal(event.headers["x-custom"], "one");
  assert.deepEqual(event.multiValueHeaders["x-multi"], ["a", "b"]);
  assert.deepEqual(event.stageVariables, { color: "blue" });
  assert.equal(event.body, null);
  assert.equal(event.isBase64Encoded, false);
  const rc = event.requestContext;
  assert.equal(rc.stage, "dev");
  assert.equal(rc.resourcePath, "/users/{id}");
  assert.equal(rc.resourceId, userResourceId);
  assert.equal(rc.httpMethod, "GET");
  assert.match(rc.path, /^\/dev\/users\/42$/);
  assert.equal(rc.accountId, "000000000000");
  assert.equal(rc.identity.sourceIp, "127.0.0.1");
  assert.equal(typeof rc.requestTimeEpoch, "number");
});

test("ANY /files/{proxy+} takes every method and the rest of the path; the root has its own method", { timeout: 60_000 }, async () => {
  const res = await fetch(`${url}files/a/b/c.txt`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":1}' });
  assert.equal(res.status, 200);
  const event = await res.json();
  assert.equal(event.resource, "/files/{proxy+}");
  assert.deepEqual(event.pathParameters, { proxy: "a/b/c.txt" });
  assert.equal(event.httpMethod, "POST");
  assert.equal(event.body, '{"n":1}');
  assert.equal(event.queryStringParameters, null);
  const del = await fetch(`${url}files/x`, { method: "DELETE" });
  assert.equal((await del.json()).httpMethod, "DELETE");
  const rootEvent = await (await fetch(url)).json();
  assert.equal(rootEvent.resource, "/");
  assert.equal(rootEvent.path, "/");
  assert.equal(rootEvent.pathParameters, null);
});

test("the same API answers on its {apiId}.execute-api.localhost host", { timeout: 60_000 }, async () => {
  const u = new URL(url);
  const apiId = u.pathname.split("/")[3];
  // browsers resolve *.localhost themselves; Node's resolver may not, so the Host header is set by hand
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: u.port, path: "/dev/users/7", headers: { host: `${apiId}.execute-api.localhost:${u.port}` } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    }).on("error", reject);
  });
  assert.equal(status, 200);
  const event = JSON.parse(body);
  assert.deepEqual(event.pathParameters, { id: "7" });
  assert.equal(event.requestContext.domainName, `${apiId}.execute-api.localhost`);
});

test("AWS's error answers: no route or method 403, no stage 403, failed or malformed Lambda 502", { timeout: 60_000 }, async () => {
  for (const path of ["nothing/here", "users"]) {
    const res = await fetch(`${url}${path}`);
    assert.equal(res.status, 403, path);
    assert.deepEqual(await res.json(), { message: "Missing Authentication Token" });
    assert.equal(res.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
  }
  const base = url.replace(/dev\/$/, "");
  assert.equal((await fetch(base)).status, 403);
  assert.equal((await fetch(`${base}%E0%A4%A/users/1`)).status, 403, "a stage segment that does not decode is no stage");
  const noStage = await fetch(`${base}prod/users/1`);
  assert.equal(noStage.status, 403);
  assert.deepEqual(await noStage.json(), { message: "Forbidden" });
  for (const path of ["fail", "bad"]) {
    const res = await fetch(`${url}${path}`);
    // the API's DEFAULT_5XX gateway response turns AWS's 502 {"message":"Internal server error"} into its own
    assert.equal(res.status, 503, path);
    const body = await res.json();
    assert.equal(body.error, "Internal server error");
    assert.equal(body.requestId, res.headers.get("x-amzn-requestid"));
  }
});

test("gateway responses change only the answers the gateway makes", { timeout: 60_000 }, async () => {
  const missing = await fetch(`${url}nothing`);
  assert.equal(missing.headers.get("access-control-allow-origin"), "*", "DEFAULT_4XX adds its headers");
  assert.equal((await fetch(`${url}private`)).headers.get("access-control-allow-origin"), "*", "to authorizer refusals too");
  const ok = await fetch(`${url}users/1`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), null, "a function's answer is its own");
});

test("a MOCK OPTIONS method answers CORS preflights with its static headers", { timeout: 60_000 }, async () => {
  const res = await fetch(`${url}users`, { method: "OPTIONS", headers: { origin: "http://localhost:3000", "access-control-request-method": "GET" } });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("access-control-allow-methods"), "OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD");
});

test("Lambda TOKEN and REQUEST authorizers: 401 without identity, 403 on deny, context on allow", { timeout: 60_000 }, async () => {
  const none = await fetch(`${url}private`);
  assert.equal(none.status, 401);
  assert.deepEqual(await none.json(), { message: "Unauthorized" });
  const unknown = await fetch(`${url}private`, { headers: { authorization: "who" } });
  assert.equal(unknown.status, 401, "an authorizer failing with 'Unauthorized' is a 401");
  const deny = await fetch(`${url}private`, { headers: { authorization: "deny" } });
  assert.equal(deny.status, 403);
  assert.deepEqual(await deny.json(), { Message: "User is not authorized to access this resource with an explicit deny" });
  const nested = await fetch(`${url}private`, { headers: { authorization: "nested" } });
  assert.equal(nested.status, 503, "a context value that is an object is the authorizer's configuration error (500, turned 503 by DEFAULT_5XX)");
  const allow = await fetch(`${url}private`, { headers: { authorization: "allow" } });
  assert.equal(allow.status, 200);
  const event = await allow.json();
  assert.equal(event.requestContext.authorizer.principalId, "user-1");
  assert.equal(event.requestContext.authorizer.plan, "pro");
  assert.equal(event.requestContext.authorizer.type, "TOKEN");
  assert.match(event.requestContext.authorizer.arn, /^arn:aws:execute-api:us-east-1:000000000000:[a-z0-9]{10}\/dev\/GET\/private$/);

  assert.equal((await fetch(`${url}request`)).status, 401, "a REQUEST authorizer is not called without its identity sources");
  const viaRequest = await fetch(`${url}request?x=1`, { headers: { "x-token": "allow" } });
  assert.equal(viaRequest.status, 200);
  assert.equal((await viaRequest.json()).requestContext.authorizer.type, "REQUEST");
});

test("AWS_IAM methods need a SigV4 signature allowed to execute-api:Invoke; the caller is in requestContext.identity", { timeout: 60_000 }, async () => {
  const signedFetch = async (secretAccessKey: string) => {
    const u = new URL(`${url}iam`);
    const signer = new SignatureV4({ service: "execute-api", region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey }, sha256: Sha256 as any });
    const signed = await signer.sign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host } });
    return fetch(u, { headers: signed.headers });
  };
  const unsigned = await fetch(`${url}iam`);
  assert.equal(unsigned.status, 403);
  assert.deepEqual(await unsigned.json(), { message: "Missing Authentication Token" });
  const wrong = await signedFetch("not-the-secret");
  assert.equal(wrong.status, 403);
  assert.match((await wrong.json()).message, /signature we calculated does not match/);
  const ok = await signedFetch("test");
  assert.equal(ok.status, 200);
  const event = await ok.json();
  assert.equal(event.requestContext.identity.accessKey, "test");
  assert.equal(event.requestContext.identity.userArn, "arn:aws:iam::000000000000:root");
  assert.equal(event.requestContext.authorizer, undefined);
});

test("every request gets a line in the stage's access log, in its format", { timeout: 60_000 }, async () => {
  await tc.cloud.apigateway.flushAccessLogs();
  const { events } = await tc.cloud.logs.call("FilterLogEvents", { logGroupName: logGroup });
  const lines = events.map((e: any) => JSON.parse(e.message));
  assert.ok(lines.some((l: any) => l.method === "GET" && l.resource === "/users/{id}" && l.status === 200), JSON.stringify(lines.slice(0, 3)));
  assert.ok(lines.some((l: any) => l.resource === "/private" && l.status === 200 && l.principal === "user-1"));
  assert.ok(lines.some((l: any) => l.status === 403 && l.resource === "-"), "a request no method matched is logged too");
});

test("a new deployment changes what the stage serves", { timeout: 120_000 }, async () => {
  assert.equal((await fetch(`${url}new`)).status, 403);
  await deployTestStack(tc.cloud, "rest", template("hello", true), true);
  const res = await fetch(`${url}new`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).resource, "/new");
  const resources = await tc.cloud.cloudformation.call("DescribeStackResources", { StackName: "rest" });
  assert.deepEqual(resources.StackResources.filter((r: any) => r.ResourceType === "AWS::ApiGateway::Deployment").map((r: any) => r.LogicalResourceId), ["Deploymenthello"]);
});

test("deleting the stack removes the API: its URL no longer answers", { timeout: 120_000 }, async () => {
  await tc.cloud.cloudformation.call("DeleteStack", { StackName: "rest" });
  const stacks = await tc.cloud.cloudformation.call("DescribeStacks", { StackName: "rest" }).catch((e: Error) => e);
  assert.ok(stacks instanceof Error || stacks.Stacks[0].StackStatus === "DELETE_COMPLETE", JSON.stringify(stacks.Stacks?.[0]?.StackStatus));
  const res = await fetch(`${url}users/1`);
  assert.equal(res.status, 404);
});
