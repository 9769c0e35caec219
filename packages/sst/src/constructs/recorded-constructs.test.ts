/**
 * A construct the local cloud records but does not serve, deployed to it as `sst deploy
 * --local` does: RDS (Aurora Serverless cluster, its VPC and secret, migrations) deploys
 * with AWS-shaped ids, a function bound to it runs, a local deploy runs no migrations
 * (there is no Data API) while an AWS deploy's template does, and the app records the
 * notice `sst dev` prints. (ApiGatewayV1Api and AppSyncApi are served: served-apis.test.ts.)
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
import { Function, RDS, StackContext } from "sst/constructs";
export function Rest({ stack }: StackContext) {
  const db = new RDS(stack, "Db", { engine: "postgresql13.9", defaultDatabaseName: "acme", migrations: "migrations" });
  const reader = new Function(stack, "Reader", { handler: "src/fn.hello", bind: [db] });
  stack.addOutputs({ DbArn: db.clusterArn, DbSecret: db.secretArn, ReaderFn: reader.functionName });
}
`,
  "migrations/0001_init.mjs": "export async function up(db) { await db.schema.createTable('notes').addColumn('id', 'text').execute(); }\nexport async function down(db) { await db.schema.dropTable('notes').execute(); }\n",
  "src/fn.mjs": `
export const hello = async (event) => ({ statusCode: 200, body: "hello " + event.path });
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

describe("RDS", () => {
  it("deploys to the local cloud recorded, its functions run, and the app says what is not served", { timeout: 180_000 }, async () => {
    const project = await loadProject({ cwd: dir, stage: "dev" });
    const forAws = await synth(project, { mode: "deploy" });
    const awsMigration = migrationResource(template(forAws));
    assert.ok(awsMigration.UserCreateFunction && awsMigration.UserUpdateFunction, "an AWS deploy runs the migrator");
    assert.match(awsMigration.MigrationsHash, /^[0-9a-f]{32}$/);
    const result = await synth(project, { mode: "deploy", target: "local" });
    assert.equal(migrationResource(template(result)).UserCreateFunction, undefined, "a local deploy has no Data API to migrate");
    assert.match(result.notices!.find((n) => n.construct === 'RDS "Db"')!.local, /no Aurora or RDS Data API/);
    await deployToLocal(tc.cloud as any, result);
    const stack = await tc.cloud.cloudformation.call("DescribeStacks", { StackName: "dev-rest-app-Rest" });
    const outputs = Object.fromEntries(stack.Stacks[0].Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
    assert.match(outputs.DbArn, /^arn:aws:rds:us-east-1:000000000000:cluster:dev-rest-app-db$/);
    assert.match(outputs.DbSecret, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:.+-[A-Za-z]{6}$/);
    const reader = await tc.cloud.lambda.call("GetFunctionConfiguration", { FunctionName: outputs.ReaderFn });
    assert.equal(reader.Environment.Variables.SST_RDS_clusterArn_Db, outputs.DbArn);
  });
});
