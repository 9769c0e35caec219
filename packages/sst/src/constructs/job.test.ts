/**
 * Job on its own: the CodeBuild project and manager function SST v2 writes, the job
 * bundle (with the AWS SDK in it, since no runtime provides one in CodeBuild), the dev
 * function that replaces CodeBuild under sst dev, and errors naming the Job and prop.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { App, Stack, Job, Table } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const root = writeApp({
  "src/job.ts": `import { STSClient } from "@aws-sdk/client-sts";\nexport const handler = async (p: unknown) => [typeof STSClient, p];\n`,
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy"): App {
  return new App({ name: "my-app", stage: "dev", region: "us-east-1", account: "000000000000", mode, root, outdir: `${root}/.sst/dist-${Math.random()}` });
}

describe("Job", () => {
  it("deploy: a CodeBuild project runs the bundled job (the SDK bundled in), started by the manager function", async () => {
    const app = newApp("deploy");
    const stack = new Stack(app, "S");
    const table = new Table(stack, "T", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    new Job(stack, "Work", { handler: "src/job.handler", bind: [table], memorySize: "7 GB", timeout: "1 hour" });
    await app.finish();
    const t = Template.fromStack(stack);
    const [project] = Object.values<any>(t.findResources("AWS::CodeBuild::Project"));
    assert.equal(project.Properties.Name, "dev-my-app-Work");
    assert.equal(project.Properties.TimeoutInMinutes, 60);
    assert.equal(project.Properties.Environment.ComputeType, "BUILD_GENERAL1_MEDIUM");
    assert.equal(project.Properties.Environment.Image, "amazon/aws-lambda-nodejs:18");
    assert.match(project.Properties.Source.BuildSpec, /node handler-wrapper\.mjs/);
    const names = project.Properties.Environment.EnvironmentVariables.map((v: any) => v.Name);
    assert.ok(names.includes("SST_Table_tableName_T"), names.join(","));
    const fns = Object.values<any>(t.findResources("AWS::Lambda::Function")).map((f) => f.Properties.Environment?.Variables ?? {});
    assert.ok(fns.some((v) => v.SST_JOB_PROVIDER === "codebuild"));
    const bundleDir = fs.readdirSync(app.artifactsDir).map((d) => path.join(app.artifactsDir, d)).find((d) => fs.existsSync(path.join(d, "handler-wrapper.mjs")))!;
    assert.ok(bundleDir, "the job's bundle has its wrapper");
    const bundle = fs.readdirSync(bundleDir, { recursive: true }).map(String).find((f) => f.endsWith("job.mjs"))!;
    const code = fs.readFileSync(path.join(bundleDir, bundle), "utf8");
    assert.doesNotMatch(code, /from "@aws-sdk\/client-sts"/, "the SDK is bundled, not imported");
  });

  it("dev: the job runs as a function of its own, and the app records what differs locally", async () => {
    const app = newApp("dev");
    const stack = new Stack(app, "S");
    new Job(stack, "Work", { handler: "src/job.handler" });
    await app.finish();
    const t = Template.fromStack(stack);
    const envs = Object.values<any>(t.findResources("AWS::Lambda::Function")).map((f) => f.Properties.Environment?.Variables ?? {});
    assert.ok(envs.some((v) => v.SST_JOB_PROVIDER === "lambda"));
    assert.ok(envs.some((v) => v.SST_DEBUG_JOB === "true"));
    const notice = app.localNotices.find((n) => n.construct === 'Job "Work"');
    assert.match(notice!.local, /under sst dev the job runs from source/);
  });

  it("errors name the Job and the prop", () => {
    const stack = new Stack(newApp("deploy"), "S");
    assert.throws(() => new Job(stack, "A", { handler: "src/job.handler", timeout: "1 minute" }), /Job "A".*"timeout": Invalid timeout value/);
    assert.throws(() => new Job(stack, "B", { handler: "src/job.handler", architecture: "arm_64", memorySize: "7 GB" }), /Job "B".*"memorySize": ARM architecture only supports/);
    assert.throws(() => new Job(stack, "C", { handler: "src/job.handler", runtime: "container" }), /Job "C".*"container": No commands defined/);
    assert.throws(() => new Job(stack, "D", { handler: "src/job.handler", runtime: "container", container: { cmd: ["x"] } }), /Job "D".*"runtime".*"container" is not supported/);
  });
});
