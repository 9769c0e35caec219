/**
 * Google sign-in: `mode: "oidc"` (ID token, client id only) or `mode: "oauth"` (code
 * flow with a client secret), against the issuer found by discovery of
 * https://accounts.google.com — or of `GOOGLE_ISSUER_URL` when that is set, which is
 * how an app under `sst dev` signs in against a local OpenID provider.
 */
import { createAdapter, type Adapter } from "./adapter.js";
import { discoverIssuer } from "./discovery.js";
import { requireSetting } from "./flow.js";
import { oauthFlow, type OauthBasicConfig } from "./oauth.js";
import { oidcFlow, type OidcBasicConfig } from "./oidc.js";

type GooglePrompt = "none" | "consent" | "select_account";

export type GoogleConfig =
  | (OauthBasicConfig & { mode: "oauth"; prompt?: GooglePrompt; accessType?: "offline" | "online" })
  | (OidcBasicConfig & { mode: "oidc"; prompt?: GooglePrompt });

export const GOOGLE_ISSUER = "https://accounts.google.com";

export const GoogleAdapter = /* @__PURE__ */ createAdapter((config: GoogleConfig): Adapter => {
  // Read per request, so a function's environment decides (and tests can switch it).
  const issuer = () => discoverIssuer(process.env.GOOGLE_ISSUER_URL || GOOGLE_ISSUER);
  let flow: Adapter;
  // SST v2 picks the flow by the presence of a client secret.
  if ("clientSecret" in config && config.clientSecret !== undefined) {
    const { accessType, ...rest } = config as OauthBasicConfig & { accessType?: string };
    flow = oauthFlow({
      ...rest,
      issuer,
      scope: rest.scope ?? "openid email profile",
      params: { ...(accessType ? { access_type: accessType } : {}), ...rest.params },
    });
  } else {
    flow = oidcFlow({ scope: "openid email profile", ...(config as OidcBasicConfig), issuer });
  }
  return async function () {
    // Before discovery: an unset client id is the first thing to fix.
    requireSetting("GoogleAdapter", "clientID", config.clientID);
    return flow();
  };
});
