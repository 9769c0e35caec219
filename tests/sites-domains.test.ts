/**
 * Sites with custom domains (fast: synth only, no deploy). The AWS form is the one
 * SST 2.49.8 writes for the same app — the hosted zone looked up (the app's
 * cdk.context.json answers the lookups, as it does for SST v2), a DNS-validated
 * certificate in us-east-1, A/AAAA alias records, a redirecting distribution for
 * `domainAlias` — resource by resource. A deploy to the local cloud has no DNS or
 * certificates: the site keeps its CDN URL and the app records a notice.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadProject, synth, type SynthResult } from "../packages/sst/src/project/index.js";
import { localNotices } from "../packages/sst/src/constructs/util/local-notice.js";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SITE_ALLOWANCES, REDIRECT_BUCKET_ALLOWANCE, templateDifferences } from "./helpers/template-parity.js";

const fixture = path.join(repoRoot, "tests", "fixtures", "sites-domains");
const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));

describe("sites with custom domains", () => {
  let app: string;
  let tmp: string;
  let aws: SynthResult;
  let local: SynthResult;

  before(async () => {
    process.env.CDK_VALIDATION = "false";
    app = copyApp(fixture, "sites-domains");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sites-domains-"));
    const project = await loadProject({ cwd: app, stage: "ref" });
    // The lookups SST v2 made on AWS and recorded in the app's cdk.context.json.
    const context = read(path.join(app, "cdk.context.json"));
    const at = (dir: string) => ({ ...project, paths: { ...project.paths, dist: path.join(tmp, dir), artifacts: path.join(tmp, `${dir}-artifacts`), types: path.join(tmp, "types") } });
    aws = await synth(at("aws"), { mode: "deploy", account: "000000000000", context });
    local = await synth(at("local"), { mode: "deploy", target: "local", account: "000000000000", context });
  });
  after(() => {
    removeApp(app);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const template = (r: SynthResult) => read(r.stacks.find((s) => s.stackName === "ref-domains-Domains")!.templateFile);

  test("the AWS form is the one SST 2.49.8 writes: zone lookups, us-east-1 certificates, alias records, the alias's redirect", () => {
    const sst = read(path.join(repoRoot, "tests", "fixtures", "sites-templates", "sst-2.49.8-Domains.template.json"));
    const ours = template(aws);
    assert.deepEqual(templateDifferences(sst, ours, [...SITE_ALLOWANCES, REDIRECT_BUCKET_ALLOWANCE]), []);
    assert.deepEqual(ours.Outputs.WebUrl.Value, "https://www.example.com");
    assert.deepEqual(ours.Outputs.DocsUrl.Value, "https://docs.example.com");
  });

  test("locally: no certificate, records or redirect; the distribution keeps its own name, the URL output is the CDN's, and a notice says so", () => {
    const ours = template(local);
    const types = new Set(Object.values<any>(ours.Resources).map((r) => r.Type));
    assert.ok(!types.has("AWS::Route53::RecordSet"));
    assert.ok(!types.has("AWS::CloudFormation::CustomResource"), "no certificate requestor");
    for (const d of Object.values<any>(ours.Resources).filter((r) => r.Type === "AWS::CloudFront::Distribution")) {
      assert.deepEqual(d.Properties.DistributionConfig.Aliases ?? [], []);
    }
    assert.match(JSON.stringify(ours.Outputs.WebUrl.Value), /DomainName/, "the distribution's own URL");
    const notices = localNotices(local.app).filter((n) => n.prop === "customDomain");
    assert.deepEqual(notices.map((n) => n.construct).sort(), ['StaticSite "Docs"', 'StaticSite "Web"']);
    assert.match(notices.find((n) => n.construct === 'StaticSite "Docs"')!.local, /docs\.example\.com's certificate, DNS records and redirect are created on AWS/);
  });
});
