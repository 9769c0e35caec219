/**
 * Who is calling an AppSync API, by the modes it allows (its default AuthenticationType
 * and its AdditionalAuthenticationProviders), as AppSync decides it:
 * - a SigV4 `authorization` header is AWS_IAM: the signature is verified against the
 *   caller's secret in the local cloud's identity store (fields are then checked against
 *   the caller's policies for `appsync:GraphQL`, see field-auth.ts);
 * - another `authorization` header is a JWT of a Cognito user pool or OIDC issuer the API
 *   trusts (by its `iss`), else the token of the API's Lambda authorizer;
 * - an `x-api-key` header is API_KEY (the key must exist and not be expired).
 * The result is the mode and `$ctx.identity` as AppSync fills it for that mode; a refusal
 * is AppSync's 401 `UnauthorizedException`.
 *
 * User-pool tokens are checked against the pool's issuer
 * `https://cognito-idp.{region}.amazonaws.com/{poolId}`; their signatures against the
 * pool's keys, in-process when the pool is one of the local cloud's own (services/cognito-idp),
 * otherwise against the issuer's JWKS when it is reachable (a local setup is often
 * offline; then the token is decoded only, as the HTTP API JWT authorizer does).
 */
import { randomUUID } from "node:crypto";
import { ACCOUNT_ID, type AwsRequest, type Principal } from "../../types.js";
import { verifySignedCaller, type IamAuthCloud } from "../../auth/signed-request.js";
import { checkJwtSignature, decodeJwt, type JwksCache } from "../../auth/jwt-verify.js";
import type { TtlCache } from "../../auth/ttl-cache.js";
import { cognitoCaller } from "../../auth/cognito-identity.js";
import { sourceIpOf } from "../../lambda-proxy/http-request.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import type { AppSyncStore } from "./store.js";

type Doc = Record<string, any>;

export type AuthMode = "API_KEY" | "AWS_IAM" | "AMAZON_COGNITO_USER_POOLS" | "OPENID_CONNECT" | "AWS_LAMBDA";

/** An authenticated request. */
export interface RequestAuth {
  mode: AuthMode;
  /** `$ctx.identity` (null for API keys). */
  identity: Doc | null;
  /** AWS_IAM: whose policies decide each field. */
  principal?: Principal;
  region?: string;
  /** AWS_LAMBDA: the fields the authorizer denied, as `Type.field`. */
  deniedFields?: Set<string>;
  /** AMAZON_COGNITO_USER_POOLS: the user's groups. */
  groups?: string[];
}

export type AuthOutcome = { ok: true; auth: RequestAuth } | { ok: false; status: number; errorType: string; message: string };

/** What the Lambda authorizer is told about the request (its `requestContext`). */
export interface GraphqlRequestFacts {
  query: string;
  operationName?: string | null;
  variables?: Doc | null;
}

export interface AuthDeps {
  store: AppSyncStore;
  region: string;
  iam?: IamAuthCloud;
  lambda: () => LambdaInvoker | undefined;
  jwks: JwksCache;
  lambdaCache: TtlCache<AuthOutcome>;
}

const NO_HEADER = "Valid authorization header not provided.";
const NOT_AUTHORIZED = "You are not authorized to make this call.";
const refuse = (message: string, status = 401, errorType = "UnauthorizedException"): AuthOutcome => ({ ok: false, status, errorType, message });
const AUTHORIZER_TIMEOUT_MS = 10_000;
/** AppSync caches Lambda authorizer answers for 5 minutes unless told otherwise. */
const DEFAULT_AUTHORIZER_TTL_S = 300;

/** The default provider first, then the additional ones: each with its own configuration. */
export function providersOf(api: Doc): Doc[] {
  return [api, ...(api.AdditionalAuthenticationProviders ?? [])];
}

export function cognitoIssuer(config: Doc, region: string): string {
  return `https://cognito-idp.${config.AwsRegion ?? region}.amazonaws.com/${config.UserPoolId}`;
}

const sameIssuer = (a: unknown, b: unknown) => String(a ?? "").replace(/\/+$/, "") === String(b ?? "").replace(/\/+$/, "");

export async function authenticate(api: Doc, req: AwsRequest, facts: () => GraphqlRequestFacts, deps: AuthDeps): Promise<AuthOutcome> {
  const providers = providersOf(api);
  const provider = (mode: AuthMode) => providers.find((p) => p.AuthenticationType === mode);
  const authorization = req.headers["authorization"];
  const apiKey = req.headers["x-api-key"];
  if (authorization && /^AWS4-HMAC-SHA256 /.test(authorization)) {
    return provider("AWS_IAM") ? authenticateIam(req, deps) : refuse(NO_HEADER);
  }
  if (authorization) {
    const jwt = decodeJwt(authorization.replace(/^Bearer\s+/i, ""));
    if (jwt) {
      const cognito = providers.find((p) => p.AuthenticationType === "AMAZON_COGNITO_USER_POOLS" && sameIssuer(jwt.payload.iss, cognitoIssuer(p.UserPoolConfig ?? {}, deps.region)));
      if (cognito) return authenticateJwt("AMAZON_COGNITO_USER_POOLS", cognito, jwt, req, deps);
      const oidc = providers.find((p) => p.AuthenticationType === "OPENID_CONNECT" && sameIssuer(jwt.payload.iss, p.OpenIDConnectConfig?.Issuer));
      if (oidc) return authenticateJwt("OPENID_CONNECT", oidc, jwt, req, deps);
    }
    const lambda = provider("AWS_LAMBDA");
    if (lambda) return authenticateLambda(api, lambda, authorization, req, facts(), deps);
    return refuse(jwt && (provider("AMAZON_COGNITO_USER_POOLS") || provider("OPENID_CONNECT")) ? NOT_AUTHORIZED : NO_HEADER);
  }
  if (apiKey !== undefined) {
    if (!provider("API_KEY")) return refuse(NO_HEADER);
    const found = deps.store.get<Doc>(api.ApiId, "apikey", apiKey);
    if (!found) return refuse(NOT_AUTHORIZED);
    if (found.Expires && found.Expires * 1000 <= Date.now()) return refuse("API key has expired.");
    return { ok: true, auth: { mode: "API_KEY", identity: null } };
  }
  return refuse(NO_HEADER);
}

function authenticateIam(req: AwsRequest, deps: AuthDeps): AuthOutcome {
  const caller = verifySignedCaller(req, deps.iam);
  if (!caller.ok) {
    const errorType = { unsigned: "UnauthorizedException", malformed: "IncompleteSignatureException", "unknown-key": "UnrecognizedClientException", mismatch: "InvalidSignatureException", invalid: "InvalidSignatureException" }[caller.problem];
    return refuse(caller.problem === "unsigned" ? NO_HEADER : caller.message, caller.problem === "unsigned" ? 401 : 403, errorType);
  }
  const key = caller;
  const region = caller.region;
  const arn = key.principal.arn;
  const userId = arn.split("/").slice(-2).join(":");
  const cognito = cognitoCaller(key.principal.webIdentity);
  return {
    ok: true,
    auth: {
      mode: "AWS_IAM", principal: key.principal, region,
      identity: {
        accountId: ACCOUNT_ID, cognitoIdentityPoolId: cognito.identityPoolId, cognitoIdentityId: cognito.identityId, sourceIp: [sourceIpOf(req.headers)],
        username: userId, userArn: arn, cognitoIdentityAuthType: cognito.authenticationType, cognitoIdentityAuthProvider: cognito.authenticationProvider,
      },
    },
  };
}

async function authenticateJwt(mode: "AMAZON_COGNITO_USER_POOLS" | "OPENID_CONNECT", provider: Doc, jwt: NonNullable<ReturnType<typeof decodeJwt>>, req: AwsRequest, deps: AuthDeps): Promise<AuthOutcome> {
  const claims = jwt.payload;
  const now = Date.now();
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) return refuse("Token has expired.");
  if (typeof claims.nbf === "number" && claims.nbf * 1000 > now) return refuse(NOT_AUTHORIZED);
  const clientId = claims.aud ?? claims.client_id;
  let issuer: string;
  if (mode === "AMAZON_COGNITO_USER_POOLS") {
    const config = provider.UserPoolConfig ?? {};
    issuer = cognitoIssuer(config, deps.region);
    if (config.AppIdClientRegex && !new RegExp(`^(?:${config.AppIdClientRegex})$`).test(String(clientId ?? ""))) return refuse(NOT_AUTHORIZED);
  } else {
    const config = provider.OpenIDConnectConfig ?? {};
    issuer = String(config.Issuer);
    const audiences = [claims.aud].flat().filter((a) => a != null).map(String);
    if (config.ClientId && !audiences.concat(claims.client_id ?? []).some((a) => new RegExp(`^(?:${config.ClientId})$`).test(String(a)))) return refuse(NOT_AUTHORIZED);
    // IatTTL and AuthTTL are milliseconds since the token was issued / the user authenticated.
    if (config.IatTTL && (typeof claims.iat !== "number" || now - claims.iat * 1000 > config.IatTTL)) return refuse("Token has expired.");
    if (config.AuthTTL && (typeof claims.auth_time !== "number" || now - claims.auth_time * 1000 > config.AuthTTL)) return refuse("Token has expired.");
  }
  const keys = await deps.jwks.keysFor(issuer);
  if (keys && checkJwtSignature(jwt, keys) !== "valid") return refuse(NOT_AUTHORIZED);
  if (mode === "OPENID_CONNECT") return { ok: true, auth: { mode, identity: { sub: claims.sub ?? null, issuer: claims.iss, claims } } };
  const groups: string[] | undefined = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"].map(String) : undefined;
  return {
    ok: true,
    auth: {
      mode, groups,
      identity: {
        sub: claims.sub ?? null, issuer: claims.iss, username: claims["cognito:username"] ?? claims.username ?? null, claims,
        sourceIp: [sourceIpOf(req.headers)], defaultAuthStrategy: provider.UserPoolConfig?.DefaultAction ?? "ALLOW", groups: groups ?? null,
      },
    },
  };
}

/** The authorizer's answer: `{isAuthorized, resolverContext, deniedFields, ttlOverride}`, cached per token for the configured TTL. */
async function authenticateLambda(api: Doc, provider: Doc, token: string, req: AwsRequest, facts: GraphqlRequestFacts, deps: AuthDeps): Promise<AuthOutcome> {
  const config = provider.LambdaAuthorizerConfig ?? {};
  if (config.IdentityValidationExpression && !new RegExp(config.IdentityValidationExpression).test(token)) return refuse(NOT_AUTHORIZED);
  const cacheKey = `${api.ApiId}\n${token}`;
  const cached = deps.lambdaCache.get(cacheKey);
  if (cached) return cached;
  const event = {
    authorizationToken: token,
    requestContext: {
      apiId: api.ApiId, accountId: ACCOUNT_ID, requestId: randomUUID(),
      queryString: facts.query, operationName: facts.operationName ?? null, variables: facts.variables ?? {},
    },
    requestHeaders: req.headers,
  };
  const outcome = await invokeWithTimeout(deps.lambda(), functionFromIntegrationUri(String(config.AuthorizerUri)), event, AUTHORIZER_TIMEOUT_MS);
  if (outcome.kind !== "ok") return refuse(NOT_AUTHORIZED);
  let answer: Doc;
  try {
    answer = JSON.parse(outcome.payload.toString("utf8"));
  } catch {
    return refuse(NOT_AUTHORIZED);
  }
  const result: AuthOutcome = answer?.isAuthorized === true
    ? {
      ok: true,
      auth: {
        mode: "AWS_LAMBDA",
        identity: { resolverContext: answer.resolverContext ?? {} },
        deniedFields: new Set((Array.isArray(answer.deniedFields) ? answer.deniedFields : []).map((f: unknown) => deniedFieldName(String(f)))),
      },
    }
    : refuse(NOT_AUTHORIZED);
  const ttl = typeof answer?.ttlOverride === "number" ? answer.ttlOverride : config.AuthorizerResultTtlInSeconds ?? DEFAULT_AUTHORIZER_TTL_S;
  if (ttl > 0) deps.lambdaCache.set(cacheKey, result, ttl);
  return result;
}

/** `arn:aws:appsync:…:apis/{id}/types/{Type}/fields/{field}` or `Type.field`, as `Type.field`. */
function deniedFieldName(entry: string): string {
  const m = /\/types\/([^/]+)\/fields\/([^/]+)$/.exec(entry);
  return m ? `${m[1]}.${m[2]}` : entry;
}
