/**
 * Parameter names, paths, ARNs and version/label selectors ("name:3", "name:prod"),
 * validated the way Parameter Store does.
 */
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID } from "../../types.js";

const NAME_RULE =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const PATH_RULE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.';

export const MAX_DEPTH = 15;

export function parameterArn(region: string, name: string): string {
  return `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter/${name.startsWith("/") ? name.slice(1) : name}`;
}

/** An ARN given where a name is expected is accepted by the read APIs. */
export function nameFromArnOrName(value: string): string {
  const m = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(value);
  if (!m) return value;
  const rest = m[1]!;
  // "parameter/a/b" stands for "/a/b"; "parameter/x" for "x" (names without hierarchy).
  return rest.slice(1).includes("/") ? rest : rest.slice(1);
}

function reserved(name: string): boolean {
  return /^\/?(aws|ssm)/i.test(name);
}

/** A parameter name Parameter Store accepts (its presence and length are checked with the request). */
export function validateName(name: string, forWrite: boolean): string {
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name) || (forWrite && reserved(name))) throw new AwsError("ValidationException", NAME_RULE, 400);
  if (name.includes("/") && !name.startsWith("/")) {
    throw new AwsError("ValidationException", "Parameter name must be a fully qualified name.", 400);
  }
  if (name.endsWith("/") || name.includes("//")) throw new AwsError("ValidationException", NAME_RULE, 400);
  if (name.split("/").filter(Boolean).length > MAX_DEPTH) {
    throw new AwsError(
      "HierarchyLevelLimitExceededException",
      "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.",
      400,
    );
  }
  if (forWrite && name.length > 1011) {
    throw new AwsError("ValidationException", "Parameter name can't be longer than 1011 characters.", 400);
  }
  return name;
}

export function validatePath(path: string): string {
  if (!path.startsWith("/") || !/^[a-zA-Z0-9_.\-/]+$/.test(path) || (path !== "/" && reserved(path) && !path.startsWith("/aws/"))) {
    throw new AwsError("ValidationException", PATH_RULE, 400);
  }
  if (path.split("/").filter(Boolean).length > MAX_DEPTH) {
    throw new AwsError("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.", 400);
  }
  return path;
}

export interface Selector {
  name: string;
  /** ":3" or ":label", as given. */
  selector?: string;
  version?: number;
  label?: string;
}

export function parseSelector(raw: string): Selector {
  const name = nameFromArnOrName(raw);
  const colon = name.lastIndexOf(":");
  if (colon <= 0) return { name };
  const base = name.slice(0, colon);
  const sel = name.slice(colon + 1);
  if (/^\d+$/.test(sel)) return { name: base, selector: `:${sel}`, version: Number(sel) };
  return { name: base, selector: `:${sel}`, label: sel };
}

/** Why a label is refused, or undefined when AWS accepts it. */
export function invalidLabel(label: string): boolean {
  return (
    label.length === 0 ||
    label.length > 100 ||
    /^\d/.test(label) ||
    /^(aws|ssm)/i.test(label) ||
    !/^[a-zA-Z0-9_.\-]+$/.test(label)
  );
}
