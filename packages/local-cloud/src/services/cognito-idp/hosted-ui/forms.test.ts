/**
 * The hosted UI's other forms, walked over HTTP as a browser posts them: sign-up (email
 * usernames, a client with a secret: the hosted UI computes SECRET_HASH) → the confirm form
 * with the printed code → sign-in; an unconfirmed user sent to the confirm form; forgot
 * password → reset with the code; an admin-created user's temporary password → the
 * new-password form → the callback; a PreAuthentication trigger's refusal on the form;
 * a form posted without its CSRF cookie.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand, CreateUserPoolDomainCommand, AdminCreateUserCommand, AdminGetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../../testing.js";
import { useTestCloud } from "../../../test-fixtures.js";
import { cookieHeader, cookiesOf, form, request, signInThroughForm, type Answer } from "./hosted-ui.testing.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
let base: string;
const CALLBACK = "https://app.example.com/cb";
const codes: { destination: string; username: string; purpose: string; code: string }[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "forms", UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"] }));
  poolId = UserPool!.Id!;
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "forms-app" }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "web", GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: ["openid", "email"], CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO"],
  }));
  clientId = UserPoolClient!.ClientId!;
  base = `http://forms-app.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
  return idp;
});

const query = () => `?${new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", state: "s" })}`;

/** GET a form page (keeping its CSRF cookie), then POST `fields` to it. */
async function submit(path: string, fields: Record<string, string>, jar: Record<string, string> = {}): Promise<Answer> {
  const page = await request(`${base}${path}${query()}`, { headers: { cookie: cookieHeader(jar) } });
  assert.equal(page.status, 200, page.body);
  cookiesOf(page, jar);
  return postForm(path, fields, jar, /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
}

async function postForm(path: string, fields: Record<string, string>, jar: Record<string, string>, csrf: string): Promise<Answer> {
  const r = await request(`${base}${path}${query()}`, { ...form({ _csrf: csrf, ...fields }), headers: { ...form({}).headers, cookie: cookieHeader(jar) } });
  cookiesOf(r, jar);
  return r;
}

const lastCode = (email: string, purpose: string) => [...codes].reverse().find((c) => c.destination === email && c.purpose === purpose)!.code;

test("sign up on the form, confirm with the printed code, then sign in and land on the callback", async () => {
  const jar: Record<string, string> = {};
  const signUp = await submit("/signup", { username: "dee@example.com", password: "Dee-pass-1" }, jar);
  assert.equal(signUp.status, 200, signUp.body);
  assert.match(signUp.body, /Confirm your account/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(signUp.body)![1]!;
  const wrong = await postForm("/confirm", { username: "dee@example.com", code: "000000" }, jar, csrf);
  assert.equal(wrong.status, 400);
  assert.match(wrong.body, /Invalid verification code provided, please try again\./);
  const confirmed = await postForm("/confirm", { username: "dee@example.com", code: lastCode("dee@example.com", "signup") }, jar, csrf);
  assert.match(confirmed.body, /Your account is confirmed/);
  const landed = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "dee@example.com", "Dee-pass-1");
  assert.equal(landed.location!.origin + landed.location!.pathname, CALLBACK);
  assert.ok(landed.location!.searchParams.get("code"));
});

test("sign-up errors are shown on the form; an unconfirmed user is sent to the confirm form", async () => {
  const weak = await submit("/signup", { username: "eve@example.com", password: "short" });
  assert.equal(weak.status, 400);
  assert.match(weak.body, /Password did not conform with policy/);
  await submit("/signup", { username: "fay@example.com", password: "Fay-pass-1" });
  const unconfirmed = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "fay@example.com", "Fay-pass-1");
  assert.equal(unconfirmed.status, 200);
  assert.match(unconfirmed.body, /Confirm your account/);
});

test("forgot password: the reset code from the log sets a new password that then signs in", async () => {
  await submit("/signup", { username: "gus@example.com", password: "Gus-pass-1" });
  await submit("/confirm", { username: "gus@example.com", code: lastCode("gus@example.com", "signup") });
  const jar: Record<string, string> = {};
  const asked = await submit("/forgotPassword", { username: "gus@example.com" }, jar);
  assert.match(asked.body, /Reset your password/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(asked.body)![1]!;
  const reset = await postForm("/confirmForgotPassword", { username: "gus@example.com", code: lastCode("gus@example.com", "forgot"), password: "Gus-new-pass-2" }, jar, csrf);
  assert.match(reset.body, /Your password has been changed/);
  const old = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "gus@example.com", "Gus-pass-1");
  assert.match(old.body, /Incorrect username or password\./);
  const landed = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "gus@example.com", "Gus-new-pass-2");
  assert.equal(landed.location!.origin + landed.location!.pathname, CALLBACK);
});

test("a temporary password leads to the new-password form, then to the callback", async () => {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "hal@example.com", TemporaryPassword: "Temp-pass-1", MessageAction: "SUPPRESS" }));
  const jar: Record<string, string> = {};
  const page = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "hal@example.com", "Temp-pass-1", jar);
  assert.equal(page.status, 200, page.body);
  assert.match(page.body, /Please enter a new password/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const pending = /name="pending" value="([^"]+)"/.exec(page.body)![1]!;
  const landed = await postForm("/login", { pending, new_password: "Hal-final-1" }, jar, csrf);
  assert.equal(landed.status, 302, landed.body);
  assert.equal(landed.location!.origin + landed.location!.pathname, CALLBACK);
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "hal@example.com" }));
  assert.equal(user.UserStatus, "CONFIRMED");
});

test("a form posted without the CSRF cookie it was served with is refused", async () => {
  const page = await request(`${base}/login${query()}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const r = await request(`${base}/login${query()}`, form({ _csrf: csrf, username: "dee@example.com", password: "Dee-pass-1" }));
  assert.equal(r.status, 403);
  assert.match(r.body, /CSRF token mismatch/);
});

test("an unknown domain answers 404", async () => {
  const r = await request(`http://no-such-domain.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}/oauth2/authorize${query()}`);
  assert.equal(r.status, 404);
});
