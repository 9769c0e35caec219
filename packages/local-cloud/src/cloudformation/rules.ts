/**
 * The Rules section: each rule's RuleCondition and Assertions are checked against the
 * parameter values before anything is provisioned. CDK's CheckBootstrapVersion rule
 * lives here (it asserts the bootstrap version read from SSM is recent enough).
 */
import type { Template } from "./template.js";
import { validationError } from "./template.js";
import { resolve, intrinsicName, type ResolveScope } from "./intrinsics.js";

export function checkRules(template: Template, scope: ResolveScope): void {
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && !ruleValue(rule.RuleCondition, scope, name)) continue;
    for (const a of rule.Assertions ?? []) {
      if (!ruleValue(a.Assert, scope, name)) {
        throw validationError(a.AssertDescription ?? `Template error: rule ${name} assertion failed`);
      }
    }
  }
}

/** Rule functions (Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn) on top of the condition functions. */
function ruleValue(expr: unknown, scope: ResolveScope, rule: string): boolean {
  const fn = intrinsicName(expr);
  const arg = fn ? (expr as any)[fn] : undefined;
  const val = (v: unknown) => resolve(rewrite(v, scope, rule), scope);
  switch (fn) {
    case "Fn::Contains": {
      const [list, v] = [val(arg[0]), val(arg[1])];
      return Array.isArray(list) && list.map(String).includes(String(v));
    }
    case "Fn::EachMemberEquals": {
      const [list, v] = [val(arg[0]), val(arg[1])];
      return Array.isArray(list) && list.every((x) => String(x) === String(v));
    }
    case "Fn::EachMemberIn": {
      const [list, allowed] = [val(arg[0]), val(arg[1])];
      return Array.isArray(list) && Array.isArray(allowed) && list.every((x) => allowed.map(String).includes(String(x)));
    }
    case "Fn::Not":
      return !ruleValue(arg[0], scope, rule);
    case "Fn::And":
      return (arg as unknown[]).every((a) => ruleValue(a, scope, rule));
    case "Fn::Or":
      return (arg as unknown[]).some((a) => ruleValue(a, scope, rule));
    default: {
      const r = val(expr);
      if (typeof r === "boolean") return r;
      if (r === "true" || r === "false") return r === "true";
      throw validationError(`Template error: rule ${rule} has an assertion that does not evaluate to a boolean`);
    }
  }
}

/** Nested rule functions inside operands (e.g. Fn::Not of Fn::Contains) are evaluated first. */
function rewrite(v: unknown, scope: ResolveScope, rule: string): unknown {
  const fn = intrinsicName(v);
  if (fn === "Fn::Contains" || fn === "Fn::EachMemberEquals" || fn === "Fn::EachMemberIn") return ruleValue(v, scope, rule);
  if (Array.isArray(v)) return v.map((x) => rewrite(x, scope, rule));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x, scope, rule)]));
  return v;
}
