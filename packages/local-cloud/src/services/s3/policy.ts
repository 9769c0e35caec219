/**
 * Bucket policy evaluation: the resource-based side of S3's access decision.
 * An explicit Deny wins, then an Allow; otherwise the policy says nothing ("None")
 * and only an identity policy can grant access (never for anonymous callers).
 */
import { ACCOUNT_ID } from "../../types.js";
import { wildcardMatch } from "../../iam/wildcard.js";

export type PolicyDecision = "Allow" | "Deny" | "None";

export interface PolicyRequest {
  /** Principal ARN; undefined for anonymous callers. */
  principalArn?: string;
  /** For role sessions, the role the session belongs to. */
  roleArn?: string;
  action: string;
  resource: string;
  /** Condition keys, e.g. aws:SecureTransport. */
  context: Record<string, string>;
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);


function principalMatches(principal: unknown, req: PolicyRequest): boolean {
  if (principal === "*") return true;
  if (!principal || typeof principal !== "object") return false;
  const aws = asList((principal as Record<string, unknown>).AWS);
  for (const p of aws) {
    if (p === "*") return true;
    if (!req.principalArn) continue; // only "*" names anonymous callers
    if (p === req.principalArn || (req.roleArn && p === req.roleArn)) return true;
    if (p === ACCOUNT_ID || p === `arn:aws:iam::${ACCOUNT_ID}:root`) {
      if (req.principalArn.includes(`::${ACCOUNT_ID}:`)) return true;
    }
  }
  return false;
}

function conditionMatches(condition: unknown, context: Record<string, string>): boolean {
  if (!condition || typeof condition !== "object") return true;
  for (const [rawOperator, block] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    const ifExists = rawOperator.endsWith("IfExists");
    const operator = ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator;
    for (const [key, expected] of Object.entries(block ?? {})) {
      const actual = context[key] ?? Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      const values = asList(expected);
      if (actual === undefined) {
        // Negated operators hold on a missing key; the others fail unless …IfExists.
        if (ifExists || operator.startsWith("StringNot") || operator === "ArnNotLike" || operator === "ArnNotEquals") continue;
        return false;
      }
      let ok: boolean;
      switch (operator) {
        case "StringEquals":
        case "ArnEquals":
          ok = values.includes(actual);
          break;
        case "StringNotEquals":
        case "ArnNotEquals":
          ok = !values.includes(actual);
          break;
        case "StringEqualsIgnoreCase":
          ok = values.some((v) => v.toLowerCase() === actual.toLowerCase());
          break;
        case "StringLike":
        case "ArnLike":
          ok = values.some((v) => wildcardMatch(v, actual));
          break;
        case "StringNotLike":
        case "ArnNotLike":
          ok = !values.some((v) => wildcardMatch(v, actual));
          break;
        case "Bool":
          ok = values.some((v) => v.toLowerCase() === actual.toLowerCase());
          break;
        default:
          // An operator we cannot evaluate never grants and never silently passes.
          ok = false;
      }
      if (!ok) return false;
    }
  }
  return true;
}

export function evaluateBucketPolicy(policy: unknown, req: PolicyRequest): PolicyDecision {
  if (!policy || typeof policy !== "object") return "None";
  const statements = (policy as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  let decision: PolicyDecision = "None";
  for (const st of list as Array<Record<string, unknown>>) {
    if (!st || typeof st !== "object") continue;
    if (st.Principal !== undefined && !principalMatches(st.Principal, req)) continue;
    if (st.NotPrincipal !== undefined && principalMatches(st.NotPrincipal, req)) continue;
    if (st.Principal === undefined && st.NotPrincipal === undefined) continue;
    if (st.Action !== undefined && !asList(st.Action).some((a) => wildcardMatch(a, req.action, true))) continue;
    if (st.NotAction !== undefined && asList(st.NotAction).some((a) => wildcardMatch(a, req.action, true))) continue;
    if (st.Resource !== undefined && !asList(st.Resource).some((r) => wildcardMatch(r, req.resource))) continue;
    if (st.NotResource !== undefined && asList(st.NotResource).some((r) => wildcardMatch(r, req.resource))) continue;
    if (!conditionMatches(st.Condition, req.context)) continue;
    if (st.Effect === "Deny") return "Deny";
    if (st.Effect === "Allow") decision = "Allow";
  }
  return decision;
}

/** A policy document S3 would refuse: not JSON, or without statements. */
export function policyDocumentProblem(text: string): string | undefined {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return "Policies must be valid JSON and the first byte must be '{'";
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return "Policies must be valid JSON and the first byte must be '{'";
  if (doc.Statement === undefined) return "Missing required field Statement";
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const st of list) {
    if (!st || (st.Effect !== "Allow" && st.Effect !== "Deny")) return "Invalid effect";
    if (st.Principal === undefined && st.NotPrincipal === undefined) return "Missing required field Principal";
    if (st.Action === undefined && st.NotAction === undefined) return "Missing required field Action";
    if (st.Resource === undefined && st.NotResource === undefined) return "Missing required field Resource";
  }
  return undefined;
}
