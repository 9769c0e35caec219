/**
 * MFA with real clients: a pool's MFA settings (SetUserPoolMfaConfig / GetUserPoolMfaConfig,
 * and CloudFormation's MfaConfiguration + EnabledMfas), an authenticator app
 * (AssociateSoftwareToken, VerifySoftwareToken, RFC 6238 codes, each good once), SMS and
 * email codes (printed as `cognito:code` events with purpose "mfa"), the preferred factor,
 * SELECT_MFA_TYPE, and MFA_SETUP when the pool requires MFA and the user has none.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, GetUserCommand, GetUserPoolMfaConfigCommand, InitiateAuthCommand,
  RespondToAuthChallengeCommand, SetUserMFAPreferenceCommand, SetUserPoolMfaConfigCommand, VerifySoftwareTokenCommand, DescribeUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { awsCli, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { totpCode, totpStep } from "./totp.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
const codes: { username: string; destination: string; purpose: string; code: string; attribute: string }[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  return idp;
});

const PASSWORD = "Passw0rd!";

async function poolWithUsers(mode: "ON" | "OPTIONAL", factors: { sms?: boolean; totp?: boolean; email?: boolean }, users: Record<string, Record<string, string>>) {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: `mfa-${mode}` }));
  const poolId = UserPool!.Id!;
  await idp.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: poolId, MfaConfiguration: mode,
    ...(factors.sms ? { SmsMfaConfiguration: { SmsAuthenticationMessage: "Your code is {####}" } } : {}),
    SoftwareTokenMfaConfiguration: { Enabled: factors.totp === true },
    ...(factors.email ? { EmailMfaConfiguration: { Message: "Your code is {####}", Subject: "Sign-in code" } } : {}),
  }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "app", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }));
  for (const [name, attributes] of Object.entries(users)) {
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: "SUPPRESS", UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: PASSWORD, Permanent: true }));
  }
  return { poolId, clientId: UserPoolClient!.ClientId! };
}

const signIn = (clientId: string, username: string) =>
  idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD } }));
const respond = (clientId: string, name: string, session: string | undefined, responses: Record<string, string>) =>
  idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: name as any, Session: session, ChallengeResponses: responses }));
const lastCode = (username: string) => [...codes].reverse().find((c) => c.username === username && c.purpose === "mfa")!;

/** A code of a step not used yet (the server accepts each step once). */
function freshTotp(secret: string, used: Set<number>): string {
  const now = totpStep();
  const step = [now, now + 1].find((s) => !used.has(s))!;
  used.add(step);
  return totpCode(secret, step);
}

test("an authenticator app: associate, verify, prefer it, then sign in with SOFTWARE_TOKEN_MFA (each code once)", async () => {
  const { poolId, clientId } = await poolWithUsers("OPTIONAL", { sms: true, totp: true }, { ann: { email: "ann@example.com" } });
  const config = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  assert.equal(config.MfaConfiguration, "OPTIONAL");
  assert.equal(config.SoftwareTokenMfaConfiguration?.Enabled, true);
  assert.equal(config.SmsMfaConfiguration?.SmsAuthenticationMessage, "Your code is {####}");

  // OPTIONAL and no factor yet: a password is enough.
  const first = await signIn(clientId, "ann");
  const accessToken = first.AuthenticationResult!.AccessToken!;
  await rejectsWithAwsError(idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })), "InvalidParameterException", "User has not verified software token mfa");
  await rejectsWithAwsError(idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SMSMfaSettings: { Enabled: true } })), "InvalidParameterException", /SMS_MFA/);

  const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  assert.match(SecretCode!, /^[A-Z2-7]{32}$/);
  const used = new Set<number>();
  await rejectsWithAwsError(idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, totpStep() - 5) })), "EnableSoftwareTokenMFAException");
  const verified = await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: freshTotp(SecretCode!, used), FriendlyDeviceName: "phone" }));
  assert.equal(verified.Status, "SUCCESS");
  await idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const me = await idp.send(new GetUserCommand({ AccessToken: accessToken }));
  assert.equal(me.PreferredMfaSetting, "SOFTWARE_TOKEN_MFA");
  assert.deepEqual(me.UserMFASettingList, ["SOFTWARE_TOKEN_MFA"]);

  const challenged = await signIn(clientId, "ann");
  assert.equal(challenged.ChallengeName, "SOFTWARE_TOKEN_MFA");
  assert.equal(challenged.AuthenticationResult, undefined);
  await rejectsWithAwsError(respond(clientId, "SOFTWARE_TOKEN_MFA", challenged.Session, { USERNAME: "ann", SOFTWARE_TOKEN_MFA_CODE: "000000" === totpCode(SecretCode!, totpStep()) ? "111111" : "000000" }), "CodeMismatchException", "Invalid code or auth state for the user.");
  const code = freshTotp(SecretCode!, used);
  const done = await respond(clientId, "SOFTWARE_TOKEN_MFA", challenged.Session, { USERNAME: "ann", SOFTWARE_TOKEN_MFA_CODE: code });
  assert.ok(done.AuthenticationResult?.IdToken);
  // The same code again, in a new sign-in: refused.
  const again = await signIn(clientId, "ann");
  await rejectsWithAwsError(respond(clientId, "SOFTWARE_TOKEN_MFA", again.Session, { USERNAME: "ann", SOFTWARE_TOKEN_MFA_CODE: code }), "CodeMismatchException");
});

test("SMS and email codes are printed; two factors and no preference ask SELECT_MFA_TYPE", async () => {
  const { poolId, clientId } = await poolWithUsers("OPTIONAL", { sms: true, email: true }, { bob: { email: "bob@example.com", phone_number: "+15555550100" } });
  await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: "bob", SMSMfaSettings: { Enabled: true } }));
  const sms = await signIn(clientId, "bob");
  assert.equal(sms.ChallengeName, "SMS_MFA");
  assert.deepEqual(sms.ChallengeParameters, { CODE_DELIVERY_DELIVERY_MEDIUM: "SMS", CODE_DELIVERY_DESTINATION: "+*******0100", USER_ID_FOR_SRP: "bob" });
  const printed = lastCode("bob");
  assert.equal(printed.destination, "+15555550100");
  await rejectsWithAwsError(respond(clientId, "SMS_MFA", sms.Session, { USERNAME: "bob" }), "InvalidParameterException", /SMS_MFA_CODE/);
  await rejectsWithAwsError(respond(clientId, "SMS_MFA", sms.Session, { USERNAME: "bob", SMS_MFA_CODE: printed.code === "123456" ? "654321" : "123456" }), "CodeMismatchException");
  assert.ok((await respond(clientId, "SMS_MFA", sms.Session, { USERNAME: "bob", SMS_MFA_CODE: printed.code })).AuthenticationResult?.AccessToken);

  await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: "bob", EmailMfaSettings: { Enabled: true } }));
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bob" }));
  assert.deepEqual(user.UserMFASettingList, ["SMS_MFA", "EMAIL_OTP"]);
  const select = await signIn(clientId, "bob");
  assert.equal(select.ChallengeName, "SELECT_MFA_TYPE");
  assert.deepEqual(JSON.parse(select.ChallengeParameters!.MFAS_CAN_CHOOSE!), ["SMS_MFA", "EMAIL_OTP"]);
  const email = await respond(clientId, "SELECT_MFA_TYPE", select.Session, { USERNAME: "bob", ANSWER: "EMAIL_OTP" });
  assert.equal(email.ChallengeName, "EMAIL_OTP");
  assert.equal(email.ChallengeParameters!.CODE_DELIVERY_DELIVERY_MEDIUM, "EMAIL");
  assert.equal(lastCode("bob").attribute, "email");
  assert.ok((await respond(clientId, "EMAIL_OTP", email.Session, { USERNAME: "bob", EMAIL_OTP_CODE: lastCode("bob").code })).AuthenticationResult);
});

test("MFA ON: a user with no factor sets up an authenticator app during sign-in (MFA_SETUP)", async () => {
  const { clientId } = await poolWithUsers("ON", { totp: true }, { cat: { email: "cat@example.com" } });
  const setup = await signIn(clientId, "cat");
  assert.equal(setup.ChallengeName, "MFA_SETUP");
  assert.deepEqual(JSON.parse(setup.ChallengeParameters!.MFAS_CAN_SETUP!), ["SOFTWARE_TOKEN_MFA"]);
  await rejectsWithAwsError(respond(clientId, "MFA_SETUP", setup.Session, { USERNAME: "cat" }), "InvalidParameterException");
  const associated = await idp.send(new AssociateSoftwareTokenCommand({ Session: setup.Session }));
  const used = new Set<number>();
  const verified = await idp.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: freshTotp(associated.SecretCode!, used) }));
  assert.equal(verified.Status, "SUCCESS");
  const done = await respond(clientId, "MFA_SETUP", verified.Session, { USERNAME: "cat" });
  assert.ok(done.AuthenticationResult?.AccessToken);
  // From now on the app is asked for.
  const next = await signIn(clientId, "cat");
  assert.equal(next.ChallengeName, "SOFTWARE_TOKEN_MFA");
});

test("SetUserPoolMfaConfig refuses MFA ON with no factor", async () => {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "bad-mfa" }));
  await rejectsWithAwsError(idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: UserPool!.Id!, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: false } })), "InvalidParameterException");
  await rejectsWithAwsError(idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: "us-east-1_nonexist0", MfaConfiguration: "OFF" })), "ResourceNotFoundException");
});

test("CloudFormation's MfaConfiguration and EnabledMfas, and the AWS CLI answering an SMS challenge", async (t) => {
  const { outputs } = await deployTestStack(tc.cloud, "mfa", {
    Resources: {
      Pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolName: "mfa-cfn", MfaConfiguration: "OPTIONAL", EnabledMfas: ["SMS_MFA", "SOFTWARE_TOKEN_MFA"], SmsAuthenticationMessage: "Code {####}" } },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Pool" }, ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  const poolId = outputs.PoolId!;
  const clientId = outputs.ClientId!;
  assert.equal((await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.MfaConfiguration, "OPTIONAL");
  const config = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  assert.equal(config.SoftwareTokenMfaConfiguration?.Enabled, true);
  assert.equal(config.SmsMfaConfiguration?.SmsAuthenticationMessage, "Code {####}");

  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("no AWS CLI installed");
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "dan", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "phone_number", Value: "+15555550199" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "dan", Password: PASSWORD, Permanent: true }));
  await aws("cognito-idp", "admin-set-user-mfa-preference", "--user-pool-id", poolId, "--username", "dan", "--sms-mfa-settings", "Enabled=true,PreferredMfa=true");
  const started = await aws("cognito-idp", "admin-initiate-auth", "--user-pool-id", poolId, "--client-id", clientId, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters", `USERNAME=dan,PASSWORD=${PASSWORD}`);
  assert.equal(started.ChallengeName, "SMS_MFA");
  const done = await aws("cognito-idp", "admin-respond-to-auth-challenge", "--user-pool-id", poolId, "--client-id", clientId, "--challenge-name", "SMS_MFA", `--session=${started.Session}`, // "=": a base64url session may start with "-"
    "--challenge-responses", `USERNAME=dan,SMS_MFA_CODE=${lastCode("dan").code}`);
  assert.ok(done.AuthenticationResult.AccessToken);
  const off = await aws("cognito-idp", "set-user-pool-mfa-config", "--user-pool-id", poolId, "--mfa-configuration", "OFF");
  assert.equal(off.MfaConfiguration, "OFF");
  // MFA off: the password alone signs in again.
  assert.ok((await signIn(clientId, "dan")).AuthenticationResult?.AccessToken);
});
