/**
 * Input checks for function configuration, with the error code and message Lambda
 * uses for each (ValidationException for shape constraints, InvalidParameterValue
 * for semantic ones).
 */
import { invalidParameter } from "./errors.js";
import { validationError } from "./names.js";

/** Runtimes Lambda accepts for new functions and updates. */
const RUNTIMES = [
  "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
  "python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
  "java8.al2", "java11", "java17", "java21", "dotnet6", "dotnet8", "ruby3.2", "ruby3.3", "provided", "provided.al2", "provided.al2023",
];
const DEPRECATED = ["nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "python2.7", "python3.6", "python3.7", "python3.8", "dotnetcore3.1", "go1.x", "ruby2.7", "java8"];

const RESERVED_ENV = [
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
];

const ROLE_PATTERN = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";

export function checkRole(role: unknown): string {
  if (typeof role !== "string") throw validationError("null", "role", "Member must not be null");
  if (!new RegExp(`^${ROLE_PATTERN}$`).test(role)) {
    throw validationError(role, "role", `Member must satisfy regular expression pattern: ${ROLE_PATTERN}`);
  }
  return role;
}

export function checkRuntime(runtime: unknown): string {
  if (typeof runtime !== "string") throw validationError(runtime, "runtime", "Member must not be null");
  if (DEPRECATED.includes(runtime)) {
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
    );
  }
  if (!RUNTIMES.includes(runtime)) {
    throw validationError(runtime, "runtime", `Member must satisfy enum value set: [${RUNTIMES.join(", ")}] or be a valid ARN`);
  }
  return runtime;
}

export function checkHandler(handler: unknown): string {
  if (typeof handler !== "string" || handler.length > 128 || !/^[^\s]+$/.test(handler)) {
    throw validationError(handler, "handler", "Member must satisfy regular expression pattern: [^\\s]+");
  }
  return handler;
}

export function checkRange(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw validationError(value, member, "Member must be an integer");
  if (value < min) throw validationError(value, member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(value, member, `Member must have value less than or equal to ${max}`);
  return value;
}

export function checkEnvironment(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return undefined;
  const vars = (env as { Variables?: unknown }).Variables ?? {};
  if (typeof vars !== "object" || vars === null || Array.isArray(vars)) throw invalidParameter("Environment variables must be a map of strings.");
  const out: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) throw validationError(k, "environment.variables", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
    if (RESERVED_ENV.includes(k)) reserved.push(k);
    out[k] = String(v);
  }
  if (reserved.length) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
    );
  }
  // AWS's 4 KB limit on the serialized variables.
  if (Buffer.byteLength(JSON.stringify(out)) > 4096) {
    throw invalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.");
  }
  return out;
}
