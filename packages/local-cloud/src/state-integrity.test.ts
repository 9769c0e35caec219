/**
 * A damaged state directory stops the start, naming the file and the way back; it never
 * starts silently empty beside state that refers to what was lost.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { startTestCloud } from "./testing.js";
import { StateDamagedError, StateIntegrity } from "./state-integrity.js";

/** A state directory a cloud ran on, with one table holding one item. */
async function usedState(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-integrity-"));
  const tc = await startTestCloud({ dir });
  await tc.cloud.dynamodb.call("CreateTable", { TableName: "Users", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] });
  await tc.cloud.dynamodb.call("PutItem", { TableName: "Users", Item: { pk: { S: "ada" } } });
  await tc.cloud.ssm.call("PutParameter", { Name: "/secret", Type: "SecureString", Value: "s3cr3t" });
  await tc.stop();
  return dir;
}

async function refusesToStart(dir: string, file: string, problem: RegExp): Promise<void> {
  await assert.rejects(startTestCloud({ dir }), (err: any) => {
    assert.ok(err instanceof StateDamagedError, String(err?.stack ?? err));
    assert.equal(err.file, file);
    assert.match(err.message, problem);
    assert.ok(err.message.includes(file));
    assert.match(err.message, /sst dev --reset/);
    return true;
  });
  fs.rmSync(dir, { recursive: true, force: true });
}

describe("a damaged state directory stops the start", () => {
  test("a deleted database that the rest of the state refers to", async () => {
    const dir = await usedState();
    const file = path.join(dir, "dynamodb.sqlite");
    fs.rmSync(file);
    await assert.rejects(startTestCloud({ dir }), StateDamagedError);
    // Nothing was recreated in its place.
    assert.equal(fs.existsSync(file), false);
    await refusesToStart(dir, file, /is missing/);
  });

  test("an emptied database", async () => {
    const dir = await usedState();
    const file = path.join(dir, "dynamodb.sqlite");
    fs.truncateSync(file, 0);
    fs.rmSync(`${file}-wal`, { force: true });
    await refusesToStart(dir, file, /is empty/);
  });

  test("a database whose header is not SQLite's", async () => {
    const dir = await usedState();
    const file = path.join(dir, "sqs.sqlite");
    fs.writeFileSync(file, "this is not a database at all, just some text that got written here by mistake");
    await refusesToStart(dir, file, /is not a SQLite database/);
  });

  test("a database with damaged pages fails SQLite's quick_check", async () => {
    const dir = await usedState();
    const file = path.join(dir, "dynamodb.sqlite");
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte header, scribble over every page after the first.
    for (let i = 4096 + 8; i < bytes.length; i += 97) bytes[i] = (bytes[i]! + 77) & 0xff;
    fs.writeFileSync(file, bytes);
    fs.rmSync(`${file}-wal`, { force: true });
    await refusesToStart(dir, file, /corrupt|integrity check|not a SQLite database/);
  });

  test("a database replaced by an empty one", async () => {
    const dir = await usedState();
    const file = path.join(dir, "dynamodb.sqlite");
    fs.rmSync(file);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    new Database(file).close();
    fs.writeFileSync(file, fs.readFileSync(file)); // a valid, table-less SQLite file
    await refusesToStart(dir, file, /lost its tables|is empty/);
  });

  test("a data directory emptied (the SecureString key gone)", async () => {
    const dir = await usedState();
    fs.rmSync(path.join(dir, "ssm", "secure-string.key"));
    await refusesToStart(dir, path.join(dir, "ssm"), /is empty/);
  });

  test("state written by a newer local cloud", async () => {
    const dir = await usedState();
    const manifest = path.join(dir, "state.json");
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, "utf8")), format: 99 }));
    await refusesToStart(dir, manifest, /newer local cloud \(state format 99/);
  });
});

describe("healthy state starts as before", () => {
  test("after a clean stop, only databases changed since are quick_check-ed again", async () => {
    const dir = await usedState();
    const open = (file: string) => new Database(file);
    const checkedAtStart = (...names: string[]) => {
      const integrity = new StateIntegrity(dir);
      for (const name of names) integrity.openDatabase(name, open).close();
      return integrity.quickChecked;
    };
    assert.deepEqual(checkedAtStart("dynamodb", "sqs"), []);
    // The same bytes written again (a copy, a restore): no longer the file that was checked.
    const sqs = path.join(dir, "sqs.sqlite");
    fs.writeFileSync(sqs, fs.readFileSync(sqs));
    assert.deepEqual(checkedAtStart("dynamodb", "sqs"), ["sqs"]);
    // A WAL left beside an unchanged file (a crash before it was folded in) is checked too.
    const dynamodb = path.join(dir, "dynamodb.sqlite");
    fs.writeFileSync(`${dynamodb}-wal`, "");
    assert.deepEqual(checkedAtStart("dynamodb"), ["dynamodb"]);
    fs.rmSync(`${dynamodb}-wal`, { force: true }); // closing the database removed it already
    // A state directory with no record of a clean stop checks everything.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    assert.ok(manifest.closed?.dynamodb, "the clean stop recorded the database's identity");
    delete manifest.closed;
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(manifest));
    assert.deepEqual(checkedAtStart("dynamodb"), ["dynamodb"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a restart keeps everything, and a directory from before state.json is adopted", async () => {
    const dir = await usedState();
    fs.rmSync(path.join(dir, "state.json"));
    const tc = await startTestCloud({ dir });
    try {
      const got = await tc.cloud.dynamodb.call("GetItem", { TableName: "Users", Key: { pk: { S: "ada" } } });
      assert.deepEqual(got.Item, { pk: { S: "ada" } });
      const secret = await tc.cloud.ssm.call("GetParameter", { Name: "/secret", WithDecryption: true });
      assert.equal(secret.Parameter.Value, "s3cr3t");
    } finally {
      await tc.stop();
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    assert.ok(manifest.databases.includes("dynamodb"));
    assert.ok(manifest.directories.includes("ssm"));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
