import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { diffTemplates } from "./diff.js";

const fn = (timeout: number) => ({ Type: "AWS::Lambda::Function", Properties: { Timeout: timeout, Handler: "index.handler" } });

describe("sst diff's template comparison", () => {
  it("counts and prints resource and output changes, with construct paths", async () => {
    const before = { Resources: { Fn1: fn(300), Old: { Type: "AWS::SQS::Queue" } }, Outputs: { Url: { Value: "a" } } };
    const after = { Resources: { Fn1: fn(240), New: { Type: "AWS::SNS::Topic" } }, Outputs: { Url: { Value: "b" } } };
    const d = await diffTemplates(before, after, { Fn1: "/prod-app-Queue/Consumer/Resource" });
    assert.equal(d?.count, 4);
    assert.match(d!.text, /\[~\] AWS::Lambda::Function Consumer Fn1\n\s+└─ \[~\] Timeout\n\s+├─ \[-\] 300\n\s+└─ \[\+\] 240/);
    assert.match(d!.text, /\[-\] AWS::SQS::Queue Old/);
    assert.match(d!.text, /\[\+\] AWS::SNS::Topic New/);
    assert.match(d!.text, /Outputs\n\s+\[~\] Output Url/);
    assert.ok(d!.text.split("\n").every((l) => l === "" || l.startsWith("   ")), "indented under the stack's line");
  });

  it("leaves out what SST v2 leaves out: SSTMetadata, parameters, IAM tables; no changes is undefined", async () => {
    const before = { Parameters: { P: { Type: "String" } }, Resources: { Q: { Type: "AWS::SQS::Queue" } }, Outputs: { SSTMetadata: { Value: "1" } } };
    const after = { Parameters: { P: { Type: "Number" } }, Resources: { Q: { Type: "AWS::SQS::Queue" } }, Outputs: { SSTMetadata: { Value: "2" } } };
    assert.equal(await diffTemplates(before, after), undefined);
    const withPolicy = { Resources: { Q: { Type: "AWS::SQS::Queue" }, P: { Type: "AWS::IAM::Policy", Properties: { PolicyDocument: { Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] } } } } };
    const d = await diffTemplates(before, withPolicy);
    assert.equal(d?.count, 1);
    assert.doesNotMatch(d!.text, /IAM Statement Changes/);
  });
});
