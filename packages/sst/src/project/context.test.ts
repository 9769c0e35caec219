/**
 * Context lookups during synth: cdk.context.json answers first; what it lacks the
 * provider answers (the local one makes up a hosted zone); a lookup nobody can answer
 * fails synth naming it, rather than deploying CDK's dummy value.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { loadProject, synth } from "./index.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";
import { localContextProvider, readProjectContext } from "./context.js";

process.env.CDK_VALIDATION = "false";

const config = (stackBody: string) => ({
  "package.json": JSON.stringify({ name: "ctx-app", type: "module", private: true }),
  "sst.config.ts": `
import { Main } from "./stacks/Main";
export default { config() { return { name: "ctx-app", region: "eu-west-1" }; }, stacks(app) { app.stack(Main); } };
`,
  "stacks/Main.ts": `
import { Api, StackContext } from "sst/constructs";
import * as ssm from "aws-cdk-lib/aws-ssm";
export function Main({ stack }: StackContext) {
${stackBody}
}
`,
  "src/a.ts": "export const handler = async () => 'a';\n",
});

const dirs: string[] = [];
after(() => dirs.forEach(removeApp));

async function synthApp(files: Record<string, string>, mode: "dev" | "deploy" = "dev") {
  const dir = writeApp(files);
  dirs.push(dir);
  const project = await loadProject({ cwd: dir, stage: "dev" });
  return { dir, result: await synth(project, { mode }) };
}

function resources(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(file, "utf8")).Resources;
}

describe("context lookups", () => {
  it("looks a custom domain's hosted zone up locally: a stable zone per domain, certificate and records", async () => {
    const { result } = await synthApp(config(`  new Api(stack, "Api", { customDomain: "api.example.com", routes: { "GET /": "src/a.handler" } });`));
    const r = resources(result.stacks[0].templateFile);
    const records = Object.values(r).filter((x: any) => x.Type === "AWS::Route53::RecordSet");
    assert.equal(records.length, 2, "A and AAAA alias records");
    const zone = (await localContextProvider([{ key: "k", provider: "hosted-zone", props: { domainName: "example.com" } }])).k as any;
    for (const rec of records as any[]) assert.equal(rec.Properties.HostedZoneId, zone.Id.replace("/hostedzone/", ""));
    assert.ok(Object.values(r).some((x: any) => x.Type === "AWS::CertificateManager::Certificate"));
    assert.ok(!JSON.stringify(r).includes("DUMMY"), "no dummy lookup value deployed");
  });

  it("prefers cdk.context.json over the provider", async () => {
    const files = {
      ...config(`  new Api(stack, "Api", { customDomain: "api.example.com", routes: { "GET /": "src/a.handler" } });`),
      "cdk.context.json": JSON.stringify({
        "hosted-zone:account=000000000000:domainName=example.com:region=eu-west-1": { Id: "/hostedzone/ZFROMFILE", Name: "example.com." },
      }),
    };
    const { dir, result } = await synthApp(files);
    assert.equal(readProjectContext(dir)["hosted-zone:account=000000000000:domainName=example.com:region=eu-west-1"] !== undefined, true);
    const records = Object.values(resources(result.stacks[0].templateFile)).filter((x: any) => x.Type === "AWS::Route53::RecordSet") as any[];
    assert.deepEqual(records.map((x) => x.Properties.HostedZoneId), ["ZFROMFILE", "ZFROMFILE"]);
  });

  it("fails synth naming a lookup no one can answer", async () => {
    await assert.rejects(
      synthApp(config(`  ssm.StringParameter.valueFromLookup(stack, "/my/param");`)),
      /Could not resolve context values for:\n\s+ssm: ssm:account=000000000000:parameterName=\/my\/param:region=eu-west-1\n.*cdk\.context\.json/s,
    );
  });

  it("answers availability zones for the region", async () => {
    const answers = await localContextProvider([{ key: "az", provider: "availability-zones", props: { region: "eu-west-1" } }]);
    assert.deepEqual(answers.az, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });
});
