/**
 * Lambda REQUEST authorizers of HTTP APIs: builds the authorizer event of payload
 * format 2.0 (or 1.0), calls the function, and reads its verdict — a simple response
 * `{isAuthorized, context}` when EnableSimpleResponses, otherwise an IAM policy that
 * must allow execute-api:Invoke on the route.
 */
import { ACCOUNT_ID } from "../../types.js";
import { TtlCache } from "../../auth/ttl-cache.js";
import { globMatch } from "../../limits/glob.js";
import { buildEventV1 } from "../../lambda-proxy/event-v1.js";
import { buildEventV2, type EventContext } from "../../lambda-proxy/event-v2.js";
import type { GatewayRequest } from "../../lambda-proxy/http-request.js";
import { resolveIdentitySources } from "./identity-source.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";

export interface RequestAuthorizer {
  AuthorizerId?: string;
  AuthorizerUri: string;
  AuthorizerResultTtlInSeconds?: number;
  AuthorizerPayloadFormatVersion?: string;
  EnableSimpleResponses?: boolean;
  IdentitySource?: string[];
}

export type LambdaAuthResult =
  | { ok: true; authorizer: Record<string, unknown> }
  | { ok: false; status: number; message: string };

const AUTHORIZER_TIMEOUT_MS = 10_000;

export function routeArn(region: string, apiId: string, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${apiId}/${stage}/${method}${path}`;
}

/** What an authorizer's policy says about execute-api:Invoke on `arn`: an explicit deny wins over an allow. */
export function policyDecision(policy: any, arn: string): "allow" | "deny" | "none" {
  const statements = Array.isArray(policy?.Statement) ? policy.Statement : policy?.Statement ? [policy.Statement] : [];
  const matches = (pattern: string) => globMatch(pattern, arn);
  const applies = (st: any) => {
    const actions = [st.Action].flat().map(String);
    const resources = [st.Resource].flat().map(String);
    return actions.some((a) => a === "*" || a === "execute-api:*" || a.toLowerCase() === "execute-api:invoke") && resources.some(matches);
  };
  if (statements.some((st: any) => st.Effect === "Deny" && applies(st))) return "deny";
  return statements.some((st: any) => st.Effect === "Allow" && applies(st)) ? "allow" : "none";
}

const policyAllows = (policy: any, arn: string) => policyDecision(policy, arn) === "allow";

/** Authorizer verdicts cached per authorizer and identity-source values for AuthorizerResultTtlInSeconds (only when there are identity sources to key on). */
export class AuthorizerCache<T = LambdaAuthResult> extends TtlCache<T> {}

export async function runLambdaAuthorizer(
  lambda: LambdaInvoker | undefined,
  authorizer: RequestAuthorizer,
  req: GatewayRequest,
  ctx: EventContext & { region: string },
  cache?: AuthorizerCache,
): Promise<LambdaAuthResult> {
  const stageVariables = ctx.stageVariables ?? {};
  const sources = authorizer.IdentitySource ?? [];
  const identity = resolveIdentitySources(sources, req, stageVariables);
  if (!identity) return { ok: false, status: 401, message: "Unauthorized" };
  const ttl = authorizer.AuthorizerResultTtlInSeconds ?? 0;
  const cacheKey = `${ctx.apiId}\u0000${authorizer.AuthorizerId ?? authorizer.AuthorizerUri}\u0000${identity.join("\u0000")}`;
  if (cache && ttl > 0 && sources.length) {
    const hit = cache.get(cacheKey);
    if (hit) return hit;
  }
  const result = await callAuthorizer(lambda, authorizer, req, ctx, identity);
  // errors are not cached: a 500 from a cold or broken authorizer must not stick
  if (cache && ttl > 0 && sources.length && (result.ok || result.status === 403)) cache.set(cacheKey, result, ttl);
  return result;
}

async function callAuthorizer(
  lambda: LambdaInvoker | undefined,
  authorizer: RequestAuthorizer,
  req: GatewayRequest,
  ctx: EventContext & { region: string },
  identity: string[],
): Promise<LambdaAuthResult> {
  const stageVariables = ctx.stageVariables ?? {};
  const arn = routeArn(ctx.region, ctx.apiId, req.stage, req.method, req.routePath);
  const v2 = authorizer.AuthorizerPayloadFormatVersion === "2.0";
  let event: Record<string, unknown>;
  if (v2) {
    const { version, body, isBase64Encoded, ...rest } = buildEventV2(req, ctx);
    event = { version, type: "REQUEST", routeArn: arn, identitySource: identity, ...rest };
  } else {
    const { body, isBase64Encoded, ...rest } = buildEventV1(req, ctx);
    event = { ...rest, type: "REQUEST", methodArn: arn, identitySource: identity.join(","), authorizationToken: req.headers["authorization"] };
  }
  const outcome = await invokeWithTimeout(lambda, functionFromIntegrationUri(authorizer.AuthorizerUri, stageVariables), event, AUTHORIZER_TIMEOUT_MS);
  if (outcome.kind !== "ok") return { ok: false, status: 500, message: "Internal Server Error" };
  let verdict: any;
  try {
    verdict = JSON.parse(outcome.payload.toString("utf8"));
  } catch {
    return { ok: false, status: 500, message: "Internal Server Error" };
  }
  if (!verdict || typeof verdict !== "object") return { ok: false, status: 500, message: "Internal Server Error" };
  if (v2 && authorizer.EnableSimpleResponses) {
    if (typeof verdict.isAuthorized !== "boolean") return { ok: false, status: 500, message: "Internal Server Error" };
    if (!verdict.isAuthorized) return { ok: false, status: 403, message: "Forbidden" };
    return { ok: true, authorizer: { lambda: verdict.context ?? {} } };
  }
  if (!verdict.policyDocument) return { ok: false, status: 500, message: "Internal Server Error" };
  if (!policyAllows(verdict.policyDocument, arn)) return { ok: false, status: 403, message: "Forbidden" };
  const context = { ...(verdict.context ?? {}), ...(verdict.principalId !== undefined ? { principalId: verdict.principalId } : {}) };
  // the integration's payload format decides where this lands (event-v1 flattens it)
  return { ok: true, authorizer: { lambda: context } };
}
