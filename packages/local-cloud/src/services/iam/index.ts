/**
 * IAM: roles, inline and managed policies, and the identity-policy check every other
 * service relies on (through `cloud.authorize`). awsQuery protocol.
 */
import { AwsError } from "../../server/aws-error.js";
import { evaluatePolicies, type Decision } from "../../iam/policy-evaluator.js";
import type { IamPort, RoleFacts } from "../../kernel/iam-port.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Principal, Service, WebIdentity } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import iamModel from "../../wire/models/iam.js";
import { iamOperations } from "./api.js";
import { IamOperations } from "./operations.js";
import { SessionStore, type SessionCredentials } from "./sessions.js";

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

  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    const db = kernel.openDatabase("iam");
    this.ops = new IamOperations(db);
    this.sessions = new SessionStore(db);
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: iamModel,
      operations: iamOperations(this.ops),
      errors: {
        validation: (message) => new AwsError("ValidationError", message, 400),
        accessDenied: (message) => new AwsError("AccessDenied", message, 403),
        unknownOperation: (_req, { name }) => new AwsError("InvalidAction", `Could not find operation ${name} for version 2010-05-08`, 400),
        malformedBody: (message) => new AwsError("MalformedInput", message, 400),
        internal: (err) => new AwsError("ServiceFailure", String((err as Error)?.message ?? err), 500),
      },
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }

  /** Credentials of a new session of `roleArn` (STS AssumeRole, the Lambda runtime). */
  issueSessionCredentials(roleArn: string, sessionName: string, durationSeconds?: number, webIdentity?: WebIdentity): SessionCredentials {
    return this.sessions.issue(roleArn, sessionName, durationSeconds, webIdentity);
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
