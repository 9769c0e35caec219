/**
 * How non-proxy REST integrations fail, deployed from CloudFormation and called with
 * fetch: an HTTP endpoint that is too slow (504) or unreachable (500), a Lambda
 * non-proxy payload that is not JSON (500), a service integration whose role API Gateway
 * may not assume (500), WHEN_NO_TEMPLATES (415, changed by an UNSUPPORTED_MEDIA_TYPE
 * gateway response), CONVERT_TO_TEXT handing a binary body to Lambda as base64, and a
 * method whose integration response has no method response failing the deploy.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestCloud, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
let slow: http.Server;
let url = "";
before(async () => {
  tc = await startTestCloud();
  slow = http.createServer((_req, res) => void setTimeout(() => res.end("late"), 2_000));
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
});
after(async () => {
  slow?.closeAllConnections();
  slow?.close();
  await tc?.stop();
});

const api = { Ref: "Api" };
const root = { "Fn::GetAtt": ["Api", "RootResourceId"] };
const resource = (part: string) => ({ Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: api, ParentId: root, PathPart: part } });
const method = (res: string, httpMethod: string, integration: Record<string, unknown>, responses = [{ StatusCode: "200" }]) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: api, ResourceId: { Ref: res }, HttpMethod: httpMethod, AuthorizationType: "NONE", Integration: integration, MethodResponses: responses },
});
const ok = [{ StatusCode: "200" }];
const assume = (service: string) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

function template(extra: Record<string, unknown> = {}) {
  const port = (slow.address() as AddressInfo).port;
  return {
    Resources: {
      LambdaRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume("lambda.amazonaws.com") } },
      // a role only Lambda may assume: API Gateway cannot call as it
      Echo: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["LambdaRole", "Arn"] }, Code: { ZipFile: "exports.handler = async (e) => e" } } },
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "failures", BinaryMediaTypes: ["application/octet-stream"] } },
      Slow: resource("slow"), Closed: resource("closed"), NotJson: resource("notjson"), Untrusted: resource("untrusted"), Strict: resource("strict"), Bytes: resource("bytes"),
      SlowGet: method("Slow", "GET", { Type: "HTTP", IntegrationHttpMethod: "GET", Uri: `http://127.0.0.1:${port}/`, TimeoutInMillis: 300, IntegrationResponses: ok }),
      ClosedGet: method("Closed", "GET", { Type: "HTTP", IntegrationHttpMethod: "GET", Uri: "http://127.0.0.1:1/", IntegrationResponses: ok }),
      NotJsonPost: method("NotJson", "POST", {
        Type: "AWS", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" },
        RequestTemplates: { "application/json": "not json $input.body" }, IntegrationResponses: ok,
      }),
      UntrustedPost: method("Untrusted", "POST", {
        Type: "AWS", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:dynamodb:action/ListTables" },
        Credentials: { "Fn::GetAtt": ["LambdaRole", "Arn"] }, RequestTemplates: { "application/json": "{}" }, IntegrationResponses: ok,
      }),
      StrictPost: method("Strict", "POST", { Type: "MOCK", PassthroughBehavior: "WHEN_NO_TEMPLATES", RequestTemplates: { "application/json": '{"statusCode": 200}' }, IntegrationResponses: ok }),
      BytesPost: method("Bytes", "POST", {
        Type: "AWS", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" },
        ContentHandling: "CONVERT_TO_TEXT", RequestTemplates: { "application/octet-stream": '{"data": "$input.body"}' },
        IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"echo": $input.json("$.data")}' } }],
      }),
      Unsupported: { Type: "AWS::ApiGateway::GatewayResponse", Properties: { RestApiId: api, ResponseType: "UNSUPPORTED_MEDIA_TYPE", ResponseTemplates: { "application/json": '{"error": "$context.error.responseType"}' } } },
      Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["SlowGet", "ClosedGet", "NotJsonPost", "UntrustedPost", "StrictPost", "BytesPost"], Properties: { RestApiId: api, StageName: "dev" } },
      ...extra,
    },
    Outputs: { Url: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "LocalEndpoint"] }, "/dev/"]] } } },
  };
}

test("deploys", { timeout: 120_000 }, async () => {
  url = (await deployTestStack(tc.cloud, "rest-failures", template())).outputs.Url!;
});

test("an HTTP endpoint past the integration timeout is 504; an unreachable one 500", { timeout: 60_000 }, async () => {
  const late = await fetch(`${url}slow`);
  assert.equal(late.status, 504);
  assert.deepEqual(await late.json(), { message: "Endpoint request timed out" });
  const closed = await fetch(`${url}closed`);
  assert.equal(closed.status, 500);
  assert.deepEqual(await closed.json(), { message: "Internal server error" });
});

test("a Lambda payload that is not JSON, and a role API Gateway may not assume, are 500", { timeout: 60_000 }, async () => {
  const post = (path: string) => fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  for (const path of ["notjson", "untrusted"]) {
    const res = await post(path);
    assert.equal(res.status, 500, path);
    assert.deepEqual(await res.json(), { message: "Internal server error" });
  }
});

test("WHEN_NO_TEMPLATES refuses a type without a template with 415, through the API's gateway response", { timeout: 60_000 }, async () => {
  const refused = await fetch(`${url}strict`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
  assert.equal(refused.status, 415);
  assert.deepEqual(await refused.json(), { error: "UNSUPPORTED_MEDIA_TYPE" });
  assert.equal((await fetch(`${url}strict`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status, 200);
});

test("a binary body reaches a template base64-encoded", { timeout: 60_000 }, async () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
  const res = await fetch(`${url}bytes`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from((await res.json()).echo, "base64"), bytes);
});

test("an integration response without its method response fails the deploy, naming the method", { timeout: 60_000 }, async () => {
  const bad = method("Strict", "GET", { Type: "MOCK", RequestTemplates: { "application/json": '{"statusCode": 200}' }, IntegrationResponses: [{ StatusCode: "200" }, { StatusCode: "404", SelectionPattern: "404" }] });
  await assert.rejects(deployTestStack(tc.cloud, "rest-failures", template({ StrictGet: bad }), true), /StrictGet: .*Invalid Response status code specified/);
});
