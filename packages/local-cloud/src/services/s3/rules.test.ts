/** Pure S3 rules: bucket names, preconditions, ranges, CORS matching, bucket policies, checksums. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../server/aws-error.js";
import { bucketNameProblem } from "./names.js";
import { checkPreconditions, resolveRange } from "./conditions.js";
import { findCorsRule, validateCorsConfiguration } from "./cors.js";
import { evaluateBucketPolicy } from "./policy.js";
import { computeChecksum } from "./checksums.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return `${e.code}/${e.status}`;
    throw e;
  }
  return "ok";
};

describe("S3 rules", () => {
  it("validates bucket names", () => {
    for (const ok of ["abc", "my-bucket.assets", "a".repeat(63), "dev-my-app-uploads-1a2b3c"]) assert.equal(bucketNameProblem(ok), undefined, ok);
    for (const bad of ["ab", "a".repeat(64), "UPPER", "under_score", "-dash", "dash-", "a..b", "10.0.0.1", "xn--abc", "x-s3alias"]) {
      assert.ok(bucketNameProblem(bad), bad);
    }
  });

  it("applies preconditions in RFC 7232 order", () => {
    const etag = "abc";
    const modified = Date.parse("2024-01-02T00:00:00Z");
    const before = "Mon, 01 Jan 2024 00:00:00 GMT";
    const after = "Wed, 03 Jan 2024 00:00:00 GMT";
    assert.equal(code(() => checkPreconditions({ IfMatch: '"abc"' }, etag, modified)), "ok");
    assert.equal(code(() => checkPreconditions({ IfMatch: '"zzz", "abc"' }, etag, modified)), "ok");
    assert.equal(code(() => checkPreconditions({ IfMatch: '"zzz"' }, etag, modified)), "PreconditionFailed/412");
    // If-Match true wins over a failing If-Unmodified-Since.
    assert.equal(code(() => checkPreconditions({ IfMatch: "*", IfUnmodifiedSince: before }, etag, modified)), "ok");
    assert.equal(code(() => checkPreconditions({ IfUnmodifiedSince: before }, etag, modified)), "PreconditionFailed/412");
    assert.equal(code(() => checkPreconditions({ IfNoneMatch: '"abc"' }, etag, modified)), "NotModified/304");
    // If-None-Match false (matches) wins over If-Modified-Since true.
    assert.equal(code(() => checkPreconditions({ IfNoneMatch: '"abc"', IfModifiedSince: before }, etag, modified)), "NotModified/304");
    assert.equal(code(() => checkPreconditions({ IfNoneMatch: '"other"', IfModifiedSince: after }, etag, modified)), "ok");
    assert.equal(code(() => checkPreconditions({ IfModifiedSince: after }, etag, modified)), "NotModified/304");
    assert.equal(code(() => checkPreconditions({ IfModifiedSince: "not a date" }, etag, modified)), "ok");
  });

  it("resolves byte ranges", () => {
    assert.deepEqual(resolveRange("bytes=0-0", 10), { start: 0, end: 0 });
    assert.deepEqual(resolveRange("bytes=5-100", 10), { start: 5, end: 9 });
    assert.deepEqual(resolveRange("bytes=-3", 10), { start: 7, end: 9 });
    assert.deepEqual(resolveRange("bytes=-30", 10), { start: 0, end: 9 });
    assert.equal(resolveRange("bytes=0-1,4-5", 10), undefined, "multiple ranges: whole object");
    assert.equal(resolveRange("items=0-1", 10), undefined);
    assert.equal(resolveRange("bytes=5-2", 10), undefined);
    assert.equal(code(() => resolveRange("bytes=10-", 10)), "InvalidRange/416");
    assert.equal(code(() => resolveRange("bytes=0-", 0)), "InvalidRange/416");
  });

  it("matches CORS rules by origin, method and requested headers", () => {
    const config = validateCorsConfiguration({
      CORSRules: [
        { AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["PUT"], AllowedHeaders: ["content-type", "x-amz-*"] },
        { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
      ],
    });
    assert.ok(findCorsRule(config, "https://app.example.com", "PUT", ["content-type", "x-amz-meta-a"]));
    assert.equal(findCorsRule(config, "https://app.example.com", "PUT", ["authorization"]), undefined);
    assert.equal(findCorsRule(config, "https://example.org", "PUT"), undefined);
    assert.ok(findCorsRule(config, "http://anything", "GET"));
    assert.equal(findCorsRule(config, "http://anything", "GET", ["x-custom"]), undefined);
    assert.equal(code(() => validateCorsConfiguration({ CORSRules: [] })), "MalformedXML/400");
    assert.equal(code(() => validateCorsConfiguration({ CORSRules: [{ AllowedOrigins: ["*.*.x"], AllowedMethods: ["GET"] }] })), "InvalidRequest/400");
  });

  it("evaluates bucket policies: explicit deny, allow, conditions, principals", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/public/*" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:role/writer" }, Action: ["s3:Put*"], Resource: "arn:aws:s3:::b/*" },
        { Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: "arn:aws:s3:::b/public/secret*" },
        { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", Condition: { StringLike: { "s3:prefix": "public/*" } } },
      ],
    };
    const anon = (action: string, resource: string, context: Record<string, string> = {}) =>
      evaluateBucketPolicy(policy, { action, resource, context });
    assert.equal(anon("s3:GetObject", "arn:aws:s3:::b/public/a"), "Allow");
    assert.equal(anon("s3:getobject", "arn:aws:s3:::b/public/a"), "Allow", "actions are case-insensitive");
    assert.equal(anon("s3:GetObject", "arn:aws:s3:::b/private/a"), "None");
    assert.equal(anon("s3:GetObject", "arn:aws:s3:::b/public/secret.txt"), "Deny");
    assert.equal(anon("s3:PutObject", "arn:aws:s3:::b/x"), "None", "named principals never match anonymous callers");
    assert.equal(anon("s3:ListBucket", "arn:aws:s3:::b"), "None", "condition key missing");
    assert.equal(anon("s3:ListBucket", "arn:aws:s3:::b", { "s3:prefix": "public/x" }), "Allow");
    const writer = evaluateBucketPolicy(policy, {
      principalArn: "arn:aws:sts::000000000000:assumed-role/writer/s",
      roleArn: "arn:aws:iam::000000000000:role/writer",
      action: "s3:PutObject",
      resource: "arn:aws:s3:::b/k",
      context: {},
    });
    assert.equal(writer, "Allow");
  });

  it("computes the standard check values of each checksum", () => {
    const digits = Buffer.from("123456789");
    assert.equal(Buffer.from(computeChecksum("CRC32", digits), "base64").toString("hex"), "cbf43926");
    assert.equal(Buffer.from(computeChecksum("CRC32C", digits), "base64").toString("hex"), "e3069283");
    assert.equal(Buffer.from(computeChecksum("CRC64NVME", digits), "base64").toString("hex"), "ae8b14860a799888");
    assert.equal(computeChecksum("CRC32", Buffer.alloc(0)), "AAAAAA==");
  });
});
