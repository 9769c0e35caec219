/** Twitch sign-in: OpenID Connect, the issuer found by discovery on first use. */
import type { BaseClient, Issuer } from "openid-client";
import { createAdapter, type Adapter } from "./adapter.js";
import { discoverIssuer } from "./discovery.js";
import { OidcAdapter, type OidcBasicConfig } from "./oidc.js";

export const TwitchAdapter = /* @__PURE__ */ createAdapter((config: OidcBasicConfig): Adapter => {
  let adapter: Adapter | undefined;
  return async function () {
    adapter ??= OidcAdapter({ scope: "openid", ...config, issuer: (await discoverIssuer("https://id.twitch.tv/oauth2")) as Issuer<BaseClient> });
    return adapter();
  };
});
