/**
 * Authorization of a WebSocket API's `$connect`: IAM (the handshake is SigV4-signed,
 * query-string signatures included, and the caller may execute-api:Invoke the
 * `$connect` route) or a Lambda REQUEST authorizer (identity sources such as
 * `route.request.header.Auth` or `route.request.querystring.token`; its IAM policy must
 * allow the route). Only `$connect` is authorized: messages ride an accepted connection.
 */
import type { AwsRequest } from "../../../types.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../../lambda-proxy/lambda-invoke.js";
import { parseQueryString } from "../../../lambda-proxy/http-request.js";
import { authorizeIam, type IamAuthCloud } from "../iam-auth.js";
import { AuthorizerCache, policyAllows, routeArn } from "../lambda-authorizer.js";
import { connectEvent, type ConnectionFacts, type RequestFacts } from "./events.js";

export type ConnectVerdict = { ok: true; authorizer?: Record<string, unknown> } | { ok: false; status: number; message: string };

export interface ConnectRequest {
  facts: ConnectionFacts;
  request: RequestFacts;
  /** The handshake as a signed request reads it (lower-cased headers, query). */
  signed: AwsRequest;
  rawHeaders: readonly string[];
  rawQuery: string;
}

const AUTHORIZER_TIMEOUT_MS = 10_000;
type Doc = Record<string, any>;

export async function authorizeConnect(
  route: Doc,
  authorizers: Doc[],
  req: ConnectRequest,
  deps: { region: string; lambda: LambdaInvoker | undefined; iam?: IamAuthCloud; cache: AuthorizerCache },
): Promise<ConnectVerdict> {
  const type = route.AuthorizationType ?? "NONE";
  const arn = routeArn(deps.region, req.facts.apiId, req.facts.stage, "$connect", "");
  if (type === "NONE") return { ok: true };
  if (type === "AWS_IAM") {
    if (!deps.iam) return { ok: false, status: 403, message: "Forbidden" };
    const result = authorizeIam(req.signed, deps.iam, arn);
    return result.ok ? { ok: true, authorizer: result.authorizer.iam as Record<string, unknown> } : { ok: false, status: 403, message: "Forbidden" };
  }
  if (type !== "CUSTOM") return { ok: false, status: 500, message: "Internal server error" };
  const authorizer = authorizers.find((a) => a.AuthorizerId === route.AuthorizerId);
  if (!authorizer) return { ok: false, status: 500, message: "Internal server error" };

  const sources: string[] = authorizer.IdentitySource ?? [];
  const identity = identityValues(sources, req);
  // A missing identity source refuses the handshake without calling the function.
  if (!identity) return { ok: false, status: 401, message: "Unauthorized" };
  const ttl = authorizer.AuthorizerResultTtlInSeconds ?? 0;
  const cacheKey = `${req.facts.apiId}\u0000${authorizer.AuthorizerId}\u0000${identity.join("\u0000")}`;
  if (ttl > 0 && sources.length) {
    const hit = deps.cache.get(cacheKey);
    if (hit) return hit.ok ? { ok: true, authorizer: hit.authorizer } : hit;
  }
  const { isBase64Encoded: _, ...event } = connectEvent(req.facts, req.request, req.rawHeaders, req.rawQuery);
  const outcome = await invokeWithTimeout(deps.lambda, functionFromIntegrationUri(authorizer.AuthorizerUri), { type: "REQUEST", methodArn: arn, ...event }, AUTHORIZER_TIMEOUT_MS);
  let verdict: ConnectVerdict = { ok: false, status: 500, message: "Internal server error" };
  if (outcome.kind === "ok") {
    let policy: any;
    try {
      policy = JSON.parse(outcome.payload.toString("utf8"));
    } catch {
      policy = undefined;
    }
    if (policy?.policyDocument) {
      verdict = policyAllows(policy.policyDocument, arn)
        ? { ok: true, authorizer: { ...(policy.context ?? {}), ...(policy.principalId !== undefined ? { principalId: policy.principalId } : {}) } }
        : { ok: false, status: 403, message: "Forbidden" };
    }
  }
  if (ttl > 0 && sources.length && (verdict.ok || verdict.status === 403)) deps.cache.set(cacheKey, verdict.ok ? { ok: true, authorizer: verdict.authorizer ?? {} } : verdict, ttl);
  return verdict;
}

/** Values of `route.request.header.X` / `route.request.querystring.X` sources, or undefined when one is missing. */
function identityValues(sources: string[], req: ConnectRequest): string[] | undefined {
  const query = parseQueryString(req.rawQuery);
  const values: string[] = [];
  for (const source of sources) {
    const m = /^(?:route\.request|\$request)\.(header|querystring)\.(.+)$/i.exec(source);
    const value = !m ? undefined : m[1]!.toLowerCase() === "header" ? req.signed.headers[m[2]!.toLowerCase()] : query.get(m[2]!)?.join(",");
    if (!value) return undefined;
    values.push(value);
  }
  return values;
}
