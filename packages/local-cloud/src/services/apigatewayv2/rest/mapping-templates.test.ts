/**
 * API Gateway's mapping-template pieces as units: JSONPath, `$input`/`$util`/`$context`
 * in a template, request template choice by Content-Type and passthrough behavior,
 * integration response choice by Lambda errorMessage or status, parameter mapping.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateJsonPath } from "../../../json-path/json-path.js";
import { renderApiTemplate, type MethodParams } from "./mapping-context.js";
import { mapIntegrationResponse, selectIntegrationResponse, selectRequestTemplate } from "./integration-mapping.js";
import { mapRequestParameters, mapResponseParameters } from "./parameter-mapping.js";
import { ModelSchemas } from "./request-validation.js";

const doc = { a: { b: [1, { c: "x" }] }, list: [{ n: 1 }, { n: 2 }], "odd key": true };

test("JSONPath: definite paths give a value, wildcards and .. give lists", () => {
  assert.deepEqual(evaluateJsonPath(doc, "$"), doc);
  assert.equal(evaluateJsonPath(doc, "$.a.b[1].c"), "x");
  assert.equal(evaluateJsonPath(doc, "$['odd key']"), true);
  assert.equal(evaluateJsonPath(doc, "$.a.b[-1].c"), "x");
  assert.equal(evaluateJsonPath(doc, "$.missing.deeper"), undefined);
  assert.deepEqual(evaluateJsonPath(doc, "$.list[*].n"), [1, 2]);
  assert.deepEqual(evaluateJsonPath(doc, "$..n"), [1, 2]);
  assert.throws(() => evaluateJsonPath(doc, "a.b"), /Invalid JSONPath/);
});

const params: MethodParams = { path: { id: "7" }, querystring: { q: "v", id: "shadowed" }, header: { "x-token": "t" } };
const render = (template: string, body = '{"name":"Ada","tags":["a","b"],"n":3}') =>
  renderApiTemplate(template, { body, params, context: { requestId: "r-1", stage: "dev", identity: { sourceIp: "10.0.0.1" }, authorizer: { principalId: "u" } }, stageVariables: { color: "blue" } });

test("templates read $input, $context, $stageVariables and API Gateway's $util", () => {
  assert.equal(render("$input.json('$.name')|$input.path('$.n')|$input.json('$.tags')|$input.path('$.tags').size()").output, '"Ada"|3|["a","b"]|2');
  assert.equal(render("$input.params('id')|$input.params('q')|$input.params('X-Token')|$input.params('none')|").output, "7|v|t||");
  assert.equal(render("#foreach($k in $input.params().path.keySet())$k=$input.params().path.get($k)#end").output, "id=7");
  assert.equal(render("$input.body", "raw text").output, "raw text");
  assert.equal(render("$context.requestId $context.identity.sourceIp $context.authorizer.principalId $context.stage $stageVariables.color").output, "r-1 10.0.0.1 u dev blue");
  assert.equal(render(`$util.escapeJavaScript("it's \\"q\\"")`).output, `it\\'s \\"q\\"`);
  assert.equal(render(`$util.urlEncode("a b&c*~")|$util.urlDecode("a+b%26c")`).output, "a+b%26c*%7E|a b&c");
  assert.equal(render(`$util.base64Encode("hi")|$util.base64Decode("aGk=")|$util.parseJson('{"x":[1]}').x.size()`).output, "aGk=|hi|1");
  assert.deepEqual(render("#if(").error?.type, "MappingTemplate");
});

test("request templates are chosen by Content-Type; passthrough behavior decides when none matches", () => {
  const templates = { "application/json": "J", "application/xml": "X" };
  assert.deepEqual(selectRequestTemplate({ RequestTemplates: templates }, undefined), { kind: "template", template: "J", contentType: "application/json" });
  assert.deepEqual(selectRequestTemplate({ RequestTemplates: templates }, "Application/XML; charset=utf-8"), { kind: "template", template: "X", contentType: "application/xml" });
  assert.equal(selectRequestTemplate({ RequestTemplates: templates }, "text/plain").kind, "passthrough");
  assert.equal(selectRequestTemplate({ RequestTemplates: templates, PassthroughBehavior: "WHEN_NO_TEMPLATES" }, "text/plain").kind, "unsupported");
  assert.equal(selectRequestTemplate({ PassthroughBehavior: "WHEN_NO_TEMPLATES" }, "text/plain").kind, "passthrough");
  assert.equal(selectRequestTemplate({ PassthroughBehavior: "NEVER" }, "text/plain").kind, "unsupported");
});

test("integration responses: Lambda errors by errorMessage, others by status; the default otherwise", () => {
  const responses = [{ StatusCode: "200" }, { StatusCode: "400", SelectionPattern: "Bad.*" }, { StatusCode: "404", SelectionPattern: "404" }];
  const answer = { headers: {}, body: Buffer.alloc(0) };
  assert.equal(selectIntegrationResponse(responses, { ...answer, status: 200, lambda: true, lambdaError: "Bad thing" })?.StatusCode, "400");
  assert.equal(selectIntegrationResponse(responses, { ...answer, status: 200, lambda: true, lambdaError: "Other" })?.StatusCode, "200");
  assert.equal(selectIntegrationResponse(responses, { ...answer, status: 200, lambda: true })?.StatusCode, "200");
  assert.equal(selectIntegrationResponse(responses, { ...answer, status: 404 })?.StatusCode, "404");
  assert.equal(selectIntegrationResponse(responses, { ...answer, status: 4040 })?.StatusCode, "200", "the pattern matches the whole string");
  assert.equal(selectIntegrationResponse([{ StatusCode: "400", SelectionPattern: "4\\d{2}" }], { ...answer, status: 200 }), undefined);
});

test("an integration response maps headers and body; none selected is 500", () => {
  const scope = { params, context: { requestId: "r" }, stageVariables: {}, accept: "application/json", binary: () => false };
  const integration = { IntegrationResponses: [{ StatusCode: "201", ResponseParameters: { "method.response.header.X-Id": "integration.response.body.id", "method.response.header.X-Up": "integration.response.header.x-up", "method.response.header.X-Lit": "'lit'" },
    ResponseTemplates: { "application/json": '{"got": $input.json("$.id")}' } }] };
  const out = mapIntegrationResponse(integration, { status: 200, headers: { "x-up": "u" }, body: Buffer.from('{"id": 5}') }, scope);
  assert.equal(out.status, 201);
  assert.deepEqual(out.headers, { "x-id": "5", "x-up": "u", "x-lit": "lit", "content-type": "application/json" });
  assert.equal(out.body.toString(), '{"got": 5}');
  const none = mapIntegrationResponse({ IntegrationResponses: [{ StatusCode: "200", SelectionPattern: "2\\d{2}" }] }, { status: 500, headers: {}, body: Buffer.alloc(0) }, scope);
  assert.equal(none.status, 500);
  assert.deepEqual(JSON.parse(none.body.toString()), { message: "Internal server error" });
});

test("request parameters fill the integration request's path, query and headers", () => {
  const parts = mapRequestParameters({
    "integration.request.path.item": "method.request.path.id",
    "integration.request.querystring.all": "method.request.multivaluequerystring.q",
    "integration.request.header.X-Lit": "'v'",
    "integration.request.header.x-req": "context.requestId",
    "integration.request.header.x-name": "method.request.body.user.name",
    "integration.request.header.x-none": "method.request.header.absent",
  }, { params, multiQuery: new Map([["q", ["1", "2"]]]), body: '{"user":{"name":"Ada"}}', context: { requestId: "r-9" }, stageVariables: {} });
  assert.deepEqual(parts.path, { item: "7" });
  assert.deepEqual([...parts.querystring], [["all", ["1", "2"]]]);
  assert.deepEqual(parts.header, { "x-lit": "v", "x-req": "r-9", "x-name": "Ada" });
  assert.deepEqual(mapResponseParameters({ "method.response.header.A": "stageVariables.s", "other.target": "'x'" }, { headers: {}, body: "", context: {}, stageVariables: { s: "S" } }), { a: "S" });
});

test("a model's schema errors in API Gateway's words", () => {
  const models = new ModelSchemas("api1", [
    { Name: "Pet", Schema: JSON.stringify({ type: "object", required: ["name", "kind"], properties: { age: { type: "integer", minimum: 0 }, tag: { type: "string", minLength: 2, pattern: "^t" }, color: { enum: ["red", "blue"] }, owner: { $ref: "https://apigateway.amazonaws.com/restapis/api1/models/Owner" } } }) },
    { Name: "Owner", Schema: JSON.stringify({ type: "object", additionalProperties: false, properties: { id: { type: "string" } } }) },
  ]);
  assert.deepEqual(models.errors("Pet", { age: -1, tag: "x", color: "green", owner: { id: 1, extra: true } }), [
    "object has missing required properties ([\"kind\",\"name\"])",
    "numeric instance is lower than the required minimum (minimum: 0, found: -1)",
    "string \"x\" is too short (length: 1, required minimum: 2)",
    "ECMA 262 regex \"^t\" does not match input string \"x\"",
    "instance value (\"green\") not found in enum (possible values: [\"red\",\"blue\"])",
    "object instance has properties which are not allowed by the schema: [\"extra\"]",
    "instance type (integer) does not match any allowed primitive type (allowed: [\"string\"])",
  ]);
  assert.deepEqual(models.errors("Pet", { name: "Rex", kind: "dog" }), []);
  assert.equal(models.errors("Nope", {}), undefined);
});
