/**
 * The hosted UI as the client of an upstream OpenID provider (a pool's OIDC identity
 * provider): its endpoints (ProviderDetails' authorize_url / token_url / attributes_url /
 * jwks_uri, else the issuer's discovery document), the code exchange at its token endpoint
 * (client_secret_post, as Cognito sends it), the ID token checked (signature by the
 * issuer's keys, iss, aud, exp, nonce) and its userinfo answer.
 */
import { checkJwtSignature, decodeJwt, fetchJwks } from "../../../auth/jwt-verify.js";
import type { IdentityProvider } from "../identity-providers.js";

const TIMEOUT_MS = 5000;
/** Clock skew an upstream ID token's exp / iat may have. */
const SKEW_S = 300;

export interface OidcEndpoints {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  attributesUrl?: string;
  jwksUri: string;
}

/** Why the sign-in through the provider failed: told to the app as Cognito tells it, on its redirect URI. */
export class UpstreamError extends Error {}

async function getJson(url: string, init: RequestInit = {}): Promise<any> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new UpstreamError(`${url} could not be reached from the local cloud (${(e as Error).cause ?? (e as Error).message})`);
  }
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${url} answered ${res.status} with something other than JSON`);
  }
  if (!res.ok) throw new UpstreamError(`${url} answered ${res.status}: ${body?.error_description ?? body?.error ?? text}`);
  return body;
}

export async function oidcEndpoints(provider: IdentityProvider): Promise<OidcEndpoints> {
  const d = provider.ProviderDetails;
  const issuer = d.oidc_issuer!;
  if (d.authorize_url && d.token_url && d.jwks_uri) return { issuer, authorizeUrl: d.authorize_url, tokenUrl: d.token_url, attributesUrl: d.attributes_url, jwksUri: d.jwks_uri };
  const doc = await getJson(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri) throw new UpstreamError(`The discovery document of ${issuer} lacks authorization_endpoint, token_endpoint or jwks_uri`);
  return { issuer, authorizeUrl: doc.authorization_endpoint, tokenUrl: doc.token_endpoint, attributesUrl: doc.userinfo_endpoint, jwksUri: doc.jwks_uri };
}

/** Where the hosted UI sends the browser: the provider's authorize URL for a code, with our state and nonce. */
export function upstreamAuthorizeUrl(provider: IdentityProvider, endpoints: OidcEndpoints, o: { redirectUri: string; state: string; nonce: string }): string {
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set("client_id", provider.ProviderDetails.client_id!);
  url.searchParams.set("redirect_uri", o.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", provider.ProviderDetails.authorize_scopes!.split(/[\s,]+/).filter(Boolean).join(" "));
  url.searchParams.set("state", o.state);
  url.searchParams.set("nonce", o.nonce);
  return url.toString();
}

/** The provider's claims for a code: its ID token's, checked, with its userinfo answer over them. */
export async function claimsForCode(provider: IdentityProvider, endpoints: OidcEndpoints, o: { code: string; redirectUri: string; nonce: string }): Promise<Record<string, unknown>> {
  const d = provider.ProviderDetails;
  const form = new URLSearchParams({ grant_type: "authorization_code", code: o.code, redirect_uri: o.redirectUri, client_id: d.client_id! });
  if (d.client_secret) form.set("client_secret", d.client_secret);
  const tokens = await getJson(endpoints.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form });
  if (typeof tokens.id_token !== "string") throw new UpstreamError(`${provider.ProviderName}'s token endpoint answered without an id_token`);
  const claims = await checkedIdToken(provider, endpoints, tokens.id_token, o.nonce);
  if (endpoints.attributesUrl && typeof tokens.access_token === "string") {
    const post = d.attributes_request_method === "POST";
    const info = await getJson(endpoints.attributesUrl, {
      method: post ? "POST" : "GET",
      headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" },
    });
    // userinfo about someone else is not this sign-in's (OIDC Core 5.3.2).
    if (info.sub !== undefined && info.sub !== claims.sub) throw new UpstreamError(`${provider.ProviderName}'s userinfo answered for another subject`);
    Object.assign(claims, info);
  }
  return claims;
}

async function checkedIdToken(provider: IdentityProvider, endpoints: OidcEndpoints, token: string, nonce: string): Promise<Record<string, unknown>> {
  const jwt = decodeJwt(token);
  const bad = (why: string) => new UpstreamError(`${provider.ProviderName}'s ID token ${why}`);
  if (!jwt) throw bad("is not a JWT");
  let keys: Awaited<ReturnType<typeof fetchJwks>>;
  try {
    keys = await fetchJwks(endpoints.jwksUri, AbortSignal.timeout(TIMEOUT_MS));
  } catch (e) {
    throw new UpstreamError(`${endpoints.jwksUri} could not be reached from the local cloud (${(e as Error).message})`);
  }
  if (!keys || checkJwtSignature(jwt, keys) !== "valid") throw bad(`is not signed by a key of ${endpoints.jwksUri}`);
  const c = jwt.payload;
  const now = Date.now() / 1000;
  if (c.iss !== endpoints.issuer) throw bad(`was issued by ${c.iss}, not ${endpoints.issuer}`);
  const audience = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audience.includes(provider.ProviderDetails.client_id)) throw bad(`is not for client ${provider.ProviderDetails.client_id}`);
  if (typeof c.exp !== "number" || c.exp + SKEW_S < now) throw bad("has expired");
  if (c.nonce !== nonce) throw bad("does not carry the nonce of this sign-in");
  return { ...c };
}
