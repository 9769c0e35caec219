/**
 * The local edge end to end: a distribution written with aws-cdk-lib's CloudFront
 * constructs (S3 origin with an origin access identity, a function URL origin, an
 * origin group, a CloudFront Function, cache and response headers policies, custom
 * error responses) deployed through the CloudFormation engine, then requested over
 * HTTP on its `{id}.cloudfront.localhost` name.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import * as cdk from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { CloudFrontClient, CreateInvalidationCommand, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { startTestCloud, type TestCloud } from "../../testing.js";

process.env.CDK_VALIDATION = "false";

const SERVER = `exports.handler = async (event) => ({
  statusCode: event.rawPath === "/api/missing" ? 404 : 200,
  headers: { "content-type": "application/json", "cache-control": event.rawPath === "/api/cached" ? "s-maxage=60" : "no-store" },
  body: JSON.stringify({ path: event.rawPath, query: event.rawQueryString, host: event.headers.host, forwardedHost: event.headers["x-forwarded-host"] || null, origin: event.headers.origin || null, referer: event.headers.referer || null, n: Date.now() + Math.random() }),
});`;

const VIEWER_REQUEST = `function handler(event) {
  var request = event.request;
  if (request.uri === "/blocked") return { statusCode: 401, statusDescription: "Unauthorized", headers: { "x-why": { value: "blocked" } } };
  request.headers["x-forwarded-host"] = request.headers.host;
  var crypto = require("crypto");
  request.headers["x-key"] = { value: crypto.createHash("md5").update(request.uri).digest("hex") };
  if (request.uri.endsWith("/")) request.uri += "index.html";
  else if (request.uri.indexOf("/api/") !== 0 && request.uri.split("/").pop().indexOf(".") < 0) request.uri += ".html";
  return request;
}`;

// A Lambda@Edge origin-request function: answers by itself, or changes what the origin gets.
const EDGE = `exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (request.uri === "/edge/answer") {
    return { status: "200", headers: { "content-type": [{ key: "Content-Type", value: "text/plain" }] }, body: "answered at the edge for " + request.origin.custom.domainName + " body=" + Buffer.from(request.body ? request.body.data : "", "base64").toString() };
  }
  request.uri = "/api/from-edge";
  request.querystring = request.querystring ? request.querystring + "&edge=1" : "edge=1";
  request.headers["x-forwarded-host"] = [{ key: "X-Forwarded-Host", value: "changed.by.edge" }];
  return request;
};`;

function synth(): unknown {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, "Cdn", { env: { account: "000000000000", region: "us-east-1" }, synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
  const bucket = new s3.Bucket(stack, "Site", { bucketName: "cdn-site-bucket" });
  const fn = new lambda.Function(stack, "Server", { runtime: lambda.Runtime.NODEJS_20_X, handler: "index.handler", code: lambda.Code.fromInline(SERVER) });
  const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  const s3Origin = new origins.S3Origin(bucket);
  const serverOrigin = new origins.HttpOrigin(cdk.Fn.parseDomainName(url.url));
  const edge = new lambda.Function(stack, "Edge", { runtime: lambda.Runtime.NODEJS_20_X, handler: "index.handler", code: lambda.Code.fromInline(EDGE) });
  const viewerRequest = new cloudfront.Function(stack, "ViewerRequest", { code: cloudfront.FunctionCode.fromInline(VIEWER_REQUEST) });
  const serverCache = new cloudfront.CachePolicy(stack, "ServerCache", {
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList("x-key"),
    defaultTtl: cdk.Duration.days(0), maxTtl: cdk.Duration.days(365), minTtl: cdk.Duration.days(0),
  });
  const headers = new cloudfront.ResponseHeadersPolicy(stack, "Headers", {
    customHeadersBehavior: { customHeaders: [{ header: "x-site", value: "local", override: true }] },
    securityHeadersBehavior: { contentTypeOptions: { override: true } },
    removeHeaders: ["server"],
  });
  const distribution = new cloudfront.Distribution(stack, "Dist", {
    defaultRootObject: "index.html",
    defaultBehavior: {
      origin: new origins.OriginGroup({ primaryOrigin: s3Origin, fallbackOrigin: serverOrigin, fallbackStatusCodes: [403, 404] }),
      functionAssociations: [{ function: viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      responseHeadersPolicy: headers,
    },
    additionalBehaviors: {
      "/api/*": {
        origin: serverOrigin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: serverCache,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      "/assets/*": { origin: s3Origin, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED },
      "/edge/*": {
        origin: serverOrigin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        edgeLambdas: [{ eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, includeBody: true, functionVersion: edge.currentVersion }],
      },
    },
    errorResponses: [{ httpStatus: 404, responseHttpStatus: 200, responsePagePath: "/index.html" }],
  });
  new cdk.CfnOutput(stack, "DomainName", { value: distribution.distributionDomainName });
  new cdk.CfnOutput(stack, "DistributionId", { value: distribution.distributionId });
  return app.synth().getStackByName("Cdn").template;
}

interface Got { status: number; headers: http.IncomingHttpHeaders; body: string }

function get(port: number, host: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}, body?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: { host, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the local CDN", () => {
  let tc: TestCloud;
  let domain: string;
  let id: string;
  const fetchCdn = (path: string, opts?: { method?: string; headers?: Record<string, string> }, body?: string) => get(tc.cloud.port, domain, path, opts, body);

  before(async () => {
    tc = await startTestCloud();
    const cfn = tc.cloud.cloudformation;
    await cfn.call("CreateStack", { StackName: "Cdn", TemplateBody: JSON.stringify(synth()), Capabilities: ["CAPABILITY_IAM"] });
    const stack = (await cfn.call("DescribeStacks", { StackName: "Cdn" })).Stacks[0];
    if (stack.StackStatus !== "CREATE_COMPLETE") {
      const events = (await cfn.call("DescribeStackEvents", { StackName: "Cdn" })).StackEvents.filter((e: any) => e.ResourceStatus.endsWith("FAILED"));
      assert.fail(`${stack.StackStatus}: ${events.map((e: any) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join("; ")}`);
    }
    const outputs = Object.fromEntries(stack.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
    domain = outputs.DomainName;
    id = outputs.DistributionId;
    const s3c = new S3Client(tc.clientConfig);
    const put = (Key: string, Body: string, ContentType: string, CacheControl?: string) =>
      s3c.send(new PutObjectCommand({ Bucket: "cdn-site-bucket", Key, Body, ContentType, CacheControl }));
    await put("index.html", "<h1>home</h1>", "text/html");
    await put("about.html", "<h1>about</h1>", "text/html");
    await put("docs/index.html", "<h1>docs</h1>", "text/html");
    await put("assets/app.js", "console.log(1)", "application/javascript", "public,max-age=31536000,immutable");
    s3c.destroy();
  });
  after(() => tc.stop());

  test("answers on {id}.cloudfront.localhost:{port}, the DomainName CloudFormation returns", async () => {
    assert.equal(domain, `${id.toLowerCase()}.cloudfront.localhost:${tc.cloud.port}`);
    const cf = new CloudFrontClient(tc.clientConfig);
    const d = await cf.send(new GetDistributionCommand({ Id: id }));
    cf.destroy();
    assert.equal(d.Distribution!.DomainName, domain);
    assert.ok(d.Distribution!.DistributionConfig!.Origins!.Quantity! >= 2);
  assert.equal(d.Distribution!.DistributionConfig!.OriginGroups!.Quantity, 1);
    assert.equal(d.Distribution!.DistributionConfig!.CacheBehaviors!.Items![0]!.PathPattern, "/api/*");
  });

  test("S3 origin: default root object, the viewer-request function's rewrites, headers policy", async () => {
    const home = await fetchCdn("/");
    assert.equal(home.status, 200);
    assert.equal(home.body, "<h1>home</h1>");
    assert.equal(home.headers["content-type"], "text/html");
    assert.equal(home.headers["x-site"], "local");
    assert.equal(home.headers["x-content-type-options"], "nosniff");
    assert.equal(home.headers.server, undefined, "removed by the response headers policy");
    assert.equal((await fetchCdn("/about")).body, "<h1>about</h1>", "the function appends .html");
    assert.equal((await fetchCdn("/docs/")).body, "<h1>docs</h1>", "the function appends index.html");
    const asset = await fetchCdn("/assets/app.js");
    assert.equal(asset.body, "console.log(1)");
    assert.equal(asset.headers["cache-control"], "public,max-age=31536000,immutable");
  });

  test("a function can answer by itself", async () => {
    const blocked = await fetchCdn("/blocked");
    assert.equal(blocked.status, 401);
    assert.equal(blocked.headers["x-why"], "blocked");
  });

  test("origin group: a key S3 does not have fails over (403) to the function URL origin", async () => {
    const res = await fetchCdn("/nothing-here.txt?x=1");
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body);
    assert.equal(body.path, "/nothing-here.txt");
  });

  test("function URL origin: path, query and viewer headers forwarded; Host replaced, X-Forwarded-Host from the function", async () => {
    const res = await fetchCdn("/api/items?b=2&a=1", { headers: { "x-custom": "yes" } });
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body);
    assert.equal(body.path, "/api/items");
    assert.equal(body.query, "b=2&a=1");
    assert.equal(body.host, `127.0.0.1:${tc.cloud.port}`, "AllViewerExceptHostHeader: the origin's own host");
    assert.equal(body.forwardedHost, domain);
    assert.equal(res.headers["x-site"], undefined, "the /api/* behaviour has no response headers policy");
  });

  test("the origin sees the viewer's page as over TLS (the local edge is plain HTTP where CloudFront speaks HTTPS); other origins untouched", async () => {
    const own = JSON.parse((await fetchCdn("/api/form", { method: "POST", headers: { origin: `http://${domain}`, referer: `http://${domain}/form?x=1` } })).body);
    assert.equal(own.origin, `https://${domain}`);
    assert.equal(own.referer, `https://${domain}/form?x=1`);
    const other = JSON.parse((await fetchCdn("/api/form", { method: "POST", headers: { origin: "http://evil.localhost", referer: `http://${domain}.evil.localhost/` } })).body);
    assert.equal(other.origin, "http://evil.localhost");
    assert.equal(other.referer, `http://${domain}.evil.localhost/`);
  });

  test("Lambda@Edge on origin requests: the published version runs with the request as the origin would get it (body included); it answers by itself or changes the request", async () => {
    const answered = await fetchCdn("/edge/answer", { method: "POST", headers: { "content-type": "text/plain", "content-length": "5" } }, "hello");
    assert.equal(answered.status, 200);
    assert.equal(answered.body, `answered at the edge for 127.0.0.1:${tc.cloud.port} body=hello`);
    const changed = await fetchCdn("/edge/anything?a=1");
    assert.equal(changed.status, 200);
    const body = JSON.parse(changed.body);
    assert.equal(body.path, "/api/from-edge");
    assert.equal(body.query, "a=1&edge=1");
    assert.equal(body.forwardedHost, "changed.by.edge");
  });

  test("cache: s-maxage responses are kept until an invalidation; no-store ones are not", async () => {
    const a = JSON.parse((await fetchCdn("/api/cached")).body).n;
    const hit = await fetchCdn("/api/cached");
    assert.equal(JSON.parse(hit.body).n, a);
    assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
    assert.notEqual(JSON.parse((await fetchCdn("/api/cached?v=2")).body).n, a, "the query string is part of the cache key");
    const u1 = JSON.parse((await fetchCdn("/api/uncached")).body).n;
    assert.notEqual(JSON.parse((await fetchCdn("/api/uncached")).body).n, u1);

    const cf = new CloudFrontClient(tc.clientConfig);
    const inv = await cf.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "one", Paths: { Quantity: 1, Items: ["/api/*"] } } }));
    cf.destroy();
    assert.equal(inv.Invalidation!.Status, "Completed");
    assert.notEqual(JSON.parse((await fetchCdn("/api/cached")).body).n, a, "invalidated");
  });

  test("custom error response: a 404 from the origin becomes /index.html with status 200", async () => {
    const res = await fetchCdn("/api/missing");
    assert.equal(res.status, 200);
    assert.equal(res.body, "<h1>home</h1>");
  });

  test("methods the behaviour does not allow are refused", async () => {
    assert.equal((await fetchCdn("/index.html", { method: "POST" })).status, 403);
    assert.equal((await fetchCdn("/api/items", { method: "POST" })).status, 200);
  });

  test("an unknown distribution id answers 404", async () => {
    assert.equal((await get(tc.cloud.port, `eaaaaaaaaaaaaa.cloudfront.localhost:${tc.cloud.port}`, "/")).status, 404);
  });
});
