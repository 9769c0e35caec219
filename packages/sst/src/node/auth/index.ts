/**
 * `sst/node/auth`: SST v2's Auth runtime — `AuthHandler`, the provider adapters and
 * `Session` / `useSession`, signed and verified with the keys of the `Auth` construct
 * bound to the function.
 */
import { createProxy } from "../util/index.js";

export { AuthHandler } from "./handler.js";
import { authResources } from "./keys.js";
export { getPrefix, getPrivateKey, getPublicKey } from "./keys.js";
export { Session, useSession, type SessionTypes, type SessionValue } from "./session.js";
export { AuthError } from "./errors.js";

export { createAdapter, type Adapter } from "./adapter/adapter.js";
export { OidcAdapter, type OidcBasicConfig, type OidcConfig } from "./adapter/oidc.js";
export { OauthAdapter, type OauthBasicConfig, type OauthConfig } from "./adapter/oauth.js";
export { GoogleAdapter, type GoogleConfig } from "./adapter/google.js";
export { GithubAdapter } from "./adapter/github.js";
export { FacebookAdapter } from "./adapter/facebook.js";
export { MicrosoftAdapter, type MicrosoftConfig } from "./adapter/microsoft.js";
export { TwitchAdapter } from "./adapter/twitch.js";
export { LinkAdapter, type LinkConfig } from "./adapter/link.js";
export { CodeAdapter, type CodeConfig } from "./adapter/code.js";
export type { TokenSet } from "openid-client";

/** Augmented by `.sst/types` with this app's Auth constructs. */
export interface AuthResources {}

export const Auth: AuthResources = /* @__PURE__ */ createProxy<AuthResources>("Auth", authResources);
