/**
 * `sst dev` names the REST API methods the local cloud cannot serve, wherever they were
 * added (an ApiGatewayV1Api's `cdk.restApi`, a plain CDK RestApi): an AWS integration
 * calling a service it does not have, an AWS_PROXY integration that is not a Lambda
 * function, a VPC link; the integrations it serves get no notice.
 */
import { it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as apig from "aws-cdk-lib/aws-apigateway";
import * as iam from "aws-cdk-lib/aws-iam";
import { App, Stack, ApiGatewayV1Api } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

let dir: string;
before(() => {
  dir = writeApp({ "package.json": JSON.stringify({ name: "notices", type: "module" }), "src/fn.ts": "export const echo = async () => ({ statusCode: 200 });" });
});
after(() => dir && removeApp(dir));

it("methods with integrations the local cloud lacks get one notice each, naming the API and the method", async () => {
  const app = new App({ name: "app", stage: "test", region: "us-east-1", mode: "dev", root: dir, outdir: `${dir}/.sst/dist`, artifactsDir: `${dir}/.sst/artifacts` });
  const stack = new Stack(app, "stack");
  const role = new iam.Role(stack, "Role", { assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com") });
  const rest = new ApiGatewayV1Api(stack, "Rest", { routes: { "GET /": "src/fn.echo" } });
  rest.cdk.restApi.root.addResource("run").addMethod("POST", new apig.AwsIntegration({ service: "textract", action: "AnalyzeDocument", options: { credentialsRole: role } }));
  rest.cdk.restApi.root.addResource("items").addMethod("GET", new apig.AwsIntegration({ service: "dynamodb", action: "Scan", options: { credentialsRole: role } }));
  const plain = new apig.RestApi(stack, "Plain");
  plain.root.addMethod("GET", new apig.MockIntegration({ integrationResponses: [{ statusCode: "200" }] }), { methodResponses: [{ statusCode: "200" }] });
  plain.root.addResource("ml").addMethod("POST", new apig.AwsIntegration({ service: "runtime.sagemaker", path: "endpoints/x/invocations", options: { credentialsRole: role } }));
  await app.finish();
  const notices = app.localNotices.filter((n) => / method /.test(` ${n.prop}`)).map((n) => `${n.construct} | ${n.prop.replace(/\(.*\)/, "")}| ${n.local}`);
  assert.deepEqual(notices, [
    'ApiGatewayV1Api "Rest" | method POST | its AWS integration calls textract, which the local cloud does not have: the method answers 500 locally',
    'RestApi "Plain" | method POST | its AWS integration calls runtime.sagemaker, which the local cloud does not have: the method answers 500 locally',
  ]);
});
