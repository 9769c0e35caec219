/**
 * A Service under `sst dev`, as a user runs it: its `dev.command` (a small node HTTP
 * server) runs on this machine with the service's bindings — a Config parameter read
 * through `sst/node/config`, a table written through the AWS SDK with the credentials
 * of the service's role — a function bound to the service gets `dev.url` as
 * `Service.Web.url`, `sst bind` in the service's folder gives a command the same, and
 * stopping `sst dev` stops the server.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { readServerInfo } from "../deploy/server-file.js";
import { NO_AWS_CREDENTIALS } from "../../../../tests/helpers/sst-process.js";
import { isRunning } from "../../../../tests/helpers/process-state.js";

const BIN = fileURLToPath(new URL("../../bin/sst.mjs", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let app: string;
let port: number;

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
  fs.writeFileSync(path.join(app, rel), text);
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}


describe("sst dev with a Service", () => {
  let dev: ChildProcess | undefined;
  let out = "";
  let exited: Promise<number | null>;

  async function waitFor(re: RegExp, timeoutMs = 90_000): Promise<void> {
    const t0 = Date.now();
    while (!re.test(out)) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; output:\n${out}`);
      if (dev!.exitCode !== null) throw new Error(`sst dev exited (${dev!.exitCode}) before ${re}; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  before(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-service-"));
    fs.symlinkSync(NODE_MODULES, path.join(app, "node_modules"));
    port = await freePort();
    write("sst.config.ts", `import type { SSTConfig } from "sst";
import { Web } from "./stacks/Web";
export default {
  config() { return { name: "svcdev", region: "us-east-1" }; },
  stacks(app) { app.stack(Web); },
} satisfies SSTConfig;
`);
    write("stacks/Web.ts", `import { StackContext, Service, Function, Config, Table } from "sst/constructs";
export function Web({ stack }: StackContext) {
  const GREETING = new Config.Parameter(stack, "GREETING", { value: "hello from config" });
  const visits = new Table(stack, "Visits", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const service = new Service(stack, "Web", {
    path: "web",
    port: 3000,
    bind: [GREETING, visits],
    environment: { PORT: "${port}" },
    dev: { url: "http://127.0.0.1:${port}", command: "node --import tsx server.mjs" },
  });
  const fn = new Function(stack, "ReadUrl", { handler: "src/url.handler", bind: [service] });
  stack.addOutputs({ FnName: fn.functionName, TableName: visits.tableName });
}
`);
    write("web/Dockerfile", "FROM node:20-alpine\nCOPY . .\nCMD [\"node\", \"server.mjs\"]\n");
    write("web/server.mjs", `import http from "node:http";
import { Config } from "sst/node/config";
import { Table } from "sst/node/table";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
const db = new DynamoDBClient({});
http.createServer(async (req, res) => {
  const id = "visit-" + Date.now();
  await db.send(new PutItemCommand({ TableName: Table.Visits.tableName, Item: { id: { S: id } } }));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ greeting: Config.GREETING, table: Table.Visits.tableName, id, pid: process.pid, cwd: process.cwd(), accessKey: process.env.AWS_ACCESS_KEY_ID }));
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("service listening on " + process.env.PORT));
`);
    write("src/url.ts", `import { Service } from "sst/node/service";
export const handler = async () => ({ url: Service.Web.url });
`);
  });

  after(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(app, { recursive: true, force: true });
  });

  it("runs dev.command with the service's bindings and role, and binds dev.url", async () => {
    dev = spawn(process.execPath, [BIN, "dev", "--stage", "t", "--port", "0"], { cwd: app, env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1" } });
    dev.stdout!.on("data", (d) => (out += d));
    dev.stderr!.on("data", (d) => (out += d));
    exited = new Promise((r) => dev!.once("exit", (code) => r(code)));
    await waitFor(/Ready in \d+\.\ds/);
    await waitFor(new RegExp(`Service "Web": running "node --import tsx server\\.mjs" in .*web \\(http://127\\.0\\.0\\.1:${port}\\)`));
    await waitFor(new RegExp(`\\|  Web service listening on ${port}`));

    const body = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    const outputs = JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["t-svcdev-Web"];
    assert.equal(body.greeting, "hello from config");
    assert.equal(body.table, outputs.TableName);
    assert.equal(fs.realpathSync(body.cwd), fs.realpathSync(path.join(app, "web")));
    // Its role's session credentials, not the admin's.
    assert.notEqual(body.accessKey, "test");
    const info = readServerInfo(path.join(app, ".sst/local/t"))!;
    const db = new DynamoDBClient({ endpoint: info.endpoint, region: "us-east-1", credentials });
    const item = await db.send(new GetItemCommand({ TableName: outputs.TableName, Key: { id: { S: body.id } } }));
    assert.equal(item.Item?.id.S, body.id);
    db.destroy();

    const lambda = new LambdaClient({ endpoint: info.endpoint, region: "us-east-1", credentials });
    const r = await lambda.send(new InvokeCommand({ FunctionName: outputs.FnName }));
    assert.deepEqual(JSON.parse(Buffer.from(r.Payload!).toString()), { url: `http://127.0.0.1:${port}` });
    lambda.destroy();

    // `sst bind` in the service's folder gives a command the same environment and role (SST v2's way).
    const bound = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [BIN, "bind", "--stage", "t", "--", process.execPath, "-e", "console.log(JSON.stringify({ greeting: process.env.SST_Parameter_value_GREETING, key: process.env.AWS_ACCESS_KEY_ID, target: process.env.SST_TARGET }))"],
        { cwd: path.join(app, "web"), env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1" } },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(stdout))),
    );
    const boundEnv = JSON.parse(bound.trim().split("\n").at(-1)!);
    assert.equal(boundEnv.greeting, "hello from config");
    assert.equal(boundEnv.target, "local");
    assert.match(boundEnv.key, /^ASIA/, "the placeholder function's role credentials");

    // Stopping sst dev stops the service's process.
    assert.ok(isRunning(body.pid));
    dev.kill("SIGINT");
    assert.equal(await exited, 0, out);
    assert.ok(!isRunning(body.pid), `the service's process is stopped with sst dev; output:\n${out}`);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  });
});
