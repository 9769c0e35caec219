/**
 * RDS `types` under `sst dev`: which constructs get types (from the deployed SSTMetadata),
 * what kysely-codegen writes for a real schema read through the local Data API, and when
 * the file is written again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RDSDataClient, ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { startTestCloud, type TestCloud } from "../../../local-cloud/src/testing.js";
import { KyselyTypesSync, kyselyTypesOf, mayHaveTypedDatabase, typedDatabasesOf, type TypedDatabase } from "./kysely-types.js";

const MIGRATOR_ARN = "arn:aws:lambda:us-east-1:000000000000:function:dev-app-Db-dbMigrator1234";

function stackWith(constructs: unknown[]) {
  return { StackName: "dev-app-Db", Outputs: [{ OutputKey: "SSTMetadata", OutputValue: JSON.stringify({ metadata: constructs }) }] };
}
const rdsConstruct = (id: string, data: Record<string, unknown>) => ({
  id, type: "RDS", addr: `c-${id}`,
  data: { engine: "postgresql11.13", clusterArn: `arn:cluster:${id}`, secretArn: `arn:secret:${id}`, defaultDatabaseName: "main", ...data },
});
const migrator = { id: "dbMigrator", type: "Function", addr: "c-migrator", data: { arn: MIGRATOR_ARN } };

describe("typedDatabasesOf", () => {
  test("takes the RDS constructs with types and a migrator, as SST v2 does", () => {
    const found = typedDatabasesOf([
      stackWith([
        rdsConstruct("db", { types: { path: "packages/core/src/sql.generated.ts" }, migrator: { node: "c-migrator" } }),
        rdsConstruct("camel", { types: { path: "camel.ts", camelCase: true }, migrator: { node: "c-migrator" } }),
        rdsConstruct("noMigrations", { types: { path: "x.ts" } }),
        rdsConstruct("noTypes", { migrator: { node: "c-migrator" } }),
        migrator,
      ]),
      { StackName: "dev-app-Other", Outputs: [{ OutputKey: "SSTMetadata", OutputValue: "not json" }] },
      { StackName: "dev-app-Bare" },
    ]);
    assert.deepEqual(found.map((d) => [d.id, d.typesPath, d.camelCase, d.migratorName]), [
      ["db", "packages/core/src/sql.generated.ts", false, "dev-app-Db-dbMigrator1234"],
      ["camel", "camel.ts", true, "dev-app-Db-dbMigrator1234"],
    ]);
    assert.deepEqual([found[0]!.clusterArn, found[0]!.secretArn, found[0]!.defaultDatabaseName], ["arn:cluster:db", "arn:secret:db", "main"]);
  });
});

test("mayHaveTypedDatabase: a template whose SSTMetadata holds an RDS with types (escaped inside the output's JSON)", () => {
  const template = (metadata: unknown) => JSON.stringify({ Outputs: { SSTMetadata: { Value: { "Fn::Join": ["", [JSON.stringify(metadata), { Ref: "X" }]] } } } });
  assert.equal(mayHaveTypedDatabase(template({ metadata: [{ type: "RDS", data: { types: { path: "a.ts" } } }] })), true);
  assert.equal(mayHaveTypedDatabase(template({ metadata: [{ type: "RDS", data: {} }] })), false);
  assert.equal(mayHaveTypedDatabase(template({ metadata: [{ type: "Api", data: { types: 1 } }] })), false);
});

describe("kysely types from the local Data API", () => {
  let tc: TestCloud;
  let db: TypedDatabase;
  let rds: RDSDataClient;
  const sql = (text: string) => rds.send(new ExecuteStatementCommand({ resourceArn: db.clusterArn, secretArn: db.secretArn, database: "main", sql: text }));

  before(async () => {
    tc = await startTestCloud();
    rds = new RDSDataClient(tc.clientConfig);
    const resolve = (key: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, `:SecretString:${key}::}}`]] });
    const template = {
      Resources: {
        Secret: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: "password", ExcludePunctuation: true } } },
        Cluster: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", EngineMode: "serverless", DatabaseName: "main", EnableHttpEndpoint: true, MasterUsername: resolve("username"), MasterUserPassword: resolve("password") } },
      },
      Outputs: { Cluster: { Value: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } }, Secret: { Value: { Ref: "Secret" } } },
    };
    await tc.cloud.cloudformation.call("CreateStack", { StackName: "db", TemplateBody: JSON.stringify(template) });
    const stack = (await tc.cloud.cloudformation.call("DescribeStacks", { StackName: "db" })).Stacks[0];
    assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
    const out = Object.fromEntries(stack.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
    db = {
      id: "db", engine: "postgresql11.13", clusterArn: out.Cluster, secretArn: out.Secret, defaultDatabaseName: "main",
      typesPath: "src/sql.generated.ts", camelCase: false, migratorName: "the-migrator",
    };
  });
  after(async () => {
    rds?.destroy();
    await tc?.stop();
  });

  test("an empty database: an empty Database interface", async () => {
    assert.match(await kyselyTypesOf(db, tc.clientConfig), /export interface Database \{\s*\}\s*$/);
  });

  test("tables, enums, defaults, nullability, arrays and json as kysely-codegen types them", async () => {
    await sql(`CREATE TYPE mood AS ENUM ('happy', 'sad');
      CREATE TABLE user_account (id serial PRIMARY KEY, user_name text NOT NULL, feeling mood, tags text[], settings jsonb, created_at timestamptz NOT NULL DEFAULT now(), score numeric)`);
    const text = await kyselyTypesOf(db, tc.clientConfig);
    assert.match(text, /^import type \{ ColumnType \} from "kysely";/);
    assert.match(text, /export type Mood = "happy" \| "sad";/);
    assert.match(text, /export interface UserAccount \{\n  id: Generated<number>;/);
    assert.match(text, /  created_at: Generated<Timestamp>;/);
    assert.match(text, /  user_name: string;/);
    assert.match(text, /  feeling: Mood \| null;/);
    assert.match(text, /  tags: string\[\] \| null;/);
    assert.match(text, /  settings: Json \| null;/);
    assert.match(text, /  score: Numeric \| null;/);
    assert.match(text, /export interface Database \{\n  user_account: UserAccount;\n\}/);
    assert.doesNotMatch(text, /kysely_migration/, "kysely's own tables are left out");
    const camel = await kyselyTypesOf({ ...db, camelCase: true }, tc.clientConfig);
    assert.match(camel, /  userName: string;/);
    assert.match(camel, /export interface Database \{\n  userAccount: UserAccount;\n\}/);
  });

  test("sst dev writes the file after a deploy and after a run of the migrator, only when it changed", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kysely-types-"));
    const said: string[] = [];
    const sync = new KyselyTypesSync(root, { success: (m) => said.push(m), error: (m) => said.push(`error: ${m}`) }, tc.clientConfig);
    try {
      const migratorConstruct = { ...migrator, data: { arn: "arn:aws:lambda:us-east-1:000000000000:function:the-migrator" } };
      sync.deployed([stackWith([rdsConstruct("db", { clusterArn: db.clusterArn, secretArn: db.secretArn, types: { path: db.typesPath }, migrator: { node: "c-migrator" } }), migratorConstruct])]);
      await sync.idle();
      const file = path.join(root, db.typesPath);
      assert.match(fs.readFileSync(file, "utf8"), /user_account: UserAccount;/);
      assert.deepEqual(said, [`Kysely: Generated types for RDS "db" (src/sql.generated.ts)`]);

      await sql("CREATE TABLE invoice (id text PRIMARY KEY)");
      sync.functionSucceeded("some-other-function");
      await sync.idle();
      assert.doesNotMatch(fs.readFileSync(file, "utf8"), /invoice/, "another function's run changes nothing");
      sync.functionSucceeded("the-migrator");
      sync.functionSucceeded("the-migrator");
      await sync.idle();
      assert.match(fs.readFileSync(file, "utf8"), /  invoice: Invoice;\n  user_account: UserAccount;/);
      assert.equal(said.length, 2, "two runs, one change: written once");

      await sql("DROP TABLE invoice");
      sync.deployed([stackWith([rdsConstruct("db", { clusterArn: "arn:aws:rds:us-east-1:000000000000:cluster:nope", secretArn: db.secretArn, types: { path: db.typesPath }, migrator: { node: "c-migrator" } }), migratorConstruct])]);
      await sync.idle();
      assert.match(said.at(-1)!, /^error: Kysely: Could not generate types for RDS "db" \(src\/sql\.generated\.ts\): /);
      assert.match(fs.readFileSync(file, "utf8"), /invoice/, "a failed generation leaves the file as it was");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
