/**
 * EventBus: the resources, logical ids and names SST v2 gives rules, targets and
 * subscribers (so a deployed SST v2 app updates in place), the retrier, and the errors.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Template, Match } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { App, Stack, Function, EventBus, Queue, Table } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
const root = writeApp({ "src/a.ts": "export const handler = async () => 'a';\n" });
after(() => removeApp(root));

function stack(): Stack {
  const app = new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/d${Math.random()}` });
  return new Stack(app, "S");
}

/** Logical id of the one resource of `type` whose properties match. */
function logicalIdOf(t: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(t.findResources(type, { Properties: Match.objectLike(props) }));
  assert.equal(found.length, 1, `one ${type} matching ${JSON.stringify(props)}, found ${found.join(", ")}`);
  return found[0]!;
}

describe("EventBus resources", () => {
  it("names the bus and rules like SST v2 and gives targets SST v2's ids", () => {
    const s = stack();
    const bus = new EventBus(s, "Bus", {
      rules: { rule1: { pattern: { source: ["app"], detailType: ["user.created"] }, targets: { "0": "src/a.handler", "1": "src/a.handler" } } },
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties("AWS::Events::EventBus", { Name: "dev-my-app-Bus" });
    const busId = logicalIdOf(t, "AWS::Events::EventBus");
    assert.match(busId, /^BusEventBus[0-9A-F]{8}$/);
    t.hasResourceProperties("AWS::Events::Rule", {
      Name: "dev-my-app-rule1",
      EventBusName: { Ref: busId },
      EventPattern: { source: ["app"], "detail-type": ["user.created"] },
      State: "ENABLED",
      Targets: [Match.objectLike({ Id: "Target0" }), Match.objectLike({ Id: "Target1" })],
    });
    assert.match(logicalIdOf(t, "AWS::Events::Rule"), /^Busrule1[0-9A-F]{8}$/);
    assert.ok(bus.getRule("rule1"));
    const fnIds = Object.keys(t.findResources("AWS::Lambda::Function"));
    assert.ok(fnIds.some((id) => /^BusTargetBusrule10[0-9A-F]{8}$/.test(id)), fnIds.join(", "));
    assert.ok(bus.getFunction("rule1", "1"));
  });

  it("imports an existing bus, or takes bus props (a partner source names the bus)", () => {
    const s = stack();
    new EventBus(s, "Imported", {
      cdk: { eventBus: events.EventBus.fromEventBusArn(s, "B", "arn:aws:events:us-east-1:123456789012:event-bus/default") },
      rules: { imported: { pattern: { source: ["x"] }, targets: { t: "src/a.handler" } } },
    });
    new EventBus(s, "Partner", { cdk: { eventBus: { eventSourceName: "aws.partner/auth0.com/source" } } });
    const t = Template.fromStack(s);
    t.resourceCountIs("AWS::Events::EventBus", 1);
    t.hasResourceProperties("AWS::Events::EventBus", { Name: "aws.partner/auth0.com/source", EventSourceName: "aws.partner/auth0.com/source" });
    t.hasResourceProperties("AWS::Events::Rule", { Name: "dev-my-app-imported", EventBusName: "default" });
  });

  it("lets pattern win over cdk.rule.eventPattern, keeps cdk.rule's other props, refuses cdk.rule.eventBus", () => {
    const s = stack();
    new EventBus(s, "Bus", {
      rules: { r: { cdk: { rule: { ruleName: "my-rule", eventPattern: { source: ["aws.ec2"] }, enabled: false } }, pattern: { source: ["aws.codebuild"] } } },
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties("AWS::Events::Rule", { Name: "my-rule", State: "DISABLED", EventPattern: { source: ["aws.codebuild"] }, Targets: Match.absent() });
    assert.throws(
      () => new EventBus(s, "Bad", { rules: { r: { cdk: { rule: { eventBus: new events.EventBus(s, "Other") } as any } } } }),
      /Cannot configure the "rule.cdk.rule.eventBus" in the "Bad" EventBus/,
    );
  });

  it("targets queues, CDK functions and log groups with their target props", () => {
    const s = stack();
    const queue = new Queue(s, "Queue", { cdk: { queue: { fifo: true } } });
    const logGroup = new LogGroup(s, "Logs");
    const existing = lambda.Function.fromFunctionName(s, "Existing", "existing-fn");
    new EventBus(s, "Bus", {
      rules: {
        r: {
          pattern: { source: ["x"] },
          targets: {
            q: { type: "queue", queue, cdk: { target: { messageGroupId: "g" } } },
            plain: queue,
            logs: { type: "log_group", cdk: { logGroup, target: { retryAttempts: 123 } } },
            cdkFn: { cdk: { function: existing, target: { retryAttempts: 20 } } },
          },
        },
      },
    });
    const t = Template.fromStack(s);
    // Only CDK's log-group resource-policy handler: no function of the bus's own.
    const fns = Object.values<any>(t.findResources("AWS::Lambda::Function"));
    assert.ok(fns.every((f) => !f.Properties.Environment?.Variables?.SST_APP));
    const queueId = logicalIdOf(t, "AWS::SQS::Queue");
    const rule = Object.values<any>(t.findResources("AWS::Events::Rule"))[0].Properties;
    assert.deepEqual(rule.Targets[0], { Id: "Target0", Arn: { "Fn::GetAtt": [queueId, "Arn"] }, SqsParameters: { MessageGroupId: "g" } });
    assert.deepEqual(rule.Targets[1], { Id: "Target1", Arn: { "Fn::GetAtt": [queueId, "Arn"] } });
    assert.equal(rule.Targets[2].RetryPolicy.MaximumRetryAttempts, 123);
    assert.match(JSON.stringify(rule.Targets[2].Arn), /log-group/);
    assert.equal(rule.Targets[3].RetryPolicy.MaximumRetryAttempts, 20);
    assert.match(JSON.stringify(rule.Targets[3].Arn), /existing-fn/);
  });
});

describe("EventBus methods", () => {
  it("addRules and addTargets add to a scope; names must be unique", () => {
    const s = stack();
    const bus = new EventBus(s, "Bus", { rules: { r1: { pattern: { source: ["x"] }, targets: { a: "src/a.handler" } } } });
    bus.addRules(s, { r2: { pattern: { source: ["y"] }, targets: { a: "src/a.handler" } } });
    bus.addTargets(s, "r2", { b: "src/a.handler" });
    const t = Template.fromStack(s);
    assert.match(logicalIdOf(t, "AWS::Events::Rule", { Name: "dev-my-app-r2" }), /^r2[0-9A-F]{8}$/, "a rule added from the stack lives in the stack's scope");
    assert.throws(() => bus.addRules(s, { r1: {} }), /A rule already exists for "r1"/);
    assert.throws(() => bus.addTargets(s, "nope", { a: "src/a.handler" }), /Cannot find the rule "nope" in the "Bus" EventBus/);
    assert.throws(() => bus.addTargets(s, "r2", { b: "src/a.handler" }), /A target with name "b" already exists in rule "r2"/);
  });

  it("bind/attachPermissions reach every function target, also later ones; ToTarget reaches one", () => {
    const s = stack();
    const table = new Table(s, "Items", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" } });
    const queue = new Queue(s, "Queue");
    const bus = new EventBus(s, "Bus", { rules: { r1: { pattern: { source: ["x"] }, targets: { a: "src/a.handler", q: queue } } } });
    bus.bind([table]);
    bus.attachPermissions(["s3"]);
    bus.addRules(s, { r2: { pattern: { source: ["y"] }, targets: { b: "src/a.handler" } } });
    bus.bindToTarget("r2", "b", [queue]);
    bus.attachPermissionsToTarget("r1", "a", ["sns"]);
    const env = (target: string) => (bus.getFunction(target === "a" ? "r1" : "r2", target) as any).environment ?? {};
    const t = Template.fromStack(s);
    // Every stack also holds SST's custom resource handler, which has no environment.
    const fns = Object.values<any>(t.findResources("AWS::Lambda::Function")).filter((f) => f.Properties.Environment).map((f) => f.Properties.Environment.Variables);
    assert.ok(fns.every((v) => "SST_Table_tableName_Items" in v), "bind reaches targets added before and after");
    assert.equal(fns.filter((v) => "SST_Queue_queueUrl_Queue" in v).length, 1);
    const actions = Object.values<any>(t.findResources("AWS::IAM::Policy")).map((p) => JSON.stringify(p.Properties.PolicyDocument.Statement));
    assert.equal(actions.filter((x) => x.includes('"s3:*"')).length, 2);
    assert.equal(actions.filter((x) => x.includes('"sns:*"')).length, 1);
    void env;
    assert.throws(() => bus.bindToTarget("r1", "q", [table]), /Cannot bind to the "Bus" EventBus target because it's not a Lambda function/);
    assert.throws(() => bus.attachPermissionsToTarget("r1", "q", ["s3"]), /Cannot attach permissions to the "Bus" EventBus target because it's not a Lambda function/);
    assert.throws(() => bus.bindToTarget("nope", "a", [table]), /Cannot find the rule "nope"/);
  });
});

describe("EventBus.subscribe", () => {
  it("creates a rule on the detail type per subscription, numbered per type", () => {
    const s = stack();
    const bus = new EventBus(s, "bus");
    bus.subscribe("todo.created", { handler: "src/a.handler" }).subscribe("todo.created", "src/a.handler");
    bus.subscribe(s, ["a.b", "c.d"], "src/a.handler");
    const t = Template.fromStack(s);
    t.hasResourceProperties("AWS::Events::Rule", { Name: "dev-my-app-todo_created_1_rule", EventPattern: { "detail-type": ["todo.created"] } });
    t.hasResourceProperties("AWS::Events::Rule", { Name: "dev-my-app-todo_created_2_rule" });
    t.hasResourceProperties("AWS::Events::Rule", { Name: "dev-my-app-multi_1_rule", EventPattern: { "detail-type": ["a.b", "c.d"] } });
    assert.match(logicalIdOf(t, "AWS::Events::Rule", { Name: "dev-my-app-todo_created_1_rule" }), /^bustodocreated1rule[0-9A-F]{8}$/);
    assert.match(logicalIdOf(t, "AWS::Events::Rule", { Name: "dev-my-app-multi_1_rule" }), /^multi1rule[0-9A-F]{8}$/);
    const fnIds = Object.keys(t.findResources("AWS::Lambda::Function"));
    assert.ok(fnIds.some((id) => /^bustodocreated1[0-9A-F]{8}$/.test(id)), fnIds.join(", "));
    t.resourceCountIs("AWS::SQS::Queue", 0);
    t.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
  });

  it("with retries, sends failures to one retrier per bus (SST v2's queue, function and policy)", () => {
    const s = stack();
    const bus = new EventBus(s, "bus", { defaults: { retries: 10 } });
    bus.subscribe("todo.created", { handler: "src/a.handler" });
    bus.subscribe("todo.removed", "src/a.handler", { retries: 3 });
    const t = Template.fromStack(s);
    const queueId = logicalIdOf(t, "AWS::SQS::Queue", { QueueName: "dev-my-app-busRetrier" });
    assert.match(queueId, /^busRetrierQueue[0-9A-F]{8}$/);
    const retrierId = logicalIdOf(t, "AWS::Lambda::Function", { FunctionName: "dev-my-app-busRetrier" });
    assert.match(retrierId, /^busRetrierFunction[0-9A-F]{8}$/);
    t.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "dev-my-app-busRetrier", Runtime: "nodejs22.x", Timeout: 30, Handler: "index.handler",
      Environment: { Variables: { RETRIER_QUEUE_URL: { Ref: queueId } } },
    });
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", { EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] }, FunctionName: { Ref: retrierId } });
    t.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["lambda:InvokeFunction", "lambda:GetFunction"],
            Condition: { StringEquals: { "aws:ResourceTag/sst:app": "my-app", "aws:ResourceTag/sst:stage": "dev" } },
          }),
        ]),
      },
    });
    const configs = Object.values<any>(t.findResources("AWS::Lambda::EventInvokeConfig"));
    assert.equal(configs.length, 2);
    for (const c of configs) assert.deepEqual(c.Properties.DestinationConfig, { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } });
    const retries = Object.values<any>(t.findResources("AWS::Lambda::Function")).map((f) => f.Properties.Environment?.Variables?.SST_RETRIES).filter(Boolean).sort();
    assert.deepEqual(retries, ["10", "3"]);
  });

  it("refuses defaults.function with subscribe, as SST v2 does", () => {
    const s = stack();
    const bus = new EventBus(s, "bus", { defaults: { function: { timeout: 20 } } });
    assert.throws(() => bus.subscribe("x", "src/a.handler"), /The "defaults.function" cannot be applied if an instance of a Function construct is passed in/);
  });

  it("binds its name and grants events:* on the bus", () => {
    const s = stack();
    const bus = new EventBus(s, "bus");
    new Function(s, "Pub", { handler: "src/a.handler", bind: [bus] });
    const t = Template.fromStack(s);
    const busId = logicalIdOf(t, "AWS::Events::EventBus");
    t.hasResourceProperties("AWS::Lambda::Function", { Environment: { Variables: Match.objectLike({ SST_EventBus_eventBusName_bus: { Ref: busId } }) } });
    t.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: "events:*", Resource: { "Fn::GetAtt": [busId, "Arn"] } })]) },
    });
  });
});
