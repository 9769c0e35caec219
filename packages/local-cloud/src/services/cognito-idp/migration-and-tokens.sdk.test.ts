/**
 * UserMigration (on sign-in with the password, and on ForgotPassword), PreTokenGeneration
 * V2 (`claimsAndScopeOverrideDetails` for the ID and the access token, version from
 * LambdaConfig.PreTokenGenerationConfig) and the custom senders (CustomEmailSender invoked
 * with `customEmailSenderRequestV1`), through SDK v3 against a pool CloudFormation deployed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, ResendConfirmationCodeCommand, ConfirmForgotPasswordCommand, ForgotPasswordCommand, InitiateAuthCommand, SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { inlineTriggerFunctions } from "./trigger-functions.testing.js";
import { decodeJwt } from "../../auth/jwt-verify.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
const logs: { functionName: string; line: string }[] = [];
const codes: { username: string; destination: string; purpose: string; code: string }[] = [];
const events: Record<string, any[]> = {};

// The old system knows two users; "legacy" signs in with its old password, "reset" must choose a new one.
const MIGRATE = `exports.handler = async (event) => {
  console.log("EVENT " + JSON.stringify(event));
  const known = { "legacy@example.com": "Old-passw0rd", "reset@example.com": null };
  if (!(event.userName in known)) throw new Error("Bad user");
  if (event.triggerSource === "UserMigration_Authentication" && known[event.userName] !== event.request.password) throw new Error("Bad password");
  event.response.userAttributes = { email: event.userName, email_verified: "true", "custom:plan": "gold" };
  event.response.finalUserStatus = event.userName.startsWith("reset") ? "RESET_REQUIRED" : "CONFIRMED";
  event.response.messageAction = "SUPPRESS";
  return event;
};`;
const PRE_TOKEN_V2 = `exports.handler = async (event) => {
  console.log("EVENT " + JSON.stringify(event));
  event.response = { claimsAndScopeOverrideDetails: {
    idTokenGeneration: { claimsToAddOrOverride: { tenant: "acme", roles: ["a", "b"] }, claimsToSuppress: ["custom:plan"] },
    accessTokenGeneration: { claimsToAddOrOverride: { tenant: "acme", level: 3, client_id: "forged" }, scopesToAdd: ["orders/read"], scopesToSuppress: ["aws.cognito.signin.user.admin"] },
  } };
  return event;
};`;
const SENDER = `exports.handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); };`;

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("lambda:log", (e) => {
    logs.push(e);
    const at = e.line.indexOf("EVENT ");
    if (at >= 0) (events[e.functionName] ??= []).push(JSON.parse(e.line.slice(at + 6)));
  });
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  const { outputs } = await deployTestStack(tc.cloud, "migrating", {
    Resources: {
      ...inlineTriggerFunctions({ Migrate: { name: "migrate", code: MIGRATE }, PreToken: { name: "pre-token-v2", code: PRE_TOKEN_V2 }, Sender: { name: "email-sender", code: SENDER } }),
      Pool: {
        Type: "AWS::Cognito::UserPool",
        Properties: {
          UserPoolName: "migrating", UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"],
          Schema: [{ Name: "plan", AttributeDataType: "String", Mutable: true }],
          LambdaConfig: {
            UserMigration: { "Fn::GetAtt": ["Migrate", "Arn"] },
            PreTokenGenerationConfig: { LambdaArn: { "Fn::GetAtt": ["PreToken", "Arn"] }, LambdaVersion: "V2_0" },
            CustomEmailSender: { LambdaArn: { "Fn::GetAtt": ["Sender", "Arn"] }, LambdaVersion: "V1_0" },
            KMSKeyID: "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555",
          },
        },
      },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Pool" }, ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  poolId = outputs.PoolId!;
  clientId = outputs.ClientId!;
  return idp;
});

const signIn = (username: string, password: string) => idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password }, ClientMetadata: { app: "web" } }));

async function until<T>(what: () => T | undefined, label: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${label}`);
}

test("UserMigration: an unknown user signing in with the old system's password is created and signed in", async () => {
  await rejectsWithAwsError(signIn("legacy@example.com", "Wrong-passw0rd"), "UserNotFoundException", `Exception migrating user in app client ${clientId}`);
  const signed = await signIn("legacy@example.com", "Old-passw0rd");
  assert.ok(signed.AuthenticationResult?.IdToken);
  const migrateEvent = events.migrate!.at(-1);
  assert.equal(migrateEvent.triggerSource, "UserMigration_Authentication");
  assert.equal(migrateEvent.userName, "legacy@example.com");
  assert.deepEqual(migrateEvent.request.clientMetadata, { app: "web" });
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "legacy@example.com" }));
  assert.equal(user.UserStatus, "CONFIRMED");
  assert.match(user.Username!, /^[0-9a-f-]{36}$/);
  // Now the pool knows the user: the trigger is not asked again.
  const before = events.migrate!.length;
  await signIn("legacy@example.com", "Old-passw0rd");
  assert.equal(events.migrate!.length, before);
  await rejectsWithAwsError(signIn("stranger@example.com", "Whatever-1"), "UserNotFoundException");
});

test("PreTokenGeneration V2 changes claims in both tokens and the access token's scopes (reserved claims stay)", async () => {
  const signed = await signIn("legacy@example.com", "Old-passw0rd");
  const id = decodeJwt(signed.AuthenticationResult!.IdToken!)!.payload;
  const access = decodeJwt(signed.AuthenticationResult!.AccessToken!)!.payload;
  assert.equal(id.tenant, "acme");
  assert.deepEqual(id.roles, ["a", "b"]);
  assert.equal(id["custom:plan"], undefined);
  assert.equal(access.tenant, "acme");
  assert.equal(access.level, 3);
  assert.equal(access.client_id, clientId);
  assert.equal(access.scope, "orders/read");
  const event = events["pre-token-v2"]!.at(-1);
  assert.equal(event.version, "2");
  assert.equal(event.triggerSource, "TokenGeneration_Authentication");
  assert.deepEqual(event.request.scopes, ["aws.cognito.signin.user.admin"]);
  assert.equal(event.request.userAttributes["custom:plan"], "gold");
});

test("UserMigration on ForgotPassword: the user is created RESET_REQUIRED and the code goes to the custom email sender", async () => {
  const asked = await idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "reset@example.com" }));
  assert.equal(asked.CodeDeliveryDetails?.DeliveryMedium, "EMAIL");
  assert.equal(events.migrate!.at(-1).triggerSource, "UserMigration_ForgotPassword");
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "reset@example.com" }));
  assert.equal(user.UserStatus, "RESET_REQUIRED");
  const code = [...codes].reverse().find((c) => c.destination === "reset@example.com" && c.purpose === "forgot")!.code;
  const sent = await until(() => events["email-sender"]?.find((e) => e.triggerSource === "CustomEmailSender_ForgotPassword"), "the custom email sender");
  assert.equal(sent.request.type, "customEmailSenderRequestV1");
  assert.equal(sent.request.code, code);
  assert.equal(sent.request.userAttributes.email, "reset@example.com");
  await idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: "reset@example.com", ConfirmationCode: code, Password: "New-passw0rd" }));
  assert.ok((await signIn("reset@example.com", "New-passw0rd")).AuthenticationResult?.AccessToken);
});

test("the custom email sender gets the sign-up code, and a resent one", async () => {
  await idp.send(new SignUpCommand({ ClientId: clientId, Username: "new@example.com", Password: "Fresh-passw0rd" }));
  const sent = await until(() => events["email-sender"]?.find((e) => e.triggerSource === "CustomEmailSender_SignUp"), "the sign-up code");
  assert.equal(sent.request.code, [...codes].reverse().find((c) => c.destination === "new@example.com")!.code);
  await idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "new@example.com" }));
  const resent = await until(() => events["email-sender"]?.find((e) => e.triggerSource === "CustomEmailSender_ResendCode"), "the resent code");
  assert.equal(resent.request.code, [...codes].reverse().find((c) => c.destination === "new@example.com")!.code);
});

test("the custom email sender gets an invited user's temporary password (not when the invitation is suppressed)", async () => {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "invited@example.com", TemporaryPassword: "Temp-passw0rd", UserAttributes: [{ Name: "email", Value: "invited@example.com" }] }));
  const sent = await until(() => events["email-sender"]?.find((e) => e.triggerSource === "CustomEmailSender_AdminCreateUser"), "the invitation");
  assert.equal(sent.request.code, "Temp-passw0rd");
  assert.equal(sent.request.userAttributes.email, "invited@example.com");
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "quiet@example.com", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "quiet@example.com" }] }));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(events["email-sender"]!.filter((e) => e.triggerSource === "CustomEmailSender_AdminCreateUser").length, 1);
});
