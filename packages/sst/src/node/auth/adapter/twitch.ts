/** Twitch sign-in: OpenID Connect, the issuer found by discovery on first use. */
import { createAdapter } from "./adapter.js";
import { discoverIssuer } from "./discovery.js";
import { oidcFlow, type OidcBasicConfig } from "./oidc.js";

export const TwitchAdapter = /* @__PURE__ */ createAdapter((config: OidcBasicConfig) =>
  oidcFlow({ scope: "openid", ...config, issuer: () => discoverIssuer("https://id.twitch.tv/oauth2") }),
);
