/**
 * Structural validation of policy documents, as IAM does it when a policy is stored.
 * Returns the MalformedPolicyDocument message AWS would give, or undefined when valid.
 */
import { parseOperator } from "./conditions.js";

export type PolicyKind = "identity" | "trust";

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"]);

function isStringOrStringArray(v: unknown): v is string | string[] {
  return typeof v === "string" || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string"));
}

export function validatePolicyDocument(text: string, kind: PolicyKind = "identity"): string | undefined {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return "Syntax errors in policy.";
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return "Syntax errors in policy.";
  for (const key of Object.keys(doc)) {
    if (!["Version", "Id", "Statement"].includes(key)) return "Syntax errors in policy.";
  }
  if (doc.Version !== undefined && doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17") {
    return "The policy failed legacy parsing";
  }
  if (doc.Statement === undefined) return "Syntax errors in policy.";
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (statements.length === 0) return "Syntax errors in policy.";
  for (const st of statements) {
    if (!st || typeof st !== "object" || Array.isArray(st)) return "Syntax errors in policy.";
    for (const key of Object.keys(st)) if (!STATEMENT_KEYS.has(key)) return "Syntax errors in policy.";
    if (st.Effect === undefined) return "Missing required field Effect";
    if (st.Effect !== "Allow" && st.Effect !== "Deny") return `Invalid effect: ${String(st.Effect)}`;
    const actions = st.Action ?? st.NotAction;
    if (actions === undefined) return "Policy statement must contain actions.";
    if (st.Action !== undefined && st.NotAction !== undefined) return "Syntax errors in policy.";
    if (!isStringOrStringArray(actions)) return "Syntax errors in policy.";
    for (const a of typeof actions === "string" ? [actions] : actions) {
      if (a !== "*" && !/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]*$/.test(a)) {
        return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
      }
    }
    if (kind === "identity") {
      if (st.Principal !== undefined || st.NotPrincipal !== undefined) return "Policy document should not specify a principal.";
      const resources = st.Resource ?? st.NotResource;
      if (resources === undefined) return "Policy statement must contain resources.";
      if (!isStringOrStringArray(resources)) return "Syntax errors in policy.";
      for (const r of typeof resources === "string" ? [resources] : resources) {
        if (r !== "*" && !r.startsWith("arn:")) return `Resource ${r} must be in ARN format or "*".`;
      }
    } else {
      if (st.Resource !== undefined || st.NotResource !== undefined) return "Has prohibited field Resource";
      if (st.Principal === undefined && st.NotPrincipal === undefined) return "Missing required field Principal";
    }
    if (st.Condition !== undefined) {
      if (typeof st.Condition !== "object" || st.Condition === null || Array.isArray(st.Condition)) return "Syntax errors in policy.";
      for (const [op, keys] of Object.entries(st.Condition)) {
        if (!parseOperator(op)) return `Invalid Condition type : ${op}`;
        if (!keys || typeof keys !== "object" || Array.isArray(keys)) return "Syntax errors in policy.";
      }
    }
  }
  return undefined;
}
