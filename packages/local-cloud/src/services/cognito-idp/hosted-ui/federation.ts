/**
 * Signing in through a federated identity provider: `/oauth2/authorize?identity_provider=X`
 * (or `idp_identifier`, or the sign-in page's button) sends the browser to the provider's
 * authorize endpoint, the provider sends it back to `/oauth2/idpresponse` with a code, and
 * the hosted UI exchanges it, checks the ID token (upstream-oidc.ts), makes or finds the
 * pool's user (federated-users.ts) and answers the app's authorize request as a sign-in on
 * the form would. OIDC providers are served; Google, Facebook, Login with Amazon, Sign in
 * with Apple and SAML sign in at their own servers, which the local cloud cannot reach, so
 * their button explains that instead.
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { Directory, Pool } from "../directory.js";
import { federatedUser } from "../federated-users.js";
import { findIdentityProvider, unreachableProviderMessage } from "../identity-providers.js";
import { redirectTo, type AuthorizeRequest } from "./authorize-request.js";
import { domainBaseUrl } from "./domain-host.js";
import { redirect } from "./http.js";
import { errorPage } from "./pages.js";
import { checkedRequest } from "./requests.js";
import type { SignInForm } from "./sign-in.js";
import { formOf } from "./token-endpoint.js";
import { claimsForCode, oidcEndpoints, upstreamAuthorizeUrl, UpstreamError, type OidcEndpoints } from "./upstream-oidc.js";

/** How long the provider has to send the browser back (Cognito's sign-in pages last about as long). */
const PENDING_TTL_MS = 10 * 60_000;

interface PendingSignIn {
  poolId: string;
  /** The app's authorize request (without the provider choice), answered once the provider is through. */
  query: string;
  providerName: string;
  endpoints: OidcEndpoints;
  redirectUri: string;
  nonce: string;
  expires: number;
}

export class Federation {
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(
    private readonly dir: Directory,
    private readonly signIn: SignInForm,
  ) {}

  /** Off to the provider's authorize endpoint, remembering the app's request under a fresh state. */
  async start(req: AwsRequest, areq: AuthorizeRequest): Promise<AwsResponse> {
    const provider = areq.provider!;
    if (provider.ProviderType !== "OIDC") return errorPage("unsupported_identity_provider", unreachableProviderMessage(provider));
    let endpoints: OidcEndpoints;
    try {
      endpoints = await oidcEndpoints(provider);
    } catch (e) {
      if (e instanceof UpstreamError) return errorPage("invalid_request", `The identity provider ${provider.ProviderName} is not reachable: ${e.message}.`);
      throw e;
    }
    const now = Date.now();
    for (const [k, v] of this.pending) if (v.expires < now) this.pending.delete(k);
    const state = randomBytes(24).toString("base64url");
    const nonce = randomBytes(24).toString("base64url");
    const query = new URLSearchParams(req.query);
    query.delete("identity_provider");
    query.delete("idp_identifier");
    const redirectUri = `${domainBaseUrl(req.headers.host ?? "")}/oauth2/idpresponse`;
    this.pending.set(state, { poolId: areq.pool.id, query: query.toString(), providerName: provider.ProviderName, endpoints, redirectUri, nonce, expires: now + PENDING_TTL_MS });
    return redirect(upstreamAuthorizeUrl(provider, endpoints, { redirectUri, state, nonce }));
  }

  /** /oauth2/idpresponse: the provider's answer (a query, or a form post), turned into the app's. */
  async response(req: AwsRequest, pool: Pool): Promise<AwsResponse> {
    const params = req.method === "POST" ? formOf(req.headers, req.body as Buffer) : req.query;
    const state = params.get("state") ?? "";
    const pending = this.pending.get(state);
    this.pending.delete(state);
    if (!pending || pending.poolId !== pool.id || pending.expires < Date.now()) {
      return errorPage("invalid_request", "This sign-in through an identity provider is unknown or has expired: start again from the app.");
    }
    const checked = checkedRequest(this.dir, new URLSearchParams(pending.query), pool);
    if ("response" in checked) return checked.response;
    const areq = checked.ok;
    const toApp = (error: string, description: string) => redirect(redirectTo(areq.redirectUri, areq.responseType, { error_description: description, error, state: areq.state }));
    const upstreamError = params.get("error");
    if (upstreamError) return toApp(upstreamError, params.get("error_description") ?? `${pending.providerName} answered ${upstreamError}`);
    const code = params.get("code");
    if (!code) return toApp("invalid_request", `${pending.providerName} sent no authorization code`);
    const provider = findIdentityProvider(this.dir, pool.id, pending.providerName);
    if (!provider) return toApp("invalid_request", `Identity provider ${pending.providerName} does not exist in this user pool.`);
    try {
      const claims = await claimsForCode(provider, pending.endpoints, { code, redirectUri: pending.redirectUri, nonce: pending.nonce });
      const user = await federatedUser(this.dir, { pool, client: areq.client, provider, claims });
      return await this.signIn.signedIn(areq, user);
    } catch (e) {
      // Cognito hands a failed federated sign-in (a trigger's error included) back to the app.
      if (e instanceof UpstreamError || e instanceof AwsError) return toApp("invalid_request", e.message);
      throw e;
    }
  }
}
