/**
 * The Auth construct in synthesized templates: what `attach` adds, what `bind` gives,
 * that routes added after `attach` are bound too, and the errors that name the mistake.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Template } from "aws-cdk-lib/assertions";
import { App, Stack, Api, Auth, Function } from "./index.js";
import { generateTypes } from "../project/typegen.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const root = writeApp({ "src/auth.ts": "export const handler = async () => 'auth';\n", "src/route.ts": "export const handler = async () => 'route';\n" });
after(() => removeApp(root));

function setup(prefix?: string) {
  const app = new App({ name: "my-app", stage: "dev", region: "us-east-1", account: "000000000000", mode: "dev", root, outdir: `${root}/.sst/dist-${Math.random()}` });
  const stack = new Stack(app, "S");
  const api = new Api(stack, "Api", { routes: { "GET /": "src/route.handler" } });
  const auth = new Auth(stack, "Auth", { authenticator: "src/auth.handler" });
  auth.attach(stack, { api, ...(prefix ? { prefix } : {}) });
  return { app, stack, api, auth };
}

function fnEnv(t: Template, handlerEnvKey: string): Record<string, string>[] {
  return Object.values<any>(t.findResources("AWS::Lambda::Function"))
    .map((f) => f.Properties.Environment?.Variables ?? {})
    .filter((v) => handlerEnvKey in v);
}

describe("Auth", () => {
  it("mounts the authenticator at a custom prefix with its prefix parameter", async () => {
    const { app, stack } = setup("/account/login");
    await app.finish();
    const t = Template.fromStack(stack);
    const keys = Object.values<any>(t.findResources("AWS::ApiGatewayV2::Route")).map((r) => r.Properties.RouteKey).sort();
    assert.deepEqual(keys, ["ANY /account/login/{proxy+}", "GET /", "GET /account/login"]);
    t.hasResourceProperties("AWS::SSM::Parameter", { Name: "/sst/my-app/dev/Auth/Auth/prefix", Value: "/account/login" });
    t.hasResourceProperties("Custom::AuthKeys", { publicPath: "/sst/my-app/dev/Auth/Auth/publicKey", privatePath: "/sst/my-app/dev/Auth/Auth/privateKey" });
    const authenticators = fnEnv(t, "SST_Auth_privateKey_Auth");
    assert.equal(authenticators.length, 2);
    for (const env of authenticators) assert.equal(env.SST_Auth_prefix_Auth, "/account/login");
  });

  it("binds the public key, and only it, to routes added after attach and to functions that bind it", async () => {
    const { app, stack, api, auth } = setup();
    api.addRoutes(stack, { "POST /later": "src/route.handler" });
    const standalone = new Function(stack, "Standalone", { handler: "src/route.handler", bind: [auth] });
    await app.finish();
    const t = Template.fromStack(stack);
    const routes = Object.values<any>(t.findResources("AWS::Lambda::Function"))
      .map((f) => f.Properties.Environment?.Variables ?? {})
      .filter((v) => v.SST_FUNCTION_ID && !("SST_Auth_privateKey_Auth" in v));
    assert.equal(routes.length, 3, "GET /, POST /later and the standalone function");
    for (const env of routes) {
      assert.equal(env.SST_Auth_publicKey_Auth, "__FETCH_FROM_SSM__");
      assert.equal(env.SST_Auth_prefix_Auth, undefined);
    }
    const policies = Object.values<any>(t.findResources("AWS::IAM::Policy"));
    const standaloneRole = (t.findResources("AWS::Lambda::Function")[stack.getLogicalId(standalone.node.defaultChild as any)] as any).Properties.Role["Fn::GetAtt"][0];
    const statements = policies.filter((p) => p.Properties.Roles.some((r: any) => r.Ref === standaloneRole)).flatMap((p) => p.Properties.PolicyDocument.Statement);
    // X-Ray (on by default, as in SST v2), then exactly the Auth's public key.
    assert.deepEqual(statements, [{ Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Effect: "Allow", Resource: "*" }, {
      Action: "ssm:GetParameters", Effect: "Allow",
      Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ssm:us-east-1:000000000000:parameter/sst/my-app/dev/Auth/Auth/publicKey"]] },
    }]);
  });

  it("generates AuthResources types for sst/node/auth", async () => {
    const { app } = setup();
    await app.finish();
    assert.match(generateTypes(app), /declare module "sst\/node\/auth" \{\n  export interface AuthResources \{\n    "Auth": \{ publicKey: string; \};/);
  });

  it("refuses a second attach to the same Api, a second Auth on an Api, a bad prefix and Cognito props", () => {
    const { stack, api, auth } = setup();
    assert.throws(() => auth.attach(stack, { api }), /Auth "Auth" is already attached to the "Api" Api/);
    const other = new Auth(stack, "Other", { authenticator: "src/auth.handler" });
    assert.throws(() => other.attach(stack, { api }), /The "Api" Api already has an Auth attached \("Auth"\)/);
    const api2 = new Api(stack, "Api2");
    assert.throws(() => other.attach(stack, { api: api2, prefix: "auth/" }), /Auth "Other": "prefix" must be a path like "\/auth".*"auth\/"/);
    assert.throws(() => new Auth(stack, "Cognito", { login: ["email"] } as any), /Auth "Cognito": expected \{ authenticator \}.*renamed to Cognito/);
    assert.throws(() => new Auth(stack, "Empty", {} as any), /expected \{ authenticator \}/);
  });

  it("uses one CustomResourceHandler per stack for every Auth in it", async () => {
    const { app, stack } = setup();
    new Auth(stack, "Second", { authenticator: "src/auth.handler" });
    await app.finish();
    const t = Template.fromStack(stack);
    const handlers = Object.keys(t.findResources("AWS::Lambda::Function")).filter((id) => id.startsWith("CustomResourceHandler"));
    assert.deepEqual(handlers, ["CustomResourceHandlerE8FB56BA"]);
    assert.equal(Object.keys(t.findResources("Custom::AuthKeys")).length, 2);
  });
});
