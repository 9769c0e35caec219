/**
 * The Service construct beyond SST v2's own tests (which `npm run test:sst-v2 Service`
 * runs): where the container image comes from per target, the dev-mode placeholder and
 * the metadata `sst dev` runs `dev.command` from, the URL binding, prop errors naming
 * the construct, and a deploy of the whole template to the local cloud, which records
 * the ECS, load balancer and scaling resources.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { LocalCloud } from "local-cloud";
import { App, Stack, Function, Service, Config, Topic } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { parseSiteParameter } from "../deploy/bind-env.js";
import { localNotices } from "./util/local-notice.js";

process.env.CDK_VALIDATION = "false";

const root = writeApp({
  "web/Dockerfile": "FROM node:20-alpine\nCOPY . .\nCMD [\"node\", \"server.mjs\"]\n",
  "web/server.mjs": "// the container's server\n",
  "worker/index.mjs": "// no Dockerfile: SST v2 would use Nixpacks\n",
  "src/fn.ts": "export const handler = async () => 'ok';\n",
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy" | "remove", target?: "local" | "aws", account?: string): App {
  return new App({ name: "my-app", stage: "dev", region: "us-east-1", mode, target, account, root, outdir: `${root}/.sst/dist-${Math.random()}` });
}

/** The container images of an assembly's asset manifests. */
function dockerImageAssets(dir: string): unknown[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".assets.json"))
    .flatMap((f) => Object.values(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).dockerImages ?? {}));
}

async function synth(app: App, make: (stack: Stack) => void): Promise<Template> {
  const stack = new Stack(app, "web");
  make(stack);
  await app.finish();
  return Template.fromStack(stack);
}

function containerImage(t: Template): unknown {
  const [task] = Object.values<any>(t.findResources("AWS::ECS::TaskDefinition"));
  return task.Properties.ContainerDefinitions[0].Image;
}

describe("Service: the container image", () => {
  it("is the Dockerfile's image as a CDK asset, not built, for sst build and the local cloud", async () => {
    for (const target of [undefined, "local"] as const) {
      const app = newApp("deploy", target);
      const t = await synth(app, (stack) => new Service(stack, "Web", { path: "web", port: 3000 }));
      const image = JSON.stringify(containerImage(t));
      assert.match(image, /container-assets/, `target ${target}: ${image}`);
      assert.equal(dockerImageAssets(app.synth().directory).length, 1);
    }
  });

  it("a local deploy says once that the service is recorded, not run", async () => {
    const app = newApp("deploy", "local");
    await synth(app, (stack) => new Service(stack, "Web", { path: "web", port: 3000 }));
    const notices = localNotices(app).filter((n) => n.construct === 'Service "Web"');
    assert.deepEqual(notices.map((n) => n.prop), ["ECS Fargate"]);
    assert.match(notices[0].local, /runs no containers/);
  });

  it("deploying to AWS builds it with docker first, and without docker fails naming the construct", async () => {
    const app = newApp("deploy", "aws");
    const saved = process.env.PATH;
    process.env.PATH = path.join(root, "no-tools-here");
    try {
      await assert.rejects(
        synth(app, (stack) => new Service(stack, "Web", { path: "web", port: 3000 })),
        /Service "Web"(?: \(.*\))?: "path" the container image is built with Docker when deploying to AWS, and "docker" is not installed/,
      );
    } finally {
      process.env.PATH = saved;
    }
  });

  it("without a Dockerfile (Nixpacks) the template keeps SST v2's placeholder image outside AWS, and AWS needs nixpacks", async () => {
    const app = newApp("deploy", "local");
    const t = await synth(app, (stack) => new Service(stack, "Worker", { path: "worker", port: 3000 }));
    assert.equal(containerImage(t), "placeholder");
    assert.ok(localNotices(app).some((n) => n.construct === 'Service "Worker"' && n.prop === "path" && /Nixpacks/.test(n.local)));

    const aws = newApp("deploy", "aws");
    const saved = process.env.PATH;
    process.env.PATH = path.join(root, "no-tools-here");
    try {
      await assert.rejects(synth(aws, (stack) => new Service(stack, "Worker", { path: "worker", port: 3000 })), /Service "Worker".*: "file" there is no Dockerfile in "worker", and generating one needs Nixpacks/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("sst dev --aws (Live Lambda) with dev.deploy builds for AWS, not for the local cloud", async () => {
    const app = new App({ name: "my-app", stage: "dev", region: "us-east-1", mode: "dev", root, outdir: `${root}/.sst/dist-${Math.random()}`, context: { "sst:live-lambda": true } });
    const saved = process.env.PATH;
    process.env.PATH = path.join(root, "no-tools-here");
    try {
      await assert.rejects(synth(app, (stack) => new Service(stack, "Web", { path: "web", port: 3000, dev: { deploy: true } })), /"docker" is not installed/);
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(localNotices(app).filter((n) => n.construct === 'Service "Web"').length, 0);
  });

  it("cdk.container.image is used as given, and nothing is built", async () => {
    const app = newApp("deploy", "aws");
    const t = await synth(app, (stack) => new Service(stack, "Web", { path: "web", port: 3000, cdk: { container: { image: ecs.ContainerImage.fromRegistry("nginx:1") } } }));
    assert.equal(containerImage(t), "nginx:1");
  });
});

describe("Service under sst dev", () => {
  it("deploys only its placeholder function, with the bindings, and records dev.command for sst dev", async () => {
    const app = newApp("dev");
    let fn!: Function;
    const t = await synth(app, (stack) => {
      const topic = new Topic(stack, "Events");
      const param = new Config.Parameter(stack, "GREETING", { value: "hello" });
      const service = new Service(stack, "Web", {
        path: "web", port: 3000, bind: [param], permissions: [topic], environment: { MODE: "local" },
        dev: { url: "http://localhost:4321", command: "node server.mjs" },
      });
      fn = new Function(stack, "Fn", { handler: "src/fn.handler", bind: [service] });
      assert.equal(service.url, "http://localhost:4321");
      assert.equal(service.cdk, undefined);
    });
    for (const type of ["AWS::ECS::Cluster", "AWS::ECS::TaskDefinition", "AWS::EC2::VPC", "AWS::CloudFront::Distribution", "AWS::ElasticLoadBalancingV2::LoadBalancer"]) {
      assert.equal(Object.keys(t.findResources(type)).length, 0, type);
    }
    // The placeholder function carries what the local process runs with.
    const fns = Object.values<any>(t.findResources("AWS::Lambda::Function")).filter((f) => f.Properties.Description === "Service dev function");
    assert.equal(fns.length, 1);
    const env = fns[0].Properties.Environment.Variables;
    assert.equal(env.SST_Parameter_value_GREETING, "hello");
    assert.equal(env.MODE, "local");
    const policies = JSON.stringify(t.findResources("AWS::IAM::Policy"));
    assert.match(policies, /"sns:\*"/);
    // A function bound to the service gets dev.url.
    const fnEnv = (t.findResources("AWS::Lambda::Function")[Stack.of(fn).getLogicalId(fn.node.defaultChild as any)] as any).Properties.Environment.Variables;
    assert.equal(fnEnv.SST_Service_url_Web, "http://localhost:4321");
    // The dev metadata sst dev reads.
    const [name, value] = Object.entries<any>(t.findResources("AWS::SSM::Parameter"))
      .map(([, r]) => [r.Properties.Name, r.Properties.Value])
      .find(([n]) => n === "/sst/my-app/dev/Service/Web/site/dev")!;
    const json = JSON.parse(typeof value === "string" ? value : value["Fn::Join"][1].map((p: any) => (typeof p === "string" ? p : "ARN")).join(""));
    const meta = parseSiteParameter(name, JSON.stringify(json), "/sst/my-app/dev/")!;
    assert.deepEqual(meta.service, { command: "node server.mjs", directory: "web", url: "http://localhost:4321" });
    assert.equal(meta.path, "web");
    assert.deepEqual(meta.environment, { MODE: "local" });
    assert.equal(meta.server, "ARN");
  });

  it("binds \"localhost\" as the URL when dev.url is not set, and records no command without dev.command", async () => {
    const app = newApp("dev");
    const t = await synth(app, (stack) => {
      const service = new Service(stack, "Web", { path: "web", port: 3000 });
      new Function(stack, "Fn", { handler: "src/fn.handler", bind: [service] });
    });
    assert.match(JSON.stringify(t.toJSON()), /"SST_Service_url_Web":"localhost"/);
    const notice = localNotices(app).find((n) => n.construct === 'Service "Web"');
    assert.equal(notice?.prop, "dev");
    assert.match(notice!.local, /set dev\.command to have sst dev run it/);
    const meta = Object.values<any>(t.findResources("AWS::SSM::Parameter")).find((r) => r.Properties.Name.endsWith("/site/dev"));
    assert.doesNotMatch(JSON.stringify(meta), /"service"/);
  });
});

describe("Service: bad props", () => {
  const cases: [string, any, RegExp][] = [
    ["an unknown prop", { path: "web", port: 3000, memorySize: "1 GB" }, /Service "S".*: "memorySize" is not a prop of Service/],
    ["an unknown dev prop", { path: "web", port: 3000, dev: { comand: "x" } }, /"dev\.comand" is not a prop of Service\. Did you mean "dev\.command"\?/],
    ["a missing port", { path: "web" }, /"port" must be the port the container listens on/],
    ["an empty dev.command", { path: "web", port: 3000, dev: { command: " " } }, /"dev\.command" must be a shell command line/],
    ["dev.command with dev.deploy", { path: "web", port: 3000, dev: { command: "npm run dev", deploy: true } }, /"dev\.command" runs the service on this machine instead of deploying it under sst dev, so it cannot go with "dev\.deploy": true/],
    ["dev.directory without dev.command", { path: "web", port: 3000, dev: { directory: "web" } }, /"dev\.directory" is where "dev\.command" runs; set "dev\.command" too/],
    ["a file as path", { path: "web/Dockerfile", port: 3000 }, /should be a directory\.\nDid you mean:\n\n  \{\n    path: "web",\n    file: "Dockerfile",/],
    ["memory that does not fit the cpu", { path: "web", port: 3000, cpu: "1 vCPU", memory: "1 GB" }, /only the following "memory" settings are supported with "1 vCPU": 2 GB, 3 GB, 4 GB, 5 GB, 6 GB, 7 GB, 8 GB/],
    ["a bad log retention", { path: "web", port: 3000, logRetention: "forever" }, /"logRetention" "forever" is not a retention/],
  ];
  for (const [what, props, error] of cases) {
    it(`fails synth on ${what}`, () => {
      const app = newApp("deploy");
      const stack = new Stack(app, "web");
      assert.throws(() => new Service(stack, "S", props), error);
    });
  }

  it("under sst dev, dev.directory must be a folder", () => {
    const stack = new Stack(newApp("dev"), "web");
    assert.throws(() => new Service(stack, "S", { path: "web", port: 3000, dev: { command: "node server.mjs", directory: "nowhere" } }), /"dev\.directory" is not a folder: .*nowhere/);
  });

  it("sst remove works after the service's folder is gone", async () => {
    const app = newApp("remove");
    const t = await synth(app, (stack) => new Service(stack, "Gone", { path: "no-such-folder", port: 3000 }));
    assert.equal(Object.keys(t.findResources("AWS::ECS::Cluster")).length, 0);
  });
});

describe("Service deployed to the local cloud", () => {
  it("deploys the whole template: ECS, load balancer and scaling recorded with AWS-shaped ids, the image not built", async () => {
    const cloud = await LocalCloud.start({ dir: fs.mkdtempSync(path.join(root, ".cloud-")), port: 0 });
    try {
      const app = newApp("deploy", "local", cloud.accountId);
      const stack = new Stack(app, "web");
      const service = new Service(stack, "Web", { path: "web", port: 3000, scaling: { maxContainers: 4 } });
      stack.addOutputs({ Url: service.url!, Cluster: service.cdk!.cluster!.clusterArn, Alb: service.cdk!.applicationLoadBalancer!.loadBalancerDnsName });
      await app.finish();
      const assembly = app.synth();
      assert.equal(dockerImageAssets(assembly.directory).length, 1);
      const result = await (cloud as any).cloudformation.deployAssembly(assembly.directory, {});
      const outputs = result.stacks[stack.stackName].outputs;
      assert.match(outputs.Cluster, /^arn:aws:ecs:us-east-1:\d{12}:cluster\/dev-my-app-Web$/);
      assert.match(outputs.Alb, /^[a-z0-9-]+-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
      assert.match(outputs.Url, /^http:\/\/[a-z0-9]+\.cloudfront\.localhost/);
      const resources = (await (cloud as any).cloudformation.call("DescribeStackResources", { StackName: stack.stackName })).StackResources;
      const byType = (type: string) => resources.filter((r: any) => r.ResourceType === type);
      assert.match(byType("AWS::ECS::Service")[0].PhysicalResourceId, /^arn:aws:ecs:us-east-1:\d{12}:service\/dev-my-app-Web\//);
      assert.match(byType("AWS::ECS::TaskDefinition")[0].PhysicalResourceId, /^arn:aws:ecs:us-east-1:\d{12}:task-definition\/.+:1$/);
      assert.match(byType("AWS::ApplicationAutoScaling::ScalableTarget")[0].PhysicalResourceId, /^service\/dev-my-app-Web\/.+\|ecs:service:DesiredCount\|ecs$/);
      assert.equal(byType("AWS::ApplicationAutoScaling::ScalingPolicy").length, 3);
      assert.ok(resources.every((r: any) => r.ResourceStatus === "CREATE_COMPLETE"), JSON.stringify(resources.filter((r: any) => r.ResourceStatus !== "CREATE_COMPLETE")));
    } finally {
      await cloud.stop();
    }
  });
});
