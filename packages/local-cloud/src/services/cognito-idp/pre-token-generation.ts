/**
 * The PreTokenGeneration trigger in its versions. V1 (LambdaConfig.PreTokenGeneration, or
 * PreTokenGenerationConfig with LambdaVersion V1_0) changes the ID token only
 * (`claimsOverrideDetails`). V2_0 and V3_0 get a version "2" / "3" event with the
 * `scopes` being issued and answer `claimsAndScopeOverrideDetails`: claims to add or
 * suppress in the ID token and in the access token, scopes to add or suppress, and the
 * group override. V2+ claim values may be any JSON (numbers, arrays, objects), V1's are strings.
 */
import { AwsError } from "../../server/aws-error.js";
import type { Client, Directory, Pool, User } from "./directory.js";
import type { AccessOverride, IssueOptions } from "./tokens.js";
import { runTrigger } from "./triggers.js";

export interface TokenOverrides {
  claimsOverride?: IssueOptions["claimsOverride"];
  accessOverride?: AccessOverride;
}

/** The function and event version a pool's LambdaConfig names, if any. */
export function preTokenTrigger(lambdaConfig: Record<string, any> | undefined): { arn: string; version: "1" | "2" | "3" } | undefined {
  const config = lambdaConfig?.PreTokenGenerationConfig;
  if (config?.LambdaArn) {
    const version = config.LambdaVersion === "V2_0" ? "2" : config.LambdaVersion === "V3_0" ? "3" : "1";
    return { arn: config.LambdaArn, version };
  }
  return typeof lambdaConfig?.PreTokenGeneration === "string" && lambdaConfig.PreTokenGeneration ? { arn: lambdaConfig.PreTokenGeneration, version: "1" } : undefined;
}

export async function runPreTokenGeneration(
  dir: Directory,
  o: { pool: Pool; client: Client; user: User; source: string; groups: { names: string[]; roles: string[] }; clientMetadata?: Record<string, string>; scopes: string[] },
): Promise<TokenOverrides> {
  const trigger = preTokenTrigger(o.pool.lambdaConfig);
  if (!trigger) return {};
  const request: Record<string, unknown> = {
    userAttributes: { ...o.user.attributes, "cognito:user_status": o.user.row.status },
    groupConfiguration: { groupsToOverride: o.groups.names, iamRolesToOverride: o.groups.roles, preferredRole: o.groups.roles[0] ?? null },
    clientMetadata: o.clientMetadata ?? {},
  };
  if (trigger.version !== "1") request.scopes = o.scopes;
  const answer = await runTrigger(dir.kernel, {
    lambdaConfig: o.pool.lambdaConfig, trigger: "PreTokenGeneration", functionArn: trigger.arn, version: trigger.version, source: o.source,
    region: dir.region, userPoolId: o.pool.id, userName: o.user.row.username, clientId: o.client.id, request,
  });
  if (!answer) return {};
  if (trigger.version === "1") return { claimsOverride: answer.claimsOverrideDetails ?? undefined };
  const details = answer.claimsAndScopeOverrideDetails;
  if (details === undefined || details === null) return {};
  if (typeof details !== "object") throw new AwsError("InvalidLambdaResponseException", "Invalid lambda response: claimsAndScopeOverrideDetails must be an object");
  const id = details.idTokenGeneration ?? {};
  const access = details.accessTokenGeneration ?? {};
  return {
    claimsOverride: { claimsToAddOrOverride: id.claimsToAddOrOverride, claimsToSuppress: id.claimsToSuppress, groupOverrideDetails: details.groupOverrideDetails ?? undefined },
    accessOverride: { claimsToAddOrOverride: access.claimsToAddOrOverride, claimsToSuppress: access.claimsToSuppress, scopesToAdd: access.scopesToAdd, scopesToSuppress: access.scopesToSuppress },
  };
}
