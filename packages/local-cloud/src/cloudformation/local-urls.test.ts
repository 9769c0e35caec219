import { test } from "node:test";
import assert from "node:assert/strict";
import { localApiUrl, type LocalUrlContext } from "./local-urls.js";
import { resolve } from "./intrinsics.js";
import { createScope } from "./scope.js";

const ctx: LocalUrlContext = {
  region: "us-east-1",
  endpoint: "http://127.0.0.1:4570",
  typeOfPhysicalId: (id) => ({ abcdefghij: "AWS::ApiGatewayV2::Api", restapi123: "AWS::ApiGateway::RestApi", bucket1234: "AWS::S3::Bucket" })[id],
};

test("AWS URLs of the stack's APIs become their local URLs, path and query kept", () => {
  assert.equal(localApiUrl("wss://abcdefghij.execute-api.us-east-1.amazonaws.com/dev", ctx), "ws://abcdefghij.execute-api.localhost:4570/dev");
  assert.equal(localApiUrl("https://restapi123.execute-api.us-east-1.amazonaws.com/prod/", ctx), "http://restapi123.execute-api.localhost:4570/prod/");
  assert.equal(localApiUrl("https://abcdefghij.execute-api.us-east-1.amazonaws.com", ctx), "http://abcdefghij.execute-api.localhost:4570");
});

test("other strings are left alone: another region, an id the stack did not deploy, a resource that is no API, lookalikes", () => {
  for (const s of [
    "wss://abcdefghij.execute-api.eu-west-1.amazonaws.com/dev",
    "wss://zzzzzzzzzz.execute-api.us-east-1.amazonaws.com/dev",
    "https://bucket1234.execute-api.us-east-1.amazonaws.com/x",
    "https://abcdefghij.execute-api.us-east-1.amazonaws.com.evil.example/x",
    "prefix wss://abcdefghij.execute-api.us-east-1.amazonaws.com/dev",
    "arn:aws:execute-api:us-east-1:000000000000:abcdefghij/*",
  ]) assert.equal(localApiUrl(s, ctx), s);
});

test("Fn::Join in a deploy scope resolves CDK's WebSocket stage URL to the local one", () => {
  const scope = createScope({
    template: { Resources: { Api: { Type: "AWS::ApiGatewayV2::Api", Properties: {} } } } as any,
    stackName: "s", stackId: "id", region: "us-east-1", accountId: "000000000000", parameters: {},
    resources: () => ({ Api: { logicalId: "Api", type: "AWS::ApiGatewayV2::Api", physicalId: "abcdefghij", properties: {}, attributes: {}, status: "CREATE_COMPLETE", timestamp: "", dependsOn: [] } }),
    findExport: () => undefined,
    endpoint: "http://127.0.0.1:4570",
  });
  const url = { "Fn::Join": ["", ["wss://", { Ref: "Api" }, ".execute-api.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, "/", "dev"]] };
  assert.equal(resolve(url, scope), "ws://abcdefghij.execute-api.localhost:4570/dev");
  assert.equal(resolve({ "Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" }, scope), "http://abcdefghij.execute-api.localhost:4570/");
});
