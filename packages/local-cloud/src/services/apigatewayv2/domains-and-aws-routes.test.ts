/**
 * Custom domains (DomainName + ApiMapping) served on `<domain>.localhost`, and AWS
 * service routes (EventBridge-PutEvents, SQS-SendMessage) called as the integration's
 * role: through the SDK and a CloudFormation stack like the one SST's Api writes.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  CreateDomainNameCommand, GetDomainNameCommand, CreateApiMappingCommand, GetApiMappingsCommand, DeleteDomainNameCommand,
  ConflictException, NotFoundException, BadRequestException,
} from "@aws-sdk/client-apigatewayv2";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let apigw: ApiGatewayV2Client;
let backend: http.Server;
let backendUrl: string;

before(async () => {
  tc = await startTestCloud();
  apigw = new ApiGatewayV2Client(tc.clientConfig);
  backend = http.createServer((req, res) => res.end(`backend ${req.method} ${req.url}`));
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
after(async () => {
  apigw?.destroy();
  await new Promise((r) => backend.close(r));
  await tc?.stop();
});

/** A request to the local cloud's port with another Host, as a browser sends for `<domain>.localhost`. */
function requestOnHost(host: string, path: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  const { port } = new URL(tc.cloud.endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: init.method ?? "GET", headers: { host: `${host}:${port}`, "content-type": "application/json" } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

async function httpApi(name: string, uri: string): Promise<string> {
  const api = await apigw.send(new CreateApiCommand({ Name: name, ProtocolType: "HTTP" }));
  const integ = await apigw.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: uri, IntegrationMethod: "ANY", PayloadFormatVersion: "1.0" }));
  await apigw.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "ANY /{proxy+}", Target: `integrations/${integ.IntegrationId}` }));
  await apigw.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true }));
  return api.ApiId!;
}

test("a custom domain serves its mapped APIs on <domain>.localhost, by base path", async () => {
  const root = await httpApi("root", `${backendUrl}/root/{proxy}`);
  const v1 = await httpApi("v1", `${backendUrl}/v1/{proxy}`);
  const domain = await apigw.send(new CreateDomainNameCommand({
    DomainName: "api.example.com",
    DomainNameConfigurations: [{ CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/abc", EndpointType: "REGIONAL" }],
  }));
  const { port } = new URL(tc.cloud.endpoint);
  assert.equal(domain.DomainNameConfigurations![0].ApiGatewayDomainName, `api.example.com.localhost:${port}`);
  assert.equal(domain.DomainNameConfigurations![0].DomainNameStatus, "AVAILABLE");
  await apigw.send(new CreateApiMappingCommand({ DomainName: "api.example.com", ApiId: root, Stage: "$default" }));
  await apigw.send(new CreateApiMappingCommand({ DomainName: "api.example.com", ApiId: v1, Stage: "$default", ApiMappingKey: "v1" }));
  assert.equal((await apigw.send(new GetApiMappingsCommand({ DomainName: "api.example.com" }))).Items!.length, 2);

  assert.deepEqual(await requestOnHost("api.example.com.localhost", "/v1/notes?x=1"), { status: 200, body: "backend GET /v1/notes?x=1" });
  assert.deepEqual(await requestOnHost("api.example.com.localhost", "/other"), { status: 200, body: "backend GET /root/other" });
  // A host that is no custom domain falls through to S3's virtual hosts.
  assert.equal((await requestOnHost("no-such-bucket.localhost", "/")).status, 404);

  await assert.rejects(apigw.send(new CreateApiMappingCommand({ DomainName: "api.example.com", ApiId: v1, Stage: "$default", ApiMappingKey: "v1" })), ConflictException);
  await assert.rejects(apigw.send(new CreateDomainNameCommand({ DomainName: "api.example.com" })), ConflictException);
  await assert.rejects(apigw.send(new CreateDomainNameCommand({ DomainName: "Not A Domain" })), BadRequestException);
  await assert.rejects(apigw.send(new CreateApiMappingCommand({ DomainName: "api.example.com", ApiId: "nope000000", Stage: "$default", ApiMappingKey: "x" })), NotFoundException);

  await apigw.send(new DeleteDomainNameCommand({ DomainName: "api.example.com" }));
  await assert.rejects(apigw.send(new GetDomainNameCommand({ DomainName: "api.example.com" })), NotFoundException);
  assert.equal((await requestOnHost("api.example.com.localhost", "/v1/notes")).status, 404);
});

test("a CloudFormation stack as SST's Api writes it: domain, mapping, and AWS service routes under the integration role", { timeout: 60_000 }, async () => {
  const sqs = new SQSClient(tc.clientConfig);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "orders" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  const role = (actions: string[]) => ({
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] },
      Policies: [{ PolicyName: "Policy", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] } }],
    },
  });
  const integration = (subtype: string, roleId: string, params: Record<string, string>) => ({
    Type: "AWS::ApiGatewayV2::Integration",
    Properties: {
      ApiId: { Ref: "Api" }, IntegrationType: "AWS_PROXY", IntegrationSubtype: subtype, PayloadFormatVersion: "1.0",
      CredentialsArn: { "Fn::GetAtt": [roleId, "Arn"] }, RequestParameters: params,
    },
  });
  const route = (key: string, integ: string) => ({
    Type: "AWS::ApiGatewayV2::Route",
    Properties: { ApiId: { Ref: "Api" }, RouteKey: key, AuthorizationType: "NONE", Target: { "Fn::Join": ["", ["integrations/", { Ref: integ }]] } },
  });
  const template = {
    Resources: {
      Api: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "sst-like", ProtocolType: "HTTP" } },
      Stage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Api" }, StageName: "$default", AutoDeploy: true } },
      Certificate: { Type: "AWS::CertificateManager::Certificate", Properties: { DomainName: "orders.example.com", ValidationMethod: "DNS" } },
      DomainName: {
        Type: "AWS::ApiGatewayV2::DomainName",
        Properties: { DomainName: "orders.example.com", DomainNameConfigurations: [{ CertificateArn: { Ref: "Certificate" }, EndpointType: "REGIONAL" }] },
      },
      Mapping: { Type: "AWS::ApiGatewayV2::ApiMapping", Properties: { ApiId: { Ref: "Api" }, DomainName: { Ref: "DomainName" }, Stage: "$default", ApiMappingKey: "v1" }, DependsOn: ["Stage"] },
      AliasRecord: {
        Type: "AWS::Route53::RecordSet",
        Properties: { Name: "orders.example.com.", Type: "A", HostedZoneId: "Z123", AliasTarget: { DNSName: { "Fn::GetAtt": ["DomainName", "RegionalDomainName"] }, HostedZoneId: { "Fn::GetAtt": ["DomainName", "RegionalHostedZoneId"] } } },
      },
      SendRole: role(["sqs:SendMessage"]),
      WrongRole: role(["sqs:ReceiveMessage"]),
      Send: integration("SQS-SendMessage", "SendRole", { QueueUrl: QueueUrl!, MessageBody: "$request.body.note" }),
      Denied: integration("SQS-SendMessage", "WrongRole", { QueueUrl: QueueUrl!, MessageBody: "$request.body" }),
      SendRoute: route("POST /orders", "Send"),
      DeniedRoute: route("POST /denied", "Denied"),
    },
    Outputs: { Regional: { Value: { "Fn::GetAtt": ["DomainName", "RegionalDomainName"] } } },
  };
  const cfn = new CloudFormationClient(tc.clientConfig);
  await cfn.send(new CreateStackCommand({ StackName: "sst-like", TemplateBody: JSON.stringify(template), Capabilities: ["CAPABILITY_IAM"] }));
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "sst-like" }))).Stacks![0];
  assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
  const { port } = new URL(tc.cloud.endpoint);
  assert.equal(stack.Outputs!.find((o) => o.OutputKey === "Regional")!.OutputValue, `orders.example.com.localhost:${port}`);

  const sent = await requestOnHost("orders.example.com.localhost", "/v1/orders", { method: "POST", body: JSON.stringify({ note: "two coffees" }) });
  assert.equal(sent.status, 200, sent.body);
  assert.ok(JSON.parse(sent.body).MessageId);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  assert.equal(got.Messages?.[0]?.Body, "two coffees");

  // The integration's role lacks sqs:SendMessage: the local IAM refuses, as on AWS.
  const denied = await requestOnHost("orders.example.com.localhost", "/v1/denied", { method: "POST", body: "{}" });
  assert.ok(denied.status >= 400, denied.body);
  assert.match(denied.body, /not authorized to perform: sqs:SendMessage/i);
  assert.ok(Attributes?.QueueArn);
  sqs.destroy();
  cfn.destroy();
});
