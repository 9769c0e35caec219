/**
 * tests/fixtures/user-notify-app: an app written from SST v2's docs — a WebSocketApi
 * whose $connect is guarded by a Lambda authorizer (token in the query string, its
 * context read by $connect), a `$default` route answering with `returnResponse`, a
 * Table of connections with a global index and TTL, and an HTTP Api route whose
 * notification goes through a Queue to a consumer that pushes it to the user's
 * connections through the bound WebSocketApi's URL (`sst/node/websocket-api`). Its
 * template is compared with SST v2's and deployed in packages/sst/src/constructs/parity.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { DynamoDBClient, DescribeTimeToLiveCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { startDev, type RunningApp } from "./helpers/generated-app.js";
import { eventually, readOutputs } from "./helpers/outputs.js";
import { nextMessage, openWebSocket } from "./helpers/websocket-client.js";

describe("a user's WebSocket notifications app (Lambda authorizer, Table, Queue → postToConnection)", () => {
  let app: string;
  let running: RunningApp;
  let out: Record<string, string>;
  let ddb: DynamoDBClient;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "user-notify-app"), "user-notify-app");
    running = await startDev(app, "dev");
    out = Object.values(readOutputs(app))[0]!;
    ddb = new DynamoDBClient({ endpoint: new URL(out.ApiEndpoint!).origin, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  });
  after(async () => {
    ddb?.destroy();
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  const connections = async () => ((await ddb.send(new ScanCommand({ TableName: out.ConnectionsTable }))).Items ?? []).map((i) => i.user!.S).sort();

  test("the authorizer refuses a bad token (403) and lets a user in, whose connection is stored with the user from its context", async () => {
    await assert.rejects(openWebSocket(`${out.SocketUrl}?token=nobody`), /403/);
    await assert.rejects(openWebSocket(out.SocketUrl!), /401/, "no token: the identity source is missing");
    const ws = await openWebSocket(`${out.SocketUrl}?token=user-ada`);
    try {
      await eventually(async () => assert.deepEqual(await connections(), ["ada"]), 30_000);
      const echo = nextMessage(ws);
      ws.send("hi");
      assert.deepEqual(JSON.parse(await echo), { echo: "hi" });
    } finally {
      ws.close();
    }
    await eventually(async () => assert.deepEqual(await connections(), []), 30_000);
    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: out.ConnectionsTable }));
    assert.deepEqual([ttl.TimeToLiveDescription?.TimeToLiveStatus, ttl.TimeToLiveDescription?.AttributeName], ["ENABLED", "expiresAt"]);
  });

  test("a notification posted to the Api reaches the user's two connections through the queue, and not another user's", async () => {
    const [ada1, ada2, bob] = await Promise.all(["ada", "ada", "bob"].map((u) => openWebSocket(`${out.SocketUrl}?token=user-${u}`)));
    try {
      await eventually(async () => assert.deepEqual(await connections(), ["ada", "ada", "bob"]), 30_000);
      let bobGot: string | undefined;
      bob!.on("message", (m) => (bobGot = m.toString()));
      const toAda = [nextMessage(ada1!), nextMessage(ada2!)];
      const res = await fetch(`${out.ApiEndpoint}/notify/ada`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "your order shipped" }) });
      assert.equal(res.status, 202, await res.text());
      for (const m of await Promise.all(toAda)) assert.deepEqual(JSON.parse(m), { text: "your order shipped" });
      assert.equal(bobGot, undefined);
    } finally {
      for (const ws of [ada1, ada2, bob]) ws?.close();
    }
  });
});
