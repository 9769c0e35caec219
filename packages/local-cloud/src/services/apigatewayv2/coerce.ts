/**
 * CloudFormation hands resource properties over as the template has them, and a
 * value that went through a parameter or an intrinsic is a string ("30000", "true").
 * API Gateway's CloudFormation provider accepts those; so do we, for the members
 * whose type is a number or a boolean.
 */

const NUMBERS = new Set(["TimeoutInMillis", "MaxAge", "AuthorizerResultTtlInSeconds", "ThrottlingBurstLimit", "ThrottlingRateLimit"]);
const BOOLEANS = new Set([
  "AutoDeploy", "AllowCredentials", "EnableSimpleResponses", "ApiKeyRequired", "DisableExecuteApiEndpoint",
  "DisableSchemaValidation", "DetailedMetricsEnabled", "DataTraceEnabled",
]);

export function coerceInput<T>(value: T): T {
  if (Array.isArray(value)) return value.map(coerceInput) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (NUMBERS.has(k) && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) out[k] = Number(v);
    else if (BOOLEANS.has(k) && (v === "true" || v === "false")) out[k] = v === "true";
    else if (k === "Tags" || k === "StageVariables") out[k] = v; // user data, never coerced
    else out[k] = coerceInput(v);
  }
  return out as T;
}

type Kind = "string" | "number" | "boolean" | "string[]" | "map" | "object";

const KINDS: Record<string, Kind> = {
  Name: "string", ProtocolType: "string", RouteKey: "string", Target: "string", IntegrationType: "string", IntegrationUri: "string",
  IntegrationMethod: "string", PayloadFormatVersion: "string", StageName: "string", AuthorizerType: "string", AuthorizerUri: "string",
  Description: "string", ApiId: "string", RouteId: "string", IntegrationId: "string", AuthorizerId: "string", DeploymentId: "string",
  AuthorizationType: "string", ResourceArn: "string", Issuer: "string", DestinationArn: "string", Format: "string",
  RouteSelectionExpression: "string", AuthorizerPayloadFormatVersion: "string", CredentialsArn: "string", Version: "string",
  TimeoutInMillis: "number", MaxAge: "number", AuthorizerResultTtlInSeconds: "number",
  AutoDeploy: "boolean", AllowCredentials: "boolean", EnableSimpleResponses: "boolean", ApiKeyRequired: "boolean", DisableExecuteApiEndpoint: "boolean",
  AllowOrigins: "string[]", AllowMethods: "string[]", AllowHeaders: "string[]", ExposeHeaders: "string[]", IdentitySource: "string[]",
  AuthorizationScopes: "string[]", Audience: "string[]", TagKeys: "string[]",
  Tags: "map", StageVariables: "map",
  CorsConfiguration: "object", JwtConfiguration: "object", AccessLogSettings: "object", DefaultRouteSettings: "object", RouteSettings: "object",
};

function isKind(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case "string": return typeof v === "string";
    case "number": return typeof v === "number" && Number.isFinite(v);
    case "boolean": return typeof v === "boolean";
    case "string[]": return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "map": return !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
    case "object": return !!v && typeof v === "object" && !Array.isArray(v);
  }
}

/** The member whose value has the wrong type, described for a BadRequestException; undefined when the input is well-formed. */
export function inputTypeProblem(value: unknown, path = ""): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return path ? undefined : "Invalid input: expected an object";
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    const kind = KINDS[k];
    const where = path ? `${path}.${k}` : k;
    if (kind && !isKind(v, kind)) return `Invalid input: ${where} must be ${kind === "string[]" ? "a list of strings" : kind === "map" ? "a map of strings" : `a ${kind}`}`;
    if (kind === "object" && k !== "RouteSettings") {
      const nested = inputTypeProblem(v, where);
      if (nested) return nested;
    }
  }
  return undefined;
}
