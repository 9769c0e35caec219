/**
 * Pipeline resolvers and APPSYNC_JS code, deployed from CloudFormation as CDK writes them
 * (AWS::AppSync::FunctionConfiguration, Kind PIPELINE with PipelineConfig, Code with the
 * APPSYNC_JS runtime): VTL before/after templates with functions passing `$ctx.prev.result`
 * and sharing the stash, JS resolvers on the local DynamoDB through
 * `@aws-appsync/utils/dynamodb`, `util.error` / `util.appendError` / `runtime.earlyReturn`,
 * JS seeing a data source's error as `ctx.error`, and a direct Lambda resolver with
 * MaxBatchSize getting one array for a list's items (BatchInvoke).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { AppSyncJsRuntime } from "./js-runtime.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const api = { "Fn::GetAtt": ["Api", "ApiId"] };
const JS = { Name: "APPSYNC_JS", RuntimeVersion: "1.0.0" };
const SCHEMA = `
type Note { id: ID! text: String author: Author }
type Author { name: String }
type Query {
  chain(n: Int!): AWSJSON
  note(id: ID!): Note
  notes: [Note]
  early(skip: Boolean!): String
  failing: String
  vtlReturn(skip: Boolean!): String
  soft: String
  jsSeesError: String
}
type Mutation { addNote(id: ID!, text: String!): Note }
`;

const resolver = (type: string, field: string, props: Record<string, unknown>) => ({ Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"], Properties: { ApiId: api, TypeName: type, FieldName: field, ...props } });
const fn = (name: string, ds: string, props: Record<string, unknown>) => ({ Type: "AWS::AppSync::FunctionConfiguration", Properties: { ApiId: api, Name: name, DataSourceName: { "Fn::GetAtt": [ds, "Name"] }, FunctionVersion: "2018-05-29", ...props } });
const fid = (logical: string) => ({ "Fn::GetAtt": [logical, "FunctionId"] });

function template() {
  return {
    Resources: {
      Table: { Type: "AWS::DynamoDB::Table", Properties: { BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] } },
      Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
      Authors: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: `
        let batches = 0;
        exports.handler = async (events) => {
          if (!Array.isArray(events)) throw new Error("expected a batch");
          batches++;
          return events.map((e) => e.source.id === "bad" ? { data: null, errorMessage: "no author for bad", errorType: "NoAuthor" } : { name: "author of " + e.source.id + " (batch " + batches + " of size " + events.length + ")" });
        };` } } },
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "pipes", AuthenticationType: "API_KEY" } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: api, Definition: SCHEMA } },
      Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: api } },
      None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "none", Type: "NONE" } },
      Notes: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "notes", Type: "AMAZON_DYNAMODB", DynamoDBConfig: { TableName: { Ref: "Table" }, AwsRegion: "us-east-1" } } },
      AuthorsDs: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: api, Name: "authors", Type: "AWS_LAMBDA", LambdaConfig: { LambdaFunctionArn: { "Fn::GetAtt": ["Authors", "Arn"] } } } },
      // VTL pipeline: before puts n in the stash; Double doubles prev.result; AddStash adds the stash's n; after wraps it.
      Double: fn("double", "None", { RequestMappingTemplate: '{"version":"2018-05-29","payload":$util.toJson($ctx.prev.result.value)}', ResponseMappingTemplate: '$util.qr($ctx.stash.put("doubled", true))\n{"value": $ctx.result, "twice": #set($x = $ctx.result * 2)$x}' }),
      AddStash: fn("addStash", "None", { RequestMappingTemplate: '{"version":"2018-05-29","payload":{"sum": $util.toJson($ctx.prev.result.twice), "n": $ctx.stash.n, "doubled": $ctx.stash.doubled}}', ResponseMappingTemplate: "$util.toJson($ctx.result)" }),
      Chain: resolver("Query", "chain", {
        Kind: "PIPELINE", PipelineConfig: { Functions: [fid("Double"), fid("AddStash")] },
        RequestMappingTemplate: '$util.qr($ctx.stash.put("n", $ctx.args.n))\n{"value": $ctx.args.n}',
        ResponseMappingTemplate: '$util.toJson($util.toJson({"final": $ctx.prev.result, "n": $ctx.stash.n}))',
      }),
      // APPSYNC_JS on DynamoDB.
      Note: resolver("Query", "note", { DataSourceName: { "Fn::GetAtt": ["Notes", "Name"] }, Runtime: JS, Code: `
        import { util } from "@aws-appsync/utils";
        import * as ddb from "@aws-appsync/utils/dynamodb";
        export function request(ctx) { return ddb.get({ key: { id: ctx.args.id } }); }
        export function response(ctx) {
          if (ctx.error) util.error(ctx.error.message, ctx.error.type);
          if (!ctx.result) util.error("Note " + ctx.args.id + " not found", "NotFound");
          return ctx.result;
        }` }),
      Notes2: resolver("Query", "notes", { DataSourceName: { "Fn::GetAtt": ["Notes", "Name"] }, Runtime: JS, Code: `
        import { scan } from "@aws-appsync/utils/dynamodb";
        export const request = () => scan({});
        export const response = (ctx) => ctx.result.items.sort((a, b) => a.id < b.id ? -1 : 1);` }),
      Add: resolver("Mutation", "addNote", { DataSourceName: { "Fn::GetAtt": ["Notes", "Name"] }, Runtime: JS, Code: `
        import { util } from "@aws-appsync/utils";
        import { put } from "@aws-appsync/utils/dynamodb";
        export function request(ctx) { return put({ key: { id: ctx.args.id }, item: { text: ctx.args.text, at: util.time.nowEpochSeconds() } }); }
        export function response(ctx) { return ctx.result; }` }),
      // Direct Lambda resolver with batching.
      Author: resolver("Note", "author", { DataSourceName: { "Fn::GetAtt": ["AuthorsDs", "Name"] }, MaxBatchSize: 2 }),
      // JS pipeline: earlyReturn in the before handler skips the functions.
      Upper: fn("upper", "None", { Runtime: JS, Code: `
        export function request(ctx) { ctx.stash.seen = (ctx.stash.seen || 0) + 1; return { payload: String(ctx.prev.result).toUpperCase() }; }
        export function response(ctx) { return ctx.result + "/" + ctx.stash.seen; }` }),
      Early: resolver("Query", "early", {
        Kind: "PIPELINE", PipelineConfig: { Functions: [fid("Upper")] }, Runtime: JS, Code: `
          import { runtime } from "@aws-appsync/utils";
          export function request(ctx) { if (ctx.args.skip) runtime.earlyReturn("skipped"); return "hello"; }
          export function response(ctx) { return ctx.prev.result + "!"; }` }),
      // VTL #return: from a function's request template it skips its data source; the after template then sees it.
      Maybe: fn("maybe", "None", {
        RequestMappingTemplate: '#if($ctx.args.skip)\n#return("returned early")\n#end\n$util.appendError("went on", "Note")\n{"version":"2018-05-29","payload":"ran"}',
        ResponseMappingTemplate: "$util.toJson($ctx.result)" }),
      VtlReturn: resolver("Query", "vtlReturn", { Kind: "PIPELINE", PipelineConfig: { Functions: [fid("Maybe")] }, RequestMappingTemplate: "{}", ResponseMappingTemplate: "$util.toJson($ctx.prev.result)" }),
      Failing: resolver("Query", "failing", { DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, Runtime: JS, Code: `
        import { util } from "@aws-appsync/utils";
        export function request(ctx) { util.error("nope", "Custom", { why: 1 }, { more: 2 }); }
        export function response(ctx) { return "never"; }` }),
      Soft: resolver("Query", "soft", { DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, Runtime: JS, Code: `
        import { util } from "@aws-appsync/utils";
        export function request(ctx) { return { payload: "partial" }; }
        export function response(ctx) { util.appendError("heads up", "Warning"); return ctx.result; }` }),
      JsSeesError: resolver("Query", "jsSeesError", { DataSourceName: { "Fn::GetAtt": ["Notes", "Name"] }, Runtime: JS, Code: `
        export function request(ctx) { return { operation: "Query", query: { expression: "#nope = :v", expressionNames: { "#nope": "nope" }, expressionValues: { ":v": { S: "x" } } } }; }
        export function response(ctx) { return ctx.error ? "handled " + ctx.error.type : "no error"; }` }),
    },
    Outputs: { Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } } },
  };
}

let url = "";
let key = "";
const gql = async (query: string, variables?: unknown) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ query, variables }) });
  assert.equal(res.status, 200);
  return (await res.json()) as any;
};

test("deploys functions and pipeline and JS resolvers", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "pipes", template());
  ({ Url: url, Key: key } = outputs);
});

test("a VTL pipeline: before, functions in order with prev.result, a shared stash, after", { timeout: 60_000 }, async () => {
  const body = await gql("{ chain(n: 21) }");
  assert.deepEqual(JSON.parse(body.data.chain), { final: { sum: 42, n: 21, doubled: true }, n: 21 });
});

test("APPSYNC_JS on DynamoDB: put, get, scan; a missing item is util.error", { timeout: 60_000 }, async () => {
  const added = await gql('mutation { a: addNote(id: "n1", text: "first") { id text } b: addNote(id: "n2", text: "second") { id } }');
  assert.deepEqual(added.data, { a: { id: "n1", text: "first" }, b: { id: "n2" } });
  assert.deepEqual((await gql('{ note(id: "n1") { id text } }')).data, { note: { id: "n1", text: "first" } });
  const missing = await gql('{ note(id: "zz") { id } }');
  assert.deepEqual(missing.data, { note: null });
  assert.equal(missing.errors[0].errorType, "NotFound");
  assert.equal(missing.errors[0].message, "Note zz not found");
  assert.deepEqual((await gql("{ notes { id } }")).data.notes, [{ id: "n1" }, { id: "n2" }]);
});

test("BatchInvoke: a direct Lambda resolver with MaxBatchSize gets a list's items in arrays of that size; an entry's error fails its field alone", { timeout: 60_000 }, async () => {
  await gql('mutation { addNote(id: "n3", text: "third") { id } c: addNote(id: "bad", text: "x") { id } }');
  const body = await gql("{ notes { id author { name } } }");
  const names = body.data.notes.map((n: any) => n.author?.name ?? null);
  assert.deepEqual(body.data.notes.map((n: any) => n.id), ["bad", "n1", "n2", "n3"]);
  assert.equal(names[0], null);
  for (const [i, name] of names.slice(1).entries()) assert.match(name, new RegExp(`^author of n${i + 1} \\(batch \\d+ of size 2\\)$`), "four items, MaxBatchSize 2: two arrays of two");
  assert.deepEqual(body.errors.map((e: any) => [e.path, e.errorType, e.message]), [[["notes", 0, "author"], "NoAuthor", "no author for bad"]]);
});

test("JS: earlyReturn skips the pipeline, util.error and appendError, ctx.error from the data source", { timeout: 60_000 }, async () => {
  assert.deepEqual((await gql("{ early(skip: true) }")).data, { early: "skipped" });
  assert.deepEqual((await gql("{ early(skip: false) }")).data, { early: "HELLO/1!" });
  const failing = await gql("{ failing }");
  assert.deepEqual(failing.data, { failing: null });
  assert.deepEqual({ ...failing.errors[0], locations: undefined }, { path: ["failing"], data: { why: 1 }, errorType: "Custom", errorInfo: { more: 2 }, locations: undefined, message: "nope" });
  const soft = await gql("{ soft }");
  assert.deepEqual(soft.data, { soft: "partial" });
  assert.deepEqual(soft.errors.map((e: any) => [e.path, e.errorType, e.message]), [[["soft"], "Warning", "heads up"]]);
  assert.deepEqual((await gql("{ jsSeesError }")).data, { jsSeesError: "handled DynamoDB:ValidationException" });
});

test("VTL: #return in a function's request skips its data source; $util.appendError reports beside the data", { timeout: 60_000 }, async () => {
  assert.deepEqual(await gql("{ vtlReturn(skip: true) }"), { data: { vtlReturn: "returned early" } });
  const ran = await gql("{ vtlReturn(skip: false) }");
  assert.deepEqual(ran.data, { vtlReturn: "ran" });
  assert.deepEqual(ran.errors.map((e: any) => [e.path, e.errorType, e.message]), [[["vtlReturn"], "Note", "went on"]]);
});

test("bad pipeline and code configuration is refused by the management API", { timeout: 60_000 }, async () => {
  const { ApiId } = await tc.cloud.appsync.call("CreateGraphqlApi", { Name: "x", AuthenticationType: "API_KEY" });
  await assert.rejects(tc.cloud.appsync.call("CreateResolver", { ApiId, TypeName: "Query", FieldName: "a", Kind: "PIPELINE", PipelineConfig: { Functions: ["nope"] } }), /Function nope not found/);
  await assert.rejects(tc.cloud.appsync.call("CreateFunction", { ApiId, Name: "f", DataSourceName: "nope" }), /Data source nope not found/);
  await tc.cloud.appsync.call("CreateDataSource", { ApiId, Name: "none", Type: "NONE" });
  await assert.rejects(tc.cloud.appsync.call("CreateFunction", { ApiId, Name: "f", DataSourceName: "none", Code: "x", Runtime: { Name: "APPSYNC_JS", RuntimeVersion: "2.0.0" } }), /Invalid runtime version/);
});

test("the JS runtime as a unit: code that does not load, a missing export, a loop stopped by the deadline", async () => {
  const js = new AppSyncJsRuntime();
  try {
    const broken = await js.call("export function request( {", "request", { stash: {} });
    assert.equal(broken.error?.type, "Code");
    assert.match(broken.error!.message, /does not load/);
    const noResponse = await js.call("export function request(ctx) { return 1; }", "response", { stash: {} });
    assert.match(noResponse.error!.message, /does not export a response function/);
    const imported = await js.call('import fs from "fs"; export const request = () => 1;', "request", { stash: {} });
    assert.match(imported.error!.message, /Cannot find module 'fs'/);
    const stash = await js.call("export function request(ctx) { ctx.stash.k = ctx.args.v * 2; return ctx.stash; }", "request", { arguments: { v: 4 }, stash: { a: 1 } });
    assert.deepEqual(stash, { value: { a: 1, k: 8 }, stash: { a: 1, k: 8 }, appended: [] });
  } finally {
    js.close();
  }
  const quick = new AppSyncJsRuntime(50);
  try {
    const loop = await quick.call("export function request() { for (;;) {} }", "request", { stash: {} });
    assert.match(loop.error!.message, /interrupted/);
  } finally {
    quick.close();
  }
});
