/**
 * The reference app (examples/my-app): synthesizes with CloudFormation validation
 * turned on, and its generated types make `Table.Users.tableName` type-check while
 * `Table.Nope` does not.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { loadProject, synth, type Project, type SynthResult } from "./index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, "../../../../examples/my-app");
const nodeDir = path.resolve(here, "../node");

/** The example's project with every output redirected to a temp dir. */
function isolated(project: Project, tmp: string): Project {
  return {
    ...project,
    paths: { ...project.paths, dist: path.join(tmp, "dist"), artifacts: path.join(tmp, "artifacts"), types: path.join(tmp, "types") },
  };
}

describe("examples/my-app", { skip: !fs.existsSync(path.join(exampleDir, "sst.config.ts")) }, () => {
  let tmp: string;
  let result: SynthResult;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sst-example-"));
    delete process.env.CDK_VALIDATION;
    const project = isolated(await loadProject({ cwd: exampleDir, stage: "dev" }), tmp);
    // With this flag CDK turns validation errors into a synth failure.
    result = await synth(project, { mode: "dev", context: { "@aws-cdk/core:validateAgainstDefaultRules": true } });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("passes the CloudFormation validator with no error", () => {
    const report = JSON.parse(fs.readFileSync(path.join(result.assemblyDir, "validation-report.json"), "utf8"));
    const violations = report.pluginReports.flatMap((r: any) => r.violations);
    const errors = violations.filter((v: any) => v.severity !== "warning" && v.severity !== "info");
    assert.deepEqual(errors, []);
    assert.ok(report.pluginReports.every((r: any) => r.conclusion === "success"));
  });

  it("binds the STRIPE_KEY secret only to the billing route", () => {
    const api = result.stacks.find((s) => s.stackName === "dev-my-app-API")!;
    const t = JSON.parse(fs.readFileSync(api.templateFile, "utf8"));
    const withSecret = Object.values<any>(t.Resources).filter((r) =>
      r.Type === "AWS::Lambda::Function" && r.Properties.Environment?.Variables.SST_Secret_value_STRIPE_KEY === "__FETCH_FROM_SSM__");
    assert.equal(withSecret.length, 1);
    assert.equal(result.functions[withSecret[0].Properties.Environment.Variables.SST_FUNCTION_ID].handler, "packages/functions/src/billing/charge.handler");
  });

  it("generates types that accept bound names and reject unknown ones", () => {
    const srcDir = path.join(tmp, "src");
    fs.mkdirSync(srcDir, { recursive: true });
    fs.writeFileSync(path.join(srcDir, "ok.ts"), `
import { Table } from "sst/node/table";
import { Bucket } from "sst/node/bucket";
import { Config } from "sst/node/config";
export const a: string = Table.Users.tableName + Bucket.Uploads.bucketName + Config.STRIPE_KEY + Config.STAGE;
`);
    fs.writeFileSync(path.join(srcDir, "bad.ts"), `
import { Table } from "sst/node/table";
export const b = Table.Nope.tableName;
`);
    const program = ts.createProgram([path.join(tmp, "types/index.ts"), path.join(srcDir, "ok.ts"), path.join(srcDir, "bad.ts")], {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: ["node"],
      typeRoots: [path.resolve(here, "../../../../node_modules/@types")],
      baseUrl: tmp, paths: { "sst/node/*": [path.join(nodeDir, "*/index.ts")] },
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file ? path.basename(d.file.fileName) : "", text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    }));
    assert.deepEqual(diags.filter((d) => d.file === "ok.ts"), []);
    const bad = diags.filter((d) => d.file === "bad.ts");
    assert.equal(bad.length, 1, JSON.stringify(diags));
    assert.match(bad[0].text, /Property 'Nope' does not exist/);
  });
});
