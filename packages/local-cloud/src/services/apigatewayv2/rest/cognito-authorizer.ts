/**
 * The COGNITO_USER_POOLS authorizer of REST APIs. The token must be a JWT issued by one
 * of the authorizer's user pools (`iss` is `https://cognito-idp.{region}.amazonaws.com/{poolId}`
 * for a pool in ProviderARNs), unexpired, and signed by a key of that pool: the HTTP
 * API's JWT checks (jwt.ts) with the pool as issuer: a pool of the local cloud's own
 * Cognito has its signature checked against the pool's keys, in-process; a pool the
 * local cloud does not have (one on AWS) is checked when its keys are reachable and only
 * decoded when they are not (an offline machine cannot reach AWS). A method
 * without OAuth scopes takes an ID token; a method with scopes takes an access token
 * carrying one of them. Anything else is 401 "Unauthorized", as on AWS.
 *
 * The integration finds the token's claims in requestContext.authorizer.claims, as
 * strings; `exp` and `iat` as the dates API Gateway writes ("Mon Dec 07 14:00:00 UTC 2026").
 */
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { authorizeJwt, type JwksCache } from "../jwt.js";
import { unauthorized, type RestAuthResult } from "./authorizer.js";

/** The issuer of each user pool an authorizer names (ARNs that are no user pool are skipped). */
export function userPoolIssuers(providerArns: string[]): string[] {
  const issuers: string[] = [];
  for (const arn of providerArns) {
    const m = /^arn:aws[\w-]*:cognito-idp:([\w-]+):\d*:userpool\/(.+)$/.exec(String(arn));
    if (m) issuers.push(`https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}`);
  }
  return issuers;
}

export async function authorizeCognito(token: string | undefined, providerArns: string[], scopes: string[] | undefined, jwks: JwksCache): Promise<RestAuthResult> {
  if (!token) return unauthorized();
  const decoded = decodeJwt(token.replace(/^Bearer\s+/i, ""));
  const issuer = decoded?.payload.iss;
  if (typeof issuer !== "string" || !userPoolIssuers(providerArns).includes(issuer)) return unauthorized();
  const verified = await authorizeJwt(token, { Issuer: issuer }, undefined, jwks);
  if (!verified.ok) return unauthorized();
  const use = decoded!.payload.token_use;
  if (scopes?.length) {
    if (use !== undefined && use !== "access") return unauthorized();
    if (!scopes.some((s) => verified.scopes?.includes(s))) return unauthorized();
  } else if (use !== undefined && use !== "id") return unauthorized();
  const claims: Record<string, string> = verified.claims;
  for (const name of ["exp", "iat"]) {
    const seconds = Number(claims[name]);
    if (claims[name] !== undefined && Number.isFinite(seconds)) claims[name] = gatewayDate(seconds);
  }
  return { ok: true, authorizer: { claims } };
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Mon Dec 07 14:00:00 UTC 2026": how API Gateway renders a token's time claims. */
export function gatewayDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
