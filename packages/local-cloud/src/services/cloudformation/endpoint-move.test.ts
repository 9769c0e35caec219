/**
 * A restart on another port: the queue URL a stack recorded, and the SSM parameter and
 * the output that hold it, move to the new endpoint on the next deploy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCloud } from "../../cloud.js";
import { moveOrigin } from "./endpoint-move.js";

const template = JSON.stringify({
  Resources: {
    Jobs: { Type: "AWS::SQS::Queue", Properties: { QueueName: "moving-jobs" } },
    Url: { Type: "AWS::SSM::Parameter", Properties: { Name: "/moving/url", Type: "String", Value: { Ref: "Jobs" } } },
  },
  Outputs: { QueueUrl: { Value: { Ref: "Jobs" } } },
});

async function deploy(cloud: LocalCloud) {
  const exists = (await cloud.cloudformation.call("ListStacks", {})).StackSummaries?.some(
    (s: any) => s.StackName === "moving" && s.StackStatus !== "DELETE_COMPLETE",
  );
  try {
    await cloud.cloudformation.call(exists ? "UpdateStack" : "CreateStack", { StackName: "moving", TemplateBody: template });
  } catch (err: any) {
    if (!/No updates are to be performed/.test(err.message)) throw err;
  }
  const out = await cloud.cloudformation.call("DescribeStacks", { StackName: "moving" });
  const param = await cloud.ssm.call("GetParameter", { Name: "/moving/url" });
  return { output: out.Stacks[0].Outputs[0].OutputValue as string, param: param.Parameter.Value as string };
}

test("moveOrigin replaces only whole origins", () => {
  assert.equal(moveOrigin("http://127.0.0.1:4570/000000000000/q", "http://127.0.0.1:4570", "http://127.0.0.1:5000"), "http://127.0.0.1:5000/000000000000/q");
  assert.equal(moveOrigin("http://127.0.0.1:45701/x", "http://127.0.0.1:4570", "http://127.0.0.1:5000"), "http://127.0.0.1:45701/x");
  assert.equal(moveOrigin('"http://127.0.0.1:4570"', "http://127.0.0.1:4570", "http://h:1"), '"http://h:1"');
});

test("a restart on another port moves recorded URLs and what was resolved from them", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "endpoint-move-"));
  try {
    let cloud = await LocalCloud.start({ dir, port: 0 });
    const first = await deploy(cloud);
    assert.ok(first.output.startsWith(cloud.endpoint + "/"));
    await cloud.stop();

    cloud = await LocalCloud.start({ dir, port: 0 });
    try {
      const second = await deploy(cloud);
      assert.notEqual(first.output, second.output);
      assert.equal(second.output, `${cloud.endpoint}/000000000000/moving-jobs`);
      assert.equal(second.param, second.output, "the SSM parameter holding the URL was updated");
      // And nothing is left to do once moved.
      await assert.rejects(
        cloud.cloudformation.call("UpdateStack", { StackName: "moving", TemplateBody: template }),
        /No updates are to be performed/,
      );
    } finally {
      await cloud.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
