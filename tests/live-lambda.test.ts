/**
 * Live Lambda on AWS, end to end, with the local cloud playing AWS: `sst local` is the
 * account, reached only through AWS_ENDPOINT_URL and AWS credentials — exactly how a
 * developer's `sst dev` reaches AWS. `sst dev` deploys every function as a stub there;
 * a request to the deployed Api runs the stub, which relays it over SQS to `sst dev`,
 * which runs the handler from source (in its own process) with the deployed function's
 * role, and relays the answer back. Between `sst dev` and the "AWS" sits a TCP proxy,
 * so the test can cut the network under it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { IAMClient, GetRolePolicyCommand, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { readOutputs } from "./helpers/outputs.js";
import { TcpProxy } from "./helpers/tcp-proxy.js";
import { isRunning } from "./helpers/process-state.js";

const STAGE = "live";
const STACK = `${STAGE}-live-app-Live`;

/** What the fixture's hello handler says of the process it ran in. */
type RanIn = { pid: number; ppid: number };

/**
 * The handler ran on the developer's machine under that sst dev: in an execution
 * environment it started (a child process), or in its own process — not in the cloud.
 */
function assertRanUnder(ran: RanIn, devPid: number): void {
  assert.ok(ran.pid === devPid || ran.ppid === devPid, `the handler ran in process ${ran.pid} (parent ${ran.ppid}), not under sst dev (${devPid})`);
}

describe("sst dev on AWS (Live Lambda), against the local cloud playing AWS", () => {
  let app: string;
  let work: string;
  let local: SstProcess;
  let proxy: TcpProxy;
  let dev: SstProcess;
  let env: Record<string, string>;
  let api: string;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  let iam: IAMClient;
  let localPort: number;
  let workerPid: number | undefined;

  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "live-app"), "live-lambda");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "sst-live-"));
    const port = (localPort = await freePort());
    local = new SstProcess(work, ["local", "--port", String(port), "--dir", path.join(work, "state")]);
    await local.waitFor(/^Ready/, 60_000);
    proxy = await TcpProxy.start(port);
    // Only credentials and an endpoint: the target rule picks AWS, as it would for a developer with an account.
    const nowhere = path.join(work, "no-aws-config");
    env = {
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: nowhere,
      AWS_SHARED_CREDENTIALS_FILE: nowhere,
      SST_TARGET: "",
    };
    const config = { endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    lambda = new LambdaClient(config);
    sqs = new SQSClient(config);
    iam = new IAMClient(config);
    dev = new SstProcess(app, ["dev", "--stage", STAGE, "--increase-timeout"], env);
    await dev.waitFor(/^Ready in/, 180_000);
    api = readOutputs(app)[STACK]!.ApiEndpoint!;
  });

  after(async () => {
    for (const c of [lambda, sqs, iam]) c?.destroy();
    await dev?.stop();
    await proxy?.close();
    await local?.stop();
    removeApp(app);
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function functionConfig(logicalPrefix: string) {
    const names = await stackFunctions();
    const name = names.find((n) => n.includes(logicalPrefix));
    assert.ok(name, `no function like ${logicalPrefix} in ${names.join(", ")}`);
    return lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  }

  async function stackFunctions(): Promise<string[]> {
    const { CloudFormationClient, DescribeStackResourcesCommand } = await import("@aws-sdk/client-cloudformation");
    const cfn = new CloudFormationClient({ endpoint: `http://127.0.0.1:${proxy.port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      const { StackResources } = await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }));
      return (StackResources ?? []).filter((r) => r.ResourceType === "AWS::Lambda::Function").map((r) => r.PhysicalResourceId!);
    } finally {
      cfn.destroy();
    }
  }

  test("with AWS credentials, sst dev targets AWS and deploys every function as a Live Lambda stub", async () => {
    assert.match(dev.output, /Target: AWS account 000000000000, us-east-1, credentials from AWS_ACCESS_KEY_ID, endpoint http:\/\/127\.0\.0\.1:\d+ \(AWS credentials found\)/);
    assert.match(dev.output, /Live Lambda: SQS queue sst_live-app_live_requests/);
    assert.ok(!fs.existsSync(path.join(app, ".sst", "local", STAGE)), "nothing was put in the local cloud's state");
    const hello = await functionConfig("ApiLambdaGEThello");
    assert.equal(hello.Handler, "index.handler");
    assert.equal(hello.Environment?.Variables?.SST_LIVE_LAMBDA_QUEUE, "sst_live-app_live_requests");
    assert.ok(hello.Environment?.Variables?.SST_FUNCTION_ID);
    assert.equal(hello.Timeout, 900, "--increase-timeout gives the stubs Lambda's longest timeout");
  });

  test("a request to the deployed Api runs the handler from source in the sst dev process, and returns", async () => {
    const res = await fetch(`${api}/hello`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { message: string; version: number } & RanIn;
    assert.deepEqual({ message: body.message, version: body.version }, { message: "hello", version: 1 });
    assertRanUnder(body, dev.pid);
    await dev.waitFor(/\|  Done src\/hello\.handler \d+ms/);
  });

  test("a Python function's stub relays too: the handler runs from source in a python3 process under sst dev", async () => {
    const res = await fetch(`${api}/py`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { message: string; function: string; execution: string } & RanIn;
    assert.equal(body.message, "hello from python");
    assert.equal(body.execution, "AWS_Lambda_python3.11");
    assert.ok((await stackFunctions()).includes(body.function), `${body.function} is the deployed stub's name`);
    assertRanUnder(body, dev.pid);
  });

  test("the local code acts with the deployed function's role: a bound table works, an unbound one is denied", async () => {
    assert.equal((await fetch(`${api}/notes/n1`, { method: "PUT", body: "remember" })).status, 204);
    const got = await fetch(`${api}/notes/n1`);
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), { id: "n1", text: "remember" });
    const denied = await fetch(`${api}/forbidden?table=${STAGE}-live-app-Notes`);
    assert.equal(denied.status, 403);
    assert.deepEqual(await denied.json(), { error: "AccessDeniedException" });
  });

  test("an edit is served on the next request", async () => {
    const file = path.join(app, "src", "hello.ts");
    const from = dev.lines.length;
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("version: 1", "version: 2"));
    await dev.waitFor(/\|  Built src\/hello\.handler/, 30_000, from);
    const body = (await (await fetch(`${api}/hello`)).json()) as { version: number };
    assert.equal(body.version, 2);
  });

  test("saving a stack redeploys it to AWS, and its new route is served from source", async () => {
    const file = path.join(app, "stacks", "Live.ts");
    const from = dev.lines.length;
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"GET /hello": "src/hello.handler",', '"GET /hello": "src/hello.handler",\n      "GET /added": "src/hello.handler",'));
    await dev.waitFor(/\|  Stacks: Building\.\.\./, 30_000, from);
    await dev.waitFor(/✔  Deployed 1 stack in \d+ms/, 120_000, from);
    const res = await fetch(`${api}/added`);
    assert.equal(res.status, 200);
    assertRanUnder((await res.json()) as RanIn, dev.pid);
  });

  test("a 1 MB payload crosses the bridge intact, both ways", async () => {
    // Multi-byte characters, so the bridge's parts are cut inside UTF-8 sequences' reach.
    const text = "ünïcødé ✓ 🚀 ".repeat(48_000).slice(0, 700_000);
    assert.ok(Buffer.byteLength(text) > 1_000_000);
    const res = await fetch(`${api}/echo`, { method: "POST", headers: { "content-type": "text/plain" }, body: text });
    assert.equal(res.status, 200);
    const echoed = (await res.json()) as { length: number; sha256: string; body: string };
    assert.equal(echoed.length, text.length);
    assert.equal(echoed.body, text);
    const { createHash } = await import("node:crypto");
    assert.equal(echoed.sha256, createHash("sha256").update(text).digest("hex"));

    // Straight through Lambda too: a 1 MB event in, a 1 MB answer out.
    const big = readOutputs(app)[STACK]!.BigFunction!;
    const out = await lambda.send(new InvokeCommand({ FunctionName: big, Payload: Buffer.from(JSON.stringify({ text, answerBytes: 1_000_000 })) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    const answer = JSON.parse(Buffer.from(out.Payload!).toString()) as { got: { length: number; sha256: string }; answer: string };
    assert.deepEqual(answer.got, { length: text.length, sha256: echoed.sha256 });
    assert.equal(Buffer.byteLength(answer.answer), 1_000_000);
  });

  test("concurrent invocations run side by side", async () => {
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => {
        const res = await fetch(`${api}/slow?ms=3000&tag=c${i}`);
        assert.equal(res.status, 200);
        return (await res.json()) as { tag: string; start: number; end: number };
      }),
    );
    assert.deepEqual(results.map((r) => r.tag), ["c0", "c1", "c2", "c3", "c4", "c5"]);
    // All six were running at one moment: the latest start comes before the earliest end.
    assert.ok(Math.max(...results.map((r) => r.start)) < Math.min(...results.map((r) => r.end)), JSON.stringify(results));
  });

  test("cutting the network under sst dev mid-invocation loses nothing", async () => {
    const from = dev.lines.length;
    // A slow invocation is running on the developer's machine when the network drops...
    const slow = fetch(`${api}/slow?ms=1500&tag=cut`);
    await dev.waitFor(/slow cut started/, 30_000, from);
    await proxy.cut();
    // ...another invocation starts while it is down...
    const during = fetch(`${api}/hello`);
    // ...and the slow one's answer is due before it comes back.
    await new Promise((r) => setTimeout(r, 2_500));
    await proxy.restore();
    const [a, b] = await Promise.all([slow, during]);
    assert.equal(a.status, 200);
    assert.equal(((await a.json()) as { tag: string }).tag, "cut");
    assert.equal(b.status, 200);
    assert.equal(((await b.json()) as { message: string }).message, "hello");
    assert.match(dev.lines.slice(from).join("\n"), /Live Lambda: lost the connection to sst_live-app_live_requests/);
    await dev.waitFor(/\|  Live Lambda: reconnected/, 30_000, from);
  });

  test("another developer's stage in the same account has its own queues, permissions and sst dev", async () => {
    const bob = new SstProcess(app, ["dev", "--stage", "bob"], env);
    try {
      await bob.waitFor(/^Ready in/, 180_000);
      const bobApi = readOutputs(app)[`bob-live-app-Live`]!.ApiEndpoint!;
      const [mine, theirs] = await Promise.all([fetch(`${api}/hello`), fetch(`${bobApi}/hello`)]);
      assertRanUnder((await mine.json()) as RanIn, dev.pid);
      assertRanUnder((await theirs.json()) as RanIn, bob.pid);
      // Bob's stubs may use bob's queues only.
      const role = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: (await bobFunctions()).find((n) => n.includes("GEThello"))! }))).Role!;
      const roleName = role.split("/").pop()!;
      const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      const docs = await Promise.all((PolicyNames ?? []).map(async (PolicyName) => decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument!)));
      const all = docs.join("\n");
      assert.match(all, /sst_live-app_bob_requests/);
      assert.match(all, /sst_live-app_bob_reply_\*/);
      assert.doesNotMatch(all, /sst_live-app_live_/);
    } finally {
      await bob.stop();
    }

    async function bobFunctions(): Promise<string[]> {
      const { CloudFormationClient, DescribeStackResourcesCommand } = await import("@aws-sdk/client-cloudformation");
      const cfn = new CloudFormationClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      try {
        const { StackResources } = await cfn.send(new DescribeStackResourcesCommand({ StackName: "bob-live-app-Live" }));
        return (StackResources ?? []).filter((r) => r.ResourceType === "AWS::Lambda::Function").map((r) => r.PhysicalResourceId!);
      } finally {
        cfn.destroy();
      }
    }
  });

  test("a Service's dev.command runs on this machine against AWS, with the service's bindings and role", async () => {
    const report = path.join(app, "worker", `worker-report-${STAGE}.json`);
    const t0 = Date.now();
    while (!fs.existsSync(report)) {
      assert.ok(Date.now() - t0 < 60_000, `the worker never reported; sst dev said:\n${dev.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    assert.equal(r.target, "aws");
    assert.equal(r.endpoint, proxy.endpoint, "the stage's AWS endpoint, not a local cloud's");
    assert.equal(r.table, `${STAGE}-live-app-Notes`);
    assert.match(r.key, /^ASIA/, "credentials of the service's placeholder function's role");
    assert.equal(r.put, "ok", "the role may write the bound table");
    assert.ok(isRunning(r.pid));
    workerPid = r.pid;
  });

  test("stopping sst dev deletes the stubs' reply queues of its stage and keeps the request queue", async () => {
    const before = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sst_live-app_live_" }))).QueueUrls ?? [];
    assert.ok(before.some((u) => u.includes("_reply_")), before.join(", "));
    assert.equal(await dev.stop(), 0);
    if (workerPid) assert.ok(!isRunning(workerPid), "the Service's dev.command stops with sst dev");
    const left = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sst_live-app_live_" }))).QueueUrls ?? [];
    assert.deepEqual(left.map((u) => u.split("/").pop()), ["sst_live-app_live_requests"]);
    // Removing the stage takes the request queue too.
    // (Straight to the "AWS": a synchronous child would stall the proxy running in this process.)
    const removed = runSst(app, ["remove", "--stage", STAGE], { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${localPort}` });
    assert.equal(removed.code, 0, removed.output);
    assert.match(removed.stdout, /Removed 1 stack/);
    assert.deepEqual((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sst_live-app_live_" }))).QueueUrls ?? [], []);
  });
});
