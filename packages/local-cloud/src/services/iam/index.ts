/**
 * IAM: roles, inline and managed policies, and the identity-policy check every other
 * service relies on (through `cloud.authorize`). awsQuery protocol.
 */
import { AwsError } from "../../server/aws-error.js";
import { parseQueryRequest, queryErrorResponse, queryResponse } from "../../server/protocols/query.js";
import { evaluatePolicies, type Decision } from "../../iam/policy-evaluator.js";
import { DEFAULT_REGION, type AwsRequest, type AwsResponse, type CallContext, type Principal, type Service, type ServiceDeps } from "../../types.js";
import type { IamPort, RoleFacts } from "../../kernel/iam-port.js";
import { IamOperations } from "./operations.js";
import { queryInput, resultXml } from "./query-shapes.js";
import { SessionStore, type SessionCredentials } from "./sessions.js";

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

const OPERATIONS = [
  "CreateRole", "GetRole", "DeleteRole", "ListRoles", "UpdateRole", "UpdateAssumeRolePolicy", "TagRole", "UntagRole", "ListRoleTags",
  "PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy", "ListRolePolicies",
  "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
  "CreatePolicy", "GetPolicy", "GetPolicyVersion", "CreatePolicyVersion", "ListPolicyVersions", "SetDefaultPolicyVersion",
  "DeletePolicyVersion", "DeletePolicy", "ListPolicies",
] as const;
type Operation = (typeof OPERATIONS)[number];
const OPERATION_SET = new Set<string>(OPERATIONS);

const LOCAL_ACCOUNT_ID = "000000000000";

/** The account in an ARN's fifth field; S3 ARNs (and "*") carry none: the cloud's own account. */
function resourceAccount(resource: string): string {
  const account = resource.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : LOCAL_ACCOUNT_ID;
}

export class IamService implements Service, IamPort {
  readonly signingName = "iam";
  readonly ops: IamOperations;
  private readonly sessions: SessionStore;

  constructor(private readonly deps: ServiceDeps) {
    const db = deps.cloud.openDatabase("iam");
    this.ops = new IamOperations(db);
    this.sessions = new SessionStore(db);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const { action, params } = parseQueryRequest(req);
      const output = await this.call(action, queryInput(params), { region: req.region, principal: req.principal, requestId: req.requestId });
      return queryResponse(action, resultXml(output), req.requestId, IAM_XMLNS);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError("ServiceFailure", String((err as Error)?.message ?? err), 500);
      return queryErrorResponse(e, req.requestId, IAM_XMLNS);
    }
  }

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (!OPERATION_SET.has(operation)) {
      throw new AwsError("InvalidAction", `Could not find operation ${operation} for version 2010-05-08`, 400);
    }
    const context: CallContext = {
      region: ctx?.region ?? this.deps.cloud.region ?? DEFAULT_REGION,
      principal: ctx?.principal ?? { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
      requestId: ctx?.requestId ?? "internal",
    };
    const resource = this.resourceFor(operation, input ?? {});
    this.deps.cloud.authorize(context, `iam:${operation}`, resource, (message) => new AwsError("AccessDenied", message, 403));
    return this.ops[operation as Operation](input ?? {});
  }

  private resourceFor(operation: string, input: any): string {
    if (typeof input.PolicyArn === "string" && !input.RoleName) return input.PolicyArn;
    if (typeof input.RoleName === "string") return `arn:aws:iam::000000000000:role${input.Path ?? "/"}${input.RoleName}`;
    if (operation === "CreatePolicy" && typeof input.PolicyName === "string") return `arn:aws:iam::000000000000:policy${input.Path ?? "/"}${input.PolicyName}`;
    return "*";
  }

  /** Credentials of a new session of `roleArn` (STS AssumeRole, the Lambda runtime). */
  issueSessionCredentials(roleArn: string, sessionName: string, durationSeconds?: number): SessionCredentials {
    return this.sessions.issue(roleArn, sessionName, durationSeconds);
  }

  /** A role's facts (STS reads its id, trust policy and session limit). */
  role(roleArn: string): RoleFacts | undefined {
    const row = this.ops.roleByArn(roleArn);
    if (!row) return undefined;
    return { arn: row.arn, name: row.name, roleId: row.role_id, maxSessionDuration: row.max_session, assumeRolePolicyDocument: row.assume_policy };
  }

  /** The kernel's SigV4 lookup for session keys ("ASIA…"). Expired keys are unknown. */
  lookupAccessKey(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined {
    return this.sessions.lookup(accessKeyId);
  }

  /** The role's inline and attached policies decide; a role that no longer exists allows nothing. */
  evaluate(principal: Principal, action: string, resource: string, context?: Record<string, string>): Decision {
    if (principal.admin) return "Allow";
    if (!principal.roleArn) return "ImplicitDeny";
    const docs = this.ops.policyDocumentsForRole(principal.roleArn);
    if (!docs) return "ImplicitDeny";
    return evaluatePolicies(docs, {
      action,
      resource,
      context: {
        "aws:PrincipalArn": principal.roleArn,
        "aws:userid": principal.accessKeyId,
        // The local cloud is one account: every principal and resource belongs to it.
        // Policies scope to it (the CDK bootstrap roles require aws:ResourceAccount).
        "aws:PrincipalAccount": LOCAL_ACCOUNT_ID,
        "aws:ResourceAccount": resourceAccount(resource),
        ...context,
      },
    });
  }
}
