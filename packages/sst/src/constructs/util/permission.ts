/**
 * SST v2's `attachPermissions` forms, turned into IAM statements on a role:
 * "*", "s3", "s3:GetObject", an SST or CDK construct, [construct, "grantRead"],
 * or an iam.PolicyStatement.
 */
import type { IConstruct } from "constructs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as events from "aws-cdk-lib/aws-events";
import { isSSTConstruct, bindingStatements, type SSTConstruct } from "./binding.js";

export type BindingResource = SSTConstruct | IConstruct;
export type Permissions =
  | "*"
  | (string | iam.PolicyStatement | IConstruct | [IConstruct, string])[];

export function attachPermissionsToRole(role: iam.IRole, permissions: Permissions): void {
  for (const s of permissionStatements(role, permissions)) role.addToPrincipalPolicy(s);
}

/** Statements for the given permissions; `[construct, "grantX"]` forms are applied to the role directly. */
export function permissionStatements(role: iam.IRole, permissions: Permissions): iam.PolicyStatement[] {
  if (permissions === "*") return [allow(["*"], ["*"])];
  if (!Array.isArray(permissions)) throw new Error(`Invalid permissions: expected "*" or an array`);
  const out: iam.PolicyStatement[] = [];
  for (const p of permissions) {
    if (typeof p === "string") {
      // "s3" → s3:* on *; "s3:GetObject" → that action on *.
      out.push(allow([p.includes(":") ? p : `${p}:*`], ["*"]));
    } else if (p instanceof iam.PolicyStatement) {
      out.push(p);
    } else if (Array.isArray(p)) {
      const [construct, method] = p;
      const fn = (construct as any)[method];
      if (typeof fn !== "function") throw new Error(`Cannot attach permissions: "${method}" is not a method of ${construct.node.path}`);
      fn.call(construct, role);
    } else if (isSSTConstruct(p)) {
      const stmts = bindingStatements(p);
      if (stmts.length === 0 && p.constructType === "Api") {
        out.push(allow(["execute-api:Invoke"], [(p as any).httpApiArn ? `${(p as any).httpApiArn}/*` : "*"]));
      } else out.push(...stmts);
    } else if (p instanceof dynamodb.Table || p instanceof dynamodb.TableV2) {
      out.push(allow(["dynamodb:*"], [p.tableArn, `${p.tableArn}/*`]));
    } else if (p instanceof s3.Bucket) {
      out.push(allow(["s3:*"], [p.bucketArn, `${p.bucketArn}/*`]));
    } else if (p instanceof sqs.Queue) {
      out.push(allow(["sqs:*"], [p.queueArn]));
    } else if (p instanceof sns.Topic) {
      out.push(allow(["sns:*"], [p.topicArn]));
    } else if (p instanceof lambda.Function) {
      out.push(allow(["lambda:*"], [p.functionArn]));
    } else if (p instanceof events.EventBus) {
      out.push(allow(["events:*"], [p.eventBusArn]));
    } else {
      throw new Error(`Cannot attach permissions for ${(p as any)?.node?.path ?? String(p)}: unsupported construct`);
    }
  }
  return out;
}

function allow(actions: string[], resources: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions, resources });
}
