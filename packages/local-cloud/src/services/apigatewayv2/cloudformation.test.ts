/**
 * The AWS::ApiGatewayV2::* resources of a template, deployed by the cloud's
 * CloudFormation engine through `call()`, serve requests.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let cfn: CloudFormationClient;
let backend: http.Server;

before(async () => {
  tc = await startTestCloud();
  cfn = new CloudFormationClient(tc.clientConfig);
  backend = http.createServer((req, res) => res.end(`backend saw ${req.method} ${req.url}`));
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
});
after(async () => {
  cfn?.destroy();
  await new Promise((r) => backend.close(r));
  await tc?.stop();
});

test("a CloudFormation stack of API, integration, route and stage", { timeout: 30_000 }, async (t) => {
  if (!(tc.cloud as any).cloudformation) return t.skip("the CloudFormation service is not part of this cloud yet");
  const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/{proxy}`;
  const template = {
    Resources: {
      Api: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "cfn-api", ProtocolType: "HTTP", CorsConfiguration: { AllowOrigins: ["*"], AllowMethods: ["GET"] } } },
      Stage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Api" }, StageName: "$default", AutoDeploy: true } },
      Integration: {
        Type: "AWS::ApiGatewayV2::Integration",
        Properties: { ApiId: { Ref: "Api" }, IntegrationType: "HTTP_PROXY", IntegrationUri: url, IntegrationMethod: "ANY", PayloadFormatVersion: "1.0" },
      },
      Route: {
        Type: "AWS::ApiGatewayV2::Route",
        Properties: { ApiId: { Ref: "Api" }, RouteKey: "GET /{proxy+}", AuthorizationType: "NONE", Target: { "Fn::Join": ["", ["integrations/", { Ref: "Integration" }]] } },
      },
    },
    Outputs: { Endpoint: { Value: { "Fn::GetAtt": ["Api", "ApiEndpoint"] } } },
  };
  await cfn.send(new CreateStackCommand({ StackName: "apigw-stack", TemplateBody: JSON.stringify(template) }));
  let stack;
  for (let i = 0; i < 100; i++) {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: "apigw-stack" }))).Stacks![0];
    if (!stack.StackStatus!.endsWith("IN_PROGRESS")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(stack!.StackStatus, "CREATE_COMPLETE", stack!.StackStatusReason);
  const endpoint = stack!.Outputs!.find((o) => o.OutputKey === "Endpoint")!.OutputValue!;
  const res = await fetch(`${endpoint}/a/b?c=1`, { headers: { origin: "http://localhost:3000" } });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "backend saw GET /a/b?c=1");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});
