/**
 * kill -9 while concurrent writes are in flight over HTTP: every write a client saw
 * acknowledged is there after restart (writes are group-committed, and answered only
 * after their COMMIT). Counters: the stored value is at least the acknowledged ADDs and
 * at most the ADDs sent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { LocalCloud } from "../../cloud.js";
import { ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY } from "../../types.js";

test("kill -9 under concurrent HTTP writes loses no acknowledged write", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-kill-"));
  const script = `
    import { LocalCloud } from ${JSON.stringify(new URL("../../cloud.ts", import.meta.url).href)};
    const cloud = await LocalCloud.start({ dir: ${JSON.stringify(dir)}, port: 0 });
    await cloud.dynamodb.call("CreateTable", { TableName: "Kill", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
    console.log("PORT " + cloud.port);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c) => {
        out += c;
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", () => reject(new Error(`server exited early: ${out}`)));
    });
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: ADMIN_SECRET_ACCESS_KEY }, maxAttempts: 1 });
    const acked = new Set<string>();
    let addsAcked = 0;
    let addsSent = 0;
    let stop = false;
    let next = 0;
    const writer = async () => {
      while (!stop) {
        const id = `k${next++}`;
        try {
          if (next % 4 === 0) {
            addsSent++;
            await client.send(new UpdateItemCommand({ TableName: "Kill", Key: { id: { S: "counter" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } }));
            addsAcked++;
          } else {
            await client.send(new PutItemCommand({ TableName: "Kill", Item: { id: { S: id }, v: { S: "x".repeat(50) } } }));
            acked.add(id);
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 32 }, writer);
    // Let writes flow, then kill the server in the middle of them.
    while (acked.size < 400) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    assert.equal(await exited, "SIGKILL");
    client.destroy();

    const cloud = await LocalCloud.start({ dir, port: 0 });
    try {
      const found = new Set<string>();
      let ExclusiveStartKey: any;
      do {
        const page = await cloud.dynamodb.call("Scan", { TableName: "Kill", ExclusiveStartKey });
        for (const it of page.Items) found.add(it.id.S);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      const lost = [...acked].filter((id) => !found.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged writes lost`);
      const counter = Number((await cloud.dynamodb.call("GetItem", { TableName: "Kill", Key: { id: { S: "counter" } } })).Item?.n?.N ?? 0);
      assert.ok(counter >= addsAcked && counter <= addsSent, `counter ${counter}, acknowledged ${addsAcked}, sent ${addsSent}`);
    } finally {
      await cloud.stop();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
