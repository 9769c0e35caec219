/** What API Gateway and function URLs share: Lambda-proxy event builders, response mapping, CORS, request helpers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildEventV2 } from "./event-v2.js";
import { buildEventV1 } from "./event-v1.js";
import { clfTime, isTextContentType, parseQueryString, type GatewayRequest } from "./http-request.js";
import { mapResponseV1, mapResponseV2 } from "./response-map.js";
import { applyCors, originAllowed, preflightHeaders } from "./cors.js";
import { functionFromIntegrationUri } from "./lambda-invoke.js";

const req = (over: Partial<GatewayRequest> = {}): GatewayRequest => ({
  method: "POST", rawPath: "/users/1", routePath: "/users/1", rawQueryString: "a=1&a=2&b=x%20y",
  headers: { "content-type": "application/json", cookie: "s=1; t=2", "user-agent": "ua", host: "abc.execute-api.localhost:4570" },
  body: Buffer.from('{"n":1}'), sourceIp: "10.0.0.1", domainName: "abc.execute-api.localhost", stage: "$default",
  requestId: "RID=", time: Date.UTC(2020, 2, 12, 19, 3, 58), ...over,
});
const ctx = { apiId: "abc1234567", routeKey: "POST /users/{id}", pathParameters: { id: "1" } };

test("buildEventV2", () => {
  const e: any = buildEventV2(req(), ctx);
  assert.equal(e.version, "2.0");
  assert.deepEqual(e.cookies, ["s=1", "t=2"]);
  assert.equal(e.headers.cookie, undefined);
  assert.equal(e.headers["x-forwarded-for"], "10.0.0.1");
  assert.deepEqual(e.queryStringParameters, { a: "1,2", b: "x y" });
  assert.equal(e.body, '{"n":1}');
  assert.equal(e.isBase64Encoded, false);
  assert.equal(e.requestContext.time, "12/Mar/2020:19:03:58 +0000");
  assert.equal(e.requestContext.domainPrefix, "abc");
  assert.equal(e.stageVariables, undefined);
  const bin: any = buildEventV2(req({ headers: { "content-type": "application/octet-stream" }, body: Buffer.from([1, 2]) }), ctx);
  assert.equal(bin.isBase64Encoded, true);
  assert.equal(bin.body, "AQI=");
  assert.equal(bin.cookies, undefined);
});

test("buildEventV1", () => {
  const e: any = buildEventV1(req({ headers: { accept: "a,b", "content-type": "application/json" } }), ctx);
  assert.equal(e.version, "1.0");
  assert.equal(e.resource, "/users/{id}");
  assert.equal(e.path, "/users/1");
  assert.deepEqual(e.multiValueHeaders.accept, ["a", "b"]);
  assert.equal(e.headers.accept, "b");
  assert.deepEqual(e.multiValueQueryStringParameters, { a: ["1", "2"], b: ["x y"] });
  assert.deepEqual(e.queryStringParameters, { a: "2", b: "x y" });
  assert.equal(e.requestContext.requestTimeEpoch, Date.UTC(2020, 2, 12, 19, 3, 58));
  assert.equal(e.requestContext.identity.sourceIp, "10.0.0.1");
  assert.equal(e.stageVariables, null);
});

test("request helpers", () => {
  assert.equal(clfTime(Date.UTC(2021, 0, 5, 4, 5, 6)), "05/Jan/2021:04:05:06 +0000");
  assert.deepEqual([...parseQueryString("x&y=&z=%E2%9C%93")], [["x", [""]], ["y", [""]], ["z", ["✓"]]]);
  assert.equal(isTextContentType("application/vnd.api+json; charset=utf-8"), true);
  assert.equal(isTextContentType("multipart/form-data; boundary=x"), false);
  assert.equal(functionFromIntegrationUri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations"), "arn:aws:lambda:us-east-1:000000000000:function:f");
  assert.equal(functionFromIntegrationUri("arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}", { fn: "g" }), "arn:aws:lambda:us-east-1:000000000000:function:g");
  // Asked again (answered from the cache for fixed URIs; stage variables resolved each time).
  assert.equal(functionFromIntegrationUri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations"), "arn:aws:lambda:us-east-1:000000000000:function:f");
  assert.equal(functionFromIntegrationUri("arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}", { fn: "h" }), "arn:aws:lambda:us-east-1:000000000000:function:h");
});

test("mapResponseV2", () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const s = mapResponseV2(json({ statusCode: 302, headers: { Location: "/x" }, multiValueHeaders: { "X-M": ["a", "b"] } }));
  assert.equal(s.status, 302);
  assert.equal(s.headers.location, "/x");
  assert.equal(s.headers["x-m"], "a,b");
  assert.equal(s.body.length, 0);
  assert.deepEqual(mapResponseV2(json([1, 2])).body.toString(), "[1,2]");
  assert.equal(mapResponseV2(json(null)).body.toString(), "null");
  assert.equal(mapResponseV2(Buffer.from("not json")).status, 500);
  assert.equal(mapResponseV2(json({ statusCode: 200, body: { a: 1 } })).status, 500);
  assert.equal(mapResponseV2(json({ statusCode: 200, body: 42 })).body.toString(), "42", "a number body is sent as its text");
  assert.equal(mapResponseV2(json({ statusCode: 200, headers: "x" })).status, 500);
  assert.equal(mapResponseV2(json({ statusCode: 99 })).status, 500);
});

test("mapResponseV1", () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  assert.equal(mapResponseV1(json({ hello: 1 })).status, 500, "1.0 needs a statusCode");
  const r = mapResponseV1(json({ statusCode: 200, multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] }, body: "ok" }));
  assert.deepEqual(r.setCookies, ["a=1", "b=2"]);
  assert.equal(r.body.toString(), "ok");
});

test("CORS helpers", () => {
  const cors = { AllowOrigins: ["https://*.example.com"], AllowMethods: ["GET"], AllowHeaders: ["X-Api-Key"] };
  assert.equal(originAllowed(cors, "https://app.example.com"), true);
  assert.equal(originAllowed(cors, "https://example.org"), false);
  assert.deepEqual(preflightHeaders(cors, { origin: "https://app.example.com", "access-control-request-method": "POST" }), {}, "method not allowed");
  assert.deepEqual(preflightHeaders(cors, { origin: "https://app.example.com", "access-control-request-method": "GET" }), {
    "access-control-allow-origin": "https://app.example.com", "access-control-allow-methods": "GET", "access-control-allow-headers": "x-api-key",
  });
  const headers: Record<string, string> = { "access-control-allow-origin": "https://evil", "content-type": "text/plain" };
  applyCors(cors, { origin: "https://a.example.com" }, headers);
  assert.equal(headers["access-control-allow-origin"], "https://a.example.com");
  assert.equal(headers.vary, "Origin");
});
