/** Topic and Cron: names, subscribers/targets, bindings (EventBus: EventBus.test.ts). */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Template } from "aws-cdk-lib/assertions";
import { App, Stack, Function, Topic, Cron, Queue } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
const root = writeApp({ "src/a.ts": "export const handler = async () => 'a';\n" });
after(() => removeApp(root));

function stack(): Stack {
  const app = new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/d${Math.random()}` });
  return new Stack(app, "S");
}

describe("Topic", () => {
  it("creates dev-my-app-{id} with function and queue subscribers, bindable as topicArn", () => {
    const s = stack();
    const queue = new Queue(s, "Q");
    const topic = new Topic(s, "Events", { subscribers: { fn: "src/a.handler", q: { type: "queue", queue } } });
    new Function(s, "Pub", { handler: "src/a.handler", bind: [topic] });
    assert.ok(topic.getFunction("fn"));
    const t = Template.fromStack(s);
    t.hasResourceProperties("AWS::SNS::Topic", { TopicName: "dev-my-app-Events" });
    const protocols = Object.values<any>(t.findResources("AWS::SNS::Subscription")).map((x) => x.Properties.Protocol).sort();
    assert.deepEqual(protocols, ["lambda", "sqs"]);
    const pub = Object.values<any>(t.findResources("AWS::Lambda::Function")).find((f) => f.Properties.Environment?.Variables.SST_Topic_topicArn_Events);
    assert.deepEqual(pub.Properties.Environment.Variables.SST_Topic_topicArn_Events, { Ref: Object.keys(t.findResources("AWS::SNS::Topic"))[0] });
    assert.throws(() => topic.addSubscribers(s, { fn: "src/a.handler" }), /Topic "Events".*"subscribers.fn" is defined twice/);
  });
});

describe("Cron", () => {
  it("schedules the job; a schedule that is not rate()/cron() fails naming the prop", () => {
    const s = stack();
    const cron = new Cron(s, "Tick", { schedule: "rate(5 minutes)", job: "src/a.handler" });
    assert.ok(cron.jobFunction);
    Template.fromStack(s).hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: "rate(5 minutes)", State: "ENABLED" });
    assert.throws(() => new Cron(s, "Bad", { schedule: "often" as any, job: "src/a.handler" }), /Cron "Bad".*"schedule" "often" is not a schedule expression/);
  });
});
