/**
 * openid-client is loaded on the first sign-in, not at import: an Api route that only
 * reads sessions (`useSession`) imports `sst/node/auth` too, and should not pay for
 * loading an OAuth client at every cold start (see bench/auth.ts).
 */
import type { Issuer, IssuerMetadata } from "openid-client";

export type OpenIdClient = typeof import("openid-client");

let loaded: Promise<OpenIdClient> | undefined;

export function openIdClient(): Promise<OpenIdClient> {
  return (loaded ??= import("openid-client"));
}

/** An issuer given as is (the public adapters' `issuer`), or made on first use. */
export type IssuerSource = Issuer | (() => Promise<Issuer>);

export function resolveIssuer(source: IssuerSource): Promise<Issuer> {
  return typeof source === "function" ? source() : Promise.resolve(source);
}

/** An issuer with fixed endpoints (providers without discovery), built once on first use. */
export function fixedIssuer(metadata: IssuerMetadata): () => Promise<Issuer> {
  let issuer: Promise<Issuer> | undefined;
  return () => (issuer ??= openIdClient().then(({ Issuer }) => new Issuer(metadata)));
}
