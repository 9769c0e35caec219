/**
 * tests/fixtures/user-tools-app: an app written from SST v2's docs — a Script whose
 * `onCreate` seeds a Table and whose `onUpdate` runs on every later deploy (its
 * `params` as the event), and a Function with `url: true` that renders a file given
 * by `copyFiles` with sharp, a native package put in the bundle by `nodejs.install`.
 * Deployed with `sst deploy --local` (twice: the second runs `onUpdate`), then
 * under `sst dev`, where the bundle is laid out as deployed (`src/thumb.mjs`, copyFiles
 * at the root), so the handler's module-relative read works the same.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { deployLocal, startDev, type RunningApp } from "./helpers/generated-app.js";
import { readOutputs } from "./helpers/outputs.js";
import { runSst } from "./helpers/sst-process.js";

const sharpInstalled = fs.existsSync(path.join(repoRoot, "node_modules", "sharp", "package.json"));
const skip = sharpInstalled ? false : "sharp is not installed in this repository's node_modules";

async function thumbnail(url: string) {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), size: res.headers.get("x-size"), png: body.subarray(1, 4).toString() === "PNG", text: body.toString() };
}

async function items(endpoint: string, table: string, pk: string) {
  const ddb = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    return (await ddb.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: pk } } }))).Items ?? [];
  } finally {
    ddb.destroy();
  }
}

describe("a user's Script + Function URL app (nodejs.install, copyFiles)", { skip }, () => {
  let app: string;
  before(() => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "user-tools-app"), "user-tools-app");
  });
  after(() => {
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("sst deploy --local twice: onCreate seeded the table on the first, onUpdate ran on the second; the URL renders the copied SVG with the installed sharp", async () => {
    const first = runSst(app, ["deploy", "--local", "--stage", "local"]);
    assert.equal(first.code, 0, first.output);
    const deployed = await deployLocal(app, "local");
    const endpoint = `http://127.0.0.1:${deployed.port}`;
    try {
      const out = Object.values(readOutputs(app))[0]!;
      assert.deepEqual((await items(endpoint, out.SettingsTable!, "thumb")).map((i) => i.value!.N), ["64"], "onCreate ran once");
      assert.deepEqual((await items(endpoint, out.SettingsTable!, "update")).map((u) => u.width!.N), ["64"], "onUpdate ran on the second deploy only, with the Script's params");
      const seeded = await thumbnail(out.ThumbUrl!);
      assert.deepEqual([seeded.status, seeded.type, seeded.png, seeded.size], [200, "image/png", true, "64x32"], seeded.text);
      const wide = await thumbnail(`${out.ThumbUrl}?w=120`);
      assert.equal(wide.size, "120x60");
    } finally {
      await deployed.local.stop();
    }
  });

  describe("under sst dev", () => {
    let running: RunningApp;
    before(async () => {
      running = await startDev(app, "dev");
    });
    after(async () => {
      await running?.stop();
    });

    test("the Script's onCreate runs from source when sst dev deploys the stack", async () => {
      const out = Object.values(readOutputs(app)).find((s) => s.SettingsTable?.startsWith("dev-"))!;
      const endpoint = new URL(out.ThumbUrl!).origin;
      assert.deepEqual((await items(endpoint, out.SettingsTable!, "thumb")).map((i) => i.value!.N), ["64"]);
      assert.ok(running.dev.lines.some((l) => /Invoked .*SeedonCreateFunction/.test(l)), running.dev.output);
    });

    test("the Function URL renders with sharp from source, reading the copied file next to its bundle as deployed", async () => {
      const out = Object.values(readOutputs(app)).find((s) => s.SettingsTable?.startsWith("dev-"))!;
      const res = await thumbnail(`${out.ThumbUrl}?w=32`);
      assert.deepEqual([res.status, res.size], [200, "32x16"], res.text);
    });
  });
});
