import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";

let t: TestCloud;
before(async () => {
  t = await startTestCloud();
  await t.cloud.s3.call("CreateBucket", { Bucket: "nested" });
  await t.cloud.s3.call("PutObject", { Bucket: "nested", Key: "child.json", Body: Buffer.from(JSON.stringify({
    Parameters: { Visibility: { Type: "Number" } },
    Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { VisibilityTimeout: { Ref: "Visibility" } } } },
    Outputs: { QueueUrl: { Value: { Ref: "Q" } } },
  })) });
  await t.cloud.s3.call("PutObject", { Bucket: "nested", Key: "broken.json", Body: Buffer.from(JSON.stringify({
    Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { QueueName: "not valid!" } } },
  })) });
});
after(() => t.stop());

const parent = (visibility: number, key = "child.json") => JSON.stringify({
  Resources: {
    Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: `${t.cloud.endpoint}/nested/${key}`, Parameters: { Visibility: visibility } } },
    Param: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: { "Fn::GetAtt": ["Child", "Outputs.QueueUrl"] } } },
  },
  Outputs: { Url: { Value: { "Fn::GetAtt": ["Child", "Outputs.QueueUrl"] } } },
});

test("nested stacks are created, updated and deleted with their parent", async () => {
  const cfn = t.cloud.cloudformation;
  await cfn.call("CreateStack", { StackName: "parent", TemplateBody: parent(20) });
  const p = (await cfn.call("DescribeStacks", { StackName: "parent" })).Stacks[0];
  assert.equal(p.StackStatus, "CREATE_COMPLETE");
  const childId = (await cfn.call("DescribeStackResource", { StackName: "parent", LogicalResourceId: "Child" })).StackResourceDetail.PhysicalResourceId;
  const child = (await cfn.call("DescribeStacks", { StackName: childId })).Stacks[0];
  assert.match(child.StackName, /^parent-Child-/);
  const url = p.Outputs[0].OutputValue;
  assert.equal(child.Outputs[0].OutputValue, url);
  const attrs = async () => (await t.cloud.sqs.call("GetQueueAttributes", { QueueUrl: url, AttributeNames: ["VisibilityTimeout"] })).Attributes.VisibilityTimeout;
  assert.equal(await attrs(), "20");

  await cfn.call("UpdateStack", { StackName: "parent", TemplateBody: parent(40) });
  assert.equal((await cfn.call("DescribeStacks", { StackName: childId })).Stacks[0].StackStatus, "UPDATE_COMPLETE");
  assert.equal(await attrs(), "40");

  // A child that fails rolls itself and the parent back.
  await cfn.call("UpdateStack", { StackName: "parent", TemplateBody: parent(40, "broken.json") });
  assert.equal((await cfn.call("DescribeStacks", { StackName: "parent" })).Stacks[0].StackStatus, "UPDATE_ROLLBACK_COMPLETE");
  assert.equal(await attrs(), "40");

  await cfn.call("DeleteStack", { StackName: "parent" });
  assert.equal((await cfn.call("DescribeStacks", { StackName: childId })).Stacks[0].StackStatus, "DELETE_COMPLETE");
  await assert.rejects(t.cloud.sqs.call("GetQueueAttributes", { QueueUrl: url, AttributeNames: ["All"] }));
});
