/**
 * Frontend sites end to end, SST v2's dev workflow: `sst dev` deploys the API but
 * nothing for the sites, and `sst bind <cmd>` run inside a site's folder gives the
 * command that site's environment (the live API URL resolved) plus the app's SST_*
 * values. `sst build` builds them (tests/sites-deploy.slow.test.ts deploys them).
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output, readOutputs } from "./helpers/outputs.js";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

const fixture = path.join(repoRoot, "tests", "fixtures", "sites-app");
const PRINT_ENV = `console.log(JSON.stringify(process.env))`;

/** The environment `sst bind` gives a command run in `cwd`. */
function boundEnv(cwd: string): Record<string, string> {
  const res = runSst(cwd, ["bind", "--stage", "sites", "--", process.execPath, "-e", PRINT_ENV]);
  assert.equal(res.code, 0, res.output);
  const line = res.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  assert.ok(line, `no JSON in the output:\n${res.output}`);
  return JSON.parse(line);
}

describe("sites under sst dev", () => {
  let app: string;
  let dev: SstProcess;
  let api: string;

  before(async () => {
    app = copyApp(fixture, "sites-app");
    dev = new SstProcess(app, ["dev", "--stage", "sites", "--port", String(await freePort())]);
    await dev.waitFor(/ready/i, 180_000);
    api = output(app, "ApiEndpoint").replace(/\/$/, "");
  });
  after(async () => {
    await dev?.stop();
    removeApp(app);
  });

  test("the API is deployed and answers; the sites deploy nothing, their URL is the dev server's (dev.url)", async () => {
    const res = await fetch(`${api}/hello`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello from the api");
    const outputs = Object.assign({}, ...Object.values(readOutputs(app))) as Record<string, string>;
    assert.equal(outputs.WebUrl, undefined, "no dev.url: undefined, so not an output (SST v2)");
    assert.equal(outputs.NextUrl, "http://localhost:3000");
  });

  test("sst bind -- node -e ... inside the StaticSite's folder prints the live API URL", async () => {
    const res = runSst(path.join(app, "packages", "web"), [
      "bind", "--stage", "sites", "--", process.execPath, "-e", "console.log(process.env.API_URL)",
    ]);
    assert.equal(res.code, 0, res.output);
    assert.equal(res.stdout.trim().split("\n").pop(), output(app, "ApiEndpoint"));
    // The value is live: the command can call the API with it.
    const env = boundEnv(path.join(app, "packages", "web", "src"));
    assert.equal(env.API_URL, output(app, "ApiEndpoint"));
    assert.equal(env.SITE_NAME, "static");
    assert.equal((await fetch(`${env.API_URL.replace(/\/$/, "")}/hello`)).status, 200);
  });

  test("inside the NextjsSite's folder: its own environment, its binding and the bound table", () => {
    const env = boundEnv(path.join(app, "packages", "next"));
    assert.equal(env.NEXT_PUBLIC_API_URL, output(app, "ApiEndpoint"));
    assert.equal(env.SITE_NAME, "next");
    assert.equal(env.API_URL, undefined, "the StaticSite's variables stay in its folder");
    assert.equal(env.SST_NextjsSite_url_Next, "http://localhost:3000");
    assert.equal(env.SST_StaticSite_url_Web, "localhost");
    assert.match(env.SST_Table_tableName_Notes, /sites-sites-app-Notes/);
  });

  test("inside the NextjsSite's folder the command runs as the site's placeholder server function (SST v2): its role's credentials reach the bound table and nothing else", async () => {
    const env = boundEnv(path.join(app, "packages", "next"));
    assert.ok(env.AWS_SESSION_TOKEN, "a session of the server function's role");
    const config = {
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
    };
    const sts = new STSClient(config);
    const db = new DynamoDBClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(me.Arn!, /:assumed-role\/[^/]*NextServerFunctionRole[^/]*\/sst-bind$/);
      const scan = await db.send(new ScanCommand({ TableName: env.SST_Table_tableName_Notes }));
      assert.equal(scan.$metadata.httpStatusCode, 200, "bind: [notes] lets the dev server read the table");
      await assert.rejects(s3.send(new ListBucketsCommand({})), (e: any) => e.name === "AccessDenied", "not granted: refused, as the deployed server would be");
    } finally {
      sts.destroy();
      db.destroy();
      s3.destroy();
    }
  });

  test("outside any site's folder, sst bind adds no site environment and runs with the local admin credentials", () => {
    const env = boundEnv(app);
    assert.equal(env.API_URL, undefined);
    assert.equal(env.NEXT_PUBLIC_API_URL, undefined);
    assert.equal(env.SST_STAGE, "sites");
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
  });
});

describe("sites under sst build", () => {
  let app: string;
  before(() => {
    app = copyApp(fixture, "sites-app-build");
  });
  after(() => removeApp(app));

  test("builds the sites; a site that cannot build (this NextjsSite's folder has no Next.js app) fails naming it", () => {
    const res = runSst(app, ["build", "--stage", "bad"], { NEXT_TELEMETRY_DISABLED: "1" }, 300_000);
    assert.notEqual(res.code, 0, res.output);
    assert.match(res.output, /There was a problem building the "Next" site\. NextjsSite "Next"/);
  });
});
