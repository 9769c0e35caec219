/** GitHub sign-in: OAuth code flow (GitHub has no OpenID Connect for apps). */
import { createAdapter } from "./adapter.js";
import { fixedIssuer } from "./issuer.js";
import { oauthFlow, type OauthBasicConfig } from "./oauth.js";

export const githubIssuer = /* @__PURE__ */ fixedIssuer({
  issuer: "https://github.com",
  authorization_endpoint: "https://github.com/login/oauth/authorize",
  token_endpoint: "https://github.com/login/oauth/access_token",
});

export const GithubAdapter = /* @__PURE__ */ createAdapter((config: OauthBasicConfig) => oauthFlow({ ...config, issuer: githubIssuer }));
