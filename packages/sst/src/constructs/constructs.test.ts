/**
 * Constructs on their own: error cases that must name the culprit, props parsing,
 * Config bindings and permission forms. Synthesizes in-memory apps in "dev" mode.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { Template } from "aws-cdk-lib/assertions";
import {
  App, Stack, Function, Api, Table, Bucket, Queue, Config, use, getStack, dependsOn, type StackContext,
} from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const root = writeApp({
  "src/a.ts": "export const handler = async () => 'a';\n",
  "src/b.js": "export const main = async () => 'b';\n",
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy" = "dev", stage = "dev"): App {
  return new App({ name: "my-app", stage, region: "us-east-1", account: "000000000000", mode, root, outdir: `${root}/.sst/dist-${Math.random()}` });
}

/** The environment of the first SST function (every stack also has SST's custom resource handler). */
function envOf(t: Template, logicalIdPrefix?: string): Record<string, any> {
  const fns = t.findResources("AWS::Lambda::Function");
  const [id] = Object.keys(fns).filter((k) => fns[k].Properties.Environment && (!logicalIdPrefix || k.startsWith(logicalIdPrefix)));
  return fns[id].Properties.Environment.Variables;
}

function statements(t: Template): any[] {
  return Object.values<any>(t.findResources("AWS::IAM::Policy")).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe("Function", () => {
  it("applies SST defaults: nodejs22.x, 10 s, 1024 MB", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Function(stack, "Fn", { handler: "src/a.handler" });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Runtime: "nodejs22.x", Timeout: 10, MemorySize: 1024 });
  });

  it("parses durations and sizes given as strings", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Function(stack, "Fn", { handler: "src/b.main", timeout: "2 minutes", memorySize: "2 GB", environment: { A: "1" } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Timeout: 120, MemorySize: 2048 });
    assert.equal(envOf(t).A, "1");
    assert.throws(() => new Function(stack, "Bad", { handler: "src/a.handler", timeout: "3 fortnights" as any }), /Function "Bad".*"timeout" Invalid timeout "3 fortnights"/);
  });

  it("throws naming the handler and every path tried when the file is missing (dev mode too)", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Function(stack, "Fn", { handler: "src/missing.handler" });
    await assert.rejects(app.finish(), (e: Error) => {
      assert.match(e.message, /Function "Fn".*"src\/missing.handler"/);
      assert.ok(e.message.includes(`${root}/src/missing.ts`));
      assert.ok(e.message.includes(`${root}/src/missing.mjs`));
      return true;
    });
  });

  it("merges app and stack defaults under the function's props", () => {
    const app = newApp();
    app.setDefaultFunctionProps({ timeout: 20, environment: { FROM_APP: "1" } });
    app.addDefaultFunctionEnv({ SHARED: "app" });
    const stack = new Stack(app, "S");
    stack.setDefaultFunctionProps((s) => ({ environment: { STACK: s.stackName } }));
    new Function(stack, "Fn", { handler: "src/a.handler", environment: { SHARED: "fn" } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Timeout: 20 });
    const env = envOf(t);
    assert.equal(env.FROM_APP, "1");
    assert.equal(env.STACK, "dev-my-app-S");
    assert.equal(env.SHARED, "fn");
    assert.equal(stack.getAllFunctions().length, 1);
  });

  it("attaches SST's permission forms", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const table = new Table(stack, "T", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    const fn = new Function(stack, "Fn", { handler: "src/a.handler", permissions: ["s3", "sqs:SendMessage", table] });
    fn.attachPermissions([new iam.PolicyStatement({ actions: ["sns:Publish"], resources: ["arn:aws:sns:us-east-1:000000000000:t"] })]);
    fn.attachPermissions([[table.cdk.table, "grantReadData"]]);
    const s = statements(Template.fromStack(stack));
    const actions = s.map((x) => x.Action).flat();
    assert.ok(actions.includes("s3:*"));
    assert.ok(actions.includes("sqs:SendMessage"));
    assert.ok(actions.includes("dynamodb:*"));
    assert.ok(actions.includes("sns:Publish"));
    assert.ok(actions.includes("dynamodb:GetItem"), "grantReadData ran");
  });

  it("fromDefinition accepts a string, props or a Function, and refuses defaults for a Function", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const a = Function.fromDefinition(stack, "A", "src/a.handler", { timeout: 5 });
    const b = Function.fromDefinition(stack, "B", { handler: "src/b.main" }, { memorySize: 256 });
    assert.equal(Function.fromDefinition(stack, "C", a), a);
    assert.throws(() => Function.fromDefinition(stack, "D", a, { timeout: 3 }), /Cannot inherit|defaults/);
    assert.notEqual(a, b);
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", { MemorySize: 256 });
  });

  it("binds another function and adds a URL", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const target = new Function(stack, "Billing", { handler: "src/a.handler" });
    const fn = new Function(stack, "Caller", { handler: "src/a.handler", bind: [target], url: true });
    assert.ok(fn.url);
    const t = Template.fromStack(stack);
    t.resourceCountIs("AWS::Lambda::Url", 1);
    const caller = Object.values<any>(t.findResources("AWS::Lambda::Function")).find((f) => f.Properties.Environment?.Variables.SST_Function_functionName_Billing);
    assert.ok(caller);
    assert.ok(statements(t).some((s) => s.Action === "lambda:*"));
  });
});

describe("Api", () => {
  it("throws naming the route and the handler path when the file is missing", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Api(stack, "Api", { routes: { "GET /ok": "src/a.handler", "POST /users": "src/nope/create.handler" } });
    await assert.rejects(app.finish(), (e: Error) => {
      assert.match(e.message, /Api "Api".*: "routes\["POST \/users"\]\.handler": Could not find file for handler "src\/nope\/create.handler"/);
      assert.ok(e.message.includes(`${root}/src/nope/create.ts`), e.message);
      return true;
    });
  });

  it("supports $default, ANY /{proxy+}, route props, cors: false and getFunction", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const api = new Api(stack, "Api", {
      cors: false,
      accessLog: false,
      routes: {
        "$default": "src/a.handler",
        "ANY /{proxy+}": { function: "src/b.main", payloadFormatVersion: "1.0" },
        "GET /iam": { function: { handler: "src/a.handler" }, authorizer: "iam" },
      },
    });
    assert.deepEqual(api.routes, ["$default", "ANY /{proxy+}", "GET /iam"]);
    assert.ok(api.getFunction("ANY   /{proxy+}"));
    const t = Template.fromStack(stack);
    const apiRes = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Api"))[0];
    assert.equal(apiRes.Properties.CorsConfiguration, undefined);
    const keys = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Route")).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]);
    assert.deepEqual(keys.sort(), [["$default", "NONE"], ["ANY /{proxy+}", "NONE"], ["GET /iam", "AWS_IAM"]]);
    const versions = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Integration")).map((i) => i.Properties.PayloadFormatVersion).sort();
    assert.deepEqual(versions, ["1.0", "2.0", "2.0"]);
    const stage = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Stage"))[0];
    assert.equal(stage.Properties.AccessLogSettings, undefined);
  });

  it("attaches JWT and Lambda authorizers from the authorizers map and defaults", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const authFn = new Function(stack, "Auth", { handler: "src/a.handler" });
    const api = new Api(stack, "Api", {
      authorizers: {
        jwt: { type: "jwt", jwt: { issuer: "https://issuer.example.com", audience: ["aud"] } },
        custom: { type: "lambda", function: authFn, responseTypes: ["simple"] },
      },
      defaults: { authorizer: "jwt", authorizationScopes: ["read"] },
      routes: { "GET /a": "src/a.handler", "GET /b": { function: "src/a.handler", authorizer: "custom" }, "GET /c": { function: "src/a.handler", authorizer: "none" } },
    });
    assert.equal(api.routes.length, 3);
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", { AuthorizerType: "JWT", JwtConfiguration: { Issuer: "https://issuer.example.com", Audience: ["aud"] } });
    t.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", { AuthorizerType: "REQUEST", EnableSimpleResponses: true });
    const types = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Route")).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]).sort();
    assert.deepEqual(types, [["GET /a", "JWT"], ["GET /b", "CUSTOM"], ["GET /c", "NONE"]]);
    assert.throws(() => api.addRoutes(stack, { "GET /d": { function: "src/a.handler", authorizer: "nope" } }), /"routes\["GET \/d"\]\.authorizer": Cannot find authorizer "nope"/);
  });

  it("rejects malformed route keys", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    assert.throws(() => new Api(stack, "Api", { routes: { "FETCH /x": "src/a.handler" } }), /"routes\["FETCH \/x"\]": Invalid method defined for "FETCH \/x"/);
  });
});

describe("Table", () => {
  it("rejects an unknown field type, naming table, field and type", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    assert.throws(
      () => new Table(stack, "Users", { fields: { pk: "strin" as any }, primaryIndex: { partitionKey: "pk" } }),
      /Table "Users".*: "fields.pk" has unknown type "strin"/,
    );
  });

  it("rejects an index on an undeclared field and consumers without a stream", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    assert.throws(() => new Table(stack, "A", { fields: { pk: "string" }, primaryIndex: { partitionKey: "id" } }), /"primaryIndex.partitionKey": Please define "id" in "fields"/);
    assert.throws(() => new Table(stack, "B", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" }, consumers: { c: "src/a.handler" } }), /enable the "stream" option/);
  });

  it("supports local indexes, projections, TTL and addConsumers with filters", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const table = new Table(stack, "Notes", {
      fields: { pk: "string", sk: "string", n: "number" },
      primaryIndex: { partitionKey: "pk", sortKey: "sk" },
      localIndexes: { byN: { sortKey: "n" } },
      globalIndexes: { g: { partitionKey: "n", projection: ["sk"] } },
      timeToLiveAttribute: "ttl",
      stream: true,
    });
    table.addConsumers(stack, { c: { function: "src/a.handler", filters: [{ eventName: ["INSERT"] }] } });
    assert.ok(table.getFunction("c"));
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: "dev-my-app-Notes",
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
      GlobalSecondaryIndexes: [{ IndexName: "g", Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["sk"] } }],
      LocalSecondaryIndexes: [{ IndexName: "byN" }],
    });
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ["INSERT"] }) }] },
    });
  });
});

describe("escape hatches", () => {
  it("passes cdk props to the table, queue and bucket", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Table(stack, "T", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" }, cdk: { table: { deletionProtection: true } } });
    new Queue(stack, "Q", { cdk: { queue: { fifo: true } } });
    new Bucket(stack, "B", { name: "my-exact-bucket" });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::DynamoDB::Table", { TableName: "dev-my-app-T", DeletionProtectionEnabled: true });
    t.hasResourceProperties("AWS::SQS::Queue", { QueueName: "dev-my-app-Q.fifo", FifoQueue: true });
    t.hasResourceProperties("AWS::S3::Bucket", { BucketName: "my-exact-bucket" });
  });
});

describe("Config", () => {
  it("binds a secret as a marker with ssm:GetParameters on the stage and fallback paths", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const secret = new Config.Secret(stack, "STRIPE_KEY");
    const param = new Config.Parameter(stack, "GREETING", { value: "hello" });
    new Function(stack, "Fn", { handler: "src/a.handler", bind: [secret, param] });
    await app.finish();
    const t = Template.fromStack(stack);
    const env = envOf(t);
    assert.equal(env.SST_Secret_value_STRIPE_KEY, "__FETCH_FROM_SSM__");
    assert.equal(env.SST_Parameter_value_GREETING, "hello");
    const ssm = statements(t).find((s) => s.Action === "ssm:GetParameters");
    const resources = JSON.stringify(ssm.Resource);
    assert.ok(resources.includes(":parameter/sst/my-app/dev/Secret/STRIPE_KEY/value"), resources);
    assert.ok(resources.includes(":parameter/sst/my-app/.fallback/Secret/STRIPE_KEY/value"), resources);
    const params = Object.values<any>(t.findResources("AWS::SSM::Parameter")).map((p) => p.Properties.Name);
    assert.ok(params.includes("/sst/my-app/dev/Parameter/GREETING/value"));
    assert.ok(!params.some((n) => n.includes("/Secret/")), "secrets get no parameter");
  });
});

describe("Queue and Bucket", () => {
  it("binds a queue and sends bucket notifications to a queue", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const queue = new Queue(stack, "Jobs");
    new Bucket(stack, "Files", { cors: false, notifications: { toQueue: { queue, events: ["object_removed"], filters: [{ prefix: "a/" }] } } });
    new Function(stack, "Fn", { handler: "src/a.handler", bind: [queue] });
    const t = Template.fromStack(stack);
    assert.ok(envOf(t, "Fn").SST_Queue_queueUrl_Jobs.Ref);
    assert.deepEqual(statements(t).find((s) => s.Action === "sqs:*").Resource, { "Fn::GetAtt": [Object.keys(t.findResources("AWS::SQS::Queue"))[0], "Arn"] });
    const n = Object.values<any>(t.findResources("Custom::S3BucketNotifications"))[0];
    const q = n.Properties.NotificationConfiguration.QueueConfigurations[0];
    assert.deepEqual(q.Events, ["s3:ObjectRemoved:*"]);
    assert.deepEqual(q.Filter.Key.FilterRules, [{ Name: "prefix", Value: "a/" }]);
    const b = Object.values<any>(t.findResources("AWS::S3::Bucket"))[0];
    assert.equal(b.Properties?.CorsConfiguration, undefined);
  });

  it("gives a bucket SST's default CORS rule", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Bucket(stack, "Files");
    Template.fromStack(stack).hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: { CorsRules: [{ AllowedHeaders: ["*"], AllowedMethods: ["GET", "PUT", "HEAD", "POST", "DELETE"], AllowedOrigins: ["*"] }] },
    });
  });
});

describe("App and stacks", () => {
  it("use() returns a stack's value, and names the missing stack", () => {
    const app = newApp();
    function Database({ stack }: StackContext) {
      return { table: new Table(stack, "Users", { fields: { pk: "string" }, primaryIndex: { partitionKey: "pk" } }) };
    }
    function Later() { return 1; }
    function Api({ stack }: StackContext) {
      const { table } = use(Database);
      assert.throws(() => use(Later), /Initialize "Later" stack before "Api" stack/);
      new Function(stack, "Fn", { handler: "src/a.handler", bind: [table] });
      return {};
    }
    app.stack(Database).stack(Api, { id: "api" });
    assert.equal(getStack(Database).stackName, "dev-my-app-Database");
    assert.equal(getStack(Api).stackName, "dev-my-app-api");
    assert.equal(app.logicalPrefixedName("X"), "dev-my-app-X");
  });

  it("awaits async stack functions and records dependsOn", async () => {
    const app = newApp();
    async function First({ stack }: StackContext) {
      await new Promise((r) => setTimeout(r, 5));
      return { queue: new Queue(stack, "Q") };
    }
    function Second({ stack }: StackContext) {
      dependsOn(First);
      return { url: use(First).queue.queueUrl, stack };
    }
    await app.stack(First);
    app.stack(Second);
    assert.ok(getStack(Second).dependencies.includes(getStack(First)));
    assert.throws(() => app.stack(Second), /StackDuplicates/);
  });

  it("setDefaultRemovalPolicy('retain') marks resources Retain when the app finishes", async () => {
    const app = newApp();
    app.setDefaultRemovalPolicy("retain");
    const stack = new Stack(app, "S");
    new Queue(stack, "Q");
    await app.finish();
    const t = Template.fromStack(stack);
    const q = Object.values<any>(t.findResources("AWS::SQS::Queue"))[0];
    assert.equal(q.DeletionPolicy, "Retain");
  });

  it("adds outputs, plain or with an export name", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    stack.addOutputs({ A: "a", B: { value: "b", exportName: "bee" }, C: undefined });
    const t = Template.fromStack(stack);
    t.hasOutput("A", { Value: "a" });
    t.hasOutput("B", { Value: "b", Export: { Name: "bee" } });
    assert.equal(cdk.Stack.of(stack).region, "us-east-1");
  });
});
