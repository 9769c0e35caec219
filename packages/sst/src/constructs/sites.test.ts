/**
 * The site constructs on their own: dev-mode synth (no build, no deployed resources,
 * one dev-metadata SSM parameter with tokens left for CloudFormation), bindings,
 * path and environment validation, and the honest error in deploy mode.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Template } from "aws-cdk-lib/assertions";
import {
  App, Stack, Api, Function, Table, StaticSite, NextjsSite, RemixSite, AstroSite, SvelteKitSite, SolidStartSite,
} from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { parseSiteParameter } from "../deploy/bind-env.js";
import { Distribution } from "./Distribution.js";
import * as route53 from "aws-cdk-lib/aws-route53";
import { HttpOrigin } from "aws-cdk-lib/aws-cloudfront-origins";

process.env.CDK_VALIDATION = "false";

const root = writeApp({
  "src/a.ts": "export const handler = async () => 'a';\n",
  "packages/web/index.html": "<h1>web</h1>\n",
  "packages/web2/24byte.html": "<h1>twenty-four</h1>\n.\n",
  "packages/web2/6byte.html": "<p/>\n.",
  "packages/next/package.json": "{}\n",
  "not-a-dir.txt": "x\n",
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy" | "remove" = "dev"): App {
  return new App({ name: "my-app", stage: "dev", region: "us-east-1", mode, root, outdir: `${root}/.sst/dist-${Math.random()}` });
}

/** A dev-metadata value (an Fn::Join) as the JSON CloudFormation makes of it, GetAtts shown as <GetAtt id.attr>. */
function joined(value: any): any {
  if (typeof value === "string") return JSON.parse(value);
  const [sep, parts] = value["Fn::Join"];
  return JSON.parse(parts.map((p: any) => (typeof p === "string" ? p : p["Fn::GetAtt"] ? `<GetAtt ${p["Fn::GetAtt"].join(".")}>` : JSON.stringify(p))).join(sep));
}

function parameters(t: Template): Record<string, any> {
  const out: Record<string, any> = {};
  for (const r of Object.values<any>(t.findResources("AWS::SSM::Parameter"))) out[r.Properties.Name] = r.Properties.Value;
  return out;
}

describe("sites in dev mode", () => {
  it("StaticSite: nothing built or deployed, url undefined, environment recorded with tokens for CloudFormation", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const api = new Api(stack, "Api", { routes: { "GET /": "src/a.handler" } });
    const site = new StaticSite(stack, "Web", {
      path: "packages/web", buildCommand: "false", buildOutput: "dist",
      environment: { API_URL: api.url, EMPTY: "", PLAIN: "x" },
    });
    assert.equal(site.url, undefined);
    assert.equal(site.customDomainUrl, undefined);
    assert.equal(site.constructType, "StaticSite");
    assert.equal(site.path, "packages/web");
    await app.finish();
    const t = Template.fromStack(stack);
    // No bucket, distribution or build artifacts for the site.
    assert.deepEqual(Object.keys(t.findResources("AWS::S3::Bucket")), []);
    assert.deepEqual(Object.keys(t.findResources("AWS::CloudFront::Distribution")), []);
    const params = parameters(t);
    const meta = params["/sst/my-app/dev/StaticSite/Web/site/dev"];
    assert.ok(meta["Fn::Join"], `expected a deploy-time Fn::Join, got ${JSON.stringify(meta)}`);
    const flat = JSON.stringify(meta);
    assert.match(flat, /packages\/web/);
    assert.match(flat, /EMPTY/);
    assert.match(flat, /Fn::GetAtt.*ApiEndpoint/, "api.url stays a reference for CloudFormation to resolve");
    // Bindable: SST v2's dev value is dev.url ?? "localhost".
    assert.equal(params["/sst/my-app/dev/StaticSite/Web/url"], "localhost");
  });

  it("NextjsSite defaults path to the app's root, takes dev.url, bind and permissions", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    const table = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    const site = new NextjsSite(stack, "Site", { dev: { url: "http://localhost:3000" }, bind: [table], permissions: ["s3"] });
    assert.equal(site.path, ".");
    assert.deepEqual(site.boundTo, [table]);
    const fn = new Function(stack, "Fn", { handler: "src/a.handler", bind: [site] });
    await app.finish();
    const params = parameters(Template.fromStack(stack));
    assert.equal(params["/sst/my-app/dev/NextjsSite/Site/url"], "http://localhost:3000");
    const meta = joined(params["/sst/my-app/dev/NextjsSite/Site/site/dev"]);
    assert.equal(meta.path, ".");
    const t = Template.fromStack(stack);
    const env = t.findResources("AWS::Lambda::Function");
    const fnEnv = Object.entries<any>(env).find(([k]) => k.startsWith("Fn"))![1].Properties.Environment.Variables;
    assert.equal(fnEnv.SST_NextjsSite_url_Site, "http://localhost:3000");
    assert.ok(fn);
    // SST v2's placeholder server function: the site's bindings and a role sst bind assumes.
    const [placeholderId, placeholder] = Object.entries<any>(env).find(([, f]) => f.Properties.Description === "Server handler placeholder")!;
    assert.equal(meta.server, `<GetAtt ${placeholderId}.Arn>`, "the dev metadata names the placeholder for sst bind");
    assert.ok(placeholder.Properties.Environment.Variables.SST_Table_tableName_Notes);
    const role = Object.entries<any>(t.findResources("AWS::IAM::Role")).find(([k]) => k.startsWith("SiteServerFunctionRole"))![1];
    const principals = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
    assert.match(principals, /lambda\.amazonaws\.com/);
    assert.match(principals, /:root/, "the account may assume it (sst bind)");
    assert.equal(role.Properties.MaxSessionDuration, 43200);
    const policies = JSON.stringify(t.findResources("AWS::IAM::Policy"));
    assert.match(policies, /"s3:\*"/, "permissions go to the placeholder's role");
    assert.equal(site.getConstructMetadata().data.server, (site.node.findChild("ServerFunction") as any).functionArn, "metadata names the server (SST v2)");
  });

  it("NextjsSite's route names for CloudWatch keep only the characters log group names allow (SST v2's _test helper)", () => {
    assert.equal(NextjsSite._test.buildCloudWatchRouteName("/api"), "/api");
    assert.equal(NextjsSite._test.buildCloudWatchRouteName("/api/[id]"), "/api/id");
    assert.equal(NextjsSite._test.buildCloudWatchRouteName("/blog/[...slug] (x)#1"), "/blog/...slugx#1");
  });

  it("every SSR site type synthesizes under its own type name", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    for (const C of [RemixSite, AstroSite, SvelteKitSite, SolidStartSite]) new C(stack, C.name, { path: "packages/next" });
    await app.finish();
    const params = parameters(Template.fromStack(stack));
    for (const type of ["RemixSite", "AstroSite", "SvelteKitSite", "SolidStartSite"]) {
      const meta = parseSiteParameter(`/sst/my-app/dev/${type}/${type}/site/dev`, JSON.stringify(joined(params[`/sst/my-app/dev/${type}/${type}/site/dev`])), "/sst/my-app/dev/");
      assert.deepEqual({ ...meta, server: undefined }, { type, id: type, path: "packages/next", environment: {}, server: undefined });
      assert.match(meta!.server!, new RegExp(`^<GetAtt ${type}ServerFunction`));
    }
  });
});

describe("site errors", () => {
  it("a missing path names the construct and the path", () => {
    const stack = new Stack(newApp(), "S");
    assert.throws(() => new StaticSite(stack, "Web", { path: "packages/nope" }), /StaticSite "Web": No path found at ".*packages\/nope" for the "Web" StaticSite\./);
    assert.throws(() => new NextjsSite(stack, "Next", { path: "not-a-dir.txt" }), /NextjsSite "Next": path "not-a-dir.txt" is not a directory/);
    // SST v2: a StaticSite without "path" is the app's root folder.
    assert.equal(new StaticSite(stack, "NoPath", {} as any).path, ".");
  });

  it("a non-string environment value names the variable", () => {
    const stack = new Stack(newApp(), "S");
    assert.throws(
      () => new StaticSite(stack, "Web", { path: "packages/web", environment: { PORT: 3000 as any } }),
      /StaticSite "Web": environment variable "PORT" must be a string/,
    );
  });

  it("deploy mode: a failing build names the site and its command; an external custom domain needs a certificate; a site without its adapter's output says so", () => {
    const stack = new Stack(newApp("deploy"), "S");
    assert.throws(() => new NextjsSite(stack, "Web", { path: "packages/next", buildCommand: "false" }), /There was a problem building the "Web" site\. NextjsSite "Web": "false" exited with code 1/);
    assert.throws(() => new SolidStartSite(stack, "Solid", { path: "packages/next", buildCommand: "true" }), /SolidStartSite "Solid": no build output .*solid-start-sst/);
    assert.throws(
      () => new StaticSite(new Stack(newApp("deploy"), "T"), "Dom", { path: "packages/web", customDomain: { domainName: "example.com", isExternalDomain: true } }),
      /StaticSite "Dom": A valid certificate is required when "isExternalDomain" is set to "true" \(customDomain\.cdk\.certificate\)\./,
    );
  });

  it("deploy mode: a StaticSite is a private bucket, SST v2's distribution, an S3 uploader and an invalidation run by the stack's handler", async () => {
    const app = newApp("deploy");
    const stack = new Stack(app, "S");
    const api = new Api(stack, "Api", { routes: { "GET /": "src/a.handler" } });
    const site = new StaticSite(stack, "Web", { path: "packages/web", environment: { API_URL: api.url }, errorPage: "404.html" });
    await app.finish();
    const t = Template.fromStack(stack);
    t.resourceCountIs("AWS::CloudFront::Distribution", 1);
    t.hasResourceProperties("AWS::S3::Bucket", { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true } });
    t.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: {
        DefaultRootObject: "index.html",
        CustomErrorResponses: [{ ErrorCode: 403, ResponsePagePath: "/404.html" }, { ErrorCode: 404, ResponsePagePath: "/404.html" }],
      },
    });
    const uploader = Object.values<any>(t.findResources("Custom::S3Uploader"))[0].Properties;
    assert.equal(uploader.textEncoding, "utf-8");
    assert.deepEqual(uploader.replaceValues.map((r: any) => [r.files, r.search]), [["**/*.html", "{{ API_URL }}"], ["**/*.js", "{{ API_URL }}"]]);
    assert.ok(uploader.filenames, "purgeFiles defaults to true");
    assert.equal(Object.keys(t.findResources("Custom::CloudFrontInvalidator")).length, 1);
    const handler = Object.entries<any>(t.findResources("AWS::Lambda::Function")).find(([id]) => id.startsWith("CustomResourceHandler"))?.[1];
    assert.ok(handler, "the stack's custom resource handler");
    assert.equal(handler.Properties.Runtime, "nodejs22.x");
    // In deploy mode the binding is the site's URL through SSM, not a plain value.
    const params = parameters(t);
    assert.ok(params["/sst/my-app/dev/StaticSite/Web/url"]["Fn::Join"]);
    assert.match(JSON.stringify(params["/sst/my-app/dev/StaticSite/Web/url"]), /https:\/\//);
    assert.ok(site.url);
  });

  it("StaticSite zips its files in parts of at most 200 MB; SST v2's tests shrink the part with sstTestFileSizeLimitOverride (MB) when NODE_ENV is test", async () => {
    const sources = async (nodeEnv: string | undefined) => {
      const saved = process.env.NODE_ENV;
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
      try {
        const app = newApp("deploy");
        const stack = new Stack(app, "S");
        new StaticSite(stack, "Web", { path: "packages/web2", sstTestFileSizeLimitOverride: 0.000025 } as any);
        await app.finish();
        return Object.values<any>(Template.fromStack(stack).findResources("Custom::S3Uploader"))[0].Properties.sources.length;
      } finally {
        if (saved === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = saved;
      }
    };
    assert.equal(await sources("test"), 2, "23 + 6 bytes in parts of 26 bytes");
    assert.equal(await sources(undefined), 1);
  });

  it("Distribution: SST v2's cdk (distribution, zone, certificate) and customDomainUrl; its errors are SST v2's sentences, named after the construct", async () => {
    const app = newApp("deploy");
    const stack = new Stack(app, "S");
    const hostedZone = new route53.HostedZone(stack, "Zone", { zoneName: "domain.com" });
    const origin = new HttpOrigin("sst.dev");
    const cdn = new Distribution(stack, "CDN", { customDomain: { domainName: "domain.com", cdk: { hostedZone } }, cdk: { distribution: { defaultBehavior: { origin } } } });
    assert.equal(cdn.customDomainUrl, "https://domain.com");
    assert.equal(cdn.cdk.hostedZone, hostedZone);
    assert.ok(cdn.cdk.certificate, "a certificate for the domain");
    assert.ok(cdn.cdk.distribution.distributionId);
    const plain = new Distribution(stack, "Plain", { cdk: { distribution: { defaultBehavior: { origin } } } });
    assert.deepEqual([plain.customDomainUrl, plain.cdk.hostedZone, plain.cdk.certificate], [undefined, undefined, undefined]);
    assert.throws(
      () => new Distribution(stack, "Bad", { cdk: { distribution: { defaultBehavior: { origin }, domainNames: ["a.com"] } } }),
      /^Error: Distribution "Bad": Do not configure the "cfDistribution.domainNames"\. Use the "customDomain"/,
    );
  });

  it("dev mode with dev.deploy deploys the site; the URL is http:// for the local CDN", async () => {
    const app = newApp("dev");
    const stack = new Stack(app, "S");
    const site = new StaticSite(stack, "Web", { path: "packages/web", dev: { deploy: true } });
    await app.finish();
    Template.fromStack(stack).resourceCountIs("AWS::CloudFront::Distribution", 1);
    assert.match(stack.resolve(site.url) ? JSON.stringify(stack.resolve(site.url)) : "", /http:\/\//);
  });

  it("remove mode neither throws nor needs the folder", async () => {
    const app = newApp("remove");
    const stack = new Stack(app, "S");
    const site = new StaticSite(stack, "Web", { path: "packages/gone" });
    assert.equal(site.doNotDeploy, true);
    await app.finish();
    assert.equal(parameters(Template.fromStack(stack))["/sst/my-app/dev/StaticSite/Web/site/dev"], undefined);
  });
});

describe("parseSiteParameter", () => {
  it("reads only {prefix}{Type}/{id}/site/dev with valid JSON", () => {
    const p = "/sst/a/dev/";
    assert.deepEqual(parseSiteParameter(`${p}StaticSite/Web/site/dev`, '{"path":"web","environment":{"A":"1","B":2}}', p), {
      type: "StaticSite", id: "Web", path: "web", environment: { A: "1" },
    });
    assert.equal(parseSiteParameter(`${p}StaticSite/Web/url`, "localhost", p), undefined);
    assert.equal(parseSiteParameter(`${p}StaticSite/Web/site/dev`, "{not json", p), undefined);
    assert.equal(parseSiteParameter(`/other/StaticSite/Web/site/dev`, '{"path":"web"}', p), undefined);
  });
});
