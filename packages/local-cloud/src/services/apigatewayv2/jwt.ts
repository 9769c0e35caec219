/**
 * The JWT authorizer of HTTP APIs: takes the token from the identity source,
 * checks issuer, audience (`aud` or `client_id`), expiry and not-before, verifies the
 * signature against the issuer's keys — a local Cognito user pool's in-process, any
 * other issuer's JWKS when that is reachable from here (a local setup is often offline,
 * so an unreachable outside issuer degrades to decode-only) — and checks the route's
 * authorization scopes.
 */
import { checkJwtSignature, decodeJwt, type JwksCache } from "../../auth/jwt-verify.js";

export { JwksCache } from "../../auth/jwt-verify.js";

export interface JwtConfiguration {
  Issuer?: string;
  Audience?: string[];
}

export type JwtResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; status: 401 | 403; message: string; description: string };

/** API Gateway hands claims to the integration as strings; arrays as "[a b]". */
function stringifyClaims(payload: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = typeof v === "string" ? v : Array.isArray(v) ? `[${v.join(" ")}]` : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

const fail = (description: string): JwtResult => ({ ok: false, status: 401, message: "Unauthorized", description });

export async function authorizeJwt(
  token: string | undefined,
  config: JwtConfiguration,
  routeScopes: string[] | undefined,
  jwks: JwksCache,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<JwtResult> {
  if (!token) return fail("no token");
  const raw = token.replace(/^Bearer\s+/i, "");
  const jwt = decodeJwt(raw);
  if (!jwt) return fail("the token is malformed");
  const { payload } = jwt;
  if (config.Issuer && payload.iss !== config.Issuer) return fail("the token has an invalid issuer");
  const audiences = config.Audience ?? [];
  if (audiences.length) {
    const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud != null ? [payload.aud] : [];
    const matches = aud.some((a: unknown) => audiences.includes(String(a))) || (payload.client_id != null && audiences.includes(String(payload.client_id)));
    if (!matches) return fail("the token does not have a valid audience");
  }
  if (typeof payload.exp !== "number" || payload.exp <= nowSeconds) return fail("the token has expired");
  if (typeof payload.nbf === "number" && payload.nbf > nowSeconds) return fail("the token is not valid yet");

  if (config.Issuer) {
    const keys = await jwks.keysFor(config.Issuer);
    const signature = keys ? checkJwtSignature(jwt, keys) : "valid";
    if (signature === "unknown-key") return fail("the token was not signed by a key of the issuer");
    if (signature === "invalid") return fail("the token signature is invalid");
  }

  const tokenScopes: string[] | null =
    typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : Array.isArray(payload.scp) ? payload.scp.map(String) : null;
  if (routeScopes?.length && !routeScopes.some((s) => tokenScopes?.includes(s)))
    return { ok: false, status: 403, message: "Forbidden", description: "the token does not have the required scopes" };
  return { ok: true, claims: stringifyClaims(payload), scopes: tokenScopes };
}
