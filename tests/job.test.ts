/**
 * SST v2's Job, run locally both ways: deployed to the local cloud (`sst deploy --local`,
 * then `sst local`), `Job.worker.run()` starts a build on the local cloud's CodeBuild,
 * which runs the bundled job as a process with its project role's credentials; under
 * `sst dev` the same call runs the job from source as a function. Either way the job
 * writes its payload to a bound Table.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CodeBuildClient, BatchGetBuildsCommand } from "@aws-sdk/client-codebuild";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { http, startDev } from "./helpers/generated-app.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { eventually, output } from "./helpers/outputs.js";
import { freePort } from "./helpers/ports.js";

const ADMIN = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };

async function itemOf(endpoint: string, table: string, id: string) {
  const ddb = new DynamoDBClient({ ...ADMIN, endpoint });
  try {
    const { Item } = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } }));
    if (!Item) throw new Error(`no item ${id} yet`);
    return Item;
  } finally {
    ddb.destroy();
  }
}

describe("Job", () => {
  let app: string;
  before(() => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "job-app"), "job-app");
  });
  after(() => {
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("deployed to the local cloud, Job.run starts a CodeBuild build that runs the job", async () => {
    const deploy = runSst(app, ["deploy", "--local", "--stage", "built"]);
    assert.equal(deploy.code, 0, deploy.output);
    const apiPath = new URL(output(app, "ApiEndpoint")).pathname;
    const table = output(app, "ResultsTable");
    const port = await freePort();
    const local = new SstProcess(app, ["local", "--port", String(port), "--dir", path.join(app, ".sst", "local", "built")]);
    try {
      await local.waitFor(/Ready/, 60_000);
      const endpoint = `http://127.0.0.1:${port}`;
      const res = await http("POST", `${endpoint}${apiPath}/run`, { id: "deployed-1" });
      assert.equal(res.status, 202, res.text);
      assert.match(res.json.jobId, /^built-job-app-worker:[0-9a-f-]{36}$/);
      const item = await eventually(() => itemOf(endpoint, table, "deployed-1"), 60_000, 250);
      assert.equal(item.ranIn.S, "codebuild");
      const cb = new CodeBuildClient({ ...ADMIN, endpoint });
      const build = await eventually(async () => {
        const b = (await cb.send(new BatchGetBuildsCommand({ ids: [res.json.jobId] }))).builds![0];
        if (!b.buildComplete) throw new Error("build still running");
        return b;
      }, 30_000, 250);
      cb.destroy();
      assert.equal(build.buildStatus, "SUCCEEDED");
    } finally {
      await local.stop();
    }
  });

  test("under sst dev, Job.run runs the job from source, and sst dev says what differs locally", async () => {
    const running = await startDev(app, "dev");
    try {
      const res = await http("POST", `${running.api}/run`, { id: "dev-1" });
      assert.equal(res.status, 202, res.text);
      await running.dev.waitFor(/worker ran dev-1/, 60_000);
      const endpoint = running.dev.lines.map((l) => /Local cloud:\s+(http\S+)/.exec(l)?.[1]).find(Boolean)!;
      const item = await eventually(() => itemOf(endpoint, output(app, "ResultsTable"), "dev-1"), 20_000, 250);
      assert.equal(item.ranIn.S, "lambda");
      const notices = running.dev.lines.filter((l) => /Job "worker" uses runtime/.test(l));
      assert.equal(notices.length, 1, running.dev.lines.join("\n"));
    } finally {
      await running.stop();
    }
  });
});
