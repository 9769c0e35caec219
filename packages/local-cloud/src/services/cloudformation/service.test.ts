import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CloudFormationClient, CreateStackCommand, DescribeStacksCommand, UpdateStackCommand, DeleteStackCommand,
  DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStackResourcesCommand, ListStackResourcesCommand,
  ListStacksCommand, GetTemplateCommand, GetTemplateSummaryCommand, ValidateTemplateCommand, CreateChangeSetCommand,
  DescribeChangeSetCommand, ExecuteChangeSetCommand, DeleteChangeSetCommand, ListChangeSetsCommand, ListExportsCommand, ListImportsCommand,
  UpdateTerminationProtectionCommand,
} from "@aws-sdk/client-cloudformation";
import { S3Client, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SQSClient, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { LocalCloud } from "../../cloud.js";

let t: TestCloud;
let cfn: CloudFormationClient;
before(async () => {
  t = await startTestCloud();
  cfn = new CloudFormationClient(t.clientConfig);
});
after(() => t.stop());

const queueTemplate = (visibility: number, extra: Record<string, unknown> = {}) => JSON.stringify({
  Description: "queues",
  Parameters: { Env: { Type: "String", Default: "dev", AllowedValues: ["dev", "prod"] }, Secret: { Type: "String", Default: "s3cr3t", NoEcho: true } },
  Resources: {
    Queue: { Type: "AWS::SQS::Queue", Properties: { VisibilityTimeout: visibility } },
    Name: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Name: { "Fn::Sub": "/app/${Env}/queue" }, Value: { "Fn::GetAtt": ["Queue", "QueueName"] } } },
    ...extra,
  },
  Outputs: {
    QueueUrl: { Value: { Ref: "Queue" }, Export: { Name: { "Fn::Sub": "${AWS::StackName}-QueueUrl" } } },
    QueueArn: { Value: { "Fn::GetAtt": ["Queue", "Arn"] }, Description: "the arn" },
  },
});

async function rejectsWith(p: Promise<unknown>, name: string, message: RegExp) {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.name, name);
    assert.match(e.message, message);
    return true;
  });
}

test("CreateStack finishes before answering; DescribeStacks shows outputs and masks NoEcho", async () => {
  const { StackId } = await cfn.send(new CreateStackCommand({ StackName: "api-q", TemplateBody: queueTemplate(45) }));
  assert.match(StackId!, /^arn:aws:cloudformation:us-east-1:000000000000:stack\/api-q\//);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: "api-q" }));
  const s = Stacks![0];
  assert.equal(s.StackStatus, "CREATE_COMPLETE");
  assert.equal(s.Description, "queues");
  assert.deepEqual(s.Parameters?.find((p) => p.ParameterKey === "Secret")?.ParameterValue, "****");
  const url = s.Outputs!.find((o) => o.OutputKey === "QueueUrl")!;
  assert.equal(url.ExportName, "api-q-QueueUrl");
  const attrs = await new SQSClient(t.clientConfig).send(new GetQueueAttributesCommand({ QueueUrl: url.OutputValue, AttributeNames: ["VisibilityTimeout"] }));
  assert.equal(attrs.Attributes?.VisibilityTimeout, "45");
  const param = await t.cloud.ssm.call("GetParameter", { Name: "/app/dev/queue" });
  assert.match(param.Parameter.Value, /^api-q-Queue-[A-Z0-9]+$/);
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: "api-q", TemplateBody: queueTemplate(45) })), "AlreadyExistsException", /Stack \[api-q\] already exists/);
});

test("describe operations: resources, events, templates", async () => {
  const r = await cfn.send(new DescribeStackResourceCommand({ StackName: "api-q", LogicalResourceId: "Queue" }));
  assert.equal(r.StackResourceDetail?.ResourceType, "AWS::SQS::Queue");
  assert.equal(r.StackResourceDetail?.ResourceStatus, "CREATE_COMPLETE");
  const all = await cfn.send(new DescribeStackResourcesCommand({ StackName: "api-q" }));
  assert.equal(all.StackResources?.length, 2);
  const list = await cfn.send(new ListStackResourcesCommand({ StackName: "api-q" }));
  assert.deepEqual(list.StackResourceSummaries?.map((x) => x.LogicalResourceId).sort(), ["Name", "Queue"]);
  const ev = await cfn.send(new DescribeStackEventsCommand({ StackName: "api-q" }));
  assert.equal(ev.StackEvents?.[0].ResourceStatus, "CREATE_COMPLETE");
  assert.equal(ev.StackEvents?.[0].LogicalResourceId, "api-q");
  const tpl = await cfn.send(new GetTemplateCommand({ StackName: "api-q" }));
  assert.equal(tpl.TemplateBody, queueTemplate(45));
  const summary = await cfn.send(new GetTemplateSummaryCommand({ StackName: "api-q" }));
  assert.deepEqual(summary.ResourceTypes?.sort(), ["AWS::SQS::Queue", "AWS::SSM::Parameter"]);
  const listed = await cfn.send(new ListStacksCommand({ StackStatusFilter: ["CREATE_COMPLETE"] }));
  assert.ok(listed.StackSummaries?.some((x) => x.StackName === "api-q"));
  await rejectsWith(cfn.send(new DescribeStacksCommand({ StackName: "nope" })), "ValidationError", /^Stack with id nope does not exist$/);
  await rejectsWith(cfn.send(new DescribeStackResourceCommand({ StackName: "api-q", LogicalResourceId: "Ghost" })), "ValidationError", /Resource Ghost does not exist for stack api-q/);
});

test("UpdateStack: in-place change, then 'No updates are to be performed.'", async () => {
  await cfn.send(new UpdateStackCommand({ StackName: "api-q", TemplateBody: queueTemplate(90) }));
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: "api-q" }));
  assert.equal(Stacks![0].StackStatus, "UPDATE_COMPLETE");
  const url = Stacks![0].Outputs!.find((o) => o.OutputKey === "QueueUrl")!.OutputValue!;
  const attrs = await new SQSClient(t.clientConfig).send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["VisibilityTimeout"] }));
  assert.equal(attrs.Attributes?.VisibilityTimeout, "90");
  await rejectsWith(cfn.send(new UpdateStackCommand({ StackName: "api-q", TemplateBody: queueTemplate(90) })), "ValidationError", /^No updates are to be performed\.$/);
  await rejectsWith(cfn.send(new UpdateStackCommand({ StackName: "api-q", UsePreviousTemplate: true, Parameters: [{ ParameterKey: "Env", ParameterValue: "qa" }] })), "ValidationError", /Parameter 'Env' must be one of AllowedValues/);
});

test("change sets: CREATE for a new stack, Modify/Replacement details, execute", async () => {
  const prod = [{ ParameterKey: "Env", ParameterValue: "prod" }];
  const created = await cfn.send(new CreateChangeSetCommand({ StackName: "cs-stack", ChangeSetName: "first", ChangeSetType: "CREATE", TemplateBody: queueTemplate(30), Parameters: prod }));
  const review = await cfn.send(new DescribeStacksCommand({ StackName: "cs-stack" }));
  assert.equal(review.Stacks![0].StackStatus, "REVIEW_IN_PROGRESS");
  const d = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
  assert.equal(d.Status, "CREATE_COMPLETE");
  assert.equal(d.ExecutionStatus, "AVAILABLE");
  assert.deepEqual(d.Changes?.map((c) => `${c.ResourceChange?.Action} ${c.ResourceChange?.LogicalResourceId}`).sort(), ["Add Name", "Add Queue"]);
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: "first", StackName: "cs-stack" }));
  assert.equal((await cfn.send(new DescribeStacksCommand({ StackName: "cs-stack" }))).Stacks![0].StackStatus, "CREATE_COMPLETE");

  const tpl = JSON.parse(queueTemplate(31));
  tpl.Resources.Name.Properties.Name = "/renamed"; // replacement
  await cfn.send(new CreateChangeSetCommand({ StackName: "cs-stack", ChangeSetName: "second", TemplateBody: JSON.stringify(tpl), Parameters: prod }));
  const d2 = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "second", StackName: "cs-stack" }));
  const byId = Object.fromEntries(d2.Changes!.map((c) => [c.ResourceChange!.LogicalResourceId, c.ResourceChange!]));
  assert.equal(byId.Queue.Action, "Modify");
  assert.equal(byId.Queue.Replacement, "False");
  assert.equal(byId.Name.Replacement, "True");
  const sets = await cfn.send(new ListChangeSetsCommand({ StackName: "cs-stack" }));
  assert.deepEqual(sets.Summaries?.map((s) => s.ChangeSetName), ["second"]);
  await cfn.send(new CreateChangeSetCommand({ StackName: "cs-stack", ChangeSetName: "same", TemplateBody: queueTemplate(30), Parameters: prod }));
  const same = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "same", StackName: "cs-stack" }));
  assert.equal(same.Status, "FAILED");
  assert.match(same.StatusReason!, /didn't contain changes/);
  await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: "same", StackName: "cs-stack" }));
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: "second", StackName: "cs-stack" }));
  assert.equal((await t.cloud.ssm.call("GetParameter", { Name: "/renamed" })).Parameter.Name, "/renamed");
  await assert.rejects(t.cloud.ssm.call("GetParameter", { Name: "/app/prod/queue" }));
  await rejectsWith(cfn.send(new DescribeChangeSetCommand({ ChangeSetName: "second", StackName: "cs-stack" })), "ChangeSetNotFoundException", /ChangeSet \[second\] does not exist/);
  // By name, deleting a change set that is gone succeeds (the CDK toolkit does it before
  // every update); by ARN, or on a stack that does not exist, it is not found.
  await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: "second", StackName: "cs-stack" }));
  await rejectsWith(cfn.send(new DeleteChangeSetCommand({ ChangeSetName: "arn:aws:cloudformation:us-east-1:000000000000:changeSet/second/0000" })), "ChangeSetNotFoundException", /does not exist/);
  await rejectsWith(cfn.send(new DeleteChangeSetCommand({ ChangeSetName: "second", StackName: "no-such-stack" })), "ChangeSetNotFoundException", /does not exist/);
});

test("exports and imports; an imported export blocks deletion", async () => {
  const ex = await cfn.send(new ListExportsCommand({}));
  assert.ok(ex.Exports?.some((e) => e.Name === "api-q-QueueUrl"));
  await cfn.send(new CreateStackCommand({ StackName: "importer", TemplateBody: JSON.stringify({
    Resources: { P: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: { "Fn::ImportValue": "api-q-QueueUrl" } } } },
  }) }));
  const imp = await cfn.send(new ListImportsCommand({ ExportName: "api-q-QueueUrl" }));
  assert.deepEqual(imp.Imports, ["importer"]);
  await rejectsWith(cfn.send(new DeleteStackCommand({ StackName: "api-q" })), "ValidationError", /Export api-q-QueueUrl cannot be deleted as it is in use by importer/);
  await cfn.send(new DeleteStackCommand({ StackName: "importer" }));
  await cfn.send(new DeleteStackCommand({ StackName: "api-q" }));
  await rejectsWith(cfn.send(new DescribeStacksCommand({ StackName: "api-q" })), "ValidationError", /does not exist/);
  await cfn.send(new DeleteStackCommand({ StackName: "never-existed" }));
});

test("TemplateURL from the local S3; capabilities; template errors", async () => {
  const s3 = new S3Client(t.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "templates" }));
  const body = JSON.stringify({ Resources: { R: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } } } });
  await s3.send(new PutObjectCommand({ Bucket: "templates", Key: "dir/role.json", Body: body }));
  const url = `${t.cloud.endpoint}/templates/dir/role.json`;
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: "roles", TemplateURL: url })), "InsufficientCapabilitiesException", /Requires capabilities : \[CAPABILITY_IAM\]/);
  await cfn.send(new CreateStackCommand({ StackName: "roles", TemplateURL: url, Capabilities: ["CAPABILITY_IAM"] }));
  const role = (await cfn.send(new DescribeStackResourceCommand({ StackName: "roles", LogicalResourceId: "R" }))).StackResourceDetail!.PhysicalResourceId!;
  const got = await t.cloud.iam.call("GetRole", { RoleName: role });
  assert.equal(got.Role.RoleName, role);
  const v = await cfn.send(new ValidateTemplateCommand({ TemplateURL: `https://templates.s3.amazonaws.com/dir/role.json` }));
  assert.deepEqual(v.Capabilities, ["CAPABILITY_IAM"]);
  await rejectsWith(cfn.send(new ValidateTemplateCommand({ TemplateBody: "{ nope" })), "ValidationError", /Template format error/);
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: "bad", TemplateBody: JSON.stringify({ Resources: { X: { Type: "AWS::Foo::Bar" } } }) })), "ValidationError", /Unsupported resource type AWS::Foo::Bar for X/);
  await rejectsWith(cfn.send(new CreateStackCommand({ StackName: "1bad", TemplateBody: body })), "ValidationError", /failed to satisfy constraint/);
});

test("a failed create ends in ROLLBACK_COMPLETE with the failure in the events", async () => {
  const tpl = { Resources: {
    Ok: { Type: "AWS::SQS::Queue", Properties: {} },
    Bad: { Type: "AWS::SQS::Queue", DependsOn: "Ok", Properties: { QueueName: "bad name!" } },
  } };
  await cfn.send(new CreateStackCommand({ StackName: "fails", TemplateBody: JSON.stringify(tpl) }));
  const s = (await cfn.send(new DescribeStacksCommand({ StackName: "fails" }))).Stacks![0];
  assert.equal(s.StackStatus, "ROLLBACK_COMPLETE");
  const ev = (await cfn.send(new DescribeStackEventsCommand({ StackName: "fails" }))).StackEvents!;
  assert.ok(ev.some((e) => e.LogicalResourceId === "Bad" && e.ResourceStatus === "CREATE_FAILED" && e.ResourceStatusReason));
  assert.ok(ev.some((e) => e.LogicalResourceId === "Ok" && e.ResourceStatus === "DELETE_COMPLETE"));
  await rejectsWith(cfn.send(new UpdateStackCommand({ StackName: "fails", TemplateBody: JSON.stringify(tpl) })), "ValidationError", /is in ROLLBACK_COMPLETE state and can not be updated/);
  await cfn.send(new CreateStackCommand({ StackName: "fails-deleted", TemplateBody: JSON.stringify(tpl), OnFailure: "DELETE" }));
  await rejectsWith(cfn.send(new DescribeStacksCommand({ StackName: "fails-deleted" })), "ValidationError", /does not exist/);
});

test("stack state survives a restart", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfn-restart-"));
  try {
    let cloud = await LocalCloud.start({ dir, port: 0 });
    await cloud.cloudformation.call("CreateStack", { StackName: "durable", TemplateBody: queueTemplate(30) });
    const port = cloud.port;
    await cloud.stop();
    // The same port: on another one the queue's URL moves (see endpoint-move.test.ts).
    cloud = await LocalCloud.start({ dir, port });
    try {
      const out = await cloud.cloudformation.call("DescribeStacks", { StackName: "durable" });
      assert.equal(out.Stacks[0].StackStatus, "CREATE_COMPLETE");
      await assert.rejects(cloud.cloudformation.call("UpdateStack", { StackName: "durable", TemplateBody: queueTemplate(30) }), /No updates are to be performed/);
    } finally {
      await cloud.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A raw signed awsQuery request, for inputs the SDK would never send. */
async function rawQuery(body: string): Promise<{ status: number; text: string }> {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { createHash, createHmac } = await import("node:crypto");
  class Sha256 {
    private h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
    constructor(secret?: any) { this.h = secret ? createHmac("sha256", secret) : createHash("sha256"); }
    update(d: any) { this.h.update(typeof d === "string" ? Buffer.from(d) : d); }
    async digest() { return new Uint8Array(this.h.digest()); }
  }
  const url = new URL(t.cloud.endpoint);
  const signer = new SignatureV4({ service: "cloudformation", region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, sha256: Sha256 as any });
  const signed = await signer.sign({
    method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/",
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" }, body,
  } as any);
  const res = await fetch(t.cloud.endpoint + "/", { method: "POST", headers: (signed as any).headers as Record<string, string>, body });
  return { status: res.status, text: await res.text() };
}

test("bad wire input answers with AWS errors and never crashes the service", async () => {
  const bogus = await rawQuery("Action=Bogus&Version=2010-05-15");
  assert.equal(bogus.status, 400);
  assert.match(bogus.text, /<Code>InvalidAction<\/Code>/);
  const noName = await rawQuery("Action=CreateStack&Version=2010-05-15&TemplateBody=%7B%7D");
  assert.equal(noName.status, 400);
  assert.match(noName.text, /<Code>ValidationError<\/Code>.*stackName/);
  const garbage = await rawQuery("Action=CreateStack&Version=2010-05-15&StackName=g&TemplateBody=%5B1%2C2");
  assert.match(garbage.text, /<Code>ValidationError<\/Code>/);
  // A tag without its Key and Value: CloudFormation's constraints, named by their path.
  const tagless = await rawQuery("Action=CreateStack&Version=2010-05-15&StackName=t&Tags.member.1=x&TemplateBody=%7B%7D");
  assert.equal(tagless.status, 400);
  assert.match(tagless.text, /<Code>ValidationError<\/Code><Message>2 validation errors detected: Value null at &apos;tags.1.member.key&apos; failed to satisfy constraint: Member must not be null; Value null at &apos;tags.1.member.value&apos;/);
  const weird = await rawQuery("Action=CreateStack&Version=2010-05-15&StackName=w&Parameters=abc&TemplateBody=" +
    encodeURIComponent(JSON.stringify({ Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { DelaySeconds: { "Fn::Select": [9, []] } } } } })));
  assert.equal(weird.status, 200);
  const s = await cfn.send(new DescribeStacksCommand({ StackName: "w" }));
  assert.equal(s.Stacks![0].StackStatus, "ROLLBACK_COMPLETE");
  const ok = await rawQuery("Action=ListStacks&Version=2010-05-15");
  assert.equal(ok.status, 200);
  assert.match(ok.text, /<ListStacksResponse xmlns="http:\/\/cloudformation.amazonaws.com\/doc\/2010-05-15\/"><ListStacksResult><StackSummaries><member>/);
});

test("DescribeStackEvents pages with NextToken", async () => {
  const resources = Object.fromEntries(Array.from({ length: 60 }, (_, n) => [`M${n}`, { Type: "AWS::CDK::Metadata", Properties: { Analytics: `v${n}` } }]));
  await cfn.send(new CreateStackCommand({ StackName: "many", TemplateBody: JSON.stringify({ Resources: resources }) }));
  const first = await cfn.send(new DescribeStackEventsCommand({ StackName: "many" }));
  assert.equal(first.StackEvents?.length, 100);
  assert.ok(first.NextToken);
  const second = await cfn.send(new DescribeStackEventsCommand({ StackName: "many", NextToken: first.NextToken }));
  assert.equal(second.StackEvents?.length, 22);
  assert.equal(second.NextToken, undefined);
  assert.equal(second.StackEvents?.at(-1)?.ResourceStatusReason, "User Initiated");
});

test("termination protection blocks DeleteStack until turned off", async () => {
  await cfn.send(new CreateStackCommand({ StackName: "protected", EnableTerminationProtection: true, TemplateBody: JSON.stringify({ Resources: { M: { Type: "AWS::CDK::Metadata" } } }) }));
  assert.equal((await cfn.send(new DescribeStacksCommand({ StackName: "protected" }))).Stacks![0].EnableTerminationProtection, true);
  await rejectsWith(cfn.send(new DeleteStackCommand({ StackName: "protected" })), "ValidationError", /cannot be deleted while TerminationProtection is enabled/);
  await cfn.send(new UpdateTerminationProtectionCommand({ StackName: "protected", EnableTerminationProtection: false }));
  await cfn.send(new DeleteStackCommand({ StackName: "protected" }));
  await rejectsWith(cfn.send(new DescribeStacksCommand({ StackName: "protected" })), "ValidationError", /does not exist/);
});
