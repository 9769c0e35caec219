/**
 * `sst dev` as a process, on a small app in a temp dir: config errors, the port
 * rules, running functions from source with rebuild on save, secrets reaching the
 * running loop, and a clean exit on SIGINT. (The seed app's end-to-end tests live
 * under /tests.)
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { readServerInfo } from "../deploy/server-file.js";
import { NO_AWS_CREDENTIALS } from "../../../../tests/helpers/sst-process.js";

const BIN = fileURLToPath(new URL("../../bin/sst.mjs", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));
let app: string;

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
  fs.writeFileSync(path.join(app, rel), text);
}

const CONFIG = `import type { SSTConfig } from "sst";
import { One } from "./stacks/One";
export default {
  config() { return { name: "devcli", region: "us-east-1" }; },
  stacks(app) { app.stack(One); },
} satisfies SSTConfig;
`;

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, ...args], { cwd: app, env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1" } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as any).code as number) : 0, out: stdout + stderr }),
    ),
  );
}

class DevProcess {
  out = "";
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, "dev", "--stage", "t", ...args], { cwd: app, env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1" } });
    this.child.stdout!.on("data", (d) => (this.out += d));
    this.child.stderr!.on("data", (d) => (this.out += d));
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
  }
  async waitFor(re: RegExp, from = 0, timeoutMs = 90_000): Promise<void> {
    const t0 = Date.now();
    while (!re.test(this.out.slice(from))) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; output:\n${this.out}`);
      if (this.child.exitCode !== null) throw new Error(`sst dev exited (${this.child.exitCode}) before ${re}; output:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe("sst dev", () => {
  let dev: DevProcess | undefined;
  let blocker: net.Server;
  let blockedPort: number;

  before(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-cli-"));
    fs.symlinkSync(NODE_MODULES, path.join(app, "node_modules"));
    write("stacks/One.ts", `import { StackContext, Function } from "sst/constructs";
export function One({ stack }: StackContext) {
  const fn = new Function(stack, "Hello", { handler: "src/hello.handler" });
  stack.addOutputs({ FnName: fn.functionName });
}
`);
    write("src/hello.ts", `export const handler = async () => { console.log("hello log 1"); return { answer: 1 }; };\n`);
    blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    blockedPort = (blocker.address() as net.AddressInfo).port;
  });
  after(async () => {
    if (dev && dev.child.exitCode === null) {
      dev.child.kill("SIGKILL");
      await dev.exited;
    }
    blocker.close();
    fs.rmSync(app, { recursive: true, force: true });
  });

  it("a config error prints file:line:col, exits 1, and deploys nothing", async () => {
    write("sst.config.ts", CONFIG.replace("stacks(app) {", "stacks(app) { const = 1;"));
    const r = await run(["dev", "--stage", "t"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /sst\.config\.ts:\d+:\d+/);
    assert.equal(fs.existsSync(path.join(app, ".sst/local/t/server.json")), false);
    assert.equal(fs.existsSync(path.join(app, ".sst/outputs.json")), false);
  });

  it("a stack that throws prints where, exits 1, and leaves nothing running", async () => {
    write("sst.config.ts", CONFIG);
    const good = fs.readFileSync(path.join(app, "stacks/One.ts"), "utf8");
    write("stacks/One.ts", `export function One() {\n  throw new Error("no table name");\n}\n`);
    try {
      const r = await run(["dev", "--stage", "t"]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /no table name/);
      assert.match(r.out, /stacks\/One\.ts:2:\d+/);
      assert.equal(fs.existsSync(path.join(app, ".sst/local/t/server.json")), false);
      assert.equal(fs.existsSync(path.join(app, ".sst/outputs.json")), false);
    } finally {
      write("stacks/One.ts", good);
    }
  });

  it("starts on another port when the asked one is taken by another program, and gets ready", async () => {
    write("sst.config.ts", CONFIG);
    dev = new DevProcess(["--port", String(blockedPort), "--verbose"]);
    await dev.waitFor(/Ready in \d+\.\ds/);
    assert.match(dev.out, new RegExp(`Port ${blockedPort} is in use by another program; using port \\d+`));
    const info = readServerInfo(path.join(app, ".sst/local/t"));
    assert.ok(info && info.port !== blockedPort);
    assert.equal(info.pid, dev.child.pid);
    assert.match(dev.out, /t-devcli-One\n\s+FnName: /);
  });

  it("refuses a second sst dev for the same app and stage", async () => {
    const r = await run(["dev", "--stage", "t"]);
    assert.equal(r.code, 1);
    assert.match(r.out, /sst dev is already running for app "devcli" stage "t"/);
  });

  it("runs functions from source and serves new code after a save", async () => {
    const info = readServerInfo(path.join(app, ".sst/local/t"))!;
    const fnName = JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["t-devcli-One"].FnName;
    const lambda = new LambdaClient({ endpoint: info.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const invoke = async () => JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: fnName }))).Payload!).toString());
    assert.deepEqual(await invoke(), { answer: 1 });
    await dev!.waitFor(/\|  Invoked src\/hello\.handler\n[^]*\|  src\/hello\.handler  hello log 1\n[^]*\|  Done src\/hello\.handler \d+ms/);

    const mark = dev!.out.length;
    const t0 = performance.now();
    write("src/hello.ts", `export const handler = async () => ({ answer: 2 });\n`);
    let answer;
    do answer = (await invoke()).answer;
    while (answer !== 2 && performance.now() - t0 < 10_000);
    assert.equal(answer, 2);
    await dev!.waitFor(/\|  Built src\/hello\.handler \d+ms/, mark);

    // A build error keeps the last good code.
    write("src/hello.ts", `export const handler = async () => ({ answer: 3 );\n`);
    await dev!.waitFor(/Build failed: src\/hello\.handler[^]*src\/hello\.ts:1:\d+/, mark);
    assert.deepEqual(await invoke(), { answer: 2 });
    lambda.destroy();
  });

  it("secrets set talks to the running dev server, which restarts functions", async () => {
    const mark = dev!.out.length;
    const r = await run(["secrets", "set", "API_KEY", "k1", "--stage", "t"]);
    assert.equal(r.code, 0, r.out);
    await dev!.waitFor(/\/sst\/devcli\/t\/Secret\/API_KEY\/value changed/, mark);
  });

  it("redeploys when a stack file changes; a broken stack keeps the old deployment", async () => {
    let mark = dev!.out.length;
    write("stacks/One.ts", fs.readFileSync(path.join(app, "stacks/One.ts"), "utf8").replace("FnName: fn.functionName", `FnName: fn.functionName, Extra: "yes"`));
    await dev!.waitFor(/Deployed 1 stack[^]*Extra:\s+yes/, mark);
    assert.equal(JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["t-devcli-One"].Extra, "yes");
    mark = dev!.out.length;
    write("stacks/One.ts", `import { StackContext } from "sst/constructs";
export function One({ stack }: StackContext) {
  stack.addOutputs({ Bad: undefinedVariable });
}
`);
    await dev!.waitFor(/Deploy failed \(the previous deployment keeps running\)[^]*stacks\/One\.ts:3:\d+: [^]*undefinedVariable/, mark);
    assert.equal(JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["t-devcli-One"].Extra, "yes");
  });

  it("SIGINT stops it cleanly: exit 0 and server.json removed", async () => {
    dev!.child.kill("SIGINT");
    assert.equal(await dev!.exited, 0);
    assert.equal(fs.existsSync(path.join(app, ".sst/local/t/server.json")), false);
  });
});
