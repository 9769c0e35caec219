/**
 * A REST API's resource policy (`Policy` of AWS::ApiGateway::RestApi, frozen with each
 * deployment): statements on `execute-api:Invoke` for method ARNs
 * (`arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`), evaluated with
 * the local IAM engine's statement matching and conditions (iam/policy-evaluator.ts):
 * `aws:SourceIp` (IpAddress / NotIpAddress), `aws:PrincipalArn`, `aws:userid`,
 * `aws:CurrentTime`, `aws:SecureTransport`. The principal is the SigV4 caller of an
 * AWS_IAM method, anyone else is "anonymous" (matched only by `*`). A matching Deny is
 * `403 {"Message": "User: anonymous is not authorized to perform: execute-api:Invoke on
 * resource: arn:aws:execute-api:us-east-1:********0000:… with an explicit deny"}`; no
 * matching Allow is the same without "with an explicit deny" — except for an IAM caller,
 * whose own policies already allowed the call (same account: either side may allow it,
 * `resourcePolicyAllows`). The account in the ARN is masked as AWS masks it.
 */
import { ACCOUNT_ID } from "../../../types.js";
import { parsePolicy, statementApplies, statementsOf, type PolicyDocument, type PolicyStatement } from "../../../iam/policy-evaluator.js";
import { gatewayError, type GatewayErrorResponse } from "./gateway-responses.js";

export interface PolicyCaller {
  /** The SigV4 caller's ARN (a role session's `arn:aws:sts::…:assumed-role/{role}/{session}`); undefined for anonymous callers. */
  principalArn?: string;
  sourceIp: string;
  secure: boolean;
}

/** The role of a role session's ARN (what `aws:PrincipalArn` and a policy's principal name), else the ARN itself. */
function principalRoleArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function principalMatches(st: PolicyStatement, caller: PolicyCaller): boolean {
  const matches = (principal: unknown): boolean => {
    if (principal === "*") return true;
    if (!principal || typeof principal !== "object") return false;
    return asList((principal as Record<string, unknown>).AWS).some((p) => {
      if (p === "*") return true;
      if (!caller.principalArn) return false;
      if (p === caller.principalArn || p === principalRoleArn(caller.principalArn)) return true;
      return (p === ACCOUNT_ID || p === `arn:aws:iam::${ACCOUNT_ID}:root`) && caller.principalArn.includes(`::${ACCOUNT_ID}:`);
    });
  };
  if (st.Principal !== undefined) return matches(st.Principal);
  if (st.NotPrincipal !== undefined) return !matches(st.NotPrincipal);
  return false;
}

/** The masked form AWS prints: all but the last four digits of the account as "*". */
const maskAccount = (arn: string) => arn.replace(/^(arn:[^:]*:execute-api:[^:]*:)(\d+)(:)/, (_, a: string, account: string, c: string) => `${a}${"*".repeat(Math.max(0, account.length - 4))}${account.slice(-4)}${c}`);

type Verdict = "Allow" | "Deny" | "None";

function decide(policy: string, methodArn: string, caller: PolicyCaller): Verdict {
  // "execute-api:/stage/METHOD/path" is AWS's shorthand for the API's own ARN
  const apiArn = methodArn.slice(0, methodArn.indexOf("/"));
  const doc = parsePolicy(policy.replace(/"execute-api:\//g, `"${apiArn}/`)) as PolicyDocument | undefined;
  if (!doc) return "None";
  const context: Record<string, string> = {
    "aws:SourceIp": caller.sourceIp, "aws:CurrentTime": new Date().toISOString(), "aws:EpochTime": String(Math.floor(Date.now() / 1000)),
    "aws:SecureTransport": String(caller.secure),
  };
  if (caller.principalArn) (context["aws:PrincipalArn"] = principalRoleArn(caller.principalArn)), (context["aws:PrincipalAccount"] = ACCOUNT_ID);
  const request = { action: "execute-api:Invoke", resource: methodArn, context };
  let allowed = false;
  for (const st of statementsOf(doc)) {
    if (!st || typeof st !== "object" || !principalMatches(st, caller) || !statementApplies(st, request)) continue;
    if (st.Effect === "Deny") return "Deny";
    if (st.Effect === "Allow") allowed = true;
  }
  return allowed ? "Allow" : "None";
}

/** Whether the policy allows (and does not deny) the caller: for an IAM caller its own policies do not allow. */
export function resourcePolicyAllows(policy: string | undefined, methodArn: string, caller: PolicyCaller): boolean {
  return !!policy && decide(policy, methodArn, caller) === "Allow";
}

/** The refusal for a request the API's resource policy does not let through, or undefined. */
export function checkResourcePolicy(policy: string | undefined, methodArn: string, caller: PolicyCaller): GatewayErrorResponse | undefined {
  if (!policy) return undefined;
  const verdict = decide(policy, methodArn, caller);
  if (verdict === "Deny") return refusal(methodArn, caller, true);
  if (verdict === "Allow" || caller.principalArn) return undefined;
  return refusal(methodArn, caller, false);
}

function refusal(methodArn: string, caller: PolicyCaller, explicit: boolean): GatewayErrorResponse {
  const message = `User: ${caller.principalArn ?? "anonymous"} is not authorized to perform: execute-api:Invoke on resource: ${maskAccount(methodArn)}${explicit ? " with an explicit deny" : ""}`;
  const response = gatewayError("ACCESS_DENIED", 403, message, "AccessDeniedException");
  response.body = Buffer.from(JSON.stringify({ Message: message }));
  return response;
}
