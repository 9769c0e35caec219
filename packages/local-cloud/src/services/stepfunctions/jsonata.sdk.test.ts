/**
 * JSONata state machines through the SDK v3: Arguments into a Task (DynamoDB as the
 * machine's role), `$states.result` through Output, variables set by Assign and read by
 * later states and inside a Map, Choice Conditions, Catch with `$states.errorOutput`, a
 * Fail's Error/Cause expressions, and States.QueryEvaluationError.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SFNClient, CreateStateMachineCommand, StartExecutionCommand, type DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { DynamoDBClient, CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished as untilFinished } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/jsonata";

describe("JSONata state machines", () => {
  let tc: TestCloud;
  let sfn: SFNClient;

  before(async () => {
    tc = await startTestCloud();
    sfn = new SFNClient(tc.clientConfig);
    await createRole(tc, "jsonata", [{ Effect: "Allow", Action: "dynamodb:PutItem", Resource: "*" }]);
    await new DynamoDBClient(tc.clientConfig).send(new CreateTableCommand({ TableName: "orders", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
  });
  after(() => tc.stop());

  async function run(name: string, definition: object, input: object): Promise<DescribeExecutionCommandOutput> {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify({ QueryLanguage: "JSONata", ...definition }), roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    return untilFinished(sfn, executionArn!);
  }

  it("passes Arguments to a Task, shapes its result with Output and carries variables from Assign", async () => {
    const d = await run("order-total", {
      StartAt: "Total",
      States: {
        Total: {
          Type: "Pass",
          Assign: { "orderId": "{% $states.input.id %}", "total": "{% $sum($states.input.lines.(qty * price)) %}" },
          Output: { "count": "{% $count($states.input.lines) %}" },
          Next: "Lines",
        },
        Lines: {
          Type: "Map",
          Items: "{% $states.input.count > 0 ? [1, 2] : [] %}",
          ItemSelector: { "n": "{% $states.context.Map.Item.Value %}", "order": "{% $orderId %}" },
          ItemProcessor: { StartAt: "Label", States: { Label: { Type: "Pass", Output: "{% $states.input.order & '#' & $states.input.n %}", End: true } } },
          Assign: { "labels": "{% $states.result %}" },
          Next: "Big?",
        },
        "Big?": {
          Type: "Choice",
          Choices: [{ Condition: "{% $total >= 100 %}", Next: "Save", Assign: { "size": "big" } }],
          Default: "Save",
          Assign: { "size": "small" },
        },
        Save: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Arguments: { "TableName": "orders", "Item": { "id": { "S": "{% $orderId %}" }, "total": { "N": "{% $string($total) %}" }, "size": { "S": "{% $size %}" } } },
          Output: { "saved": "{% $orderId %}", "status": "{% $states.result.SdkHttpMetadata.HttpStatusCode %}", "labels": "{% $labels %}", "size": "{% $size %}" },
          End: true,
        },
      },
    }, { id: "o-7", lines: [{ qty: 2, price: 30 }, { qty: 1, price: 45 }] });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), { saved: "o-7", status: 200, labels: ["o-7#1", "o-7#2"], size: "big" });
    const item = await new DynamoDBClient(tc.clientConfig).send(new GetItemCommand({ TableName: "orders", Key: { id: { S: "o-7" } } }));
    assert.deepEqual(item.Item, { id: { S: "o-7" }, total: { N: "105" }, size: { S: "big" } });
  });

  it("catches a failure with $states.errorOutput, fails with computed Error and Cause, and reports bad expressions", async () => {
    const caught = await run("catcher", {
      StartAt: "Save",
      States: {
        Save: {
          Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Arguments: { TableName: "missing", Item: { id: { S: "x" } } },
          Catch: [{ ErrorEquals: ["States.ALL"], Output: { "why": "{% $states.errorOutput.Error %}", "was": "{% $states.input.n %}" }, Assign: { "failed": true }, Next: "Report" }],
          End: true,
        },
        Report: { Type: "Fail", Error: "{% 'Report.' & $states.input.why %}", Cause: "{% 'failed=' & $string($failed) & ' n=' & $string($states.input.was) %}" },
      },
    }, { n: 3 });
    assert.equal(caught.status, "FAILED");
    assert.equal(caught.error, "Report.DynamoDB.ResourceNotFoundException");
    assert.equal(caught.cause, "failed=true n=3");

    const bad = await run("bad-condition", {
      StartAt: "C",
      States: { C: { Type: "Choice", Choices: [{ Condition: "{% $states.input.n %}", Next: "D" }], Default: "D" }, D: { Type: "Succeed" } },
    }, { n: 3 });
    assert.equal(bad.status, "FAILED");
    assert.equal(bad.error, "States.QueryEvaluationError");
  });

  it("refuses JSONPath fields in a JSONata state at create", async () => {
    await assert.rejects(
      sfn.send(new CreateStateMachineCommand({ name: "mixed", roleArn: ROLE, definition: JSON.stringify({ QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", ResultPath: "$.x", End: true } } }) })),
      (e: any) => e.name === "InvalidDefinition" && e.message.includes("Field 'ResultPath' is not supported at /States/P/ResultPath"),
    );
  });
});
