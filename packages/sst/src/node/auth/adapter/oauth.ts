/**
 * OAuth 2.0 authorization code flow with PKCE (S256) and state, as SST v2's
 * OauthAdapter: the callback exchanges the code with the client secret and the PKCE
 * verifier. With a provider that has a userinfo endpoint (an OpenID provider), the
 * ID token in the answer is verified too.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { BaseClient, Issuer, TokenSet } from "openid-client";
import { useQueryParams } from "../../api/index.js";
import { badRequest } from "../errors.js";
import { createAdapter } from "./adapter.js";
import { finishFlow, requireSetting, setFlowCookies, startProviderStep, useFlowCookie } from "./flow.js";
import type { IssuerSource } from "./issuer.js";

export interface OauthBasicConfig {
  /** The client id the provider issued to this app. */
  clientID: string;
  /** The client secret the provider issued to this app. */
  clientSecret: string;
  /** Scopes to request, space-separated. */
  scope: string;
  /** `prompt` sent to the provider. */
  prompt?: string;
  /** Extra authorization parameters (e.g. Google's `access_type: "offline"`). */
  params?: Record<string, string>;
  /** Called with the tokens; answers the callback (e.g. `Session.parameter`). */
  onSuccess: (tokenset: TokenSet, client: BaseClient) => Promise<APIGatewayProxyStructuredResultV2>;
}

export interface OauthConfig extends OauthBasicConfig {
  issuer: Issuer;
}

const VERIFIER = "auth-code-verifier";
const STATE = "auth-state";

export const OauthAdapter = /* @__PURE__ */ createAdapter((config: OauthConfig) => oauthFlow(config));

/** OauthAdapter with an issuer that may be made on first use (discovery, fixed endpoints). */
export function oauthFlow(config: Omit<OauthConfig, "issuer"> & { issuer: IssuerSource }) {
  return async function () {
    requireSetting("OauthAdapter", "clientID", config.clientID);
    requireSetting("OauthAdapter", "clientSecret", config.clientSecret);
    const { step, callbackUrl, cookiePath, generators, issuer } = await startProviderStep(config.issuer);
    const client = new issuer.Client({
      client_id: config.clientID,
      client_secret: config.clientSecret,
      redirect_uris: [callbackUrl],
      response_types: ["code"],
    });

    if (step === "authorize") {
      const verifier = generators.codeVerifier();
      const state = generators.state();
      const url = client.authorizationUrl({
        ...config.params,
        scope: config.scope,
        code_challenge: generators.codeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        ...(config.prompt ? { prompt: config.prompt } : {}),
      });
      return { statusCode: 302, headers: { location: url }, cookies: setFlowCookies({ [VERIFIER]: verifier, [STATE]: state }, cookiePath) };
    }

    const params = useQueryParams() as Record<string, string>;
    if (!params.code && !params.error) throw badRequest("The callback expects the provider's answer: a code (or an error) in the query string");
    const checks = { code_verifier: useFlowCookie(VERIFIER), state: useFlowCookie(STATE) };
    const tokenset = issuer.metadata.userinfo_endpoint
      ? await client.callback(callbackUrl, params, checks)
      : await client.oauthCallback(callbackUrl, params, checks);
    return finishFlow(() => config.onSuccess(tokenset, client), [VERIFIER, STATE], cookiePath);
  };
}
