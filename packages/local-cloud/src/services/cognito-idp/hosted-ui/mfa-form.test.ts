/**
 * The hosted UI's sign-in form asks for the second factor a user pool requires, as the API
 * does, and never hands out a code (or a hosted UI session) on the password alone:
 * an authenticator app (OPTIONAL pool, factor set up through the SDK), a texted code (ON
 * pool, phone number), the choice between several factors, a wrong code, a forged form,
 * and a user with no factor in a pool that requires one (an authenticator app set up on the
 * spot; refused with an error page where the pool offers none).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, AssociateSoftwareTokenCommand, CognitoIdentityProviderClient,
  CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, InitiateAuthCommand, SetUserMFAPreferenceCommand, SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../../testing.js";
import { useTestCloud } from "../../../test-fixtures.js";
import { totpCode, totpStep } from "../totp.js";
import { cookieHeader, cookiesOf, form, request, signInThroughForm, type Answer } from "./hosted-ui.testing.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
const CALLBACK = "https://app.example.com/cb";
const PASSWORD = "Passw0rd!";
const codes: { username: string; purpose: string; code: string; destination: string }[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  return idp;
});

interface Site { poolId: string; clientId: string; base: string }

async function site(domain: string, mode: "ON" | "OPTIONAL", factors: { sms?: boolean; totp?: boolean }, users: Record<string, Record<string, string>>): Promise<Site> {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: domain }));
  const poolId = UserPool!.Id!;
  await idp.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: poolId, MfaConfiguration: mode,
    ...(factors.sms ? { SmsMfaConfiguration: { SmsAuthenticationMessage: "Your code is {####}" } } : {}),
    SoftwareTokenMfaConfiguration: { Enabled: factors.totp === true },
  }));
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid"], CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO"],
  }));
  for (const [name, attributes] of Object.entries(users)) {
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: "SUPPRESS", UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: PASSWORD, Permanent: true }));
  }
  return { poolId, clientId: UserPoolClient!.ClientId!, base: `http://${domain}.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}` };
}

const authorizeUrl = (s: Site) => `${s.base}/oauth2/authorize?${new URLSearchParams({ client_id: s.clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid", state: "st" })}`;
const loginUrl = (s: Site) => authorizeUrl(s).replace("/oauth2/authorize", "/login");

/** The hidden fields and CSRF token of a form page. */
function fieldsOf(page: Answer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  return out;
}

async function post(s: Site, jar: Record<string, string>, fields: Record<string, string>): Promise<Answer> {
  const r = await request(loginUrl(s), { ...form(fields), headers: { ...form({}).headers, cookie: cookieHeader(jar) } });
  cookiesOf(r, jar);
  return r;
}

const landedWithCode = (a: Answer) => {
  assert.equal(a.status, 302, a.body);
  assert.equal(a.location!.origin + a.location!.pathname, CALLBACK);
  assert.ok(a.location!.searchParams.get("code"));
  assert.equal(a.location!.searchParams.get("state"), "st");
};

/** The password alone never lands on the callback nor opens a hosted UI session. */
function stoppedAtSecondFactor(a: Answer, jar: Record<string, string>) {
  assert.equal(a.status, 200, a.body);
  assert.equal(a.location, undefined);
  assert.equal(jar.cognito, undefined, "no hosted UI session before the second factor");
  assert.match(a.body, /Multi-factor authentication/);
}

test("an authenticator app set up through the SDK: the form asks for its code; a wrong one is refused, the right one lands on the callback", async () => {
  const s = await site("mfa-totp", "OPTIONAL", { totp: true }, { tia: {} });
  // With no factor yet, OPTIONAL signs in on the password: set the app up with the access token.
  const first = await idp.send(new InitiateAuthCommand({ ClientId: s.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "tia", PASSWORD } }));
  const accessToken = first.AuthenticationResult!.AccessToken!;
  const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, totpStep() - 1) }));
  await idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

  const jar: Record<string, string> = {};
  const asked = await signInThroughForm(authorizeUrl(s), "tia", PASSWORD, jar);
  stoppedAtSecondFactor(asked, jar);
  assert.match(asked.body, /authenticator app/);
  const hidden = fieldsOf(asked);
  assert.equal(hidden.mfa_challenge, "SOFTWARE_TOKEN_MFA");

  const right = totpCode(SecretCode!, totpStep());
  const wrong = await post(s, jar, { ...hidden, code: right === "000000" ? "111111" : "000000" });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body, /Invalid code or auth state for the user\./);
  assert.equal(jar.cognito, undefined);

  landedWithCode(await post(s, jar, { ...fieldsOf(wrong), code: right }));
  assert.ok(jar.cognito, "the hosted UI session starts once both factors are through");
  // The session key was single-use: the same form posted again starts over.
  const replay = await post(s, jar, { ...hidden, code: right });
  assert.equal(replay.status, 400);
  assert.match(replay.body, /Invalid session for the user/);
});

test("a pool requiring MFA texts a user with a phone number; the printed code signs in", async () => {
  const s = await site("mfa-sms", "ON", { sms: true }, { sam: { phone_number: "+15555550123" } });
  const jar: Record<string, string> = {};
  const asked = await signInThroughForm(authorizeUrl(s), "sam", PASSWORD, jar);
  stoppedAtSecondFactor(asked, jar);
  assert.equal(fieldsOf(asked).mfa_challenge, "SMS_MFA");
  assert.match(asked.body, /We have sent a code to \+\*+0123/);
  const sent = [...codes].reverse().find((c) => c.username === "sam" && c.purpose === "mfa")!;
  assert.equal(sent.destination, "+15555550123");
  landedWithCode(await post(s, jar, { ...fieldsOf(asked), code: sent.code }));
});

test("a user with several factors and no preference chooses one, then gives its code", async () => {
  const s = await site("mfa-choose", "OPTIONAL", { sms: true, totp: true }, { cat: { phone_number: "+15555550177" } });
  const first = await idp.send(new InitiateAuthCommand({ ClientId: s.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cat", PASSWORD } }));
  const accessToken = first.AuthenticationResult!.AccessToken!;
  const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!, totpStep() - 1) }));
  await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: s.poolId, Username: "cat", SoftwareTokenMfaSettings: { Enabled: true }, SMSMfaSettings: { Enabled: true } }));

  const jar: Record<string, string> = {};
  const choose = await signInThroughForm(authorizeUrl(s), "cat", PASSWORD, jar);
  stoppedAtSecondFactor(choose, jar);
  assert.equal(fieldsOf(choose).mfa_challenge, "SELECT_MFA_TYPE");
  const asked = await post(s, jar, { ...fieldsOf(choose), mfa_type: "SOFTWARE_TOKEN_MFA" });
  assert.equal(asked.status, 200, asked.body);
  assert.equal(fieldsOf(asked).mfa_challenge, "SOFTWARE_TOKEN_MFA");
  assert.equal(jar.cognito, undefined);
  landedWithCode(await post(s, jar, { ...fieldsOf(asked), code: totpCode(SecretCode!, totpStep()) }));
});

test("a forged MFA form (no session, or another challenge's name) signs no one in", async () => {
  const s = await site("mfa-forged", "ON", { sms: true }, { fay: { phone_number: "+15555550188" } });
  const jar: Record<string, string> = {};
  const asked = await signInThroughForm(authorizeUrl(s), "fay", PASSWORD, jar);
  stoppedAtSecondFactor(asked, jar);
  const hidden = fieldsOf(asked);
  const noSession = await post(s, jar, { ...hidden, mfa_session: "made-up", code: "123456" });
  assert.equal(noSession.status, 400);
  assert.match(noSession.body, /Invalid session for the user/);
  // The real session under a challenge name whose check passes nothing (MFA_SETUP) or is not MFA (CUSTOM_CHALLENGE).
  for (const name of ["MFA_SETUP", "CUSTOM_CHALLENGE", "NEW_PASSWORD_REQUIRED"]) {
    const forged = await post(s, jar, { ...hidden, mfa_challenge: name, code: "123456" });
    assert.notEqual(forged.status, 302, `${name}: ${forged.body}`);
    assert.equal(jar.cognito, undefined);
  }
});

test("a pool requiring MFA and a user with no factor: the form sets up an authenticator app (QR code and secret), verifies its code, then signs in", async () => {
  const s = await site("mfa-setup", "ON", { totp: true }, { ned: {} });
  const jar: Record<string, string> = {};
  const setup = await signInThroughForm(authorizeUrl(s), "ned", PASSWORD, jar);
  assert.equal(setup.status, 200, setup.body);
  assert.equal(jar.cognito, undefined, "no hosted UI session before the factor is set up");
  assert.match(setup.body, /<h1>Set up an authenticator app<\/h1>/);
  assert.match(setup.body, /<svg [^>]*>.*<\/svg>/s, "a QR code of the otpauth URI");
  const secret = /<figcaption id="secret">([A-Z2-7=]+)<\/figcaption>/.exec(setup.body)?.[1];
  assert.ok(secret, "the secret, for typing in");
  const fields = fieldsOf(setup);
  assert.equal(fields.mfa_challenge, "MFA_SETUP");
  const right = totpCode(secret, totpStep());
  const wrong = await post(s, jar, { ...fields, code: right === "000000" ? "111111" : "000000" });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body, /Code mismatch/);
  assert.equal(jar.cognito, undefined);
  landedWithCode(await post(s, jar, { ...fieldsOf(wrong), _csrf: fields._csrf!, code: right }));
  assert.ok(jar.cognito, "signed in once the app's code is verified");
  const user = await tc.cloud.cognitoidp.call("AdminGetUser", { UserPoolId: s.poolId, Username: "ned" });
  assert.deepEqual(user.UserMFASettingList, ["SOFTWARE_TOKEN_MFA"]);
  assert.equal(user.PreferredMfaSetting, "SOFTWARE_TOKEN_MFA");
});

test("a pool requiring MFA with only SMS, and a user with no phone number: a clear error page, no code, no session", async () => {
  const s = await site("mfa-nophone", "ON", { sms: true }, { nia: {} });
  const jar: Record<string, string> = {};
  const refused = await signInThroughForm(authorizeUrl(s), "nia", PASSWORD, jar);
  assert.equal(refused.status, 400, refused.body);
  assert.equal(refused.location, undefined);
  assert.equal(jar.cognito, undefined);
  assert.match(refused.body, /mfa_setup_required/);
  assert.match(refused.body, /offers no authenticator app to set up here/);
});

test("a pool with MFA OPTIONAL and a user with no factor signs in on the password, as on AWS", async () => {
  const s = await site("mfa-none", "OPTIONAL", { totp: true }, { ola: {} });
  const jar: Record<string, string> = {};
  landedWithCode(await signInThroughForm(authorizeUrl(s), "ola", PASSWORD, jar));
  assert.ok(jar.cognito);
});
