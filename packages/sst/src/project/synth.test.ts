/**
 * Synthesizes the seed-like app (Database / Storage / API / Queue) through
 * loadProject + synth and checks the templates the deploy targets receive.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadProject, synth, type SynthResult } from "./index.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

type Template = { Resources: Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>; Outputs?: Record<string, any> };

function template(result: SynthResult, stackName: string): Template {
  const s = result.stacks.find((x) => x.stackName === stackName);
  assert.ok(s, `stack ${stackName} in ${result.stacks.map((x) => x.stackName).join(", ")}`);
  return JSON.parse(fs.readFileSync(s.templateFile, "utf8"));
}

function ofType(t: Template, type: string) {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** The app's functions (every stack also holds SST's custom resource handler). */
function appFunctions(t: Template) {
  return ofType(t, "AWS::Lambda::Function").filter(([id]) => !id.startsWith("CustomResourceHandler"));
}

function functionByHandlerEnv(t: Template, envName: string) {
  return ofType(t, "AWS::Lambda::Function").filter(([, r]) => r.Properties.Environment?.Variables?.[envName] !== undefined);
}

/** The policy attached to the role of function `logicalId`. */
function policyOf(t: Template, fnLogicalId: string): any[] {
  const roleRef = t.Resources[fnLogicalId].Properties.Role["Fn::GetAtt"][0];
  const policies = ofType(t, "AWS::IAM::Policy").filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleRef));
  return policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe("synth of the seed-like app (deploy mode)", () => {
  let dir: string;
  let result: SynthResult;
  before(async () => {
    dir = writeApp();
    const project = await loadProject({ cwd: dir, stage: "dev" });
    result = await synth(project, { mode: "deploy" });
  });
  after(() => removeApp(dir));

  it("names stacks {stage}-{app}-{id} with dependencies from use()", () => {
    assert.deepEqual(result.stacks.map((s) => s.stackName), [
      "dev-my-app-Database", "dev-my-app-Storage", "dev-my-app-API", "dev-my-app-QueueStack",
    ]);
    const api = result.stacks.find((s) => s.stackName === "dev-my-app-API")!;
    assert.deepEqual(api.dependencies.sort(), ["dev-my-app-Database", "dev-my-app-Storage"]);
    assert.equal(result.assemblyDir, path.join(dir, ".sst", "dist"));
    assert.ok(fs.existsSync(path.join(dir, ".sst/dist/manifest.json")));
  });

  it("creates the table dev-my-app-Users with its GSI and stream consumer", () => {
    const t = template(result, "dev-my-app-Database");
    const [[, table]] = ofType(t, "AWS::DynamoDB::Table");
    assert.equal(table.Properties.TableName, "dev-my-app-Users");
    assert.equal(table.Properties.BillingMode, "PAY_PER_REQUEST");
    assert.deepEqual(table.Properties.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }]);
    assert.equal(table.Properties.GlobalSecondaryIndexes[0].IndexName, "gsi1");
    assert.equal(table.Properties.StreamSpecification.StreamViewType, "NEW_AND_OLD_IMAGES");
    assert.equal(table.DeletionPolicy, "Delete", "setDefaultRemovalPolicy('destroy') applies to every resource");
    const [[, mapping]] = ofType(t, "AWS::Lambda::EventSourceMapping");
    assert.equal(mapping.Properties.BatchSize, 100);
    assert.equal(mapping.Properties.StartingPosition, "LATEST");
  });

  it("gives every function the SST env vars and its bindings", () => {
    const t = template(result, "dev-my-app-API");
    const fns = appFunctions(t);
    assert.equal(fns.length, 4);
    for (const [, fn] of fns) {
      const env = fn.Properties.Environment.Variables;
      assert.equal(env.SST_APP, "my-app");
      assert.equal(env.SST_STAGE, "dev");
      assert.equal(env.SST_SSM_PREFIX, "/sst/my-app/dev/");
      assert.equal(env.AWS_NODEJS_CONNECTION_REUSE_ENABLED, "1");
      assert.equal(env.SST_FUNCTION_ID, undefined, "no SST_FUNCTION_ID outside dev");
      // Cross-stack binding: the table name is imported from the Database stack.
      assert.ok(env.SST_Table_tableName_Users["Fn::ImportValue"].startsWith("dev-my-app-Database:"));
      assert.equal(fn.Properties.Timeout, 30);
      assert.equal(fn.Properties.MemorySize, 512);
      assert.equal(fn.Properties.Runtime, "nodejs20.x");
      // SST v2 keeps the source path: the bundle mirrors it.
      assert.match(fn.Properties.Handler, /^packages\/functions\/src\/(users|storage)\/\w+\.handler$/);
    }
    assert.equal(functionByHandlerEnv(t, "SST_Bucket_bucketName_Uploads").length, 1, "only the presign route is bound to the bucket");
  });

  it("grants each function exactly what it is bound to", () => {
    const t = template(result, "dev-my-app-API");
    for (const [id] of appFunctions(t)) {
      const statements = policyOf(t, id);
      for (const s of statements) {
        const actions = [s.Action].flat();
        const resources = [s.Resource].flat();
        assert.ok(!(actions.includes("*") && resources.includes("*")), `no * on * in ${id}`);
      }
      // X-Ray tracing is on by default (SST v2), then exactly the bindings.
      const actions = statements.map((s) => JSON.stringify(s.Action)).sort();
      const bound = t.Resources[id].Properties.Environment.Variables.SST_Bucket_bucketName_Uploads !== undefined;
      const xray = JSON.stringify(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
      assert.deepEqual(actions, (bound ? ['"dynamodb:*"', '"s3:*"', xray] : ['"dynamodb:*"', xray]).sort());
      const dynamo = statements.find((s) => s.Action === "dynamodb:*");
      assert.equal(dynamo.Resource.length, 2);
      assert.ok(dynamo.Resource[0]["Fn::ImportValue"].includes("Arn"));
    }
  });

  it("exports from the Database stack what the API stack imports", () => {
    const db = template(result, "dev-my-app-Database");
    const exported = Object.values(db.Outputs ?? {}).map((o: any) => o.Export?.Name).filter(Boolean);
    const api = JSON.stringify(template(result, "dev-my-app-API"));
    const imported = [...api.matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(imported.length > 0);
    for (const name of imported.filter((n) => n.startsWith("dev-my-app-Database:"))) assert.ok(exported.includes(name), name);
  });

  it("writes an SSM parameter per plain bound value", () => {
    const names = result.stacks.flatMap((s) => ofType(template(result, s.stackName), "AWS::SSM::Parameter").map(([, p]) => p.Properties));
    const byName = new Map(names.map((p) => [p.Name, p]));
    assert.deepEqual(byName.get("/sst/my-app/dev/Table/Users/tableName")!.Value, { Ref: Object.keys(template(result, "dev-my-app-Database").Resources).find((k) => k.startsWith("UsersTable")) });
    assert.ok(byName.has("/sst/my-app/dev/Bucket/Uploads/bucketName"));
    assert.ok(byName.has("/sst/my-app/dev/Queue/ProcessingQueue/queueUrl"));
    assert.ok(byName.has("/sst/my-app/dev/Api/Api/url"));
    for (const p of names) assert.equal(p.Type, "String");
  });

  it("configures the HTTP API with routes, CORS, access log and the ApiEndpoint output", () => {
    const t = template(result, "dev-my-app-API");
    const [[apiId, api]] = ofType(t, "AWS::ApiGatewayV2::Api");
    assert.equal(api.Properties.ProtocolType, "HTTP");
    assert.deepEqual(api.Properties.CorsConfiguration, { AllowCredentials: false, AllowHeaders: ["*"], AllowMethods: ["*"], AllowOrigins: ["*"] });
    const routes = ofType(t, "AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties.RouteKey).sort();
    assert.deepEqual(routes, ["GET /users", "GET /users/{id}", "POST /uploads", "POST /users"]);
    const [[, stage]] = ofType(t, "AWS::ApiGatewayV2::Stage");
    assert.ok(stage.Properties.AccessLogSettings.DestinationArn);
    const [[, group]] = ofType(t, "AWS::Logs::LogGroup");
    const name = JSON.stringify(group.Properties.LogGroupName);
    assert.ok(name.includes("/aws/vendedlogs/apis/dev-my-app-Api-") && name.endsWith('/default"]]}'), name);
    assert.match(stage.Properties.AccessLogSettings.Format, /\$context.requestId/);
    assert.deepEqual(t.Outputs!.ApiEndpoint.Value, { "Fn::GetAtt": [apiId, "ApiEndpoint"] });
    for (const [, i] of ofType(t, "AWS::ApiGatewayV2::Integration")) assert.equal(i.Properties.PayloadFormatVersion, "2.0");
  });

  it("wires the queue consumer with its event source settings", () => {
    const t = template(result, "dev-my-app-QueueStack");
    const [[, q]] = ofType(t, "AWS::SQS::Queue");
    assert.equal(q.Properties.QueueName, "dev-my-app-ProcessingQueue");
    assert.equal(q.Properties.VisibilityTimeout, 300, "visibility timeout covers the 5 minute consumer");
    const [[, m]] = ofType(t, "AWS::Lambda::EventSourceMapping");
    assert.equal(m.Properties.BatchSize, 10);
    assert.equal(m.Properties.MaximumBatchingWindowInSeconds, 30);
    const [[, fn]] = appFunctions(t);
    assert.equal(fn.Properties.Timeout, 300);
  });

  it("adds the bucket notification and CORS rules", () => {
    const t = template(result, "dev-my-app-Storage");
    const [[, bucket]] = ofType(t, "AWS::S3::Bucket");
    assert.deepEqual(bucket.Properties.CorsConfiguration.CorsRules[0].AllowedMethods, ["GET", "PUT"]);
    const [[, n]] = ofType(t, "Custom::S3BucketNotifications");
    const cfg = n.Properties.NotificationConfiguration.LambdaFunctionConfigurations;
    assert.deepEqual(cfg.map((c: any) => c.Events), [["s3:ObjectCreated:*"]]);
  });

  it("bundles each function when the app finishes into .sst/artifacts/<addr>/, mirroring the handler's path", () => {
    // Besides the stacks' custom resource handler, bundled once per synth.
    const bundles = fs.readdirSync(path.join(dir, ".sst/artifacts")).filter((d) => d !== "CustomResourceHandler");
    assert.equal(bundles.length, 7);
    for (const b of bundles) {
      const files = fs.readdirSync(path.join(dir, ".sst/artifacts", b), { recursive: true }).map(String);
      assert.ok(files.some((f) => /^packages\/functions\/src\/[\w/-]+\.mjs$/.test(f)), `${b}: ${files.join(", ")}`);
      assert.ok(!files.some((f) => f.endsWith(".map")), "the sourcemap goes to its own asset");
    }
    assert.deepEqual(result.functions, {}, "no definitions for the dev loop outside dev");
  });

  it("writes .sst/types/index.ts augmenting the runtime clients", () => {
    const types = fs.readFileSync(path.join(dir, ".sst/types/index.ts"), "utf8");
    assert.match(types, /declare module "sst\/node\/table" \{\s*export interface TableResources \{\s*"Users": \{ tableName: string; \};/);
    assert.match(types, /"Uploads": \{ bucketName: string; \}/);
  });
});

describe("synth in dev mode", () => {
  let dir: string;
  let result: SynthResult;
  before(async () => {
    dir = writeApp();
    const project = await loadProject({ cwd: dir, stage: "dev" });
    result = await synth(project, { mode: "dev" });
  });
  after(() => removeApp(dir));

  it("does not bundle; records each definition and sets SST_FUNCTION_ID", () => {
    // Only the stacks' custom resource handler is bundled (once per synth).
    const artifacts = fs.existsSync(path.join(dir, ".sst/artifacts")) ? fs.readdirSync(path.join(dir, ".sst/artifacts")) : [];
    assert.deepEqual(artifacts.filter((d) => d !== "CustomResourceHandler"), []);
    const t = template(result, "dev-my-app-API");
    const ids = appFunctions(t).map(([, f]) => f.Properties.Environment.Variables.SST_FUNCTION_ID);
    assert.equal(ids.length, 4);
    const handlers = ids.map((id) => result.functions[id]?.handler).sort();
    assert.deepEqual(handlers, [
      "packages/functions/src/storage/presign.handler",
      "packages/functions/src/users/create.handler",
      "packages/functions/src/users/get.handler",
      "packages/functions/src/users/list.handler",
    ]);
    assert.equal(result.functions[ids[0]].runtime, "nodejs20.x");
  });

  it("points functions at the dev stub asset", () => {
    const t = template(result, "dev-my-app-API");
    const [, fn] = appFunctions(t)[0];
    assert.equal(fn.Properties.Handler, "index.handler");
    const assets = JSON.parse(fs.readFileSync(path.join(result.assemblyDir, "dev-my-app-API.assets.json"), "utf8"));
    const code = fn.Properties.Code as { S3Key: string };
    const file = Object.values<any>(assets.files).find((f) => code.S3Key.startsWith(f.source.path.replace(/^asset\./, "")));
    const staged = path.join(result.assemblyDir, file.source.path, "index.mjs");
    assert.match(fs.readFileSync(staged, "utf8"), /This function runs from source under sst dev/);
  });
});
