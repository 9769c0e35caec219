/**
 * tests/fixtures/user-pipeline-app: an app written from SST v2's docs, not one of its
 * examples — a Bucket notification (prefix and suffix filters) storing receipts as
 * orders in a Table with a global index; the Table's stream consumer (INSERTs only, by a
 * filter) publishing to a Topic; the Topic fanning out to two Queues (both subscriber
 * forms) whose consumers write to an audit Table; a Cron. Driven under `sst dev` with the
 * AWS SDK. Its template is compared with SST v2's and deployed in
 * packages/sst/src/constructs/parity/parity.test.ts.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { startDev, type RunningApp } from "./helpers/generated-app.js";
import { eventually, readOutputs } from "./helpers/outputs.js";

const ADMIN = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };

function clients(endpoint: string) {
  return {
    s3: new S3Client({ ...ADMIN, endpoint, forcePathStyle: true }),
    ddb: new DynamoDBClient({ ...ADMIN, endpoint }),
    events: new EventBridgeClient({ ...ADMIN, endpoint }),
    lambda: new LambdaClient({ ...ADMIN, endpoint }),
  };
}

describe("a user's pipeline app (Bucket → Table stream → Topic → Queues, Cron)", () => {
  let app: string;
  let running: RunningApp;
  let out: Record<string, string>;
  let c: ReturnType<typeof clients>;
  before(async () => {
    app = copyApp(path.join(repoRoot, "tests", "fixtures", "user-pipeline-app"), "user-pipeline-app");
    running = await startDev(app, "dev");
    out = Object.values(readOutputs(app))[0]!;
    const port = /Local cloud: http:\/\/127\.0\.0\.1:(\d+)/.exec(running.dev.output)![1];
    c = clients(`http://127.0.0.1:${port}`);
  });
  after(async () => {
    for (const client of Object.values(c ?? {})) client.destroy();
    await running?.stop();
    if (!process.env.SST_TEST_KEEP) removeApp(app);
  });

  const upload = (key: string, body: unknown) =>
    c.s3.send(new PutObjectCommand({ Bucket: out.ReceiptsBucket, Key: key, Body: JSON.stringify(body), ContentType: "application/json" }));
  const audited = async (id: string) =>
    ((await c.ddb.send(new QueryCommand({ TableName: out.AuditTable, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: `order#${id}` } } }))).Items ?? []).map((i) => i.sk!.S).sort();
  const order = async (id: string) => (await c.ddb.send(new GetItemCommand({ TableName: out.OrdersTable, Key: { id: { S: id } } }))).Item;

  test("a receipt flows from the bucket to the orders table and through the topic to both queues' consumers", async () => {
    await upload("receipts/o1.json", { id: "o1", customer: "ada", createdAt: 10 });
    await eventually(async () => assert.deepEqual(await audited("o1"), ["billing", "shipping"]), 90_000, 250);
    assert.equal((await order("o1"))?.key?.S, "receipts/o1.json");
  });

  test("the notification's filters and the consumer's INSERT filter hold", async () => {
    const from = running.dev.lines.length;
    await upload("other/o2.json", { id: "o2", customer: "ada", createdAt: 20 });
    await upload("receipts/o3.txt", { id: "o3", customer: "ada", createdAt: 30 });
    // A MODIFY on the table: the consumer's filter keeps it from the publisher (which throws on one).
    await c.ddb.send(new UpdateItemCommand({ TableName: out.OrdersTable, Key: { id: { S: "o1" } }, UpdateExpression: "SET note = :n", ExpressionAttributeValues: { ":n": { S: "gift" } } }));
    // Events are delivered in order per source: once o4 is through, the others would have been.
    await upload("receipts/o4.json", { id: "o4", customer: "bob", createdAt: 40 });
    await eventually(async () => assert.deepEqual(await audited("o4"), ["billing", "shipping"]), 60_000, 250);
    assert.equal(await order("o2"), undefined, "other/ is outside the prefix filter");
    assert.equal(await order("o3"), undefined, ".txt is outside the suffix filter");
    assert.deepEqual(await audited("o1"), ["billing", "shipping"], "the MODIFY was not published again");
    assert.ok(!running.dev.lines.slice(from).some((l) => /filter let MODIFY/.test(l)), running.dev.lines.slice(from).join("\n"));
  });

  test("the global index answers a query by customer, sorted by its sort key", async () => {
    await upload("receipts/o5.json", { id: "o5", customer: "ada", createdAt: 5 });
    await eventually(async () => assert.ok(await order("o5")), 30_000, 250);
    const res = await c.ddb.send(new QueryCommand({
      TableName: out.OrdersTable, IndexName: "byCustomer",
      KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "ada" } },
    }));
    assert.deepEqual(res.Items!.map((i) => [i.id!.S, i.createdAt!.N]), [["o5", "5"], ["o1", "10"]]);
  });

  test("the Cron is an EventBridge schedule targeting its job, which runs when invoked", async () => {
    const { Rules = [] } = await c.events.send(new ListRulesCommand({}));
    const rule = Rules.find((r) => r.ScheduleExpression === "rate(1 day)");
    assert.ok(rule, JSON.stringify(Rules));
    const { Targets = [] } = await c.events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
    assert.equal(Targets.length, 1);
    assert.match(Targets[0]!.Arn!, new RegExp(`:function:${out.SweepFunction}$`));
    const res = await c.lambda.send(new InvokeCommand({ FunctionName: out.SweepFunction, Payload: JSON.stringify({ source: "aws.events", "detail-type": "Scheduled Event" }) }));
    assert.equal(res.FunctionError, undefined, Buffer.from(res.Payload ?? []).toString());
    assert.equal(JSON.parse(Buffer.from(res.Payload!).toString()), "swept");
    const sweeps = await c.ddb.send(new QueryCommand({ TableName: out.AuditTable, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: "sweep" } } }));
    assert.equal(sweeps.Items?.[0]?.detailType?.S, "Scheduled Event");
  });
});
