/**
 * OpenID Connect sign-in with an ID token posted back to the callback
 * (`response_type=id_token`, `response_mode=form_post`), as SST v2's OidcAdapter does.
 * openid-client checks state, nonce, issuer, audience, expiry and the token's signature
 * against the provider's JWKS.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { BaseClient, Issuer, TokenSet } from "openid-client";
import { useFormData } from "../../api/index.js";
import { badRequest } from "../errors.js";
import { createAdapter } from "./adapter.js";
import { finishFlow, requireSetting, setFlowCookies, startProviderStep, useFlowCookie } from "./flow.js";
import type { IssuerSource } from "./issuer.js";

export interface OidcBasicConfig {
  /** The client id the provider issued to this app. */
  clientID: string;
  /** `prompt` sent to the provider (e.g. "select_account", "consent", "login"). */
  prompt?: string;
  /** Called with the verified tokens; answers the callback (e.g. `Session.parameter`). */
  onSuccess: (tokenset: TokenSet, client: BaseClient) => Promise<APIGatewayProxyStructuredResultV2>;
}

export interface OidcConfig extends OidcBasicConfig {
  issuer: Issuer;
  /** Scopes to request, space-separated; must include "openid". */
  scope: string;
}

const NONCE = "auth-nonce";
const STATE = "auth-state";

export const OidcAdapter = /* @__PURE__ */ createAdapter((config: OidcConfig) => oidcFlow(config));

/** OidcAdapter with an issuer that may be made on first use (discovery, fixed endpoints). */
export function oidcFlow(config: Omit<OidcConfig, "issuer"> & { issuer: IssuerSource }) {
  return async function () {
    requireSetting("OidcAdapter", "clientID", config.clientID);
    const { step, callbackUrl, cookiePath, generators, issuer } = await startProviderStep(config.issuer);
    const client = new issuer.Client({
      client_id: config.clientID,
      redirect_uris: [callbackUrl],
      response_types: ["id_token"],
    });

    if (step === "authorize") {
      const nonce = generators.nonce();
      const state = generators.state();
      const url = client.authorizationUrl({
        scope: config.scope,
        response_mode: "form_post",
        nonce,
        state,
        ...(config.prompt ? { prompt: config.prompt } : {}),
      });
      return { statusCode: 302, headers: { location: url }, cookies: setFlowCookies({ [NONCE]: nonce, [STATE]: state }, cookiePath) };
    }

    const form = useFormData();
    const params = form ? Object.fromEntries(form.entries()) : {};
    if (params.error) {
      // The provider's error answer (denied consent…) becomes openid-client's OPError.
      await client.callback(callbackUrl, params, { state: useFlowCookie(STATE) });
    }
    if (!params.id_token) throw badRequest("The callback expects the provider's form_post with an id_token");
    const tokenset = await client.callback(callbackUrl, params, { nonce: useFlowCookie(NONCE), state: useFlowCookie(STATE) });
    return finishFlow(() => config.onSuccess(tokenset, client), [NONCE, STATE], cookiePath);
  };
}
