/**
 * `sst dev` / `sst local` print each user pool domain's local hosted UI URL: a domain created
 * while the log is attached, and the domains that already existed when it attached (a restart
 * on saved state). The printed URL answers.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolDomainCommand } from "@aws-sdk/client-cognito-identity-provider";
import { startTestCloud, type TestCloud } from "../../../local-cloud/src/testing.js";
import { request } from "../../../local-cloud/src/services/cognito-idp/hosted-ui/hosted-ui.testing.js";
import { attachCognitoCodeLog } from "./cognito-codes.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
before(async () => {
  tc = await startTestCloud();
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
});
after(async () => {
  idp?.destroy();
  await tc?.stop();
});

test("each user pool domain's hosted UI URL is printed, existing ones when the log attaches", async () => {
  const port = new URL(tc.clientConfig.endpoint).port;
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "p" }));
  const poolId = UserPool!.Id!;
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "before-log" }));
  const lines: string[] = [];
  const detach = attachCognitoCodeLog(tc.cloud.events, { line: (...p: string[]) => lines.push(p.join(" ")) } as any, () => tc.cloud.cognitoidp.localDomains());
  const { UserPool: other } = await idp.send(new CreateUserPoolCommand({ PoolName: "q" }));
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: other!.Id!, Domain: "after-log" }));
  detach();
  assert.deepEqual(lines, [
    `|  Cognito ${poolId}: domain before-log: hosted UI and OAuth endpoints at http://before-log.auth.us-east-1.localhost:${port}`,
    `|  Cognito ${other!.Id}: domain after-log: hosted UI and OAuth endpoints at http://after-log.auth.us-east-1.localhost:${port}`,
  ]);
  const discovery = await request(`http://after-log.auth.us-east-1.localhost:${port}/.well-known/openid-configuration`);
  assert.equal(JSON.parse(discovery.body).issuer, `https://cognito-idp.us-east-1.amazonaws.com/${other!.Id}`);
});

test("an identity provider that cannot sign anyone in locally is said once, when it is created; an OIDC one is not", async () => {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "idp-log" }));
  const poolId = UserPool!.Id!;
  const lines: string[] = [];
  const detach = attachCognitoCodeLog(tc.cloud.events, { line: (...p: string[]) => lines.push(p.join(" ")) } as any);
  await tc.cloud.cognitoidp.call("CreateIdentityProvider", { UserPoolId: poolId, ProviderName: "Facebook", ProviderType: "Facebook", ProviderDetails: { client_id: "f", client_secret: "s", authorize_scopes: "email" } });
  await tc.cloud.cognitoidp.call("CreateIdentityProvider", {
    UserPoolId: poolId, ProviderName: "Corp", ProviderType: "OIDC",
    ProviderDetails: { client_id: "c", authorize_scopes: "openid", attributes_request_method: "GET", oidc_issuer: "https://corp.example.com" },
  });
  detach();
  assert.deepEqual(lines, [
    `|  Cognito ${poolId}: identity provider Facebook: Facebook signs users in on Facebook's own servers, which the local cloud does not reach (no internet, no app registered with them). Locally, use an OIDC identity provider pointed at a local issuer, or the pool's own users.`,
  ]);
});
