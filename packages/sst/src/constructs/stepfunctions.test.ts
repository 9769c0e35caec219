/**
 * An SST v2 app whose stack adds a CDK Step Functions state machine (sfn.StateMachine with
 * tasks.LambdaInvoke, a Map over the order's lines, a Choice, Retry and Catch, and
 * tasks.DynamoPutItem) beside SST constructs, deployed to the local cloud as `sst dev`
 * deploys: an Api route's function granted `grantStartExecution` (SST's
 * `[construct, "grantX"]` permission form) starts executions with the SDK v3 client, a
 * function without the grant is refused, and the executions are read back with the SDK
 * and `aws stepfunctions`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SFNClient, DescribeExecutionCommand, type DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { awsCli } from "local-cloud/testing.js";
import { deployAppLocally, oneStackApp, useLocalApp } from "../project/fixtures/local-app.js";

process.env.CDK_VALIDATION = "false";

const app = useLocalApp(oneStackApp("sfn-app", "Orders", {
  "stacks/Orders.ts": `
import { Duration } from "aws-cdk-lib";
import * as apigv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Api, ApiGatewayV1Api, Function, StackContext, Table } from "sst/constructs";
export function Orders({ stack }: StackContext) {
  const orders = new Table(stack, "Orders", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
  const priceLine = new Function(stack, "PriceLine", { handler: "src/price.line" });
  const total = new Function(stack, "Total", { handler: "src/price.total" });

  const lines = new sfn.Map(stack, "PriceLines", { itemsPath: "$.lines", maxConcurrency: 2, resultPath: "$.prices" });
  lines.itemProcessor(new tasks.LambdaInvoke(stack, "Price", { lambdaFunction: priceLine, payloadResponseOnly: true }));
  const save = new tasks.DynamoPutItem(stack, "Save", {
    table: orders.cdk.table,
    item: {
      id: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt("$.id")),
      total: tasks.DynamoAttributeValue.numberFromString(sfn.JsonPath.format("{}", sfn.JsonPath.numberAt("$.total"))),
      status: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt("$.status")),
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  const sum = new tasks.LambdaInvoke(stack, "Sum", { lambdaFunction: total, outputPath: "$.Payload" });
  sum.addRetry({ errors: ["Flaky"], maxAttempts: 2, interval: Duration.seconds(1), backoffRate: 1 });
  sum.addCatch(new sfn.Pass(stack, "Rejected", { parameters: { "id.$": "$.id", "reason.$": "$.error.Cause" } }), { errors: ["TooBig"], resultPath: "$.error" });
  const review = new sfn.Choice(stack, "Review?")
    .when(sfn.Condition.and(sfn.Condition.isPresent("$.coupon"), sfn.Condition.stringMatches("$.coupon", "VIP*")),
      new sfn.Pass(stack, "Vip", { result: sfn.Result.fromString("vip"), resultPath: "$.status" }).next(save))
    .when(sfn.Condition.numberGreaterThan("$.total", 100), new sfn.Pass(stack, "NeedsReview", { result: sfn.Result.fromString("review"), resultPath: "$.status" }).next(save))
    .otherwise(new sfn.Pass(stack, "Approved", { result: sfn.Result.fromString("approved"), resultPath: "$.status" }).next(save));
  const machine = new sfn.StateMachine(stack, "Checkout", {
    definitionBody: sfn.DefinitionBody.fromChainable(lines.next(sum).next(review)),
    timeout: Duration.minutes(5),
  });

  const api = new Api(stack, "Api", {
    routes: {
      "POST /orders": { function: { handler: "src/start.handler", environment: { MACHINE_ARN: machine.stateMachineArn }, permissions: [[machine, "grantStartExecution"]] } },
      "POST /sneaky": { function: { handler: "src/start.handler", environment: { MACHINE_ARN: machine.stateMachineArn } } },
      // HTTP API straight to Step Functions (no function): the StepFunctions-StartExecution subtype
      "POST /direct": {
        type: "aws",
        cdk: { integration: {
          subtype: apigv2.HttpIntegrationSubtype.STEPFUNCTIONS_START_EXECUTION,
          parameterMapping: apigv2.ParameterMapping.fromObject({
            StateMachineArn: apigv2.MappingValue.custom(machine.stateMachineArn),
            Name: apigv2.MappingValue.requestHeader("x-order-id"),
            Input: apigv2.MappingValue.requestBody("order"),
          }),
        } },
      },
    },
  });

  // REST API (v1): an AWS integration calling states:StartExecution as a role granted it
  const rest = new ApiGatewayV1Api(stack, "Rest", {});
  const gatewayRole = new iam.Role(stack, "GatewayRole", { assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com") });
  machine.grantStartExecution(gatewayRole);
  rest.cdk.restApi.root.addResource("checkout").addMethod("POST", new apigateway.AwsIntegration({
    service: "states", action: "StartExecution",
    options: {
      credentialsRole: gatewayRole,
      requestTemplates: { "application/json": \`{"stateMachineArn": "\${machine.stateMachineArn}", "name": "$input.path('$.id')", "input": "$util.escapeJavaScript($input.json('$'))"}\` },
      integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": '{"started": "$input.path(\\'$.executionArn\\')"}' } }],
    },
  }), { methodResponses: [{ statusCode: "200" }] });
  stack.addOutputs({ ApiUrl: api.url, RestUrl: rest.url, MachineArn: machine.stateMachineArn, TableName: orders.tableName });
}
`,
  "src/price.ts": `
let calls = 0;
export const line = async (l: { sku: string; qty: number; unit: number }) => l.qty * l.unit;
export const total = async (order: { id: string; prices: number[] }) => {
  // the first call of a "flaky" order fails once: Retry runs it again
  if (order.id.startsWith("flaky") && calls++ === 0) { const e = new Error("try again"); e.name = "Flaky"; throw e; }
  const total = order.prices.reduce((a, b) => a + b, 0);
  if (total > 1000) { const e = new Error("total " + total + " is over the limit"); e.name = "TooBig"; throw e; }
  return { ...order, total };
};
`,
  "src/start.ts": `
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
const sfn = new SFNClient({});
export const handler = async (event: { body: string }) => {
  const order = JSON.parse(event.body);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: process.env.MACHINE_ARN, name: order.id, input: JSON.stringify(order) }));
    return { statusCode: 202, body: JSON.stringify({ executionArn: out.executionArn }) };
  } catch (e: any) {
    return { statusCode: 403, body: JSON.stringify({ error: e.name, message: e.message }) };
  }
};
`,
}));

describe("an SST app with a CDK Step Functions state machine", () => {
  let outputs: Record<string, string> = {};
  let sfn: SFNClient;
  const order = (path: string, body: unknown) => fetch(`${outputs.ApiUrl!.replace(/\/$/, "")}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const finished = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    for (let i = 0; i < 600; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== "RUNNING") return d;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${executionArn} still running`);
  };
  const start = async (body: { id: string } & Record<string, unknown>) => {
    const res = await order("orders", body);
    const answer = await res.json();
    assert.equal(res.status, 202, JSON.stringify(answer));
    return finished(answer.executionArn);
  };

  it("deploys", { timeout: 240_000 }, async () => {
    outputs = (await deployAppLocally(app.cloud, app.dir, "dev-sfn-app-Orders")).outputs;
    const endpoint = app.cloud.endpoint;
    sfn = new SFNClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    assert.match(outputs.MachineArn!, /^arn:aws:states:us-east-1:000000000000:stateMachine:Checkout[0-9A-F]{8}-[A-Za-z0-9]{12}$/);
  });

  it("a granted function starts an execution: Map prices the lines with Lambda, Choice routes, DynamoPutItem saves as the machine's role", { timeout: 60_000 }, async () => {
    const d = await start({ id: "o-1", lines: [{ sku: "a", qty: 2, unit: 30 }, { sku: "b", qty: 1, unit: 50 }, { sku: "c", qty: 3, unit: 10 }] });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.deepEqual([out.prices, out.total, out.status], [[60, 50, 30], 140, "review"]);
    const item = await new DynamoDBClient({ endpoint: app.cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } })
      .send(new GetItemCommand({ TableName: outputs.TableName, Key: { id: { S: "o-1" } } }));
    assert.deepEqual(item.Item, { id: { S: "o-1" }, total: { N: "140" }, status: { S: "review" } });

    const vip = await start({ id: "o-2", coupon: "VIP-10", lines: [{ sku: "a", qty: 1, unit: 5 }] });
    assert.equal(JSON.parse(vip.output!).status, "vip");
  });

  it("Retry runs a failed Lambda task again; Catch routes a typed error to its handler state", { timeout: 60_000 }, async () => {
    const flaky = await start({ id: "flaky-1", lines: [{ sku: "a", qty: 1, unit: 5 }] });
    assert.equal(flaky.status, "SUCCEEDED", flaky.cause);
    assert.equal(JSON.parse(flaky.output!).status, "approved");
    const big = await start({ id: "big-1", lines: [{ sku: "a", qty: 100, unit: 50 }] });
    assert.equal(big.status, "SUCCEEDED");
    const out = JSON.parse(big.output!);
    assert.equal(out.id, "big-1");
    assert.equal(JSON.parse(out.reason).errorMessage, "total 5000 is over the limit");
  });

  it("a function without the grant is refused by IAM; a repeated execution name is ExecutionAlreadyExists", { timeout: 60_000 }, async () => {
    const sneaky = await order("sneaky", { id: "s-1", lines: [] });
    assert.equal(sneaky.status, 403);
    const refused = await sneaky.json();
    assert.equal(refused.error, "AccessDeniedException");
    assert.match(refused.message, /is not authorized to perform: states:StartExecution on resource: arn:aws:states:us-east-1:000000000000:stateMachine:Checkout/);
    const again = await order("orders", { id: "o-1", lines: [] });
    assert.equal((await again.json()).error, "ExecutionAlreadyExists");
  });

  it("API Gateway starts executions itself: an HTTP API StepFunctions-StartExecution route and a REST API AWS integration", { timeout: 60_000 }, async () => {
    const direct = await fetch(`${outputs.ApiUrl!.replace(/\/$/, "")}/direct`, {
      method: "POST", headers: { "content-type": "application/json", "x-order-id": "http-1" },
      body: JSON.stringify({ order: { id: "http-1", lines: [{ sku: "a", qty: 1, unit: 7 }] } }),
    });
    const started = await direct.json();
    assert.equal(direct.status, 200, JSON.stringify(started));
    assert.equal(JSON.parse((await finished(started.executionArn)).output!).total, 7);

    const rest = await fetch(`${outputs.RestUrl}checkout`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "rest-1", lines: [{ sku: "b", qty: 2, unit: 4 }] }) });
    const answer = await rest.json();
    assert.equal(rest.status, 200, JSON.stringify(answer));
    assert.match(answer.started, /:execution:Checkout[0-9A-F]{8}-[A-Za-z0-9]{12}:rest-1$/);
    assert.equal(JSON.parse((await finished(answer.started)).output!).total, 8);
  });

  it("aws stepfunctions lists the executions and shows one's history", { timeout: 60_000 }, async (t) => {
    const aws = awsCli(app.cloud.endpoint);
    if (!aws) return t.skip("no AWS CLI installed");
    const listed = await aws("stepfunctions", "list-executions", "--state-machine-arn", outputs.MachineArn!, "--status-filter", "SUCCEEDED");
    assert.deepEqual(listed.executions.map((e: any) => e.name).sort(), ["big-1", "flaky-1", "http-1", "o-1", "o-2", "rest-1"]);
    const executionArn = listed.executions.find((e: any) => e.name === "o-1").executionArn;
    const history = await aws("stepfunctions", "get-execution-history", "--execution-arn", executionArn);
    const types = history.events.map((e: any) => e.type);
    assert.equal(types[0], "ExecutionStarted");
    assert.equal(types.filter((x: string) => x === "MapIterationSucceeded").length, 3);
    assert.ok(types.includes("ChoiceStateExited"));
    assert.equal(types.at(-1), "ExecutionSucceeded");
    const described = await aws("stepfunctions", "describe-state-machine", "--state-machine-arn", outputs.MachineArn!);
    assert.equal(JSON.parse(described.definition).StartAt, "PriceLines");
  });
});
