import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createUi } from "../../cli/ui.js";
import { createIoHost, describeFailures } from "./io-host.js";
import { toolkitError } from "./errors.js";

function capture() {
  let text = "";
  const sink = new Writable({ write: (c, _e, cb) => ((text += c), cb()) });
  return { ui: createUi({ stdout: sink, stderr: sink }), text: () => text };
}
const event = (StackName: string, LogicalResourceId: string, ResourceType: string, ResourceStatus: string, ResourceStatusReason?: string) =>
  ({ level: "info", code: "CDK_TOOLKIT_I5502", message: "", data: { event: { StackName, LogicalResourceId, ResourceType, ResourceStatus, ResourceStatusReason } } });

describe("the toolkit's messages, in the CLI's words", () => {
  it("prints each resource as it settles (with progress), failures with their reason, and how the rollback ended", async () => {
    const out = capture();
    const io = createIoHost(out.ui, { progress: true });
    await io.notify(event("prod-app-Q", "Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS"));
    await io.notify(event("prod-app-Q", "Queue", "AWS::SQS::Queue", "CREATE_COMPLETE"));
    await io.notify(event("prod-app-Q", "Broken", "AWS::SQS::Queue", "CREATE_FAILED", "Value 10 for MessageRetentionPeriod is invalid"));
    await io.notify(event("prod-app-Q", "Other", "AWS::SNS::Topic", "CREATE_FAILED", "Resource creation cancelled"));
    await io.notify(event("prod-app-Q", "prod-app-Q", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE"));
    const text = out.text();
    assert.doesNotMatch(text, /IN_PROGRESS/, "starts are for --verbose");
    assert.match(text, /\|  prod-app-Q Queue AWS::SQS::Queue CREATE_COMPLETE/);
    assert.match(text, /\|  prod-app-Q Broken AWS::SQS::Queue CREATE_FAILED\n\|    Value 10 for MessageRetentionPeriod is invalid/);
    assert.doesNotMatch(text, /Other/, "a cancellation is no cause");
    assert.match(text, /\|  prod-app-Q rolled back: UPDATE_ROLLBACK_COMPLETE/);
    const err = toolkitError("Deploy", new Error("The stack named prod-app-Q failed"), describeFailures(io.failures), io.rollbacks);
    assert.match(err.message, /^Deploy failed: The stack named prod-app-Q failed\nprod-app-Q Broken \(AWS::SQS::Queue\): Value 10/m);
    assert.match(err.message, /Rollback of prod-app-Q: UPDATE_ROLLBACK_COMPLETE \(the stack is back to its previous state\)/);
    const stuck = new Map([["prod-app-Q", "UPDATE_ROLLBACK_FAILED"]]);
    assert.match(toolkitError("Deploy", new Error("x"), "", stuck).message, /UPDATE_ROLLBACK_FAILED \(fix the resource in the AWS console, then run the command again\)/);
  });

  it("without progress, settled resources go to --verbose only", async () => {
    const out = capture();
    const io = createIoHost(out.ui);
    await io.notify(event("s", "R", "AWS::SQS::Queue", "CREATE_COMPLETE"));
    assert.equal(out.text(), "");
  });
});
