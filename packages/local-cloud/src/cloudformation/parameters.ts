/**
 * Template parameters: defaults, UsePreviousValue, type coercion, constraints
 * (AllowedValues, AllowedPattern, lengths, ranges) and SSM-backed parameter types,
 * with the ValidationError messages CloudFormation uses.
 */
import type { Template } from "./template.js";
import { validationError } from "./template.js";
import type { StackParameter } from "./store.js";
import { boundedTest } from "../limits/bounded-regex.js";

export interface ParameterInput {
  ParameterKey: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export interface ResolvedParameters {
  /** What DescribeStacks shows. */
  stored: StackParameter[];
  /** What Ref evaluates to (lists as arrays). */
  values: Record<string, unknown>;
}

const SSM_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;

export async function resolveParameters(
  template: Template,
  input: ParameterInput[] = [],
  previous: StackParameter[] | undefined,
  readSsm: (name: string) => Promise<string | undefined>,
): Promise<ResolvedParameters> {
  const defs = template.Parameters ?? {};
  const given = new Map<string, ParameterInput>();
  for (const p of input) {
    if (!(p.ParameterKey in defs)) throw validationError(`Parameters: [${p.ParameterKey}] do not exist in the template`);
    given.set(p.ParameterKey, p);
  }
  const missing: string[] = [];
  const stored: StackParameter[] = [];
  const values: Record<string, unknown> = {};
  const unresolvedSsm: string[] = [];
  for (const [key, def] of Object.entries(defs)) {
    const g = given.get(key);
    let raw: string | undefined;
    if (g?.UsePreviousValue) {
      const prev = previous?.find((p) => p.ParameterKey === key);
      if (!prev) throw validationError(`Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
      raw = prev.ParameterValue;
    } else if (g?.ParameterValue !== undefined) {
      raw = g.ParameterValue;
    } else if (def.Default !== undefined) {
      raw = Array.isArray(def.Default) ? def.Default.join(",") : String(def.Default);
    }
    if (raw === undefined) {
      missing.push(key);
      continue;
    }
    const noEcho = def.NoEcho === true || def.NoEcho === "true";
    const ssm = SSM_TYPE.exec(def.Type);
    let effective = raw;
    let resolved: string | undefined;
    if (ssm) {
      const v = await readSsm(raw);
      if (v === undefined) {
        unresolvedSsm.push(raw);
        continue;
      }
      effective = resolved = v;
    }
    checkConstraints(key, def, effective);
    const type = ssm ? ssm[1] : def.Type;
    values[key] = /^List<|CommaDelimitedList/.test(type) ? effective.split(",").map((s) => s.trim()) : effective;
    // The real value is kept (UsePreviousValue needs it); the API masks NoEcho values as "****".
    stored.push({ ParameterKey: key, ParameterValue: raw, ...(resolved !== undefined ? { ResolvedValue: resolved } : {}), ...(noEcho ? { NoEcho: true } : {}) });
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(", ")}] must have values`);
  if (unresolvedSsm.length > 0) {
    throw validationError(`Unable to fetch parameters [${unresolvedSsm.join(",")}] from parameter store for this account.`);
  }
  return { stored, values };
}

function checkConstraints(key: string, def: NonNullable<Template["Parameters"]>[string], value: string): void {
  const fail = (why: string) => {
    throw validationError(def.ConstraintDescription ? `Parameter '${key}' ${def.ConstraintDescription}` : `Parameter '${key}' ${why}`);
  };
  if (def.AllowedValues && !def.AllowedValues.map(String).includes(value)) {
    throw validationError(`Parameter '${key}' must be one of AllowedValues`);
  }
  if (def.Type === "Number" && (value.trim() === "" || Number.isNaN(Number(value)))) {
    throw validationError(`Parameter '${key}' must be a number.`);
  }
  if (def.AllowedPattern) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${def.AllowedPattern})$`);
    } catch {
      throw validationError(`Template error: Parameter '${key}' AllowedPattern ${def.AllowedPattern} is not a valid regular expression.`);
    }
    // The template's own regular expression: run with a time budget (limits/bounded-regex.ts).
    const matched = boundedTest(re, value);
    if (matched === "too-slow") throw validationError(`Parameter '${key}' could not be checked against its AllowedPattern ${def.AllowedPattern}: matching took too long.`);
    if (!matched) fail(`failed to satisfy constraint: Malformed input-Parameter ${key} must match pattern ${def.AllowedPattern}`);
  }
  if (def.MinLength !== undefined && value.length < Number(def.MinLength)) fail(`must contain at least ${def.MinLength} characters`);
  if (def.MaxLength !== undefined && value.length > Number(def.MaxLength)) fail(`must contain at most ${def.MaxLength} characters`);
  if (def.MinValue !== undefined && Number(value) < Number(def.MinValue)) fail(`must be a number not less than ${def.MinValue}`);
  if (def.MaxValue !== undefined && Number(value) > Number(def.MaxValue)) fail(`must be a number not greater than ${def.MaxValue}`);
}
