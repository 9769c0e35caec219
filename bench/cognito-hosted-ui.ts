/**
 * Benchmark: a sign-in through a user pool domain's hosted UI, beside a baseline measured in
 * the same run.
 *
 *   node --import tsx bench/cognito-hosted-ui.ts [rounds]
 *
 * Medians over `rounds` (default 5) of ms CPU per sign-in, client and local cloud in this
 * process, over HTTP on loopback:
 *  - the code flow with PKCE: GET /oauth2/authorize (→ /login), GET /login, POST /login
 *    (scrypt check, triggers, tokens signed), POST /oauth2/token (code + verifier);
 *  - baseline: one InitiateAuth USER_PASSWORD_AUTH over HTTP (the same scrypt check and
 *    signatures, one request).
 * And µs CPU per client_credentials token beside a userInfo call (one RS256 verification).
 */
import { createHash, randomBytes } from "node:crypto";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { form, request, signInThroughForm } from "../packages/local-cloud/src/services/cognito-idp/hosted-ui/hosted-ui.testing.js";
import { cpuUsPerCall, median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);

/** CPU µs per call of `fn`, over `calls` calls after a warm-up. */
const perCall = (fn: () => Promise<unknown>, calls: number) => cpuUsPerCall(fn, { warmup: 3, calls });

const tc = await startTestCloud();
const idp = tc.cloud.cognitoidp;
const { UserPool } = await idp.call("CreateUserPool", { PoolName: "bench" });
const poolId = UserPool.Id as string;
await idp.call("CreateUserPoolDomain", { UserPoolId: poolId, Domain: "bench-ui" });
await idp.call("CreateResourceServer", { UserPoolId: poolId, Identifier: "api", Name: "api", Scopes: [{ ScopeName: "read", ScopeDescription: "r" }] });
const CALLBACK = "http://localhost:3000/cb";
const { UserPoolClient: web } = await idp.call("CreateUserPoolClient", {
  UserPoolId: poolId, ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email"], CallbackURLs: [CALLBACK],
});
const { UserPoolClient: machine } = await idp.call("CreateUserPoolClient", {
  UserPoolId: poolId, ClientName: "m", GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["client_credentials"], AllowedOAuthScopes: ["api/read"],
});
await idp.call("AdminCreateUser", { UserPoolId: poolId, Username: "bench", MessageAction: "SUPPRESS" });
await idp.call("AdminSetUserPassword", { UserPoolId: poolId, Username: "bench", Password: "Passw0rd!", Permanent: true });
const base = `http://bench-ui.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;

async function codeFlow() {
  const verifier = randomBytes(32).toString("base64url");
  const q = new URLSearchParams({ client_id: web.ClientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256" });
  const landed = await signInThroughForm(`${base}/oauth2/authorize?${q}`, "bench", "Passw0rd!");
  const code = landed.location!.searchParams.get("code")!;
  const r = await request(`${base}/oauth2/token`, form({ grant_type: "authorization_code", client_id: web.ClientId, code, redirect_uri: CALLBACK, code_verifier: verifier }));
  if (r.status !== 200) throw new Error(r.body);
}

async function initiateAuth() {
  const r = await request(tc.clientConfig.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ ClientId: web.ClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bench", PASSWORD: "Passw0rd!" } }),
  });
  if (r.status !== 200) throw new Error(r.body);
}

const basic = `Basic ${Buffer.from(`${machine.ClientId}:${machine.ClientSecret}`).toString("base64")}`;
async function clientCredentials() {
  const r = await request(`${base}/oauth2/token`, { ...form({ grant_type: "client_credentials" }), headers: { ...form({}).headers, authorization: basic } });
  if (r.status !== 200) throw new Error(r.body);
}
const accessToken = await (async () => {
  const verifier = randomBytes(32).toString("base64url");
  const q = new URLSearchParams({ client_id: web.ClientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256" });
  const landed = await signInThroughForm(`${base}/oauth2/authorize?${q}`, "bench", "Passw0rd!");
  const r = await request(`${base}/oauth2/token`, form({ grant_type: "authorization_code", client_id: web.ClientId, code: landed.location!.searchParams.get("code")!, redirect_uri: CALLBACK, code_verifier: verifier }));
  return JSON.parse(r.body).access_token as string;
})();
async function userInfo() {
  const r = await request(`${base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (r.status !== 200) throw new Error(r.body);
}

const flow: number[] = [], baseline: number[] = [], cc: number[] = [], info: number[] = [];
for (let r = 0; r < rounds; r++) {
  flow.push(await perCall(codeFlow, 20));
  baseline.push(await perCall(initiateAuth, 20));
  cc.push(await perCall(clientCredentials, 200));
  info.push(await perCall(userInfo, 200));
}
await tc.stop();
const f = median(flow), b = median(baseline), c = median(cc), u = median(info);
console.log(`hosted UI code flow + PKCE, per sign-in   ${(f / 1000).toFixed(2)} ms CPU   baseline InitiateAuth USER_PASSWORD_AUTH ${(b / 1000).toFixed(2)} ms   ratio ${(f / b).toFixed(2)}`);
console.log(`client_credentials token                   ${c.toFixed(0)} µs CPU     baseline userInfo ${u.toFixed(0)} µs           ratio ${(c / u).toFixed(2)}`);
