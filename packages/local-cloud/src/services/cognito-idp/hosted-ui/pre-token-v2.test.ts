/**
 * The hosted UI's tokens through a V2 PreTokenGeneration trigger (the two branches meeting
 * in auth.ts `tokens()`): the trigger sees the OAuth grant's scopes as `request.scopes`
 * (source TokenGeneration_HostedAuth), its scopesToAdd / scopesToSuppress rewrite the access
 * token's `scope`, and the OAuth claims (`version` 2, `at_hash`, `nonce`) are kept.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../../testing.js";
import { useTestCloud } from "../../../test-fixtures.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { inlineTriggerFunctions } from "../trigger-functions.testing.js";
import { form, request, signInThroughForm } from "./hosted-ui.testing.js";

const CALLBACK = "https://app.example.com/cb";
const PRE_TOKEN_V2 = `exports.handler = async (event) => {
  console.log("EVENT " + JSON.stringify(event));
  event.response = { claimsAndScopeOverrideDetails: {
    accessTokenGeneration: { claimsToAddOrOverride: { tenant: "acme", version: 9 }, scopesToAdd: ["orders/read"], scopesToSuppress: ["email"] },
  } };
  return event;
};`;

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
let base: string;
const events: any[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("lambda:log", (e) => {
    const at = e.line.indexOf("EVENT ");
    if (e.functionName === "hosted-pre-token" && at >= 0) events.push(JSON.parse(e.line.slice(at + 6)));
  });
  const { outputs } = await deployTestStack(tc.cloud, "hostedv2", {
    Resources: {
      ...inlineTriggerFunctions({ PreToken: { name: "hosted-pre-token", code: PRE_TOKEN_V2 } }),
      Pool: {
        Type: "AWS::Cognito::UserPool",
        Properties: { UserPoolName: "hosted-v2", LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: { "Fn::GetAtt": ["PreToken", "Arn"] }, LambdaVersion: "V2_0" } } },
      },
      Domain: { Type: "AWS::Cognito::UserPoolDomain", Properties: { UserPoolId: { Ref: "Pool" }, Domain: "hosted-v2" } },
      Client: {
        Type: "AWS::Cognito::UserPoolClient",
        Properties: {
          UserPoolId: { Ref: "Pool" }, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email"],
          CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO"],
        },
      },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  poolId = outputs.PoolId!;
  clientId = outputs.ClientId!;
  base = `http://hosted-v2.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "vic", MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "vic", Password: "Passw0rd!", Permanent: true }));
  return idp;
});

test("a V2 trigger sees the OAuth scopes and rewrites the access token's; version, at_hash and nonce stay", async () => {
  const q = new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", state: "s", nonce: "n-42" });
  const landed = await signInThroughForm(`${base}/oauth2/authorize?${q}`, "vic", "Passw0rd!");
  assert.equal(landed.status, 302, landed.body);
  const code = landed.location!.searchParams.get("code")!;
  const exchanged = await request(`${base}/oauth2/token`, form({ grant_type: "authorization_code", client_id: clientId, code, redirect_uri: CALLBACK }));
  assert.equal(exchanged.status, 200, exchanged.body);
  const tokens = JSON.parse(exchanged.body);

  const event = events.at(-1);
  assert.equal(event.version, "2");
  assert.equal(event.triggerSource, "TokenGeneration_HostedAuth");
  assert.deepEqual(event.request.scopes, ["openid", "email"]);

  const access = decodeJwt(tokens.access_token)!.payload;
  assert.equal(access.scope, "openid orders/read");
  assert.equal(access.tenant, "acme");
  assert.equal(access.version, 2, "version is reserved: the trigger cannot change it");
  const id = decodeJwt(tokens.id_token)!.payload;
  assert.equal(id.nonce, "n-42");
  assert.equal(id.at_hash, createHash("sha256").update(tokens.access_token).digest().subarray(0, 16).toString("base64url"));
});
