/**
 * SST's Bucket: an S3 bucket with SST v2's default CORS and notifications to
 * functions or queues.
 */
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import { Construct } from "constructs";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { Queue } from "./Queue.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export type BucketEvent =
  | "object_created" | "object_created_put" | "object_created_post" | "object_created_copy"
  | "object_created_complete_multipart_upload" | "object_removed" | "object_removed_delete"
  | "object_removed_delete_marker_created" | "object_restore_post" | "object_restore_completed"
  | "object_restore_delete" | "reduced_redundancy_lost_object" | "replication_operation_failed_replication"
  | "replication_operation_missed_threshold" | "replication_operation_replicated_after_threshold"
  | "replication_operation_not_tracked" | "lifecycle_expiration" | "lifecycle_expiration_delete"
  | "lifecycle_expiration_delete_marker_created" | "lifecycle_transition" | "intelligent_tiering"
  | "object_tagging" | "object_tagging_put" | "object_tagging_delete" | "object_acl_put";

export interface BucketFilter { prefix?: string; suffix?: string; }

export interface BucketFunctionNotificationProps {
  type?: "function";
  function: FunctionDefinition;
  events?: BucketEvent[];
  filters?: BucketFilter[];
}
export interface BucketQueueNotificationProps {
  type?: "queue";
  queue: Queue;
  events?: BucketEvent[];
  filters?: BucketFilter[];
}

export interface BucketCorsRule {
  allowedMethods: ("GET" | "PUT" | "HEAD" | "POST" | "DELETE" | "*")[];
  allowedOrigins: string[];
  allowedHeaders?: string[];
  exposedHeaders?: string[];
  id?: string;
  maxAge?: SSTDuration;
}

export interface BucketProps {
  name?: string;
  cors?: boolean | BucketCorsRule[];
  notifications?: Record<string, FunctionDefinition | Queue | BucketFunctionNotificationProps | BucketQueueNotificationProps>;
  defaults?: { function?: FunctionProps };
  blockPublicACLs?: boolean;
  cdk?: { id?: string; bucket?: s3.IBucket | s3.BucketProps };
}

const ALL_EVENTS: BucketEvent[] = ["object_created", "object_removed"];

export class Bucket extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Bucket";
  readonly cdk: { bucket: s3.IBucket };
  readonly notificationFunctions: Fn[] = [];
  private readonly notificationsByName: Record<string, Fn | Queue> = {};
  private readonly props: BucketProps;
  private readonly bindingsForAll: any[] = [];
  private readonly permissionsForAll: Permissions[] = [];

  constructor(scope: Construct, id: string, props: BucketProps = {}) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    this.cdk = { bucket: this.createBucket() };
    if (props.notifications) this.addNotifications(this, props.notifications);
  }

  get bucketArn(): string { return this.cdk.bucket.bucketArn; }
  get bucketName(): string { return this.cdk.bucket.bucketName; }

  private createBucket(): s3.IBucket {
    const { cdk: c, name, cors } = this.props;
    if (c?.bucket && Construct.isConstruct(c.bucket)) return c.bucket as s3.IBucket;
    return new s3.Bucket(this, "Bucket", {
      bucketName: name,
      cors: corsRules(cors),
      ...((c?.bucket ?? {}) as s3.BucketProps),
    });
  }

  addNotifications(scope: Construct, notifications: NonNullable<BucketProps["notifications"]>): void {
    for (const [name, n] of Object.entries(notifications)) this.addNotification(scope, name, n);
  }

  private addNotification(scope: Construct, name: string, n: NonNullable<BucketProps["notifications"]>[string]): void {
    const bucket = this.cdk.bucket;
    let events: BucketEvent[] = ALL_EVENTS;
    let filters: BucketFilter[] = [];
    let destination: s3.IBucketNotificationDestination;
    if (n instanceof Queue) {
      destination = new s3n.SqsDestination(n.cdk.queue);
      this.notificationsByName[name] = n;
    } else if (typeof n === "object" && !Fn.isFunction(n) && "queue" in n) {
      destination = new s3n.SqsDestination(n.queue.cdk.queue);
      events = n.events ?? events; filters = n.filters ?? [];
      this.notificationsByName[name] = n.queue;
    } else {
      const isProps = typeof n === "object" && !Fn.isFunction(n) && "function" in n;
      const def = isProps ? (n as BucketFunctionNotificationProps).function : (n as FunctionDefinition);
      if (isProps) { events = (n as BucketFunctionNotificationProps).events ?? events; filters = (n as BucketFunctionNotificationProps).filters ?? []; }
      const fn = Fn.fromDefinition(scope, `Notification_${this.node.id}_${name}`, def, this.props.defaults?.function,
        `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the notifications using FunctionProps, so the Bucket construct can apply the "defaults.function" to them.`);
      for (const p of this.permissionsForAll) fn.attachPermissions(p);
      if (this.bindingsForAll.length) fn.bind(this.bindingsForAll);
      this.notificationFunctions.push(fn);
      this.notificationsByName[name] = fn;
      destination = new s3n.LambdaDestination(fn);
    }
    for (const e of events) {
      bucket.addEventNotification(eventType(e, this.id), destination, ...filters);
    }
  }

  getFunction(name: string): Fn | undefined {
    const n = this.notificationsByName[name];
    return n && Fn.isFunction(n) ? n : undefined;
  }

  attachPermissions(permissions: Permissions): void {
    for (const fn of this.notificationFunctions) fn.attachPermissions(permissions);
    this.permissionsForAll.push(permissions);
  }

  bind(constructs: any[]): void {
    for (const fn of this.notificationFunctions) fn.bind(constructs);
    this.bindingsForAll.push(...constructs);
  }

  getConstructMetadata() {
    return { type: "Bucket" as const, data: { name: this.bucketName, notifications: Object.keys(this.notificationsByName) } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "bucket",
      variables: { bucketName: { type: "plain", value: this.bucketName } },
      permissions: { "s3:*": [this.bucketArn, `${this.bucketArn}/*`] },
    };
  }
}

/** SST v2: cors defaults to allowing every origin, header and method. */
function corsRules(cors: BucketProps["cors"]): s3.CorsRule[] | undefined {
  if (cors === false) return undefined;
  if (cors === undefined || cors === true) {
    return [{
      allowedHeaders: ["*"],
      allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.PUT, s3.HttpMethods.HEAD, s3.HttpMethods.POST, s3.HttpMethods.DELETE],
      allowedOrigins: ["*"],
    }];
  }
  return cors.map((r) => ({
    allowedMethods: r.allowedMethods.flatMap((m) => m === "*"
      ? [s3.HttpMethods.GET, s3.HttpMethods.PUT, s3.HttpMethods.HEAD, s3.HttpMethods.POST, s3.HttpMethods.DELETE]
      : [m as s3.HttpMethods]),
    allowedOrigins: r.allowedOrigins,
    allowedHeaders: r.allowedHeaders,
    exposedHeaders: r.exposedHeaders,
    id: r.id,
    maxAge: r.maxAge !== undefined ? toCdkDuration(r.maxAge).toSeconds() : undefined,
  }));
}

function eventType(e: BucketEvent, id: string): s3.EventType {
  const key = e.toUpperCase() as keyof typeof s3.EventType;
  const v = s3.EventType[key];
  if (!v) throw new Error(`Bucket "${id}": unknown notification event "${e}"`);
  return v;
}
