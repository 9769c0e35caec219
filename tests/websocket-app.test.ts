/**
 * A WebSocketApi app (SST v2's websocket example, with aws-sdk v2 as it is written) under
 * `sst dev`: its `url` output is a local `ws://` URL, two clients connect (their
 * connection ids land in the bound Table from `$connect`), a message from one is
 * broadcast to both through the management API, a gone client is pruned on its 410, and
 * a two-way route written with `WebSocketApiHandler` answers the sender.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { nextMessage as next, openWebSocket as open } from "./helpers/websocket-client.js";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { startDev, type RunningApp } from "./helpers/generated-app.js";
import { eventually, output } from "./helpers/outputs.js";

describe("WebSocketApi under sst dev", () => {
  let dir: string;
  let app: RunningApp;
  let url: string;
  let connections: () => Promise<string[]>;

  before(async () => {
    dir = copyApp(path.join(repoRoot, "tests", "fixtures", "websocket-app"), "websocket-app");
    app = await startDev(dir, "ws");
    url = output(dir, "ApiEndpoint");
    const table = output(dir, "TableName");
    const endpoint = `http://127.0.0.1:${new URL(url).port}`;
    connections = async () => {
      const ddb = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      try {
        const { Items } = await ddb.send(new ScanCommand({ TableName: table }));
        return (Items ?? []).map((i) => i.id!.S!).sort();
      } finally {
        ddb.destroy();
      }
    };
  });
  after(async () => {
    await app?.stop();
    if (!process.env.SST_TEST_KEEP && dir) removeApp(dir);
  });

  test("the url output is the API's local ws:// URL with the stage", () => {
    assert.match(url, /^ws:\/\/[a-z0-9]{10}\.execute-api\.localhost:\d+\/ws$/);
  });

  test("connect, broadcast through the management API, prune a gone client, two-way route", { timeout: 240_000 }, async () => {
    const alice = await open(url);
    const bob = await open(url);
    await eventually(async () => assert.equal((await connections()).length, 2), 60_000);

    const toAlice = next(alice);
    const toBob = next(bob);
    alice.send(JSON.stringify({ action: "sendmessage", data: "hello everyone" }));
    assert.equal(await toAlice, "hello everyone");
    assert.equal(await toBob, "hello everyone");

    // Bob leaves: $disconnect removes him from the table.
    bob.close();
    await eventually(async () => assert.equal((await connections()).length, 1), 60_000);

    const whoami = next(alice);
    alice.send(JSON.stringify({ action: "whoami" }));
    const answer = await whoami;
    assert.match(answer, /^you are [A-Za-z0-9]{15}=$/);
    assert.deepEqual(await connections(), [answer.slice("you are ".length)]);
    alice.close();
  });
});
