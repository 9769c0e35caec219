/**
 * The UserMigration trigger from the hosted UI: a name the pool does not know, signed in on
 * the form with its old password, is migrated (UserMigration_Authentication) and lands on
 * the callback; a wrong old password is the form's "Incorrect" error, nobody created; the
 * forgot-password form migrates an unknown name (UserMigration_ForgotPassword) and the
 * reset code it prints sets the new password.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AdminGetUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { TestCloud } from "../../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../../test-fixtures.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";
import { inlineTriggerFunctions } from "../trigger-functions.testing.js";
import { cookieHeader, cookiesOf, form, request, signInThroughForm } from "./hosted-ui.testing.js";

const CALLBACK = "https://app.example.com/cb";
const MIGRATE = `exports.handler = async (event) => {
  console.log("EVENT " + JSON.stringify(event));
  const known = { "old@example.com": "Old-passw0rd", "forgot@example.com": "unused" };
  if (!(event.userName in known)) throw new Error("Bad user");
  if (event.triggerSource === "UserMigration_Authentication" && known[event.userName] !== event.request.password) throw new Error("Bad password");
  event.response.userAttributes = { email: event.userName, email_verified: "true" };
  event.response.finalUserStatus = "CONFIRMED";
  event.response.messageAction = "SUPPRESS";
  return event;
};`;

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
let base: string;
const sources: string[] = [];
const codes: { destination: string; purpose: string; code: string }[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("lambda:log", (e) => {
    const at = e.line.indexOf("EVENT ");
    if (at >= 0) sources.push(JSON.parse(e.line.slice(at + 6)).triggerSource);
  });
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  const { outputs } = await deployTestStack(tc.cloud, "migrating-ui", {
    Resources: {
      ...inlineTriggerFunctions({ Migrate: { name: "migrate-ui", code: MIGRATE } }),
      Pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolName: "migrating-ui", UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"], LambdaConfig: { UserMigration: { "Fn::GetAtt": ["Migrate", "Arn"] } } } },
      Domain: { Type: "AWS::Cognito::UserPoolDomain", Properties: { UserPoolId: { Ref: "Pool" }, Domain: "migrating-ui" } },
      Client: {
        Type: "AWS::Cognito::UserPoolClient",
        Properties: { UserPoolId: { Ref: "Pool" }, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email"], CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO"] },
      },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  poolId = outputs.PoolId!;
  clientId = outputs.ClientId!;
  base = `http://migrating-ui.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
  return idp;
});

const query = () => `?${new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", state: "s" })}`;

test("signing in on the form with an old system's password migrates the user and lands on the callback", async () => {
  const wrong = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "old@example.com", "Not-the-passw0rd");
  assert.equal(wrong.status, 400);
  assert.match(wrong.body, /Exception migrating user in app client/);
  await rejectsWithAwsError(idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "old@example.com" })), "UserNotFoundException");
  const answer = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "old@example.com", "Old-passw0rd");
  assert.equal(answer.status, 302, answer.body);
  assert.equal(answer.location!.origin + answer.location!.pathname, CALLBACK);
  assert.ok(answer.location!.searchParams.get("code"));
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "old@example.com" }));
  assert.equal(user.UserStatus, "CONFIRMED");
  assert.deepEqual(sources, ["UserMigration_Authentication", "UserMigration_Authentication"]);
});

test("the forgot-password form migrates an unknown name; its reset code sets the new password", async () => {
  const page = await request(`${base}/forgotPassword${query()}`);
  const jar = cookiesOf(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const post = (path: string, fields: Record<string, string>) => request(`${base}${path}${query()}`, { ...form({ _csrf: csrf, ...fields }), headers: { ...form({}).headers, cookie: cookieHeader(jar) } });
  const sent = await post("/forgotPassword", { username: "forgot@example.com" });
  assert.equal(sent.status, 200, sent.body);
  assert.match(sent.body, /Reset your password/);
  assert.equal(sources.at(-1), "UserMigration_ForgotPassword");
  const code = codes.find((c) => c.destination === "forgot@example.com" && c.purpose === "forgot")!.code;
  const reset = await post("/confirmForgotPassword", { username: "forgot@example.com", code, password: "New-passw0rd!" });
  assert.equal(reset.status, 200, reset.body);
  assert.match(reset.body, /Your password has been changed/);
  const signedIn = await signInThroughForm(`${base}/oauth2/authorize${query()}`, "forgot@example.com", "New-passw0rd!");
  assert.equal(signedIn.location!.origin + signedIn.location!.pathname, CALLBACK);
});
