/** AWS::SNS::* and AWS::Events::* through the CloudFormation engine: create, update in place, delete. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "./test-stack.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

function template(v: { display: string; filter: string[]; ruleSources: string[]; secondTarget: boolean }) {
  return {
    Resources: {
      Topic: { Type: "AWS::SNS::Topic", Properties: { DisplayName: v.display, Subscription: [{ Protocol: "sqs", Endpoint: { "Fn::GetAtt": ["Inline", "Arn"] } }] } },
      Fifo: { Type: "AWS::SNS::Topic", Properties: { FifoTopic: true, ContentBasedDeduplication: true } },
      Inline: { Type: "AWS::SQS::Queue", Properties: {} },
      Filtered: { Type: "AWS::SQS::Queue", Properties: {} },
      Sub: { Type: "AWS::SNS::Subscription", Properties: { TopicArn: { Ref: "Topic" }, Protocol: "sqs", Endpoint: { "Fn::GetAtt": ["Filtered", "Arn"] }, RawMessageDelivery: true, FilterPolicy: { color: v.filter } } },
      TopicPolicy: { Type: "AWS::SNS::TopicPolicy", Properties: { Topics: [{ Ref: "Topic" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: { Ref: "Topic" } }] } } },
      Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "cfn-bus" } },
      Rule: { Type: "AWS::Events::Rule", Properties: {
        EventBusName: { Ref: "Bus" }, EventPattern: { source: v.ruleSources }, State: "ENABLED",
        Targets: [
          { Id: "topic", Arn: { Ref: "Topic" } },
          ...(v.secondTarget ? [{ Id: "queue", Arn: { "Fn::GetAtt": ["Inline", "Arn"] }, InputPath: "$.detail" }] : []),
        ],
      } },
      Schedule: { Type: "AWS::Events::Rule", Properties: { ScheduleExpression: "rate(5 minutes)", Targets: [{ Id: "q", Arn: { "Fn::GetAtt": ["Filtered", "Arn"] } }] } },
    },
    Outputs: {
      TopicName: { Value: { "Fn::GetAtt": ["Topic", "TopicName"] } },
      BusArn: { Value: { "Fn::GetAtt": ["Bus", "Arn"] } },
      RuleArn: { Value: { "Fn::GetAtt": ["Rule", "Arn"] } },
    },
  };
}

function deploy(name: string, body: unknown, update = false) {
  return deployTestStack(t.cloud, name, body, update);
}

test("create, update in place and delete SNS and EventBridge resources", async () => {
  const sns = t.cloud.sns, eb = t.cloud.eventbridge;
  const first = await deploy("msg", template({ display: "One", filter: ["red"], ruleSources: ["a"], secondTarget: true }));
  const topicArn = first.id.Topic!;
  assert.match(topicArn, /^arn:aws:sns:us-east-1:000000000000:msg-Topic-[A-Z0-9]+$/);
  assert.equal(first.outputs.TopicName, topicArn.split(":").pop());
  assert.match(first.id.Fifo!, /\.fifo$/);
  assert.equal(first.id.Bus, "cfn-bus");
  assert.equal(first.outputs.BusArn, "arn:aws:events:us-east-1:000000000000:event-bus/cfn-bus");
  assert.equal(first.id.Rule, `cfn-bus|${first.outputs.RuleArn.split("/").pop()}`);
  const attrs = (await sns.call("GetTopicAttributes", { TopicArn: topicArn })).Attributes;
  assert.equal(attrs.DisplayName, "One");
  assert.match(attrs.Policy, /events\.amazonaws\.com/);
  assert.equal((await sns.call("ListSubscriptionsByTopic", { TopicArn: topicArn })).Subscriptions.length, 2, "inline + Subscription");
  const subAttrs = (await sns.call("GetSubscriptionAttributes", { SubscriptionArn: first.id.Sub })).Attributes;
  assert.equal(subAttrs.RawMessageDelivery, "true");
  assert.deepEqual(JSON.parse(subAttrs.FilterPolicy), { color: ["red"] });
  const ruleName = first.outputs.RuleArn.split("/").pop();
  assert.equal((await eb.call("ListTargetsByRule", { Rule: ruleName, EventBusName: "cfn-bus" })).Targets.length, 2);
  const sched = (await eb.call("ListRules", {})).Rules.find((r: any) => r.ScheduleExpression);
  assert.equal(sched.ScheduleExpression, "rate(5 minutes)");

  // Events flow through what the template wired: bus → rule → topic → filtered queue.
  await eb.call("PutEvents", { Entries: [{ EventBusName: "cfn-bus", Source: "a", DetailType: "t", Detail: "{}" }] });

  const second = await deploy("msg", template({ display: "Two", filter: ["blue"], ruleSources: ["b"], secondTarget: false }), true);
  assert.equal(second.id.Topic, topicArn, "updated in place");
  assert.equal(second.id.Sub, first.id.Sub);
  assert.equal((await sns.call("GetTopicAttributes", { TopicArn: topicArn })).Attributes.DisplayName, "Two");
  assert.deepEqual(JSON.parse((await sns.call("GetSubscriptionAttributes", { SubscriptionArn: first.id.Sub })).Attributes.FilterPolicy), { color: ["blue"] });
  const rule = await eb.call("DescribeRule", { Name: ruleName, EventBusName: "cfn-bus" });
  assert.deepEqual(JSON.parse(rule.EventPattern), { source: ["b"] });
  assert.deepEqual((await eb.call("ListTargetsByRule", { Rule: ruleName, EventBusName: "cfn-bus" })).Targets.map((x: any) => x.Id), ["topic"]);

  await t.cloud.cloudformation.call("DeleteStack", { StackName: "msg" });
  await assert.rejects(sns.call("GetTopicAttributes", { TopicArn: topicArn }), (e: any) => e.code === "NotFound");
  await assert.rejects(eb.call("DescribeEventBus", { Name: "cfn-bus" }), (e: any) => e.code === "ResourceNotFoundException");
  assert.equal((await eb.call("ListRules", {})).Rules.length, 0);
});
