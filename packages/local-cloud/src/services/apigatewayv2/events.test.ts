/** API Gateway's own helpers: CloudFormation coercion and access-log formatting. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coerceInput } from "./coerce.js";

test("CloudFormation string values are coerced", () => {
  assert.deepEqual(coerceInput({ TimeoutInMillis: "3000", AutoDeploy: "true", Tags: { AutoDeploy: "true" }, CorsConfiguration: { MaxAge: "60", AllowCredentials: "false" } }), {
    TimeoutInMillis: 3000, AutoDeploy: true, Tags: { AutoDeploy: "true" }, CorsConfiguration: { MaxAge: 60, AllowCredentials: false },
  });
});

test("access log formatting", async () => {
  const { formatAccessLog, logGroupOfArn } = await import("./access-log.js");
  assert.equal(formatAccessLog("$context.requestId $context.status ${context.routeKey} $context.missing", { requestId: "r1", status: 200, routeKey: "GET /" }), "r1 200 GET / -");
  assert.equal(formatAccessLog('{"ip":"$context.identity.sourceIp"}', { "identity.sourceIp": "1.2.3.4" }), '{"ip":"1.2.3.4"}');
  assert.equal(logGroupOfArn("arn:aws:logs:us-east-1:000000000000:log-group:/a/b:*"), "/a/b");
});
