/**
 * Microsoft (Entra ID) sign-in. `tenantID` picks the directory: a tenant id or domain
 * for one organisation, "organizations", "consumers" or the default "common" for any
 * account. The multi-tenant authorities sign ID tokens with the user's own tenant as
 * issuer, which openid-client checks through the `{tenantid}` placeholder.
 */
import { createAdapter, type Adapter } from "./adapter.js";
import { fixedIssuer } from "./issuer.js";
import { oauthFlow, type OauthBasicConfig } from "./oauth.js";
import { oidcFlow, type OidcBasicConfig } from "./oidc.js";

type MicrosoftPrompt = "login" | "none" | "consent" | "select_account";

export type MicrosoftConfig =
  | (OidcBasicConfig & { mode: "oidc"; tenantID?: string; prompt?: MicrosoftPrompt })
  | (OauthBasicConfig & { mode: "oauth"; tenantID?: string; prompt?: MicrosoftPrompt });

const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

export function microsoftIssuer(tenantID = "common") {
  const authority = `https://login.microsoftonline.com/${tenantID}`;
  const issuerTenant = MULTI_TENANT.has(tenantID) ? "{tenantid}" : tenantID;
  return fixedIssuer({
    issuer: `https://login.microsoftonline.com/${issuerTenant}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
  });
}

export const MicrosoftAdapter = /* @__PURE__ */ createAdapter((config: MicrosoftConfig): Adapter => {
  const issuer = microsoftIssuer(config.tenantID);
  if (config.mode === "oauth") return oauthFlow({ ...config, issuer });
  return oidcFlow({ scope: "openid email profile", ...config, issuer });
});
