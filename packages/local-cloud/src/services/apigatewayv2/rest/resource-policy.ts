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
 * whose own policies already allowed the call (same account). The account in the ARN is
 * masked as AWS masks it.
 */
import { ACCOUNT_ID } from "../../../types.js";
import { parsePolicy, statementApplies, statementsOf, type PolicyDocument, type PolicyStatement } from "../../../iam/policy-evaluator.js";
import { gatewayError, type GatewayErrorResponse } from "./gateway-responses.js";

export interface PolicyCaller {
  /** The SigV4 caller's ARN; undefined for anonymous callers. */
  principalArn?: string;
  /** For a role session, its role. */
  roleArn?: string;
  sourceIp: string;
  secure: boolean;
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function principalMatches(st: PolicyStatement, caller: PolicyCaller): boolean {
  const matches = (principal: unknown): boolean => {
    if (principal === "*") return true;
    if (!principal || typeof principal !== "object") return false;
    return asList((principal as Record<string, unknown>).AWS).some((p) => {
      if (p === "*") return true;
      if (!caller.principalArn) return false;
      if (p === caller.principalArn || p === caller.roleArn) return true;
      return (p === ACCOUNT_ID || p === `arn:aws:iam::${ACCOUNT_ID}:root`) && caller.principalArn.includes(`::${ACCOUNT_ID}:`);
    });
  };
  if (st.Principal !== undefined) return matches(st.Principal);
  if (st.NotPrincipal !== undefined) return !matches(st.NotPrincipal);
  return false;
}

/** The masked form AWS prints: all but the last four digits of the account as "*". */
const maskAccount = (arn: string) => arn.replace(/^(arn:[^:]*:execute-api:[^:]*:)(\d+)(:)/, (_, a: string, account: string, c: string) => `${a}${"*".repeat(Math.max(0, account.length - 4))}${account.slice(-4)}${c}`);

/** The refusal for a request the API's resource policy does not let through, or undefined. */
export function checkResourcePolicy(policy: string | undefined, methodArn: string, caller: PolicyCaller): GatewayErrorResponse | undefined {
  if (!policy) return undefined;
  // "execute-api:/stage/METHOD/path" is AWS's shorthand for the API's own ARN
  const apiArn = methodArn.slice(0, methodArn.indexOf("/"));
  const doc = parsePolicy(policy.replace(/"execute-api:\//g, `"${apiArn}/`)) as PolicyDocument | undefined;
  if (!doc) return undefined;
  const context: Record<string, string> = {
    "aws:SourceIp": caller.sourceIp, "aws:CurrentTime": new Date().toISOString(), "aws:EpochTime": String(Math.floor(Date.now() / 1000)),
    "aws:SecureTransport": String(caller.secure),
  };
  if (caller.principalArn) (context["aws:PrincipalArn"] = caller.roleArn ?? caller.principalArn), (context["aws:PrincipalAccount"] = ACCOUNT_ID);
  const request = { action: "execute-api:Invoke", resource: methodArn, context };
  let allowed = false;
  for (const st of statementsOf(doc)) {
    if (!st || typeof st !== "object" || !principalMatches(st, caller) || !statementApplies(st, request)) continue;
    if (st.Effect === "Deny") return refusal(methodArn, caller, true);
    if (st.Effect === "Allow") allowed = true;
  }
  if (allowed || caller.principalArn) return undefined;
  return refusal(methodArn, caller, false);
}

function refusal(methodArn: string, caller: PolicyCaller, explicit: boolean): GatewayErrorResponse {
  const message = `User: ${caller.principalArn ?? "anonymous"} is not authorized to perform: execute-api:Invoke on resource: ${maskAccount(methodArn)}${explicit ? " with an explicit deny" : ""}`;
  const response = gatewayError("ACCESS_DENIED", 403, message, "AccessDeniedException");
  response.body = Buffer.from(JSON.stringify({ Message: message }));
  return response;
}
