/** Schedule expressions and target input transforms, as EventBridge documents them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSchedule } from "./schedule.js";
import { targetInput, jsonPath } from "./input-transform.js";

const event = {
  version: "0", id: "e1", "detail-type": "OrderShipped", source: "app.orders", account: "000000000000", time: "2026-01-01T00:00:00Z",
  region: "us-east-1", resources: ["arn:a", "arn:b"],
  detail: { total: 150, state: "shipped", customer: { tier: "gold", email: "Ann@Example.com" }, tags: ["x", "y"], ip: "10.0.0.42", nothing: null },
};


test("rate and cron schedules", () => {
  assert.deepEqual(parseSchedule("rate(1 minute)"), { kind: "rate", periodMs: 60_000 });
  assert.deepEqual(parseSchedule("rate(5 minutes)"), { kind: "rate", periodMs: 300_000 });
  assert.throws(() => parseSchedule("rate(1 minutes)"), /ScheduleExpression is not valid/);
  assert.throws(() => parseSchedule("cron(0 12 * * * *)"), /not valid/, "one of day-of-month/day-of-week must be ?");
  const at = (expr: string, from: string) => (parseSchedule(expr) as any).next(new Date(from)).toISOString();
  assert.equal(at("cron(15 10 * * ? *)", "2026-03-01T10:15:00Z"), "2026-03-02T10:15:00.000Z");
  assert.equal(at("cron(0/15 * * * ? *)", "2026-03-01T10:16:30Z"), "2026-03-01T10:30:00.000Z");
  assert.equal(at("cron(0 18 ? * MON-FRI *)", "2026-03-06T19:00:00Z"), "2026-03-09T18:00:00.000Z"); // Fri evening → Monday
  assert.equal(at("cron(0 8 1 * ? *)", "2026-03-15T00:00:00Z"), "2026-04-01T08:00:00.000Z");
  assert.equal(at("cron(0 0 L * ? *)", "2026-02-03T00:00:00Z"), "2026-02-28T00:00:00.000Z");
  assert.equal(at("cron(0 9 ? * 2#1 *)", "2026-03-03T00:00:00Z"), "2026-04-06T09:00:00.000Z"); // first Monday
  assert.equal(at("cron(30 6 ? * 6L 2027)", "2026-03-03T00:00:00Z"), "2027-01-29T06:30:00.000Z"); // last Friday, Jan 2027
});

test("target input: whole event, Input, InputPath, InputTransformer", () => {
  const rule = { ruleArn: "arn:aws:events:us-east-1:000000000000:rule/r", ruleName: "r" };
  assert.deepEqual(JSON.parse(targetInput({ Id: "t", Arn: "a" }, event, rule)), event);
  assert.equal(targetInput({ Id: "t", Arn: "a", Input: '{"fixed":1}' }, event, rule), '{"fixed":1}');
  assert.deepEqual(JSON.parse(targetInput({ Id: "t", Arn: "a", InputPath: "$.detail.customer" }, event, rule)), event.detail.customer);
  assert.equal(jsonPath(event, "$.detail.tags[1]"), "y");
  const out = targetInput({
    Id: "t", Arn: "a",
    InputTransformer: { InputPathsMap: { total: "$.detail.total", tier: "$.detail.customer.tier", c: "$.detail.customer" }, InputTemplate: '{"sum": <total>, "msg": "tier <tier> of <aws.events.rule-name>", "c": <c>}' },
  }, event, rule);
  assert.deepEqual(JSON.parse(out), { sum: 150, msg: "tier gold of r", c: event.detail.customer });
  const text = targetInput({ Id: "t", Arn: "a", InputTransformer: { InputPathsMap: { s: "$.detail.state" }, InputTemplate: "Order is <s>" } }, event, rule);
  assert.equal(text, "Order is shipped");
});
