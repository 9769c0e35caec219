/**
 * Magic links, as SST v2's LinkAdapter: `…/authorize?email=…` signs the query's claims
 * into a short-lived token and hands the app a callback link carrying it (to e-mail);
 * following the link verifies the token and calls onSuccess with the claims.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { useQueryParam, useQueryParams } from "../../api/index.js";
import { badRequest, unauthorized } from "../errors.js";
import { getPrivateKey, getPublicKey } from "../keys.js";
import { signToken, verifyToken } from "../tokens.js";
import { createAdapter } from "./adapter.js";
import { useFlowRequest } from "./flow.js";
import { useStep } from "./step.js";

export interface LinkConfig {
  /** Deliver `link` (e-mail it); answers the authorize request. */
  onLink: (link: string, claims: Record<string, any>) => Promise<APIGatewayProxyStructuredResultV2>;
  /** Called with the link's claims once it is followed; answers with the session. */
  onSuccess: (claims: Record<string, any>) => Promise<APIGatewayProxyStructuredResultV2>;
  /** Answers a link that is forged or expired (default: 401 with the reason). */
  onError?: () => Promise<APIGatewayProxyStructuredResultV2>;
  /** How long a link stays valid, in ms (default 10 minutes). */
  expiresInMs?: number;
}

const DEFAULT_EXPIRY_MS = 10 * 60 * 1000;

export const LinkAdapter = /* @__PURE__ */ createAdapter((config: LinkConfig) => {
  return async function () {
    const step = useStep();
    if (step === "authorize") {
      const claims = { ...useQueryParams() } as Record<string, any>;
      const token = signToken(getPrivateKey(), claims, { expiresIn: config.expiresInMs ?? DEFAULT_EXPIRY_MS });
      const link = new URL(useFlowRequest().callbackUrl);
      link.searchParams.set("token", token);
      return config.onLink(link.toString(), claims);
    }
    const token = useQueryParam("token");
    if (!token) throw badRequest('The link is missing its "token" parameter');
    const result = verifyToken(getPublicKey(), token);
    if (!result.ok) {
      if (config.onError) return config.onError();
      throw unauthorized(`This sign-in link cannot be used: ${result.reason}`);
    }
    return config.onSuccess(result.payload);
  };
});
