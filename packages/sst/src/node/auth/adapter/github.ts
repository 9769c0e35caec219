/** GitHub sign-in: OAuth code flow (GitHub has no OpenID Connect for apps). */
import { Issuer } from "openid-client";
import { createAdapter } from "./adapter.js";
import { OauthAdapter, type OauthBasicConfig } from "./oauth.js";

export const githubIssuer = /* @__PURE__ */ new Issuer({
  issuer: "https://github.com",
  authorization_endpoint: "https://github.com/login/oauth/authorize",
  token_endpoint: "https://github.com/login/oauth/access_token",
});

export const GithubAdapter = /* @__PURE__ */ createAdapter((config: OauthBasicConfig) =>
  OauthAdapter({ issuer: githubIssuer, ...config }),
);
