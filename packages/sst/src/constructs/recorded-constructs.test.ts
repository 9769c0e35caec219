/**
 * Constructs the local cloud records but does not serve, deployed to it as `sst deploy
 * --local` does: ApiGatewayV1Api (REST API with CORS preflight, access log stage, Lambda
 * token authorizer, proxy route), AppSyncApi (schema, API key, Lambda and DynamoDB data
 * sources, resolvers) and RDS (Aurora Serverless cluster, its VPC and secret, migrations)
 * deploy with AWS-shaped ids and URLs, their functions run when invoked, a local deploy
 * runs no migrations (there is no Data API) while an AWS deploy's template does, and the
 * app records the notices `sst dev` prints.
 */
import { describe, it, before, after } from "node:test";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "local-cloud/testing.js";
import { loadProject, synth } from "../project/index.js";
import { deployToLocal } from "../deploy/local.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const files = {
  "package.json": JSON.stringify({ name: "rest-app", type: "module", private: true }),
  "sst.config.ts": `
import { Rest } from "./stacks/Rest";
export default { config() { return { name: "rest-app", region: "us-east-1" }; }, stacks(app) { app.stack(Rest); } };
`,
  "stacks/Rest.ts": `
import { ApiGatewayV1Api, AppSyncApi, Function, RDS, StackContext, Table } from "sst/constructs";
export function Rest({ stack }: StackContext) {
  const auth = new Function(stack, "Auth", { handler: "src/fn.auth" });
  const api = new ApiGatewayV1Api(stack, "Rest", {
    authorizers: { token: { type: "lambda_token", function: auth } },
    routes: {
      "GET /": "src/fn.hello",
      "GET /private": { function: "src/fn.hello", authorizer: "token" },
      "ANY /files/{proxy+}": "src/fn.hello",
    },
  });
  const notes = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const graph = new AppSyncApi(stack, "Graph", {
    schema: "graphql/schema.graphql",
    dataSources: { notes: { type: "dynamodb", table: notes } },
    resolvers: {
      "Query hello": "src/fn.graphql",
      "Query note": { dataSource: "notes", requestMapping: { inline: '{"version":"2017-02-28","operation":"GetItem","key":{"id":$util.dynamodb.toDynamoDBJson($ctx.args.id)}}' }, responseMapping: { inline: "$util.toJson($ctx.result)" } },
    },
  });
  const db = new RDS(stack, "Db", { engine: "postgresql13.9", defaultDatabaseName: "acme", migrations: "migrations" });
  const reader = new Function(stack, "Reader", { handler: "src/fn.hello", bind: [db] });
  stack.addOutputs({ DbArn: db.clusterArn, DbSecret: db.secretArn, ReaderFn: reader.functionName, RestUrl: api.url, HelloFn: api.getFunction("GET /")!.functionName, GraphUrl: graph.url, GraphFn: graph.getFunction("Query hello")!.functionName });
}
`,
  "migrations/0001_init.mjs": "export async function up(db) { await db.schema.createTable('notes').addColumn('id', 'text').execute(); }\nexport async function down(db) { await db.schema.dropTable('notes').execute(); }\n",
  "graphql/schema.graphql": "type Note { id: ID! }\ntype Query { hello: String note(id: ID!): Note }\n",
  "src/fn.mjs": `
export const hello = async (event) => ({ statusCode: 200, body: "hello " + event.path });
export const graphql = async (event) => "hello " + event.info?.fieldName;
export const auth = async () => ({ principalId: "u", policyDocument: { Version: "2012-10-17", Statement: [] } });
`,
};

let tc: TestCloud;
let dir: string;
before(async () => {
  tc = await startTestCloud();
  dir = writeApp(files);
});
after(async () => {
  await tc?.stop();
  if (dir) removeApp(dir);
});

function template(result: { assemblyDir: string }): any {
  return JSON.parse(fs.readFileSync(path.join(result.assemblyDir, "dev-rest-app-Rest.template.json"), "utf8"));
}

function migrationResource(t: any): any {
  return Object.values<any>(t.Resources).find((r) => r.Type === "Custom::SSTScript" && "MigrationsHash" in r.Properties).Properties;
}

describe("ApiGatewayV1Api, AppSyncApi and RDS", () => {
  it("deploy to the local cloud recorded, their functions run, and the app says what is not served", { timeout: 180_000 }, async () => {
    const project = await loadProject({ cwd: dir, stage: "dev" });
    const forAws = await synth(project, { mode: "deploy" });
    const awsMigration = migrationResource(template(forAws));
    assert.ok(awsMigration.UserCreateFunction && awsMigration.UserUpdateFunction, "an AWS deploy runs the migrator");
    assert.match(awsMigration.MigrationsHash, /^[0-9a-f]{32}$/);
    const result = await synth(project, { mode: "deploy", target: "local" });
    assert.equal(migrationResource(template(result)).UserCreateFunction, undefined, "a local deploy has no Data API to migrate");
    assert.match(result.notices!.find((n) => n.construct === 'RDS "Db"')!.local, /no Aurora or RDS Data API/);
    const notice = result.notices?.find((n) => n.construct === 'ApiGatewayV1Api "Rest"');
    assert.match(notice!.local, /does not serve REST APIs/);
    const graphNotice = result.notices?.find((n) => n.construct === 'AppSyncApi "Graph"');
    assert.match(graphNotice!.local, /does not serve AppSync/);
    await deployToLocal(tc.cloud as any, result);
    const stack = await tc.cloud.cloudformation.call("DescribeStacks", { StackName: "dev-rest-app-Rest" });
    const outputs = Object.fromEntries(stack.Stacks[0].Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
    assert.match(outputs.RestUrl, /^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com\/dev\/$/);
    const resources = await tc.cloud.cloudformation.call("DescribeStackResources", { StackName: "dev-rest-app-Rest" });
    const types = new Set(resources.StackResources.map((r: any) => r.ResourceType));
    for (const type of ["AWS::ApiGateway::RestApi", "AWS::ApiGateway::Method", "AWS::ApiGateway::Resource", "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Authorizer"]) {
      assert.ok(types.has(type), `${type} deployed`);
    }
    for (const type of ["AWS::AppSync::GraphQLApi", "AWS::AppSync::GraphQLSchema", "AWS::AppSync::ApiKey", "AWS::AppSync::DataSource", "AWS::AppSync::Resolver"]) {
      assert.ok(types.has(type), `${type} deployed`);
    }
    assert.match(outputs.GraphUrl, /^https:\/\/[a-z0-9]{26}\.appsync-api\.us-east-1\.amazonaws\.com\/graphql$/);
    const out = await tc.cloud.lambda.call("Invoke", { FunctionName: outputs.HelloFn, Payload: JSON.stringify({ path: "/" }) });
    assert.equal(JSON.parse(Buffer.from(out.Payload).toString()).body, "hello /");
    assert.match(outputs.DbArn, /^arn:aws:rds:us-east-1:000000000000:cluster:dev-rest-app-db$/);
    assert.match(outputs.DbSecret, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:.+-[A-Za-z]{6}$/);
    const reader = await tc.cloud.lambda.call("GetFunctionConfiguration", { FunctionName: outputs.ReaderFn });
    assert.equal(reader.Environment.Variables.SST_RDS_clusterArn_Db, outputs.DbArn);
    const resolved = await tc.cloud.lambda.call("Invoke", { FunctionName: outputs.GraphFn, Payload: JSON.stringify({ info: { fieldName: "hello" } }) });
    assert.equal(JSON.parse(Buffer.from(resolved.Payload).toString()), "hello hello");
  });
});
