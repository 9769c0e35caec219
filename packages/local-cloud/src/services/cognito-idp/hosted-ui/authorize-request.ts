/**
 * An /oauth2/authorize (or /login) request, checked in Cognito's order: the client, the
 * redirect URI against its CallbackURLs (until then errors go to the domain's /error
 * page, since the redirect URI is not yet trusted), then — answered on the redirect URI as
 * `error` / `error_description` — OAuth being enabled for the client, the response type
 * and its flow, the scopes, the identity provider (`identity_provider`, or
 * `idp_identifier`) and the PKCE challenge.
 */
import type { Client, Directory, Pool } from "../directory.js";
import { findIdentityProvider, identityProviderByIdentifier, type IdentityProvider } from "../identity-providers.js";
import { grantedScopes } from "./scopes.js";

export interface AuthorizeRequest {
  pool: Pool;
  client: Client;
  responseType: "code" | "token";
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  challenge?: { value: string; method: "S256" | "plain" };
  /** The federated provider `identity_provider` / `idp_identifier` asked for (none: COGNITO or not said). */
  provider?: IdentityProvider;
}

export type Checked =
  | { ok: AuthorizeRequest }
  /** Not trusted to redirect: the domain's error page. */
  | { errorPage: { error: string; description?: string; clientId?: string } }
  /** Told to the client on its redirect URI. */
  | { redirectError: { redirectUri: string; responseType: string; state?: string; error: string; description?: string } };

const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function checkAuthorizeRequest(dir: Directory, poolId: string, q: URLSearchParams): Checked {
  const clientId = q.get("client_id");
  if (!clientId) return { errorPage: { error: "invalid_request", description: "client_id is required" } };
  const row = dir.store.client(clientId);
  if (!row || row.pool_id !== poolId) return { errorPage: { error: "invalid_request", description: `Client ${clientId} does not exist in this user pool.`, clientId } };
  const client = dir.client(clientId);
  const pool = dir.pool(poolId);
  const settings = client.description;
  const callbacks: string[] = settings.CallbackURLs ?? [];
  const redirectUri = q.get("redirect_uri") ?? settings.DefaultRedirectURI;
  if (!redirectUri || !callbacks.includes(redirectUri)) return { errorPage: { error: "redirect_mismatch", clientId } };
  const responseType = q.get("response_type") ?? "";
  const state = q.get("state") ?? undefined;
  const fail = (error: string, description?: string): Checked => ({ redirectError: { redirectUri, responseType, state, error, description } });
  if (!settings.AllowedOAuthFlowsUserPoolClient) return fail("unauthorized_client", "Client is not enabled for OAuth2.0 flows.");
  if (!responseType) return fail("invalid_request", "response_type is required");
  if (responseType !== "code" && responseType !== "token") return fail("unsupported_response_type");
  const flows: string[] = settings.AllowedOAuthFlows ?? [];
  if (!flows.includes(responseType === "code" ? "code" : "implicit")) return fail("unauthorized_client");
  const scopes = grantedScopes(q.get("scope"), settings.AllowedOAuthScopes ?? []);
  if (!scopes) return fail("invalid_scope");
  // identity_provider names the provider; idp_identifier picks one by its IdpIdentifiers.
  const named = q.get("identity_provider");
  const identifier = named === null ? q.get("idp_identifier") : null;
  let provider: IdentityProvider | undefined;
  if (named !== null || identifier !== null) {
    const supported: string[] = settings.SupportedIdentityProviders ?? [];
    const found = named === "COGNITO" ? undefined : named !== null ? findIdentityProvider(dir, poolId, named) : identityProviderByIdentifier(dir, poolId, identifier!);
    const name = named === "COGNITO" ? "COGNITO" : found?.ProviderName;
    if (!name) return fail("invalid_request", named !== null ? `Identity provider ${named} does not exist in this user pool.` : `No identity provider has the identifier ${identifier}.`);
    if (!supported.includes(name)) return fail("invalid_request", `${name} is not a supported identity provider for this client.`);
    provider = found;
  }
  let challenge: AuthorizeRequest["challenge"];
  const value = q.get("code_challenge");
  if (value !== null) {
    if (responseType !== "code") return fail("invalid_request", "code_challenge is only used with response_type code");
    const method = q.get("code_challenge_method") ?? "plain";
    if (method !== "S256" && method !== "plain") return fail("invalid_request", "Unsupported code_challenge_method");
    if (!PKCE_CHALLENGE.test(value)) return fail("invalid_request", "Invalid code_challenge");
    challenge = { value, method };
  } else if (q.get("code_challenge_method") !== null) {
    return fail("invalid_request", "code_challenge is required with code_challenge_method");
  }
  return { ok: { pool, client, responseType, redirectUri, state, nonce: q.get("nonce") ?? undefined, scopes, challenge, provider } };
}

/** A redirect to the client with the answer in the query (code) or the fragment (token), as OAuth 2.0 puts them. */
export function redirectTo(redirectUri: string, responseType: string, params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, v);
  if (responseType === "token") return `${redirectUri.split("#")[0]}#${p}`;
  return `${redirectUri}${redirectUri.includes("?") ? "&" : "?"}${p}`;
}
