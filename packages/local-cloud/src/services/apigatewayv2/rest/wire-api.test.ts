/**
 * The REST API (v1) management API on the wire, read by the AWS CLI and
 * @aws-sdk/client-api-gateway after CloudFormation deployed a REST API with a Lambda
 * method, a Cognito authorizer, an API key and a usage plan: the v1 shapes
 * (`resourceMethods` embedded or not), `limit`/`position` paging, NotFoundException,
 * IAM on apigateway:GET, and test-invoke-method calling the Lambda integration.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  APIGatewayClient, GetRestApisCommand, GetResourcesCommand, GetMethodCommand, GetStageCommand, GetUsagePlanKeysCommand,
  TestInvokeMethodCommand, GetRestApiCommand, CreateApiKeyCommand, CreateUsagePlanKeyCommand, DeleteApiKeyCommand, GetApiKeysCommand, GetUsagePlansCommand, CreateRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { startTestCloud, awsCli, awsCliPath, type AwsCli, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
let aws: AwsCli | undefined;
/** CLI tests skip, saying so, on a machine without the AWS CLI. */
const noCli = awsCliPath() ? false : "no AWS CLI installed";
let client: APIGatewayClient;
before(async () => {
  tc = await startTestCloud();
  aws = awsCli(tc.cloud.endpoint);
  client = new APIGatewayClient(tc.clientConfig);
});
after(() => {
  client?.destroy();
  return tc?.stop();
});

const POOL = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Wire12345";
const template = {
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
    Echo: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] },
      Code: { ZipFile: "exports.handler = async (e) => ({ statusCode: 201, headers: { 'x-from': 'echo' }, body: JSON.stringify({ path: e.path, id: e.pathParameters && e.pathParameters.id, stage: e.requestContext.stage, color: e.stageVariables && e.stageVariables.color, body: e.body }) })" } } },
    Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "wire-api", Description: "read over the wire", Tags: [{ Key: "sst:app", Value: "wire" }] } },
    Notes: { Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Api" }, ParentId: { "Fn::GetAtt": ["Api", "RootResourceId"] }, PathPart: "notes" } },
    Note: { Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Api" }, ParentId: { Ref: "Notes" }, PathPart: "{id}" } },
    Pool: { Type: "AWS::ApiGateway::Authorizer", Properties: { RestApiId: { Ref: "Api" }, Name: "pool", Type: "COGNITO_USER_POOLS", ProviderARNs: [POOL], IdentitySource: "method.request.header.Authorization" } },
    NoteGet: { Type: "AWS::ApiGateway::Method", Properties: {
      RestApiId: { Ref: "Api" }, ResourceId: { Ref: "Note" }, HttpMethod: "GET", AuthorizationType: "COGNITO_USER_POOLS", AuthorizerId: { Ref: "Pool" },
      ApiKeyRequired: true, RequestParameters: { "method.request.path.id": true },
      Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" } },
      MethodResponses: [{ StatusCode: "200" }] } },
    NotesPost: { Type: "AWS::ApiGateway::Method", Properties: {
      RestApiId: { Ref: "Api" }, ResourceId: { Ref: "Notes" }, HttpMethod: "POST", AuthorizationType: "NONE",
      Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations" } } } },
    Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["NoteGet", "NotesPost"], Properties: { RestApiId: { Ref: "Api" }, Description: "first" } },
    Stage: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api" }, DeploymentId: { Ref: "Deployment" }, StageName: "prod", Variables: { color: "green" },
      TracingEnabled: true, MethodSettings: [{ ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 }] } },
    Key: { Type: "AWS::ApiGateway::ApiKey", Properties: { Name: "wire-key", Enabled: true, Value: "wire-key-value-0123456789abcdef" } },
    Plan: { Type: "AWS::ApiGateway::UsagePlan", Properties: { UsagePlanName: "wire-plan", ApiStages: [{ ApiId: { Ref: "Api" }, Stage: { Ref: "Stage" } }],
      Throttle: { BurstLimit: 10, RateLimit: 5 }, Quota: { Limit: 1000, Period: "MONTH" } } },
    PlanKey: { Type: "AWS::ApiGateway::UsagePlanKey", Properties: { KeyId: { Ref: "Key" }, KeyType: "API_KEY", UsagePlanId: { Ref: "Plan" } } },
  },
  Outputs: {
    ApiId: { Value: { Ref: "Api" } }, NoteId: { Value: { Ref: "Note" } }, NotesId: { Value: { Ref: "Notes" } },
    KeyId: { Value: { Ref: "Key" } }, PlanId: { Value: { Ref: "Plan" } }, AuthorizerId: { Value: { Ref: "Pool" } },
  },
};

let out: Record<string, string>;
const awsOrThrow = (...args: string[]) => aws!(...args);
test("deploys a REST API with a key and a usage plan", { timeout: 120_000 }, async () => {
  ({ outputs: out } = await deployTestStack(tc.cloud, "wire", template));
  assert.match(out.ApiId, /^[a-z0-9]{10}$/);
});

test("aws apigateway get-rest-apis / get-resources / get-method / get-stages / get-deployments / get-authorizers answer v1 shapes", { timeout: 60_000, skip: noCli }, async () => {
  const aws = (...args: string[]) => awsOrThrow(...args);
  const apis = await aws("apigateway", "get-rest-apis");
  const api = apis.items.find((a: any) => a.id === out.ApiId);
  assert.equal(api.name, "wire-api");
  assert.equal(api.description, "read over the wire");
  assert.equal(api.apiKeySource, "HEADER");
  assert.deepEqual(api.endpointConfiguration, { types: ["EDGE"] });
  assert.equal(typeof api.createdDate, "string");
  assert.deepEqual(api.tags, { "sst:app": "wire" });

  const plain = await aws("apigateway", "get-resources", "--rest-api-id", out.ApiId);
  const note = plain.items.find((r: any) => r.path === "/notes/{id}");
  assert.deepEqual(note, { id: out.NoteId, parentId: out.NotesId, pathPart: "{id}", path: "/notes/{id}", resourceMethods: { GET: {} } });
  // the root has no methods here (this CLI's model predates rootResourceId in get-rest-apis)
  assert.deepEqual(Object.keys(plain.items.find((r: any) => r.path === "/")).sort(), ["id", "path"]);

  const embedded = await aws("apigateway", "get-resources", "--rest-api-id", out.ApiId, "--embed", "methods");
  const get = embedded.items.find((r: any) => r.path === "/notes/{id}").resourceMethods.GET;
  assert.equal(get.authorizationType, "COGNITO_USER_POOLS");
  assert.equal(get.authorizerId, out.AuthorizerId);
  assert.equal(get.apiKeyRequired, true);
  assert.deepEqual(get.requestParameters, { "method.request.path.id": true });
  assert.deepEqual(get.methodResponses, { 200: { statusCode: "200" } });
  assert.equal(get.methodIntegration.type, "AWS_PROXY");
  assert.equal(get.methodIntegration.httpMethod, "POST");
  assert.match(get.methodIntegration.uri, /^arn:aws:apigateway:us-east-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:us-east-1:000000000000:function:[^/]+\/invocations$/);
  assert.equal(get.methodIntegration.timeoutInMillis, 29000);

  const method = await client.send(new GetMethodCommand({ restApiId: out.ApiId, resourceId: out.NotesId, httpMethod: "POST" }));
  assert.equal(method.httpMethod, "POST");
  assert.equal(method.authorizationType, "NONE");
  assert.equal(method.apiKeyRequired, false);

  const stages = await aws("apigateway", "get-stages", "--rest-api-id", out.ApiId);
  assert.equal(stages.item.length, 1);
  assert.equal(stages.item[0].stageName, "prod");
  assert.deepEqual(stages.item[0].variables, { color: "green" });
  assert.equal(stages.item[0].tracingEnabled, true);
  assert.equal(stages.item[0].methodSettings["*/*"].throttlingBurstLimit, 20);
  const deployments = await aws("apigateway", "get-deployments", "--rest-api-id", out.ApiId);
  assert.equal(deployments.items.length, 1);
  assert.equal(deployments.items[0].id, stages.item[0].deploymentId);
  assert.equal(deployments.items[0].description, "first");

  const authorizers = await aws("apigateway", "get-authorizers", "--rest-api-id", out.ApiId);
  assert.deepEqual(authorizers.items, [{ id: out.AuthorizerId, name: "pool", type: "COGNITO_USER_POOLS", providerARNs: [POOL], identitySource: "method.request.header.Authorization", authorizerResultTtlInSeconds: 300 }]);
});

test("aws apigateway get-api-keys / get-usage-plans: values only when asked for", { timeout: 60_000, skip: noCli }, async () => {
  const aws = (...args: string[]) => awsOrThrow(...args);
  const withValues = await aws("apigateway", "get-api-keys", "--include-values");
  const key = withValues.items.find((k: any) => k.id === out.KeyId);
  assert.equal(key.name, "wire-key");
  assert.equal(key.enabled, true);
  assert.equal(key.value, "wire-key-value-0123456789abcdef");
  const keys = await client.send(new GetApiKeysCommand({}));
  assert.equal(keys.items!.find((k) => k.id === out.KeyId)!.value, undefined, "values only when asked for");

  const plans = await aws("apigateway", "get-usage-plans", "--key-id", out.KeyId);
  assert.deepEqual(plans.items, [{
    id: out.PlanId, name: "wire-plan", apiStages: [{ apiId: out.ApiId, stage: "prod" }],
    throttle: { burstLimit: 10, rateLimit: 5 }, quota: { limit: 1000, offset: 0, period: "MONTH" },
  }]);
  assert.deepEqual((await client.send(new GetUsagePlansCommand({ keyId: "nokey" }))).items, []);
});

test("an unknown id is AWS's NotFoundException, for the CLI and the SDK; an operation the local cloud lacks is 501", { timeout: 60_000 }, async () => {
  if (aws) {
    await assert.rejects(aws("apigateway", "get-resources", "--rest-api-id", "nosuchapi0"), (err: any) => {
      assert.match(err.stderr, /NotFoundException.*Invalid API identifier specified 000000000000:nosuchapi0/);
      return true;
    });
  }
  await assert.rejects(client.send(new GetMethodCommand({ restApiId: out.ApiId, resourceId: out.NotesId, httpMethod: "DELETE" })), (err: any) => {
    assert.equal(err.name, "NotFoundException");
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, "Invalid Method identifier specified");
    return true;
  });
  await assert.rejects(client.send(new GetStageCommand({ restApiId: out.ApiId, stageName: "dev" })), { name: "NotFoundException" });
  await assert.rejects(client.send(new CreateRestApiCommand({ name: "over-the-wire" })), (err: any) => {
    assert.equal(err.$metadata.httpStatusCode, 501);
    assert.match(err.message, /does not implement POST \/restapis for REST APIs: they are made with CloudFormation/);
    return true;
  });
});

test("SDK: GetRestApis pages with limit and position; GetResources embeds methods", { timeout: 60_000 }, async () => {
  // a second API so there is something to page through
  const other = await tc.cloud.apigateway.call("CreateRestApi", { Name: "second" });
  const first = await client.send(new GetRestApisCommand({ limit: 1 }));
  assert.equal(first.items!.length, 1);
  assert.ok(first.position);
  const rest = await client.send(new GetRestApisCommand({ limit: 1, position: first.position }));
  assert.equal(rest.items!.length, 1);
  assert.notEqual(rest.items![0].id, first.items![0].id);
  assert.deepEqual([first.items![0].id, rest.items![0].id].sort(), [out.ApiId, other.Id].sort());
  assert.equal(rest.position, undefined);
  assert.ok((await client.send(new GetRestApiCommand({ restApiId: out.ApiId }))).createdDate instanceof Date);

  const resources = await client.send(new GetResourcesCommand({ restApiId: out.ApiId, embed: ["methods"] }));
  const notes = resources.items!.find((r) => r.path === "/notes")!;
  assert.equal(notes.resourceMethods!.POST.methodIntegration!.type, "AWS_PROXY");
  await tc.cloud.apigateway.call("DeleteRestApi", { RestApiId: other.Id });
});

test("SDK: API keys and plan keys made over the wire join what CloudFormation made", { timeout: 60_000 }, async () => {
  const key = await client.send(new CreateApiKeyCommand({ name: "from-sdk", enabled: true }));
  assert.match(key.value!, /^[A-Za-z0-9]{40}$/);
  const pk = await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: out.PlanId, keyId: key.id, keyType: "API_KEY" }));
  assert.deepEqual(pk, { $metadata: pk.$metadata, id: key.id, type: "API_KEY", value: key.value, name: "from-sdk" });
  const keys = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: out.PlanId }));
  assert.deepEqual(keys.items!.map((k) => k.name).sort(), ["from-sdk", "wire-key"]);
  await client.send(new DeleteApiKeyCommand({ apiKey: key.id }));
  assert.deepEqual((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: out.PlanId }))).items!.map((k) => k.name), ["wire-key"]);
});

test("test-invoke-method calls the method's Lambda without its authorizer or key, in test-invoke-stage", { timeout: 60_000 }, async () => {
  const res = await client.send(new TestInvokeMethodCommand({
    restApiId: out.ApiId, resourceId: out.NoteId, httpMethod: "GET", pathWithQueryString: "/notes/7?x=1", stageVariables: { color: "red" },
  }));
  assert.equal(res.status, 201);
  assert.deepEqual(JSON.parse(res.body!), { path: "/notes/7", id: "7", stage: "test-invoke-stage", color: "red", body: null });
  assert.equal(res.headers!["x-from"], "echo");
  assert.match(res.log!, /Method completed with status: 201/);
  if (!aws) return;
  const cli = await aws("apigateway", "test-invoke-method", "--rest-api-id", out.ApiId, "--resource-id", out.NotesId, "--http-method", "POST", "--body", "hello");
  assert.equal(cli.status, 201);
  assert.equal(JSON.parse(cli.body).body, "hello");
});

test("IAM: a role session needs apigateway:GET on the API's path", { timeout: 60_000 }, async () => {
  const iam = new IAMClient(tc.clientConfig);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = await iam.send(new CreateRoleCommand({ RoleName: "apigw-reader", AssumeRolePolicyDocument: trust }));
  const creds = tc.cloud.iam.issueSessionCredentials(role.Role!.Arn!, "s1");
  const asRole = new APIGatewayClient({ ...tc.clientConfig, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } });
  try {
    await assert.rejects(asRole.send(new GetResourcesCommand({ restApiId: out.ApiId })), (err: any) => {
      assert.equal(err.name, "AccessDeniedException");
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.match(err.message, new RegExp(`not authorized to perform: apigateway:get on resource: arn:aws:apigateway:us-east-1::/restapis/${out.ApiId}/resources`, "i"));
      return true;
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: "apigw-reader", PolicyName: "read", PolicyDocument: JSON.stringify({
      Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "apigateway:GET", Resource: `arn:aws:apigateway:us-east-1::/restapis/${out.ApiId}/*` }] }) }));
    const resources = await asRole.send(new GetResourcesCommand({ restApiId: out.ApiId }));
    assert.equal(resources.items!.length, 3);
    await assert.rejects(asRole.send(new GetRestApisCommand({})), { name: "AccessDeniedException" }, "listing every API is apigateway:GET on /restapis");
  } finally {
    asRole.destroy();
    iam.destroy();
  }
});
