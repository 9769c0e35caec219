/**
 * An answer already given survives the next invocation ending the process. Results go
 * to the local cloud over a socket; a large one (or one written while the local cloud is
 * slow to read) is still in the runtime's write queue when the next invocation in the
 * same environment starts — and `process.exit` there would drop it, failing a request
 * that had succeeded. The environment waits until its answers are written before it
 * starts the next invocation.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import { startTestCloud, type TestCloud } from "../../../testing.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
});
after(async () => {
  await tc?.stop();
});

test("a large answer is delivered although the invocation after it calls process.exit", { timeout: 120_000 }, async () => {
  const code = `export const handler = async (event) => {
    if (event.exit) process.exit(3);
    return "x".repeat(event.size);
  };`;
  await tc.cloud.lambda.call("CreateFunction", {
    FunctionName: "answers-then-exits", Role: "arn:aws:iam::000000000000:role/fn", Runtime: "nodejs20.x", Handler: "index.handler",
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) }, Timeout: 10, MemorySize: 256,
  });
  // Quick answers: the pool keeps one environment for the function and hands it a burst's
  // invocations at once, so the second one below waits in the same process as the first.
  for (let i = 0; i < 5; i++) await tc.cloud.lambda.call("Invoke", { FunctionName: "answers-then-exits", Payload: JSON.stringify({ size: 1 }) });
  for (let round = 0; round < 5; round++) {
    const big = tc.cloud.lambda.call("Invoke", { FunctionName: "answers-then-exits", Payload: JSON.stringify({ size: 4 * 1024 * 1024 }) });
    const exits = tc.cloud.lambda.call("Invoke", { FunctionName: "answers-then-exits", Payload: JSON.stringify({ exit: true }) });
    const [answer, exited] = await Promise.all([big, exits]);
    for (let i = 0; i < 3; i++) await tc.cloud.lambda.call("Invoke", { FunctionName: "answers-then-exits", Payload: JSON.stringify({ size: 1 }) });
    assert.equal(answer.FunctionError, undefined, Buffer.from(answer.Payload ?? []).toString().slice(0, 300));
    assert.equal(Buffer.from(answer.Payload).length, 4 * 1024 * 1024 + 2);
    assert.equal(exited.FunctionError, "Unhandled");
    assert.match(Buffer.from(exited.Payload).toString(), /Runtime exited with error: exit status 3/);
  }
});
