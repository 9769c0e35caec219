/**
 * CloudFront's management API through the AWS SDK v3 client (REST-XML on the wire):
 * distributions with ETag / If-Match, "disable before delete", invalidations,
 * CloudFront Functions (stages, publish, TestFunction in the sandbox), policies
 * (managed ones listed, in-use ones kept), and AWS's error codes.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CloudFrontClient, CreateDistributionCommand, GetDistributionConfigCommand, UpdateDistributionCommand, DeleteDistributionCommand,
  ListDistributionsCommand, CreateInvalidationCommand, GetInvalidationCommand, ListInvalidationsCommand, CreateFunctionCommand,
  PublishFunctionCommand, DescribeFunctionCommand, TestFunctionCommand, GetFunctionCommand, ListCachePoliciesCommand, CreateCachePolicyCommand,
  DeleteCachePolicyCommand, GetCachePolicyCommand, CreateCloudFrontOriginAccessIdentityCommand, type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { startTestCloud, type TestCloud } from "../../testing.js";

const rejectsWith = (p: Promise<unknown>, name: string, status: number) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });

function config(ref: string, over: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "test",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "bucket.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    ...over,
  };
}

describe("CloudFront API through the SDK", () => {
  let tc: TestCloud;
  let cf: CloudFrontClient;
  before(async () => {
    tc = await startTestCloud();
    cf = new CloudFrontClient(tc.clientConfig);
  });
  after(async () => {
    cf.destroy();
    await tc.stop();
  });

  test("distributions: create, update with If-Match, disable before delete", async () => {
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config("a") }));
    const id = created.Distribution!.Id!;
    assert.match(id, /^E[A-Z0-9]{13}$/);
    assert.equal(created.Distribution!.DomainName, `${id.toLowerCase()}.cloudfront.localhost:${tc.cloud.port}`);
    assert.ok(created.ETag);
    assert.equal(created.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${id}`);
    await rejectsWith(cf.send(new CreateDistributionCommand({ DistributionConfig: config("a") })), "DistributionAlreadyExists", 409);
    await rejectsWith(
      cf.send(new CreateDistributionCommand({ DistributionConfig: config("b", { DefaultCacheBehavior: { TargetOriginId: "nope", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" } }) })),
      "NoSuchOrigin", 404);
    await rejectsWith(cf.send(new CreateDistributionCommand({ DistributionConfig: config("c", { Origins: { Quantity: 2, Items: config("c").Origins!.Items } }) })), "InvalidArgument", 400);

    const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(got.DistributionConfig!.DefaultCacheBehavior!.TargetOriginId, "s3");
    assert.equal(got.DistributionConfig!.Enabled, true);
    await rejectsWith(cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: "wrong", DistributionConfig: got.DistributionConfig })), "PreconditionFailed", 412);
    await rejectsWith(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: got.ETag })), "DistributionNotDisabled", 409);
    const disabled = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: { ...got.DistributionConfig!, Enabled: false } }));
    assert.notEqual(disabled.ETag, got.ETag);
    assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Items!.length, 1);
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
    await rejectsWith(cf.send(new GetDistributionConfigCommand({ Id: id })), "NoSuchDistribution", 404);
  });

  test("invalidations: created complete, idempotent by caller reference, listed", async () => {
    const id = (await cf.send(new CreateDistributionCommand({ DistributionConfig: config("inv") }))).Distribution!.Id!;
    const batch = { CallerReference: "r1", Paths: { Quantity: 2, Items: ["/*", "/index.html"] } };
    const inv = await cf.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: batch }));
    assert.equal(inv.Invalidation!.Status, "Completed");
    assert.deepEqual(inv.Invalidation!.InvalidationBatch!.Paths!.Items, ["/*", "/index.html"]);
    const again = await cf.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: batch }));
    assert.equal(again.Invalidation!.Id, inv.Invalidation!.Id);
    assert.equal((await cf.send(new GetInvalidationCommand({ DistributionId: id, Id: inv.Invalidation!.Id }))).Invalidation!.Status, "Completed");
    assert.equal((await cf.send(new ListInvalidationsCommand({ DistributionId: id }))).InvalidationList!.Quantity, 1);
    await rejectsWith(cf.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "r2", Paths: { Quantity: 1, Items: ["no-slash"] } } })), "InvalidArgument", 400);
    await rejectsWith(cf.send(new CreateInvalidationCommand({ DistributionId: "EMISSING000000", InvalidationBatch: batch })), "NoSuchDistribution", 404);
  });

  test("functions: DEVELOPMENT and LIVE stages, TestFunction runs the code in a sandbox without host access", async () => {
    const code = `function handler(event) {
      var r = event.request;
      r.headers["x-probe"] = { value: [typeof process, typeof globalThis.fetch, typeof setTimeout].join(",") };
      try { require("fs"); } catch (e) { r.headers["x-fs"] = { value: e.message }; }
      r.headers["x-hash"] = { value: require("crypto").createHash("sha256").update("abc").digest("hex") };
      return r;
    }`;
    const created = await cf.send(new CreateFunctionCommand({ Name: "probe", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: Buffer.from(code) }));
    assert.equal(created.FunctionSummary!.Status, "UNPUBLISHED");
    await rejectsWith(cf.send(new DescribeFunctionCommand({ Name: "probe", Stage: "LIVE" })), "NoSuchFunctionExists", 404);
    const published = await cf.send(new PublishFunctionCommand({ Name: "probe", IfMatch: created.ETag }));
    assert.equal(published.FunctionSummary!.FunctionMetadata!.Stage, "LIVE");
    const fetched = await cf.send(new GetFunctionCommand({ Name: "probe", Stage: "LIVE" }));
    assert.equal(Buffer.from(fetched.FunctionCode!).toString(), code);
    const live = await cf.send(new DescribeFunctionCommand({ Name: "probe", Stage: "LIVE" }));
    const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "1.2.3.4" }, request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {} } };
    const result = await cf.send(new TestFunctionCommand({ Name: "probe", IfMatch: live.ETag, Stage: "LIVE", EventObject: Buffer.from(JSON.stringify(event)) }));
    const out = JSON.parse(result.TestResult!.FunctionOutput!);
    assert.equal(out.headers["x-probe"].value, "undefined,undefined,undefined");
    assert.match(out.headers["x-fs"].value, /Cannot find module 'fs'/);
    assert.equal(out.headers["x-hash"].value, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    await cf.send(new CreateFunctionCommand({ Name: "loop", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-1.0" }, FunctionCode: Buffer.from("function handler(e){ while(true){} }") }));
    const loop = await cf.send(new DescribeFunctionCommand({ Name: "loop" }));
    const stuck = await cf.send(new TestFunctionCommand({ Name: "loop", IfMatch: loop.ETag, EventObject: Buffer.from(JSON.stringify(event)) }));
    assert.match(stuck.TestResult!.FunctionErrorMessage!, /interrupted/i, "a runaway function is stopped");
  });

  test("cache policies: managed ones listed and readable; a custom one in use cannot be deleted", async () => {
    const managed = await cf.send(new ListCachePoliciesCommand({ Type: "managed" }));
    assert.ok(managed.CachePolicyList!.Items!.some((i) => i.CachePolicy!.CachePolicyConfig!.Name === "Managed-CachingOptimized"));
    const custom = await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: { Name: "mine", MinTTL: 0, DefaultTTL: 10, MaxTTL: 100, ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false, HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Quantity: 1, Items: ["x-a"] } }, CookiesConfig: { CookieBehavior: "none" }, QueryStringsConfig: { QueryStringBehavior: "all" } } } }));
    const policyId = custom.CachePolicy!.Id!;
    const got = await cf.send(new GetCachePolicyCommand({ Id: policyId }));
    assert.deepEqual(got.CachePolicy!.CachePolicyConfig!.ParametersInCacheKeyAndForwardedToOrigin!.HeadersConfig!.Headers!.Items, ["x-a"]);
    await cf.send(new CreateDistributionCommand({ DistributionConfig: config("uses-policy", { DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: policyId } }) }));
    await rejectsWith(cf.send(new DeleteCachePolicyCommand({ Id: policyId, IfMatch: got.ETag })), "CachePolicyInUse", 409);
    await rejectsWith(cf.send(new GetCachePolicyCommand({ Id: "00000000-0000-0000-0000-000000000000" })), "NoSuchCachePolicy", 404);
  });

  test("origin access identities get an S3 canonical user id", async () => {
    const oai = await cf.send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "x", Comment: "c" } }));
    assert.match(oai.CloudFrontOriginAccessIdentity!.S3CanonicalUserId!, /^[0-9a-f]{96}$/);
  });
});
