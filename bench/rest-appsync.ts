/**
 * Benchmark: what a request costs on the REST API (v1) and AppSync data planes, beside
 * an HTTP API (v2) route calling the same Lambda function, measured in the same run.
 *
 *   node --import tsx bench/rest-appsync.ts [rounds] [requests]
 *
 * One local cloud in this process; one function (`echo`, answering a small proxy
 * response) behind: an HTTP API route with payload format 1.0 (baseline), a REST API
 * method `GET /users/{id}` (Lambda proxy), and an AppSync direct Lambda resolver. Each
 * round sends `requests` (default 300) sequential keep-alive requests to each, and
 * reports CPU µs per request of the whole process tree (cloud, client and the Lambda
 * execution environment), median over `rounds` (default 5), and the ratio to the baseline.
 */
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { compareRequestCpu } from "./lib/request-cpu.js";

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 300);

const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const template = {
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume } },
    Echo: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile:
      "exports.handler = async (e) => e.info ? { id: (e.arguments || {}).id } : ({ statusCode: 200, body: JSON.stringify({ id: e.pathParameters && e.pathParameters.id }) })" } } },
    Http: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "http", ProtocolType: "HTTP" } },
    HttpIntegration: { Type: "AWS::ApiGatewayV2::Integration", Properties: { ApiId: { Ref: "Http" }, IntegrationType: "AWS_PROXY", IntegrationUri: { "Fn::GetAtt": ["Echo", "Arn"] }, PayloadFormatVersion: "1.0" } },
    HttpRoute: { Type: "AWS::ApiGatewayV2::Route", Properties: { ApiId: { Ref: "Http" }, RouteKey: "GET /users/{id}", Target: { "Fn::Join": ["/", ["integrations", { Ref: "HttpIntegration" }]] } } },
    HttpStage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "Http" }, StageName: "$default", AutoDeploy: true } },
    Rest: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "rest" } },
    Users: { Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Rest" }, ParentId: { "Fn::GetAtt": ["Rest", "RootResourceId"] }, PathPart: "users" } },
    UserId: { Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Rest" }, ParentId: { Ref: "Users" }, PathPart: "{id}" } },
    UserGet: { Type: "AWS::ApiGateway::Method", Properties: { RestApiId: { Ref: "Rest" }, ResourceId: { Ref: "UserId" }, HttpMethod: "GET", AuthorizationType: "NONE",
      Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" } } } },
    Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["UserGet"], Properties: { RestApiId: { Ref: "Rest" } } },
    RestStage: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Rest" }, DeploymentId: { Ref: "Deployment" }, StageName: "dev" } },
    Graph: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "graph", AuthenticationType: "API_KEY" } },
    Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: { "Fn::GetAtt": ["Graph", "ApiId"] }, Definition: "type User { id: ID } type Query { user(id: ID!): User }" } },
    Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: { "Fn::GetAtt": ["Graph", "ApiId"] } } },
    Ds: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: { "Fn::GetAtt": ["Graph", "ApiId"] }, Name: "echo", Type: "AWS_LAMBDA", LambdaConfig: { LambdaFunctionArn: { "Fn::GetAtt": ["Echo", "Arn"] } } } },
    Resolver: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: { "Fn::GetAtt": ["Graph", "ApiId"] }, TypeName: "Query", FieldName: "user", DataSourceName: { "Fn::GetAtt": ["Ds", "Name"] } } },
  },
  Outputs: {
    HttpUrl: { Value: { "Fn::GetAtt": ["Http", "ApiEndpoint"] } },
    RestUrl: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Rest", "LocalEndpoint"] }, "/dev"]] } },
    GraphUrl: { Value: { "Fn::GetAtt": ["Graph", "GraphQLUrl"] } },
    Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } },
  },
};

const tc = await startTestCloud();
try {
  const { outputs } = await deployTestStack(tc.cloud, "bench", template);
  const targets: Record<string, () => Promise<Response>> = {
    "HTTP API (v2) GET /users/{id} [baseline]": () => fetch(`${outputs.HttpUrl}/users/7`),
    "REST API (v1) GET /users/{id}": () => fetch(`${outputs.RestUrl}/users/7`),
    "AppSync { user(id) { id } }": () => fetch(outputs.GraphUrl, { method: "POST", headers: { "content-type": "application/json", "x-api-key": outputs.Key }, body: '{"query":"{ user(id: \\"7\\") { id } }"}' }),
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
