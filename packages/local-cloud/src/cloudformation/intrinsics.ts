/**
 * CloudFormation's intrinsic functions, evaluated against a scope that knows the
 * stack's parameters, pseudo parameters, resources' physical ids and attributes,
 * conditions, mappings and exports. The same walker serves resource properties,
 * outputs, conditions and rules.
 */
import { validationError } from "./template.js";

/** `Ref: AWS::NoValue` — removes the property (or list element) that holds it. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export interface ResolveScope {
  /** Ref to a parameter, pseudo parameter or resource. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  importValue(name: string): string;
  region: string;
  /** Rewrites a string Fn::Join or Fn::Sub built (see local-urls.ts); identity when absent. */
  localUrl?(value: string): string;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** The one key of an intrinsic function object, if the object is one. */
export function intrinsicName(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  return k === "Ref" || k === "Condition" || k.startsWith("Fn::") ? k : undefined;
}

export function resolve(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, scope)).filter((v) => v !== NO_VALUE);
  }
  if (!isObj(value)) return value;
  const fn = intrinsicName(value);
  if (fn && fn !== "Condition") return evaluate(fn, value[fn], scope);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolve(v, scope);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function str(v: unknown, fn: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw validationError(`Template error: every ${fn} object requires string values, got ${JSON.stringify(v)}`);
}

function evaluate(fn: string, arg: unknown, scope: ResolveScope): unknown {
  switch (fn) {
    case "Ref": {
      if (typeof arg !== "string") throw validationError("Template error: Ref requires a string");
      if (arg === "AWS::NoValue") return NO_VALUE;
      return scope.ref(arg);
    }
    case "Fn::GetAtt": {
      let id: string, attr: unknown;
      if (typeof arg === "string") {
        const dot = arg.indexOf(".");
        if (dot < 0) throw validationError(`Template error: Fn::GetAtt ${arg} must be of the form LogicalId.Attribute`);
        [id, attr] = [arg.slice(0, dot), arg.slice(dot + 1)];
      } else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string") {
        [id, attr] = [arg[0], resolve(arg[1], scope)];
      } else {
        throw validationError("Template error: every Fn::GetAtt object requires two non-empty parameters");
      }
      return scope.getAtt(id, str(attr, "Fn::GetAtt"));
    }
    case "Fn::Join": {
      if (!Array.isArray(arg) || arg.length !== 2) throw validationError("Template error: every Fn::Join object requires two parameters");
      const sep = str(resolve(arg[0], scope), "Fn::Join");
      const list = resolve(arg[1], scope);
      if (!Array.isArray(list)) throw validationError("Template error: Fn::Join requires a list as its second parameter");
      const joined = list.map((v) => str(v, "Fn::Join")).join(sep);
      return scope.localUrl ? scope.localUrl(joined) : joined;
    }
    case "Fn::Sub": {
      const text = sub(arg, scope);
      return scope.localUrl ? scope.localUrl(text) : text;
    }
    case "Fn::Select": {
      if (!Array.isArray(arg) || arg.length !== 2) throw validationError("Template error: every Fn::Select object requires two parameters");
      const index = Number(resolve(arg[0], scope));
      const list = resolve(arg[1], scope);
      if (!Array.isArray(list)) throw validationError("Template error: Fn::Select requires a list as its second parameter");
      if (!Number.isInteger(index) || index < 0 || index >= list.length) {
        throw validationError(`Template error: Fn::Select cannot select nonexistent value at index ${arg[0]}`);
      }
      return list[index];
    }
    case "Fn::Split": {
      if (!Array.isArray(arg) || arg.length !== 2) throw validationError("Template error: every Fn::Split object requires two parameters");
      const sep = str(resolve(arg[0], scope), "Fn::Split");
      return str(resolve(arg[1], scope), "Fn::Split").split(sep);
    }
    case "Fn::If": {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") {
        throw validationError("Template error: every Fn::If object requires three parameters");
      }
      return resolve(scope.condition(arg[0]) ? arg[1] : arg[2], scope);
    }
    case "Fn::Equals": {
      if (!Array.isArray(arg) || arg.length !== 2) throw validationError("Template error: every Fn::Equals object requires two parameters");
      const [a, b] = arg.map((v) => resolve(v, scope));
      return JSON.stringify(normalizeScalar(a)) === JSON.stringify(normalizeScalar(b));
    }
    case "Fn::And":
    case "Fn::Or": {
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) {
        throw validationError(`Template error: every ${fn} object requires between 2 and 10 parameters`);
      }
      const values = arg.map((v) => conditionValue(v, scope));
      return fn === "Fn::And" ? values.every(Boolean) : values.some(Boolean);
    }
    case "Fn::Not": {
      if (!Array.isArray(arg) || arg.length !== 1) throw validationError("Template error: every Fn::Not object requires one parameter");
      return !conditionValue(arg[0], scope);
    }
    case "Fn::FindInMap": {
      if (!Array.isArray(arg) || arg.length < 3) throw validationError("Template error: every Fn::FindInMap object requires three parameters");
      const [m, k1, k2] = arg.slice(0, 3).map((v) => str(resolve(v, scope), "Fn::FindInMap"));
      const map = scope.mappings[m];
      if (!map) throw validationError(`Template error: Unable to get mapping for ${m}::${k1}::${k2}`);
      const v = map[k1]?.[k2];
      if (v === undefined) {
        const dflt = isObj(arg[3]) ? (arg[3] as any).DefaultValue : undefined;
        if (dflt !== undefined) return resolve(dflt, scope);
        throw validationError(`Template error: Unable to get mapping for ${m}::${k1}::${k2}`);
      }
      return v;
    }
    case "Fn::ImportValue":
      return scope.importValue(str(resolve(arg, scope), "Fn::ImportValue"));
    case "Fn::Base64":
      return Buffer.from(str(resolve(arg, scope), "Fn::Base64")).toString("base64");
    case "Fn::GetAZs": {
      const region = resolve(arg, scope);
      const r = typeof region === "string" && region !== "" ? region : scope.region;
      return ["a", "b", "c"].map((z) => `${r}${z}`);
    }
    case "Fn::Length": {
      const list = resolve(arg, scope);
      if (!Array.isArray(list)) throw validationError("Template error: Fn::Length requires a list");
      return list.length;
    }
    case "Fn::ToJsonString":
      return JSON.stringify(resolve(arg, scope));
    case "Fn::Cidr":
      throw validationError("Template error: Fn::Cidr is not supported by the local cloud");
    default:
      throw validationError(`Template format error: Unrecognized intrinsic function ${fn}`);
  }
}

/** Condition-function operands: a `{Condition: name}` reference or a nested function. */
function conditionValue(v: unknown, scope: ResolveScope): boolean {
  if (isObj(v) && intrinsicName(v) === "Condition") return scope.condition(str(v.Condition, "Condition"));
  const r = resolve(v, scope);
  if (typeof r === "boolean") return r;
  if (r === "true") return true;
  if (r === "false") return false;
  throw validationError(`Template error: condition operand must evaluate to a boolean, got ${JSON.stringify(r)}`);
}

/** Evaluate one entry of the Conditions section. */
export function evaluateCondition(expr: unknown, scope: ResolveScope): boolean {
  return conditionValue(expr, scope);
}

function normalizeScalar(v: unknown): unknown {
  return typeof v === "number" || typeof v === "boolean" ? String(v) : v;
}

/** `${Name}` / `${Res.Attr}` placeholders; `${!Literal}` stays as `${Literal}`. */
export const SUB_PATTERN = /\$\{([^}]*)\}/g;

function sub(arg: unknown, scope: ResolveScope): string {
  let text: unknown, vars: Record<string, unknown> = {};
  if (typeof arg === "string") text = arg;
  else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string" && isObj(arg[1])) {
    text = arg[0];
    vars = Object.fromEntries(Object.entries(arg[1]).map(([k, v]) => [k, resolve(v, scope)]));
  } else throw validationError("Template error: Fn::Sub requires a string or a [string, map] pair");
  return (text as string).replace(SUB_PATTERN, (_m, inner: string) => {
    if (inner.startsWith("!")) return "${" + inner.slice(1) + "}";
    const name = inner.trim();
    if (name in vars) return str(vars[name], "Fn::Sub");
    const dot = name.indexOf(".");
    if (dot > 0 && !name.startsWith("AWS::")) return str(scope.getAtt(name.slice(0, dot), name.slice(dot + 1)), "Fn::Sub");
    const v = scope.ref(name);
    return Array.isArray(v) ? v.join(",") : str(v, "Fn::Sub");
  });
}

/**
 * The resources an expression depends on (Ref, Fn::GetAtt, Fn::Sub placeholders).
 * `isResource` tells resource names from parameters; `condition` lets Fn::If
 * follow only the branch that is taken, as CloudFormation does.
 */
export function collectReferences(
  value: unknown,
  isResource: (name: string) => boolean,
  condition?: (name: string) => boolean,
  out: Set<string> = new Set(),
): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, isResource, condition, out);
    return out;
  }
  if (!isObj(value)) return out;
  const fn = intrinsicName(value);
  const arg = fn ? value[fn] : undefined;
  if (fn === "Ref" && typeof arg === "string") {
    if (isResource(arg)) out.add(arg);
    return out;
  }
  if (fn === "Fn::GetAtt") {
    const id = typeof arg === "string" ? arg.split(".")[0] : Array.isArray(arg) ? arg[0] : undefined;
    if (typeof id === "string") out.add(id);
    if (Array.isArray(arg)) collectReferences(arg[1], isResource, condition, out);
    return out;
  }
  if (fn === "Fn::Sub") {
    const text = typeof arg === "string" ? arg : Array.isArray(arg) ? arg[0] : undefined;
    const vars = Array.isArray(arg) && isObj(arg[1]) ? arg[1] : {};
    if (typeof text === "string") {
      for (const m of text.matchAll(SUB_PATTERN)) {
        const inner = m[1].trim();
        if (inner.startsWith("!") || inner in vars || inner.startsWith("AWS::")) continue;
        const name = inner.split(".")[0];
        if (inner.includes(".") || isResource(name)) out.add(name);
      }
    }
    collectReferences(vars, isResource, condition, out);
    return out;
  }
  if (fn === "Fn::If" && condition && Array.isArray(arg) && typeof arg[0] === "string") {
    return collectReferences(condition(arg[0]) ? arg[1] : arg[2], isResource, condition, out);
  }
  for (const v of Object.values(value)) collectReferences(v, isResource, condition, out);
  return out;
}
