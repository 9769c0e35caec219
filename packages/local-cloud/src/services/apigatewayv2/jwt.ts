/**
 * The JWT authorizer of HTTP APIs: takes the token from the identity source,
 * checks issuer, audience (`aud` or `client_id`), expiry and not-before, verifies the
 * signature against the issuer's JWKS when that is reachable from here (a local
 * setup is often offline, so an unreachable issuer degrades to decode-only), and
 * checks the route's authorization scopes.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

export interface JwtConfiguration {
  Issuer?: string;
  Audience?: string[];
}

export type JwtResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; status: 401 | 403; message: string; description: string };

interface JwtParts {
  header: Record<string, any>;
  payload: Record<string, any>;
  signingInput: Buffer;
  signature: Buffer;
}

export function decodeJwt(token: string): JwtParts | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !payload || typeof payload !== "object") return undefined;
    return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], "base64url") };
  } catch {
    return undefined;
  }
}

/** API Gateway hands claims to the integration as strings; arrays as "[a b]". */
function stringifyClaims(payload: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = typeof v === "string" ? v : Array.isArray(v) ? `[${v.join(" ")}]` : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

const ALGORITHMS: Record<string, { hash: string; ec?: boolean }> = {
  RS256: { hash: "sha256" }, RS384: { hash: "sha384" }, RS512: { hash: "sha512" },
  ES256: { hash: "sha256", ec: true }, ES384: { hash: "sha384", ec: true }, ES512: { hash: "sha512", ec: true },
};

/** Fetches and caches an issuer's signing keys; `undefined` means "not reachable, decode only". */
export class JwksCache {
  private readonly entries = new Map<string, { at: number; keys?: Map<string, KeyObject> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly failureTtlMs = 30_000,
    private readonly fetchTimeoutMs = 1500,
    /** Where an issuer's discovery document is fetched from (the issuer itself unless told). */
    private readonly locate: (issuer: string) => string = (issuer) => issuer,
  ) {}

  async keysFor(issuer: string): Promise<Map<string, KeyObject> | undefined> {
    const cached = this.entries.get(issuer);
    if (cached && Date.now() - cached.at < (cached.keys ? this.ttlMs : this.failureTtlMs)) return cached.keys;
    const keys = await this.load(issuer).catch(() => undefined);
    this.entries.set(issuer, { at: Date.now(), keys });
    return keys;
  }

  private async load(issuer: string): Promise<Map<string, KeyObject> | undefined> {
    const base = this.locate(issuer);
    if (!/^https?:\/\//.test(base)) return undefined;
    const signal = AbortSignal.timeout(this.fetchTimeoutMs);
    const config = await fetch(base.replace(/\/$/, "") + "/.well-known/openid-configuration", { signal });
    if (!config.ok) return undefined;
    const { jwks_uri } = (await config.json()) as { jwks_uri?: string };
    if (!jwks_uri) return undefined;
    const res = await fetch(jwks_uri, { signal });
    if (!res.ok) return undefined;
    const { keys } = (await res.json()) as { keys?: any[] };
    const out = new Map<string, KeyObject>();
    for (const jwk of keys ?? []) {
      try {
        out.set(jwk.kid ?? "", createPublicKey({ key: jwk, format: "jwk" }));
      } catch {
        // a key we cannot import cannot have signed anything we accept
      }
    }
    return out;
  }
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
  const { payload, header } = jwt;
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
    if (keys) {
      const alg = ALGORITHMS[header.alg];
      const key = keys.get(header.kid ?? "");
      if (!alg || !key) return fail("the token was not signed by a key of the issuer");
      const valid = verify(alg.hash, jwt.signingInput, alg.ec ? { key, dsaEncoding: "ieee-p1363" } : key, jwt.signature);
      if (!valid) return fail("the token signature is invalid");
    }
  }

  const tokenScopes: string[] | null =
    typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : Array.isArray(payload.scp) ? payload.scp.map(String) : null;
  if (routeScopes?.length && !routeScopes.some((s) => tokenScopes?.includes(s)))
    return { ok: false, status: 403, message: "Forbidden", description: "the token does not have the required scopes" };
  return { ok: true, claims: stringifyClaims(payload), scopes: tokenScopes };
}
