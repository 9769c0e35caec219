/**
 * AWS's public URLs of APIs that a template builds from their ids
 * (`wss://{id}.execute-api.{region}.amazonaws.com/{stage}`, as CDK writes a WebSocket
 * stage's or a REST API's `url`) lead nowhere locally. When the id is an API the same
 * stack deployed to this cloud, the string a Fn::Join or Fn::Sub produces is its local
 * URL instead: `ws://` / `http://{id}.execute-api.localhost:{port}`, the same path after
 * it. The template is unchanged, so AWS gets the AWS form; strings that merely look like
 * such a URL (another region, an API not in the stack) are left alone.
 */
const API_URL = /^(wss|https):\/\/([a-z0-9]{10})\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?=[/?]|$)/;
const API_TYPES = new Set(["AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi"]);

export interface LocalUrlContext {
  region: string;
  /** The cloud's endpoint, for its port. */
  endpoint: string;
  /** The type of the stack's resource with this physical id, if any. */
  typeOfPhysicalId(id: string): string | undefined;
}

/**
 * A user pool domain's hosted UI URL (CDK's `UserPoolDomain.baseUrl()` / `signInUrl()`:
 * `https://{prefix}.auth.{region}.amazoncognito.com…`) is its local one,
 * `http://{prefix}.auth.{region}.localhost:{port}…`, when the prefix is a domain the same
 * stack deployed (services/cognito-idp/hosted-ui/domain-host.ts).
 */
const COGNITO_DOMAIN_URL = /^https:\/\/([a-z0-9-]+)\.auth\.([a-z0-9-]+)\.amazoncognito\.com(?=[/?]|$)/;

export function localCognitoDomainUrl(value: string, ctx: LocalUrlContext): string {
  if (!value.includes(".amazoncognito.com")) return value;
  const m = COGNITO_DOMAIN_URL.exec(value);
  if (!m || m[2] !== ctx.region || ctx.typeOfPhysicalId(m[1]!) !== "AWS::Cognito::UserPoolDomain") return value;
  const port = new URL(ctx.endpoint).port || "80";
  return `http://${m[1]}.auth.${m[2]}.localhost:${port}${value.slice(m[0].length)}`;
}

/** A string a template built, with the AWS URLs of the stack's APIs and user pool domains made local. */
export function localUrlOf(value: string, ctx: LocalUrlContext): string {
  return localCognitoDomainUrl(localApiUrl(value, ctx), ctx);
}

export function localApiUrl(value: string, ctx: LocalUrlContext): string {
  if (!value.includes(".execute-api.")) return value;
  const m = API_URL.exec(value);
  if (!m || m[3] !== ctx.region) return value;
  const type = ctx.typeOfPhysicalId(m[2]!);
  if (!type || !API_TYPES.has(type)) return value;
  const port = new URL(ctx.endpoint).port || "80";
  return `${m[1] === "wss" ? "ws" : "http"}://${m[2]}.execute-api.localhost:${port}${value.slice(m[0].length)}`;
}
