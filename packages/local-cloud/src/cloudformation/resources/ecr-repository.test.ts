/**
 * AWS::ECR::Repository is recorded (no ECR service): the CDK bootstrap stack declares
 * one and its roles' policies reference the repository's Arn.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, DescribeStackEventsCommand, DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { startTestCloud, type TestCloud } from "../../testing.js";

let t: TestCloud;
let cfn: CloudFormationClient;
before(async () => {
  t = await startTestCloud();
  cfn = new CloudFormationClient(t.clientConfig);
});
after(async () => {
  cfn?.destroy();
  await t?.stop();
});

const outputs = async (stack: string) =>
  Object.fromEntries(((await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

test("a named repository: Ref is its name, GetAtt Arn and RepositoryUri as AWS forms them", async () => {
  await cfn.send(new CreateStackCommand({ StackName: "ecr-named", TemplateBody: JSON.stringify({
    Resources: { Repo: { Type: "AWS::ECR::Repository", Properties: { RepositoryName: { "Fn::Sub": "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}" }, ImageTagMutability: "IMMUTABLE" } } },
    Outputs: {
      Name: { Value: { Ref: "Repo" } },
      Arn: { Value: { "Fn::GetAtt": ["Repo", "Arn"] } },
      Uri: { Value: { "Fn::GetAtt": ["Repo", "RepositoryUri"] } },
    },
  }) }));
  assert.deepEqual(await outputs("ecr-named"), {
    Name: "cdk-hnb659fds-container-assets-000000000000-us-east-1",
    Arn: "arn:aws:ecr:us-east-1:000000000000:repository/cdk-hnb659fds-container-assets-000000000000-us-east-1",
    Uri: "000000000000.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-000000000000-us-east-1",
  });
  await cfn.send(new DeleteStackCommand({ StackName: "ecr-named" }));
});

test("an unnamed repository gets a generated lowercase name; an invalid name fails the resource", async () => {
  await cfn.send(new CreateStackCommand({ StackName: "ecr-Generated", TemplateBody: JSON.stringify({
    Resources: { MyRepo: { Type: "AWS::ECR::Repository", Properties: {} } },
    Outputs: { Name: { Value: { Ref: "MyRepo" } } },
  }) }));
  const { Name } = await outputs("ecr-Generated");
  assert.match(Name!, /^[a-z0-9._\/-]+$/);
  assert.ok(Name!.length >= 2);

  await cfn.send(new CreateStackCommand({ StackName: "ecr-bad", TemplateBody: JSON.stringify({
    Resources: { Bad: { Type: "AWS::ECR::Repository", Properties: { RepositoryName: "Not_Lowercase!" } } },
  }) }));
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "ecr-bad" }))).Stacks![0]!;
  assert.match(stack.StackStatus!, /ROLLBACK_COMPLETE|CREATE_FAILED/);
  const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: "ecr-bad" }))).StackEvents ?? [];
  const failed = events.find((e) => e.LogicalResourceId === "Bad" && e.ResourceStatus === "CREATE_FAILED");
  assert.match(failed?.ResourceStatusReason ?? "", /Invalid repository name 'Not_Lowercase!'/);
});
