/**
 * Providers found by OpenID discovery are looked up on first use, not at import as
 * SST v2 did (a top-level `Issuer.discover` fails every route of the function, Link
 * sign-in included, when the provider cannot be reached). A failed lookup is retried by
 * the next request.
 */
import type { Issuer } from "openid-client";
import { AuthError } from "../errors.js";
import { openIdClient } from "./issuer.js";

const issuers = new Map<string, Promise<Issuer>>();

export function discoverIssuer(url: string): Promise<Issuer> {
  let found = issuers.get(url);
  if (!found) {
    found = openIdClient()
      .then(({ Issuer }) => Issuer.discover(url))
      .catch((e: Error) => {
        issuers.delete(url);
        throw new AuthError(502, "provider_unreachable", `OpenID discovery of ${url} failed: ${e.message}`);
      });
    issuers.set(url, found);
  }
  return found;
}
