/**
 * InvokeTrustedJson, the data planes' way to Lambda (kernel/trusted-json.ts), decides
 * what Invoke decides: the same output for an answer and for a function error, the
 * same errors for an unknown function, a reserved concurrency of 0 and an oversized
 * payload — and the invocation leaves the same START / END / REPORT lines in
 * CloudWatch Logs.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { INVOKE_TRUSTED_JSON } from "../../kernel/trusted-json.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
  const code = `export const handler = async (event) => {
    if (event.fail) throw new Error("asked to fail");
    console.log("got", event.n);
    return { n: event.n };
  };`;
  for (const name of ["trusted-echo", "trusted-reserved-0"]) {
    await tc.cloud.lambda.call("CreateFunction", {
      FunctionName: name, Role: "arn:aws:iam::000000000000:role/fn", Runtime: "nodejs20.x", Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) }, Timeout: 10, MemorySize: 128,
    });
  }
  await tc.cloud.lambda.call("PutFunctionConcurrency", { FunctionName: "trusted-reserved-0", ReservedConcurrentExecutions: 0 });
});
after(async () => {
  await tc?.stop();
});

const text = (out: { Payload?: Uint8Array }) => Buffer.from(out.Payload ?? []).toString("utf8");

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err: any) {
    return { code: err.code, message: err.message, status: err.status ?? err.statusCode };
  }
  assert.fail("expected the call to fail");
}

test("an answer and a function error come back as Invoke returns them", { timeout: 60_000 }, async () => {
  const viaInvoke = await tc.cloud.lambda.call("Invoke", { FunctionName: "trusted-echo", Payload: JSON.stringify({ n: 1 }) });
  const trusted = await tc.cloud.lambda.call(INVOKE_TRUSTED_JSON, { FunctionName: "trusted-echo", Payload: JSON.stringify({ n: 1 }) });
  assert.equal(trusted.StatusCode, viaInvoke.StatusCode);
  assert.equal(trusted.ExecutedVersion, viaInvoke.ExecutedVersion);
  assert.equal(trusted.FunctionError, undefined);
  assert.deepEqual(JSON.parse(text(trusted)), { n: 1 });

  const failedInvoke = await tc.cloud.lambda.call("Invoke", { FunctionName: "trusted-echo", Payload: JSON.stringify({ fail: true }) });
  const failedTrusted = await tc.cloud.lambda.call(INVOKE_TRUSTED_JSON, { FunctionName: "trusted-echo", Payload: JSON.stringify({ fail: true }) });
  assert.equal(failedTrusted.FunctionError, "Unhandled");
  assert.equal(failedTrusted.FunctionError, failedInvoke.FunctionError);
  assert.deepEqual(
    { ...JSON.parse(text(failedTrusted)), trace: undefined },
    { ...JSON.parse(text(failedInvoke)), trace: undefined },
  );
});

test("Lambda's refusals are Invoke's: unknown function, reserved concurrency 0, a payload over 6 MB", { timeout: 60_000 }, async () => {
  const cases: [string, string][] = [
    ["no-such-function", "{}"],
    ["trusted-reserved-0", "{}"],
    ["trusted-echo", JSON.stringify({ big: "x".repeat(6_291_456) })],
  ];
  for (const [name, payload] of cases) {
    const viaInvoke = await failure(tc.cloud.lambda.call("Invoke", { FunctionName: name, Payload: payload }));
    const trusted = await failure(tc.cloud.lambda.call(INVOKE_TRUSTED_JSON, { FunctionName: name, Payload: payload }));
    assert.deepEqual(trusted, viaInvoke, name);
  }
});

test("the invocation's lines reach CloudWatch Logs as an Invoke's do", { timeout: 60_000 }, async () => {
  const out = await tc.cloud.lambda.call(INVOKE_TRUSTED_JSON, { FunctionName: "trusted-echo", Payload: JSON.stringify({ n: 42 }) });
  assert.equal(out.StatusCode, 200);
  let messages: string[] = [];
  // Until this invocation's REPORT line is in (the group holds the earlier tests' lines too).
  const reported = () => {
    const id = messages.find((m) => /\tgot 42\n?$/.test(m))?.split("\t")[1];
    return id !== undefined && messages.some((m) => m.startsWith(`REPORT RequestId: ${id}\t`));
  };
  for (let i = 0; i < 50 && !reported(); i++) {
    await new Promise((r) => setTimeout(r, 100));
    // The group appears with the first batch the runtime ships (within 200 ms).
    const found = await tc.cloud.logs.call("FilterLogEvents", { logGroupName: "/aws/lambda/trusted-echo" }).catch(() => ({ events: [] }));
    messages = found.events.map((e: { message: string }) => e.message);
  }
  const got = messages.find((m) => /\tgot 42\n?$/.test(m));
  assert.ok(got, messages.join("\n"));
  const requestId = got.split("\t")[1];
  assert.ok(messages.includes(`START RequestId: ${requestId} Version: $LATEST`), messages.join("\n"));
  assert.ok(messages.includes(`END RequestId: ${requestId}`));
  assert.ok(messages.some((m) => m.startsWith(`REPORT RequestId: ${requestId}\tDuration: `)));
});
