/**
 * The framework sites (AstroSite, RemixSite, SvelteKitSite) in deploy mode, on build
 * output laid out the way each adapter writes it (no framework runs here: the real
 * builds are in tests/sites-deploy.slow.test.ts). Each plan becomes SST v2's resources.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Template, Match } from "aws-cdk-lib/assertions";
import * as logs from "aws-cdk-lib/aws-logs";
import { App, Stack, Table, AstroSite, RemixSite, SvelteKitSite, SolidStartSite } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const route = (r: string, type: string, pattern: string, prerender?: boolean) => ({ route: r, type, pattern, prerender });

function astroMeta(outputMode: "server" | "static", extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    deploymentStrategy: outputMode === "static" ? "static" : "regional",
    responseMode: "buffer",
    outputMode,
    pageResolution: "directory",
    trailingSlash: "ignore",
    clientBuildOutputDir: "dist/client",
    clientBuildVersionedSubDir: "_astro",
    routes: [
      route("/_image", "endpoint", "/^\\/_image$/", false),
      route("/404", "page", "/^\\/404\\/?$/", true),
      route("/about", "page", "/^\\/about\\/?$/", true),
      route("/", "page", "/^\\/$/", outputMode === "static"),
    ],
    serverRoutes: [],
    ...extra,
  });
}

const root = writeApp({
  "package.json": "{}\n",
  "packages/astro/package.json": "{}\n",
  "packages/astro/dist/sst.buildMeta.json": astroMeta("server", { serverRoutes: ["api/*"] }),
  "packages/astro/dist/server/entry.mjs": `import { helper } from "./chunk.mjs";\nexport const handler = async () => ({ statusCode: 200, body: helper() });\n`,
  "packages/astro/dist/server/chunk.mjs": `export const helper = () => "from a chunk";\n`,
  "packages/astro/dist/client/_astro/app.123.js": "console.log(1)\n",
  "packages/astro/dist/client/about/index.html": "<h1>about</h1>\n",
  "packages/astro/dist/client/404.html": "<h1>404</h1>\n",
  "packages/astro-static/package.json": "{}\n",
  "packages/astro-static/src/.keep": "",
  "packages/astro-static/dist/sst.buildMeta.json": astroMeta("static"),
  "packages/astro-static/dist/client/index.html": "<h1>home</h1>\n",
  "packages/astro-static/dist/client/404.html": "<h1>404</h1>\n",
  "packages/astro-nometa/package.json": "{}\n",
  "packages/remix/package.json": JSON.stringify({ type: "module", sideEffects: false }),
  "packages/remix/vite.config.js": "export default {};\n",
  "packages/remix/build/server/index.js": "export const routes = {};\nexport const entry = { module: {} };\n",
  "packages/remix/build/client/assets/entry.client-abc.js": "console.log(1)\n",
  "packages/remix/build/client/favicon.ico": "icon",
  "packages/remix-classic/package.json": "{}\n",
  "packages/svelte/package.json": "{}\n",
  "packages/svelte/.svelte-kit/svelte-kit-sst/server/lambda-handler/index.js": "import list from './prerendered-file-list.js';\nexport async function handler() { return { statusCode: 200, body: JSON.stringify(list) }; }\n",
  "packages/svelte/.svelte-kit/svelte-kit-sst/server/lambda-handler/prerendered-file-list.js": 'export default ["about.html"];\n',
  "packages/svelte/.svelte-kit/svelte-kit-sst/client/_app/version.json": '{"version":"1712345"}',
  "packages/svelte/.svelte-kit/svelte-kit-sst/client/_app/immutable/start.js": "console.log(1)\n",
  "packages/svelte/.svelte-kit/svelte-kit-sst/client/robots.txt": "ok\n",
  "packages/svelte/.svelte-kit/svelte-kit-sst/prerendered/about.html": "<h1>about</h1>\n",
  "packages/svelte-unbuilt/package.json": "{}\n",
  "packages/solid/package.json": "{}\n",
  "packages/solid/dist/server/index.mjs": "export async function handler() { return { statusCode: 200, body: 'solid' }; }\n",
  "packages/solid/dist/client/assets/entry-abc.js": "console.log(1)\n",
  "packages/solid/dist/client/favicon.ico": "icon",
  "packages/remix-classic/remix.config.js": "module.exports = { publicPath: '/static/' };\n",
});
after(() => removeApp(root));

function deployApp(): { app: App; stack: Stack } {
  const app = new App({ name: "my-app", stage: "dev", region: "us-east-1", mode: "deploy", root, outdir: `${root}/.sst/dist-${Math.random()}` });
  return { app, stack: new Stack(app, "S") };
}

/** A file of a server function's bundle (the artifacts folder is shared by the tests' apps). */
function bundled(app: App, file: string, kind: "SsrFunction" | "EdgeFunction" = "SsrFunction"): string {
  for (const d of fs.readdirSync(app.artifactsDir)) {
    const full = path.join(app.artifactsDir, d, "bundle", file);
    if (d.startsWith(`${kind}-`) && fs.existsSync(full)) return full;
  }
  throw new Error(`no bundle holds ${file}`);
}

function behaviors(t: Template): Record<string, any> {
  const dist = Object.values<any>(t.findResources("AWS::CloudFront::Distribution"))[0].Properties.DistributionConfig;
  return { default: dist.DefaultCacheBehavior, ...Object.fromEntries((dist.CacheBehaviors ?? []).map((b: any) => [b.PathPattern, b])), _config: dist };
}

describe("AstroSite", () => {
  it("server mode: the bundled entry behind a function URL, an S3-then-server origin group, _astro/* and _image behaviours, the 404 page", async () => {
    const { app, stack } = deployApp();
    const notes = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    const site = new AstroSite(stack, "Astro", { path: "packages/astro", buildCommand: "true", bind: [notes], environment: { GREETING: "hi" } });
    await app.finish();
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", {
      Description: "Server handler for Astro",
      Handler: "packages/astro/dist/server/entry.handler",
      Environment: { Variables: Match.objectLike({ GREETING: "hi", SST_Table_tableName_Notes: Match.anyValue() }) },
    });
    // The handler was bundled with its chunks into one file under the handler's own path.
    const entry = fs.readFileSync(bundled(app, "packages/astro/dist/server/entry.mjs"), "utf8");
    assert.match(entry, /from a chunk/);
    t.resourceCountIs("AWS::Lambda::Url", 1);
    const b = behaviors(t);
    const dist = b._config;
    const group = dist.OriginGroups.Items[0];
    assert.deepEqual(group.FailoverCriteria.StatusCodes.Items, [403, 404]);
    assert.equal(b.default.TargetOriginId, group.Id, "the default behaviour goes to the origin group");
    assert.deepEqual(b.default.AllowedMethods, ["GET", "HEAD", "OPTIONS"]);
    assert.ok(b["_astro/*"], "versioned assets straight from S3");
    assert.ok(b["_image"], "the image endpoint straight to the server");
    assert.ok(b["api/*"], "serverRoutes straight to the server");
    assert.deepEqual(dist.CustomErrorResponses, [{ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: "/404.html" }]);
    // The routing function knows the prerendered pages.
    const fns = Object.values<any>(t.findResources("AWS::CloudFront::Function")).map((f) => f.Properties.FunctionCode);
    assert.equal(fns.length, 3, "routing, host-only and image functions");
    assert.ok(fns.some((c: string) => c.includes("about") && c.includes("/index.html")), fns.join("\n"));
    // The _astro folder is versioned (immutable), the rest revalidated.
    const uploader = Object.values<any>(t.findResources("Custom::S3Uploader"))[0].Properties;
    assert.deepEqual(uploader.fileOptions.map((o: any) => [o.files, o.cacheControl]), [
      ["**", "public,max-age=0,s-maxage=86400,stale-while-revalidate=8640"],
      ["_astro/**", "public,max-age=31536000,immutable"],
    ]);
    assert.ok(site.url);
  });

  it("static mode: S3 only (no server function), the routing function on the default behaviour, 403/404 to the 404 page", async () => {
    const { app, stack } = deployApp();
    new AstroSite(stack, "Docs", { path: "packages/astro-static", buildCommand: "true" });
    await app.finish();
    const t = Template.fromStack(stack);
    assert.equal(Object.values<any>(t.findResources("AWS::Lambda::Function")).filter((f) => f.Properties.Description === "Server handler for Astro").length, 0);
    const b = behaviors(t);
    assert.equal(b._config.OriginGroups, undefined);
    assert.equal(b.default.FunctionAssociations.length, 1);
    assert.deepEqual(b._config.CustomErrorResponses, [
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: "/404.html" },
      { ErrorCode: 403, ResponseCode: 404, ResponsePagePath: "/404.html" },
    ]);
    assert.ok(fs.existsSync(path.join(root, "packages/astro-static/src/sst-env.d.ts")), "SST v2's types file in src/");
  });

  it("without astro-sst's build meta, the error names the site and the adapter", () => {
    const { stack } = deployApp();
    assert.throws(() => new AstroSite(stack, "Bare", { path: "packages/astro-nometa", buildCommand: "true" }), /AstroSite "Bare": could not find the build meta file .*astro-sst/);
  });
});

describe("RemixSite", () => {
  it("Vite build: SST's handler around the server build, Remix's globals injected, one static behaviour per top-level asset", async () => {
    const { app, stack } = deployApp();
    new RemixSite(stack, "Remix", { path: "packages/remix", buildCommand: "true" });
    await app.finish();
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Description: "Server handler for Remix", Handler: "packages/remix/build/server.handler" });
    const serverJs = fs.readFileSync(path.join(root, "packages/remix/build/server.js"), "utf8");
    assert.match(serverJs, /^\/\/ Import the server build[^\n]*\nimport \* as remixServerBuild from "\.\/server\/index\.js";/);
    const code = fs.readFileSync(bundled(app, "packages/remix/build/server.mjs"), "utf8");
    const installed = code.search(/__sstRemixGlobalsInstalled = .*installGlobals\)?\(\)/);
    assert.ok(installed > 0, "the polyfill survives the app's sideEffects: false");
    assert.ok(installed < code.search(/var handler = /), "globals are installed before the handler is defined");
    const b = behaviors(t);
    assert.deepEqual(Object.keys(b).filter((k) => !k.startsWith("_") && k !== "default").sort(), ["assets/*", "favicon.ico"]);
    assert.equal(b["assets/*"].FunctionAssociations.length, 1, "the URI-encoding function on static behaviours");
    const uploader = Object.values<any>(t.findResources("Custom::S3Uploader"))[0].Properties;
    assert.deepEqual(uploader.fileOptions.map((o: any) => o.files), ["**"], "Vite's assets are not versioned by folder");
  });

  it("invalidation.paths as a list invalidates those paths; cdk.server's CDK options reach the server function (a log retention, retried as SST v2 does)", async () => {
    const { app, stack } = deployApp();
    new RemixSite(stack, "Remix", { path: "packages/remix", buildCommand: "true", invalidation: { paths: ["/path1", "/path2"] }, cdk: { server: { logRetention: logs.RetentionDays.ONE_MONTH, reservedConcurrentExecutions: 3 } } });
    await app.finish();
    const t = Template.fromStack(stack);
    const [invalidator] = Object.values<any>(t.findResources("Custom::CloudFrontInvalidator"));
    assert.deepEqual(invalidator?.Properties.paths, ["/path1", "/path2"]);
    t.hasResourceProperties("Custom::LogRetention", { RetentionInDays: 30, SdkRetry: { maxRetries: 100 } });
    t.hasResourceProperties("AWS::Lambda::Function", { Description: "Server handler for Remix", ReservedConcurrentExecutions: 3 });
  });

  it("classic build: remix.config.js must keep the paths SST v2 expects", () => {
    const { stack } = deployApp();
    assert.throws(() => new RemixSite(stack, "Old", { path: "packages/remix-classic", buildCommand: "true" }), /RemixSite "Old": remix.config.js "publicPath" must be "\/build\/"/);
  });
});

describe("SvelteKitSite", () => {
  it("svelte-kit-sst's handler bundled with the prerendered pages beside it; client and prerendered files in S3; the build id is SvelteKit's version", async () => {
    const { app, stack } = deployApp();
    new SvelteKitSite(stack, "Svelte", { path: "packages/svelte", buildCommand: "true", basePath: "/docs" });
    await app.finish();
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Description: "Server handler for SvelteKit", Handler: "packages/svelte/.svelte-kit/svelte-kit-sst/server/lambda-handler/index.handler" });
    const entry = bundled(app, "packages/svelte/.svelte-kit/svelte-kit-sst/server/lambda-handler/index.mjs");
    assert.equal(fs.readFileSync(path.join(entry.slice(0, entry.indexOf("/packages/svelte/")), "prerendered", "about.html"), "utf8"), "<h1>about</h1>\n");
    const b = behaviors(t);
    assert.deepEqual(Object.keys(b).filter((k) => !k.startsWith("_") && k !== "default").sort(), ["docs/_app/*", "docs/robots.txt"]);
    const uploader = Object.values<any>(t.findResources("Custom::S3Uploader"))[0].Properties;
    assert.deepEqual(uploader.fileOptions.map((o: any) => o.files), ["**", "docs/_app/**"]);
    const invalidator = Object.values<any>(t.findResources("Custom::CloudFrontInvalidator"))[0].Properties;
    assert.equal(invalidator.version, "1712345");
    const fn = Object.values<any>(t.findResources("AWS::CloudFront::Function"))[0].Properties.FunctionCode;
    assert.match(fn, /encodeURIComponent/, "query keys holding / are encoded");
  });

  it("without svelte-kit-sst's output, the error names the site and the adapter", () => {
    const { stack } = deployApp();
    assert.throws(() => new SvelteKitSite(stack, "Bare", { path: "packages/svelte-unbuilt", buildCommand: "true" }), /SvelteKitSite "Bare": no build output .*svelte-kit-sst/);
  });
});

describe("SolidStartSite", () => {
  it("solid-start-sst's dist/server/index handler behind a function URL, dist/client in S3 with assets/ versioned", async () => {
    const { app, stack } = deployApp();
    new SolidStartSite(stack, "Solid", { path: "packages/solid", buildCommand: "true" });
    await app.finish();
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Function", { Description: "Server handler for Solid", Handler: "packages/solid/dist/server/index.handler" });
    assert.match(fs.readFileSync(bundled(app, "packages/solid/dist/server/index.mjs"), "utf8"), /["']solid["']/);
    assert.deepEqual(Object.keys(behaviors(t)).filter((k) => !k.startsWith("_") && k !== "default").sort(), ["assets/*", "favicon.ico"]);
    const uploader = Object.values<any>(t.findResources("Custom::S3Uploader"))[0].Properties;
    assert.deepEqual(uploader.fileOptions.map((o: any) => o.files), ["**", "assets/**"]);
  });
});

describe("edge: true and regional.enableServerUrlIamAuth (SST v2's Lambda@Edge forms)", () => {
  it("RemixSite at the edge: the server is a Lambda@Edge function (us-east-1 bucket, function and a version whose id hashes its parameters) on the default behaviour's origin requests, its environment put into its code", async () => {
    const { app, stack } = deployApp();
    const notes = new Table(stack, "Notes", { fields: { id: "string" }, primaryIndex: { partitionKey: "id" } });
    new RemixSite(stack, "Remix", { path: "packages/remix", buildCommand: "true", edge: true, bind: [notes], environment: { GREETING: "hi" } });
    await app.finish();
    const t = Template.fromStack(stack);
    assert.equal(Object.values<any>(t.findResources("AWS::Lambda::Function")).filter((f) => f.Properties.Description === "Server handler for Remix").length, 0, "no regional server");
    const fn = Object.values<any>(t.findResources("Custom::SSTEdgeLambda"))[0].Properties;
    assert.equal(fn.FunctionParams.Handler, "packages/remix/build/server.handler");
    assert.equal(fn.FunctionParams.Description, "Server handler");
    const versionId = Object.keys(t.findResources("Custom::SSTEdgeLambdaVersion"))[0]!;
    assert.match(versionId, /^RemixServerEdgeLambdaVersion[0-9A-F]{8}[0-9a-f]{32}$/);
    t.resourceCountIs("Custom::SSTEdgeLambdaBucket", 1);
    const replacer = Object.entries<any>(t.findResources("Custom::AssetReplacer")).find(([id]) => id.startsWith("RemixAssetReplacer"))![1].Properties;
    assert.equal(replacer.replacements[0].files, "packages/remix/build/server.mjs");
    assert.equal(replacer.replacements[0].search, '"{{ _SST_FUNCTION_ENVIRONMENT_ }}"');
    const env = JSON.stringify(replacer.replacements[0].replace);
    assert.match(env, /GREETING/);
    assert.match(env, /SST_Table_tableName_Notes/);
    const code = fs.readFileSync(bundled(app, "packages/remix/build/server.mjs", "EdgeFunction"), "utf8");
    assert.match(code, /process\.env = \{ \.\.\.process\.env, \.\.\."\{\{ _SST_FUNCTION_ENVIRONMENT_ \}\}" \};/);
    const lfa = behaviors(t).default.LambdaFunctionAssociations;
    assert.equal(lfa.length, 1);
    assert.equal(lfa[0].EventType, "origin-request");
    assert.equal(lfa[0].IncludeBody, true);
    assert.match(JSON.stringify(lfa[0].LambdaFunctionARN), new RegExp(versionId));
  });

  it("a server at the edge may take at most 30 seconds", () => {
    const { stack } = deployApp();
    assert.throws(() => new RemixSite(stack, "Slow", { path: "packages/remix", buildCommand: "true", edge: true, timeout: "60 seconds" }), /RemixSite "Slow": In the "Slow" construct, timeout must be less than or equal to 30 seconds when deploying to the edge\./);
  });

  it("enableServerUrlIamAuth: AWS_IAM function URLs, a Lambda@Edge signer allowed to invoke them on every server behaviour", async () => {
    const { app, stack } = deployApp();
    new SvelteKitSite(stack, "Svelte", { path: "packages/svelte", buildCommand: "true", regional: { enableServerUrlIamAuth: true } });
    await app.finish();
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Lambda::Url", { AuthType: "AWS_IAM" });
    const signer = Object.values<any>(t.findResources("Custom::SSTEdgeLambda"))[0].Properties.FunctionParams;
    assert.deepEqual([signer.Handler, signer.Runtime, signer.MemorySize, signer.Timeout], ["index.handler", "nodejs18.x", 128, 10]);
    assert.match(JSON.stringify(t.findResources("AWS::IAM::Policy")), /"lambda:InvokeFunctionUrl"/);
    assert.equal(behaviors(t).default.LambdaFunctionAssociations[0].EventType, "origin-request");
  });
});
