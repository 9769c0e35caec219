/**
 * User pools and identity pools are durable: after the local cloud restarts on the same
 * state, users sign in with the passwords they had, tokens issued before still verify
 * against the pool's (same) keys, refresh tokens still refresh, and a returning user
 * gets the same identity id.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestCloud } from "../../testing.js";
import { JwksCache, localUserPoolKeys } from "../../auth/jwt-verify.js";
import { authorizeJwt } from "../apigatewayv2/jwt.js";

test("pools, users, keys, refresh tokens and identities survive a restart", { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cognito-durable-"));
  try {
    let tc = await startTestCloud({ dir });
    const { UserPool } = await tc.cloud.cognitoidp.call("CreateUserPool", { PoolName: "durable" });
    const poolId = UserPool.Id as string;
    const { UserPoolClient } = await tc.cloud.cognitoidp.call("CreateUserPoolClient", { UserPoolId: poolId, ClientName: "c", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    const clientId = UserPoolClient.ClientId as string;
    await tc.cloud.cognitoidp.call("AdminCreateUser", { UserPoolId: poolId, Username: "kai", MessageAction: "SUPPRESS" });
    await tc.cloud.cognitoidp.call("AdminSetUserPassword", { UserPoolId: poolId, Username: "kai", Password: "Passw0rd!", Permanent: true });
    const before = (await tc.cloud.cognitoidp.call("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "kai", PASSWORD: "Passw0rd!" } })).AuthenticationResult;
    const provider = `cognito-idp.us-east-1.amazonaws.com/${poolId}`;
    const { IdentityPoolId } = await tc.cloud.cognitoidentity.call("CreateIdentityPool", { IdentityPoolName: "durable", AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }] });
    const { IdentityId } = await tc.cloud.cognitoidentity.call("GetId", { IdentityPoolId, Logins: { [provider]: before.IdToken } });
    await tc.stop();

    tc = await startTestCloud({ dir });
    try {
      const jwks = new JwksCache(60_000, 1_000, 300, () => "http://127.0.0.1:9", localUserPoolKeys(tc.cloud));
      assert.equal((await authorizeJwt(before.IdToken, { Issuer: `https://${provider}`, Audience: [clientId] }, undefined, jwks)).ok, true, "a token from before the restart verifies");
      const after = await tc.cloud.cognitoidp.call("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "kai", PASSWORD: "Passw0rd!" } });
      assert.ok(after.AuthenticationResult.IdToken);
      const refreshed = await tc.cloud.cognitoidp.call("InitiateAuth", { ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: before.RefreshToken } });
      assert.ok(refreshed.AuthenticationResult.AccessToken);
      const again = await tc.cloud.cognitoidentity.call("GetId", { IdentityPoolId, Logins: { [provider]: after.AuthenticationResult.IdToken } });
      assert.equal(again.IdentityId, IdentityId);
    } finally {
      await tc.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
