/**
 * POST /oauth2/token: `authorization_code` (with the PKCE verifier checked against the
 * challenge), `refresh_token` (keeping the scopes the sign-in was granted) and
 * `client_credentials` (custom scopes of the pool's resource servers, for clients with a
 * secret). Clients with a secret authenticate by HTTP Basic or `client_secret` in the body.
 * Errors are Cognito's: HTTP 400 and `{"error": "<code>"}`.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { AwsResponse } from "../../../types.js";
import { hashToken, validity, type AuthOperations } from "../auth.js";
import type { Client, Directory } from "../directory.js";
import { signJwt } from "../tokens.js";
import type { OAuthGrants } from "./grants.js";
import { grantedScopes, isStandardScope } from "./scopes.js";

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly status = 400,
    description?: string,
  ) {
    super(description ?? error);
  }
}

export const oauthErrorResponse = (e: OAuthError): AwsResponse => ({
  status: e.status,
  headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store" },
  body: JSON.stringify({ error: e.error }),
});

const json = (body: Record<string, unknown>): AwsResponse => ({
  status: 200,
  headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store", pragma: "no-cache" },
  body: JSON.stringify(body),
});

export function formOf(headers: Record<string, string>, body: Buffer | string | undefined): URLSearchParams {
  if (!/^application\/x-www-form-urlencoded\b/i.test(headers["content-type"] ?? "")) throw new OAuthError("invalid_request", 400, "Content-Type must be application/x-www-form-urlencoded");
  return new URLSearchParams(Buffer.isBuffer(body) ? body.toString("utf8") : (body ?? ""));
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The client a token or revoke request is for: by HTTP Basic (id and secret, each
 * form-url-encoded) or by `client_id` (and `client_secret`) in the body.
 */
export function authenticateClient(dir: Directory, poolId: string, headers: Record<string, string>, form: URLSearchParams): Client {
  let id = form.get("client_id") ?? undefined;
  let secret = form.get("client_secret") ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(headers.authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OAuthError("invalid_client");
    const basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
    if (id !== undefined && id !== basicId) throw new OAuthError("invalid_client");
    id = basicId;
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
  }
  if (!id) throw new OAuthError("invalid_request");
  const row = dir.store.client(id);
  if (!row || row.pool_id !== poolId) throw new OAuthError("invalid_client");
  if (row.secret !== null && (secret === undefined || !sameSecret(secret, row.secret))) throw new OAuthError("invalid_client");
  return dir.client(id);
}

/** RFC 7636: S256 is base64url(SHA-256(verifier)); plain is the verifier itself. */
export function pkceMatches(challenge: { value: string; method: "S256" | "plain" }, verifier: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const derived = challenge.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return sameSecret(derived, challenge.value);
}

export class TokenEndpoint {
  constructor(
    private readonly dir: Directory,
    private readonly auth: AuthOperations,
    private readonly grants: OAuthGrants,
  ) {}

  async handle(poolId: string, headers: Record<string, string>, body: Buffer | string | undefined): Promise<AwsResponse> {
    try {
      const form = formOf(headers, body);
      const grantType = form.get("grant_type");
      if (!grantType) throw new OAuthError("invalid_request");
      const client = authenticateClient(this.dir, poolId, headers, form);
      if (!["authorization_code", "refresh_token", "client_credentials"].includes(grantType)) throw new OAuthError("unsupported_grant_type");
      if (grantType === "client_credentials") return this.clientCredentials(client, form);
      if (!client.description.AllowedOAuthFlowsUserPoolClient) throw new OAuthError("unauthorized_client");
      if (grantType === "authorization_code") return this.authorizationCode(client, form);
      return await this.refresh(client, form);
    } catch (e) {
      if (e instanceof OAuthError) return oauthErrorResponse(e);
      throw e;
    }
  }

  private authorizationCode(client: Client, form: URLSearchParams): AwsResponse {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (!code || !redirectUri) throw new OAuthError("invalid_request");
    const grant = this.grants.takeCode(code);
    if (!grant || grant.clientId !== client.id || grant.redirectUri !== redirectUri) throw new OAuthError("invalid_grant");
    if (grant.challenge) {
      const verifier = form.get("code_verifier");
      if (!verifier || !pkceMatches(grant.challenge, verifier)) throw new OAuthError("invalid_grant");
    }
    const t = grant.tokens;
    return json({
      ...(grant.openid ? { id_token: t.IdToken } : {}),
      access_token: t.AccessToken,
      ...(t.RefreshToken ? { refresh_token: t.RefreshToken } : {}),
      expires_in: t.ExpiresIn,
      token_type: "Bearer",
    });
  }

  private async refresh(client: Client, form: URLSearchParams): Promise<AwsResponse> {
    const token = form.get("refresh_token");
    if (!token) throw new OAuthError("invalid_request");
    const row = this.dir.store.refresh(hashToken(token));
    if (!row || row.client_id !== client.id || row.revoked || row.expires < Date.now() / 1000 || this.dir.store.originRevoked(row.origin_jti)) throw new OAuthError("invalid_grant");
    const pool = this.dir.pool(client.poolId);
    const user = this.dir.toUser(this.dir.store.user(pool.id, row.username_key));
    if (!user || !user.row.enabled) throw new OAuthError("invalid_grant");
    const scope = this.grants.scopeOf(row.origin_jti);
    const set = await this.auth.tokens(pool, client, user, {
      newSignIn: false, source: "TokenGeneration_RefreshTokens", authTime: row.auth_time, originJti: row.origin_jti,
      ...(scope !== undefined ? { oauth: { scopes: scope.split(" ").filter(Boolean) } } : {}),
    });
    const openid = scope === undefined || scope.split(" ").includes("openid");
    return json({ ...(openid ? { id_token: set.IdToken } : {}), access_token: set.AccessToken, expires_in: set.ExpiresIn, token_type: "Bearer" });
  }

  /** A machine's token: the client itself is the subject, with custom scopes only. */
  private clientCredentials(client: Client, form: URLSearchParams): AwsResponse {
    if (client.row.secret === null) throw new OAuthError("invalid_client");
    const settings = client.description;
    if (!settings.AllowedOAuthFlowsUserPoolClient || !(settings.AllowedOAuthFlows ?? []).includes("client_credentials")) throw new OAuthError("unauthorized_client");
    const scopes = grantedScopes(form.get("scope"), (settings.AllowedOAuthScopes ?? []).filter((s: string) => !isStandardScope(s)));
    if (!scopes || scopes.length === 0) throw new OAuthError("invalid_scope");
    const pool = this.dir.pool(client.poolId);
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = validity(client, "AccessToken");
    const accessToken = signJwt(pool.key, {
      sub: client.id, token_use: "access", scope: scopes.join(" "), auth_time: now, iss: pool.issuer, exp: now + expiresIn, iat: now,
      version: 2, jti: randomUUID(), client_id: client.id,
    });
    return json({ access_token: accessToken, expires_in: expiresIn, token_type: "Bearer" });
  }
}
