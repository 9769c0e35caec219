/**
 * Sign-in the way browsers do it, with amazon-cognito-identity-js (SRP: USER_SRP_AUTH and
 * the PASSWORD_VERIFIER challenge, unsigned requests), and the AWS CLI as a second client.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AuthenticationDetails, CognitoUser, CognitoUserPool, CognitoUserAttribute, type CognitoUserSession } from "amazon-cognito-identity-js";
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { awsCli, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
const codes: { username: string; destination: string; purpose: string; code: string }[] = [];

before(async () => {
  tc = await startTestCloud();
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
});
after(async () => {
  idp?.destroy();
  await tc?.stop();
});

async function pool(props: Record<string, unknown> = {}) {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "srp", AutoVerifiedAttributes: ["email"], ...props }));
  // No ExplicitAuthFlows: AWS's default (SRP, refresh, custom), which CDK's UserPoolClient leaves in place.
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool!.Id!, ClientName: "web" }));
  return new CognitoUserPool({ UserPoolId: UserPool!.Id!, ClientId: UserPoolClient!.ClientId!, endpoint: tc.cloud.endpoint + "/" });
}

const signUp = (p: CognitoUserPool, username: string, password: string, attrs: Record<string, string>) =>
  new Promise<string>((resolve, reject) =>
    p.signUp(username, password, Object.entries(attrs).map(([Name, Value]) => new CognitoUserAttribute({ Name, Value })), [], (err, result) => (err ? reject(err) : resolve(result!.userSub))));

const confirm = (user: CognitoUser, code: string) => new Promise<void>((resolve, reject) => user.confirmRegistration(code, true, (err) => (err ? reject(err) : resolve())));

const signIn = (user: CognitoUser, username: string, password: string) =>
  new Promise<CognitoUserSession>((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: resolve, onFailure: reject }));

test("amazon-cognito-identity-js signs up, confirms and signs in over SRP; a wrong password fails the verifier", async () => {
  const p = await pool();
  const sub = await signUp(p, "frank", "Passw0rd!", { email: "frank@example.com" });
  const user = new CognitoUser({ Username: "frank", Pool: p });
  await assert.rejects(signIn(user, "frank", "Passw0rd!"), (e: any) => e.code === "UserNotConfirmedException");
  await confirm(user, [...codes].reverse().find((c) => c.username === "frank" && c.purpose === "signup")!.code);
  await assert.rejects(signIn(new CognitoUser({ Username: "frank", Pool: p }), "frank", "Wr0ngPass!"), (e: any) => e.code === "NotAuthorizedException" && e.message === "Incorrect username or password.");
  const session = await signIn(new CognitoUser({ Username: "frank", Pool: p }), "frank", "Passw0rd!");
  assert.equal(session.isValid(), true);
  assert.equal(session.getIdToken().payload.sub, sub);
  assert.equal(session.getIdToken().payload.email, "frank@example.com");
  assert.equal(session.getAccessToken().payload.username, "frank");
  // The library refreshes with the refresh token it was given.
  const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
    new CognitoUser({ Username: "frank", Pool: p }).refreshSession(session.getRefreshToken(), (err: any, s: CognitoUserSession) => (err ? reject(err) : resolve(s))));
  assert.equal(refreshed.getIdToken().payload.sub, sub);
});

test("SRP with an email-as-username pool uses the user's UUID as USER_ID_FOR_SRP", async () => {
  const p = await pool({ UsernameAttributes: ["email"] });
  const sub = await signUp(p, "gina@example.com", "Passw0rd!", {});
  await confirm(new CognitoUser({ Username: "gina@example.com", Pool: p }), [...codes].reverse().find((c) => c.destination === "gina@example.com" && c.purpose === "signup")!.code);
  const session = await signIn(new CognitoUser({ Username: "gina@example.com", Pool: p }), "gina@example.com", "Passw0rd!");
  assert.equal(session.getIdToken().payload["cognito:username"], sub);
});

test("the AWS CLI creates a pool, signs a user up unsigned and signs in as the admin", async (t) => {
  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("no AWS CLI installed");
  const created = await aws("cognito-idp", "create-user-pool", "--pool-name", "cli", "--policies", "PasswordPolicy={MinimumLength=10,RequireSymbols=false}");
  const poolId = created.UserPool.Id as string;
  assert.equal(created.UserPool.Policies.PasswordPolicy.MinimumLength, 10);
  const client = await aws("cognito-idp", "create-user-pool-client", "--user-pool-id", poolId, "--client-name", "cli", "--explicit-auth-flows", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
  const clientId = client.UserPoolClient.ClientId as string;
  await assert.rejects(aws("cognito-idp", "sign-up", "--client-id", clientId, "--username", "hal", "--password", "Short1a"), /InvalidPasswordException.*Password not long enough/);
  const signed = await aws("cognito-idp", "sign-up", "--client-id", clientId, "--username", "hal", "--password", "LongEnough1a");
  assert.equal(signed.UserConfirmed, false);
  await aws("cognito-idp", "admin-confirm-sign-up", "--user-pool-id", poolId, "--username", "hal");
  const auth = await aws("cognito-idp", "admin-initiate-auth", "--user-pool-id", poolId, "--client-id", clientId, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=hal,PASSWORD=LongEnough1a");
  assert.ok(auth.AuthenticationResult.AccessToken);
  const user = await aws("cognito-idp", "get-user", "--access-token", auth.AuthenticationResult.AccessToken);
  assert.equal(user.Username, "hal");
  const listed = await aws("cognito-idp", "list-users", "--user-pool-id", poolId, "--filter", 'username = "hal"');
  assert.equal(listed.Users[0].UserStatus, "CONFIRMED");
});
