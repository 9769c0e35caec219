import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { attachCognitoCodeLog, describeCode } from "./cognito-codes.js";

test("a code a local user pool would have emailed is printed once, with where it would have gone", () => {
  const events = new EventEmitter();
  const lines: string[] = [];
  const ui = { line: (...p: string[]) => lines.push(p.join(" ")) } as any;
  const detach = attachCognitoCodeLog(events, ui);
  events.emit("cognito:code", { userPoolId: "us-east-1_abc", username: "u-1", purpose: "signup", attribute: "email", destination: "ann@example.com", code: "123456" });
  detach();
  events.emit("cognito:code", { userPoolId: "us-east-1_abc", username: "u-1", purpose: "forgot", attribute: "email", destination: "ann@example.com", code: "654321" });
  assert.deepEqual(lines, ["|  Cognito us-east-1_abc: Sign-up confirmation code for ann@example.com: 123456"]);
  assert.match(describeCode({ userPoolId: "p", username: "bo", purpose: "temporary-password", attribute: "", destination: "", code: "Xy1!", message: undefined }), /Temporary password for bo: Xy1!$/);
});

test("an MFA sign-in code is printed with where it would have been texted", () => {
  assert.equal(describeCode({ userPoolId: "p", username: "bo", purpose: "mfa", attribute: "phone_number", destination: "+15555550100", code: "042042" }), "|  Cognito p: Sign-in (MFA) code for +15555550100: 042042");
});
