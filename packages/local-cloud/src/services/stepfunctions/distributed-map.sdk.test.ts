/**
 * Distributed Map through the SDK v3: items read from S3 (a JSON array, CSV, a bucket
 * listing) as the machine's role, batches, results written to S3, map runs
 * (DescribeMapRun / ListMapRuns / UpdateMapRun), tolerated failures, and a read the role
 * may not make failing the state with States.ItemReaderFailed.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand,DescribeMapRunCommand, ListMapRunsCommand, UpdateMapRunCommand,
  GetExecutionHistoryCommand,
} from "@aws-sdk/client-sfn";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished as untilFinished } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/mapper";
const processor = (states: object, startAt: string) => ({ ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: startAt, States: states });

describe("distributed Map", () => {
  let tc: TestCloud;
  let sfn: SFNClient;
  let s3: S3Client;

  before(async () => {
    tc = await startTestCloud();
    sfn = new SFNClient(tc.clientConfig);
    s3 = new S3Client(tc.clientConfig);
    await createRole(tc, "mapper", [
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::data/*" },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::data" },
    ]);
    for (const Bucket of ["data", "private"]) await s3.send(new CreateBucketCommand({ Bucket }));
    const put = (Bucket: string, Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));
    await put("data", "orders.json", JSON.stringify([{ id: 1, qty: 2 }, { id: 2, qty: 5 }, { id: 3, qty: 1 }]));
    await put("data", "orders.csv", "id,qty\n1,2\n2,5\n3,1\n4,4\n");
    await put("data", "in/a.txt", "aa");
    await put("data", "in/b.txt", "bbbb");
    await put("private", "orders.json", "[]");
  });
  after(() => tc.stop());

  const finished = (executionArn: string) => untilFinished(sfn, executionArn);
  async function run(name: string, map: object, input: object = {}) {
    const definition = { StartAt: "Each", States: { Each: { Type: "Map", ...map, End: true } } };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    return finished(executionArn!);
  }

  it("reads a JSON array from S3, selects each item and runs it as a child workflow", async () => {
    const d = await run("json-items", {
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" }, Parameters: { "Bucket.$": "$.bucket", Key: "orders.json" } },
      ItemSelector: { "order.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
      ItemProcessor: processor({ Total: { Type: "Pass", Parameters: { "id.$": "$.order.id", "at.$": "$.index", "double.$": "States.MathAdd($.order.qty, $.order.qty)" }, End: true } }, "Total"),
      MaxConcurrency: 2,
    }, { bucket: "data" });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), [{ id: 1, at: 0, double: 4 }, { id: 2, at: 1, double: 10 }, { id: 3, at: 2, double: 2 }]);
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: d.executionArn }))).events!;
    assert.ok(!events.some((e) => e.type === "PassStateEntered"), "child states are not in the parent's history");
    const mapRunArn = events.find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    assert.match(mapRunArn, /^arn:aws:states:us-east-1:000000000000:mapRun:json-items\/Each:[0-9a-f-]{36}$/);
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(described.status, "SUCCEEDED");
    assert.equal(described.maxConcurrency, 2);
    assert.deepEqual({ ...described.itemCounts }, { pending: 0, running: 0, succeeded: 3, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 0 });
    const listed = await sfn.send(new ListMapRunsCommand({ executionArn: d.executionArn }));
    assert.deepEqual(listed.mapRuns!.map((m) => [m.mapRunArn, m.stateMachineArn]), [[mapRunArn, "arn:aws:states:us-east-1:000000000000:stateMachine:json-items/Each"]]);
    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 7 }));
    assert.equal((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).maxConcurrency, 7);
    await assert.rejects(sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRunArn.replace(/:[^:]+$/, ":00000000-0000-0000-0000-000000000000") })), { name: "ResourceNotFound" });
  });

  it("batches CSV rows and writes the results to S3", async () => {
    const d = await run("csv-batches", {
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItems: 3 }, Parameters: { Bucket: "data", Key: "orders.csv" } },
      ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "label.$": "$.label" } },
      ItemProcessor: processor({ Count: { Type: "Pass", Parameters: { "label.$": "$.BatchInput.label", "ids.$": "$.Items[*].id" }, End: true } }, "Count"),
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "data", Prefix: "results" } },
    }, { label: "csv" });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.equal(out.ResultWriterDetails.Bucket, "data");
    const id = out.MapRunArn.split(":").at(-1);
    assert.equal(out.ResultWriterDetails.Key, `results/${id}/manifest.json`);
    const text = async (Key: string) => (await s3.send(new GetObjectCommand({ Bucket: "data", Key }))).Body!.transformToString();
    const manifest = JSON.parse(await text(out.ResultWriterDetails.Key));
    assert.equal(manifest.MapRunArn, out.MapRunArn);
    assert.deepEqual(manifest.ResultFiles.FAILED, []);
    const succeeded = JSON.parse(await text(manifest.ResultFiles.SUCCEEDED[0].Key));
    assert.deepEqual(succeeded.map((r: any) => JSON.parse(r.Output)), [{ label: "csv", ids: ["1", "2"] }, { label: "csv", ids: ["3"] }]);
    assert.deepEqual(succeeded.map((r: any) => r.Status), ["SUCCEEDED", "SUCCEEDED"]);
    assert.equal((await sfn.send(new DescribeMapRunCommand({ mapRunArn: out.MapRunArn }))).itemCounts!.resultsWritten, 2);
  });

  it("lists a bucket's objects as items, tolerates failures up to the threshold and no further", async () => {
    const map = (tolerated: number) => ({
      ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: "data", Prefix: "in/" } },
      ItemProcessor: processor({
        Check: { Type: "Choice", Choices: [{ Variable: "$.Size", NumericGreaterThan: 2, Next: "TooBig" }], Default: "Fine" },
        TooBig: { Type: "Fail", Error: "TooBig", Cause: "over 2 bytes" },
        Fine: { Type: "Pass", Parameters: { "key.$": "$.Key" }, End: true },
      }, "Check"),
      ToleratedFailurePercentage: tolerated,
    });
    const tolerant = await run("listing-tolerant", map(50));
    assert.equal(tolerant.status, "SUCCEEDED", tolerant.cause);
    assert.deepEqual(JSON.parse(tolerant.output!)[0], { key: "in/a.txt" });
    const strict = await run("listing-strict", map(0));
    assert.equal(strict.status, "FAILED");
    assert.equal(strict.error, "States.ExceedToleratedFailureThreshold");
    const [mapRun] = (await sfn.send(new ListMapRunsCommand({ executionArn: strict.executionArn }))).mapRuns!;
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRun!.mapRunArn }));
    assert.equal(described.status, "FAILED");
    assert.equal(described.itemCounts!.failed, 1);
  });

  it("fails with States.ItemReaderFailed when the role may not read the object", async () => {
    const d = await run("no-access", {
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" }, Parameters: { Bucket: "private", Key: "orders.json" } },
      ItemProcessor: processor({ P: { Type: "Pass", End: true } }, "P"),
    });
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.ItemReaderFailed");
    assert.match(d.cause!, /AccessDenied/);
  });
});
