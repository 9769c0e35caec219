import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  CodeBuildClient, CreateProjectCommand, StartBuildCommand, BatchGetBuildsCommand, StopBuildCommand,
  ListBuildsForProjectCommand, DeleteProjectCommand, BatchGetProjectsCommand, type Build,
} from "@aws-sdk/client-codebuild";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { S3Client, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SSMClient, PutParameterCommand } from "@aws-sdk/client-ssm";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { zipSync, strToU8 } from "fflate";
import { awsCliPath, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let cb: CodeBuildClient;
let roleArn: string;

before(async () => {
  tc = await startTestCloud();
  cb = new CodeBuildClient(tc.clientConfig);
  const iam = new IAMClient(tc.clientConfig);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  roleArn = (await iam.send(new CreateRoleCommand({ RoleName: "builder", AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({
    RoleName: "builder", PolicyName: "p",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] }),
  }));
  iam.destroy();
  const s3 = new S3Client(tc.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "sources" }));
  const zip = zipSync({
    "job.mjs": strToU8(`import fs from "node:fs";\nconsole.log("job got", process.env.SST_PAYLOAD, fs.readFileSync("data/note.txt", "utf8").trim());\n`),
    "data/note.txt": strToU8("from the zip\n"),
  });
  await s3.send(new PutObjectCommand({ Bucket: "sources", Key: "job.zip", Body: zip }));
  s3.destroy();
  const ssm = new SSMClient(tc.clientConfig);
  await ssm.send(new PutParameterCommand({ Name: "/app/secret", Value: "s3cret", Type: "SecureString" }));
  ssm.destroy();
});

after(async () => {
  cb?.destroy();
  await tc?.stop();
});

function project(name: string, buildspec: string, extra: Record<string, unknown> = {}) {
  return new CreateProjectCommand({
    name,
    source: { type: "S3", location: "sources/job.zip", buildspec },
    artifacts: { type: "NO_ARTIFACTS" },
    environment: {
      type: "LINUX_CONTAINER", image: "amazon/aws-lambda-nodejs:18", computeType: "BUILD_GENERAL1_SMALL",
      environmentVariables: [{ name: "GREETING", value: "project" }, { name: "KEPT", value: "kept" }, { name: "SECRET", value: "/app/secret", type: "PARAMETER_STORE" }],
    },
    serviceRole: roleArn,
    ...extra,
  });
}

async function finished(id: string): Promise<Build> {
  for (;;) {
    const { builds } = await cb.send(new BatchGetBuildsCommand({ ids: [id] }));
    if (builds![0].buildComplete) return builds![0];
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function logLines(build: Build): Promise<string[]> {
  const logs = new CloudWatchLogsClient(tc.clientConfig);
  // Log lines are shipped in batches (~200 ms).
  await new Promise((r) => setTimeout(r, 400));
  const out = await logs.send(new GetLogEventsCommand({ logGroupName: build.logs!.groupName, logStreamName: build.logs!.streamName, startFromHead: true }));
  logs.destroy();
  return out.events!.map((e) => e.message!);
}

test("a build runs the buildspec's commands on the source from S3, with overrides, parameters and a shell kept across commands", async () => {
  const spec = [
    "version: 0.2",
    "env:",
    "  variables:",
    "    GREETING: buildspec",
    "    FROM_SPEC: spec",
    "phases:",
    "  build:",
    "    commands:",
    "      - node job.mjs",
    "      - echo \"greeting=$GREETING kept=$KEPT spec=$FROM_SPEC secret=$SECRET\"",
    "      - cd data && export INNER=1",
    "      - echo \"in $(basename $PWD) inner=$INNER\"",
  ].join("\n");
  await cb.send(project("runs", spec));
  const { build } = await cb.send(new StartBuildCommand({
    projectName: "runs",
    environmentVariablesOverride: [{ name: "GREETING", value: "override" }, { name: "SST_PAYLOAD", value: '{"n":1}' }],
  }));
  assert.match(build!.id!, /^runs:[0-9a-f-]{36}$/);
  assert.equal(build!.buildStatus, "IN_PROGRESS");
  const done = await finished(build!.id!);
  assert.equal(done.buildStatus, "SUCCEEDED");
  assert.equal(done.buildNumber, 1);
  assert.deepEqual(done.phases!.map((p) => p.phaseType), ["SUBMITTED", "DOWNLOAD_SOURCE", "BUILD", "COMPLETED"]);
  const lines = await logLines(done);
  assert.ok(lines.includes('job got {"n":1} from the zip'), lines.join("\n"));
  assert.ok(lines.includes("greeting=override kept=kept spec=spec secret=s3cret"), lines.join("\n"));
  assert.ok(lines.includes("in data inner=1"), lines.join("\n"));
  const listed = await cb.send(new ListBuildsForProjectCommand({ projectName: "runs" }));
  assert.deepEqual(listed.ids, [build!.id]);
});

test("a failing build phase fails the build, still runs post_build, and says which command failed", async () => {
  const spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo before\n      - exit 3\n      - echo never\n  post_build:\n    commands:\n      - echo cleanup\n";
  await cb.send(project("fails", spec));
  const { build } = await cb.send(new StartBuildCommand({ projectName: "fails" }));
  const done = await finished(build!.id!);
  assert.equal(done.buildStatus, "FAILED");
  const phase = done.phases!.find((p) => p.phaseType === "BUILD")!;
  assert.equal(phase.phaseStatus, "FAILED");
  assert.match(phase.contexts![0].message!, /exit status 3/);
  assert.equal(done.phases!.find((p) => p.phaseType === "POST_BUILD")!.phaseStatus, "SUCCEEDED");
  const lines = await logLines(done);
  assert.ok(lines.includes("before") && lines.includes("cleanup") && !lines.includes("never"), lines.join("\n"));
});

test("StopBuild ends a running build (its processes with it) as STOPPED", async () => {
  await cb.send(project("stops", "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 30\n"));
  const { build } = await cb.send(new StartBuildCommand({ projectName: "stops" }));
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  const stopped = await cb.send(new StopBuildCommand({ id: build!.id! }));
  assert.ok(Date.now() - started < 5000);
  assert.equal(stopped.build!.buildStatus, "STOPPED");
  assert.equal(stopped.build!.buildComplete, true);
});

test("the build acts as its service role: what the role may not do is denied", { skip: !awsCliPath() && "no AWS CLI" }, async () => {
  const cli = awsCliPath()!;
  const spec = [
    "version: 0.2",
    "phases:",
    "  build:",
    "    commands:",
    `      - ${cli} --endpoint-url $AWS_ENDPOINT_URL sts get-caller-identity --query Arn --output text`,
    `      - ${cli} --endpoint-url $AWS_ENDPOINT_URL ssm get-parameter --name /app/secret --with-decryption --query Parameter.Value --output text`,
    `      - ${cli} --endpoint-url $AWS_ENDPOINT_URL sqs list-queues`,
  ].join("\n");
  await cb.send(project("acts-as-role", spec));
  const { build } = await cb.send(new StartBuildCommand({
    projectName: "acts-as-role",
    environmentVariablesOverride: [{ name: "AWS_CONFIG_FILE", value: "/nonexistent/config" }, { name: "AWS_SHARED_CREDENTIALS_FILE", value: "/nonexistent/credentials" }],
  }));
  const done = await finished(build!.id!);
  const lines = await logLines(done);
  assert.equal(done.buildStatus, "FAILED", lines.join("\n"));
  assert.ok(lines.some((l) => /assumed-role\/builder\/AWSCodeBuild-/.test(l)), lines.join("\n"));
  assert.ok(lines.includes("s3cret"), lines.join("\n"));
  assert.ok(lines.some((l) => /AccessDenied|not authorized/.test(l)), lines.join("\n"));
});

test("errors as CodeBuild answers them", async () => {
  await assert.rejects(cb.send(new StartBuildCommand({ projectName: "nope" })), (e: any) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.message, "Project cannot be found: arn:aws:codebuild:us-east-1:000000000000:project/nope");
    return true;
  });
  await assert.rejects(cb.send(project("runs", "version: 0.2")), (e: any) => e.name === "ResourceAlreadyExistsException");
  // The model's pattern, checked before anything else, as AWS's validation does.
  await assert.rejects(cb.send(project("bad name!", "version: 0.2")), (e: any) => e.name === "ValidationException" && /at 'name' failed to satisfy constraint/.test(e.message));
  await cb.send(project("bad-spec", "version: 0.2\nphases: [\n"));
  const { build } = await cb.send(new StartBuildCommand({ projectName: "bad-spec" }));
  const done = await finished(build!.id!);
  assert.equal(done.buildStatus, "FAILED");
  assert.match(done.phases!.find((p) => p.phaseType === "DOWNLOAD_SOURCE")!.contexts![0].message!, /YAML_FILE_ERROR/);
  await cb.send(new DeleteProjectCommand({ name: "bad-spec" }));
  const got = await cb.send(new BatchGetProjectsCommand({ names: ["bad-spec", "runs"] }));
  assert.deepEqual(got.projectsNotFound, ["bad-spec"]);
  assert.equal(got.projects![0].name, "runs");
});
