/**
 * What a REST API (v1) refuses before its integration runs, written with CDK in an SST
 * stack and deployed to the local cloud: a RequestValidator with a JSON Schema Model
 * (missing required parameters, an invalid body, as AWS words them), gateway responses
 * that change those answers (status, a header mapped from the request, a VTL body with
 * `$context.error.*`), and the API's resource policy (an explicit Deny by source IP, a
 * method no statement allows) evaluated with the local IAM engine.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { deployAppLocally, oneStackApp, useLocalApp } from "../project/fixtures/local-app.js";
import { sendSigned } from "local-cloud/test-signing.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

process.env.CDK_VALIDATION = "false";

const files = oneStackApp("rest-validation", "Apis", {
  "stacks/Apis.ts": `
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as iam from "aws-cdk-lib/aws-iam";
import { ApiGatewayV1Api, StackContext } from "sst/constructs";
export function Apis({ stack }: StackContext) {
  // two roles with no policies of their own: the API's resource policy lets one of them in
  const caller = new iam.Role(stack, "Caller", { assumedBy: new iam.AccountRootPrincipal() });
  const stranger = new iam.Role(stack, "Stranger", { assumedBy: new iam.AccountRootPrincipal() });
  const rest = new ApiGatewayV1Api(stack, "Rest", {
    cdk: {
      restApi: {
        policy: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ["execute-api:Invoke"], resources: ["execute-api:/*/GET/*", "execute-api:/*/POST/*"] }),
            new iam.PolicyStatement({ principals: [new iam.ArnPrincipal(caller.roleArn)], actions: ["execute-api:Invoke"], resources: ["execute-api:/*/PUT/signed"] }),
            new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ["execute-api:Invoke"], resources: ["execute-api:/*/GET/admin"],
              conditions: { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } } }),
          ],
        }),
      },
    },
    routes: { "GET /admin": "src/fn.echo", "DELETE /admin": "src/fn.echo", "PUT /signed": { function: "src/fn.echo", authorizer: "iam" } },
  });
  const api = rest.cdk.restApi;
  const pet = api.addModel("Pet", {
    contentType: "application/json",
    schema: {
      schema: apigateway.JsonSchemaVersion.DRAFT4, type: apigateway.JsonSchemaType.OBJECT, required: ["name"],
      properties: { name: { type: apigateway.JsonSchemaType.STRING, minLength: 1 }, age: { type: apigateway.JsonSchemaType.INTEGER, minimum: 0 } },
    },
  });
  const validator = api.addRequestValidator("Validator", { validateRequestBody: true, validateRequestParameters: true });
  rest.addRoutes(stack, {
    "POST /pets": {
      function: "src/fn.echo",
      cdk: { method: { requestValidator: validator, requestModels: { "application/json": pet }, requestParameters: { "method.request.querystring.kind": true, "method.request.header.x-owner": false } } },
    },
  });
  api.addGatewayResponse("BadBody", {
    type: apigateway.ResponseType.BAD_REQUEST_BODY, statusCode: "422",
    responseHeaders: { "x-origin": "method.request.header.origin", "x-fixed": "'yes'" },
    templates: { "application/json": '{"error": "$context.error.message", "details": "$util.escapeJavaScript($context.error.validationErrorString)", "type": "$context.error.responseType", "requestId": "$context.requestId"}' },
  });
  // one answer for every refusal by a policy: the resource policy's and IAM's
  api.addGatewayResponse("Denied", { type: apigateway.ResponseType.ACCESS_DENIED, templates: { "application/json": '{"Message": $context.error.messageString, "type": "$context.error.responseType"}' } });
  stack.addOutputs({ RestUrl: rest.url, RestId: api.restApiId, CallerRole: caller.roleArn, StrangerRole: stranger.roleArn });
}
`,
  "src/fn.ts": `
export const echo = async (event: any) => ({ statusCode: 200, body: JSON.stringify({ path: event.path, body: event.body, kind: event.queryStringParameters?.kind }) });
`,
});

const app = useLocalApp(files);

describe("REST API request validation, gateway responses and resource policies", () => {
  let url = "";
  let outputs: Record<string, string> = {};
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("deploys", { timeout: 240_000 }, async () => {
    outputs = (await deployAppLocally(app.cloud, app.dir, "dev-rest-validation-Apis")).outputs;
    url = outputs.RestUrl!;
  });

  it("a validator refuses missing required parameters and a body its model does not accept", { timeout: 60_000 }, async () => {
    const missing = await post("pets", '{"name": "Rex"}');
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { message: "Missing required request parameters: [kind]" });
    assert.equal(missing.headers.get("x-amzn-errortype"), "BadRequestException");

    const ok = await post("pets?kind=dog", '{"name": "Rex", "age": 3}');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { path: "/pets", body: '{"name": "Rex", "age": 3}', kind: "dog" });
  });

  it("the BAD_REQUEST_BODY gateway response changes the invalid-body answer: status, mapped headers, a VTL body", { timeout: 60_000 }, async () => {
    const bad = await post("pets?kind=dog", '{"age": -1}', { origin: "http://localhost:3000" });
    assert.equal(bad.status, 422);
    assert.equal(bad.headers.get("x-origin"), "http://localhost:3000");
    assert.equal(bad.headers.get("x-fixed"), "yes");
    const body = await bad.json();
    assert.equal(body.error, "Invalid request body");
    assert.equal(body.type, "BAD_REQUEST_BODY");
    assert.equal(body.requestId, bad.headers.get("x-amzn-requestid"));
    assert.equal(body.details, '[object has missing required properties (["name"]), numeric instance is lower than the required minimum (minimum: 0, found: -1)]');
    assert.equal((await post("pets?kind=dog", "not json")).status, 422);
  });

  it("the resource policy: an explicit Deny by source IP, and no Allow for a method, as AWS words them", { timeout: 60_000 }, async () => {
    const denied = await fetch(`${url}admin`);
    assert.equal(denied.status, 403);
    const { Message, type } = await denied.json();
    assert.equal(type, "ACCESS_DENIED");
    assert.match(Message, /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:\*{8}0000:[a-z0-9]{10}\/dev\/GET\/admin with an explicit deny$/);
    assert.equal((await fetch(`${url}admin`, { headers: { "x-forwarded-for": "10.1.2.3" } })).status, 200);

    const notAllowed = await fetch(`${url}admin`, { method: "DELETE", headers: { "x-forwarded-for": "10.1.2.3" } });
    assert.equal(notAllowed.status, 403);
    assert.match((await notAllowed.json()).Message, /^User: anonymous is not authorized to perform: execute-api:Invoke on resource: .*\/dev\/DELETE\/admin$/);
  });

  it("an IAM caller the resource policy names gets in without a policy of its own; another is refused as IAM refuses it", { timeout: 60_000 }, async () => {
    const as = async (roleArn: string) => {
      const { Credentials } = await app.cloud.sts.call("AssumeRole", { RoleArn: roleArn, RoleSessionName: "s1" });
      const target = new URL(`${url}signed`);
      return sendSigned({ endpoint: target.origin, service: "execute-api", method: "PUT", path: target.pathname, body: "{}", headers: { "content-type": "application/json" },
        credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken } });
    };
    const allowed = await as(outputs.CallerRole!);
    assert.equal(allowed.status, 200, allowed.body);
    const refused = await as(outputs.StrangerRole!);
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).type, "ACCESS_DENIED");
    assert.match(JSON.parse(refused.body).Message, /^User: arn:aws:sts::000000000000:assumed-role\/[^/]+\/s1 is not authorized to perform: execute-api:Invoke on resource: /);
  });

  it("aws apigateway reads the models, validators, a method's validator and the API's policy", { timeout: 60_000 }, async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" };
    const aws = (...args: string[]) => promisify(execFile)("/usr/bin/aws", ["apigateway", ...args, "--rest-api-id", outputs.RestId!, "--endpoint-url", app.cloud.endpoint, "--output", "json"], { env }).then((r) => JSON.parse(r.stdout));
    const models = (await aws("get-models")).items;
    assert.deepEqual(models.map((m: any) => m.name).filter((n: string) => n === "Empty" || n === "Error").sort(), ["Empty", "Error"], "every API's default models");
    const pet = models.find((m: any) => /"required"/.test(m.schema));
    assert.equal(pet.contentType, "application/json");
    assert.deepEqual(JSON.parse(pet.schema).required, ["name"]);
    const [validator] = (await aws("get-request-validators")).items;
    assert.deepEqual([validator.validateRequestBody, validator.validateRequestParameters], [true, true]);
    const pets = (await aws("get-resources")).items.find((r: any) => r.path === "/pets");
    const method = JSON.parse((await promisify(execFile)("/usr/bin/aws", ["apigateway", "get-method", "--rest-api-id", outputs.RestId!, "--resource-id", pets.id, "--http-method", "POST", "--endpoint-url", app.cloud.endpoint], { env })).stdout);
    assert.equal(method.requestValidatorId, validator.id);
    assert.match(JSON.parse(JSON.parse((await promisify(execFile)("/usr/bin/aws", ["apigateway", "get-rest-api", "--rest-api-id", outputs.RestId!, "--endpoint-url", app.cloud.endpoint], { env })).stdout).policy).Statement[0].Action, /execute-api:Invoke/);
  });
});
