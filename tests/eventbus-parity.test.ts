/**
 * The EventBus part of `standard/api`'s template is SST v2's: every resource the bus
 * creates (bus, subscriber rule, permission, on-failure config, retrier queue, function,
 * role, policy and event source mapping, the binding parameter) has SST v2's logical id
 * and properties. Compared apart from what other parts of the framework add to every
 * resource or function (tags, function code and defaults), which their own parity
 * tests cover.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { removeApp, repoRoot } from "./helpers/app-copy.js";
import { runSst } from "./helpers/sst-process.js";
import { runCreateSst } from "./helpers/generated-app.js";

const fixture = path.join(repoRoot, "tests", "fixtures", "sst-v2-templates", "standard-api.dev-v2app-API.template.json");
let app = "";
after(() => app && removeApp(app));

/** Properties that belong to Function and App (tags), not to the EventBus. */
function comparable(type: string, props: Record<string, any> = {}): Record<string, any> {
  const p = structuredClone(props);
  delete p.Tags;
  if (type === "AWS::Lambda::Function") {
    delete p.Code;
    delete p.Handler;
    delete p.TracingConfig;
    delete p.EphemeralStorage;
  }
  if (type === "AWS::IAM::Policy") {
    // Function's default X-Ray statement.
    p.PolicyDocument.Statement = p.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action) !== JSON.stringify(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]));
  }
  return p;
}

test("standard/api's EventBus resources match SST v2's template", () => {
  // The app must be named v2app, as the fixture's was.
  const parent = path.join(repoRoot, ".tmp", `parity-${process.pid}`);
  fs.mkdirSync(parent, { recursive: true });
  const made = runCreateSst(["v2app", "--template", "standard/api"], parent);
  assert.equal(made.code, 0, made.output);
  app = parent;
  const dir = path.join(parent, "v2app");
  const build = runSst(dir, ["build", "--stage", "dev"]);
  assert.equal(build.code, 0, build.output);
  const ours = JSON.parse(fs.readFileSync(path.join(dir, ".sst/dist/dev-v2app-API.template.json"), "utf8")).Resources;
  const theirs = JSON.parse(fs.readFileSync(fixture, "utf8")).Resources;
  const busIds = Object.keys(theirs).filter((id) => id.startsWith("bus"));
  assert.ok(busIds.length >= 11, busIds.join(", "));
  for (const id of busIds) {
    assert.ok(ours[id], `our template has SST v2's ${id} (${theirs[id].Type})`);
    assert.equal(ours[id].Type, theirs[id].Type);
    assert.deepEqual(comparable(ours[id].Type, ours[id].Properties), comparable(theirs[id].Type, theirs[id].Properties), id);
  }
});
