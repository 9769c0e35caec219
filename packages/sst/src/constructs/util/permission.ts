/**
 * SST v2's `permissions` / `attachPermissions` forms, turned into IAM statements on a
 * role or policy:
 *   "*"                         → * on *
 *   "s3", "s3:GetObject"        → s3:* / that action on *
 *   iam.PolicyStatement         → as given (also from another copy of aws-cdk-lib)
 *   an SST construct            → its statements (an Api: execute-api:Invoke on the API)
 *   a CDK construct, by shape   → tables, topics, queues, buses, Kinesis and Firehose
 *                                 streams, buckets, RDS clusters (and their secret)
 *   [construct, "grantRead"]    → calls construct.grantRead(role)
 */
import type { IConstruct } from "constructs";
import * as iam from "aws-cdk-lib/aws-iam";
import { isSSTConstruct, bindingStatements, type BindingResource, type SSTConstruct } from "./binding.js";

export type { BindingResource };

type SupportedPermissions =
  | "execute-api" | "appsync" | "dynamodb" | "sns" | "sqs" | "events" | "kinesis"
  | "s3" | "rds-data" | "secretsmanager" | "lambda" | "ssm";

export type Permission =
  | SupportedPermissions
  | (string & {})
  | IConstruct
  | [IConstruct, string]
  | iam.PolicyStatement;

export type Permissions = "*" | Permission[];

/**
 * SST constructs whose permission statements are not their binding's (APIs grant
 * execute-api, RDS grants the Data API and its secret) implement this.
 */
export interface HasPermissionStatements {
  permissionStatements(): iam.PolicyStatement[];
}

/** SST constructs whose binding statements are exactly what SST v2's `permissions` grants. */
const BINDING_IS_PERMISSION = new Set(["Table", "Topic", "Queue", "EventBus", "KinesisStream", "Bucket", "Function"]);

interface StatementsAndGrants {
  statements: iam.PolicyStatement[];
  grants: [IConstruct, string][];
}

export function attachPermissionsToRole(role: iam.IRole, permissions: Permissions): void {
  const { statements, grants } = statementsAndGrants(permissions);
  for (const s of statements) role.addToPrincipalPolicy(s);
  for (const [construct, method] of grants) (construct as any)[method](role);
}

export function attachPermissionsToPolicy(policy: iam.Policy, permissions: Permissions): void {
  const { statements, grants } = statementsAndGrants(permissions);
  policy.addStatements(...statements);
  if (grants.length > 0) throw new Error(`Cannot attach the "${grants[0][1]}" permission to an IAM policy.`);
}

/** Statements for the given permissions; `[construct, "grantX"]` forms are applied to the role directly. */
export function permissionStatements(role: iam.IRole, permissions: Permissions): iam.PolicyStatement[] {
  const { statements, grants } = statementsAndGrants(permissions);
  for (const [construct, method] of grants) (construct as any)[method](role);
  return statements;
}

function statementsAndGrants(permissions: Permissions): StatementsAndGrants {
  if (permissions === "*") return { statements: [allow("*", ["*"])], grants: [] };
  if (!Array.isArray(permissions)) {
    throw new Error(`The specified permissions are not supported. They are expected to be "*" or an array.`);
  }
  const out: StatementsAndGrants = { statements: [], grants: [] };
  for (const p of permissions) {
    if (typeof p === "string") out.statements.push(allow(p.includes(":") ? p : `${p}:*`, ["*"]));
    else if (isPolicyStatement(p)) out.statements.push(p);
    else if (isSSTConstruct(p)) out.statements.push(...sstConstructStatements(p));
    else if (Array.isArray(p)) out.grants.push(grantForm(p));
    else out.statements.push(...cdkShapeStatements(p));
  }
  return out;
}

function sstConstructStatements(c: SSTConstruct): iam.PolicyStatement[] {
  const own = (c as Partial<HasPermissionStatements>).permissionStatements;
  if (typeof own === "function") return own.call(c);
  if (BINDING_IS_PERMISSION.has(c.constructType)) return bindingStatements(c);
  throw new Error(`The specified permissions are not supported: ${c.constructType} "${c.id}" cannot be passed in "permissions". Bind it instead ("bind: [${c.id}]").`);
}

/** CDK constructs (created or imported) recognised by the attributes they expose, as SST v2 does. */
function cdkShapeStatements(p: any): iam.PolicyStatement[] {
  if (p?.tableArn && p?.tableName) return [allow("dynamodb:*", [p.tableArn, `${p.tableArn}/*`])];
  if (p?.topicArn && p?.topicName) return [allow("sns:*", [p.topicArn])];
  if (p?.queueArn && p?.queueName) return [allow("sqs:*", [p.queueArn])];
  if (p?.eventBusArn && p?.eventBusName) return [allow("events:*", [p.eventBusArn])];
  if (p?.streamArn && p?.streamName) return [allow("kinesis:*", [p.streamArn])];
  if (p?.deliveryStreamArn && p?.deliveryStreamName) return [allow("firehose:*", [p.deliveryStreamArn])];
  if (p?.bucketArn && p?.bucketName) return [allow("s3:*", [p.bucketArn, `${p.bucketArn}/*`])];
  if (p?.clusterArn) {
    // Serverless clusters: the Data API and the secret it reads (and the secret's key).
    const out = [allow("rds-data:*", [p.clusterArn])];
    if (p.secret) out.push(allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], [p.secret.secretArn]));
    if (p.secret?.encryptionKey) out.push(allow(["kms:Decrypt"], [p.secret.encryptionKey.keyArn]));
    return out;
  }
  if (p?.functionArn && p?.functionName) return [allow("lambda:*", [p.functionArn])];
  throw new Error(`The specified permissions are not supported: ${describe(p)} is not a permission SST knows (a service or action string, an iam.PolicyStatement, an SST or CDK construct, or [construct, "grantMethod"]).`);
}

function grantForm(p: unknown[]): [IConstruct, string] {
  const [construct, method] = p as [any, unknown];
  if (p.length !== 2 || !construct || typeof construct !== "object" || typeof method !== "string") {
    throw new Error(`The specified permissions are not supported: expected [construct, "grantMethod"], got ${describe(p)}.`);
  }
  if (typeof construct[method] !== "function") {
    throw new Error(`The specified grant method is incorrect: "${method}" is not a method of ${describe(construct)}. Check the available methods that are prefixed with "grant" on the construct.`);
  }
  return [construct, method];
}

/** A PolicyStatement, also one made by another copy of aws-cdk-lib (SST v2 checks the jsii type name). */
function isPolicyStatement(p: unknown): p is iam.PolicyStatement {
  if (p instanceof iam.PolicyStatement) return true;
  const fqn = (p as any)?.constructor?.[Symbol.for("jsii.rtti")]?.fqn;
  return fqn === "aws-cdk-lib.aws_iam.PolicyStatement";
}

function allow(actions: string | string[], resources: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: typeof actions === "string" ? [actions] : actions, resources });
}

function describe(p: unknown): string {
  const path = (p as any)?.node?.path;
  if (path) return `"${path}"`;
  try {
    return JSON.stringify(p) ?? String(p);
  } catch {
    return String(p);
  }
}
