/**
 * A local cluster over the Postgres wire protocol, with the real `pg` client: a cluster
 * CloudFormation made as CDK writes one (generated secret + attachment), its
 * `Endpoint.Address`/`Endpoint.Port` and the secret's `host`/`port` pointing at
 * 127.0.0.1, SCRAM authentication with the master credentials (a wrong password is
 * 28P01), queries and transactions, two clients at once (a transaction runs alone; the
 * other waits and never sees its uncommitted rows), per-connection settings and prepared
 * statements, the Data API and the wire seeing the same rows and waiting for each other's
 * transactions, and the data surviving a restart of the cloud.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { RDSDataClient, ExecuteStatementCommand, BeginTransactionCommand, CommitTransactionCommand } from "@aws-sdk/client-rds-data";
import { Kysely, PostgresDialect, sql } from "kysely";
import { drizzle } from "drizzle-orm/node-postgres";
import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { eq } from "drizzle-orm";
import { startTestCloud, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-wire-test-"));
let tc: TestCloud;
let outputs: Record<string, string>;
let secret: { username: string; password: string; host: string; port: number; dbClusterIdentifier: string };
const clients: pg.Client[] = [];

const TEMPLATE = {
  Resources: {
    DbSecret: {
      Type: "AWS::SecretsManager::Secret",
      Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"clusteradmin"}', GenerateStringKey: "password", PasswordLength: 30, ExcludeCharacters: " %+~`#$&*()|[]{}:;<>?!'/@\"\\" } },
    },
    Db: {
      Type: "AWS::RDS::DBCluster",
      Properties: {
        Engine: "aurora-postgresql", DatabaseName: "shop", DBClusterIdentifier: "wire-db", EnableHttpEndpoint: true, Port: 5432,
        MasterUsername: { "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "DbSecret" }, ":SecretString:username::}}"]] },
        MasterUserPassword: { "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "DbSecret" }, ":SecretString:password::}}"]] },
      },
    },
    Attach: { Type: "AWS::SecretsManager::SecretTargetAttachment", Properties: { SecretId: { Ref: "DbSecret" }, TargetId: { Ref: "Db" }, TargetType: "AWS::RDS::DBCluster" } },
    Writer: { Type: "AWS::RDS::DBInstance", Properties: { DBClusterIdentifier: { Ref: "Db" }, Engine: "aurora-postgresql", DBInstanceClass: "db.serverless" } },
  },
  Outputs: {
    Cluster: { Value: { "Fn::GetAtt": ["Db", "DBClusterArn"] } },
    Secret: { Value: { Ref: "Attach" } },
    Host: { Value: { "Fn::GetAtt": ["Db", "Endpoint.Address"] } },
    Port: { Value: { "Fn::GetAtt": ["Db", "Endpoint.Port"] } },
    Reader: { Value: { "Fn::GetAtt": ["Db", "ReadEndpoint.Address"] } },
    WriterPort: { Value: { "Fn::GetAtt": ["Writer", "Endpoint.Port"] } },
  },
};

async function readSecret(): Promise<typeof secret> {
  return JSON.parse((await tc.cloud.secretsmanager.call("GetSecretValue", { SecretId: outputs.Secret })).SecretString);
}

/** A connected `pg` client with the secret's credentials (or `override`s). */
async function connect(override: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const client = new pg.Client({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database: "shop", ...override });
  client.on("error", () => {});
  await client.connect();
  clients.push(client);
  return client;
}

const dataApi = () => new RDSDataClient(tc.clientConfig);
const target = () => ({ resourceArn: outputs.Cluster!, secretArn: outputs.Secret!, database: "shop" });

before(async () => {
  tc = await startTestCloud({ dir });
  ({ outputs } = await deployTestStack(tc.cloud, "wire", TEMPLATE));
  secret = await readSecret();
});
after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await tc?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the cluster's endpoint attributes and the secret's host/port are its 127.0.0.1 listener", () => {
  assert.equal(outputs.Host, "127.0.0.1");
  assert.equal(outputs.Reader, "127.0.0.1");
  assert.match(outputs.Port!, /^\d+$/);
  assert.notEqual(outputs.Port, "5432", "the template's Port is AWS only: the local port is free, not fixed");
  assert.equal(outputs.WriterPort, outputs.Port, "an instance of the cluster answers at its cluster's endpoint");
  assert.deepEqual([secret.host, secret.port, secret.dbClusterIdentifier, secret.username], ["127.0.0.1", Number(outputs.Port), "wire-db", "clusteradmin"]);
});

test("pg connects with the master credentials (SCRAM) and runs queries, parameters and a transaction", async () => {
  const c = await connect();
  assert.deepEqual((await c.query("SELECT current_database() AS db, 1 + 1 AS two")).rows, [{ db: "shop", two: 2 }]);
  await c.query("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, qty int)");
  const inserted = await c.query("INSERT INTO orders (item, qty) VALUES ($1, $2), ($3, $4) RETURNING id", ["pen", 2, "ink", 5]);
  assert.deepEqual(inserted.rows, [{ id: 1 }, { id: 2 }]);
  await c.query("BEGIN");
  await c.query("UPDATE orders SET qty = qty + 1 WHERE item = $1", ["pen"]);
  await c.query("ROLLBACK");
  await c.query("BEGIN");
  await c.query("DELETE FROM orders WHERE item = 'ink'");
  await c.query("COMMIT");
  assert.deepEqual((await c.query({ text: "SELECT item, qty FROM orders ORDER BY id", rowMode: "array" })).rows, [["pen", 2]]);
  await assert.rejects(c.query("SELECT * FROM nope"), (err: any) => err.code === "42P01" && /relation "nope" does not exist/.test(err.message));
  assert.deepEqual((await c.query("SELECT 'still fine' AS s")).rows, [{ s: "still fine" }]);
});

test("a wrong password, an unknown user and an unknown database are refused as Postgres refuses them", async () => {
  await assert.rejects(connect({ password: "guess" }), (err: any) => err.code === "28P01" && err.message === 'password authentication failed for user "clusteradmin"');
  await assert.rejects(connect({ user: "nobody" }), (err: any) => err.code === "28P01" && err.message === 'password authentication failed for user "nobody"');
  await assert.rejects(connect({ database: "other" }), (err: any) => err.code === "3D000" && err.message === 'database "other" does not exist');
});

test("two clients at once: a transaction runs alone; the other waits for its commit and sees only committed rows", async () => {
  const a = await connect();
  const b = await connect();
  await a.query("CREATE TABLE IF NOT EXISTS counters (name text PRIMARY KEY, n int)");
  await a.query("BEGIN");
  await a.query("INSERT INTO counters VALUES ('a', 1)");
  let bDone = false;
  const bRead = b.query("SELECT count(*)::int AS n FROM counters").then((r) => ((bDone = true), r.rows[0].n));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(bDone, false, "b waits while a's transaction is open");
  await a.query("INSERT INTO counters VALUES ('b', 2)");
  await a.query("COMMIT");
  assert.equal(await bRead, 2, "b ran after the commit and sees both rows");
  // Autocommit statements of both clients interleave freely, none lost.
  const bump = async (c: pg.Client) => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push((await c.query("UPDATE counters SET n = n + 1 WHERE name = 'a' RETURNING n")).rows[0].n);
    return seen;
  };
  const [fromA, fromB] = await Promise.all([bump(a), bump(b)]);
  assert.deepEqual([...fromA, ...fromB].sort((x, y) => x - y), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test("session settings and prepared statements are per connection", async () => {
  const a = await connect({ application_name: "first" } as pg.ClientConfig);
  const b = await connect({ options: "-c search_path=pg_catalog,public" } as pg.ClientConfig);
  await a.query("SET TIME ZONE 'America/New_York'");
  const tz = async (c: pg.Client) => (await c.query("SELECT current_setting('TimeZone') AS tz, current_setting('application_name') AS app, current_setting('search_path') AS sp")).rows[0];
  assert.deepEqual(await tz(b), { tz: "UTC", app: "", sp: "pg_catalog,public" });
  assert.deepEqual(await tz(a), { tz: "America/New_York", app: "first", sp: "public" });
  // Both use the same statement name with different SQL.
  const [ra, rb] = await Promise.all([a.query({ name: "q", text: "SELECT $1::int * 2 AS v", values: [21] }), b.query({ name: "q", text: "SELECT $1::text || '!' AS v", values: ["hi"] })]);
  assert.deepEqual([ra.rows, rb.rows], [[{ v: 42 }], [{ v: "hi!" }]]);
  assert.deepEqual((await a.query({ name: "q", text: "SELECT $1::int * 2 AS v", values: [5] })).rows, [{ v: 10 }]);
  // A bad startup setting ends the connection with Postgres' error, at its first turn on the session.
  const bad = await connect({ options: "-c work_mem=lots" } as pg.ClientConfig);
  await assert.rejects(bad.query("SELECT 1"), (err: any) => err.code === "22023" && /invalid value for parameter "work_mem": "lots"/.test(err.message));
  // The Data API keeps its own settings (timestamps in UTC).
  const r = await dataApi().send(new ExecuteStatementCommand({ ...target(), sql: "SELECT current_setting('TimeZone') AS tz" }));
  assert.deepEqual(r.records, [[{ stringValue: "UTC" }]]);
});

test("the Data API and the wire see the same rows and wait for each other's transactions", async () => {
  const c = await connect();
  await c.query("CREATE TABLE notes (body text)");
  await c.query("INSERT INTO notes VALUES ('from the wire')");
  const rds = dataApi();
  const seen = await rds.send(new ExecuteStatementCommand({ ...target(), sql: "SELECT body FROM notes" }));
  assert.deepEqual(seen.records, [[{ stringValue: "from the wire" }]]);

  // A Data API transaction: the wire's statement waits for its commit.
  const { transactionId } = await rds.send(new BeginTransactionCommand(target()));
  await rds.send(new ExecuteStatementCommand({ ...target(), transactionId, sql: "INSERT INTO notes VALUES ('from the Data API')" }));
  let wireDone = false;
  const wireRead = c.query("SELECT count(*)::int AS n FROM notes").then((r) => ((wireDone = true), r.rows[0].n));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(wireDone, false);
  await rds.send(new CommitTransactionCommand({ resourceArn: outputs.Cluster!, secretArn: outputs.Secret!, transactionId }));
  assert.equal(await wireRead, 2);

  // A wire transaction: the Data API's statement waits for it.
  await c.query("BEGIN");
  await c.query("INSERT INTO notes VALUES ('wire tx')");
  const apiRead = rds.send(new ExecuteStatementCommand({ ...target(), sql: "SELECT count(*) AS n FROM notes" }));
  await new Promise((r) => setTimeout(r, 150));
  await c.query("COMMIT");
  assert.deepEqual((await apiRead).records, [[{ longValue: 3 }]]);
  rds.destroy();
});

test("a client that disconnects inside a transaction has it rolled back, and frees the session", async () => {
  const a = await connect();
  await a.query("CREATE TABLE drafts (t text)");
  await a.query("BEGIN");
  await a.query("INSERT INTO drafts VALUES ('lost')");
  (a as any).connection.stream.destroy();
  const b = await connect();
  assert.deepEqual((await b.query("SELECT count(*)::int AS n FROM drafts")).rows, [{ n: 0 }]);
});

test("COPY FROM STDIN is refused with feature_not_supported, and the connection goes on", async () => {
  const c = await connect();
  await assert.rejects(c.query("COPY orders (item) FROM STDIN"), (err: any) => err.code === "0A000" && /COPY FROM STDIN is not supported/.test(err.message));
  assert.deepEqual((await c.query("SELECT 1 AS one")).rows, [{ one: 1 }]);
});

test("kysely's PostgresDialect and drizzle's node-postgres driver over a pg.Pool of several connections", async () => {
  const pool = new pg.Pool({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database: "shop", max: 4 });
  try {
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    await db.schema.createTable("books").addColumn("id", "serial", (c) => c.primaryKey()).addColumn("title", "text").addColumn("stock", "integer").execute();
    await Promise.all(Array.from({ length: 8 }, (_, i) => db.insertInto("books").values({ title: `book ${i}`, stock: i }).execute()));
    await db.transaction().execute(async (tx) => {
      await tx.updateTable("books").set({ stock: sql`stock + 10` }).where("title", "=", "book 0").execute();
    });
    await assert.rejects(db.transaction().execute(async (tx) => {
      await tx.deleteFrom("books").execute();
      throw new Error("changed my mind");
    }), /changed my mind/);
    assert.equal((await db.selectFrom("books").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n, "8");

    const books = pgTable("books", { id: serial("id").primaryKey(), title: text("title"), stock: integer("stock") });
    const orm = drizzle(pool);
    assert.deepEqual(await orm.select({ stock: books.stock }).from(books).where(eq(books.title, "book 0")), [{ stock: 10 }]);
    await orm.transaction(async (tx) => {
      await tx.insert(books).values({ title: "drizzled", stock: 1 });
      await tx.update(books).set({ stock: 2 }).where(eq(books.title, "drizzled"));
    });
    assert.deepEqual(await orm.select({ stock: books.stock }).from(books).where(eq(books.title, "drizzled")), [{ stock: 2 }]);
  } finally {
    await pool.end();
  }
});

test("the data and the port survive a restart of the cloud", async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await tc.stop();
  tc = await startTestCloud({ dir });
  assert.deepEqual(await readSecret(), secret);
  const c = await connect();
  assert.deepEqual((await c.query("SELECT item FROM orders")).rows, [{ item: "pen" }]);
  assert.deepEqual((await c.query("SELECT body FROM notes ORDER BY body")).rows.map((r) => r.body), ["from the Data API", "from the wire", "wire tx"]);
});
