/**
 * `sst dev --inspect`: a debugger attached to the printed inspector URL reaches the
 * worker thread a function runs in and stops at a breakpoint in it (here a `debugger`
 * statement), with the dev build's source map announced for the TypeScript source; on
 * resume the invocation completes.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SstProcess } from "../../../../tests/helpers/sst-process.js";
import { CdpClient } from "../../../../tests/helpers/cdp.js";

const NODE_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));

describe("sst dev --inspect", () => {
  let app: string;
  let dev: SstProcess;
  let cdp: CdpClient | undefined;

  before(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-inspect-"));
    fs.symlinkSync(NODE_MODULES, path.join(app, "node_modules"));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
      fs.writeFileSync(path.join(app, rel), text);
    };
    write("sst.config.ts", `export default { config() { return { name: "inspect", region: "us-east-1" }; }, stacks(app: any) { app.stack(async function One({ stack }: any) { const { Function } = await import("sst/constructs"); const fn = new Function(stack, "Paused", { handler: "src/paused.handler" }); stack.addOutputs({ Fn: fn.functionName }); }); } };\n`);
    write("src/paused.ts", `export const handler = async (event: { n: number }) => {\n  const doubled: number = event.n * 2;\n  debugger;\n  return { doubled };\n};\n`);
    dev = new SstProcess(app, ["dev", "--stage", "i", "--local", "--port", "0", "--inspect-port", "0"]);
    await dev.waitFor(/^Ready in/, 120_000);
  });

  after(async () => {
    cdp?.close();
    await dev?.stop();
    fs.rmSync(app, { recursive: true, force: true });
  });

  it("stops at a breakpoint in the function's worker thread, and the invocation completes on resume", async () => {
    const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(dev.output)?.[1];
    assert.ok(url, dev.output);
    cdp = await CdpClient.connect(url!);
    /** scriptId → the script's URL and source map URL, as the worker announced them. */
    const scripts = new Map<string, { url: string; sourceMapURL: string }>();
    let paused!: (p: any) => void;
    const pausedAt = new Promise<any>((r) => (paused = r));
    const toWorker = (sessionId: string, id: number, method: string, params = {}) =>
      cdp!.send("NodeWorker.sendMessageToWorker", { sessionId, message: JSON.stringify({ id, method, params }) });
    // Each worker the runtime starts waits for the debugger: enable it there, then let it run.
    cdp.on("NodeWorker.attachedToWorker", async ({ sessionId }: { sessionId: string }) => {
      await toWorker(sessionId, 1, "Debugger.enable");
      await toWorker(sessionId, 2, "Runtime.runIfWaitingForDebugger");
    });
    cdp.on("NodeWorker.receivedMessageFromWorker", ({ sessionId, message }: { sessionId: string; message: string }) => {
      const msg = JSON.parse(message);
      if (msg.method === "Debugger.scriptParsed") scripts.set(msg.params.scriptId, { url: msg.params.url, sourceMapURL: msg.params.sourceMapURL ?? "" });
      // A worker started under the debugger first stops before its first line: go on.
      if (msg.method === "Debugger.paused" && msg.params.reason === "Break on start") void toWorker(sessionId, 9, "Debugger.resume");
      else if (msg.method === "Debugger.paused") paused({ sessionId, ...msg.params });
    });
    await cdp.send("NodeWorker.enable", { waitForDebuggerOnStart: true });

    const endpoint = /Local cloud: (http:\/\/127\.0\.0\.1:\d+)/.exec(dev.output)![1]!;
    const fn = JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["i-inspect-One"].Fn;
    const lambda = new LambdaClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      const invoked = lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ n: 21 })) }));
      const stop = await pausedAt;
      const frame = stop.callFrames[0];
      const script = scripts.get(frame.location.scriptId);
      assert.equal(frame.functionName, "handler");
      assert.match(script?.url ?? "", /\/\.sst\/artifacts\/dev\/.+\.mjs$/, "stopped in the function's dev build");
      assert.ok(script?.sourceMapURL, "the dev build announces its source map, so debuggers show the TypeScript");
      // The paused frame sees the handler's state.
      const evaluated = await new Promise<any>((resolve) => {
        cdp!.on("NodeWorker.receivedMessageFromWorker", ({ message }: { message: string }) => {
          const msg = JSON.parse(message);
          if (msg.id === 3) resolve(msg.result);
        });
        void toWorker(stop.sessionId, 3, "Debugger.evaluateOnCallFrame", { callFrameId: frame.callFrameId, expression: "doubled" });
      });
      assert.equal(evaluated.result.value, 42);
      await toWorker(stop.sessionId, 4, "Debugger.resume");
      const out = await invoked;
      assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { doubled: 42 });
    } finally {
      lambda.destroy();
    }
  });
});
