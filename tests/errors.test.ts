/**
 * Bad input, end to end: each mistake a user makes gets a clear error naming the file,
 * construct or field at fault, and nothing is lost.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { output } from "./helpers/outputs.js";

const fixture = path.join(repoRoot, "tests", "fixtures", "errors-app");

describe("a running sst dev survives failing handlers", () => {
  let app: string;
  let dev: SstProcess;
  let api: string;

  before(async () => {
    app = copyApp(fixture, "errors-app");
    dev = new SstProcess(app, ["dev", "--stage", "errs", "--port", String(await freePort())]);
    await dev.waitFor(/ready/i, 120_000);
    api = output(app, "ApiEndpoint").replace(/\/$/, "");
  });
  after(async () => {
    await dev?.stop();
    removeApp(app);
  });

  test("a handler that throws: API Gateway's 500, the error and stack printed, the next request works", async () => {
    const from = dev.lines.length;
    const res = await fetch(`${api}/boom`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { message: "Internal Server Error" });
    await dev.waitFor(/the boom handler always fails/, 10_000, from);
    await dev.waitFor(/explode/, 10_000, from);
    const ok = await fetch(`${api}/ok`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "ok");
    assert.equal((await fetch(`${api}/boom`)).status, 500);
  });

  test("a handler past its timeout is stopped and logged, the dev server unharmed", async () => {
    const from = dev.lines.length;
    const started = Date.now();
    const res = await fetch(`${api}/slow`);
    const elapsed = Date.now() - started;
    assert.equal(res.status, 500);
    assert.ok(elapsed < 4000, `answered after ${elapsed} ms`);
    await dev.waitFor(/Task timed out after 1(\.00)? seconds/, 10_000, from);
    assert.equal((await fetch(`${api}/ok`)).status, 200);
  });

  test("IAM is enforced: a function not bound to a table gets AWS's AccessDenied, a bound one reads it", async () => {
    const bound = await (await fetch(`${api}/notes/bound`)).json();
    assert.deepEqual(bound, { ok: true, found: false });
    const unbound = await (await fetch(`${api}/notes/unbound`)).json();
    assert.equal(unbound.ok, false);
    assert.equal(unbound.error, "AccessDeniedException");
    assert.match(unbound.message, /is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/errs-errors-app-Notes/);
  });

  test("an unknown route is API Gateway's 404", async () => {
    const res = await fetch(`${api}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: "Not Found" });
  });
});

describe("mistakes in the app's code stop before anything is deployed", () => {
  let app: string;
  before(() => {
    app = copyApp(fixture, "errors-app-bad");
  });
  after(() => removeApp(app));

  function edit(file: string, from: string | RegExp, to: string) {
    const full = path.join(app, file);
    const text = fs.readFileSync(full, "utf8");
    fs.writeFileSync(full, text.replace(from, to));
    return () => fs.writeFileSync(full, text);
  }

  test("a syntax error in sst.config.ts names the file and line, exits 1", async () => {
    const restore = edit("sst.config.ts", "app.stack(Errors);", "app.stack(Errors;");
    try {
      const res = runSst(app, ["build", "--stage", "bad"]);
      assert.equal(res.code, 1, res.output);
      assert.match(res.output, /sst\.config\.ts:\d+:\d+/);
      const dev = new SstProcess(app, ["dev", "--stage", "bad", "--port", String(await freePort())]);
      assert.equal(await dev.exited, 1);
      assert.match(dev.output, /sst\.config\.ts:\d+:\d+/);
      assert.ok(!fs.existsSync(path.join(app, ".sst", "outputs.json")), "nothing deployed");
    } finally {
      restore();
    }
  });

  test("a syntax error in a stack names the stack file and line", () => {
    const restore = edit("stacks/Errors.ts", "const api = new Api(", "const api = new Api((");
    try {
      const res = runSst(app, ["build", "--stage", "bad"]);
      assert.equal(res.code, 1);
      assert.match(res.output, /stacks[\\/]Errors\.ts:\d+:\d+/);
    } finally {
      restore();
    }
  });

  test("a route whose handler file is missing names the route and the path", () => {
    const restore = edit("stacks/Errors.ts", '"src/ok.handler"', '"src/missing.handler"');
    try {
      const res = runSst(app, ["build", "--stage", "bad"]);
      assert.equal(res.code, 1);
      assert.match(res.output, /GET \/ok/);
      assert.match(res.output, /src\/missing/);
    } finally {
      restore();
    }
  });

  test("an unknown field type in a Table names the table, field and type", () => {
    const restore = edit(
      "stacks/Errors.ts",
      "stack.addOutputs(",
      'new (require("sst/constructs").Table)(stack, "Things", { fields: { pk: "strng" }, primaryIndex: { partitionKey: "pk" } });\n  stack.addOutputs(',
    );
    // ESM stacks: use an import instead of require.
    const file = path.join(app, "stacks/Errors.ts");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, "utf8")
        .replace('import { StackContext, Api } from "sst/constructs";', 'import { StackContext, Api, Table } from "sst/constructs";')
        .replace('new (require("sst/constructs").Table)(', "new Table("),
    );
    try {
      const res = runSst(app, ["build", "--stage", "bad"]);
      assert.equal(res.code, 1);
      assert.match(res.output, /Things/);
      assert.match(res.output, /pk/);
      assert.match(res.output, /strng/);
    } finally {
      restore();
    }
  });
});
