/**
 * Identity-based IAM policy evaluation: given the policies attached to a principal,
 * decide one action on one resource. Explicit Deny beats Allow; nothing that matches
 * means the implicit deny. Pure: no I/O, so it is cheap to call on every request.
 */
import { evaluateConditions, substituteVariables, type ConditionBlock, type ConditionContext } from "./conditions.js";
import { wildcardMatch } from "./wildcard.js";

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
  Principal?: unknown;
  NotPrincipal?: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface EvaluationRequest {
  /** "service:Operation", e.g. "sqs:SendMessage". */
  action: string;
  /** The resource ARN ("*" for actions without a resource). */
  resource: string;
  /** Condition keys, e.g. { "aws:SecureTransport": "true" }. */
  context?: ConditionContext;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function statementsOf(doc: PolicyDocument): PolicyStatement[] {
  return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
}

function actionMatches(st: PolicyStatement, action: string): boolean {
  // Action names are case-insensitive ("SQS:sendmessage" grants sqs:SendMessage).
  if (st.Action !== undefined) return list(st.Action).some((p) => wildcardMatch(p, action, true));
  if (st.NotAction !== undefined) return !list(st.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

function resourceMatches(st: PolicyStatement, resource: string, context: ConditionContext): boolean {
  // Resource ARNs are case-sensitive; policy variables are resolved first.
  const m = (p: string) => wildcardMatch(substituteVariables(p, context), resource);
  if (st.Resource !== undefined) return list(st.Resource).some(m);
  if (st.NotResource !== undefined) return !list(st.NotResource).some(m);
  return false;
}

/** Whether one statement applies to the request (ignoring its Effect). */
export function statementApplies(st: PolicyStatement, req: EvaluationRequest): boolean {
  const context = req.context ?? {};
  return actionMatches(st, req.action) && resourceMatches(st, req.resource, context) && evaluateConditions(st.Condition, context);
}

/** Parses a policy that may still be JSON text (or URL-encoded JSON, as IAM returns it). */
export function parsePolicy(doc: PolicyDocument | string): PolicyDocument | undefined {
  if (typeof doc !== "string") return doc;
  try {
    return JSON.parse(doc) as PolicyDocument;
  } catch {
    try {
      return JSON.parse(decodeURIComponent(doc)) as PolicyDocument;
    } catch {
      return undefined;
    }
  }
}

export function evaluatePolicies(docs: Array<PolicyDocument | string>, req: EvaluationRequest): Decision {
  let allowed = false;
  for (const raw of docs) {
    const doc = parsePolicy(raw);
    if (!doc) continue;
    for (const st of statementsOf(doc)) {
      if (!st || typeof st !== "object" || !statementApplies(st, req)) continue;
      if (st.Effect === "Deny") return "ExplicitDeny";
      if (st.Effect === "Allow") allowed = true;
    }
  }
  return allowed ? "Allow" : "ImplicitDeny";
}
