/**
 * STS: who am I, and role sessions. Credentials come from the kernel's IAM port (the IAM
 * service owns the session store requests authenticate against). awsQuery protocol.
 */
import { AwsError } from "../../server/aws-error.js";
import { assumedRoleArn } from "../../iam/principals.js";
import type { Kernel, ServiceDeps } from "../../kernel/kernel.js";
import { ACCOUNT_ID, type AwsRequest, type AwsResponse, type CallContext, type Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import stsModel from "../../wire/models/sts.js";

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

export class StsService implements Service {
  readonly signingName = "sts";
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: stsModel,
      operations: {
        // Anyone may ask who they are.
        GetCallerIdentity: { iam: "none", run: (_i, ctx) => getCallerIdentity(kernel, ctx) },
        // The role's trust policy decides too, and a missing role is the same AccessDenied.
        AssumeRole: { iam: "self", run: (i, ctx) => assumeRole(kernel, i, ctx) },
        // Only long-term (admin) credentials may ask.
        GetSessionToken: { iam: "self", run: (i, ctx) => getSessionToken(kernel, i, ctx) },
      },
      errors: {
        validation: (message) => new AwsError("ValidationError", message, 400),
        accessDenied: (message) => new AwsError("AccessDenied", message, 403),
        unknownOperation: (_req, { name }) => new AwsError("InvalidAction", `Could not find operation ${name} for version 2011-06-15`, 400),
        malformedBody: (message) => new AwsError("MalformedInput", message, 400),
        internal: (err) => new AwsError("InternalFailure", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }
}

function getCallerIdentity(kernel: Kernel, ctx: CallContext) {
  const p = ctx.principal;
  if (p.roleArn) {
    const role = kernel.identity.role(p.roleArn);
    const sessionName = p.arn.slice(p.arn.lastIndexOf("/") + 1);
    return { UserId: `${role?.roleId ?? "AROAUNKNOWNROLE00000"}:${sessionName}`, Account: ACCOUNT_ID, Arn: p.arn };
  }
  return { UserId: ACCOUNT_ID, Account: ACCOUNT_ID, Arn: p.arn };
}

function assumeRole(kernel: Kernel, input: { RoleArn: string; RoleSessionName: string; DurationSeconds?: number }, ctx: CallContext) {
  const { RoleArn: roleArn, RoleSessionName: sessionName } = input;
  const denied = () => new AwsError("AccessDenied", `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  kernel.authorize(ctx, "sts:AssumeRole", roleArn, () => denied());
  // AWS does not reveal whether a role exists: a missing role is the same AccessDenied.
  const role = kernel.identity.role(roleArn);
  if (!role) throw denied();
  // Another role assuming this one also needs the role's trust policy to name it.
  if (!ctx.principal.admin && !trustAllows(role.assumeRolePolicyDocument, ctx.principal.roleArn ?? ctx.principal.arn, ctx.principal.arn)) throw denied();
  const duration = input.DurationSeconds ?? 3600;
  if (duration > role.maxSessionDuration) {
    throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400);
  }
  const creds = kernel.identity.issueSessionCredentials(role.arn, sessionName, duration);
  return {
    Credentials: { AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken, Expiration: creds.expiration },
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: assumedRoleArn(role.arn, sessionName) },
    PackedPolicySize: 0,
  };
}

function getSessionToken(kernel: Kernel, input: { DurationSeconds?: number }, ctx: CallContext) {
  if (!ctx.principal.admin) throw new AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  // An empty role ARN stores an admin session (see iam/sessions.ts).
  const creds = kernel.identity.issueSessionCredentials("", "session", input.DurationSeconds ?? 43200);
  return { Credentials: { AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken, Expiration: creds.expiration } };
}
