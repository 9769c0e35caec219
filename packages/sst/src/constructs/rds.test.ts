/**
 * SST's RDS deployed to the local cloud as `sst deploy --local` does, shaped like SST
 * v2's rest-api-postgresql example: the deploy runs the kysely migrations through the
 * Data API, a bound function counts hits with kysely-data-api over the real
 * `@aws-sdk/client-rds-data`, the data survives the cloud restarting, and a MySQL
 * cluster fails the local deploy naming itself while its AWS template is unchanged.
 *
 * Over the Postgres wire protocol (after the restart, so the endpoint kept its port):
 * functions connect with `pg`, one with host, port and credentials from the bound
 * secret, one with the host and port of `cdk.cluster.clusterEndpoint` — as apps do on
 * AWS from inside the cluster's VPC. The endpoint asks for the password only, no IAM, as
 * on AWS; the Data API sees the rows they write.
 */
import { describe, it } from "node:test";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { useLocalApp, synthForLocal, deploySynthesized, oneStackApp } from "../project/fixtures/local-app.js";
import { type TestCloud } from "local-cloud/testing.js";
import { loadProject, synth } from "../project/index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { startConsole } from "@sst-local/console";

process.env.CDK_VALIDATION = "false";

const files = oneStackApp("rest-app", "Rest", {
  "stacks/Rest.ts": `
import { Token } from "aws-cdk-lib";
import { Function, RDS, StackContext } from "sst/constructs";
export function Rest({ stack }: StackContext) {
  const db = new RDS(stack, "Db", { engine: "postgresql11.13", defaultDatabaseName: "CounterDB", migrations: "migrations" });
  const visit = new Function(stack, "Visit", { handler: "src/visit.handler", bind: [db] });
  const endpoint = db.cdk.cluster.clusterEndpoint;
  const plain = new Function(stack, "Plain", { handler: "src/plain.handler", environment: { DB_HOST: endpoint.hostname, DB_PORT: Token.asString(endpoint.port) } });
  stack.addOutputs({ VisitFn: visit.functionName, PlainFn: plain.functionName });
  const counter = new Function(stack, "Counter", { handler: "src/counter.handler", bind: [db] });
  const unbound = new Function(stack, "Unbound", { handler: "src/counter.handler", environment: { SST_RDS_clusterArn_Db: db.clusterArn, SST_RDS_secretArn_Db: db.secretArn, SST_RDS_defaultDatabaseName_Db: "CounterDB" } });
  stack.addOutputs({ DbArn: db.clusterArn, DbSecret: db.secretArn, CounterFn: counter.functionName, UnboundFn: unbound.functionName });
}
`,
  "migrations/first.mjs": `
import { sql } from "kysely";
export async function up(db) {
  await db.schema.createTable("tblcounter").addColumn("counter", "text", (c) => c.primaryKey()).addColumn("tally", "integer").execute();
  await db.insertInto("tblcounter").values({ counter: "hits", tally: 0 }).execute();
}
export async function down(db) { await db.schema.dropTable("tblcounter").execute(); }
`,
  "src/visit.ts": `
import pg from "pg";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { RDS } from "sst/node/rds";

export async function handler() {
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: RDS.Db.secretArn }));
  const secret = JSON.parse(out.SecretString!);
  const client = new pg.Client({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database: RDS.Db.defaultDatabaseName });
  await client.connect();
  try {
    await client.query("CREATE TABLE IF NOT EXISTS visits (n serial PRIMARY KEY, note text)");
    const row = await client.query("INSERT INTO visits (note) VALUES ($1) RETURNING n", ["via the secret"]);
    return { n: row.rows[0].n, host: secret.host };
  } finally {
    await client.end();
  }
}
`,
  "src/plain.ts": `
import pg from "pg";

export async function handler(event: { user: string; password: string }) {
  const client = new pg.Client({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT), user: event.user, password: event.password, database: "CounterDB" });
  try {
    await client.connect();
    const row = await client.query("INSERT INTO visits (note) VALUES ('via the endpoint') RETURNING n");
    return { n: row.rows[0].n, host: process.env.DB_HOST, port: process.env.DB_PORT };
  } catch (err: any) {
    return { code: err.code, message: err.message };
  } finally {
    await client.end().catch(() => {});
  }
}
`,
  "src/counter.ts": `
import { Kysely } from "kysely";
import { DataApiDialect } from "kysely-data-api";
import { RDSData } from "@aws-sdk/client-rds-data";
import { RDS } from "sst/node/rds";

const db = new Kysely<any>({
  dialect: new DataApiDialect({
    mode: "postgres",
    driver: { database: RDS.Db.defaultDatabaseName, secretArn: RDS.Db.secretArn, resourceArn: RDS.Db.clusterArn, client: new RDSData({}) },
  }),
});

export async function handler() {
  const record = await db.selectFrom("tblcounter").select("tally").where("counter", "=", "hits").executeTakeFirstOrThrow();
  const tally = record.tally + 1;
  await db.transaction().execute((tx) => tx.updateTable("tblcounter").set({ tally }).where("counter", "=", "hits").execute());
  return { statusCode: 200, body: String(tally) };
}
`,
});

const app = useLocalApp(files);
/** The first case's deployed outputs, for the later ones. */
let outputs: Record<string, string> = {};

function template(result: { assemblyDir: string }): any {
  return JSON.parse(fs.readFileSync(path.join(result.assemblyDir, "dev-rest-app-Rest.template.json"), "utf8"));
}

function migrationResource(t: any): any {
  return Object.values<any>(t.Resources).find((r) => r.Type === "Custom::SSTScript" && "MigrationsHash" in r.Properties).Properties;
}

async function invoke(cloud: TestCloud["cloud"], name: string): Promise<any> {
  const out = await cloud.lambda.call("Invoke", { FunctionName: name, Payload: Buffer.from("{}") });
  return { error: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8")) };
}

async function waitForStack(name: string): Promise<void> {
  for (;;) {
    const s = (await app.cloud.cloudformation.call("DescribeStacks", { StackName: name })).Stacks[0];
    if (!s.StackStatus.endsWith("IN_PROGRESS")) {
      if (s.StackStatus !== "CREATE_COMPLETE") {
        const events = await app.cloud.cloudformation.call("DescribeStackEvents", { StackName: name });
        throw new Error(events.StackEvents.map((e: any) => e.ResourceStatusReason ?? "").join("\n"));
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("RDS", () => {
  it("a local deploy runs the migrations; a bound function queries with kysely over the Data API; the data outlives a restart", { timeout: 300_000 }, async () => {
    const result = await synthForLocal(app.dir);
    const migration = migrationResource(template(result));
    assert.ok(migration.UserCreateFunction && migration.UserUpdateFunction, "a local deploy runs the migrator, as an AWS deploy does");
    assert.match(migration.MigrationsHash, /^[0-9a-f]{32}$/);
    assert.match(result.notices!.find((n) => n.construct === 'RDS "Db"')!.local, /PostgreSQL \(PGlite\)/);
    outputs = await deploySynthesized(app.cloud, result, "dev-rest-app-Rest");
    assert.equal(outputs.DbArn, "arn:aws:rds:us-east-1:000000000000:cluster:dev-rest-app-db");
    assert.match(outputs.DbSecret, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:.+-[A-Za-z0-9]{6}$/);

    // The secret is CloudFormation's generated one, with the cluster's connection fields attached.
    const secret = JSON.parse((await app.cloud.secretsmanager.call("GetSecretValue", { SecretId: outputs.DbSecret })).SecretString);
    assert.equal(secret.username, "postgres");
    assert.equal(secret.password.length, 30);
    assert.deepEqual([secret.engine, secret.host, secret.dbClusterIdentifier], ["postgres", "127.0.0.1", "dev-rest-app-db"]);
    assert.ok(Number.isInteger(secret.port) && secret.port > 0, "the port of the cluster's local Postgres endpoint");

    assert.deepEqual(await invoke(app.cloud, outputs.CounterFn), { error: undefined, payload: { statusCode: 200, body: "1" } });
    assert.deepEqual(await invoke(app.cloud, outputs.CounterFn), { error: undefined, payload: { statusCode: 200, body: "2" } });

    // Without bind there is no rds-data permission: AWS's AccessDeniedException reaches the function.
    const denied = await invoke(app.cloud, outputs.UnboundFn);
    assert.equal(denied.error, "Unhandled");
    assert.equal(denied.payload.errorType, "AccessDeniedException");
    assert.match(denied.payload.errorMessage, /is not authorized to perform: rds-data:ExecuteStatement on resource: arn:aws:rds:us-east-1:000000000000:cluster:dev-rest-app-db/);

    // The Console lists the migrations and applies them through the migrator, as under sst dev.
    const consoleApp = await startConsole(app.cloud as any, { app: "rest-app", stage: "dev", ssmPrefix: "/sst/rest-app/dev/" });
    try {
      const api = async (method: string, route: string, body?: unknown) => {
        const res = await fetch(`${consoleApp.origin}/api/${route}`, {
          method, headers: { authorization: `Bearer ${consoleApp.token}`, "x-sst-console": "1", "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, json: await res.json() };
      };
      const { json: { databases } } = await api("GET", "rds/databases");
      assert.deepEqual(databases.map((d: any) => [d.id, d.clusterArn, d.defaultDatabaseName, !!d.migrator]), [["Db", outputs.DbArn, "CounterDB", true]]);
      const listed = await api("GET", "rds/migrations?id=Db");
      assert.equal(listed.json.migrations.length, 1);
      assert.equal(listed.json.migrations[0].name, "first");
      assert.ok(listed.json.migrations[0].executedAt, "the deploy applied it");
      assert.deepEqual((await api("POST", "rds/migrate", { id: "Db", to: "" })).json.results.map((r: any) => [r.migrationName, r.direction, r.status]), [["first", "Down", "Success"]]);
      assert.equal((await api("POST", "rds/query", { id: "Db", sql: "SELECT * FROM tblcounter" })).json.error.code, "DatabaseErrorException");
      assert.deepEqual((await api("POST", "rds/migrate", { id: "Db" })).json.results.map((r: any) => [r.migrationName, r.direction, r.status]), [["first", "Up", "Success"]]);
      await api("POST", "rds/query", { id: "Db", sql: "UPDATE tblcounter SET tally = 2" });
      assert.deepEqual((await api("POST", "rds/query", { id: "Db", sql: "SELECT tally FROM tblcounter" })).json.rows, [{ tally: 2 }]);
    } finally {
      await consoleApp.close();
    }

    // The kysely migration record is in the database, and the count survives the cloud restarting.
    await app.restartCloud();
    const rows = await app.cloud.rdsdata.call("ExecuteStatement", {
      resourceArn: outputs.DbArn, secretArn: outputs.DbSecret, database: "CounterDB",
      sql: "SELECT name FROM kysely_migration UNION ALL SELECT tally::text FROM tblcounter", formatRecordsAs: "JSON",
    });
    assert.deepEqual(JSON.parse(rows.formattedRecords), [{ name: "first" }, { name: "2" }]);
  });

  it("functions connect over the Postgres wire protocol with pg: from the bound secret and from clusterEndpoint; no IAM, the password decides", { timeout: 120_000 }, async () => {
    assert.ok(outputs.VisitFn, "the first case deployed the app");
    const invokeOk = async (name: string, event: unknown = {}) => {
      const out = await app.cloud.lambda.call("Invoke", { FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) });
      const payload = JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8"));
      assert.equal(out.FunctionError, undefined, JSON.stringify(payload));
      return payload;
    };
    const secret = JSON.parse((await app.cloud.secretsmanager.call("GetSecretValue", { SecretId: outputs.DbSecret })).SecretString);
    assert.deepEqual(await invokeOk(outputs.VisitFn), { n: 1, host: "127.0.0.1" });
    // No bind, no IAM policy for the cluster: the password is what counts, as on AWS.
    assert.deepEqual(await invokeOk(outputs.PlainFn!, { user: secret.username, password: secret.password }), { n: 2, host: "127.0.0.1", port: String(secret.port) });
    assert.deepEqual(await invokeOk(outputs.PlainFn!, { user: secret.username, password: "guess" }), { code: "28P01", message: `password authentication failed for user "${secret.username}"` });
    const rows = await app.cloud.rdsdata.call("ExecuteStatement", {
      resourceArn: outputs.DbArn, secretArn: outputs.DbSecret, database: "CounterDB", sql: "SELECT n, note FROM visits ORDER BY n", formatRecordsAs: "JSON",
    });
    assert.deepEqual(JSON.parse(rows.formattedRecords), [{ n: 1, note: "via the secret" }, { n: 2, note: "via the endpoint" }]);
  });

  it("a MySQL cluster synthesizes for AWS; a local deploy fails naming the construct, the prop and the file", { timeout: 120_000 }, async () => {
    const mysql = writeApp({ ...files, "stacks/Rest.ts": `
import { RDS, StackContext } from "sst/constructs";
export function Rest({ stack }: StackContext) {
  new RDS(stack, "Legacy", { engine: "mysql5.7", defaultDatabaseName: "acme" });
}
` });
    try {
      const project = await loadProject({ cwd: mysql, stage: "dev" });
      const forAws = await synth(project, { mode: "deploy" });
      const cluster = Object.values<any>(template(forAws).Resources).find((r) => r.Type === "AWS::RDS::DBCluster");
      assert.equal(cluster.Properties.Engine, "aurora-mysql");
      await assert.rejects(synth(project, { mode: "deploy", target: "local" }), /RDS "Legacy" \(stacks\/Rest\.ts:4:\d+\)[^]*engine[^]*"mysql5\.7" cannot run in the local cloud/);
      // A raw CDK MySQL cluster reaches the engine, whose deploy fails naming the resource.
      const raw = template(forAws);
      const failing = { ...raw, Parameters: undefined, Rules: undefined, Outputs: undefined, Resources: Object.fromEntries(Object.entries<any>(raw.Resources).filter(([, r]) => !r.Type.startsWith("Custom::") && r.Type !== "AWS::Lambda::Function")) };
      await assert.rejects(
        app.cloud.cloudformation.call("CreateStack", { StackName: "raw-mysql", TemplateBody: JSON.stringify(failing), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"] }).then(() => waitForStack("raw-mysql")),
        /Engine "aurora-mysql" cannot run in the local cloud/,
      );
    } finally {
      removeApp(mysql);
    }
  });
});
