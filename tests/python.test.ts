/**
 * Python functions of an SST v2 app (tests/fixtures/python-app: the shape of SST v2's
 * examples/rest-api-python, plus a queue consumer and a boto3 function) run locally both
 * ways: under `sst dev` from source — errors, timeouts, the environment, logs in the
 * terminal, a save served on the next request — and deployed to the local cloud
 * (`sst deploy --local`, then `sst local`), where requirements.txt is installed and
 * boto3 reaches the local cloud with the function's role.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { http, startDev, warm, type RunningApp } from "./helpers/generated-app.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { eventually, output } from "./helpers/outputs.js";
import { freePort } from "./helpers/ports.js";

const ADMIN = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const skip = spawnSync("python3", ["--version"]).status === 0 ? false : "python3 is not installed on this machine: Python functions cannot run";
/** pip must find boto3 (this machine's pip index, or PyPI) for the deploy build. */
const skipBoto3 =
  skip || (spawnSync("python3", ["-m", "pip", "download", "--no-deps", "--quiet", "-d", path.join(repoRoot, ".tmp", "pip-probe"), "boto3"], { timeout: 120_000 }).status === 0 ? false : "pip cannot install boto3 here");

describe("Python functions under sst dev", { skip }, () => {
  let app: string;
  let running: RunningApp;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "python-app"), "python-app");
    running = await startDev(app, "dev");
  });
  after(async () => {
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("an Api route runs the handler from source; no notice says Python is not run locally", async () => {
    await warm("GET", `${running.api}/`);
    const res = await http("GET", `${running.api}/`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^Hello from Python, at \d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\.$/);
    assert.ok(!running.dev.lines.some((l) => /uses runtime/.test(l)), running.dev.lines.join("\n"));
  });

  test("the function's environment: bound resources, role credentials, the local endpoint, IS_LOCAL; the context object", async () => {
    const res = await http("GET", `${running.api}/env`);
    assert.equal(res.status, 200, res.text);
    const { env, context } = res.json;
    assert.equal(env.SST_APP, "python-app");
    assert.equal(env.SST_STAGE, "dev");
    assert.equal(env.SST_Queue_queueUrl_Jobs, output(app, "QueueUrl"));
    assert.equal(env.SST_Table_tableName_Items, output(app, "ItemsTable"));
    assert.match(env.AWS_ENDPOINT_URL, /^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
    assert.match(env.AWS_ACCESS_KEY_ID, /^ASIA/);
    assert.ok(env.AWS_SESSION_TOKEN);
    assert.equal(env.IS_LOCAL, "true");
    assert.equal(context.function_name, env.AWS_LAMBDA_FUNCTION_NAME);
    assert.equal(context.log_group_name, `/aws/lambda/${env.AWS_LAMBDA_FUNCTION_NAME}`);
    assert.equal(context.memory_limit_in_mb, "1024");
    assert.ok(context.remaining > 0 && context.remaining <= 10_000);
    await running.dev.waitFor(/env asked by GET/, 10_000);
  });

  test("an exception answers 500 and sst dev prints its type, message and the Python frames", async () => {
    const from = running.dev.lines.length;
    const res = await http("GET", `${running.api}/fail`);
    assert.equal(res.status, 500);
    await running.dev.waitFor(/PaymentRequired: no credit left/, 10_000, from);
    await running.dev.waitFor(/File ".*functions\/info\.py", line \d+, in fail/, 10_000, from);
  });

  test("a handler past its timeout is stopped", async () => {
    const from = running.dev.lines.length;
    const res = await http("GET", `${running.api}/slow`);
    assert.equal(res.status, 500);
    await running.dev.waitFor(/starting a long job/, 10_000, from);
    await running.dev.waitFor(/Task timed out after 2\.00 seconds/, 10_000, from);
  });

  test("an SQS consumer gets the messages sent with the AWS SDK", async () => {
    const endpoint = new URL(output(app, "QueueUrl")).origin;
    const sqs = new SQSClient({ ...ADMIN, endpoint });
    try {
      const from = running.dev.lines.length;
      await sqs.send(new SendMessageCommand({ QueueUrl: output(app, "QueueUrl"), MessageBody: "job-42" }));
      await running.dev.waitFor(/consumed job-42 from .*Jobs/, 30_000, from);
    } finally {
      sqs.destroy();
    }
  });

  test("saving a .py file: the next request runs the new code", async () => {
    const file = path.join(app, "functions", "lambda.py");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Hello from Python", "Hello again"));
    const text = await eventually(async () => {
      const res = await http("GET", `${running.api}/`);
      if (!res.text.startsWith("Hello again")) throw new Error(`still ${res.status} ${res.text}`);
      return res.text;
    }, 20_000, 200);
    assert.match(text, /^Hello again, at /);
    // A module the handler imports is source too.
    fs.writeFileSync(path.join(app, "functions", "greeting.py"), `WORD = "Bonjour"\n`);
    fs.writeFileSync(file, `from greeting import WORD\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": WORD}\n`);
    await eventually(async () => {
      const res = await http("GET", `${running.api}/`);
      if (res.text !== "Bonjour") throw new Error(`still ${res.status} ${res.text}`);
    }, 20_000, 200);
    fs.writeFileSync(path.join(app, "functions", "greeting.py"), `WORD = "Hola"\n`);
    await eventually(async () => {
      const res = await http("GET", `${running.api}/`);
      if (res.text !== "Hola") throw new Error(`still ${res.status} ${res.text}`);
    }, 20_000, 200);
    // Run in place, without __pycache__ beside the developer's files.
    assert.ok(!fs.existsSync(path.join(app, "functions", "__pycache__")));
  });
});

describe("Python functions deployed to the local cloud", { skip: skipBoto3 }, () => {
  let app: string;
  let local: SstProcess;
  let endpoint: string;
  let apiUrl: string;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "python-app"), "python-app-deployed");
    const deploy = runSst(app, ["deploy", "--local", "--stage", "built"], {}, 400_000);
    assert.equal(deploy.code, 0, deploy.output);
    const port = await freePort();
    local = new SstProcess(app, ["local", "--port", String(port), "--dir", path.join(app, ".sst", "local", "built")]);
    await local.waitFor(/Ready/, 60_000);
    endpoint = `http://127.0.0.1:${port}`;
    apiUrl = `${endpoint}${new URL(output(app, "ApiEndpoint")).pathname}`.replace(/\/$/, "");
  });
  after(async () => {
    await local?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  test("deployed as python3.11 with the handler relative to its source folder", async () => {
    const lambda = new LambdaClient({ ...ADMIN, endpoint });
    try {
      const fns = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
      const handlers = fns.filter((f) => f.Runtime === "python3.11").map((f) => f.Handler).sort();
      assert.deepEqual(handlers, ["consumer.handler", "info.fail", "info.handler", "info.slow", "items/put.handler", "lambda.handler"]);
    } finally {
      lambda.destroy();
    }
    const res = await http("GET", `${apiUrl}/`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /^Hello from Python, at /);
  });

  test("boto3 from requirements.txt writes to the bound table with the function's role", async () => {
    const res = await http("POST", `${apiUrl}/items`, { id: "from-boto3", n: 7 });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.stored, "from-boto3");
    const ddb = new DynamoDBClient({ ...ADMIN, endpoint });
    try {
      const { Item } = await ddb.send(new GetItemCommand({ TableName: output(app, "ItemsTable"), Key: { id: { S: "from-boto3" } } }));
      assert.deepEqual(Item, { id: { S: "from-boto3" }, n: { N: "7" } });
    } finally {
      ddb.destroy();
    }
  });

  test("the queue consumer's print() lines reach its CloudWatch log group", async () => {
    const sqs = new SQSClient({ ...ADMIN, endpoint });
    const logs = new CloudWatchLogsClient({ ...ADMIN, endpoint });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: output(app, "QueueUrl").replace(/^https?:\/\/[^/]+/, endpoint), MessageBody: "deployed-job" }));
      const lambda = new LambdaClient({ ...ADMIN, endpoint });
      const fns = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
      lambda.destroy();
      const consumer = fns.find((f) => f.Handler === "consumer.handler")!.FunctionName!;
      const found = await eventually(async () => {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${consumer}`, filterPattern: '"consumed deployed-job"' }));
        if (!out.events?.length) throw new Error("not logged yet");
        return out.events;
      }, 30_000, 250);
      assert.match(found[0]!.message!, /^consumed deployed-job from .*Jobs/);
    } finally {
      sqs.destroy();
      logs.destroy();
    }
  });

  test("errors come back in AWS's shape through the Api (500) and the function's log", async () => {
    const res = await http("GET", `${apiUrl}/fail`);
    assert.equal(res.status, 500);
    assert.equal(res.json.message, "Internal Server Error");
  });
});
