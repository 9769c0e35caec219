/**
 * Drizzle ORM's `aws-data-api/pg` driver (the one SST v2's nextjs-rds-drizzle example
 * uses, at its version 0.29) against the local Data API: the example's `users` schema and
 * migration SQL, its route's `db.select().from(users)`, inserts with `returning`, filters,
 * updates, deletes, the relational query API, and the type hints drizzle sends for uuid,
 * timestamp, json and numeric columns.
 *
 * Not here: drizzle 0.29's `migrate()` and `db.transaction()`. That version sends the
 * statements inside a transaction without its `transactionId` (its `PgDatabase.execute`
 * passes no id to the session), so on Aurora they run in autocommit on another
 * connection; the local cluster is one Postgres session, where they wait for the open
 * transaction and fail after 45 s (docs/local-cloud.md, "Transactions").
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { drizzle } from "drizzle-orm/aws-data-api/pg";
import { boolean, jsonb, numeric, pgTable, serial, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";

// SST v2's examples/nextjs-rds-drizzle: packages/web/drizzle/schema.ts and its first migration.
const users = pgTable("users", { id: serial("id"), fullName: text("full_name") });
const MIGRATION = `CREATE TABLE IF NOT EXISTS "users" (\n\t"id" serial NOT NULL,\n\t"full_name" text\n);`;

const events = pgTable("events", {
  id: uuid("id").primaryKey(),
  at: timestamp("at").notNull(),
  payload: jsonb("payload").$type<{ kind: string; n: number }>(),
  amount: numeric("amount"),
  done: boolean("done").notNull().default(false),
});

let tc: TestCloud;
let client: RDSDataClient;
let db: ReturnType<typeof drizzle<{ users: typeof users; events: typeof events }>>;

before(async () => {
  tc = await startTestCloud();
  const resolve = (k: string) => ({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: "Secret" }, `:SecretString:${k}::}}`]] });
  const { outputs } = await deployTestStack(tc.cloud, "drizzle", {
    Resources: {
      Secret: { Type: "AWS::SecretsManager::Secret", Properties: { GenerateSecretString: { SecretStringTemplate: '{"username":"postgres"}', GenerateStringKey: "password", ExcludePunctuation: true } } },
      Cluster: { Type: "AWS::RDS::DBCluster", Properties: { Engine: "aurora-postgresql", EngineMode: "serverless", DatabaseName: "app_database", EnableHttpEndpoint: true, MasterUsername: resolve("username"), MasterUserPassword: resolve("password") } },
    },
    Outputs: { Cluster: { Value: { "Fn::GetAtt": ["Cluster", "DBClusterArn"] } }, Secret: { Value: { Ref: "Secret" } } },
  });
  client = new RDSDataClient(tc.clientConfig);
  // As the example's packages/web/drizzle/db.ts makes it.
  db = drizzle(client, { database: "app_database", secretArn: outputs.Secret!, resourceArn: outputs.Cluster!, schema: { users, events } });
  await db.execute(sql.raw(MIGRATION));
  await db.execute(sql`CREATE TABLE events (id uuid PRIMARY KEY, at timestamp NOT NULL, payload jsonb, amount numeric, done boolean NOT NULL DEFAULT false)`);
});
after(async () => {
  client?.destroy();
  await tc?.stop();
});

test("the example's users table: insert returning, the route's select, filters, update, delete", async () => {
  assert.deepEqual(await db.insert(users).values({ fullName: "Ada Lovelace" }).returning(), [{ id: 1, fullName: "Ada Lovelace" }]);
  await db.insert(users).values([{ fullName: "Grace Hopper" }, { fullName: null }]);
  // packages/web/app/api/users/route.ts
  assert.deepEqual(await db.select().from(users), [
    { id: 1, fullName: "Ada Lovelace" }, { id: 2, fullName: "Grace Hopper" }, { id: 3, fullName: null },
  ]);
  assert.deepEqual(await db.select({ id: users.id }).from(users).where(and(gt(users.id, 1), isNull(users.fullName))), [{ id: 3 }]);
  assert.deepEqual(await db.update(users).set({ fullName: "Grace B. Hopper" }).where(eq(users.id, 2)).returning({ name: users.fullName }), [{ name: "Grace B. Hopper" }]);
  await db.delete(users).where(isNull(users.fullName));
  assert.deepEqual(await db.query.users.findMany({ orderBy: [desc(users.id)] }), [{ id: 2, fullName: "Grace B. Hopper" }, { id: 1, fullName: "Ada Lovelace" }]);
  assert.deepEqual(await db.query.users.findFirst({ where: eq(users.fullName, "Ada Lovelace") }), { id: 1, fullName: "Ada Lovelace" });
});

test("uuid, timestamp, jsonb, numeric and boolean columns through drizzle's type hints", async () => {
  const id = "0b5d5f3c-7f1e-4c7a-9a55-1f3b2f4e6d7a";
  const at = new Date("2024-05-06T07:08:09.123Z");
  await db.insert(events).values({ id, at, payload: { kind: "signup", n: 2 }, amount: "12.50" });
  const [row] = await db.select().from(events).where(eq(events.id, id));
  assert.deepEqual(row, { id, at, payload: { kind: "signup", n: 2 }, amount: "12.50", done: false });
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(events).where(sql`${events.payload}->>'kind' = ${"signup"}`);
  assert.equal(counted!.n, 1);
});
