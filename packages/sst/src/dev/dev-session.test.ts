/**
 * The dev loop with the project loader, synth and cloud replaced by fakes, so the
 * loop's own behaviour is tested: lazy builds through the code resolver, rebuild on
 * save with a new version, redeploy on a stack change (errors keep the old
 * deployment), secrets recycling workers, printed invocations, server.json, stop.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { DevSession } from "./dev-session.js";
import { createUi } from "../cli/ui.js";
import { readServerInfo } from "../deploy/server-file.js";
import type { CodeLocation, LambdaFunctionInfo } from "../deploy/local-cloud.js";
import type { SynthResult } from "../deploy/project-like.js";

let root: string;
let output = "";
let session: DevSession;
let resolver: ((fn: LambdaFunctionInfo) => Promise<CodeLocation | undefined>) | undefined;
const recycled: (string | undefined)[] = [];
const prewarmed: string[] = [];
const deploys: string[] = [];
let failNextSynth = false;
let outputValue = "v1";
const events = new EventEmitter();
let cloudStopped = false;

const sink = new Writable({
  write(chunk, _e, cb) {
    output += String(chunk);
    cb();
  },
});
const ui = createUi({ stdout: sink, stderr: sink });

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

async function waitFor(re: RegExp, from = 0, timeoutMs = 3000): Promise<void> {
  const t0 = Date.now();
  while (!re.test(output.slice(from))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function invoke(): Promise<unknown> {
  const loc = await resolver!({ functionName: "dev-app-Api-fn", handler: "index.handler", runtime: "nodejs20.x", environment: { SST_FUNCTION_ID: "fn1" } });
  assert.ok(loc);
  const mod = await import(pathToFileURL(loc.file).href);
  return { result: await mod[loc.exportName](), version: loc.version };
}

describe("DevSession", () => {
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-"));
    write("src/hello.ts", `export const handler = async () => "one";\n`);
    write("stacks/Api.ts", `// stack v1\n`);
    const project = {
      root,
      stage: "dev",
      config: { name: "dev-app", region: "us-east-1", ssmPrefix: "/sst/dev-app/dev/" },
      paths: { root, out: path.join(root, ".sst"), dist: path.join(root, ".sst/dist"), artifacts: path.join(root, ".sst/artifacts") },
      configInputs: [path.join(root, "stacks/Api.ts")],
    };
    const synth = async (): Promise<SynthResult> => {
      if (failNextSynth) {
        failNextSynth = false;
        throw new Error(`${path.join(root, "stacks/Api.ts")}:3:7: Unexpected token`);
      }
      return {
        assemblyDir: path.join(root, ".sst/dist"),
        stacks: [{ id: "Api", stackName: "dev-dev-app-Api", dependencies: [] }],
        functions: { fn1: { id: "fn1", handler: "src/hello.handler", runtime: "nodejs20.x" } },
      };
    };
    const fakeCloud: any = {
      endpoint: "http://127.0.0.1:1",
      port: 1,
      region: "us-east-1",
      dir: path.join(root, ".sst/local/dev"),
      events,
      ssm: { call: async () => ({}) },
      lambda: {
        setCodeResolver: (r: typeof resolver) => (resolver = r),
        recycle: (name?: string) => void recycled.push(name),
        runtime: { prewarm: async (name: string) => (prewarmed.push(name), true) },
      },
      cloudformation: {
        deployAssembly: async (dir: string) => {
          deploys.push(dir);
          return { stacks: { "dev-dev-app-Api": { status: "UPDATE_COMPLETE", outputs: { ApiEndpoint: `http://api/${outputValue}` } } } };
        },
        removeStacks: async () => {},
      },
      stop: async () => void (cloudStopped = true),
    };
    session = await DevSession.start({
      cwd: root,
      ui,
      port: 0,
      deps: {
        loadProject: async () => project as any,
        synth,
        startCloud: async () => ({ cloud: fakeCloud }),
        defaultPort: async () => 0,
      },
    });
  });
  after(async () => {
    await session.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("deploys, writes outputs.json and server.json, prints outputs and a Ready line", () => {
    assert.equal(deploys.length, 1);
    assert.match(output, /✔ {2}Deployed 1 stack/);
    assert.match(output, /dev-dev-app-Api\n\s+ApiEndpoint: http:\/\/api\/v1/);
    assert.match(output, /Ready in \d+\.\ds/);
    const outputs = JSON.parse(fs.readFileSync(path.join(root, ".sst/outputs.json"), "utf8"));
    assert.deepEqual(outputs, { "dev-dev-app-Api": { ApiEndpoint: "http://api/v1" } });
    const info = readServerInfo(path.join(root, ".sst/local/dev"));
    assert.equal(info?.pid, process.pid);
    assert.equal(info?.endpoint, "http://127.0.0.1:1");
  });

  it("builds a function from source on its first invocation", async () => {
    assert.ok(resolver, "code resolver registered");
    const none = await resolver!({ functionName: "x", handler: "index.handler", runtime: "nodejs20.x", environment: {} });
    assert.equal(none, undefined, "functions without SST_FUNCTION_ID run their deployed code");
    const { result } = (await invoke()) as any;
    assert.equal(result, "one");
    assert.ok(fs.existsSync(path.join(root, ".sst/artifacts/dev/fn1")));
    assert.match(output, /\|  Built src\/hello\.handler \d+ms/, "first builds are reported too");
    assert.deepEqual(prewarmed, [], "a first build is for the invocation waiting on it: nothing to pre-warm");
  });

  it("rebuilds on save; the next invocation runs the new code with a new version", async () => {
    const before = (await invoke()) as any;
    const mark = output.length;
    const t0 = performance.now();
    write("src/hello.ts", `export const handler = async () => "two";\n`);
    await waitFor(/\|  Built src\/hello\.handler \d+ms/, mark);
    const savedToBuilt = performance.now() - t0;
    const after = (await invoke()) as any;
    assert.equal(after.result, "two");
    assert.notEqual(after.version, before.version);
    assert.ok(savedToBuilt < 1000, `save → rebuilt took ${savedToBuilt}ms`);
    // The Lambda functions that ran it get a worker on the new code right away.
    assert.deepEqual(prewarmed, ["dev-app-Api-fn"]);
  });

  it("a build error is printed with file:line and the old code keeps serving", async () => {
    const mark = output.length;
    write("src/hello.ts", `export const handler = async () => "three;\n`);
    const warmedBefore = prewarmed.length;
    await waitFor(/Build failed: src\/hello\.handler/, mark);
    assert.match(output.slice(mark), /src\/hello\.ts:1:\d+: Unterminated string literal/);
    assert.equal(prewarmed.length, warmedBefore, "a failed build pre-warms nothing: the old code keeps its warm workers");
    assert.equal(((await invoke()) as any).result, "two");
    write("src/hello.ts", `export const handler = async () => "three";\n`);
    await waitFor(/\|  Built src\/hello\.handler/, mark);
    assert.equal(((await invoke()) as any).result, "three");
  });

  it("redeploys when a stack file changes and prints changed outputs", async () => {
    const mark = output.length;
    outputValue = "v2";
    write("stacks/Api.ts", `// stack v2\n`);
    await waitFor(/Deployed 1 stack/, mark);
    await session.lastRedeploy;
    assert.equal(deploys.length, 2);
    assert.match(output.slice(mark), /ApiEndpoint: http:\/\/api\/v2/);
  });

  it("a failing redeploy prints the error and keeps the old deployment", async () => {
    const mark = output.length;
    failNextSynth = true;
    write("stacks/Api.ts", `// stack v3 (broken)\n`);
    await waitFor(/Deploy failed \(the previous deployment keeps running\)/, mark);
    await session.lastRedeploy;
    assert.match(output.slice(mark), /stacks\/Api\.ts:3:7: Unexpected token/);
    assert.equal(deploys.length, 2);
    assert.equal(((await invoke()) as any).result, "three");
  });

  it("recycles workers when a secret of the app changes, not for other parameters", () => {
    recycled.length = 0;
    events.emit("ssm:changed", { name: "/sst/dev-app/dev/Secret/STRIPE_KEY/value" });
    events.emit("ssm:changed", { name: "/sst/dev-app/.fallback/Secret/OTHER/value" });
    events.emit("ssm:changed", { name: "/sst/another-app/dev/Secret/X/value" });
    assert.deepEqual(recycled, [undefined, undefined]);
  });

  it("prints invocations: handler, console output, duration and errors with stacks", () => {
    const mark = output.length;
    events.emit("lambda:start", { functionName: "dev-app-Api-fn", requestId: "r1" });
    events.emit("lambda:log", { functionName: "dev-app-Api-fn", requestId: "r1", line: "START RequestId: r1 Version: $LATEST" });
    events.emit("lambda:log", { functionName: "dev-app-Api-fn", requestId: "r1", line: "2026-01-01T00:00:00.000Z\tr1\tINFO\thello from the handler" });
    events.emit("lambda:end", { functionName: "dev-app-Api-fn", requestId: "r1", durationMs: 12.4, status: "success" });
    events.emit("lambda:end", {
      functionName: "dev-app-Api-fn",
      requestId: "r2",
      durationMs: 3,
      status: "error",
      error: { errorType: "TypeError", errorMessage: "x is undefined", stack: "TypeError: x is undefined\n    at handler (src/hello.ts:3:9)" },
    });
    const printed = output.slice(mark);
    assert.match(printed, /\|  Invoked src\/hello\.handler\n/);
    assert.doesNotMatch(printed, /START RequestId/);
    assert.match(printed, /\|  src\/hello\.handler  hello from the handler\n/);
    assert.match(printed, /\|  Done src\/hello\.handler 12ms/);
    assert.match(printed, /✖  src\/hello\.handler failed after 3ms: TypeError: x is undefined\n\s+at handler \(src\/hello\.ts:3:9\)/);
  });

  it("stop disposes builds, stops the cloud and removes server.json", async () => {
    await session.stop();
    assert.equal(cloudStopped, true);
    assert.equal(readServerInfo(path.join(root, ".sst/local/dev")), undefined);
  });
});

describe("DevSession: a stack change during the first deploy", () => {
  it("queues exactly one redeploy after it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-queue-"));
    fs.mkdirSync(path.join(dir, "stacks"));
    fs.writeFileSync(path.join(dir, "stacks/A.ts"), "// a\n");
    let deploys = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const project = {
      root: dir,
      stage: "dev",
      config: { name: "q", region: "us-east-1", ssmPrefix: "/sst/q/dev/" },
      paths: { root: dir, out: path.join(dir, ".sst") },
      configInputs: [path.join(dir, "stacks/A.ts")],
    };
    const cloud: any = {
      endpoint: "http://127.0.0.1:1",
      port: 1,
      region: "us-east-1",
      events: new EventEmitter(),
      lambda: { setCodeResolver() {}, recycle() {} },
      cloudformation: {
        async deployAssembly() {
          deploys++;
          if (deploys === 1) await gate;
          return { stacks: {} };
        },
      },
      stop: async () => {},
    };
    const starting = DevSession.start({
      cwd: dir,
      ui: createUi({ stdout: new Writable({ write: (_c, _e, cb) => cb() }) }),
      port: 0,
      deps: {
        loadProject: async () => project as any,
        synth: async () => ({ assemblyDir: dir, stacks: [], functions: {} }),
        startCloud: async () => ({ cloud }),
        defaultPort: async () => 0,
      },
    });
    while (deploys === 0) await new Promise((r) => setTimeout(r, 5));
    fs.writeFileSync(path.join(dir, "stacks/A.ts"), "// a2\n");
    await new Promise((r) => setTimeout(r, 100));
    fs.writeFileSync(path.join(dir, "stacks/A.ts"), "// a3\n");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(deploys, 1, "no deploy runs concurrently with the first");
    release();
    const session = await starting;
    await session.lastRedeploy;
    assert.equal(deploys, 2, "both changes are covered by one redeploy");
    await session.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** A project, synth and cloud for a session whose loop is not under test. */
function fakes(dir: string) {
  const calls = { load: 0, synth: 0, writes: 0, deploys: [] as string[] };
  const project = {
    root: dir,
    stage: "dev",
    config: { name: "c", region: "us-east-1", ssmPrefix: "/sst/c/dev/" },
    paths: { root: dir, out: path.join(dir, ".sst") },
    configInputs: [],
  };
  const synthResult = { assemblyDir: path.join(dir, ".sst/dist"), stacks: [], functions: { f: { id: "f", handler: "src/f.handler", runtime: "nodejs20.x" } } };
  const cloud: any = {
    endpoint: "http://127.0.0.1:1",
    port: 1,
    region: "us-east-1",
    events: new EventEmitter(),
    lambda: { setCodeResolver() {}, recycle() {} },
    cloudformation: { deployAssembly: async (d: string) => (calls.deploys.push(d), { stacks: {} }) },
    stop: async () => {},
  };
  const deps = {
    loadProject: async () => (calls.load++, project as any),
    synth: async () => (calls.synth++, synthResult),
    startCloud: async () => ({ cloud }),
    defaultPort: async () => 0,
  };
  return { calls, project, synthResult, deps };
}
const quiet = () => createUi({ stdout: new Writable({ write: (_c, _e, cb) => cb() }) });

describe("DevSession: the synth cache", () => {

  it("a hit skips loading the config and synth, and deploys the cached assembly", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-cache-"));
    const { calls, project, synthResult, deps } = fakes(dir);
    const queries: unknown[] = [];
    const session = await DevSession.start({
      cwd: dir,
      stage: "dev",
      ui: quiet(),
      port: 0,
      deps: {
        ...deps,
        synthCache: {
          read: (q) => (queries.push(q), { project: project as any, synth: synthResult }),
          snapshot: () => ({ files: {} }),
          write: () => (calls.writes++, true),
        },
      },
    });
    await session.stop();
    assert.deepEqual(queries, [{ cwd: dir, stage: "dev", region: undefined, mode: "dev" }]);
    assert.equal(calls.load, 0);
    assert.equal(calls.synth, 0);
    assert.equal(calls.writes, 0, "nothing new to record");
    assert.deepEqual(calls.deploys, [synthResult.assemblyDir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a miss loads and synthesizes, then records the synth with the inputs hashed before it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-cache-"));
    const { calls, synthResult, deps } = fakes(dir);
    const order: string[] = [];
    let written: any;
    const session = await DevSession.start({
      cwd: dir,
      ui: quiet(),
      port: 0,
      deps: {
        ...deps,
        synth: async () => (order.push("synth"), calls.synth++, synthResult),
        synthCache: {
          read: () => undefined,
          snapshot: () => (order.push("snapshot"), { files: { "x.ts": "h" } }),
          write: (_q, _p, s, snap) => ((written = { s, snap }), true),
        },
      },
    });
    await session.stop();
    assert.equal(calls.load, 1);
    assert.deepEqual(order, ["snapshot", "synth"]);
    assert.equal(written.s, synthResult);
    assert.deepEqual(written.snap, { files: { "x.ts": "h" }, env: {} }, "the fakes read no environment variable");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("--reset deletes the stage's local state before the cloud starts on it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-dev-reset-"));
    const { deps } = fakes(dir);
    const stateDir = path.join(dir, ".sst", "local", "dev");
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(path.join(stateDir, "dynamodb.sqlite"), "damaged");
    let sawState: boolean | undefined;
    const lines: string[] = [];
    const ui = createUi({ stdout: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const session = await DevSession.start({
      cwd: dir,
      ui,
      port: 0,
      reset: true,
      deps: {
        ...deps,
        startCloud: async (opts: { dir: string }) => ((sawState = fs.existsSync(path.join(opts.dir, "dynamodb.sqlite"))), deps.startCloud()),
        synthCache: { read: () => undefined, snapshot: () => ({ files: {} }), write: () => true },
      },
    });
    await session.stop();
    assert.equal(sawState, false, "the damaged file was gone when the cloud started");
    assert.match(lines.join(""), /Removed the local state of stage "dev"/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("DevSession: Pothos schemas", () => {
  it("generates an Api graphql route's pothos output after the deploy and again when a schema file is saved", { timeout: 60_000 }, async () => {
    // inside the repository, so @pothos/core and graphql resolve from its node_modules as an app's would
    const dir = fs.mkdtempSync(path.join(import.meta.dirname, ".pothos-dev-"));
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    put("gql/schema.ts", `import SchemaBuilder from "@pothos/core";\nimport { fields } from "./fields";\nconst builder = new SchemaBuilder<{}>({});\nbuilder.queryType({ fields });\nexport const schema = builder.toSchema();\n`);
    put("gql/fields.ts", `export const fields = (t: any) => ({ hello: t.string({ resolve: () => "hi" }) });\n`);
    const metadata = { metadata: [{ type: "Api", data: { routes: [{ type: "graphql", route: "POST /graphql", schema: "gql/schema.ts", output: "gen/schema.graphql" }] } }] };
    put(".sst/dist/Api.template.json", JSON.stringify({ Resources: {}, Outputs: { SSTMetadata: { Value: JSON.stringify(metadata) } } }));
    const { deps, synthResult } = fakes(dir);
    (synthResult as any).stacks = [{ id: "Api", stackName: "dev-c-Api", dependencies: [], templateFile: path.join(dir, ".sst/dist/Api.template.json") }];
    let printed = "";
    const ui = createUi({ stdout: new Writable({ write: (c, _e, cb) => ((printed += String(c)), cb()) }), stderr: new Writable({ write: (c, _e, cb) => ((printed += String(c)), cb()) }) });
    const session = await DevSession.start({ cwd: dir, stage: "dev", ui, port: 0, deps: deps as any });
    try {
      await session.pothosIdle();
      assert.equal(fs.readFileSync(path.join(dir, "gen/schema.graphql"), "utf8"), "type Query {\n  hello: String\n}");
      assert.match(printed, /Pothos: Extracted pothos schema \(gen\/schema.graphql\)/);
      put("gql/fields.ts", `export const fields = (t: any) => ({ hello: t.string({ resolve: () => "hi" }), bye: t.int({ resolve: () => 1 }) });\n`);
      const t0 = Date.now();
      while (!fs.readFileSync(path.join(dir, "gen/schema.graphql"), "utf8").includes("bye")) {
        if (Date.now() - t0 > 20_000) throw new Error(`not regenerated; output:\n${printed}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await session.pothosIdle();
      assert.equal(fs.readFileSync(path.join(dir, "gen/schema.graphql"), "utf8"), "type Query {\n  bye: Int\n  hello: String\n}");
    } finally {
      await session.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
