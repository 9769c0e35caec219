import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve, collectReferences, NO_VALUE, type ResolveScope } from "./intrinsics.js";
import { createScope } from "./scope.js";
import { parseTemplate, type Template } from "./template.js";

function scopeFor(template: Partial<Template>, params: Record<string, unknown> = {}, exportsMap: Record<string, string> = {}) {
  const t = { Resources: { Res: { Type: "X" } }, ...template } as Template;
  return createScope({
    template: t, stackName: "my-stack", stackId: "arn:aws:cloudformation:us-east-1:000000000000:stack/my-stack/abc",
    region: "us-east-1", accountId: "000000000000", parameters: params,
    resources: () => ({ Res: { logicalId: "Res", type: "X", physicalId: "res-123", properties: {}, attributes: { Arn: "arn:res", "Endpoint.Address": "h" }, status: "", timestamp: "", dependsOn: [] } }),
    findExport: (n) => exportsMap[n],
  });
}

test("Ref resolves pseudo parameters, parameters and resources", () => {
  const s = scopeFor({}, { Env: "dev" });
  assert.equal(resolve({ Ref: "AWS::AccountId" }, s), "000000000000");
  assert.equal(resolve({ Ref: "AWS::Region" }, s), "us-east-1");
  assert.equal(resolve({ Ref: "AWS::Partition" }, s), "aws");
  assert.equal(resolve({ Ref: "AWS::URLSuffix" }, s), "amazonaws.com");
  assert.equal(resolve({ Ref: "AWS::StackName" }, s), "my-stack");
  assert.deepEqual(resolve({ Ref: "AWS::NotificationARNs" }, s), []);
  assert.equal(resolve({ Ref: "Env" }, s), "dev");
  assert.equal(resolve({ Ref: "Res" }, s), "res-123");
  assert.throws(() => resolve({ Ref: "Nope" }, s), /Unresolved resource dependencies \[Nope\]/);
});

test("Fn::GetAtt both forms, and unknown attributes", () => {
  const s = scopeFor({});
  assert.equal(resolve({ "Fn::GetAtt": ["Res", "Arn"] }, s), "arn:res");
  assert.equal(resolve({ "Fn::GetAtt": "Res.Arn" }, s), "arn:res");
  assert.equal(resolve({ "Fn::GetAtt": "Res.Endpoint.Address" }, s), "h");
  assert.throws(() => resolve({ "Fn::GetAtt": ["Res", "Bogus"] }, s), /does not support attribute type Bogus/);
});

test("Fn::Join, Fn::Select, Fn::Split, Fn::Base64, Fn::GetAZs, Fn::Length", () => {
  const s = scopeFor({});
  assert.equal(resolve({ "Fn::Join": [":", ["a", { Ref: "Res" }, "c"]] }, s), "a:res-123:c");
  assert.equal(resolve({ "Fn::Select": ["1", { "Fn::Split": [",", "x,y,z"] }] }, s), "y");
  assert.throws(() => resolve({ "Fn::Select": [5, ["a"]] }, s), /nonexistent value at index 5/);
  assert.equal(resolve({ "Fn::Base64": "hello" }, s), "aGVsbG8=");
  assert.deepEqual(resolve({ "Fn::GetAZs": "" }, s), ["us-east-1a", "us-east-1b", "us-east-1c"]);
  assert.equal(resolve({ "Fn::Length": [1, 2, 3] }, s), 3);
});

test("Fn::Sub string and map forms with literals", () => {
  const s = scopeFor({}, { Env: "dev" });
  assert.equal(resolve({ "Fn::Sub": "arn:${AWS::Partition}:s3:::${Res}/${Env}/${!Literal}" }, s), "arn:aws:s3:::res-123/dev/${Literal}");
  assert.equal(resolve({ "Fn::Sub": "${Res.Arn}" }, s), "arn:res");
  assert.equal(resolve({ "Fn::Sub": ["${A}-${Env}", { A: { Ref: "Res" } }] }, s), "res-123-dev");
});

test("conditions, Fn::If and AWS::NoValue", () => {
  const s = scopeFor({
    Conditions: {
      IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] },
      NotProd: { "Fn::Not": [{ Condition: "IsProd" }] },
      Both: { "Fn::And": [{ Condition: "NotProd" }, { "Fn::Or": [{ "Fn::Equals": ["a", "a"] }, { Condition: "IsProd" }] }] },
    },
  }, { Env: "dev" });
  assert.equal(s.condition("IsProd"), false);
  assert.equal(s.condition("NotProd"), true);
  assert.equal(s.condition("Both"), true);
  assert.deepEqual(resolve({ A: { "Fn::If": ["IsProd", "big", { Ref: "AWS::NoValue" }] }, B: [1, { "Fn::If": ["IsProd", 2, { Ref: "AWS::NoValue" }] }] }, s), { B: [1] });
  assert.equal(resolve({ Ref: "AWS::NoValue" }, s), NO_VALUE);
});

test("Fn::FindInMap and Fn::ImportValue", () => {
  const s = scopeFor({ Mappings: { Sizes: { dev: { Mem: 128 } } } }, {}, { SharedVpc: "vpc-1" });
  assert.equal(resolve({ "Fn::FindInMap": ["Sizes", "dev", "Mem"] }, s), 128);
  assert.throws(() => resolve({ "Fn::FindInMap": ["Sizes", "prod", "Mem"] }, s), /Unable to get mapping for Sizes::prod::Mem/);
  assert.equal(resolve({ "Fn::ImportValue": "SharedVpc" }, s), "vpc-1");
  assert.throws(() => resolve({ "Fn::ImportValue": "Missing" }, s), /No export named Missing found/);
});

test("collectReferences finds Ref, GetAtt and Sub dependencies, following the taken Fn::If branch", () => {
  const isRes = (n: string) => ["A", "B", "C", "D"].includes(n);
  const refs = collectReferences({
    x: { Ref: "A" }, y: { "Fn::GetAtt": "B.Arn" }, z: { "Fn::Sub": "${C}-${AWS::Region}-${Param}-${!D}" },
    w: { "Fn::If": ["Cond", { Ref: "D" }, "none"] }, p: { Ref: "Param" },
  }, isRes, () => false);
  assert.deepEqual([...refs].sort(), ["A", "B", "C"]);
});

test("YAML templates with short-form tags", () => {
  const t = parseTemplate("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-q'\n      Other: !GetAtt Res.Arn\n");
  assert.deepEqual(t.Resources.Q.Properties, { QueueName: { "Fn::Sub": "${AWS::StackName}-q" }, Other: { "Fn::GetAtt": ["Res", "Arn"] } });
  assert.throws(() => parseTemplate("{ not json"), /JSON not well-formed/);
  assert.throws(() => parseTemplate(JSON.stringify({ Resources: {} })), /At least one Resources member must be defined/);
});
