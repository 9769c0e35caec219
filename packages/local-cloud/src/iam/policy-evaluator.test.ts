import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluatePolicies, type Decision, type PolicyDocument } from "./policy-evaluator.js";
import { validatePolicyDocument } from "./policy-validation.js";
import { wildcardMatch, arnMatch } from "./wildcard.js";

const Q = "arn:aws:sqs:us-east-1:000000000000:jobs";
const doc = (...Statement: any[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

interface Case {
  name: string;
  policies: Array<PolicyDocument | string>;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  want: Decision;
}

const cases: Case[] = [
  { name: "no policies", policies: [], action: "sqs:SendMessage", resource: Q, want: "ImplicitDeny" },
  { name: "exact allow", policies: [doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: Q })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "statement as object", policies: [{ Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [Q] } }], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "JSON text policy", policies: [JSON.stringify(doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" }))], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "other action", policies: [doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: Q })], action: "sqs:ReceiveMessage", resource: Q, want: "ImplicitDeny" },
  { name: "actions case-insensitive", policies: [doc({ Effect: "Allow", Action: "SQS:sendmessage", Resource: Q })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "action wildcard *", policies: [doc({ Effect: "Allow", Action: "sqs:Send*", Resource: Q })], action: "sqs:SendMessageBatch", resource: Q, want: "Allow" },
  { name: "action wildcard ?", policies: [doc({ Effect: "Allow", Action: "s3:?etObject", Resource: "*" })], action: "s3:GetObject", resource: "arn:aws:s3:::b/k", want: "Allow" },
  { name: "? matches exactly one", policies: [doc({ Effect: "Allow", Action: "s3:?etObject", Resource: "*" })], action: "s3:GGetObject", resource: "arn:aws:s3:::b/k", want: "ImplicitDeny" },
  { name: "resources case-sensitive", policies: [doc({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:us-east-1:000000000000:Jobs" })], action: "sqs:SendMessage", resource: Q, want: "ImplicitDeny" },
  { name: "resource wildcard spans segments", policies: [doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" })], action: "s3:GetObject", resource: "arn:aws:s3:::bucket/a/b.txt", want: "Allow" },
  { name: "resource wildcard other bucket", policies: [doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" })], action: "s3:GetObject", resource: "arn:aws:s3:::bucket2/a", want: "ImplicitDeny" },
  { name: "explicit deny wins", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*" }), doc({ Effect: "Deny", Action: "sqs:DeleteQueue", Resource: "*" })], action: "sqs:DeleteQueue", resource: Q, want: "ExplicitDeny" },
  { name: "deny on other action leaves allow", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "sqs:DeleteQueue", Resource: "*" })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "NotAction allow", policies: [doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "NotAction excludes", policies: [doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" })], action: "iam:CreateRole", resource: "*", want: "ImplicitDeny" },
  { name: "NotResource", policies: [doc({ Effect: "Deny", Action: "*", NotResource: Q }), doc({ Effect: "Allow", Action: "*", Resource: "*" })], action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:000000000000:other", want: "ExplicitDeny" },
  { name: "NotResource spares listed", policies: [doc({ Effect: "Deny", Action: "*", NotResource: Q }), doc({ Effect: "Allow", Action: "*", Resource: "*" })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "StringEquals holds", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })], action: "sqs:SendMessage", resource: Q, context: { "aws:requestedregion": "us-east-1" }, want: "Allow" },
  { name: "StringEquals fails", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1", "eu-west-2"] } } })], action: "sqs:SendMessage", resource: Q, context: { "aws:RequestedRegion": "us-east-1" }, want: "ImplicitDeny" },
  { name: "StringEquals missing key", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })], action: "sqs:SendMessage", resource: Q, want: "ImplicitDeny" },
  { name: "StringEqualsIfExists missing key", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEqualsIfExists: { "aws:RequestedRegion": "us-east-1" } } })], action: "sqs:SendMessage", resource: Q, want: "Allow" },
  { name: "StringNotEquals missing key is true", policies: [doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } })], action: "sqs:SendMessage", resource: Q, want: "ExplicitDeny" },
  { name: "StringNotEquals matching value", policies: [doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } } }), doc({ Effect: "Allow", Action: "*", Resource: "*" })], action: "sqs:SendMessage", resource: Q, context: { "aws:RequestedRegion": "eu-west-1" }, want: "Allow" },
  { name: "StringLike", policies: [doc({ Effect: "Allow", Action: "ssm:GetParameters", Resource: "*", Condition: { StringLike: { "ssm:Name": "/sst/app/*" } } })], action: "ssm:GetParameters", resource: "*", context: { "ssm:Name": "/sst/app/dev/x" }, want: "Allow" },
  { name: "StringLike miss", policies: [doc({ Effect: "Allow", Action: "ssm:GetParameters", Resource: "*", Condition: { StringLike: { "ssm:Name": "/sst/app/*" } } })], action: "ssm:GetParameters", resource: "*", context: { "ssm:Name": "/other" }, want: "ImplicitDeny" },
  { name: "ArnLike per segment", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sqs:*:000000000000:*" } } })], action: "lambda:InvokeFunction", resource: "*", context: { "aws:SourceArn": Q }, want: "Allow" },
  { name: "ArnLike wrong account", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sqs:*:111111111111:*" } } })], action: "lambda:InvokeFunction", resource: "*", context: { "aws:SourceArn": Q }, want: "ImplicitDeny" },
  { name: "ArnEquals", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": Q } } })], action: "x:Y", resource: "*", context: { "aws:SourceArn": Q }, want: "Allow" },
  { name: "Bool", policies: [doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })], action: "s3:GetObject", resource: "*", context: { "aws:SecureTransport": "false" }, want: "ExplicitDeny" },
  { name: "Bool not matching", policies: [doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } })], action: "s3:GetObject", resource: "*", context: { "aws:SecureTransport": "true" }, want: "ImplicitDeny" },
  { name: "NumericLessThan", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { NumericLessThan: { "s3:max-keys": "10" } } })], action: "s3:ListBucket", resource: "*", context: { "s3:max-keys": "5" }, want: "Allow" },
  { name: "NumericLessThan fails", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { NumericLessThan: { "s3:max-keys": 10 } } })], action: "s3:ListBucket", resource: "*", context: { "s3:max-keys": "10" }, want: "ImplicitDeny" },
  { name: "NumericGreaterThanEquals", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { NumericGreaterThanEquals: { n: "10" } } })], action: "a:B", resource: "*", context: { n: "10" }, want: "Allow" },
  { name: "two operators AND", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { a: "1" }, StringLike: { b: "x*" } } })], action: "a:B", resource: "*", context: { a: "1", b: "y" }, want: "ImplicitDeny" },
  { name: "Null true (absent)", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { Null: { "aws:TokenIssueTime": "true" } } })], action: "a:B", resource: "*", want: "Allow" },
  { name: "Null false (absent)", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { Null: { "aws:TokenIssueTime": "false" } } })], action: "a:B", resource: "*", want: "ImplicitDeny" },
  { name: "ForAnyValue", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } } })], action: "a:B", resource: "*", context: { "aws:TagKeys": ["owner", "team"] }, want: "Allow" },
  { name: "ForAllValues fails", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } } })], action: "a:B", resource: "*", context: { "aws:TagKeys": ["owner", "team"] }, want: "ImplicitDeny" },
  { name: "ForAllValues absent is vacuous", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } } })], action: "a:B", resource: "*", want: "Allow" },
  { name: "IpAddress", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "127.0.0.0/8" } } })], action: "a:B", resource: "*", context: { "aws:SourceIp": "127.0.0.1" }, want: "Allow" },
  { name: "policy variable in resource", policies: [doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/${aws:username}/*" })], action: "s3:GetObject", resource: "arn:aws:s3:::b/alice/x", context: { "aws:username": "alice" }, want: "Allow" },
  { name: "unknown operator never matches", policies: [doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringWhatever: { a: "1" } } })], action: "a:B", resource: "*", context: { a: "1" }, want: "ImplicitDeny" },
  { name: "malformed JSON text ignored", policies: ["{nope"], action: "a:B", resource: "*", want: "ImplicitDeny" },
];

for (const c of cases) {
  test(`evaluate: ${c.name}`, () => {
    assert.equal(evaluatePolicies(c.policies, { action: c.action, resource: c.resource, context: c.context }), c.want);
  });
}

test("wildcardMatch and arnMatch", () => {
  assert.equal(wildcardMatch("a*c", "abbbc"), true);
  assert.equal(wildcardMatch("a.c", "abc"), false, "regex metacharacters are literal");
  assert.equal(wildcardMatch("A*", "abc"), false);
  assert.equal(wildcardMatch("A*", "abc", true), true);
  assert.equal(arnMatch("arn:aws:s3:::b*", "arn:aws:s3:::bucket", true), true);
  assert.equal(arnMatch("arn:aws:sqs:*", Q, true), false, "a wildcard does not span ARN segments");
});

const validationCases: Array<[string, string, "identity" | "trust", string | undefined]> = [
  ["valid", JSON.stringify(doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" })), "identity", undefined],
  ["bad JSON", "{", "identity", "Syntax errors in policy."],
  ["no Effect", JSON.stringify(doc({ Action: "sqs:*", Resource: "*" })), "identity", "Missing required field Effect"],
  ["bad Effect", JSON.stringify(doc({ Effect: "Allowed", Action: "sqs:*", Resource: "*" })), "identity", "Invalid effect: Allowed"],
  ["no Action", JSON.stringify(doc({ Effect: "Allow", Resource: "*" })), "identity", "Policy statement must contain actions."],
  ["no Resource", JSON.stringify(doc({ Effect: "Allow", Action: "s3:*" })), "identity", "Policy statement must contain resources."],
  ["vendor", JSON.stringify(doc({ Effect: "Allow", Action: "GetObject", Resource: "*" })), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
  ["principal in identity policy", JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" })), "identity", "Policy document should not specify a principal."],
  ["bad condition", JSON.stringify(doc({ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEq: { a: "b" } } })), "identity", "Invalid Condition type : StringEq"],
  ["trust ok", JSON.stringify(doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })), "trust", undefined],
  ["trust no principal", JSON.stringify(doc({ Effect: "Allow", Action: "sts:AssumeRole" })), "trust", "Missing required field Principal"],
];
for (const [name, text, kind, want] of validationCases) {
  test(`validate: ${name}`, () => assert.equal(validatePolicyDocument(text, kind), want));
}
