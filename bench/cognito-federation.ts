/**
 * Benchmark: a sign-in through a federated OIDC identity provider on a user pool domain's
 * hosted UI, beside a baseline measured in the same run.
 *
 *   node --import tsx bench/cognito-federation.ts [rounds]
 *
 * Medians over `rounds` (default 5) of ms CPU per sign-in, client, local cloud and the
 * upstream provider (the `oidc-provider` package) all in this process, over HTTP on loopback:
 *  - federated: GET /oauth2/authorize?identity_provider=… → the provider's authorize, its
 *    sign-in form posted, its consent → /oauth2/idpresponse (discovery, code exchange, ID
 *    token checked against the provider's JWKS, userinfo, the user's attributes refreshed,
 *    tokens signed) → POST /oauth2/token;
 *  - baseline: the same app's code flow through the hosted UI's own sign-in form (a scrypt
 *    password check instead of the provider's round trip).
 */
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { followToCallback, form, request, signInThroughForm } from "../packages/local-cloud/src/services/cognito-idp/hosted-ui/hosted-ui.testing.js";
import { startOidcProvider } from "../tests/helpers/oidc-provider.js";
import { cpuUsPerCall, median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);

/** CPU µs per call of `fn`, over `calls` calls after a warm-up. */
const perCall = (fn: () => Promise<unknown>, calls: number) => cpuUsPerCall(fn, { warmup: 3, calls });

const tc = await startTestCloud();
const upstream = await startOidcProvider();
const idp = tc.cloud.cognitoidp;
const base = `http://bench-fed.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
upstream.register([{
  client_id: "cognito", client_secret: "secret", redirect_uris: [`${base}/oauth2/idpresponse`],
  response_types: ["code"], grant_types: ["authorization_code"], token_endpoint_auth_method: "client_secret_post",
}]);
const { UserPool } = await idp.call("CreateUserPool", { PoolName: "bench" });
const poolId = UserPool.Id as string;
await idp.call("CreateUserPoolDomain", { UserPoolId: poolId, Domain: "bench-fed" });
await idp.call("CreateIdentityProvider", {
  UserPoolId: poolId, ProviderName: "Upstream", ProviderType: "OIDC", AttributeMapping: { email: "email" },
  ProviderDetails: { client_id: "cognito", client_secret: "secret", authorize_scopes: "openid email", attributes_request_method: "GET", oidc_issuer: upstream.issuer },
});
const CALLBACK = "http://localhost:3000/cb";
const { UserPoolClient: web } = await idp.call("CreateUserPoolClient", {
  UserPoolId: poolId, ClientName: "web", AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email"],
  CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO", "Upstream"],
});
await idp.call("AdminCreateUser", { UserPoolId: poolId, Username: "bench", MessageAction: "SUPPRESS" });
await idp.call("AdminSetUserPassword", { UserPoolId: poolId, Username: "bench", Password: "Passw0rd!", Permanent: true });

const authorize = (extra: Record<string, string> = {}) =>
  `${base}/oauth2/authorize?${new URLSearchParams({ client_id: web.ClientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", ...extra })}`;

async function exchange(callback: URL) {
  const r = await request(`${base}/oauth2/token`, form({ grant_type: "authorization_code", client_id: web.ClientId, code: callback.searchParams.get("code")!, redirect_uri: CALLBACK }));
  if (r.status !== 200) throw new Error(r.body);
}

const federated = async () => exchange(await followToCallback(authorize({ identity_provider: "Upstream" }), CALLBACK, "fed-user"));
const formSignIn = async () => exchange((await signInThroughForm(authorize(), "bench", "Passw0rd!")).location!);

const fed: number[] = [], baseline: number[] = [];
for (let r = 0; r < rounds; r++) {
  fed.push(await perCall(federated, 10));
  baseline.push(await perCall(formSignIn, 10));
}
await upstream.stop();
await tc.stop();
const f = median(fed), b = median(baseline);
console.log(`federated OIDC sign-in (cloud + upstream provider), per sign-in   ${(f / 1000).toFixed(2)} ms CPU   baseline hosted UI form sign-in ${(b / 1000).toFixed(2)} ms   ratio ${(f / b).toFixed(2)}`);
