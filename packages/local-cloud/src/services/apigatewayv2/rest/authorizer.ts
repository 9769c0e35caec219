/**
 * Lambda authorizers of REST APIs. A TOKEN authorizer gets the token of its identity
 * source (the Authorization header unless configured), checked against its validation
 * expression first; a REQUEST authorizer gets the request (headers, query, path and
 * stage variables, requestContext) and is called only when every identity source is
 * present. Either answers with an IAM policy that must allow execute-api:Invoke on the
 * method's ARN. Verdicts are cached per identity for AuthorizerResultTtlInSeconds (AWS
 * caches the policy, so a cached verdict is evaluated again for each method).
 *
 * A COGNITO_USER_POOLS authorizer verifies the token of its identity source as a JWT of
 * one of its user pools (rest/cognito-authorizer.ts).
 */
import { buildEventV1, type RestEventContext } from "../../../lambda-proxy/event-v1.js";
import type { EventContext } from "../../../lambda-proxy/event-v2.js";
import type { GatewayRequest } from "../../../lambda-proxy/http-request.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../../lambda-proxy/lambda-invoke.js";
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";
import { gatewayError } from "./gateway-responses.js";
import { resolveIdentitySources } from "../identity-source.js";
import { AuthorizerCache, policyDecision } from "../lambda-authorizer.js";
import type { JwksCache } from "../jwt.js";
import { authorizeCognito } from "./cognito-authorizer.js";

export interface RestAuthorizer {
  Id: string;
  Type: "TOKEN" | "REQUEST" | "COGNITO_USER_POOLS";
  AuthorizerUri?: string;
  IdentitySource?: string;
  IdentityValidationExpression?: string;
  AuthorizerResultTtlInSeconds?: number;
  ProviderARNs?: string[];
}

/** A verdict as the authorizer function returned it: its policy is checked per method. */
interface Verdict {
  principalId?: unknown;
  /** The API key of the caller, for APIs whose key source is AUTHORIZER. */
  usageIdentifierKey?: unknown;
  policyDocument?: unknown;
  context?: Record<string, unknown>;
}

export type RestAuthResult = { ok: true; authorizer: Record<string, unknown>; usageIdentifierKey?: string } | { ok: false; response: GatewayResponse };

const AUTHORIZER_TIMEOUT_MS = 10_000;
export const unauthorized = (): RestAuthResult => ({ ok: false, response: gatewayError("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException") });
/** AWS's answer when an authorizer fails or answers something unreadable. */
const authorizerFailure = (): RestAuthResult => ({ ok: false, response: gatewayError("AUTHORIZER_CONFIGURATION_ERROR", 500, null, "AuthorizerConfigurationException") });
/** A policy that does not allow the method; AWS's default body for it spells "Message". */
const denied = (message: string): RestAuthResult => {
  const response = gatewayError("ACCESS_DENIED", 403, message, "AccessDeniedException");
  response.body = Buffer.from(JSON.stringify({ Message: message }));
  return { ok: false, response };
};

/** "method.request.header.Authorization" → "$request.header.Authorization" (the HTTP API spelling identity-source.ts reads). */
export function toHttpApiIdentitySource(source: string): string {
  const s = source.trim();
  const m = /^method\.request\.(header|querystring)\.(.+)$/i.exec(s);
  if (m) return `$request.${m[1].toLowerCase()}.${m[2]}`;
  if (/^(stageVariables|context)\./.test(s)) return `$${s}`;
  return s;
}

export class RestAuthorizers {
  private readonly cache = new AuthorizerCache<Verdict>();

  constructor(private readonly lambda: () => LambdaInvoker | undefined, private readonly jwks: JwksCache) {}

  async authorize(authorizer: RestAuthorizer, req: GatewayRequest, ctx: EventContext, rest: RestEventContext, methodArn: string, scopes?: string[]): Promise<RestAuthResult> {
    const stageVariables = ctx.stageVariables ?? {};
    const defaultSource = authorizer.Type === "REQUEST" ? "" : "method.request.header.Authorization";
    const sources = (authorizer.IdentitySource ?? defaultSource)
      .split(",").map((s) => s.trim()).filter(Boolean).map(toHttpApiIdentitySource);
    const identity = resolveIdentitySources(sources, req, stageVariables);
    if (!identity) return unauthorized();
    if (authorizer.Type === "COGNITO_USER_POOLS") return authorizeCognito(identity[0], authorizer.ProviderARNs ?? [], scopes, this.jwks);
    if (authorizer.Type === "TOKEN" && authorizer.IdentityValidationExpression) {
      let valid = false;
      try {
        valid = new RegExp(`^(?:${authorizer.IdentityValidationExpression})$`).test(identity[0] ?? "");
      } catch {
        return authorizerFailure();
      }
      if (!valid) return unauthorized();
    }
    const ttl = authorizer.AuthorizerResultTtlInSeconds ?? 300;
    const cacheKey = `${ctx.apiId}\u0000${authorizer.Id}\u0000${identity.join("\u0000")}`;
    const cacheable = ttl > 0 && identity.length > 0;
    let verdict = cacheable ? this.cache.get(cacheKey) : undefined;
    if (!verdict) {
      const called = await this.call(authorizer, req, ctx, rest, methodArn, identity);
      if ("ok" in called) return called;
      verdict = called.verdict;
      if (cacheable) this.cache.set(cacheKey, verdict, ttl);
    }
    const decision = policyDecision(verdict.policyDocument, methodArn);
    if (decision === "deny") return denied("User is not authorized to access this resource with an explicit deny");
    if (decision === "none") return denied("User is not authorized to access this resource");
    const context = { ...(verdict.context ?? {}), principalId: verdict.principalId, integrationLatency: 0 };
    const key = typeof verdict.usageIdentifierKey === "string" ? verdict.usageIdentifierKey : undefined;
    return { ok: true, authorizer: { lambda: context }, usageIdentifierKey: key };
  }

  private async call(authorizer: RestAuthorizer, req: GatewayRequest, ctx: EventContext, rest: RestEventContext, methodArn: string, identity: string[]): Promise<{ verdict: Verdict } | RestAuthResult> {
    let event: Record<string, unknown>;
    if (authorizer.Type === "TOKEN") event = { type: "TOKEN", methodArn, authorizationToken: identity[0] };
    else {
      const { body: _body, isBase64Encoded: _b64, ...request } = buildEventV1(req, ctx, rest);
      event = { type: "REQUEST", methodArn, ...request };
    }
    const fn = functionFromIntegrationUri(authorizer.AuthorizerUri ?? "", ctx.stageVariables);
    const outcome = await invokeWithTimeout(this.lambda(), fn, event, AUTHORIZER_TIMEOUT_MS);
    if (outcome.kind === "function-error") {
      // an authorizer that fails with the message "Unauthorized" turns the caller away with a 401
      const message = safeJson(outcome.payload)?.errorMessage;
      return message === "Unauthorized" ? unauthorized() : authorizerFailure();
    }
    if (outcome.kind !== "ok") return authorizerFailure();
    const verdict = safeJson(outcome.payload);
    if (!verdict || typeof verdict !== "object" || !verdict.policyDocument) return authorizerFailure();
    // a REST API takes only strings, numbers and booleans as context values
    if (verdict.context != null && (typeof verdict.context !== "object" || Object.values(verdict.context).some((v) => v !== null && typeof v === "object"))) return authorizerFailure();
    return { verdict: verdict as Verdict };
  }
}

function safeJson(payload: Buffer): any {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}
