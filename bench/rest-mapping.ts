/**
 * Benchmark: what a request costs on REST API (v1) integrations with mapping templates,
 * beside a Lambda proxy method calling the same function, measured in the same run.
 *
 *   node --import tsx bench/rest-mapping.ts [rounds] [requests]
 *
 * One local cloud in this process; methods: `GET /proxy/{id}` (Lambda proxy, the
 * baseline), `GET /mapped/{id}` (the same function, non-proxy: a request template
 * building its event from `$input.params`/`$context`, a response template over its
 * answer), `GET /mock/{id}` (a MOCK computing status and body in VTL), and
 * `GET /item/{id}` (a DynamoDB GetItem service integration called as its role over the
 * wire, with templates both ways). Each round sends `requests` (default 300) sequential
 * keep-alive requests to each and reports CPU µs per request of the whole process tree,
 * median over `rounds` (default 5), and the ratio to the baseline.
 */
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { compareRequestCpu } from "./lib/request-cpu.js";

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 300);

const trust = (service: string) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const rest = { Ref: "Rest" };
const resource = (id: string, parent: unknown, part: string) => ({ [id]: { Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: rest, ParentId: parent, PathPart: part } } });
const root = { "Fn::GetAtt": ["Rest", "RootResourceId"] };
const lambdaUri = { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" };
const get = (res: string, integration: Record<string, unknown>) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: rest, ResourceId: { Ref: res }, HttpMethod: "GET", AuthorizationType: "NONE", Integration: integration, MethodResponses: [{ StatusCode: "200" }] },
});

const template = {
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust("lambda.amazonaws.com") } },
    Echo: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile:
      "exports.handler = async (e) => e.pathParameters ? ({ statusCode: 200, body: JSON.stringify({ id: e.pathParameters.id }) }) : ({ id: e.id, stage: e.stage })" } } },
    Table: { Type: "AWS::DynamoDB::Table", Properties: { BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] } },
    GatewayRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust("apigateway.amazonaws.com"), Policies: [{ PolicyName: "read", PolicyDocument: {
      Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: { "Fn::GetAtt": ["Table", "Arn"] } }] } }] } },
    Rest: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "rest" } },
    ...resource("Proxy", root, "proxy"), ...resource("ProxyId", { Ref: "Proxy" }, "{id}"),
    ...resource("Mapped", root, "mapped"), ...resource("MappedId", { Ref: "Mapped" }, "{id}"),
    ...resource("Mock", root, "mock"), ...resource("MockId", { Ref: "Mock" }, "{id}"),
    ...resource("Item", root, "item"), ...resource("ItemId", { Ref: "Item" }, "{id}"),
    ProxyGet: get("ProxyId", { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: lambdaUri }),
    MappedGet: get("MappedId", { Type: "AWS", IntegrationHttpMethod: "POST", Uri: lambdaUri,
      RequestTemplates: { "application/json": '{"id": "$input.params(\'id\')", "stage": "$context.stage", "ip": "$context.identity.sourceIp"}' },
      IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"id": $input.json(\'$.id\'), "stage": "$input.path(\'$.stage\')"}' } }] }),
    MockGet: get("MockId", { Type: "MOCK", RequestTemplates: { "application/json": '#if($input.params("id") == "0"){"statusCode": 404}#else{"statusCode": 200}#end' },
      IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"id": "$input.params(\'id\')", "requestId": "$context.requestId"}' } }] }),
    ItemGet: get("ItemId", { Type: "AWS", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:dynamodb:action/GetItem" },
      Credentials: { "Fn::GetAtt": ["GatewayRole", "Arn"] },
      RequestTemplates: { "application/json": { "Fn::Sub": '{"TableName": "${Table}", "Key": {"id": {"S": "$input.params(\'id\')"}}}' } },
      IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"id": "$input.path(\'$.Item.id.S\')"}' } }] }),
    Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["ProxyGet", "MappedGet", "MockGet", "ItemGet"], Properties: { RestApiId: rest, StageName: "dev" } },
  },
  Outputs: {
    RestUrl: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Rest", "LocalEndpoint"] }, "/dev"]] } },
    Table: { Value: { Ref: "Table" } },
  },
};

const tc = await startTestCloud();
try {
  const { outputs } = await deployTestStack(tc.cloud, "bench", template);
  await tc.cloud.dynamodb.call("PutItem", { TableName: outputs.Table!, Item: { id: { S: "7" } } });
  const targets: Record<string, () => Promise<Response>> = {
    "Lambda proxy GET /proxy/{id} [baseline]": () => fetch(`${outputs.RestUrl}/proxy/7`),
    "Lambda non-proxy, templates both ways": () => fetch(`${outputs.RestUrl}/mapped/7`),
    "MOCK with VTL templates": () => fetch(`${outputs.RestUrl}/mock/7`),
    "DynamoDB GetItem as the role, templates": () => fetch(`${outputs.RestUrl}/item/7`),
  };
  await compareRequestCpu(targets, {
    rounds, requests, warmup: 50,
    check: (name, status, text) => {
      if (status !== 200 || !text.includes("7")) throw new Error(`${name}: ${status} ${text}`);
    },
  });
} finally {
  await tc.stop();
}
