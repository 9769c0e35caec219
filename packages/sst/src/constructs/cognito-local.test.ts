/**
 * What `sst dev` says once about a Cognito construct now that user pools run locally:
 * that codes are printed rather than sent, and each prop the local pool deploys but does
 * not act on (MFA, custom-auth triggers, outside identity providers) — nothing else.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as cognito from "aws-cdk-lib/aws-cognito";
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

  it("MFA, custom-auth triggers and outside providers are named, each once", () => {
    const app = newApp();
    new Cognito(new Stack(app, "S"), "Auth", {
      triggers: { preSignUp: "src/a.handler", defineAuthChallenge: "src/a.handler", userMigration: "src/a.handler" },
      identityPoolFederation: { google: { clientId: "g-1" } },
      cdk: { userPool: { mfa: cognito.Mfa.OPTIONAL, mfaSecondFactor: { sms: false, otp: true } } },
    });
    assert.deepEqual(app.localNotices.map((n) => `${n.construct} ${n.prop}`).sort(), [
      'Cognito "Auth" cdk.userPool.mfa',
      'Cognito "Auth" identityPoolFederation.google',
      'Cognito "Auth" the user pool',
      'Cognito "Auth" triggers.defineAuthChallenge',
      'Cognito "Auth" triggers.userMigration',
    ]);
  });
});
