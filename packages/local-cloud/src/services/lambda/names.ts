/**
 * Lambda addresses a function by name, by full ARN or by partial ARN
 * ("000000000000:function:name"), each optionally with a ":qualifier" (version or
 * alias); the Qualifier parameter may say the same. One parser for all operations.
 */
import { AwsError } from "../../server/aws-error.js";
import { violationMessage } from "../../wire/constraints.js";

const FUNCTION_NAME_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const FUNCTION_NAME_RE = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

export function validationError(value: unknown, member: string, constraint: string): AwsError {
  return new AwsError("ValidationException", violationMessage(value === "null" ? null : value, member, constraint), 400);
}

/** Parses FunctionName (+ Qualifier). The qualifier in the name and the parameter must agree. */
export function parseFunctionRef(functionName: unknown, qualifier?: unknown, member = "functionName"): FunctionRef {
  if (typeof functionName !== "string" || functionName.length === 0) {
    throw validationError(functionName ?? "null", member, "Member must not be null");
  }
  const m = FUNCTION_NAME_RE.exec(functionName);
  if (!m || functionName.length > 140) {
    throw validationError(functionName, member, `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  }
  const name = m[7];
  if (name.length > 64) throw validationError(functionName, member, "Member must have length less than or equal to 64");
  const inName = m[9];
  const param = typeof qualifier === "string" && qualifier !== "" ? qualifier : undefined;
  if (param !== undefined && !/^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/.test(param)) {
    throw validationError(param, "qualifier", "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
  }
  if (inName && param && inName !== param) {
    throw new AwsError("InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.", 400);
  }
  return { name, qualifier: inName ?? param };
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
}

export function isVersionNumber(q: string): boolean {
  return /^[0-9]+$/.test(q);
}
