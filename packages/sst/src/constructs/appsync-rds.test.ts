/**
 * An AppSyncApi whose data source is an SST RDS (`{ type: "rds", rds }`), deployed to the
 * local cloud as `sst deploy --local` does: the migration makes the table, a VTL resolver
 * inserts and a JS resolver (`@aws-appsync/utils/rds`, through `cdk.resolver`) lists,
 * both through the Data API as the data source's role CDK made.
 */
import { describe, it } from "node:test";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { useLocalApp, synthForLocal, deploySynthesized, oneStackApp } from "../project/fixtures/local-app.js";

process.env.CDK_VALIDATION = "false";

const files = oneStackApp("notes-app", "Notes", {
  "stacks/Notes.ts": `
import { AppSyncApi, RDS, StackContext } from "sst/constructs";
import * as appsync from "aws-cdk-lib/aws-appsync";
export function Notes({ stack }: StackContext) {
  const rds = new RDS(stack, "Db", { engine: "postgresql13.9", defaultDatabaseName: "notes", migrations: "migrations" });
  const api = new AppSyncApi(stack, "Api", {
    schema: "graphql/schema.graphql",
    dataSources: { db: { type: "rds", rds } },
    resolvers: {
      "Mutation addNote": {
        dataSource: "db",
        requestMapping: { inline: '{ "version": "2018-05-29", "statements": ["INSERT INTO note (body) VALUES (:BODY) RETURNING id, body"], "variableMap": { ":BODY": $util.toJson($ctx.args.body) } }' },
        responseMapping: { inline: "$util.toJson($util.rds.toJsonObject($ctx.result)[0][0])" },
      },
      "Query notes": {
        dataSource: "db",
        cdk: { resolver: { runtime: appsync.FunctionRuntime.JS_1_0_0, code: appsync.Code.fromInline(\`
          import { select, createPgStatement, toJsonObject } from "@aws-appsync/utils/rds";
          export function request(ctx) { return createPgStatement(select({ table: "note", orderBy: [{ column: "id", dir: "DESC" }] })); }
          export function response(ctx) { return toJsonObject(ctx.result)[0]; }
        \`) } },
      },
    },
  });
  stack.addOutputs({ Url: api.url, Key: api.cdk.graphqlApi.apiKey! });
}
`,
  "graphql/schema.graphql": `
type Note { id: Int! body: String! }
type Query { notes: [Note] }
type Mutation { addNote(body: String!): Note }
`,
  "migrations/first.mjs": `
export async function up(db) { await db.schema.createTable("note").addColumn("id", "serial", (c) => c.primaryKey()).addColumn("body", "text", (c) => c.notNull()).execute(); }
export async function down(db) { await db.schema.dropTable("note").execute(); }
`,
});

const app = useLocalApp(files);

describe("AppSyncApi with an RDS data source", () => {
  it("resolves GraphQL through the Data API as the data source's role", { timeout: 300_000 }, async () => {
    const result = await synthForLocal(app.dir);
    assert.equal(result.notices!.some((n) => n.construct === 'AppSyncApi "Api"' && n.prop === "dataSources.db"), false, "the rds data source runs locally: no notice");
    const t = JSON.parse(fs.readFileSync(path.join(result.assemblyDir, "dev-notes-app-Notes.template.json"), "utf8"));
    const ds = Object.values<any>(t.Resources).find((r) => r.Type === "AWS::AppSync::DataSource").Properties;
    assert.equal(ds.Type, "RELATIONAL_DATABASE");
    assert.ok(ds.ServiceRoleArn && ds.RelationalDatabaseConfig.RdsHttpEndpointConfig.AwsSecretStoreArn);

    const outputs = await deploySynthesized(app.cloud, result, "dev-notes-app-Notes");
    const gql = async (query: string, variables?: unknown) => {
      const res = await fetch(outputs.Url, { method: "POST", headers: { "content-type": "application/json", "x-api-key": outputs.Key }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as any;
    };
    const first = await gql("mutation ($b: String!) { addNote(body: $b) { id body } }", { b: "hello" });
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.deepEqual(first.data.addNote, { id: 1, body: "hello" });
    await gql(`mutation { addNote(body: "again") { id } }`);
    const list = await gql("{ notes { id body } }");
    assert.equal(list.errors, undefined, JSON.stringify(list.errors));
    assert.deepEqual(list.data.notes, [{ id: 2, body: "again" }, { id: 1, body: "hello" }]);
  });
});
