/**
 * What services need from IAM beyond the `authorize` check: evaluating a principal's
 * policies for a decision they make themselves (event-source mappings check the
 * function's role), issuing session credentials (STS, the Lambda runtime), and reading
 * a role (its id and session limits). The IAM service implements it; a cloud without IAM
 * answers with nothing allowed and no roles.
 */
import type { Principal, WebIdentity } from "../types.js";

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface RoleFacts {
  arn: string;
  name: string;
  /** The role's unique id ("AROA…"), part of an assumed-role principal's user id. */
  roleId: string;
  maxSessionDuration: number;
  /** The trust policy document (JSON text). */
  assumeRolePolicyDocument: string;
}

export interface IamPort {
  /** The decision of the principal's identity-based policies for `action` on `resource`. */
  evaluate(principal: Principal, action: string, resource: string, conditions?: Record<string, string>): Decision;
  /**
   * Credentials of a new session of the role (the caller has checked it may be assumed);
   * `webIdentity` when a Cognito identity pool assumes it for one of its identities.
   */
  issueSessionCredentials(roleArn: string, sessionName: string, durationSeconds?: number, webIdentity?: WebIdentity): SessionCredentials;
  role(roleArn: string): RoleFacts | undefined;
  /** The principal and secret behind an access key this IAM issued (session keys). */
  lookupAccessKey(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
}

/** The IAM port of a cloud that runs no IAM service. */
export const NO_IAM: IamPort = {
  evaluate: () => "ImplicitDeny",
  issueSessionCredentials: () => {
    throw new Error("the local cloud has no IAM service");
  },
  role: () => undefined,
  lookupAccessKey: () => undefined,
};
