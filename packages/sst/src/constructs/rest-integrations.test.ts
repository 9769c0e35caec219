/**
 * REST API (v1) integrations beside the Lambda proxy, written as CDK apps write them in
 * an SST stack and deployed to the local cloud as `sst dev` deploys: a non-proxy Lambda
 * route (`cdk.integration.proxy: false`) with request and response mapping templates and
 * an error selected by its message, a MOCK computing its status and body in VTL, AWS
 * service integrations (DynamoDB PutItem/GetItem, SQS SendMessage by path) called as
 * their role — whose IAM policy is enforced — an HTTP integration with parameter
 * mapping and templates, an HTTP_PROXY, and passthrough behavior NEVER answering 415;
 * `aws apigateway test-invoke-method` runs a method's mapping too.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { deployAppLocally, oneStackApp, useLocalApp } from "../project/fixtures/local-app.js";
import { startHttpBackend } from "../project/fixtures/http-backend.js";

process.env.CDK_VALIDATION = "false";

const files = (backend: string) => oneStackApp("rest-integrations", "Apis", {
  "stacks/Apis.ts": `
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { ApiGatewayV1Api, Bucket, StackContext, Table } from "sst/constructs";
export function Apis({ stack }: StackContext) {
  const notes = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const rest = new ApiGatewayV1Api(stack, "Rest", {
    cdk: { restApi: {
      binaryMediaTypes: ["image/png"], deployOptions: { variables: { greeting: "hello" } },
      // two origins: CDK's preflight MOCK picks the caller's in VTL ($context.responseOverride)
      defaultCorsPreflightOptions: { allowOrigins: ["http://a.test", "http://b.test"], allowMethods: ["GET", "POST"] },
    } },
    routes: {
      "POST /calc": {
        function: "src/fn.calc",
        cdk: {
          integration: {
            proxy: false,
            requestTemplates: { "application/json": '{"a": $input.json(\\'$.a\\'), "b": $input.json(\\'$.b\\'), "who": "$input.params(\\'who\\')", "stage": "$context.stage", "greeting": "$stageVariables.greeting", "resource": "$context.resourcePath"}' },
            integrationResponses: [
              { statusCode: "200", responseTemplates: { "application/json": '{"sum": $input.json(\\'$.sum\\'), "line": "$input.path(\\'$.line\\')"}' }, responseParameters: { "method.response.header.X-Who": "integration.response.body.who" } },
              { statusCode: "400", selectionPattern: "Bad input.*", responseTemplates: { "application/json": '{"error": "$util.escapeJavaScript($input.path(\\'$.errorMessage\\'))"}' } },
            ],
          },
          method: { methodResponses: [{ statusCode: "200", responseParameters: { "method.response.header.X-Who": true } }, { statusCode: "400" }] },
        },
      },
    },
  });
  const api = rest.cdk.restApi;

  // MOCK: the status and the body computed in VTL
  api.root.addResource("mock").addResource("{id}").addMethod("GET", new apigateway.MockIntegration({
    requestTemplates: { "application/json": '#if($input.params("id") == "404"){"statusCode": 404}#else{"statusCode": 200}#end' },
    integrationResponses: [
      { statusCode: "200", responseTemplates: { "application/json": '#if($input.params("q") == "teapot")#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Teapot = "yes")#end{"id": "$input.params(\\'id\\')", "q": "$util.urlDecode($input.params(\\'q\\'))", "requestId": "$context.requestId"}' }, responseParameters: { "method.response.header.X-Mock": "'static'" } },
      { statusCode: "404", selectionPattern: "404", responseTemplates: { "application/json": '{"message": "no such thing"}' } },
    ],
  }), { methodResponses: [{ statusCode: "200", responseParameters: { "method.response.header.X-Mock": true } }, { statusCode: "404" }] });

  // passthrough NEVER: a Content-Type without a template is 415
  api.root.addResource("strict").addMethod("POST", new apigateway.MockIntegration({
    passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
    requestTemplates: { "application/json": '{"statusCode": 200}' },
    integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": '{"ok": true}' } }],
  }), { methodResponses: [{ statusCode: "200" }] });

  // DynamoDB, as a role API Gateway assumes that may write and read the table
  const role = new iam.Role(stack, "GatewayRole", { assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com") });
  notes.cdk.table.grantReadWriteData(role);
  const noteResource = api.root.addResource("notes");
  noteResource.addMethod("POST", new apigateway.AwsIntegration({
    service: "dynamodb", action: "PutItem",
    options: {
      credentialsRole: role,
      requestTemplates: { "application/json": \`{"TableName": "\${notes.tableName}", "Item": {"id": {"S": "$input.path('$.id')"}, "text": {"S": "$util.escapeJavaScript($input.path('$.text'))"}, "by": {"S": "$context.identity.sourceIp"}}}\` },
      integrationResponses: [
        { statusCode: "201", responseTemplates: { "application/json": '{"saved": true}' } },
        { statusCode: "400", selectionPattern: "4\\\\d{2}" },
      ],
    },
  }), { methodResponses: [{ statusCode: "201" }, { statusCode: "400" }] });
  const get = {
    requestTemplates: { "application/json": \`{"TableName": "\${notes.tableName}", "Key": {"id": {"S": "$input.params('id')"}}}\` },
    integrationResponses: [
      { statusCode: "200", responseTemplates: { "application/json": '#set($item = $input.path("$.Item"))#if($item == "" || !$item){"found": false}#else{"id": "$item.id.S", "text": "$util.escapeJavaScript($item.text.S)"}#end' } },
      { statusCode: "403", selectionPattern: "4\\\\d{2}", responseTemplates: { "application/json": '{"denied": $input.json("$")}' } },
    ],
  };
  noteResource.addResource("{id}").addMethod("GET", new apigateway.AwsIntegration({ service: "dynamodb", action: "GetItem", options: { credentialsRole: role, ...get } }),
    { methodResponses: [{ statusCode: "200" }, { statusCode: "403" }] });
  // the same call as a role with no DynamoDB permission: the service refuses it
  const weak = new iam.Role(stack, "WeakRole", { assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com") });
  api.root.addResource("denied").addResource("{id}").addMethod("GET", new apigateway.AwsIntegration({ service: "dynamodb", action: "GetItem", options: { credentialsRole: weak, ...get } }),
    { methodResponses: [{ statusCode: "200" }, { statusCode: "403" }] });

  // SQS by path, as the common CDK pattern writes it
  const queue = new sqs.Queue(stack, "Inbox");
  queue.grantSendMessages(role);
  api.root.addResource("inbox").addMethod("POST", new apigateway.AwsIntegration({
    service: "sqs", path: \`\${stack.account}/\${queue.queueName}\`,
    options: {
      credentialsRole: role,
      requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
      requestTemplates: { "application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)" },
      integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": '{"queued": true}' } }],
    },
  }), { methodResponses: [{ statusCode: "200" }] });

  // S3 by path: binary bodies in and out (image/png is a binary media type of the API)
  const files = new Bucket(stack, "Files");
  files.cdk.bucket.grantReadWrite(role);
  const file = api.root.addResource("files").addResource("{key}");
  const s3Options = (method: string) => ({
    service: "s3", integrationHttpMethod: method, path: \`\${files.bucketName}/{key}\`,
    options: {
      credentialsRole: role,
      requestParameters: { "integration.request.path.key": "method.request.path.key", "integration.request.header.Content-Type": "method.request.header.Content-Type" },
      integrationResponses: [
        { statusCode: "200", responseParameters: { "method.response.header.Content-Type": "integration.response.header.Content-Type" } },
        { statusCode: "404", selectionPattern: "404", responseTemplates: { "application/json": '{"message": "no such file"}' } },
      ],
    },
  });
  const fileMethod = { requestParameters: { "method.request.path.key": true, "method.request.header.Content-Type": false }, methodResponses: [{ statusCode: "200", responseParameters: { "method.response.header.Content-Type": true } }, { statusCode: "404" }] };
  file.addMethod("PUT", new apigateway.AwsIntegration(s3Options("PUT")), fileMethod);
  file.addMethod("GET", new apigateway.AwsIntegration(s3Options("GET")), fileMethod);

  // HTTP with parameter mapping and templates, and HTTP_PROXY
  api.root.addResource("http").addResource("{name}").addMethod("GET", new apigateway.HttpIntegration("${backend}/items/{item}", {
    httpMethod: "POST", proxy: false,
    options: {
      requestParameters: {
        "integration.request.path.item": "method.request.path.name",
        "integration.request.querystring.tag": "method.request.querystring.t",
        "integration.request.header.x-from": "'gateway'",
        "integration.request.header.x-stage": "context.stage",
      },
      requestTemplates: { "application/json": '{"name": "$input.params(\\'name\\')"}' },
      integrationResponses: [
        { statusCode: "200", responseTemplates: { "application/json": '{"backend": $input.json("$"), "header": "$input.params(\\'x-client\\')"}' }, responseParameters: { "method.response.header.X-Backend": "integration.response.header.x-backend" } },
        { statusCode: "404", selectionPattern: "404" },
      ],
    },
  }), { requestParameters: { "method.request.path.name": true, "method.request.querystring.t": false }, methodResponses: [{ statusCode: "200", responseParameters: { "method.response.header.X-Backend": true } }, { statusCode: "404" }] });
  api.root.addResource("proxy").addResource("{proxy+}").addMethod("ANY", new apigateway.HttpIntegration("${backend}/passed/{proxy}", {
    proxy: true, httpMethod: "ANY",
    options: { requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" } },
  }), { requestParameters: { "method.request.path.proxy": true } });

  stack.addOutputs({ RestUrl: rest.url, RestId: api.restApiId, QueueUrl: queue.queueUrl });
}
`,
  "src/fn.ts": `
export const calc = async (event: any) => {
  if (event.a < 0) throw new Error("Bad input: a is negative");
  return { sum: event.a + event.b, who: event.who, line: event.stage + "/" + event.greeting + " " + event.resource };
};
`,
});

let backend: { url: string; close(): void };
before(async () => {
  // answers what it was sent
  backend = await startHttpBackend(({ method, url, headers, body }) => ({
    status: url.includes("missing") ? 404 : 200, body: JSON.stringify({ method, url, headers, body }),
    headers: { "content-type": "application/json", "x-backend": "yes", ...(url.includes("cookie") ? { "set-cookie": "session=s1; Path=/" } : {}) },
  }));
});
after(() => backend?.close());
const app = useLocalApp(() => files(backend.url));

describe("REST API integrations with mapping templates", () => {
  let outputs: Record<string, string> = {};
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${outputs.RestUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("deploys, and sst dev has nothing to say about non-proxy routes", { timeout: 240_000 }, async () => {
    const deployed = await deployAppLocally(app.cloud, app.dir, "dev-rest-integrations-Apis");
    assert.deepEqual(deployed.notices.filter((n) => /ApiGatewayV1Api/.test(n.construct)), []);
    outputs = deployed.outputs;
  });

  it("a non-proxy Lambda route maps the request into the event and the answer back, and selects an error by its message", { timeout: 60_000 }, async () => {
    const ok = await post("calc?who=ada", { a: 2, b: 3 });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-who"), "ada");
    assert.equal(ok.headers.get("content-type"), "application/json");
    assert.deepEqual(await ok.json(), { sum: 5, line: "dev/hello /calc" });

    const bad = await post("calc", { a: -1, b: 3 });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: "Bad input: a is negative" });
  });

  it("a MOCK computes its status and body in VTL; a response template may override the status and headers", { timeout: 60_000 }, async () => {
    const ok = await fetch(`${outputs.RestUrl}mock/7?q=a%20b`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-mock"), "static");
    const body = await ok.json();
    assert.equal(body.id, "7");
    assert.equal(body.q, "a b");
    assert.equal(body.requestId, ok.headers.get("x-amzn-requestid"));
    const missing = await fetch(`${outputs.RestUrl}mock/404`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: "no such thing" });
    const teapot = await fetch(`${outputs.RestUrl}mock/1?q=teapot`);
    assert.equal(teapot.status, 418, "$context.responseOverride.status");
    assert.equal(teapot.headers.get("x-teapot"), "yes");
  });

  it("CDK's preflight for two origins answers with the caller's origin", { timeout: 60_000 }, async () => {
    const preflight = (origin: string) => fetch(`${outputs.RestUrl}mock/1`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET" } });
    const b = await preflight("http://b.test");
    assert.equal(b.status, 204);
    assert.equal(b.headers.get("access-control-allow-origin"), "http://b.test");
    assert.equal(b.headers.get("access-control-allow-methods"), "GET,POST");
    assert.equal((await preflight("http://c.test")).headers.get("access-control-allow-origin"), "http://a.test");
  });

  it("passthrough behavior NEVER answers a Content-Type without a template with 415", { timeout: 60_000 }, async () => {
    const refused = await post("strict", "plain", { "content-type": "text/plain" });
    assert.equal(refused.status, 415);
    assert.deepEqual(await refused.json(), { message: "Unsupported Media Type" });
    assert.deepEqual(await (await post("strict", {})).json(), { ok: true });
  });

  it("DynamoDB service integrations write and read as their role; a role without the permission is refused by DynamoDB", { timeout: 60_000 }, async () => {
    const saved = await post("notes", { id: "n1", text: 'say "hi"' });
    assert.equal(saved.status, 201);
    assert.deepEqual(await saved.json(), { saved: true });
    const read = await fetch(`${outputs.RestUrl}notes/n1`);
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), { id: "n1", text: 'say "hi"' });
    assert.deepEqual(await (await fetch(`${outputs.RestUrl}notes/none`)).json(), { found: false });

    const denied = await fetch(`${outputs.RestUrl}denied/n1`);
    assert.equal(denied.status, 403);
    const refusal = (await denied.json()).denied;
    assert.match(refusal.__type, /AccessDeniedException/);
    assert.match(JSON.stringify(refusal), /assumed-role\/[^/]+\/apigateway is not authorized to perform: dynamodb:GetItem/);
  });

  it("an SQS path integration sends the body as a message", { timeout: 60_000 }, async () => {
    const sent = await post("inbox", { order: 42 });
    assert.equal(sent.status, 200);
    assert.deepEqual(await sent.json(), { queued: true });
    const got = await app.cloud.sqs.call("ReceiveMessage", { QueueUrl: outputs.QueueUrl, MaxNumberOfMessages: 1 });
    assert.deepEqual(JSON.parse(got.Messages![0]!.Body!), { order: 42 });
  });

  it("an S3 path integration stores and serves binary bodies as they are", { timeout: 60_000 }, async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);
    const put = await fetch(`${outputs.RestUrl}files/pic.png`, { method: "PUT", headers: { "content-type": "image/png" }, body: png });
    assert.equal(put.status, 200);
    const got = await fetch(`${outputs.RestUrl}files/pic.png`, { headers: { accept: "image/png" } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
    const missing = await fetch(`${outputs.RestUrl}files/none.png`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: "no such file" });
  });

  it("an HTTP integration maps path, query and headers, and its answer through a template; HTTP_PROXY passes all through", { timeout: 60_000 }, async () => {
    const res = await fetch(`${outputs.RestUrl}http/widget?t=blue&other=x`, { headers: { "x-client": "c1" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-backend"), "yes");
    const { backend: seen, header } = await res.json();
    assert.equal(header, "c1");
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/items/widget?tag=blue");
    assert.equal(seen.headers["x-from"], "gateway");
    assert.equal(seen.headers["x-stage"], "dev");
    assert.equal(seen.headers["x-client"], undefined, "only mapped headers go to a non-proxy HTTP integration");
    assert.deepEqual(JSON.parse(seen.body), { name: "widget" });

    const proxied = await fetch(`${outputs.RestUrl}proxy/a/b?x=1`, { method: "PUT", headers: { "x-client": "c2" }, body: "raw" });
    assert.equal(proxied.status, 200);
    const passed = await proxied.json();
    assert.deepEqual([passed.method, passed.url, passed.headers["x-client"], passed.body], ["PUT", "/passed/a/b?x=1", "c2", "raw"]);
    assert.deepEqual((await fetch(`${outputs.RestUrl}proxy/cookie`)).headers.getSetCookie(), ["session=s1; Path=/"]);
  });

  it("aws apigateway test-invoke-method runs the method's mapping and logs each step", { timeout: 60_000 }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" };
    const run = (args: string[]) => promisify(execFile)("/usr/bin/aws", ["apigateway", ...args, "--endpoint-url", app.cloud.endpoint, "--output", "json"], { env }).then((r) => JSON.parse(r.stdout));
    const resources = await run(["get-resources", "--rest-api-id", outputs.RestId]);
    const mock = resources.items.find((r: any) => r.path === "/mock/{id}");
    const out = await run(["test-invoke-method", "--rest-api-id", outputs.RestId, "--resource-id", mock.id, "--http-method", "GET", "--path-with-query-string", "/mock/9?q=x"]);
    assert.equal(out.status, 200);
    assert.equal(JSON.parse(out.body).id, "9");
    // the log shows each step's request and answer, for debugging templates
    assert.match(out.log, /Method request body before transformations: \n/);
    assert.match(out.log, /Endpoint request body after transformations: \{"statusCode": 200\}/);
    assert.match(out.log, /Method response body after transformations: \{"id": "9", "q": "x"/);
  });
});
