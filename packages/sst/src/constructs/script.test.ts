/**
 * Script: its functions run while the stack deploys — onCreate on the first deploy,
 * onUpdate on the next ones (a new version every deploy), onDelete on removal — with
 * the params given, in the local cloud; a failing function fails the deploy.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "local-cloud/testing.js";
import { loadProject, synth } from "../project/index.js";
import { deployToLocal, removeFromLocal } from "../deploy/local.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const HANDLER = `
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Table } from "sst/node/table";
const ddb = new DynamoDBClient({});
async function record(phase, params) {
  if (params.fail) throw new Error("migration failed on purpose");
  await ddb.send(new PutItemCommand({ TableName: Table.Runs.tableName, Item: { phase: { S: phase }, rows: { N: String(params.rows) } } }));
}
export const onCreate = async (event) => record("create", event.params);
export const onUpdate = async (event) => record("update", event.params);
export const onDelete = async (event) => record("delete", event.params);
`;

const files = (rows: number, fail = false) => ({
  "package.json": JSON.stringify({ name: "script-app", type: "module", private: true }),
  "sst.config.ts": `
import { Runs } from "./stacks/Runs";
import { Seed } from "./stacks/Seed";
export default { config() { return { name: "script-app", region: "us-east-1" }; }, stacks(app) { app.stack(Runs).stack(Seed); } };
`,
  "stacks/Runs.ts": `
import { Table, StackContext } from "sst/constructs";
export function Runs({ stack }: StackContext) {
  return { table: new Table(stack, "Runs", { fields: { phase: "string" }, primaryIndex: { partitionKey: "phase" } }) };
}
`,
  "stacks/Seed.ts": `
import { Script, StackContext, use } from "sst/constructs";
import { Runs } from "./Runs";
export function Seed({ stack }: StackContext) {
  const { table } = use(Runs);
  new Script(stack, "Seed", {
    defaults: { function: { bind: [table] } },
    params: { rows: ${rows}, fail: ${fail} },
    onCreate: "src/script.onCreate",
    onUpdate: "src/script.onUpdate",
    onDelete: "src/script.onDelete",
  });
}
`,
  "src/script.mjs": HANDLER,
});

let tc: TestCloud;
let dir: string;
before(async () => {
  tc = await startTestCloud();
});
after(async () => {
  await tc?.stop();
  if (dir) removeApp(dir);
});

async function deploy(rows: number, fail = false) {
  if (dir) removeApp(dir);
  dir = writeApp(files(rows, fail));
  const project = await loadProject({ cwd: dir, stage: "dev" });
  const result = await synth(project, { mode: "deploy" });
  await deployToLocal(tc.cloud as any, result);
  return result;
}

async function runs(): Promise<Record<string, string>> {
  const out = await tc.cloud.dynamodb.call("Scan", { TableName: "dev-script-app-Runs" });
  return Object.fromEntries(out.Items.map((i: any) => [i.phase.S, i.rows.N]));
}

describe("Script", () => {
  it("runs onCreate, then onUpdate on every deploy, then onDelete, with its params", { timeout: 180_000 }, async () => {
    await deploy(10);
    assert.deepEqual(await runs(), { create: "10" });
    await deploy(20);
    assert.deepEqual(await runs(), { create: "10", update: "20" });
    await assert.rejects(deploy(30, true), /migration failed on purpose/);
    assert.deepEqual(await runs(), { create: "10", update: "20" }, "the failed update changed nothing");
    const result = await deploy(40);
    await removeFromLocal(tc.cloud as any, result, ["dev-script-app-Seed"]);
    assert.deepEqual(await runs(), { create: "10", update: "40", delete: "40" });
  });
});
