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

process.env.CDK_VALIDATION = "false";

const root = writeApp({
  "src/a.ts": "export const handler = async () => 'a';\n",
  "packages/web/index.html": "<h1>web</h1>\n",
  "packages/next/package.json": "{}\n",
  "not-a-dir.txt": "x\n",
});
after(() => removeApp(root));

function newApp(mode: "dev" | "deploy" | "remove" = "dev"): App {
  return new App({ name: "my-app", stage: "dev", region: "us-east-1", mode, root, outdir: `${root}/.sst/dist-${Math.random()}` });
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
    assert.equal(JSON.parse(params["/sst/my-app/dev/NextjsSite/Site/site/dev"]).path, ".");
    const env = Template.fromStack(stack).findResources("AWS::Lambda::Function");
    const fnEnv = Object.entries<any>(env).find(([k]) => k.startsWith("Fn"))![1].Properties.Environment.Variables;
    assert.equal(fnEnv.SST_NextjsSite_url_Site, "http://localhost:3000");
    assert.ok(fn);
    // No server function is created for the site in dev (the other one is the stack's custom resource handler).
    assert.deepEqual(Object.keys(env).filter((k) => !k.startsWith("CustomResourceHandler")).length, 1);
  });

  it("every SSR site type synthesizes under its own type name", async () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    for (const C of [RemixSite, AstroSite, SvelteKitSite, SolidStartSite]) new C(stack, C.name, { path: "packages/next" });
    await app.finish();
    const params = parameters(Template.fromStack(stack));
    for (const type of ["RemixSite", "AstroSite", "SvelteKitSite", "SolidStartSite"]) {
      const meta = parseSiteParameter(`/sst/my-app/dev/${type}/${type}/site/dev`, params[`/sst/my-app/dev/${type}/${type}/site/dev`], "/sst/my-app/dev/");
      assert.deepEqual(meta, { type, id: type, path: "packages/next", environment: {} });
    }
  });
});

describe("site errors", () => {
  it("a missing path names the construct and the path", () => {
    const stack = new Stack(newApp(), "S");
    assert.throws(() => new StaticSite(stack, "Web", { path: "packages/nope" }), /StaticSite "Web": no site found at path "packages\/nope"/);
    assert.throws(() => new NextjsSite(stack, "Next", { path: "not-a-dir.txt" }), /NextjsSite "Next": path "not-a-dir.txt" is not a directory/);
    assert.throws(() => new StaticSite(stack, "NoPath", {} as any), /StaticSite "NoPath": missing "path"/);
  });

  it("a non-string environment value names the variable", () => {
    const stack = new Stack(newApp(), "S");
    assert.throws(
      () => new StaticSite(stack, "Web", { path: "packages/web", environment: { PORT: 3000 as any } }),
      /StaticSite "Web": environment variable "PORT" must be a string/,
    );
  });

  it("deploy mode (and dev.deploy) say site deployment is not supported yet and that sst dev works", () => {
    const stack = new Stack(newApp("deploy"), "S");
    assert.throws(() => new NextjsSite(stack, "Web", { path: "packages/next" }), /NextjsSite "Web": deploying sites is not supported yet.*sst dev/);
    const devStack = new Stack(newApp("dev"), "S");
    assert.throws(() => new StaticSite(devStack, "Web", { path: "packages/web", dev: { deploy: true } }), /StaticSite "Web": deploying sites is not supported yet \("dev.deploy: true"/);
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
