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
