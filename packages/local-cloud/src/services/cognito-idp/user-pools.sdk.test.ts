/**
 * Cognito user pools with the real `@aws-sdk/client-cognito-identity-provider`: pools and
 * clients, sign-up (policy, attributes, existing users), confirmation with the code the
 * dev log gets, sign-in with a password, refresh, SECRET_HASH, admin-created users and
 * the NEW_PASSWORD_REQUIRED challenge, attributes, groups in the tokens, forgot password,
 * sign-out and revocation, ListUsers filters, and AWS's errors.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand, SignUpCommand, ConfirmSignUpCommand, InitiateAuthCommand,
  AdminCreateUserCommand, RespondToAuthChallengeCommand, GetUserCommand, UpdateUserAttributesCommand, CreateGroupCommand, AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand, ForgotPasswordCommand, ConfirmForgotPasswordCommand, GlobalSignOutCommand, RevokeTokenCommand, ListUsersCommand,
  AdminInitiateAuthCommand, AdminGetUserCommand, AdminDisableUserCommand, ChangePasswordCommand, DescribeUserPoolCommand, AdminConfirmSignUpCommand,
  AdminSetUserPasswordCommand, DeleteUserPoolCommand, VerifyUserAttributeCommand, GetUserAttributeVerificationCodeCommand, AdminResetUserPasswordCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { decodeJwt } from "../../auth/jwt-verify.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
/** A client with no credentials at all: the public operations need none. */
let anon: CognitoIdentityProviderClient;
const codes: { username: string; purpose: string; code: string; destination: string }[] = [];

before(async () => {
  tc = await startTestCloud();
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  anon = new CognitoIdentityProviderClient({ endpoint: tc.clientConfig.endpoint, region: "us-east-1", credentials: { accessKeyId: "", secretAccessKey: "" }, signer: { sign: async (r: any) => r } as any });
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
});
after(async () => {
  idp?.destroy();
  anon?.destroy();
  await tc?.stop();
});

const lastCode = (username: string, purpose: string) => [...codes].reverse().find((c) => (c.username === username || c.destination === username) && c.purpose === purpose)?.code;

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp) {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

async function emailPool(clientProps: Record<string, unknown> = {}) {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({
    PoolName: "app", UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"], UsernameConfiguration: { CaseSensitive: false },
    Schema: [{ Name: "plan", AttributeDataType: "String", Mutable: true }],
  }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: UserPool!.Id!, ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"], ...clientProps,
  }));
  return { poolId: UserPool!.Id!, clientId: UserPoolClient!.ClientId!, secret: UserPoolClient!.ClientSecret };
}

test("a pool and its client look as AWS describes them", async () => {
  const { poolId, clientId } = await emailPool();
  assert.match(poolId, /^us-east-1_[0-9A-Za-z]{9}$/);
  assert.match(clientId, /^[a-z0-9]{26}$/);
  const { UserPool } = await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(UserPool!.Arn, `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`);
  assert.deepEqual(UserPool!.UsernameAttributes, ["email"]);
  assert.equal(UserPool!.Policies!.PasswordPolicy!.MinimumLength, 8);
  assert.ok(UserPool!.SchemaAttributes!.some((a) => a.Name === "custom:plan"));
  assert.ok(UserPool!.SchemaAttributes!.some((a) => a.Name === "email"));
  await rejects(idp.send(new DescribeUserPoolCommand({ UserPoolId: "us-east-1_nothere00" })), "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.");
});

test("sign up, confirm with the printed code, sign in: tokens carry Cognito's claims and verify against the pool's JWKS", async () => {
  const { poolId, clientId } = await emailPool();
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "ann@example.com", Password: "short" })), "InvalidPasswordException", "Password did not conform with policy: Password not long enough");
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "ann@example.com", Password: "alllowercase1!" })), "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters");
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "ann", Password: "Passw0rd!" })), "InvalidParameterException", "Username should be an email.");
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "ann@example.com", Password: "Passw0rd!", UserAttributes: [{ Name: "custom:nope", Value: "x" }] })),
    "InvalidParameterException", /^Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema/);
  await rejects(anon.send(new SignUpCommand({ ClientId: "nosuchclient", Username: "ann@example.com", Password: "Passw0rd!" })), "ResourceNotFoundException", "User pool client nosuchclient does not exist.");

  const signedUp = await anon.send(new SignUpCommand({ ClientId: clientId, Username: "Ann@Example.com", Password: "Passw0rd!", UserAttributes: [{ Name: "custom:plan", Value: "pro" }] }));
  assert.equal(signedUp.UserConfirmed, false);
  assert.deepEqual(signedUp.CodeDeliveryDetails, { Destination: "A***@E***", DeliveryMedium: "EMAIL", AttributeName: "email" });
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "ann@example.com", Password: "Passw0rd!" })), "UsernameExistsException");

  // Not confirmed: the right password says so, a wrong one does not.
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ann@example.com", PASSWORD: "Wrong000!" } })), "NotAuthorizedException", "Incorrect username or password.");
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ann@example.com", PASSWORD: "Passw0rd!" } })), "UserNotConfirmedException", "User is not confirmed.");

  const code = lastCode("Ann@Example.com", "signup")!;
  assert.match(code, /^\d{6}$/);
  const wrong = code === "000000" ? "111111" : "000000";
  await rejects(anon.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: "ann@example.com", ConfirmationCode: wrong })), "CodeMismatchException", "Invalid verification code provided, please try again.");
  await anon.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: "ann@example.com", ConfirmationCode: code }));
  await rejects(anon.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: "ann@example.com", ConfirmationCode: code })), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");

  const { AuthenticationResult: r } = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ANN@example.com", PASSWORD: "Passw0rd!" } }));
  assert.equal(r!.TokenType, "Bearer");
  assert.equal(r!.ExpiresIn, 3600);
  const id = decodeJwt(r!.IdToken!)!;
  const access = decodeJwt(r!.AccessToken!)!;
  assert.equal(id.header.alg, "RS256");
  assert.equal(id.payload.iss, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
  assert.equal(id.payload.aud, clientId);
  assert.equal(id.payload.token_use, "id");
  assert.equal(id.payload.sub, signedUp.UserSub);
  assert.equal(id.payload["cognito:username"], signedUp.UserSub);
  assert.equal(id.payload.email, "Ann@Example.com");
  assert.equal(id.payload.email_verified, true);
  assert.equal(id.payload["custom:plan"], "pro");
  assert.equal(access.payload.token_use, "access");
  assert.equal(access.payload.client_id, clientId);
  assert.equal(access.payload.scope, "aws.cognito.signin.user.admin");
  assert.ok(access.payload.exp - access.payload.iat === 3600);

  // The pool's keys, from its JWKS on the cognito-idp endpoint, verify the token.
  const jwks = await (await fetch(`${tc.cloud.endpoint}/${poolId}/.well-known/jwks.json`)).json() as { keys: JsonWebKey[] };
  const { createPublicKey, verify } = await import("node:crypto");
  const key = createPublicKey({ key: jwks.keys.find((k: any) => k.kid === id.header.kid) as any, format: "jwk" });
  assert.ok(verify("sha256", id.signingInput, key, id.signature));
  const config = await (await fetch(`${tc.cloud.endpoint}/${poolId}/.well-known/openid-configuration`)).json() as Record<string, string>;
  assert.equal(config.issuer, id.payload.iss);

  const me = await anon.send(new GetUserCommand({ AccessToken: r!.AccessToken }));
  assert.equal(me.Username, signedUp.UserSub);
  await rejects(anon.send(new GetUserCommand({ AccessToken: r!.IdToken })), "NotAuthorizedException", "Invalid Access Token");

  // Refresh gives new id/access tokens for the same sign-in.
  const refreshed = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: r!.RefreshToken! } }));
  assert.equal(refreshed.AuthenticationResult!.RefreshToken, undefined);
  assert.equal(decodeJwt(refreshed.AuthenticationResult!.IdToken!)!.payload.auth_time, id.payload.auth_time);
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: "garbage" } })), "NotAuthorizedException", "Invalid Refresh Token");

  // Revoking the refresh token revokes the access tokens of that sign-in.
  await anon.send(new RevokeTokenCommand({ ClientId: clientId, Token: r!.RefreshToken! }));
  await rejects(anon.send(new GetUserCommand({ AccessToken: r!.AccessToken })), "NotAuthorizedException", "Access Token has been revoked");
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: r!.RefreshToken! } })), "NotAuthorizedException", "Refresh Token has been revoked");
});

test("a client with a secret requires SECRET_HASH; flows the client does not allow are refused", async () => {
  const { poolId, clientId, secret } = await emailPool({ GenerateSecret: true, ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
  assert.ok(secret && secret.length > 40);
  const hash = (u: string) => createHmac("sha256", secret!).update(u + clientId).digest("base64");
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "bo@example.com", Password: "Passw0rd!" })), "NotAuthorizedException", `Client ${clientId} is configured for secret but secret was not received`);
  await rejects(anon.send(new SignUpCommand({ ClientId: clientId, Username: "bo@example.com", Password: "Passw0rd!", SecretHash: hash("other") })), "NotAuthorizedException", `Unable to verify secret hash for client ${clientId}`);
  await anon.send(new SignUpCommand({ ClientId: clientId, Username: "bo@example.com", Password: "Passw0rd!", SecretHash: hash("bo@example.com") }));
  await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "bo@example.com" }));
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bo@example.com", PASSWORD: "Passw0rd!", SECRET_HASH: hash("bo@example.com") } })),
    "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client");
  const admin = await idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bo@example.com", PASSWORD: "Passw0rd!", SECRET_HASH: hash("bo@example.com") } }));
  assert.ok(admin.AuthenticationResult!.IdToken);
  // A refresh's SECRET_HASH is of the user's username (their sub, in an email-as-username pool).
  const sub = decodeJwt(admin.AuthenticationResult!.IdToken!)!.payload.sub as string;
  const refresh = (secretHash?: string) => idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: admin.AuthenticationResult!.RefreshToken!, ...(secretHash ? { SECRET_HASH: secretHash } : {}) } }));
  await rejects(refresh(), "NotAuthorizedException", `Client ${clientId} is configured for secret but secret was not received`);
  await rejects(refresh(hash("someone")), "NotAuthorizedException", `Unable to verify secret hash for client ${clientId}`);
  assert.ok((await refresh(hash(sub))).AuthenticationResult!.AccessToken);
  // Admin operations are IAM operations: unsigned, they are refused before anything else.
  await assert.rejects(anon.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bo@example.com" })), (e: any) => e.name === "MissingAuthenticationTokenException" && e.$metadata?.httpStatusCode === 400);
});

test("an admin-created user signs in with the temporary password, answers NEW_PASSWORD_REQUIRED, then gets tokens with their groups", async () => {
  const { poolId, clientId } = await emailPool();
  const created = await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "cy@example.com", TemporaryPassword: "Temp0rary!", UserAttributes: [{ Name: "email_verified", Value: "true" }] }));
  assert.equal(created.User!.UserStatus, "FORCE_CHANGE_PASSWORD");
  await rejects(idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "cy@example.com" })), "UsernameExistsException", "User account already exists");
  await idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "admins", Precedence: 1, RoleArn: "arn:aws:iam::000000000000:role/admins" }));
  await idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "readers", Precedence: 5 }));
  await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "cy@example.com", GroupName: "readers" }));
  await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "cy@example.com", GroupName: "admins" }));
  await rejects(idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "cy@example.com", GroupName: "nope" })), "ResourceNotFoundException", "Group not found.");
  const groups = await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "cy@example.com" }));
  assert.deepEqual(groups.Groups!.map((g) => g.GroupName), ["admins", "readers"]);

  const challenge = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cy@example.com", PASSWORD: "Temp0rary!" } }));
  assert.equal(challenge.ChallengeName, "NEW_PASSWORD_REQUIRED");
  assert.ok(challenge.Session);
  await rejects(anon.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "NEW_PASSWORD_REQUIRED", Session: challenge.Session, ChallengeResponses: { USERNAME: "cy@example.com", NEW_PASSWORD: "weak" } })),
    "InvalidPasswordException");
  const again = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cy@example.com", PASSWORD: "Temp0rary!" } }));
  const done = await anon.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "NEW_PASSWORD_REQUIRED", Session: again.Session, ChallengeResponses: { USERNAME: "cy@example.com", NEW_PASSWORD: "N3wPassword!" } }));
  const id = decodeJwt(done.AuthenticationResult!.IdToken!)!;
  assert.deepEqual(id.payload["cognito:groups"], ["admins", "readers"]);
  assert.deepEqual(id.payload["cognito:roles"], ["arn:aws:iam::000000000000:role/admins"]);
  assert.equal(id.payload["cognito:preferred_role"], "arn:aws:iam::000000000000:role/admins");
  assert.deepEqual(decodeJwt(done.AuthenticationResult!.AccessToken!)!.payload["cognito:groups"], ["admins", "readers"]);
  assert.equal((await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "cy@example.com" }))).UserStatus, "CONFIRMED");

  // The user changes attributes and password with their access token.
  const token = done.AuthenticationResult!.AccessToken!;
  await anon.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: "custom:plan", Value: "free" }] }));
  await rejects(anon.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: "Wrong000!", ProposedPassword: "An0therOne!" })), "NotAuthorizedException", "Incorrect username or password.");
  await anon.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: "N3wPassword!", ProposedPassword: "An0therOne!" }));
  const me = await anon.send(new GetUserCommand({ AccessToken: token }));
  assert.equal(me.UserAttributes!.find((a) => a.Name === "custom:plan")!.Value, "free");

  // Global sign-out revokes every token issued so far.
  await anon.send(new GlobalSignOutCommand({ AccessToken: token }));
  await rejects(anon.send(new GetUserCommand({ AccessToken: token })), "NotAuthorizedException", "Access Token has been revoked");
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: done.AuthenticationResult!.RefreshToken! } })), "NotAuthorizedException", "Refresh Token has been revoked");
  // Signing in again right away works: only the sign-ins before the sign-out ended.
  const fresh = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cy@example.com", PASSWORD: "An0therOne!" } }));
  assert.equal((await anon.send(new GetUserCommand({ AccessToken: fresh.AuthenticationResult!.AccessToken }))).Username, me.Username);

  // A disabled user cannot sign in.
  await idp.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "cy@example.com" }));
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cy@example.com", PASSWORD: "An0therOne!" } })), "NotAuthorizedException", "User is disabled.");
});

test("forgot password: the code the log shows resets it", async () => {
  const { poolId, clientId } = await emailPool();
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "di@example.com", UserAttributes: [{ Name: "email", Value: "di@example.com" }, { Name: "email_verified", Value: "true" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "di@example.com", Password: "F1rstPass!", Permanent: true }));
  const sent = await anon.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "di@example.com" }));
  assert.equal(sent.CodeDeliveryDetails!.DeliveryMedium, "EMAIL");
  const code = lastCode("di@example.com", "forgot")!;
  await anon.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: "di@example.com", ConfirmationCode: code, Password: "Sec0ndPass!" }));
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "di@example.com", PASSWORD: "F1rstPass!" } })), "NotAuthorizedException");
  const ok = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "di@example.com", PASSWORD: "Sec0ndPass!" } }));
  assert.ok(ok.AuthenticationResult);
});

test("ListUsers filters by attribute, exactly or by prefix", async () => {
  const { poolId } = await emailPool();
  for (const email of ["eve@example.com", "evan@example.com", "zed@other.com"]) {
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, MessageAction: "SUPPRESS" }));
  }
  const all = await idp.send(new ListUsersCommand({ UserPoolId: poolId }));
  assert.equal(all.Users!.length, 3);
  const first = await idp.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2 }));
  const rest = await idp.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2, PaginationToken: first.PaginationToken }));
  assert.deepEqual([first.Users!.length, rest.Users!.length, rest.PaginationToken], [2, 1, undefined]);
  assert.deepEqual([...first.Users!, ...rest.Users!].map((u) => u.Username), all.Users!.map((u) => u.Username));
  const prefix = await idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "ev"' }));
  assert.deepEqual(prefix.Users!.map((u) => u.Attributes!.find((a) => a.Name === "email")!.Value).sort(), ["evan@example.com", "eve@example.com"]);
  const exact = await idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = "zed@other.com"' }));
  assert.equal(exact.Users!.length, 1);
  await rejects(idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: "email ~ nope" })), "InvalidParameterException", "Error while parsing filter.");
  await idp.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  await rejects(idp.send(new ListUsersCommand({ UserPoolId: poolId })), "ResourceNotFoundException");
});

test("PreventUserExistenceErrors: LEGACY says a user does not exist, ENABLED answers as for a wrong password or a sent code", async () => {
  const legacy = await emailPool();
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: legacy.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ghost@example.com", PASSWORD: "Passw0rd!" } })), "UserNotFoundException", "User does not exist.");
  await rejects(anon.send(new ForgotPasswordCommand({ ClientId: legacy.clientId, Username: "ghost@example.com" })), "UserNotFoundException", "User does not exist.");
  const hidden = await emailPool({ PreventUserExistenceErrors: "ENABLED" });
  await rejects(anon.send(new InitiateAuthCommand({ ClientId: hidden.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ghost@example.com", PASSWORD: "Passw0rd!" } })), "NotAuthorizedException", "Incorrect username or password.");
  const sent = await anon.send(new ForgotPasswordCommand({ ClientId: hidden.clientId, Username: "ghost@example.com" }));
  assert.deepEqual(sent.CodeDeliveryDetails, { Destination: "g***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" });
  await rejects(anon.send(new ConfirmSignUpCommand({ ClientId: hidden.clientId, Username: "ghost@example.com", ConfirmationCode: "123456" })), "CodeMismatchException");
});

test("a changed email is unverified until the user verifies it with the code; an admin reset requires a new password", async () => {
  const { poolId, clientId } = await emailPool();
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "max@example.com", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email_verified", Value: "true" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "max@example.com", Password: "Passw0rd!", Permanent: true }));
  const signIn = (email: string) => anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: "Passw0rd!" } }));
  const token = (await signIn("max@example.com")).AuthenticationResult!.AccessToken!;
  const attrs = async () => Object.fromEntries((await anon.send(new GetUserCommand({ AccessToken: token }))).UserAttributes!.map((a) => [a.Name, a.Value]));

  const updated = await anon.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: "email", Value: "max@new.example.com" }] }));
  assert.equal(updated.CodeDeliveryDetailsList![0]!.AttributeName, "email");
  assert.equal((await attrs()).email_verified, "false");
  await rejects(anon.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: "email", Code: "000000" === lastCode("max@new.example.com", "verify") ? "111111" : "000000" })), "CodeMismatchException");
  await anon.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: "email" }));
  await anon.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: "email", Code: lastCode("max@new.example.com", "verify")! }));
  assert.equal((await attrs()).email_verified, "true");

  await idp.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: "max@new.example.com" }));
  await rejects(signIn("max@new.example.com"), "PasswordResetRequiredException", "Password reset required for the user");
  await anon.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: "max@new.example.com", ConfirmationCode: lastCode("max@new.example.com", "forgot")!, Password: "Rese7Pass!" }));
  const ok = await anon.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "max@new.example.com", PASSWORD: "Rese7Pass!" } }));
  assert.ok(ok.AuthenticationResult);
});
