/**
 * CloudFront through the AWS CLI v2 (a second real client of the REST-XML wire):
 * a CloudFront Function created, published and tested, a distribution created from a
 * JSON config, listed, invalidated. Skipped, saying so, without the CLI.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { awsCli, type AwsCli, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let aws: AwsCli | undefined;
let dir: string;
before(async () => {
  tc = await startTestCloud();
  aws = awsCli(tc.cloud.endpoint);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cf-cli-"));
  if (!aws) console.log("# cloudfront cli.test.ts: skipped, no AWS CLI installed");
});
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await tc.stop();
});

test("functions and distributions through the AWS CLI", { skip: !awsCli("http://x") }, async () => {
  const code = path.join(dir, "fn.js");
  fs.writeFileSync(code, "function handler(event) { var r = event.request; r.uri = r.uri + 'index.html'; return r; }");
  const created = await aws!("cloudfront", "create-function", "--name", "rewrite", "--function-config", "Comment=x,Runtime=cloudfront-js-2.0", "--function-code", `fileb://${code}`);
  assert.equal(created.FunctionSummary.Status, "UNPUBLISHED");
  const published = await aws!("cloudfront", "publish-function", "--name", "rewrite", "--if-match", created.ETag);
  assert.equal(published.FunctionSummary.FunctionMetadata.Stage, "LIVE");
  const event = path.join(dir, "event.json");
  fs.writeFileSync(event, JSON.stringify({ version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "1.2.3.4" }, request: { method: "GET", uri: "/docs/", querystring: {}, headers: {}, cookies: {} } }));
  const live = await aws!("cloudfront", "describe-function", "--name", "rewrite", "--stage", "LIVE");
  const tested = await aws!("cloudfront", "test-function", "--name", "rewrite", "--if-match", live.ETag, "--stage", "LIVE", "--event-object", `fileb://${event}`);
  assert.equal(JSON.parse(tested.TestResult.FunctionOutput).uri, "/docs/index.html");

  const config = path.join(dir, "dist.json");
  fs.writeFileSync(config, JSON.stringify({
    CallerReference: "cli-1", Comment: "from the CLI", Enabled: true, DefaultRootObject: "index.html",
    Origins: { Quantity: 1, Items: [{ Id: "site", DomainName: "site.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "site", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: published.FunctionSummary.FunctionMetadata.FunctionARN }] },
    },
  }));
  const dist = await aws!("cloudfront", "create-distribution", "--distribution-config", `file://${config}`);
  const id = dist.Distribution.Id;
  assert.equal(dist.Distribution.DomainName, `${id.toLowerCase()}.cloudfront.localhost:${tc.cloud.port}`);
  const list = await aws!("cloudfront", "list-distributions");
  assert.deepEqual(list.DistributionList.Items.map((d: any) => d.Id), [id]);
  const inv = await aws!("cloudfront", "create-invalidation", "--distribution-id", id, "--paths", "/*", "/index.html");
  assert.equal(inv.Invalidation.Status, "Completed");
  assert.deepEqual(inv.Invalidation.InvalidationBatch.Paths.Items, ["/*", "/index.html"]);
  await assert.rejects(aws!("cloudfront", "get-distribution", "--id", "ENOSUCH0000000"), /NoSuchDistribution/);
});
