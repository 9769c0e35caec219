/**
 * STS: who am I, and role sessions. Credentials come from the IAM service, which owns
 * the session store the kernel authenticates against. awsQuery protocol.
 */
import { AwsError } from "../../server/aws-error.js";
import { parseQueryRequest, queryErrorResponse, queryResponse } from "../../server/protocols/query.js";
import { ACCOUNT_ID, DEFAULT_REGION, type AwsRequest, type AwsResponse, type CallContext, type Service, type ServiceDeps } from "../../types.js";
import { queryInput, resultXml } from "../iam/query-shapes.js";
import { assumedRoleArn } from "../iam/sessions.js";

/**
 * Whether a trust policy lets an IAM principal (by role ARN or session ARN) call
 * sts:AssumeRole: an Allow naming it, its account ("000000000000" or the root ARN)
 * or "*", with no Deny naming it. Conditions are not evaluated here.
 */
export function trustAllows(trustPolicy: string, roleArn: string, sessionArn: string): boolean {
  let doc: any;
  try {
    doc = JSON.parse(trustPolicy);
  } catch {
    return false;
  }
  const statements: any[] = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  const names = new Set([roleArn, sessionArn, ACCOUNT_ID, `arn:aws:iam::${ACCOUNT_ID}:root`, "*"]);
  const actionMatches = (a: unknown) => (Array.isArray(a) ? a : [a]).some((x) => typeof x === "string" && /^(\*|sts:\*|sts:assumerole)$/i.test(x));
  const principalMatches = (p: any) => {
    if (p === "*") return true;
    const aws = p?.AWS;
    return (Array.isArray(aws) ? aws : [aws]).some((x) => typeof x === "string" && names.has(x));
  };
  let allowed = false;
  for (const st of statements) {
    if (!actionMatches(st?.Action) || !principalMatches(st?.Principal)) continue;
    if (st.Effect === "Deny") return false;
    if (st.Effect === "Allow") allowed = true;
  }
  return allowed;
}

export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

function validation(field: string, value: unknown, constraint: string): AwsError {
  return new AwsError("ValidationError", `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`, 400);
}

export class StsService implements Service {
  readonly signingName = "sts";

  constructor(private readonly deps: ServiceDeps) {}

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const { action, params } = parseQueryRequest(req);
      const output = await this.call(action, queryInput(params), { region: req.region, principal: req.principal, requestId: req.requestId });
      return queryResponse(action, resultXml(output), req.requestId, STS_XMLNS);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("InternalFailure", String((err as Error)?.message ?? err), 500);
      return queryErrorResponse(e, req.requestId, STS_XMLNS);
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const context: CallContext = {
      region: ctx?.region ?? this.deps.cloud.region ?? DEFAULT_REGION,
      principal: ctx?.principal ?? { accessKeyId: "test", arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true },
      requestId: ctx?.requestId ?? "internal",
    };
    input = input ?? {};
    switch (operation) {
      case "GetCallerIdentity":
        return this.getCallerIdentity(context);
      case "AssumeRole":
        return this.assumeRole(input, context);
      case "GetSessionToken":
        return this.getSessionToken(input, context);
      default:
        throw new AwsError("InvalidAction", `Could not find operation ${operation} for version 2011-06-15`, 400);
    }
  }

  private getCallerIdentity(ctx: CallContext) {
    const p = ctx.principal;
    if (p.roleArn) {
      const role = this.deps.cloud.iam.ops.roleByArn(p.roleArn);
      const sessionName = p.arn.slice(p.arn.lastIndexOf("/") + 1);
      return { UserId: `${role?.role_id ?? "AROAUNKNOWNROLE00000"}:${sessionName}`, Account: ACCOUNT_ID, Arn: p.arn };
    }
    return { UserId: ACCOUNT_ID, Account: ACCOUNT_ID, Arn: p.arn };
  }

  private assumeRole(input: any, ctx: CallContext) {
    const roleArn = input.RoleArn;
    const sessionName = input.RoleSessionName;
    if (!roleArn) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null", 400);
    if (!sessionName) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null", 400);
    if (String(roleArn).length < 20) throw validation("roleArn", roleArn, "Member must have length greater than or equal to 20");
    if (!/^[\w+=,.@-]*$/.test(sessionName)) throw validation("roleSessionName", sessionName, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    // Both bounds, each with the message AWS gives for it.
    if (sessionName.length < 2) throw validation("roleSessionName", sessionName, "Member must have length greater than or equal to 2");
    if (sessionName.length > 64) throw validation("roleSessionName", sessionName, "Member must have length less than or equal to 64");
    const denied = () =>
      new AwsError("AccessDenied", `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    this.deps.cloud.authorize(ctx, "sts:AssumeRole", roleArn, () => denied());
    // AWS does not reveal whether a role exists: a missing role is the same AccessDenied.
    const role = this.deps.cloud.iam.ops.roleByArn(roleArn);
    if (!role) throw denied();
    // Another role assuming this one also needs the role's trust policy to name it.
    if (!ctx.principal.admin && !trustAllows(role.assume_policy, ctx.principal.roleArn ?? ctx.principal.arn, ctx.principal.arn)) throw denied();
    const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900) throw validation("durationSeconds", input.DurationSeconds, "Member must have value greater than or equal to 900");
    if (duration > role.max_session) {
      throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400);
    }
    const creds = this.deps.cloud.iam.issueSessionCredentials(role.arn, sessionName, duration);
    return {
      Credentials: { AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken, Expiration: creds.expiration },
      AssumedRoleUser: { AssumedRoleId: `${role.role_id}:${sessionName}`, Arn: assumedRoleArn(role.arn, sessionName) },
      PackedPolicySize: 0,
    };
  }

  private getSessionToken(input: any, ctx: CallContext) {
    if (!ctx.principal.admin) {
      throw new AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
    }
    const duration = input.DurationSeconds === undefined ? 43200 : Number(input.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900 || duration > 129600) {
      throw validation("durationSeconds", input.DurationSeconds, "Member must have value less than or equal to 129600");
    }
    // An empty role ARN stores an admin session (see iam/sessions.ts).
    const creds = this.deps.cloud.iam.issueSessionCredentials("", "session", duration);
    return { Credentials: { AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken, Expiration: creds.expiration } };
  }
}
