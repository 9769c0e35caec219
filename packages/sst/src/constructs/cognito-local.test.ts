/**
 * What `sst dev` says once about a Cognito construct now that user pools run locally:
 * that codes are printed rather than sent, and each prop the local pool deploys but does
 * not act on as AWS does (device tracking, custom senders' encryption, outside identity
 * providers) — nothing else.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as kms from "aws-cdk-lib/aws-kms";
import { App, Stack, Cognito } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";
const root = writeApp({ "src/a.ts": "export const handler = async (e: unknown) => e;\n" });
after(() => removeApp(root));

function newApp() {
  return new App({ name: "my-app", stage: "dev", mode: "dev", root, outdir: `${root}/.sst/d${Math.random()}` });
}

describe("Cognito locally", () => {
  it("a plain pool: one notice, the printed codes", () => {
    const app = newApp();
    new Cognito(new Stack(app, "S"), "Auth", { login: ["email"], triggers: { preSignUp: "src/a.handler" } });
    assert.deepEqual(app.localNotices.map((n) => `${n.construct} ${n.prop}`), ['Cognito "Auth" the user pool']);
    assert.match(app.localNotices[0]!.local, /prints each confirmation code/);
  });

  it("MFA and the custom-auth and migration triggers run locally: no notice; device tracking, custom senders and outside providers are named, each once", () => {
    const app = newApp();
    const stack = new Stack(app, "S");
    new Cognito(stack, "Auth", {
      triggers: { preSignUp: "src/a.handler", defineAuthChallenge: "src/a.handler", userMigration: "src/a.handler", customEmailSender: "src/a.handler" },
      identityPoolFederation: { google: { clientId: "g-1" } },
      cdk: {
        userPool: {
          mfa: cognito.Mfa.OPTIONAL, mfaSecondFactor: { sms: false, otp: true }, deviceTracking: { challengeRequiredOnNewDevice: true, deviceOnlyRememberedOnUserPrompt: false },
          customSenderKmsKey: kms.Key.fromKeyArn(stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"),
        },
      },
    });
    assert.deepEqual(app.localNotices.map((n) => `${n.construct} ${n.prop}`).sort(), [
      'Cognito "Auth" identityPoolFederation.google',
      'Cognito "Auth" the user pool',
      'Cognito "Auth" triggers.customEmailSender',
    ]);
  });
});
