/**
 * Google sign-in: `mode: "oidc"` (ID token, client id only) or `mode: "oauth"` (code
 * flow with a client secret), against the issuer found by discovery of
 * https://accounts.google.com — or of `GOOGLE_ISSUER_URL` when that is set, which is
 * how an app under `sst dev` signs in against a local OpenID provider.
 */
import type { BaseClient, Issuer } from "openid-client";
import { createAdapter, type Adapter } from "./adapter.js";
import { discoverIssuer } from "./discovery.js";
import { requireSetting } from "./flow.js";
import { OauthAdapter, type OauthBasicConfig } from "./oauth.js";
import { OidcAdapter, type OidcBasicConfig } from "./oidc.js";

type GooglePrompt = "none" | "consent" | "select_account";

export type GoogleConfig =
  | (OauthBasicConfig & { mode: "oauth"; prompt?: GooglePrompt; accessType?: "offline" | "online" })
  | (OidcBasicConfig & { mode: "oidc"; prompt?: GooglePrompt });

export const GOOGLE_ISSUER = "https://accounts.google.com";

export const GoogleAdapter = /* @__PURE__ */ createAdapter((config: GoogleConfig): Adapter => {
  let adapter: Adapter | undefined;
  let issuerUrl: string | undefined;
  return async function () {
    // Before discovery: an unset client id is the first thing to fix.
    requireSetting("GoogleAdapter", "clientID", config.clientID);
    const url = process.env.GOOGLE_ISSUER_URL || GOOGLE_ISSUER;
    if (!adapter || issuerUrl !== url) {
      const issuer = (await discoverIssuer(url)) as Issuer<BaseClient>;
      adapter = forIssuer(config, issuer);
      issuerUrl = url;
    }
    return adapter();
  };
});

function forIssuer(config: GoogleConfig, issuer: Issuer<BaseClient>): Adapter {
  // SST v2 picks the flow by the presence of a client secret.
  if ("clientSecret" in config && config.clientSecret !== undefined) {
    const { accessType, ...rest } = config as OauthBasicConfig & { accessType?: string };
    return OauthAdapter({
      ...rest,
      issuer,
      scope: rest.scope ?? "openid email profile",
      params: { ...(accessType ? { access_type: accessType } : {}), ...rest.params },
    });
  }
  return OidcAdapter({ issuer, scope: "openid email profile", ...(config as OidcBasicConfig) });
}
