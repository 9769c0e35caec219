/**
 * How Lambda (REST-JSON) answers bad requests, in AWS's order: a body member of the wrong
 * type, a path, query or header parameter that is not of its member's type, constraint
 * violations (all of them, in one message), and all of it before the function is looked up.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { sendSigned } from "../../test-signing.js";

let tc: TestCloud;
let lambda: LambdaClient;

before(async () => {
  tc = await startTestCloud();
  lambda = new LambdaClient({ ...tc.clientConfig, maxAttempts: 1 });
});
after(async () => {
  lambda.destroy();
  await tc.stop();
});

async function failure(command: any): Promise<{ name: string; message: string; status?: number }> {
  try {
    await lambda.send(command);
  } catch (err: any) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("the request succeeded");
}

function raw(method: string, path: string, body?: unknown, query?: Record<string, string>) {
  return sendSigned({
    endpoint: tc.cloud.endpoint, service: "lambda", method, path, query,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
}

test("a body member of the wrong JSON type is refused before anything else", async () => {
  const res = await raw("PUT", "/2015-03-31/functions/missing/configuration", { Timeout: "soon", MemorySize: 1 });
  assert.equal(res.status, 400);
  assert.equal(res.headers["x-amzn-errortype"], "InvalidRequestContentException");
  assert.deepEqual(JSON.parse(res.body), { Type: "User", message: "Could not parse request body into json: STRING_VALUE cannot be converted to Integer" });
  const list = await raw("PUT", "/2015-03-31/functions/missing/configuration", { Layers: "one" });
  assert.equal(JSON.parse(list.body).message, "Could not parse request body into json: Unexpected field type");
});

test("a query parameter that is not of its member's type", async () => {
  const res = await raw("GET", "/2015-03-31/functions", undefined, { MaxItems: "many" });
  assert.equal(res.status, 400);
  assert.deepEqual(JSON.parse(res.body), {
    Type: "User", message: "1 validation error detected: Value 'many' at 'maxItems' failed to satisfy constraint: Member must be an integer",
  });
});

test("one constraint violation, in Lambda's words", async () => {
  assert.deepEqual(await failure(new ListFunctionsCommand({ MaxItems: 0 })), {
    name: "ValidationException",
    message: "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    status: 400,
  });
  const long = "f".repeat(257);
  const err = await failure(new GetFunctionCommand({ FunctionName: long }));
  assert.equal(err.name, "ValidationException");
  assert.equal(err.message, `1 validation error detected: Value '${long}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 256`);
  // A bare name is held to 64 characters: Lambda's own check, in the same words.
  const name = "f".repeat(65);
  assert.deepEqual(await failure(new GetFunctionCommand({ FunctionName: name })), {
    name: "ValidationException",
    message: `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    status: 400,
  });
});

test("several constraint violations are reported together", async () => {
  const err = await failure(new UpdateFunctionConfigurationCommand({ FunctionName: "missing", Timeout: 0, MemorySize: 64 }));
  assert.equal(err.name, "ValidationException");
  assert.equal(
    err.message,
    "2 validation errors detected: " +
      "Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
      "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
  );
});

test("the request is validated before the function is looked up", async () => {
  const bad = await failure(new InvokeCommand({ FunctionName: "missing", InvocationType: "Sometime" as any }));
  assert.equal(bad.name, "ValidationException");
  assert.match(bad.message, /^1 validation error detected: Value 'Sometime' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: \[/);
  // A valid request reaches the lookup.
  assert.deepEqual(await failure(new GetFunctionCommand({ FunctionName: "missing" })), {
    name: "ResourceNotFoundException", message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing", status: 404,
  });
});

test("an unknown path is UnknownOperationException (404)", async () => {
  const res = await raw("GET", "/2015-03-31/nothing-here");
  assert.equal(res.status, 404);
  assert.equal(res.headers["x-amzn-errortype"], "UnknownOperationException");
});
