/**
 * State machine versions and aliases through the SDK v3, the AWS CLI and CloudFormation:
 * publishing (idempotent per revision, ConflictException on a stale revision), executions
 * of a version or an alias running the version's definition and naming both, weighted
 * routing, and the checks on routing configurations and deletions.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  SFNClient, CreateStateMachineCommand, UpdateStateMachineCommand, PublishStateMachineVersionCommand, ListStateMachineVersionsCommand,
  DescribeStateMachineCommand, CreateStateMachineAliasCommand, DescribeStateMachineAliasCommand, UpdateStateMachineAliasCommand,
  ListStateMachineAliasesCommand, DeleteStateMachineVersionCommand, DeleteStateMachineAliasCommand, StartExecutionCommand,
 ListExecutionsCommand,
} from "@aws-sdk/client-sfn";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { awsCli, startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished as untilFinished } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/machine";
const says = (word: string) => JSON.stringify({ StartAt: "Say", States: { Say: { Type: "Pass", Result: word, End: true } } });

describe("Step Functions versions and aliases", () => {
  let tc: TestCloud;
  let sfn: SFNClient;

  before(async () => {
    tc = await startTestCloud();
    sfn = new SFNClient(tc.clientConfig);
    await createRole(tc, "machine");
  });
  after(() => tc.stop());

  const finished = (executionArn: string) => untilFinished(sfn, executionArn);
  const run = async (stateMachineArn: string) => finished((await sfn.send(new StartExecutionCommand({ stateMachineArn }))).executionArn!);

  it("publishes versions, runs them and an alias that routes between them", async () => {
    const created = await sfn.send(new CreateStateMachineCommand({ name: "greeter", definition: says("one"), roleArn: ROLE, publish: true, versionDescription: "first" }));
    const machine = created.stateMachineArn!;
    assert.equal(created.stateMachineVersionArn, `${machine}:1`);
    const { revisionId: stale } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine }));
    // Publishing the same revision again answers the same version.
    assert.equal((await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine }))).stateMachineVersionArn, `${machine}:1`);
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machine, definition: says("two") }));
    await assert.rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine, revisionId: stale })), { name: "ConflictException" });
    const v2 = (await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine, revisionId: updated.revisionId, description: "second" }))).stateMachineVersionArn!;
    assert.equal(v2, `${machine}:2`);
    assert.deepEqual((await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: machine }))).stateMachineVersions!.map((v) => v.stateMachineVersionArn), [v2, `${machine}:1`]);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${machine}:1` }));
    assert.equal(described.definition, says("one"));
    assert.equal(described.description, "first");
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machine, definition: says("three") }));

    // A version runs its own definition, whatever the machine holds now.
    const onVersion = await run(`${machine}:1`);
    assert.equal(onVersion.output, '"one"');
    assert.equal(onVersion.stateMachineVersionArn, `${machine}:1`);
    assert.equal(onVersion.stateMachineArn, machine);
    assert.match(onVersion.executionArn!, /:execution:greeter:/);
    assert.equal((await run(machine)).output, '"three"');

    const alias = (await sfn.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn: `${machine}:1`, weight: 100 }] }))).stateMachineAliasArn!;
    assert.equal(alias, `${machine}:live`);
    const onAlias = await run(alias);
    assert.equal(onAlias.output, '"one"');
    assert.equal(onAlias.stateMachineAliasArn, alias);
    assert.equal(onAlias.stateMachineVersionArn, `${machine}:1`);

    // Half and half: over 40 executions both versions run.
    await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias, routingConfiguration: [{ stateMachineVersionArn: `${machine}:1`, weight: 50 }, { stateMachineVersionArn: v2, weight: 50 }] }));
    const outputs = new Set<string>();
    for (let i = 0; i < 40; i++) outputs.add((await run(alias)).output!);
    assert.deepEqual([...outputs].sort(), ['"one"', '"two"']);
    const d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias }));
    assert.deepEqual(d.routingConfiguration, [{ stateMachineVersionArn: `${machine}:1`, weight: 50 }, { stateMachineVersionArn: v2, weight: 50 }]);
    assert.equal((await sfn.send(new ListExecutionsCommand({ stateMachineArn: alias }))).executions!.length, 41);
    assert.deepEqual((await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: machine }))).stateMachineAliases!.map((a) => a.stateMachineAliasArn), [alias]);
  });

  it("refuses bad routing, deleting a version an alias uses, and unknown versions", async () => {
    const machine = (await sfn.send(new CreateStateMachineCommand({ name: "checked", definition: says("x"), roleArn: ROLE, publish: true }))).stateMachineArn!;
    const v1 = `${machine}:1`;
    await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "bad", routingConfiguration: [{ stateMachineVersionArn: v1, weight: 60 }] })), (e: any) => e.name === "ValidationException" && /equal to 100/.test(e.message));
    await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "gone", routingConfiguration: [{ stateMachineVersionArn: `${machine}:9`, weight: 100 }] })), { name: "ResourceNotFound" });
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine}:9` })), { name: "StateMachineDoesNotExist" });
    const alias = (await sfn.send(new CreateStateMachineAliasCommand({ name: "prod", routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }))).stateMachineAliasArn!;
    await assert.rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 })), (e: any) => e.name === "ConflictException" && e.message.includes("[prod]"));
    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias }));
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));
    assert.deepEqual((await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: machine }))).stateMachineVersions, []);
  });

  it("aws stepfunctions starts an execution of an alias", { timeout: 30_000 }, async (t) => {
    // Debian's AWS CLI (2.9) predates versions and aliases: it has no commands for them, but an alias ARN is an ARN it passes on.
    const aws = awsCli(tc.cloud.endpoint);
    if (!aws) return t.skip("no AWS CLI installed");
    const alias = "arn:aws:states:us-east-1:000000000000:stateMachine:greeter:live";
    const { executionArn } = await aws("stepfunctions", "start-execution", "--state-machine-arn", alias);
    const d = await finished(executionArn);
    assert.equal(d.stateMachineAliasArn, alias);
    assert.ok(['"one"', '"two"'].includes(d.output!));
  });

  it("CloudFormation publishes a version and routes an alias to it", async () => {
    const cfn = new CloudFormationClient(tc.clientConfig);
    await cfn.send(new CreateStackCommand({ StackName: "versions", TemplateBody: JSON.stringify({
      Resources: {
        Machine: { Type: "AWS::StepFunctions::StateMachine", Properties: { StateMachineName: "cfn-machine", RoleArn: ROLE, DefinitionString: says("from-cfn") } },
        Version: { Type: "AWS::StepFunctions::StateMachineVersion", Properties: { StateMachineArn: { Ref: "Machine" }, StateMachineRevisionId: { "Fn::GetAtt": ["Machine", "StateMachineRevisionId"] }, Description: "cfn" } },
        Alias: { Type: "AWS::StepFunctions::StateMachineAlias", Properties: { Name: "live", DeploymentPreference: { StateMachineVersionArn: { Ref: "Version" }, Type: "ALL_AT_ONCE" } } },
      },
      Outputs: { VersionArn: { Value: { Ref: "Version" } }, AliasArn: { Value: { "Fn::GetAtt": ["Alias", "Arn"] } } },
    }) }));
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "versions" }))).Stacks![0]!;
    assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
    const out = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    assert.equal(out.VersionArn, "arn:aws:states:us-east-1:000000000000:stateMachine:cfn-machine:1");
    assert.equal(out.AliasArn, "arn:aws:states:us-east-1:000000000000:stateMachine:cfn-machine:live");
    const e = await run(out.AliasArn!);
    assert.equal(e.output, '"from-cfn"');
    assert.equal(e.stateMachineVersionArn, out.VersionArn);
    cfn.destroy();
  });
});
