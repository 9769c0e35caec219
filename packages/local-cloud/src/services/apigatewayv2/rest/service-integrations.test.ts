/**
 * REST `AWS` service integrations beyond the SST app's (DynamoDB, SQS, S3): SNS Publish
 * as an awsQuery action with its parameters in the mapped query string, EventBridge
 * PutEvents as a JSON action (`AWSEvents.PutEvents`), each called as the integration's
 * role, the delivery observed where it lands (an SQS queue subscribed to the topic, one
 * a rule targets); the service's XML answer read by a response template. And Lambda
 * non-proxy integrations: invoked asynchronously (`X-Amz-Invocation-Type: 'Event'`), and
 * invoked as a role (`Credentials`), which IAM lets call the function or not.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const api = { Ref: "Api" };
const root = { "Fn::GetAtt": ["Api", "RootResourceId"] };
const resource = (part: string) => ({ Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: api, ParentId: root, PathPart: part } });
const post = (res: string, integration: Record<string, unknown>) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: api, ResourceId: { Ref: res }, HttpMethod: "POST", AuthorizationType: "NONE", Integration: { Type: "AWS", IntegrationHttpMethod: "POST", Credentials: { "Fn::GetAtt": ["GatewayRole", "Arn"] }, ...integration }, MethodResponses: [{ StatusCode: "200" }, { StatusCode: "400" }] },
});
const queuePolicy = (queue: string, source: unknown) => ({
  Type: "AWS::SQS::QueuePolicy",
  Properties: { Queues: [{ Ref: queue }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [queue, "Arn"] }, Condition: { ArnEquals: { "aws:SourceArn": source } } }] } },
});

/** POST /{res}: the Worker function, invoked asynchronously (as `role`, when given). */
const jobAs = (res: string, role: unknown) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: api, ResourceId: { Ref: res }, HttpMethod: "POST", AuthorizationType: "NONE", MethodResponses: [{ StatusCode: "200" }],
    Integration: {
      Type: "AWS", IntegrationHttpMethod: "POST", Credentials: role,
      Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Worker.Arn}/invocations" },
      RequestParameters: { "integration.request.header.X-Amz-Invocation-Type": "'Event'" },
      RequestTemplates: { "application/json": '{"job": $input.json("$.id")}' },
      IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"accepted": true, "body": "$input.body"}' } }],
    } },
});

/** POST /{res}: the Adder function, non-proxy, invoked as `role`. */
const addAs = (res: string, role: string) => ({
  Type: "AWS::ApiGateway::Method",
  Properties: { RestApiId: api, ResourceId: { Ref: res }, HttpMethod: "POST", AuthorizationType: "NONE", MethodResponses: [{ StatusCode: "200" }, { StatusCode: "400" }],
    Integration: {
      Type: "AWS", IntegrationHttpMethod: "POST", Credentials: { "Fn::GetAtt": [role, "Arn"] },
      Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Adder.Arn}/invocations" },
      IntegrationResponses: [
        { StatusCode: "200", ResponseTemplates: { "application/json": '{"sum": $input.json("$.sum")}' } },
        { StatusCode: "400", SelectionPattern: "negative.*", ResponseTemplates: { "application/json": '{"error": "$input.path(\'$.errorMessage\')"}' } },
      ],
    } },
});

const template = {
  Resources: {
    Topic: { Type: "AWS::SNS::Topic", Properties: {} },
    TopicQueue: { Type: "AWS::SQS::Queue", Properties: {} },
    TopicQueuePolicy: queuePolicy("TopicQueue", { Ref: "Topic" }),
    Subscription: { Type: "AWS::SNS::Subscription", Properties: { TopicArn: { Ref: "Topic" }, Protocol: "sqs", Endpoint: { "Fn::GetAtt": ["TopicQueue", "Arn"] }, RawMessageDelivery: true } },
    Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "orders" } },
    RuleQueue: { Type: "AWS::SQS::Queue", Properties: {} },
    Rule: { Type: "AWS::Events::Rule", Properties: { EventBusName: { Ref: "Bus" }, EventPattern: { source: ["shop"] }, Targets: [{ Id: "q", Arn: { "Fn::GetAtt": ["RuleQueue", "Arn"] } }] } },
    RuleQueuePolicy: queuePolicy("RuleQueue", { "Fn::GetAtt": ["Rule", "Arn"] }),
    GatewayRole: { Type: "AWS::IAM::Role", Properties: {
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] },
      Policies: [{ PolicyName: "send", PolicyDocument: { Version: "2012-10-17", Statement: [
        { Effect: "Allow", Action: "sns:Publish", Resource: { Ref: "Topic" } },
        { Effect: "Allow", Action: "events:PutEvents", Resource: { "Fn::GetAtt": ["Bus", "Arn"] } },
      ] } }],
    } },
    LambdaRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
    Worker: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "rest-worker", Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["LambdaRole", "Arn"] },
      Code: { ZipFile: 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, 300)); console.log("worked on " + e.job); return "done"; }' } } },
    Adder: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["LambdaRole", "Arn"] },
      Code: { ZipFile: 'exports.handler = async (e) => { if (e.a < 0) throw new Error("negative: " + e.a); return { sum: e.a + e.b }; }' } } },
    InvokerRole: { Type: "AWS::IAM::Role", Properties: {
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] },
      Policies: [{ PolicyName: "invoke", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [{ "Fn::GetAtt": ["Adder", "Arn"] }, { "Fn::GetAtt": ["Worker", "Arn"] }] }] } }],
    } },
    Add: resource("add"),
    AddDenied: resource("add-denied"),
    AddPost: addAs("Add", "InvokerRole"),
    AddDeniedPost: addAs("AddDenied", "GatewayRole"),
    Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "services" } },
    Job: resource("job"),
    JobPost: jobAs("Job", { "Fn::GetAtt": ["InvokerRole", "Arn"] }),
    // no role: API Gateway's own permission to invoke (AWS::Lambda::Permission), which the local cloud does not check
    LocalJob: resource("job-local"),
    LocalJobPost: jobAs("LocalJob", undefined),
    Notify: resource("notify"),
    Order: resource("order"),
    NotifyPost: post("Notify", {
      Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:sns:action/Publish" },
      RequestParameters: { "integration.request.querystring.TopicArn": { "Fn::Sub": "'${Topic}'" }, "integration.request.querystring.Message": "method.request.body" },
      RequestTemplates: { "application/json": "" },
      IntegrationResponses: [
        { StatusCode: "200", ResponseTemplates: { "application/json": "#set($id = $input.body.replaceAll('(?s).*<MessageId>(.*)</MessageId>.*', '$1')){\"published\": \"$id\"}" } },
        { StatusCode: "400", SelectionPattern: "4\\d{2}" },
      ],
    }),
    OrderPost: post("Order", {
      Uri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:events:action/PutEvents" },
      RequestTemplates: { "application/json": { "Fn::Sub": '{"Entries": [{"Source": "shop", "DetailType": "order", "EventBusName": "${Bus}", "Detail": "$util.escapeJavaScript($input.json(\'$\'))"}]}' } },
      IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"failed": $input.json("$.FailedEntryCount")}' } }, { StatusCode: "400", SelectionPattern: "4\\d{2}" }],
    }),
    Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["NotifyPost", "OrderPost", "JobPost", "LocalJobPost", "AddPost", "AddDeniedPost"], Properties: { RestApiId: api, StageName: "dev" } },
  },
  Outputs: {
    Url: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "LocalEndpoint"] }, "/dev/"]] } },
    TopicQueue: { Value: { Ref: "TopicQueue" } },
    RuleQueue: { Value: { Ref: "RuleQueue" } },
  },
};

let outputs: Record<string, string> = {};
const send = (path: string, body: unknown) => fetch(`${outputs.Url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const receive = async (queueUrl: string) => {
  for (let i = 0; i < 50; i++) {
    const got = await tc.cloud.sqs.call("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
    if (got.Messages?.length) return got.Messages[0]!.Body!;
  }
  throw new Error("nothing arrived");
};

test("deploys", { timeout: 120_000 }, async () => {
  outputs = (await deployTestStack(tc.cloud, "rest-services", template)).outputs;
});

test("SNS Publish as an awsQuery action: the mapped query string is its parameters, the XML answer is read by the template", { timeout: 60_000 }, async () => {
  const res = await send("notify", { hello: "topic" });
  assert.equal(res.status, 200);
  const { published } = await res.json();
  assert.match(published, /^[0-9a-f-]{36}$/);
  assert.deepEqual(JSON.parse(await receive(outputs.TopicQueue!)), { hello: "topic" });
});

test("EventBridge PutEvents as a JSON action reaches the rule's target", { timeout: 60_000 }, async () => {
  const res = await send("order", { id: 42 });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { failed: 0 });
  const event = JSON.parse(await receive(outputs.RuleQueue!));
  assert.equal(event.source, "shop");
  assert.deepEqual(event.detail, { id: 42 });
});

test("a Lambda non-proxy integration with X-Amz-Invocation-Type 'Event' answers without the function's result, and the function runs with the mapped event", { timeout: 60_000 }, async () => {
  for (const [path, job] of [["job", "j-7"], ["job-local", "j-8"]]) {
    const res = await send(path!, { id: job });
    assert.equal(res.status, 200, path);
    assert.deepEqual(await res.json(), { accepted: true, body: "" });
    let found: string[] = [];
    for (let i = 0; i < 50 && !found.length; i++) {
      const out = await tc.cloud.logs.call("FilterLogEvents", { logGroupName: "/aws/lambda/rest-worker", filterPattern: `"worked on ${job}"` }).catch(() => ({ events: [] }));
      found = (out.events ?? []).map((e: any) => e.message);
      if (!found.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(found.length, 1, path);
  }
});

test("a Lambda non-proxy integration with Credentials invokes the function as that role: allowed, a function error selected by its message, refused by IAM", { timeout: 60_000 }, async () => {
  const ok = await send("add", { a: 2, b: 5 });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { sum: 7 });
  const failed = await send("add", { a: -1, b: 5 });
  assert.equal(failed.status, 400);
  assert.deepEqual(await failed.json(), { error: "negative: -1" });
  const refused = await send("add-denied", { a: 2, b: 5 });
  assert.equal(refused.status, 500);
  assert.deepEqual(await refused.json(), { message: "Internal server error" });
});
