/**
 * The local cloud's token verifiers and its own user pools: the HTTP API JWT authorizer
 * and the REST Cognito authorizer take a local pool's tokens after checking their
 * signature against the pool's keys in-process (with no network: the outside world is
 * pointed at an address that answers nothing), and refuse tokens that were tampered
 * with, signed by another key, expired, or of another pool.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand, AdminInitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../testing.js";
import { useTestCloud } from "../../test-fixtures.js";
import { decodeJwt, JwksCache, localUserPoolKeys } from "../../auth/jwt-verify.js";
import { authorizeJwt } from "../apigatewayv2/jwt.js";
import { authorizeCognito } from "../apigatewayv2/rest/cognito-authorizer.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let jwks: JwksCache;
let poolId: string;
let clientId: string;
let tokens: { IdToken?: string; AccessToken?: string };

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  // Any fetch of an outside issuer goes to a port nothing listens on.
  jwks = new JwksCache(60_000, 1_000, 300, () => "http://127.0.0.1:9", localUserPoolKeys(tc.cloud));
  poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: "verifiers" }))).UserPool!.Id!;
  clientId = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "c", ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }))).UserPoolClient!.ClientId!;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "ivy", MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "ivy", Password: "Passw0rd!", Permanent: true }));
  tokens = (await idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ivy", PASSWORD: "Passw0rd!" } }))).AuthenticationResult!;
  return idp;
});

const issuer = () => `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
const poolArn = () => `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`;

/** The token with its payload changed and its original signature kept. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [h, p, s] = token.split(".");
  const payload = { ...JSON.parse(Buffer.from(p!, "base64url").toString()), ...change };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
}

/** The token's claims signed by a key of our own, under the pool's kid. */
function resigned(token: string): string {
  const jwt = decodeJwt(token)!;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const h = Buffer.from(JSON.stringify(jwt.header)).toString("base64url");
  const p = Buffer.from(JSON.stringify(jwt.payload)).toString("base64url");
  return `${h}.${p}.${sign("sha256", Buffer.from(`${h}.${p}`), privateKey).toString("base64url")}`;
}

test("HTTP API JWT authorizer: a local pool's token passes; tampered, re-signed, foreign-kid, expired and wrong-audience ones fail", async () => {
  const config = { Issuer: issuer(), Audience: [clientId] };
  const ok = await authorizeJwt(`Bearer ${tokens.IdToken}`, config, undefined, jwks);
  assert.equal(ok.ok, true);
  if (ok.ok) assert.equal(ok.claims["cognito:username"], "ivy");
  assert.equal((await authorizeJwt(tokens.AccessToken, config, undefined, jwks)).ok, true, "an access token's client_id is its audience");
  const refusal = async (token: string, now?: number) => {
    const r = await authorizeJwt(token, config, undefined, jwks, now);
    assert.equal(r.ok, false);
    return r.ok ? "" : r.description;
  };
  assert.equal(await refusal(tampered(tokens.IdToken!, { "cognito:username": "admin" })), "the token signature is invalid");
  assert.equal(await refusal(resigned(tokens.IdToken!)), "the token signature is invalid");
  const jwt = decodeJwt(tokens.IdToken!)!;
  const otherKid = `${Buffer.from(JSON.stringify({ ...jwt.header, kid: "someone-else" })).toString("base64url")}.${tokens.IdToken!.split(".").slice(1).join(".")}`;
  assert.equal(await refusal(otherKid), "the token was not signed by a key of the issuer");
  assert.equal(await refusal(tokens.IdToken!, jwt.payload.exp + 1), "the token has expired");
  assert.equal((await authorizeJwt(tokens.IdToken, { Issuer: issuer(), Audience: ["another-client"] }, undefined, jwks)).ok, false);
});

test("REST Cognito authorizer: the pool's ID token passes, a forged one and another pool's do not", async () => {
  assert.equal((await authorizeCognito(tokens.IdToken, [poolArn()], undefined, jwks)).ok, true);
  assert.equal((await authorizeCognito(tampered(tokens.IdToken!, { email: "x@example.com" }), [poolArn()], undefined, jwks)).ok, false);
  assert.equal((await authorizeCognito(resigned(tokens.IdToken!), [poolArn()], undefined, jwks)).ok, false);
  assert.equal((await authorizeCognito(tokens.IdToken, ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Another1"], undefined, jwks)).ok, false);
  assert.equal((await authorizeCognito(tokens.AccessToken, [poolArn()], undefined, jwks)).ok, false, "a method without scopes takes an ID token");
});
