/**
 * AppSync GraphQL APIs deployed from CloudFormation and queried with fetch: API-key
 * authorization, direct Lambda resolvers (AppSync's event, a thrown error as a
 * Lambda:Unhandled entry beside partial data), VTL templates on a NONE data source
 * ($util.error included), fields without resolvers read from the parent, nested
 * resolvers getting their source, bad requests, a schema that does not parse failing
 * the deploy, and the template and schema units on their own.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { renderMappingTemplate } from "./mapping-template.js";
import { buildAppSyncSchema } from "./schema.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const SCHEMA = `
type Author { name: String posts: [String] }
type Post { id: ID! title: String author: Author at: AWSDateTime meta: AWSJSON }
type Query { post(id: ID!): Post boom: String greet(name: String!): String @aws_api_key }
schema { query: Query }
`;

function template(schema = SCHEMA) {
  return {
    Resources: {
      Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: assume } },
      Posts: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: `
        exports.handler = async (event) => {
          if (event.info.fieldName === "boom") throw new Error("it blew up");
          if (event.info.parentTypeName === "Post") return { name: "Ada for " + event.source.id, posts: [] };
          return { id: event.arguments.id, title: "T" + event.arguments.id, at: "2024-01-02T03:04:05Z",
            meta: { selection: event.info.selectionSetList, variables: event.info.variables, parent: event.info.parentTypeName, source: event.source, apiKey: event.request.headers["x-api-key"] ? "sent" : "none" } };
        };` } } },
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "graph", AuthenticationType: "API_KEY" } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: schema } },
      Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
      LambdaDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "posts", Type: "AWS_LAMBDA", LambdaConfig: { LambdaFunctionArn: { "Fn::GetAtt": ["Posts", "Arn"] } } } },
      NoneDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "none", Type: "NONE" } },
      PostResolver: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Query", FieldName: "post", DataSourceName: { "Fn::GetAtt": ["LambdaDs", "Name"] } } },
      AuthorResolver: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Post", FieldName: "author", DataSourceName: { "Fn::GetAtt": ["LambdaDs", "Name"] } } },
      BoomResolver: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Query", FieldName: "boom", DataSourceName: { "Fn::GetAtt": ["LambdaDs", "Name"] } } },
      GreetResolver: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: "Query", FieldName: "greet", DataSourceName: { "Fn::GetAtt": ["NoneDs", "Name"] },
        RequestMappingTemplate: `#if($ctx.args.name == "nobody")\n  $util.error("no such person", "NotFound")\n#end\n{"version":"2017-02-28","payload":{"text":"hi $ctx.args.name"}}`,
        ResponseMappingTemplate: "$util.toJson($ctx.result.text)" } },
    },
    Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } } },
  };
}

let url = "";
let key = "";
const gql = (query: string, variables?: unknown, headers: Record<string, string> = { "x-api-key": key }) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });

test("deploys, and answers at its GraphQLUrl with the API key", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "graph", template());
  url = outputs.Url;
  key = outputs.Key;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/_aws\/appsync\/[a-z0-9]{26}\/graphql$/);
  assert.match(key, /^da2-[a-z0-9]{26}$/);
  const none = await gql("{ boom }", undefined, {});
  assert.equal(none.status, 401);
  assert.deepEqual(await none.json(), { errors: [{ errorType: "UnauthorizedException", message: "Valid authorization header not provided." }] });
  const wrong = await gql("{ boom }", undefined, { "x-api-key": "da2-nope" });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).errors[0].message, "You are not authorized to make this call.");
});

test("a direct Lambda resolver gets AppSync's event; nested resolvers get their source", { timeout: 60_000 }, async () => {
  const res = await gql("query Q($id: ID!) { post(id: $id) { id title at meta author { name } ...F } } fragment F on Post { title }", { id: "7" });
  assert.equal(res.status, 200);
  const body = await res.json();
  const { meta, ...post } = body.data.post;
  assert.deepEqual(post, { id: "7", title: "T7", at: "2024-01-02T03:04:05Z", author: { name: "Ada for 7" } });
  assert.equal(typeof meta, "string", "AWSJSON is sent as a JSON string");
  assert.deepEqual(JSON.parse(meta), { selection: ["id", "title", "at", "meta", "author", "author/name"], variables: { id: "7" }, parent: "Query", source: null, apiKey: "sent" });
  const seen = await (await gql("query Q($id: ID!) { post(id: $id) { id author { name } } }", { id: "8" })).json();
  assert.equal(seen.data.post.author.name, "Ada for 8");
});

test("errors: a thrown Lambda error is Lambda:Unhandled beside the other fields' data; $util.error fails its field", { timeout: 60_000 }, async () => {
  const body = await (await gql('{ boom greet(name: "Bo") }')).json();
  assert.deepEqual(body.data, { boom: null, greet: "hi Bo" });
  assert.equal(body.errors.length, 1);
  assert.deepEqual({ ...body.errors[0], locations: undefined }, { path: ["boom"], data: null, errorType: "Lambda:Unhandled", errorInfo: null, locations: undefined, message: "it blew up" });
  assert.deepEqual(body.errors[0].locations, [{ line: 1, column: 3, sourceName: null }]);
  const notFound = await (await gql('{ greet(name: "nobody") }')).json();
  assert.deepEqual(notFound.data, { greet: null });
  assert.equal(notFound.errors[0].errorType, "NotFound");
  assert.equal(notFound.errors[0].message, "no such person");
});

test("bad requests: not JSON, no query, a query that does not parse or validate", { timeout: 60_000 }, async () => {
  const notJson = await fetch(url, { method: "POST", headers: { "x-api-key": key }, body: "{" });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).errors[0].errorType, "MalformedHttpRequestException");
  assert.equal((await fetch(url, { method: "POST", headers: { "x-api-key": key }, body: "{}" })).status, 400);
  assert.equal((await gql("{ post(")).status, 400);
  const invalid = await gql("{ post(id: 1) { nope } }");
  assert.equal(invalid.status, 400);
  assert.match((await invalid.json()).errors[0].message, /nope/);
});

test("a schema that does not parse fails the deploy, naming where", { timeout: 60_000 }, async () => {
  await assert.rejects(deployTestStack(tc.cloud, "bad-graph", template("type Query { broken(: String }")), /Schema: .*Failed to parse schema document - Syntax Error/);
});

test("mapping templates and the schema prelude, as units", () => {
  const ctx = { arguments: { id: "a\"b", n: 2 }, source: null, identity: null, request: {}, info: {}, stash: {}, prev: null };
  assert.equal(renderMappingTemplate('{"key": $util.dynamodb.toDynamoDBJson($ctx.args.id), "n": $ctx.arguments.n}', ctx).output, '{"key": {"S":"a\\"b"}, "n": 2}');
  assert.deepEqual(renderMappingTemplate('$util.error("bad", "Oops")', ctx).error, { message: "bad", type: "Oops", data: undefined, info: undefined });
  assert.equal(renderMappingTemplate("$util.qr($ctx.stash.put(\"k\", 1))$ctx.stash.k", ctx).output, "1");
  assert.equal(renderMappingTemplate("#if(", ctx).error?.type, "MappingTemplate", "a template that does not parse fails its field");
  assert.deepEqual(renderMappingTemplate('#if($ctx.args.n > 1)\n#return({"early": $ctx.args.n})\n#end\n{"late": 1}', ctx).returned, { value: { early: 2 } });
  assert.deepEqual(renderMappingTemplate("#return\nnever", ctx).returned, { value: null });
  const appended = renderMappingTemplate('$util.appendError("careful", "Warn")$util.toJson($util.parseJson("[1,2]"))-$util.isList([1])-$util.typeOf("x")-$util.matches("a.c", "abc")', ctx);
  assert.equal(appended.output, "[1,2]-true-String-true");
  assert.deepEqual(appended.appended, [{ message: "careful", type: "Warn", data: undefined, info: undefined }]);
  assert.equal(renderMappingTemplate("$util.unauthorized()", ctx).error?.type, "UnauthorizedException");
  const schema = buildAppSyncSchema("type Query { at: AWSDateTime @aws_iam }");
  assert.ok(schema.getType("AWSJSON"));
  assert.throws(() => buildAppSyncSchema("type Query { x: Nope }"), /Unknown type "Nope"/);
});

test("API settings: environment variables in ctx.env (VTL and JS), introspection disabled, a query depth limit", { timeout: 120_000 }, async () => {
  const id = { "Fn::GetAtt": ["Api", "ApiId"] };
  const { outputs } = await deployTestStack(tc.cloud, "settings", {
    Resources: {
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "settings", AuthenticationType: "API_KEY", IntrospectionConfig: "DISABLED", QueryDepthLimit: 2, EnvironmentVariables: { GREETING: "hey" } } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: id, Definition: "type Node { name: String next: Node } type Query { vtl: String js: String node: Node }" } },
      Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: id } },
      None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: id, Name: "none", Type: "NONE" } },
      Vtl: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: id, TypeName: "Query", FieldName: "vtl", DataSourceName: "none",
        RequestMappingTemplate: '{"version":"2017-02-28","payload":"$ctx.env.GREETING from VTL"}', ResponseMappingTemplate: "$util.toJson($ctx.result)" } },
      Js: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema", "None"], Properties: { ApiId: id, TypeName: "Query", FieldName: "js", DataSourceName: "none", Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" },
        Code: "export const request = (ctx) => ({ payload: ctx.env.GREETING + ' from JS' }); export const response = (ctx) => ctx.result;" } },
      Node: { Type: "AWS::AppSync::Resolver", DependsOn: ["Schema", "None"], Properties: { ApiId: id, TypeName: "Query", FieldName: "node", DataSourceName: "none",
        RequestMappingTemplate: '{"version":"2017-02-28","payload":{"name":"a","next":{"name":"b","next":{"name":"c"}}}}', ResponseMappingTemplate: "$util.toJson($ctx.result)" } },
    },
    Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } } },
  });
  const ask = async (query: string) => {
    const res = await fetch(outputs.Url, { method: "POST", headers: { "x-api-key": outputs.Key }, body: JSON.stringify({ query }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  assert.deepEqual((await ask("{ vtl js }")).body, { data: { vtl: "hey from VTL", js: "hey from JS" } });
  assert.deepEqual((await ask("{ node { name } }")).body, { data: { node: { name: "a" } } });
  const deep = await ask("{ node { ...F } } fragment F on Node { next { name } }");
  assert.equal(deep.status, 400);
  assert.match(deep.body.errors[0].message, /depth of 3, over this API's QueryDepthLimit of 2/);
  const introspection = await ask("{ __schema { queryType { name } } }");
  assert.equal(introspection.status, 400);
  assert.match(introspection.body.errors[0].message, /introspection is not allowed/);
  assert.equal((await ask("{ __typename }")).status, 200, "__typename is not introspection");
  await assert.rejects(tc.cloud.appsync.call("CreateGraphqlApi", { Name: "x", AuthenticationType: "API_KEY", EnvironmentVariables: { "1bad": "x" } }), /Invalid environment variable key 1bad/);
});

test("deleting the stack removes the API: its URL no longer answers", { timeout: 120_000 }, async () => {
  await tc.cloud.cloudformation.call("DeleteStack", { StackName: "graph" });
  const res = await gql("{ boom }");
  assert.equal(res.status, 404);
});
