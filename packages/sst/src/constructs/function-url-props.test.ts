/**
 * A Function URL's props are checked like the construct's: a misspelt one (SST v2's own
 * doc comment writes `cors: { allowedOrigins }`, which its CorsProps does not read, so
 * every origin stayed allowed) fails synth naming the prop and the one meant.
 */
import { it, after } from "node:test";
import assert from "node:assert/strict";
import { Template } from "aws-cdk-lib/assertions";
import { App, Stack, Function } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
const root = writeApp({ "src/lambda.ts": "export const handler = async () => 'ok';\n" });
after(() => removeApp(root));
const newStack = () => new Stack(new App({ name: "app", stage: "test", region: "us-east-1", mode: "deploy", root, outdir: `${root}/.sst/dist-${Math.random()}`, artifactsDir: `${root}/.sst/artifacts-${Math.random()}` }), "stack");

it("url.cors.allowedOrigins and other unknown url props fail naming the prop and the one meant", () => {
  const stack = newStack();
  assert.throws(() => new Function(stack, "Docs", { handler: "src/lambda.handler", url: { cors: { allowedOrigins: ["https://example.com"] } as any } }),
    /Function "Docs".*"url\.cors\.allowedOrigins" is not a prop of Function\. Did you mean "url\.cors\.allowOrigins"\?/);
  assert.throws(() => new Function(stack, "Auth", { handler: "src/lambda.handler", url: { authoriser: "iam" } as any }), /"url\.authoriser" is not a prop of Function\. Did you mean "url\.authorizer"\?/);
});

it("the known ones narrow the URL's CORS", () => {
  const stack = newStack();
  new Function(stack, "Fn", { handler: "src/lambda.handler", url: { authorizer: "iam", cors: { allowOrigins: ["https://example.com"], allowMethods: ["GET"], maxAge: "1 hour" } } });
  const urls = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Url"));
  assert.equal(urls.length, 1);
  assert.deepEqual(urls[0].Properties.Cors, { AllowHeaders: ["*"], AllowMethods: ["GET"], AllowOrigins: ["https://example.com"], MaxAge: 3600 });
  assert.equal(urls[0].Properties.AuthType, "AWS_IAM");
});
