/**
 * A passwordless SST v2 app: the `Cognito` construct with the three custom-auth `triggers`
 * (and `preSignUp` auto-confirming), deployed to the local cloud. Signing in with
 * CUSTOM_AUTH "sends" a code (the CreateAuthChallenge function's log line), the client
 * answers it, and the ID token then opens the app's JWT-protected route. The `userMigration`
 * trigger brings a user of an old system over on their first password sign-in.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { deployAppLocally, oneStackApp, useLocalApp } from "../project/fixtures/local-app.js";

process.env.CDK_VALIDATION = "false";

const app = useLocalApp(oneStackApp("passwordless", "Auth", {
  "stacks/Auth.ts": `
import { Api, Cognito, StackContext } from "sst/constructs";
export function Auth({ stack }: StackContext) {
  const auth = new Cognito(stack, "Auth", {
    login: ["email"],
    triggers: {
      preSignUp: "src/auth.preSignUp",
      defineAuthChallenge: "src/auth.define",
      createAuthChallenge: "src/auth.create",
      verifyAuthChallengeResponse: "src/auth.verify",
      userMigration: "src/auth.migrate",
    },
    cdk: { userPoolClient: { authFlows: { custom: true, userPassword: true } } },
  });
  const api = new Api(stack, "Api", {
    authorizers: { jwt: { type: "user_pool", userPool: { id: auth.userPoolId, clientIds: [auth.userPoolClientId] } } },
    defaults: { authorizer: "jwt" },
    routes: { "GET /me": "src/me.handler" },
  });
  stack.addOutputs({ PoolId: auth.userPoolId, ClientId: auth.userPoolClientId, Url: api.url });
}
`,
  "src/auth.ts": `
import { randomInt } from "node:crypto";
export async function preSignUp(event: any) {
  event.response.autoConfirmUser = true;
  event.response.autoVerifyEmail = true;
  return event;
}
export async function define(event: any) {
  const last = event.request.session.at(-1);
  if (last?.challengeName === "CUSTOM_CHALLENGE" && last.challengeResult) Object.assign(event.response, { issueTokens: true, failAuthentication: false });
  else if (event.request.session.length >= 3) Object.assign(event.response, { issueTokens: false, failAuthentication: true });
  else Object.assign(event.response, { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
  return event;
}
export async function create(event: any) {
  const code = String(randomInt(100000, 1000000));
  // Where a real app would email the code.
  console.log("send code", event.request.userAttributes.email, code);
  event.response.publicChallengeParameters = { destination: event.request.userAttributes.email };
  event.response.privateChallengeParameters = { code };
  return event;
}
export async function migrate(event: any) {
  // The old user store: one account, still on its old password.
  if (event.userName !== "old@example.com" || event.request.password !== "Legacy-passw0rd") throw new Error("Bad credentials");
  event.response.userAttributes = { email: event.userName, email_verified: "true" };
  event.response.finalUserStatus = "CONFIRMED";
  event.response.messageAction = "SUPPRESS";
  return event;
}
export async function verify(event: any) {
  event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.code;
  return event;
}
`,
  "src/me.ts": `
export async function handler(event: any) {
  const claims = event.requestContext.authorizer.jwt.claims;
  return { statusCode: 200, body: JSON.stringify({ email: claims.email, sub: claims.sub }) };
}
`,
}));

describe("a passwordless app on the Cognito construct's custom-auth triggers", () => {
  it("signs a user in with an emailed code, and the token opens the protected route", { timeout: 240_000 }, async () => {
    const { outputs, notices } = await deployAppLocally(app.cloud, app.dir, "dev-passwordless-Auth");
    assert.deepEqual(notices.map((n) => n.prop), ["the user pool"]);
    const sent: string[] = [];
    app.cloud.events.on("lambda:log", (e) => {
      const m = /send code (\S+) (\d{6})/.exec(e.line);
      if (m) sent.push(`${m[1]} ${m[2]}`);
    });
    const idp = new CognitoIdentityProviderClient({ endpoint: app.cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    try {
      await idp.send(new SignUpCommand({ ClientId: outputs.ClientId!, Username: "ann@example.com", Password: `Pw-${Math.random()}A1` }));
      const started = await idp.send(new InitiateAuthCommand({ ClientId: outputs.ClientId!, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann@example.com" } }));
      assert.equal(started.ChallengeName, "CUSTOM_CHALLENGE");
      assert.equal(started.ChallengeParameters!.destination, "ann@example.com");
      const code = sent.at(-1)!.split(" ")[1]!;
      assert.equal(sent.at(-1), `ann@example.com ${code}`);
      const done = await idp.send(new RespondToAuthChallengeCommand({
        ClientId: outputs.ClientId!, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "ann@example.com", ANSWER: code },
      }));
      const idToken = done.AuthenticationResult!.IdToken!;
      const unauthorized = await fetch(`${outputs.Url}/me`);
      assert.equal(unauthorized.status, 401);
      const me = await fetch(`${outputs.Url}/me`, { headers: { authorization: `Bearer ${idToken}` } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { email: string }).email, "ann@example.com");

      // A user the pool has never seen, known to the old system: migrated on first sign-in.
      const migrated = await idp.send(new InitiateAuthCommand({ ClientId: outputs.ClientId!, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "old@example.com", PASSWORD: "Legacy-passw0rd" } }));
      const oldMe = await fetch(`${outputs.Url}/me`, { headers: { authorization: `Bearer ${migrated.AuthenticationResult!.IdToken}` } });
      assert.equal(((await oldMe.json()) as { email: string }).email, "old@example.com");
    } finally {
      idp.destroy();
    }
  });
});
