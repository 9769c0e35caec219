/**
 * Whether a role's trust policy lets Cognito identities of a pool assume it, as AWS checks
 * before handing out credentials: an Allow statement for the federated principal
 * `cognito-identity.amazonaws.com` and sts:AssumeRoleWithWebIdentity, whose conditions
 * (the pool as `cognito-identity.amazonaws.com:aud`, the identity's `amr`) hold.
 */
const PRINCIPAL = "cognito-identity.amazonaws.com";

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function like(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

/** The condition block's keys this check knows; a key it does not know fails closed. */
function conditionsHold(condition: Record<string, Record<string, unknown>> | undefined, poolId: string, amr: string[]): boolean {
  for (const [operator, block] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(block)) {
      const values = key === `${PRINCIPAL}:aud` ? [poolId] : key === `${PRINCIPAL}:amr` ? amr : undefined;
      if (!values) return false;
      const wanted = asList(expected);
      const test = (v: string) => wanted.some((w) => (operator.endsWith("StringLike") ? like(w, v) : w === v));
      const ok = operator.startsWith("ForAnyValue:") ? values.some(test) : operator.startsWith("ForAllValues:") ? values.every(test) : values.length > 0 && values.every(test);
      if (!ok) return false;
    }
  }
  return true;
}

export function trustAllows(policyDocument: string | undefined, poolId: string, amr: string[]): boolean {
  if (!policyDocument) return false;
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(decodeURIComponent(policyDocument));
  } catch {
    return false;
  }
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Record<string, any>[];
  const matches = (s: Record<string, any>) =>
    asList(s.Principal?.Federated).includes(PRINCIPAL) &&
    asList(s.Action).some((a) => a === "sts:AssumeRoleWithWebIdentity" || a === "sts:*" || a === "*") &&
    conditionsHold(s.Condition, poolId, amr);
  if (statements.some((s) => s?.Effect === "Deny" && matches(s))) return false;
  return statements.some((s) => s?.Effect === "Allow" && matches(s));
}
