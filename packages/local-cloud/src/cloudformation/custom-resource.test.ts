import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../testing.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

/** A handler answering like cfn-response does, with fetch: PUT the result to ResponseURL. */
const HANDLER = `
exports.handler = async (event) => {
  const props = event.ResourceProperties;
  const fail = (event.RequestType === "Create" && props.FailCreate === "yes");
  const body = {
    Status: fail ? "FAILED" : "SUCCESS",
    Reason: fail ? "asked to fail" : undefined,
    PhysicalResourceId: event.RequestType === "Delete" ? event.PhysicalResourceId : "thing-" + props.Name,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Greeting: "hello " + props.Name, RequestType: event.RequestType, Old: event.OldResourceProperties ? event.OldResourceProperties.Name : "none" },
  };
  const res = await fetch(event.ResponseURL, { method: "PUT", body: JSON.stringify(body) });
  if (!res.ok) throw new Error("response PUT failed: " + res.status);
};`;

function template(name: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    Resources: {
      Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
      Fn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 30, Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: HANDLER } } },
      Thing: { Type: "Custom::Thing", Properties: { ServiceToken: { "Fn::GetAtt": ["Fn", "Arn"] }, Name: name, ...extra } },
    },
    Outputs: { Greeting: { Value: { "Fn::GetAtt": ["Thing", "Greeting"] } }, Id: { Value: { Ref: "Thing" } } },
  });
}

const outputs = (s: any) => Object.fromEntries(s.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));

test("custom resources: Create, Update with a new physical id (old one deleted), Delete, FAILED", async () => {
  const cfn = t.cloud.cloudformation;
  await cfn.call("CreateStack", { StackName: "custom", TemplateBody: template("ann"), Capabilities: ["CAPABILITY_IAM"] });
  let s = (await cfn.call("DescribeStacks", { StackName: "custom" })).Stacks[0];
  assert.equal(s.StackStatus, "CREATE_COMPLETE", s.StackStatusReason);
  assert.deepEqual(outputs(s), { Greeting: "hello ann", Id: "thing-ann" });

  await cfn.call("UpdateStack", { StackName: "custom", TemplateBody: template("bob"), Capabilities: ["CAPABILITY_IAM"] });
  s = (await cfn.call("DescribeStacks", { StackName: "custom" })).Stacks[0];
  assert.equal(s.StackStatus, "UPDATE_COMPLETE");
  assert.deepEqual(outputs(s), { Greeting: "hello bob", Id: "thing-bob" });
  const events = (await cfn.call("DescribeStackEvents", { StackName: "custom" })).StackEvents;
  assert.ok(events.some((e: any) => e.PhysicalResourceId === "thing-ann" && e.ResourceStatus === "DELETE_COMPLETE"), "old physical resource deleted in cleanup");

  await cfn.call("CreateStack", { StackName: "custom-fail", TemplateBody: template("carl", { FailCreate: "yes" }), Capabilities: ["CAPABILITY_IAM"] });
  const f = (await cfn.call("DescribeStacks", { StackName: "custom-fail" })).Stacks[0];
  assert.equal(f.StackStatus, "ROLLBACK_COMPLETE");
  const fe = (await cfn.call("DescribeStackEvents", { StackName: "custom-fail" })).StackEvents;
  assert.ok(fe.some((e: any) => e.LogicalResourceId === "Thing" && e.ResourceStatus === "CREATE_FAILED" && /asked to fail/.test(e.ResourceStatusReason)));

  await cfn.call("DeleteStack", { StackName: "custom" });
  const gone = (await cfn.call("ListStacks", { StackStatusFilter: ["DELETE_COMPLETE"] })).StackSummaries;
  assert.ok(gone.some((x: any) => x.StackName === "custom"));
});

test("the response endpoint rejects unknown tokens", async () => {
  const res = await fetch(`${t.cloud.endpoint}/_aws/cloudformation/custom-resource/not-a-token`, { method: "PUT", body: "{}" });
  assert.equal(res.status, 404);
});

test("a custom resource's handler keeps no warm environment after the deploy (an Invoke of it does)", async () => {
  const cfn = t.cloud.cloudformation;
  await cfn.call("CreateStack", { StackName: "custom-idle", TemplateBody: template("dan"), Capabilities: ["CAPABILITY_IAM"] });
  const s = (await cfn.call("DescribeStacks", { StackName: "custom-idle" })).Stacks[0];
  assert.equal(s.StackStatus, "CREATE_COMPLETE", s.StackStatusReason);
  const resources = (await cfn.call("DescribeStackResources", { StackName: "custom-idle" })).StackResources;
  const fn = resources.find((r: any) => r.LogicalResourceId === "Fn").PhysicalResourceId;
  const runtime = (t.cloud.lambda as any).runtime;
  assert.equal(runtime.workerCount(fn), 0, "the handler's environment ended once it answered");
  // The same function invoked as any other keeps its environment warm.
  await t.cloud.lambda.call("Invoke", { FunctionName: fn, Payload: Buffer.from(JSON.stringify({ RequestType: "Create", ResourceProperties: { Name: "x" } })) });
  assert.equal(runtime.workerCount(fn), 1);
  await cfn.call("DeleteStack", { StackName: "custom-idle" });
  assert.equal(runtime.workerCount(fn), 0);
});
