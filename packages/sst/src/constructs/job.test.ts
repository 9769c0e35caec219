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
  "image/Dockerfile": "FROM scratch\nCOPY job.sh /\n",
  "image/job.sh": "echo hi\n",
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
  });

  it("container: CodeBuild runs the image built from the handler folder (pulled with the project's role) and the command, quoted as SST v2 quotes it", async () => {
    const app = newApp("deploy");
    const stack = new Stack(app, "S");
    new Job(stack, "Img", { handler: "image", runtime: "container", container: { cmd: ["echo", "hello world"] } });
    await app.finish();
    const t = Template.fromStack(stack);
    const [project] = Object.values<any>(t.findResources("AWS::CodeBuild::Project"));
    assert.equal(project.Properties.Environment.Type, "LINUX_CONTAINER");
    assert.equal(project.Properties.Environment.ImagePullCredentialsType, "SERVICE_ROLE");
    assert.match(JSON.stringify(project.Properties.Environment.Image), /Fn::Sub.*dkr\.ecr/);
    assert.deepEqual([project.Properties.Source.Type, project.Properties.Source.BuildSpec.split("\n").at(-1)], ["NO_SOURCE", '      - echo "hello world"']);
    assert.match(JSON.stringify(t.findResources("AWS::IAM::Policy")), /ecr:BatchGetImage/);
  });

  it("container: a missing Dockerfile fails the app's finish naming the job; under sst dev the job's function says it is not run locally", async () => {
    const deploy = newApp("deploy");
    new Job(new Stack(deploy, "S"), "Img", { handler: "image", runtime: "container", container: { cmd: ["x"], file: "Nope" } });
    await assert.rejects(deploy.finish(), /Failed to build job "image" \(Job "Img"\)\n.*Nope: no such file/);
    const dev = newApp("dev");
    const stack = new Stack(dev, "S");
    new Job(stack, "Img", { handler: "image", runtime: "container", container: { cmd: ["x"] } });
    await dev.finish();
    const envs = Object.values<any>(Template.fromStack(stack).findResources("AWS::Lambda::Function")).map((f) => f.Properties.Environment?.Variables ?? {});
    assert.ok(envs.some((v) => v.SST_DEV_RUNTIME_NOT_RUN === "container" && v.SST_DEBUG_JOB === "true"));
    assert.match(dev.localNotices.find((n) => n.construct === 'Job "Img"')!.local, /no Docker to build or run the image/);
  });
});
