/**
 * Names of role sessions: the role an ARN names, and the assumed-role ARN a session of it
 * authenticates as. Shared by IAM (which stores sessions) and STS (which issues them).
 */
import { ACCOUNT_ID } from "../types.js";

export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(":").slice(5).join(":");
  return resource.slice(resource.lastIndexOf("/") + 1);
}

export function assumedRoleArn(roleArn: string, sessionName: string): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;
}
