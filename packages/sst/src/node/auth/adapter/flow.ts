/**
 * What the OAuth and OIDC adapters share: the callback URL of the request's provider,
 * the flow cookies, and running the app's onSuccess with the used cookies cleared.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { useCookie } from "../../api/index.js";
import { clearedCookie, flowCookie } from "../cookies.js";
import { misconfigured, unauthorized } from "../errors.js";
import { useProviderPath, useStepUrl } from "../request-url.js";
import { openIdClient, resolveIssuer, type IssuerSource } from "./issuer.js";
import { useStep } from "./step.js";

export interface FlowRequest {
  /** Where the provider sends the browser back: `…/<provider>/callback`. */
  callbackUrl: string;
  /** The path the flow cookies are scoped to: `…/<provider>`. */
  cookiePath: string;
}

export function useFlowRequest(): FlowRequest {
  return { callbackUrl: useStepUrl("callback"), cookiePath: useProviderPath() };
}

/** What an OAuth or OIDC step starts from: the step, its URLs, openid-client and the issuer. */
export async function startProviderStep(source: IssuerSource) {
  const step = useStep();
  const request = useFlowRequest();
  const [{ generators }, issuer] = await Promise.all([openIdClient(), resolveIssuer(source)]);
  return { step, ...request, generators, issuer };
}

/** Set-Cookie values carrying `values` to the callback. */
export function setFlowCookies(values: Record<string, string>, cookiePath: string): string[] {
  return Object.entries(values).map(([name, value]) => flowCookie(name, value, cookiePath));
}

/** The flow cookie `name`, or a 401 saying why the callback cannot go on without it. */
export function useFlowCookie(name: string): string {
  const value = useCookie(name);
  if (!value) {
    throw unauthorized(
      `No sign-in is in progress in this browser (the "${name}" cookie is missing: it expires 10 minutes after the sign-in starts, ` +
        `and the sign-in must start and end in the same browser)`,
    );
  }
  return value;
}

/** Runs the app's onSuccess and clears the flow cookies on its answer. */
export async function finishFlow(
  onSuccess: () => Promise<APIGatewayProxyStructuredResultV2>,
  used: string[],
  cookiePath: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const result = await onSuccess();
  if (!result || typeof result !== "object") {
    throw misconfigured("onSuccess must return an HTTP response, e.g. Session.parameter({ ... }) or Session.cookie({ ... })");
  }
  return { ...result, cookies: [...(result.cookies ?? []), ...used.map((name) => clearedCookie(name, cookiePath))] };
}

/** Throws a 500 naming the adapter and option when a required setting is empty. */
export function requireSetting(adapter: string, option: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw misconfigured(`${adapter}: "${option}" is empty. Set it in the authenticator (e.g. from an environment variable the stack passes to the function).`);
  }
}
