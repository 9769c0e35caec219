/**
 * A user pool's signing key and the tokens it signs: RS256 JWTs with Cognito's claims,
 * issued as `https://cognito-idp.<region>.amazonaws.com/<poolId>` (the issuer apps and
 * SST's user-pool authorizers configure), and the pool's public keys as a JWKS. The local
 * cloud's own verifiers find the keys in-process by that issuer (auth/jwt-verify.ts), so
 * nothing leaves the machine.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { decodeJwt, checkJwtSignature } from "../../auth/jwt-verify.js";

export interface PoolKey {
  kid: string;
  /** PKCS#8 PEM. */
  privatePem: string;
}

export function newPoolKey(): PoolKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  return { kid: createHash("sha256").update(der).digest("base64"), privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}

export const issuerOf = (region: string, userPoolId: string) => `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;

/** Region and pool id of a Cognito issuer URL, or undefined. */
export function parseIssuer(issuer: string): { region: string; userPoolId: string } | undefined {
  const m = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[0-9A-Za-z]+)$/.exec(issuer);
  return m ? { region: m[1]!, userPoolId: m[2]! } : undefined;
}

const privateKeys = new Map<string, KeyObject>();
function privateKeyOf(key: PoolKey): KeyObject {
  let k = privateKeys.get(key.kid);
  if (!k) privateKeys.set(key.kid, (k = createPrivateKey(key.privatePem)));
  return k;
}

const publicKeys = new Map<string, KeyObject>();
function publicKeyOf(key: PoolKey): KeyObject {
  let k = publicKeys.get(key.kid);
  if (!k) publicKeys.set(key.kid, (k = createPublicKey(privateKeyOf(key))));
  return k;
}

const publicJwks = new Map<string, Record<string, string>>();

/** The key's public half as a JWK (made once per key: the verifiers ask on every request). */
export function publicJwk(key: PoolKey): Record<string, string> {
  let out = publicJwks.get(key.kid);
  if (!out) {
    const jwk = publicKeyOf(key).export({ format: "jwk" }) as Record<string, string>;
    publicJwks.set(key.kid, (out = { alg: "RS256", e: jwk.e!, kid: key.kid, kty: "RSA", n: jwk.n!, use: "sig" }));
  }
  return out;
}

export function signJwt(key: PoolKey, payload: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ kid: key.kid, alg: "RS256" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${header}.${body}`), privateKeyOf(key)).toString("base64url");
  return `${header}.${body}.${signature}`;
}

/** The claims of a token this pool signed, unexpired; otherwise why not. */
export function readPoolToken(key: PoolKey, issuer: string, token: string, nowSeconds = Math.floor(Date.now() / 1000)): { claims: Record<string, any> } | { problem: "invalid" | "expired" } {
  const jwt = decodeJwt(token);
  if (!jwt || jwt.payload.iss !== issuer) return { problem: "invalid" };
  const keys = new Map([[key.kid, publicKeyOf(key)]]);
  if (checkJwtSignature(jwt, keys) !== "valid") return { problem: "invalid" };
  if (typeof jwt.payload.exp !== "number" || jwt.payload.exp <= nowSeconds) return { problem: "expired" };
  return { claims: jwt.payload };
}

export interface TokenSubject {
  sub: string;
  username: string;
  /** Attributes as stored ("email", "custom:plan" …). */
  attributes: Record<string, string>;
  groups: string[];
  /** The groups' IAM roles, by the groups' precedence. */
  roles: string[];
}

export interface TokenSet {
  idToken: string;
  accessToken: string;
  originJti: string;
  authTime: number;
}

export interface IssueOptions {
  key: PoolKey;
  issuer: string;
  clientId: string;
  subject: TokenSubject;
  /** Seconds. */
  idValidity: number;
  accessValidity: number;
  /** When the user signed in (kept across refreshes). */
  authTime: number;
  originJti: string;
  /** What a PreTokenGeneration trigger changed in the ID token (V2+ values may be any JSON). */
  claimsOverride?: { claimsToAddOrOverride?: Record<string, unknown>; claimsToSuppress?: string[]; groupOverrideDetails?: { groupsToOverride?: string[]; iamRolesToOverride?: string[]; preferredRole?: string } };
  /** What a V2+ PreTokenGeneration trigger changed in the access token. */
  accessOverride?: AccessOverride;
  /** The access token's scopes (default `aws.cognito.signin.user.admin`; the OAuth endpoints pass the granted scopes). */
  scopes?: string[];
  /** Tokens from the OAuth endpoints (hosted-ui/): `version` 2, `at_hash`, and the authorize request's nonce. */
  oauth?: OAuthClaims;
}

export interface OAuthClaims {
  nonce?: string;
}

export interface AccessOverride {
  claimsToAddOrOverride?: Record<string, unknown>;
  claimsToSuppress?: string[];
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
}

export const DEFAULT_SCOPES = ["aws.cognito.signin.user.admin"];

/** OIDC's at_hash: the left half of the access token's SHA-256, base64url. */
export const atHash = (accessToken: string) => createHash("sha256").update(accessToken).digest().subarray(0, 16).toString("base64url");

/** Attributes that never appear as ID token claims. */
const NOT_CLAIMS = new Set(["sub"]);
/** Claims a PreTokenGeneration trigger may not change. */
const RESERVED = new Set(["acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use"]);
/** Access-token claims a V2 trigger may not change (scopes change through scopesToAdd / scopesToSuppress). */
const ACCESS_RESERVED = new Set([...RESERVED, "client_id", "scope", "username", "event_id", "version"]);

/** A federated user's `identities` attribute is a JSON array, which the ID token carries as one. */
function identitiesClaim(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function issueTokens(o: IssueOptions): TokenSet {
  const now = Math.floor(Date.now() / 1000);
  const eventId = randomUUID();
  const override = o.claimsOverride;
  const groups = override?.groupOverrideDetails?.groupsToOverride ?? o.subject.groups;
  const idClaims: Record<string, unknown> = { sub: o.subject.sub };
  if (groups.length) idClaims["cognito:groups"] = groups;
  // An identity pool's "Token" role mapping picks from these.
  const roles = override?.groupOverrideDetails?.iamRolesToOverride ?? o.subject.roles;
  const preferred = override?.groupOverrideDetails?.preferredRole ?? roles[0];
  if (roles.length) idClaims["cognito:roles"] = roles;
  if (preferred) idClaims["cognito:preferred_role"] = preferred;
  for (const [name, value] of Object.entries(o.subject.attributes)) {
    if (NOT_CLAIMS.has(name)) continue;
    idClaims[name] = name === "email_verified" || name === "phone_number_verified" ? value === "true" : name === "identities" ? identitiesClaim(value) : value;
  }
  Object.assign(idClaims, {
    iss: o.issuer, "cognito:username": o.subject.username, origin_jti: o.originJti, aud: o.clientId, event_id: eventId,
    token_use: "id", auth_time: o.authTime, exp: now + o.idValidity, iat: now, jti: randomUUID(),
  });
  for (const [name, value] of Object.entries(override?.claimsToAddOrOverride ?? {})) if (!RESERVED.has(name)) idClaims[name] = value;
  for (const name of override?.claimsToSuppress ?? []) if (!RESERVED.has(name)) delete idClaims[name];
  const accessClaims: Record<string, unknown> = { sub: o.subject.sub };
  if (groups.length) accessClaims["cognito:groups"] = groups;
  Object.assign(accessClaims, {
    iss: o.issuer, client_id: o.clientId, origin_jti: o.originJti, event_id: eventId, token_use: "access",
    scope: accessScopes(o.scopes ?? DEFAULT_SCOPES, o.accessOverride).join(" "), auth_time: o.authTime, exp: now + o.accessValidity, iat: now, jti: randomUUID(), username: o.subject.username,
  });
  for (const [name, value] of Object.entries(o.accessOverride?.claimsToAddOrOverride ?? {})) if (!ACCESS_RESERVED.has(name)) accessClaims[name] = value;
  for (const name of o.accessOverride?.claimsToSuppress ?? []) if (!ACCESS_RESERVED.has(name)) delete accessClaims[name];
  if (o.oauth) accessClaims.version = 2;
  // at_hash covers the access token as signed, so it is computed after signing.
  const accessToken = signJwt(o.key, accessClaims);
  if (o.oauth) Object.assign(idClaims, { at_hash: atHash(accessToken), ...(o.oauth.nonce !== undefined ? { nonce: o.oauth.nonce } : {}) });
  return { idToken: signJwt(o.key, idClaims), accessToken, originJti: o.originJti, authTime: o.authTime };
}

function accessScopes(scopes: string[], override: AccessOverride | undefined): string[] {
  const out = scopes.filter((s) => !(override?.scopesToSuppress ?? []).includes(s));
  for (const s of override?.scopesToAdd ?? []) if (!out.includes(s)) out.push(s);
  return out;
}
