/**
 * Step Functions through the local CloudFormation: a state machine whose DefinitionString
 * is an Fn::Join with DefinitionSubstitutions, Ref and GetAtt as on AWS, an in-place
 * update of its definition, a Definition object, an activity, and the clear failure of
 * DefinitionS3Location.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => {
  t = await startTestCloud();
});
after(() => t.stop());

const role = {
  Type: "AWS::IAM::Role",
  Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }] } },
};

function template(greeting: string, extra: Record<string, unknown> = {}) {
  return {
    Resources: {
      Role: role,
      Machine: {
        Type: "AWS::StepFunctions::StateMachine",
        Properties: {
          RoleArn: { "Fn::GetAtt": ["Role", "Arn"] },
          DefinitionString: { "Fn::Join": ["", ['{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Result":"${greeting}","ResultPath":"$.greeting","Next":"Stack"},', '"Stack":{"Type":"Pass","Result":"', { Ref: "AWS::StackName" }, '","ResultPath":"$.stack","End":true}}}']] },
          DefinitionSubstitutions: { greeting },
          LoggingConfiguration: { Level: "ALL", IncludeExecutionData: true, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: "arn:aws:logs:us-east-1:000000000000:log-group:sfn:*" } }] },
          TracingConfiguration: { Enabled: true },
          Tags: [{ Key: "team", Value: "a" }],
        },
      },
      Object: {
        Type: "AWS::StepFunctions::StateMachine",
        Properties: { RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, StateMachineType: "EXPRESS", Definition: { StartAt: "S", States: { S: { Type: "Succeed" } } } },
      },
      Worker: { Type: "AWS::StepFunctions::Activity", Properties: { Name: "worker" } },
      ...extra,
    },
    Outputs: {
      Ref: { Value: { Ref: "Machine" } },
      Name: { Value: { "Fn::GetAtt": ["Machine", "Name"] } },
      Activity: { Value: { Ref: "Worker" } },
    },
  };
}

async function run(arn: string): Promise<any> {
  const { executionArn } = await t.cloud.stepfunctions.call("StartExecution", { stateMachineArn: arn, input: "{}" });
  for (;;) {
    const d = await t.cloud.stepfunctions.call("DescribeExecution", { executionArn });
    if (d.status !== "RUNNING") return d;
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("a state machine from DefinitionString (Fn::Join + substitutions), its Ref/GetAtt, an update in place, a Definition object and an activity", async () => {
  const { outputs } = await deployTestStack(t.cloud, "sfn", template("hi"));
  assert.match(outputs.Ref!, /^arn:aws:states:us-east-1:000000000000:stateMachine:Machine-[A-Za-z0-9]{12}$/);
  assert.equal(outputs.Name, outputs.Ref!.split(":").at(-1));
  assert.equal(outputs.Activity, "arn:aws:states:us-east-1:000000000000:activity:worker");
  assert.deepEqual(JSON.parse((await run(outputs.Ref!)).output), { greeting: "hi", stack: "sfn" });
  const described = await t.cloud.stepfunctions.call("DescribeStateMachine", { stateMachineArn: outputs.Ref });
  assert.deepEqual(described.tracingConfiguration, { enabled: true });
  assert.equal(described.loggingConfiguration.level, "ALL");

  const updated = await deployTestStack(t.cloud, "sfn", template("hello"), true);
  assert.equal(updated.outputs.Ref, outputs.Ref);
  assert.deepEqual(JSON.parse((await run(outputs.Ref!)).output), { greeting: "hello", stack: "sfn" });

  await t.cloud.cloudformation.call("DeleteStack", { StackName: "sfn" });
  await assert.rejects(t.cloud.stepfunctions.call("DescribeStateMachine", { stateMachineArn: outputs.Ref }), { code: "StateMachineDoesNotExist" });
});

test("DefinitionS3Location fails the deploy naming the resource; an invalid definition gives Step Functions' message", async () => {
  await assert.rejects(deployTestStack(t.cloud, "sfn-s3", { Resources: { Role: role, M: { Type: "AWS::StepFunctions::StateMachine", Properties: { RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, DefinitionS3Location: { Bucket: "b", Key: "k" } } } } }),
    /M: .*DefinitionS3Location is not supported by the local cloud/);
  await assert.rejects(deployTestStack(t.cloud, "sfn-bad", { Resources: { Role: role, M: { Type: "AWS::StepFunctions::StateMachine", Properties: { RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, DefinitionString: '{"StartAt":"X","States":{}}' } } } }),
    /Invalid State Machine Definition/);
});
