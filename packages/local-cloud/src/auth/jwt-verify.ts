/**
 * JSON Web Tokens as the local cloud's authorizers read them (HTTP API JWT authorizers,
 * REST Cognito authorizers, AppSync's Cognito and OIDC modes): decoding, an issuer's
 * signing keys — a local user pool's straight from the local Cognito, any other issuer's
 * fetched from its OpenID discovery document and cached — and checking that one of them
 * signed a token.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";

export interface JwtParts {
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

const ALGORITHMS: Record<string, { hash: string; ec?: boolean }> = {
  RS256: { hash: "sha256" }, RS384: { hash: "sha384" }, RS512: { hash: "sha512" },
  ES256: { hash: "sha256", ec: true }, ES384: { hash: "sha384", ec: true }, ES512: { hash: "sha512", ec: true },
};

/**
 * The keys of an issuer the local cloud itself serves (a local Cognito user pool), read
 * in-process on every call so a new or deleted pool counts at once; undefined when the
 * issuer is not local.
 */
export type LocalKeySource = (issuer: string) => Promise<JsonWebKey[] | undefined>;

/** Local user pools' keys, for tokens issued as `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
export function localUserPoolKeys(clients: { cognitoidp: { call(operation: "LocalJsonWebKeys", input: { UserPoolId: string }): Promise<{ keys: JsonWebKey[] }> } }): LocalKeySource {
  return async (issuer) => {
    const m = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([a-z0-9-]+_[0-9A-Za-z]+)$/.exec(issuer);
    if (!m) return undefined;
    const { keys } = await clients.cognitoidp.call("LocalJsonWebKeys", { UserPoolId: m[1]! }).catch(() => ({ keys: [] as JsonWebKey[] }));
    return keys.length ? keys : undefined;
  };
}

/**
 * An issuer's signing keys: a local issuer's from the local cloud (no network), any
 * other's fetched from its discovery document and cached; `undefined` means "not
 * reachable, decode only".
 */
export class JwksCache {
  private readonly entries = new Map<string, { at: number; keys?: Map<string, KeyObject> }>();
  /** Imported local keys, by kid and modulus. */
  private readonly imported = new Map<string, KeyObject>();
  private readonly lastLocal = new WeakMap<JsonWebKey[], Map<string, KeyObject>>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly failureTtlMs = 30_000,
    private readonly fetchTimeoutMs = 1500,
    /** Where an issuer's discovery document is fetched from (the issuer itself unless told). */
    private readonly locate: (issuer: string) => string = (issuer) => issuer,
    private readonly local?: LocalKeySource,
  ) {}

  async keysFor(issuer: string): Promise<Map<string, KeyObject> | undefined> {
    const local = this.local && (await this.local(issuer));
    if (local) return this.importLocal(local);
    const cached = this.entries.get(issuer);
    if (cached && Date.now() - cached.at < (cached.keys ? this.ttlMs : this.failureTtlMs)) return cached.keys;
    const keys = await this.load(issuer).catch(() => undefined);
    this.entries.set(issuer, { at: Date.now(), keys });
    return keys;
  }

  private importLocal(jwks: JsonWebKey[]): Map<string, KeyObject> {
    // The local source hands the same objects back while the keys stay the same.
    const same = this.lastLocal.get(jwks);
    if (same) return same;
    const out = new Map<string, KeyObject>();
    for (const jwk of jwks) {
      const id = `${jwk.kid}\u0000${jwk.n ?? jwk.x}`;
      let key = this.imported.get(id);
      if (!key) this.imported.set(id, (key = createPublicKey({ key: jwk, format: "jwk" })));
      out.set(String(jwk.kid ?? ""), key);
    }
    this.lastLocal.set(jwks, out);
    return out;
  }

  private async load(issuer: string): Promise<Map<string, KeyObject> | undefined> {
    const base = this.locate(issuer);
    if (!/^https?:\/\//.test(base)) return undefined;
    const signal = AbortSignal.timeout(this.fetchTimeoutMs);
    const config = await fetch(base.replace(/\/$/, "") + "/.well-known/openid-configuration", { signal });
    if (!config.ok) return undefined;
    const { jwks_uri } = (await config.json()) as { jwks_uri?: string };
    if (!jwks_uri) return undefined;
    return fetchJwks(jwks_uri, signal);
  }
}

/** The signing keys a JWKS URI serves, by kid (undefined when it does not answer with a key set). */
export async function fetchJwks(jwksUri: string, signal: AbortSignal): Promise<Map<string, KeyObject> | undefined> {
  const res = await fetch(jwksUri, { signal });
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

/** Whether one of the issuer's `keys` signed the token (by its `kid` and `alg`). */
export function checkJwtSignature(jwt: JwtParts, keys: Map<string, KeyObject>): "valid" | "invalid" | "unknown-key" {
  const alg = ALGORITHMS[jwt.header.alg];
  const key = keys.get(jwt.header.kid ?? "");
  if (!alg || !key) return "unknown-key";
  return verify(alg.hash, jwt.signingInput, alg.ec ? { key, dsaEncoding: "ieee-p1363" } : key, jwt.signature) ? "valid" : "invalid";
}

