/** Function URLs: the control plane through the AWS SDK, and HTTP requests to the URL. */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { zipSync, strToU8 } from "fflate";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  LambdaClient, CreateFunctionCommand, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand, ListFunctionUrlConfigsCommand, AddPermissionCommand, DeleteFunctionCommand, CreateAliasCommand, PublishVersionCommand,
} from "@aws-sdk/client-lambda";
import { startTestCloud, type TestCloud } from "../../testing.js";

const ECHO = `export const handler = async (event) => {
  if (event.rawPath === "/fail") throw new Error("nope");
  if (event.rawPath === "/plain") return { hello: "world" };
  return { statusCode: 202, headers: { "x-echo": "1" }, cookies: ["a=1", "b=2"], body: JSON.stringify(event) };
};`;

describe("Lambda function URLs", () => {
  let tc: TestCloud;
  let lambda: LambdaClient;

  before(async () => {
    tc = await startTestCloud();
    lambda = new LambdaClient(tc.clientConfig);
    await lambda.send(new CreateFunctionCommand({
      FunctionName: "echo", Role: "arn:aws:iam::000000000000:role/r", Runtime: "nodejs20.x", Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(ECHO) }) },
    }));
  });
  after(async () => {
    lambda.destroy();
    await tc.stop();
  });

  test("create, get, update, list, conflicts and errors", async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "echo", AuthType: "NONE", Cors: { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], MaxAge: 60 } }));
    assert.match(created.FunctionUrl!, new RegExp(`^${tc.cloud.endpoint}/_aws/lambda-url/[a-z0-9]{32}/$`));
    assert.equal(created.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:echo");
    assert.equal(created.AuthType, "NONE");
    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "echo", AuthType: "NONE" })), (e: any) => e.name === "ResourceConflictException" && e.$metadata.httpStatusCode === 409);
    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "missing", AuthType: "NONE" })), (e: any) => e.name === "ResourceNotFoundException");
    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "echo", Qualifier: "x", AuthType: "BOGUS" as any })), (e: any) => e.$metadata.httpStatusCode >= 400);
    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: "echo" }));
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.deepEqual(got.Cors, { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], MaxAge: 60 });
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: "echo", Cors: { AllowOrigins: ["*"], AllowMethods: ["*"], AllowHeaders: ["x-custom"] } }));
    assert.equal(updated.FunctionUrl, created.FunctionUrl, "the URL survives an update");
    assert.deepEqual(updated.Cors!.AllowOrigins, ["*"]);
    assert.equal((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: "echo" }))).FunctionUrlConfigs!.length, 1);
  });

  test("the URL invokes the function with the Lambda URL event; NONE needs the public permission", async () => {
    const { FunctionUrl } = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: "echo" }));
    const urlId = /lambda-url\/([a-z0-9]{32})\//.exec(FunctionUrl!)![1]!;
    assert.equal((await fetch(`${FunctionUrl}hello`)).status, 403, "no resource policy allows it yet");
    await lambda.send(new AddPermissionCommand({ FunctionName: "echo", StatementId: "url", Action: "lambda:InvokeFunctionUrl", Principal: "*", FunctionUrlAuthType: "NONE" }));

    const res = await fetch(`${FunctionUrl}items/42?a=1&a=2&b=x`, { method: "POST", headers: { "content-type": "application/json", cookie: "c=3", origin: "https://web.example" }, body: '{"x":1}' });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-echo"), "1");
    assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    const event = await res.json();
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "$default");
    assert.equal(event.rawPath, "/items/42");
    assert.equal(event.rawQueryString, "a=1&a=2&b=x");
    assert.deepEqual(event.queryStringParameters, { a: "1,2", b: "x" });
    assert.deepEqual(event.cookies, ["c=3"]);
    assert.equal(event.body, '{"x":1}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.requestContext.http.method, "POST");
    assert.equal(event.requestContext.apiId, urlId);
    assert.equal(event.requestContext.domainPrefix, urlId);
    assert.equal(event.requestContext.accountId, "anonymous");
    assert.equal(event.requestContext.stage, "$default");
    assert.equal(event.requestContext.domainName, "127.0.0.1");

    const plain = await fetch(`${FunctionUrl}plain`);
    assert.equal(plain.status, 200);
    assert.deepEqual(await plain.json(), { hello: "world" });
    assert.equal((await fetch(`${FunctionUrl}fail`)).status, 502);
    assert.equal((await fetch(`${tc.cloud.endpoint}/_aws/lambda-url/${"z".repeat(32)}/`)).status, 404);

    const preflight = await fetch(`${FunctionUrl}items`, { method: "OPTIONS", headers: { origin: "https://web.example", "access-control-request-method": "PUT", "access-control-request-headers": "x-custom" } });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.equal(preflight.headers.get("access-control-allow-headers"), "x-custom");
  });

  test("AWS_IAM URLs need a SigV4 signature allowed to invoke; aliases get their own URL", async () => {
    await lambda.send(new PublishVersionCommand({ FunctionName: "echo" }));
    await lambda.send(new CreateAliasCommand({ FunctionName: "echo", Name: "live", FunctionVersion: "1" }));
    const { FunctionUrl, FunctionArn } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "echo", Qualifier: "live", AuthType: "AWS_IAM" }));
    assert.equal(FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:echo:live");
    assert.equal((await fetch(`${FunctionUrl}x`)).status, 403);
    const url = new URL(`${FunctionUrl}signed?q=1`);
    const signer = new SignatureV4({ service: "lambda", region: "us-east-1", credentials: tc.clientConfig.credentials, sha256: Sha256 });
    const body = "hi";
    const signed = await signer.sign({
      method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query: { q: "1" },
      headers: { host: url.host, "content-type": "text/plain", "x-amz-content-sha256": createHash("sha256").update(body).digest("hex") }, body,
    });
    const ok = await fetch(url, { method: "POST", headers: signed.headers as Record<string, string>, body });
    assert.equal(ok.status, 202);
    const event = await ok.json();
    assert.equal(event.requestContext.authorizer.iam.userArn, "arn:aws:iam::000000000000:root");
    assert.equal(event.requestContext.accountId, "000000000000");
    const bad = await fetch(url, { method: "POST", headers: { ...(signed.headers as Record<string, string>) }, body: "tampered" });
    assert.equal(bad.status, 403, "a body that does not match the signature is refused");
    const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: "echo" }));
    assert.equal(list.FunctionUrlConfigs!.length, 2);
    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: "echo", Qualifier: "live" }));
    assert.equal((await fetch(`${FunctionUrl}x`)).status, 404);
    await assert.rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: "echo", Qualifier: "live" })), (e: any) => e.name === "ResourceNotFoundException");
  });

  test("deleting the function deletes its URL", async () => {
    const { FunctionUrl } = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: "echo" }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: "echo" }));
    assert.equal((await fetch(FunctionUrl!)).status, 404);
  });
});

/** The hash constructor the smithy signer wants, over node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: unknown) {
    this.hash = secret ? createHmac("sha256", secret as string) : createHash("sha256");
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}
