/**
 * The connection strings `sst dev` prints for the local Postgres clusters: URL-encoded
 * credentials and database, each cluster once (again only if its endpoint moved).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectionString, newDatabaseLines, type LocalDatabase } from "./database-urls.js";

const db: LocalDatabase = { arn: "arn:aws:rds:us-east-1:000000000000:cluster:dev-app-db", identifier: "dev-app-db", database: "My DB", username: "postgres", password: "p@ss:w/rd", host: "127.0.0.1", port: 40123 };

test("the connection string encodes the credentials and the database", () => {
  assert.equal(connectionString(db), "postgresql://postgres:p%40ss%3Aw%2Frd@127.0.0.1:40123/My%20DB");
  assert.deepEqual(new URL(connectionString(db)).password, "p%40ss%3Aw%2Frd");
});

test("each cluster is printed once; again only when its endpoint changed", () => {
  const printed = new Set<string>();
  assert.deepEqual(newDatabaseLines([db], printed), ["   Postgres dev-app-db: postgresql://postgres:p%40ss%3Aw%2Frd@127.0.0.1:40123/My%20DB"]);
  assert.deepEqual(newDatabaseLines([db], printed), []);
  const other = { ...db, arn: db.arn.replace("dev-app-db", "dev-app-two"), identifier: "dev-app-two", database: "two" };
  assert.deepEqual(newDatabaseLines([db, other], printed).length, 1);
  assert.deepEqual(newDatabaseLines([{ ...db, port: 40124 }], printed), ["   Postgres dev-app-db: postgresql://postgres:p%40ss%3Aw%2Frd@127.0.0.1:40124/My%20DB"]);
});
