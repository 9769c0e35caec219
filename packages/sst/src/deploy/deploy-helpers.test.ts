import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { formatOutputs, readOutputs, writeOutputs } from "./outputs.js";
import { selectStacks } from "./local.js";
import { findLiveServer, findSiblingServerOnPort, portFree, readServerInfo, removeServerInfo, writeServerInfo } from "./server-file.js";
import { envNameForParameter } from "./bind-env.js";
import { parseDotenv, secretParameterName } from "./secrets.js";

let dir: string;
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-deploy-"))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("outputs.json", () => {
  it("replaces on a full deploy, merges on a partial one, drops removed stacks", () => {
    const file = path.join(dir, "outputs.json");
    writeOutputs(file, { A: { Url: "a" }, B: { X: "1" } });
    writeOutputs(file, { B: { X: "2" } }, { merge: true });
    assert.deepEqual(readOutputs(file), { A: { Url: "a" }, B: { X: "2" } });
    writeOutputs(file, {}, { removed: ["A"] });
    assert.deepEqual(readOutputs(file), { B: { X: "2" } });
    writeOutputs(file, { C: { Y: "3" } });
    assert.deepEqual(readOutputs(file), { C: { Y: "3" } });
  });
  it("formats stacks with aligned keys", () => {
    assert.deepEqual(formatOutputs({ S: { Long: "1", K: "2" } }), ["   S", "     K:    2", "     Long: 1"]);
  });
});

describe("selectStacks", () => {
  const synth = { assemblyDir: "", functions: {}, stacks: [{ id: "dev-app-API", stackName: "dev-app-API", dependencies: [] }, { id: "dev-app-DB", stackName: "dev-app-DB", dependencies: [] }] };
  it("all, by the app's stack id, by name, or a clear error", () => {
    assert.deepEqual(selectStacks(synth), ["dev-app-API", "dev-app-DB"]);
    assert.deepEqual(selectStacks(synth, "DB"), ["dev-app-DB"]);
    assert.deepEqual(selectStacks(synth, "dev-app-API"), ["dev-app-API"]);
    assert.throws(() => selectStacks(synth, "Nope"), /No stack matches "Nope". Stacks: dev-app-API, dev-app-DB/);
  });
});

describe("server.json", () => {
  it("is found only when its process is alive and its port answers", async () => {
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as net.AddressInfo).port;
    writeServerInfo(dir, { pid: process.pid, port, endpoint: `http://127.0.0.1:${port}` });
    assert.equal((await findLiveServer(dir))?.port, port);
    assert.equal(await portFree(port), false);
    await new Promise((r) => server.close(r));
    assert.equal(await findLiveServer(dir), undefined, "port closed → stale");
    assert.equal(await portFree(port), true);
    writeServerInfo(dir, { pid: 2 ** 22 + 12345, port, endpoint: "x" });
    assert.equal(await findLiveServer(dir), undefined, "dead pid → stale");
    removeServerInfo(dir, 1);
    assert.ok(readServerInfo(dir), "only the owner removes it");
    removeServerInfo(dir, 2 ** 22 + 12345);
    assert.equal(readServerInfo(dir), undefined);
  });

  it("finds another stage's dev server by port", async () => {
    const local = path.join(dir, "local");
    writeServerInfo(path.join(local, "alice"), { pid: process.pid, port: 4570, endpoint: "http://127.0.0.1:4570", stage: "alice" });
    writeServerInfo(path.join(local, "bob"), { pid: 2 ** 22 + 1, port: 4571, endpoint: "http://127.0.0.1:4571", stage: "bob" });
    assert.equal((await findSiblingServerOnPort(local, 4570))?.stage, "alice");
    assert.equal(await findSiblingServerOnPort(local, 4571), undefined, "dead process");
    assert.equal(await findSiblingServerOnPort(path.join(dir, "nope"), 4570), undefined);
  });
});

describe("bind environment names and secrets paths", () => {
  it("maps {prefix}{Type}/{id}/{prop} to SST_{Type}_{prop}_{id}", () => {
    const p = "/sst/my-app/dev/";
    assert.equal(envNameForParameter("/sst/my-app/dev/Table/Users/tableName", p), "SST_Table_tableName_Users");
    assert.equal(envNameForParameter("/sst/my-app/dev/Secret/STRIPE_KEY/value", p), "SST_Secret_value_STRIPE_KEY");
    assert.equal(envNameForParameter("/sst/my-app/dev/Bucket/my-uploads/bucketName", p), "SST_Bucket_bucketName_my_uploads");
    assert.equal(envNameForParameter("/sst/my-app/dev/odd", p), undefined);
    assert.equal(envNameForParameter("/other/Table/Users/tableName", p), undefined);
  });
  it("puts secrets where SST v2 does", () => {
    const scope = { app: "my-app", ssmPrefix: "/sst/my-app/dev/" };
    assert.equal(secretParameterName(scope, "K"), "/sst/my-app/dev/Secret/K/value");
    assert.equal(secretParameterName(scope, "K", true), "/sst/my-app/.fallback/Secret/K/value");
  });
  it("parses dotenv files", () => {
    assert.deepEqual(parseDotenv(`# c\nA=1\nexport B = "x y"\nC='z=1' \nD=a=b # note\nE="l1\\nl2"\n\n`), { A: "1", B: "x y", C: "z=1", D: "a=b", E: "l1\nl2" });
    assert.throws(() => parseDotenv("A=1\nnot a line"), /Line 2: expected KEY=VALUE/);
  });
});
