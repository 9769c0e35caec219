/**
 * An app with an ApiGatewayV1Api (REST API) and an AppSyncApi, deployed to the local
 * cloud as `sst dev` deploys it and called with plain fetch: the REST routes (a path
 * parameter, `{proxy+}`, ANY, a Lambda token authorizer, CORS preflight) hand their
 * functions AWS's v1 proxy event; the GraphQL API answers queries through a direct
 * Lambda resolver, a DynamoDB data source and a none data source, with the API key;
 * `url`s and `sst/node/api` bindings point at the local endpoints; `sst dev` has
 * nothing to say about either construct — unless it uses what the local cloud deploys
 * but does not run, or runs only in part (a custom domain, Cognito user-pool
 * authorization by a pool the app does not create, which only AWS can check), which it
 * names once. A Cognito authorizer of the app's own pool takes the tokens the local
 * Cognito signs (signed in over SRP) and hands their claims to its route; an API key of a
 * usage plan opens an `apiKeyRequired` route.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { useLocalApp, synthForLocal, deploySynthesized, oneStackApp } from "../project/fixtures/local-app.js";
import * as cdk from "aws-cdk-lib";
import * as appsync from "aws-cdk-lib/aws-appsync";
import { App, Stack, ApiGatewayV1Api, AppSyncApi } from "./index.js";
import { signInWithSrp } from "local-cloud/services/cognito-idp/sign-in.testing.js";

process.env.CDK_VALIDATION = "false";

const files = oneStackApp("served-app", "Apis", {
  "stacks/Apis.ts": `
import { ApiGatewayV1Api, AppSyncApi, Cognito, Function, StackContext, Table } from "sst/constructs";
export function Apis({ stack }: StackContext) {
  const auth = new Function(stack, "Auth", { handler: "src/fn.auth" });
  // as SST v2's api-auth-jwt-cognito-user-pool example, with a REST API
  const users = new Cognito(stack, "Users", { login: ["email"] });
  const rest = new ApiGatewayV1Api(stack, "Rest", {
    authorizers: {
      token: { type: "lambda_token", function: auth },
      pool: { type: "user_pools", userPoolIds: [users.userPoolId] },
    },
    routes: {
      "GET /": "src/fn.echo",
      "GET /users/{id}": "src/fn.echo",
      "ANY /files/{proxy+}": "src/fn.echo",
      "GET /private": { function: "src/fn.echo", authorizer: "token" },
      "GET /me": { function: "src/fn.echo", authorizer: "pool" },
      "GET /paid": { function: "src/fn.echo", cdk: { method: { apiKeyRequired: true } } },
    },
  });
  // an API key and a usage plan the way CDK apps add them to the REST API
  const key = rest.cdk.restApi.addApiKey("Key", { value: "served-app-key-0123456789" });
  rest.cdk.restApi.addUsagePlan("Plan", { apiStages: [{ api: rest.cdk.restApi, stage: rest.cdk.restApi.deploymentStage }], quota: { limit: 100, period: "DAY" as any } }).addApiKey(key);
  const notes = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const graph = new AppSyncApi(stack, "Graph", {
    schema: "graphql/schema.graphql",
    dataSources: { notes: { type: "dynamodb", table: notes }, none: { type: "none" } },
    resolvers: {
      "Query hello": "src/fn.graphql",
      "Query note": { dataSource: "notes", requestMapping: { inline: '{"version":"2017-02-28","operation":"GetItem","key":{"id":$util.dynamodb.toDynamoDBJson($ctx.args.id)}}' }, responseMapping: { inline: "$util.toJson($ctx.result)" } },
      "Mutation addNote": { dataSource: "notes", requestMapping: { inline: '{"version":"2017-02-28","operation":"PutItem","key":{"id":$util.dynamodb.toDynamoDBJson($ctx.args.id)},"attributeValues":{"text":$util.dynamodb.toDynamoDBJson($ctx.args.text)}}' }, responseMapping: { inline: "$util.toJson($ctx.result)" } },
      "Query echo": { dataSource: "none", requestMapping: { inline: '{"version":"2017-02-28","payload":$util.toJson($ctx.args)}' }, responseMapping: { inline: "$util.toJson($ctx.result.text)" } },
    },
  });
  const urls = new Function(stack, "Urls", { handler: "src/fn.urls", bind: [rest, graph] });
  stack.addOutputs({ PoolId: users.userPoolId, ClientId: users.userPoolClientId, RestUrl: rest.url, GraphUrl: graph.url, GraphKey: graph.cdk.graphqlApi.apiKey!, UrlsFn: urls.functionName });
}
`,
  "graphql/schema.graphql": "type Note { id: ID! text: String }\ntype Query { hello(name: String): String note(id: ID!): Note echo(text: String): String }\ntype Mutation { addNote(id: ID!, text: String): Note }\n",
  "src/fn.ts": `
import { ApiGatewayV1Api, AppSyncApi } from "sst/node/api";
export const echo = async (event: any) => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
export const graphql = async (event: any) => "hello " + (event.arguments.name ?? event.info.fieldName) + " from " + event.info.parentTypeName;
export const auth = async (event: any) => ({
  principalId: "me",
  policyDocument: { Version: "2012-10-17", Statement: [{ Effect: event.authorizationToken === "let-me-in" ? "Allow" : "Deny", Action: "execute-api:Invoke", Resource: event.methodArn }] },
});
export const urls = async () => ({ rest: (ApiGatewayV1Api as any).Rest.url, graph: (AppSyncApi as any).Graph.url });
`,
});

const local = useLocalApp(files);

describe("ApiGatewayV1Api and AppSyncApi served by the local cloud", () => {
  let outputs: Record<string, string> = {};

  it("deploy with local URLs, bound into functions, and no notice (the Cognito authorizer's pool is a local one)", { timeout: 240_000 }, async () => {
    const result = await synthForLocal(local.dir);
    const notices = result.notices?.filter((n) => /ApiGatewayV1Api|AppSyncApi/.test(n.construct)) ?? [];
    assert.deepEqual(notices.map((n) => `${n.construct} ${n.prop}`), []);
    outputs = await deploySynthesized(local.cloud, result, "dev-served-app-Apis");
    assert.match(outputs.RestUrl, /^http:\/\/127\.0\.0\.1:\d+\/_aws\/execute-api\/[a-z0-9]{10}\/dev\/$/);
    assert.match(outputs.GraphUrl, /^http:\/\/127\.0\.0\.1:\d+\/_aws\/appsync\/[a-z0-9]{26}\/graphql$/);
    const out = await local.cloud.lambda.call("Invoke", { FunctionName: outputs.UrlsFn, Payload: "{}" });
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload).toString()), { rest: outputs.RestUrl, graph: outputs.GraphUrl });
  });

  it("REST routes hand their functions AWS's v1 proxy event", { timeout: 60_000 }, async () => {
    const user = await fetch(`${outputs.RestUrl}users/42?expand=true`, { headers: { "x-trace": "t1" } });
    assert.equal(user.status, 200);
    const event = await user.json();
    assert.equal(event.resource, "/users/{id}");
    assert.equal(event.path, "/users/42");
    assert.equal(event.httpMethod, "GET");
    assert.deepEqual(event.pathParameters, { id: "42" });
    assert.deepEqual(event.queryStringParameters, { expand: "true" });
    assert.deepEqual(event.multiValueQueryStringParameters, { expand: ["true"] });
    assert.equal(event.headers["x-trace"], "t1");
    assert.equal(event.requestContext.stage, "dev");
    assert.equal(event.requestContext.resourcePath, "/users/{id}");
    assert.equal(event.isBase64Encoded, false);

    const file = await fetch(`${outputs.RestUrl}files/docs/readme.md`, { method: "PUT", headers: { "content-type": "text/plain" }, body: "# hi" });
    const fileEvent = await file.json();
    assert.equal(fileEvent.resource, "/files/{proxy+}");
    assert.deepEqual(fileEvent.pathParameters, { proxy: "docs/readme.md" });
    assert.equal(fileEvent.httpMethod, "PUT");
    assert.equal(fileEvent.body, "# hi");

    assert.equal((await (await fetch(outputs.RestUrl)).json()).resource, "/");
    const missing = await fetch(`${outputs.RestUrl}nope`);
    assert.equal(missing.status, 403);
    assert.deepEqual(await missing.json(), { message: "Missing Authentication Token" });
  });

  it("the token authorizer guards its route; CORS preflights are answered", { timeout: 60_000 }, async () => {
    assert.equal((await fetch(`${outputs.RestUrl}private`)).status, 401);
    assert.equal((await fetch(`${outputs.RestUrl}private`, { headers: { authorization: "nope" } })).status, 403);
    const ok = await fetch(`${outputs.RestUrl}private`, { headers: { authorization: "let-me-in" } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).requestContext.authorizer.principalId, "me");
    const preflight = await fetch(`${outputs.RestUrl}users/1`, { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  });

  it("a user_pools authorizer hands the token's claims to the route; an apiKeyRequired route wants a key of a usage plan", { timeout: 60_000 }, async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const forged = (iss: string) => `${b64({ alg: "RS256", kid: "k" })}.${b64({ iss, sub: "u-9", token_use: "id", exp: Math.floor(Date.now() / 1000) + 600 })}.c2ln`;
    assert.equal((await fetch(`${outputs.RestUrl}me`)).status, 401);
    assert.equal((await fetch(`${outputs.RestUrl}me`, { headers: { authorization: forged("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other") } })).status, 401);
    // The pool is the local Cognito's: a token it did not sign is refused, one it signed passes.
    assert.equal((await fetch(`${outputs.RestUrl}me`, { headers: { authorization: forged(`https://cognito-idp.us-east-1.amazonaws.com/${outputs.PoolId}`) } })).status, 401);
    const idp = local.cloud.cognitoidp;
    await idp.call("AdminCreateUser", { UserPoolId: outputs.PoolId, Username: "una@example.com", MessageAction: "SUPPRESS" });
    await idp.call("AdminSetUserPassword", { UserPoolId: outputs.PoolId, Username: "una@example.com", Password: "Passw0rd!", Permanent: true });
    const session = await signInWithSrp(local.cloud.endpoint, outputs.PoolId!, outputs.ClientId!, "una@example.com", "Passw0rd!");
    const me = await fetch(`${outputs.RestUrl}me`, { headers: { authorization: session.getIdToken().getJwtToken() } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).requestContext.authorizer.claims.email, "una@example.com");

    const noKey = await fetch(`${outputs.RestUrl}paid`);
    assert.equal(noKey.status, 403);
    assert.deepEqual(await noKey.json(), { message: "Forbidden" });
    assert.equal((await fetch(`${outputs.RestUrl}paid`, { headers: { "x-api-key": "served-app-key-0123456789" } })).status, 200);
  });

  it("GraphQL queries run through Lambda, DynamoDB and none resolvers with the API key", { timeout: 60_000 }, async () => {
    const gql = (query: string, variables?: unknown, key = outputs.GraphKey) =>
      fetch(outputs.GraphUrl, { method: "POST", headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) }, body: JSON.stringify({ query, variables }) });
    const noKey = await gql("{ hello }", undefined, "");
    assert.equal(noKey.status, 401);
    assert.equal((await noKey.json()).errors[0].errorType, "UnauthorizedException");
    assert.equal((await gql("{ hello }", undefined, "da2-wrong")).status, 401);

    const hello = await gql("query ($n: String) { hello(name: $n) }", { n: "Ada" });
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { data: { hello: "hello Ada from Query" } });

    const added = await (await gql('mutation { addNote(id: "n1", text: "first") { id text } }')).json();
    assert.deepEqual(added, { data: { addNote: { id: "n1", text: "first" } } });
    const note = await (await gql('{ note(id: "n1") { id text } echo(text: "back") }')).json();
    assert.deepEqual(note, { data: { note: { id: "n1", text: "first" }, echo: "back" } });

    const invalid = await gql("{ nothing }");
    assert.equal(invalid.status, 400);
    assert.match((await invalid.json()).errors[0].message, /nothing/);
  });
});

describe("what the constructs write for the local cloud", () => {
  const newApp = (mode: "dev" | "deploy") => new App({ name: "app", stage: "test", region: "us-east-1", mode, root: local.dir, outdir: `${local.dir}/.sst/dist-${Math.random()}`, artifactsDir: `${local.dir}/.sst/artifacts-${Math.random()}` });

  it("url: the REST API's LocalEndpoint and stage locally, AWS's URL otherwise", () => {
    for (const mode of ["dev", "deploy"] as const) {
      const app = newApp(mode);
      const stack = new Stack(app, "stack");
      const api = new ApiGatewayV1Api(stack, "Rest", { routes: { "GET /": "src/fn.echo" } });
      const url = JSON.stringify(stack.resolve(api.url));
      if (mode === "dev") assert.match(url, /"Fn::GetAtt":\["RestApi[0-9A-F]+","LocalEndpoint"\]/);
      else assert.match(url, /execute-api/);
      assert.equal(url.includes("LocalEndpoint"), mode === "dev");
    }
  });

  it("sst dev says once what is deployed but not run locally", () => {
    const app = newApp("dev");
    const stack = new Stack(app, "stack");
    new ApiGatewayV1Api(stack, "Rest", {
      authorizers: { pool: { type: "user_pools", userPoolIds: ["us-east-1_abc"] } },
      routes: {
        "GET /": { function: "src/fn.echo", authorizer: "pool" },
        "POST /mapped": { function: "src/fn.echo", cdk: { integration: { proxy: false } } },
      },
      customDomain: { domainName: "api.example.com", cdk: { hostedZone: cdk.aws_route53.HostedZone.fromHostedZoneAttributes(stack, "Zone", { hostedZoneId: "Z1", zoneName: "example.com" }) } },
    });
    new AppSyncApi(stack, "Graph", {
      schema: "graphql/schema.graphql",
      dataSources: { remote: { type: "http", endpoint: "https://example.com" } },
      cdk: { graphqlApi: { authorizationConfig: {
        defaultAuthorization: { authorizationType: appsync.AuthorizationType.IAM },
        additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool: cdk.aws_cognito.UserPool.fromUserPoolId(stack, "Pool", "us-east-1_abc") } }],
      } } },
    });
    new ApiGatewayV1Api(stack, "Guarded", {
      routes: { "GET /": "src/fn.echo" },
      cdk: { restApi: { policy: new cdk.aws_iam.PolicyDocument({ statements: [new cdk.aws_iam.PolicyStatement({ actions: ["execute-api:Invoke"], resources: ["*"], principals: [new cdk.aws_iam.AnyPrincipal()],
        conditions: { StringEquals: { "aws:SourceVpce": "vpce-1" } } })] }) } },
    });
    const notices = app.localNotices.map((n) => `${n.construct} ${n.prop}`);
    assert.deepEqual(notices.sort(), [
      'ApiGatewayV1Api "Guarded" cdk.restApi.policy',
      'ApiGatewayV1Api "Rest" authorizers.pool',
      'ApiGatewayV1Api "Rest" customDomain',
      'AppSyncApi "Graph" cdk.graphqlApi.authorizationConfig',
    ]);
  });
});
