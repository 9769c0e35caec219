/**
 * Function as SST v2's own construct tests describe it (our code asserting the same
 * template facts): placeholder code until the app finishes, then the bundle; defaults;
 * URLs; layers across stacks; inactive stacks; every prop SST v2 accepts; and the
 * local notices for the props the local cloud does not honour.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Template, Match } from "aws-cdk-lib/assertions";
import { App, Stack, Function } from "./index.js";
import { FUNCTION_PROPS, CDK_FUNCTION_OPTIONS } from "./function-props.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
process.env.JSII_DEPRECATED = "quiet";

const root = writeApp({
  "py/requirements.txt": "",
  "py/src/api.py": "def handler(event, context):\n    return 'ok'\n",
  "image/Dockerfile": "FROM scratch\nCOPY app.js /\nCMD [\"app.handler\"]\n",
  "image/app.js": "exports.handler = async () => 'ok';\n",
  "src/lambda.ts": "export const handler = async () => 'ok';\n",
  "src/other.ts": "export const main = async () => 'other';\n",
  "assets/data.txt": "data",
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy" | "remove" = "deploy", extra: Partial<ConstructorParameters<typeof App>[0]> = {}): App {
  return new App({ name: "app", stage: "test", region: "us-east-1", mode, root, outdir: `${root}/.sst/dist-${Math.random()}`, artifactsDir: `${root}/.sst/artifacts-${Math.random()}`, ...extra });
}

/** The app's functions (not the stack's custom resource handler). */
function functions(stack: cdk.Stack): Record<string, any> {
  const all = Template.fromStack(stack).findResources("AWS::Lambda::Function");
  return Object.fromEntries(Object.entries(all).filter(([id]) => !id.startsWith("CustomResourceHandler") && !id.startsWith("LogRetention")));
}
function only(stack: cdk.Stack): any {
  const fns = Object.values(functions(stack));
  assert.equal(fns.length, 1);
  return fns[0].Properties;
}

describe("Function (SST v2's construct tests, our assertions)", () => {
  it("minimum config: placeholder code until the app finishes, 10 s, 1024 MB, X-Ray active, 512 MB disk, no invoke config", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    const fn = new Function(stack, "Function", { handler: "src/lambda.handler" });
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    assert.equal(cfn.handler, "index.placeholder");
    assert.ok((stack.resolve(cfn.code) as any).zipFile, "inline placeholder code");
    await app.finish();
    const built = only(stack);
    assert.deepEqual([built.Timeout, built.MemorySize, built.TracingConfig, built.EphemeralStorage], [10, 1024, { Mode: "Active" }, { Size: 512 }]);
    Template.fromStack(stack).resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
    assert.equal(built.Handler, "src/lambda.handler", "the bundle keeps the source path");
    assert.equal(built.Runtime, "nodejs22.x");
    assert.ok(built.Code.S3Key, "asset code after the build");
  });

  it("bundles every function when the app finishes, side by side, running hooks and copying files", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    const order: string[] = [];
    const hooks = (name: string) => ({
      async beforeBuild(_p: unknown, out: string) { order.push(`before ${name}`); fs.writeFileSync(path.join(out, "hook.txt"), name); await new Promise((r) => setTimeout(r, 50)); },
      async afterBuild(_p: unknown, out: string) { order.push(`after ${name}`); assert.ok(fs.existsSync(path.join(out, "src"))); },
    });
    new Function(stack, "A", { handler: "src/lambda.handler", hooks: hooks("a"), copyFiles: [{ from: "assets/data.txt" }] });
    new Function(stack, "B", { handler: "src/other.main", hooks: hooks("b"), nodejs: { format: "cjs", sourcemap: false } });
    assert.equal(app.deferredTasks.size, 2, "nothing is bundled at construction");
    await app.finish();
    // Both started before either finished: the builds overlap.
    assert.deepEqual(order.slice(0, 2).sort(), ["before a", "before b"]);
    const dirs = fs.readdirSync(app.artifactsDir).filter((d) => d !== "CustomResourceHandler");
    assert.equal(dirs.length, 2);
    const files = dirs.flatMap((d) => fs.readdirSync(path.join(app.artifactsDir, d), { recursive: true }).map(String));
    assert.ok(files.includes("assets/data.txt") && files.includes("hook.txt") && files.includes("src/other.cjs"), files.join(", "));
    const fns = functions(stack);
    const b = Object.entries(fns).find(([id]) => id.startsWith("B"))![1];
    assert.equal(b.Properties.Handler, "src/other.main");
    // A's sourcemap became an asset of its own (uploaded for the Console on AWS); B has none.
    const meta = JSON.stringify(Template.fromStack(stack).toJSON().Outputs.SSTMetadata);
    assert.match(meta, /\\"missingSourcemap\\":true/);
  });

  it("a missing handler, an unknown prop and impossible combinations fail naming the construct and the prop", () => {
    const stack = new Stack(newApp(), "stack");
    assert.throws(() => new Function(stack, "NoHandler", {}), /Function "NoHandler".*"handler": No handler defined for the "NoHandler" Lambda function/);
    assert.throws(() => new Function(stack, "Typo", { handler: "src/lambda.handler", memmorySize: 512 } as any), /Function "Typo".*"memmorySize" is not a prop of Function\. Did you mean "memorySize"\?/);
    assert.throws(() => new Function(stack, "Sg", { handler: "src/lambda.handler", securityGroups: [] }), /"securityGroups": Cannot configure "securityGroups" without "vpc"/);
    assert.throws(() => new Function(stack, "Disk", { handler: "src/lambda.handler", ephemeralStorageSize: cdk.Size.gibibytes(1) } as any), /"ephemeralStorageSize"/);
    assert.throws(() => new Function(stack, "Log", { handler: "src/lambda.handler", logRetention: "fortnight" as any }), /"logRetention" "fortnight" is not a retention/);
  });

  it("a missing handler file fails when the app finishes (a stack may still write it), naming the construct", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    new Function(stack, "Missing", { handler: "src/nope.handler" });
    await assert.rejects(app.finish(), /Function "Missing".*"handler": Failed to build function "src\/nope.handler": Could not find file for handler "src\/nope.handler"/);
  });

  it("functionName as a string or a callback; timeout, memory and disk as numbers or strings", () => {
    const stack = new Stack(newApp(), "stack");
    new Function(stack, "A", { handler: "src/lambda.handler", functionName: "my-fn", timeout: 20, memorySize: 256, diskSize: 2048 });
    new Function(stack, "B", { handler: "src/lambda.handler", functionName: ({ stack: s }) => `${s.stackName}-b`, timeout: "2 minutes", memorySize: "2 GB", diskSize: "1 GB" });
    const fns = Object.values(functions(stack)).map((f) => f.Properties);
    assert.deepEqual(fns.map((f) => [f.FunctionName, f.Timeout, f.MemorySize, f.EphemeralStorage.Size]), [["my-fn", 20, 256, 2048], ["test-app-stack-b", 120, 2048, 1024]]);
  });

  it("tracing disabled, logRetention, disableCloudWatchLogs denies writing logs", () => {
    const stack = new Stack(newApp(), "stack");
    new Function(stack, "Fn", { handler: "src/lambda.handler", tracing: "disabled", logRetention: "one_week", disableCloudWatchLogs: true });
    const t = Template.fromStack(stack);
    assert.equal(only(stack).TracingConfig, undefined);
    t.hasResourceProperties("Custom::LogRetention", { RetentionInDays: 7 });
    t.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Effect: "Deny", Resource: "*" }]) },
    });
  });

  it("url: all origins, methods and headers by default; IAM auth; streaming", () => {
    const stack = new Stack(newApp(), "stack");
    const fn = new Function(stack, "A", { handler: "src/lambda.handler", url: true });
    new Function(stack, "B", { handler: "src/lambda.handler", url: { authorizer: "iam", cors: false, streaming: true } });
    new Function(stack, "C", { handler: "src/lambda.handler", url: { cors: { allowMethods: ["GET", "*"], allowOrigins: ["https://a.example"] } } });
    assert.ok(fn.url);
    const urls = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Url")).map((u: any) => u.Properties);
    assert.deepEqual(urls.map((u) => [u.AuthType, u.InvokeMode, u.Cors]), [
      ["NONE", "BUFFERED", { AllowHeaders: ["*"], AllowMethods: ["*"], AllowOrigins: ["*"] }],
      ["AWS_IAM", "RESPONSE_STREAM", undefined],
      ["NONE", "BUFFERED", { AllowHeaders: ["*"], AllowMethods: ["GET", "*"], AllowOrigins: ["https://a.example"] }],
    ]);
  });

  it("a layer from another stack goes through SSM (a layer ARN cannot be exported); an ARN is imported as is", () => {
    const app = newApp();
    const stack1 = new Stack(app, "stack1");
    const stack2 = new Stack(app, "stack2");
    const layer = new lambda.LayerVersion(stack1, "MyLayer", { code: lambda.Code.fromAsset(path.join(root, "assets")) });
    new Function(stack1, "f1", { handler: "src/lambda.handler", layers: [layer] });
    new Function(stack2, "f2", { handler: "src/lambda.handler", layers: [layer, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"] });
    new Function(stack2, "f3", { handler: "src/lambda.handler", layers: [layer] });
    assert.deepEqual(stack2.dependencies, [stack1]);
    const t1 = Template.fromStack(stack1);
    t1.resourcePropertiesCountIs("AWS::SSM::Parameter", { Value: { Ref: Match.stringLikeRegexp("MyLayer") } }, 1);
    assert.deepEqual(only(stack1).Layers, [{ Ref: Object.keys(t1.findResources("AWS::Lambda::LayerVersion"))[0] }]);
    const f2 = Object.entries(functions(stack2)).find(([id]) => id.startsWith("f2"))![1].Properties;
    assert.match(f2.Layers[0].Ref, /^SsmParameterValue/);
    assert.equal(f2.Layers[1], "arn:aws:lambda:us-east-1:123456789012:layer:x:1");
    Template.fromStack(stack2).resourceCountIs("AWS::Lambda::LayerVersion", 0);
  });

  it("remove mode and inactive stacks keep placeholder code and build nothing, even when the handler file is gone", async () => {
    const app = newApp("remove");
    const stack = new Stack(app, "stack");
    new Function(stack, "Function", { handler: "src/gone.handler", description: "identifier" });
    await app.finish();
    assert.deepEqual([only(stack).Handler, only(stack).Description], ["index.placeholder", "identifier"]);
    const partial = newApp("deploy", { isActiveStack: (n) => n.endsWith("-active") });
    const inactive = new Stack(partial, "other");
    new Function(inactive, "F", { handler: "src/lambda.handler" });
    assert.equal(partial.deferredTasks.size, 0);
  });

  it("dev mode: the stub and SST_FUNCTION_ID, the definition recorded for the dev loop; enableLiveDev: false bundles", async () => {
    const app = newApp("dev");
    const stack = new Stack(app, "stack");
    const live = new Function(stack, "Live", { handler: "src/lambda.handler" });
    new Function(stack, "Deployed", { handler: "src/other.main", enableLiveDev: false });
    await app.finish();
    const fns = functions(stack);
    const liveProps = Object.entries(fns).find(([id]) => id.startsWith("Live"))![1].Properties;
    const deployed = Object.entries(fns).find(([id]) => id.startsWith("Deployed"))![1].Properties;
    assert.equal(liveProps.Environment.Variables.SST_FUNCTION_ID, live.node.addr);
    assert.deepEqual(Object.keys(app.functionDefinitions), [live.node.addr]);
    assert.equal(deployed.Handler, "src/other.main");
    assert.equal(deployed.Environment.Variables.SST_FUNCTION_ID, undefined);
  });

  it("takes every CDK FunctionOption: VPC, DLQ, retries and destinations, initial policy, reserved concurrency", () => {
    const stack = new Stack(newApp(), "stack");
    const vpc = ec2.Vpc.fromVpcAttributes(stack, "Vpc", { vpcId: "vpc-1", availabilityZones: ["us-east-1a"], privateSubnetIds: ["subnet-1"] });
    const dlq = new sqs.Queue(stack, "Dlq");
    new Function(stack, "Fn", {
      handler: "src/lambda.handler", vpc, deadLetterQueue: dlq, retryAttempts: 0, maxEventAge: cdk.Duration.minutes(5),
      reservedConcurrentExecutions: 3, description: "all of it",
    });
    const p = only(stack);
    assert.deepEqual(p.VpcConfig.SubnetIds, ["subnet-1"]);
    assert.ok(p.DeadLetterConfig.TargetArn);
    assert.equal(p.ReservedConcurrentExecutions, 3);
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::EventInvokeConfig", { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
    Template.fromStack(stack).resourceCountIs("AWS::EC2::SecurityGroup", 1);
  });

  it("says once, per construct, what the local cloud does instead of vpc, layers and streaming URLs", () => {
    const app = newApp("dev");
    const stack = new Stack(app, "stack");
    const vpc = ec2.Vpc.fromVpcAttributes(stack, "Vpc", { vpcId: "vpc-1", availabilityZones: ["us-east-1a"], privateSubnetIds: ["subnet-1"] });
    new Function(stack, "Fn", { handler: "src/lambda.handler", vpc, vpcSubnets: { subnets: [] }, layers: ["arn:aws:lambda:us-east-1:1:layer:x:1"], url: { streaming: true } });
    new Function(stack, "Plain", { handler: "src/lambda.handler" });
    const notices = app.localNotices.map((n) => `${n.construct} ${n.prop}`);
    assert.deepEqual(notices, ['Function "Fn" vpc, vpcSubnets', 'Function "Fn" layers', 'Function "Fn" url.streaming']);
  });

  it("FUNCTION_PROPS lists every FunctionOptions key of the installed aws-cdk-lib", () => {
    const dts = fs.readFileSync(path.join(path.dirname(require_resolve("aws-cdk-lib/package.json")), "aws-lambda/lib/function.d.ts"), "utf8");
    const body = dts.slice(dts.indexOf("export interface FunctionOptions"), dts.indexOf("\n}", dts.indexOf("export interface FunctionOptions")));
    const keys = [...body.matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]);
    for (const k of keys) assert.ok((CDK_FUNCTION_OPTIONS as readonly string[]).includes(k), `${k} missing from CDK_FUNCTION_OPTIONS`);
    assert.ok(FUNCTION_PROPS.has("vpc") && FUNCTION_PROPS.has("onFailure") && FUNCTION_PROPS.has("prefetchSecrets"));
  });
});

function require_resolve(spec: string): string {
  return (globalThis as any).require?.resolve?.(spec) ?? new URL(import.meta.resolve(spec)).pathname;
}

describe("Function runtimes other than Node.js (SST v2's template; not run by sst dev)", () => {
  it("container: the handler folder becomes a Docker image asset; the function has PackageType Image and no runtime, handler or layers", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    new Function(stack, "Image", { handler: "image", runtime: "container", architecture: "arm_64", container: { cmd: ["app.handler"], buildArgs: { A: "1" } }, layers: ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"] });
    await app.finish();
    const fn = only(stack);
    assert.equal(fn.PackageType, "Image");
    assert.match(JSON.stringify(fn.Code.ImageUri), /dkr\.ecr/);
    assert.deepEqual([fn.Runtime, fn.Handler, fn.Layers], [undefined, undefined, undefined]);
    assert.equal(fn.Environment.Variables.AWS_NODEJS_CONNECTION_REUSE_ENABLED, undefined, "the keep-alive variable is for Node.js functions only");
    const dir = app.synth().directory;
    const manifest = fs.readdirSync(dir).find((f) => f.endsWith(".assets.json") && fs.readFileSync(path.join(dir, f), "utf8").includes("dockerImages"))!;
    const image = Object.values<any>(JSON.parse(fs.readFileSync(path.join(dir, manifest), "utf8")).dockerImages)[0];
    assert.deepEqual([image.source.platform, image.source.dockerBuildArgs, image.source.dockerFile ?? "Dockerfile"], ["linux/arm64", { A: "1" }, "Dockerfile"]);
  });

  it("container: a Dockerfile that is not there fails the app's finish, naming the function and the file", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    new Function(stack, "Image", { handler: "image", runtime: "container", container: { file: "Dockerfile.garbage" } });
    await assert.rejects(app.finish(), /Failed to build function "image" \(Function "Image"[^\n]*\n.*Dockerfile\.garbage: no such file/);
  });

  it("python: the source folder (where requirements.txt is) is the code, the handler relative to it", async () => {
    const app = newApp();
    const stack = new Stack(app, "stack");
    new Function(stack, "Py", { handler: "py/src/api.handler", runtime: "python3.11", python: { noDocker: true } });
    await app.finish();
    const fn = only(stack);
    assert.deepEqual([fn.Runtime, fn.Handler], ["python3.11", "src/api.handler"]);
    assert.ok(fn.Code.S3Key);
    const out = fs.readdirSync(app.artifactsDir).map((d) => path.join(app.artifactsDir, d)).find((d) => fs.existsSync(path.join(d, "src", "api.py")));
    assert.ok(out, "the source folder is copied into the artifact");
  });

  it("an unknown runtime, and runtimes SST v2 builds with tools this SST does not run, fail when the app finishes, naming the function and the prop", async () => {
    for (const [runtime, message] of [["ruby", /"runtime" "ruby" runtime is unsupported/], ["java17", /"runtime" "java17" functions are built by SST v2 with Gradle/]] as const) {
      const app = newApp();
      const stack = new Stack(app, "stack");
      new Function(stack, "Other", { handler: "src/lambda.handler", runtime: runtime as any });
      await assert.rejects(app.finish(), (e: Error) => /Function "Other"/.test(e.message) && message.test(e.message));
    }
  });

  it("sst dev: a Python function runs from source (it gets an SST_FUNCTION_ID and a definition); a Go one keeps the stub, which says it is not run locally", async () => {
    const app = newApp("dev");
    const stack = new Stack(app, "stack");
    const py = new Function(stack, "Py", { handler: "py/src/api.handler", runtime: "python3.11" });
    new Function(stack, "Go", { handler: "go/main.go", runtime: "go" });
    await app.finish();
    const fns = Object.values(functions(stack));
    const env = (fid: string) => fns.find((f) => f.Properties.Environment.Variables.SST_FUNCTION_ID === fid || f.Properties.Environment.Variables.SST_DEV_RUNTIME_NOT_RUN === fid)?.Properties.Environment.Variables;
    assert.equal(env(py.functionId)?.SST_DEV_RUNTIME_NOT_RUN, undefined);
    assert.equal(env("go")?.SST_FUNCTION_ID, undefined, "the dev loop does not try to run Go");
    assert.deepEqual(Object.values(app.functionDefinitions).map((d) => [d.handler, d.runtime]), [["py/src/api.handler", "python3.11"]]);
    assert.deepEqual(app.localNotices.filter((n) => n.prop === "runtime").map((n) => n.construct), ['Function "Go"']);
    assert.match(app.localNotices.find((n) => n.prop === "runtime")!.local, /sst dev runs only Node\.js and Python handlers locally/);
    const stub = await import(new URL("../../support/dev-stub/index.mjs", import.meta.url).href);
    process.env.SST_DEV_RUNTIME_NOT_RUN = "go";
    try {
      await assert.rejects(stub.handler(), /"go" function is not run locally by sst dev/);
    } finally {
      delete process.env.SST_DEV_RUNTIME_NOT_RUN;
    }
  });

});
