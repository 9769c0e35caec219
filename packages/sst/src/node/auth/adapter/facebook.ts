/**
 * Facebook sign-in: OAuth code flow. (Facebook's OpenID flow returns the ID token in
 * the URL fragment, which never reaches a Lambda; its discovery document lacks the
 * token endpoint, so the endpoints are spelled out.)
 */
import { createAdapter } from "./adapter.js";
import { fixedIssuer } from "./issuer.js";
import { oauthFlow, type OauthBasicConfig } from "./oauth.js";

export const facebookIssuer = /* @__PURE__ */ fixedIssuer({
  issuer: "https://www.facebook.com",
  authorization_endpoint: "https://facebook.com/dialog/oauth/",
  jwks_uri: "https://www.facebook.com/.well-known/oauth/openid/jwks/",
  token_endpoint: "https://graph.facebook.com/oauth/access_token",
  userinfo_endpoint: "https://graph.facebook.com/oauth/access_token",
});

export const FacebookAdapter = /* @__PURE__ */ createAdapter((config: OauthBasicConfig) => oauthFlow({ ...config, issuer: facebookIssuer }));
