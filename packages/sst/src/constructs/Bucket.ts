/**
 * SST's Bucket: an S3 bucket with SST v2's defaults (CORS open to GET/PUT/HEAD/POST/DELETE
 * from anywhere, public ACLs allowed, object owner "bucket owner preferred", TLS
 * enforced by a bucket policy) and notifications to functions, queues and topics.
 * Construct ids follow SST v2 (`Bucket`, `Notification_<bucket>_<name>`).
 */
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import { Construct } from "constructs";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct, type BindingResource } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { callSite, propError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { FunctionGroup } from "./util/function-group.js";
import type { Queue } from "./Queue.js";
import type { Topic } from "./Topic.js";

export interface BucketCorsRule {
  allowedMethods: (keyof typeof s3.HttpMethods)[];
  allowedOrigins: string[];
  allowedHeaders?: string[];
  exposedHeaders?: string[];
  id?: string;
  maxAge?: SSTDuration;
}

export type BucketEvent = Lowercase<keyof typeof s3.EventType>;

export interface BucketFilter {
  prefix?: string;
  suffix?: string;
}

interface BucketBaseNotificationProps {
  /** @default ["object_created", "object_removed"] */
  events?: BucketEvent[];
  filters?: BucketFilter[];
}
export interface BucketFunctionNotificationProps extends BucketBaseNotificationProps {
  type?: "function";
  function: FunctionDefinition;
}
export interface BucketQueueNotificationProps extends BucketBaseNotificationProps {
  type?: "queue";
  queue: Queue;
}
export interface BucketTopicNotificationProps extends BucketBaseNotificationProps {
  type?: "topic";
  topic: Topic;
}

export type BucketNotification =
  | FunctionInlineDefinition | BucketFunctionNotificationProps
  | Queue | BucketQueueNotificationProps
  | Topic | BucketTopicNotificationProps;

export interface BucketProps {
  /** @default a CloudFormation-generated name */
  name?: string;
  /** @default true */
  cors?: boolean | BucketCorsRule[];
  /** Block public ACLs (and enforce bucket-owner object ownership). @default false */
  blockPublicACLs?: boolean;
  defaults?: { function?: FunctionProps };
  notifications?: Record<string, BucketNotification>;
  cdk?: { id?: string; bucket?: s3.IBucket | s3.BucketProps };
}

const BUCKET_PROPS = new Set(["name", "cors", "blockPublicACLs", "defaults", "notifications", "cdk"]);
const NOTIFICATION_PROPS: Record<string, Set<string>> = {
  function: new Set(["type", "function", "events", "filters"]),
  queue: new Set(["type", "queue", "events", "filters"]),
  topic: new Set(["type", "topic", "events", "filters"]),
};

export class Bucket extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Bucket";
  readonly cdk: { bucket: s3.IBucket };
  readonly notifications: Record<string, Fn | Queue | Topic> = {};
  private readonly functions = new FunctionGroup();
  readonly props: BucketProps;
  /** @internal */
  readonly ref: ConstructRef;

  constructor(scope: Construct, id: string, props?: BucketProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Bucket", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, BUCKET_PROPS);
    this.cdk = {} as Bucket["cdk"];
    this.createBucket();
    this.addNotifications(this, this.props.notifications ?? {});
  }

  get bucketArn(): string {
    return this.cdk.bucket.bucketArn;
  }

  get bucketName(): string {
    return this.cdk.bucket.bucketName;
  }

  get notificationFunctions(): Fn[] {
    return Object.values(this.notifications).filter((n): n is Fn => Fn.isFunction(n));
  }

  /** The function of a function notification. */
  getFunction(notificationName: string): Fn | undefined {
    const n = this.notifications[notificationName];
    return Fn.isFunction(n) ? n : undefined;
  }

  addNotifications(scope: Construct, notifications: Record<string, BucketNotification>): void {
    for (const [name, notification] of Object.entries(notifications)) this.addNotification(scope, name, notification);
  }

  bind(constructs: BindingResource[]): void {
    this.functions.bindAll(constructs);
  }

  bindToNotification(notificationName: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(notificationName);
    if (!fn) throw new Error(`Cannot bind to the "${this.node.id}" Bucket notification because it's not a Lambda function`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.functions.attachPermissionsToAll(permissions);
  }

  attachPermissionsToNotification(notificationName: string, permissions: Permissions): void {
    const fn = this.getFunction(notificationName);
    if (!fn) throw new Error(`Cannot attach permissions to the "${this.node.id}" Bucket notification because it's not a Lambda function`);
    fn.attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "Bucket" as const,
      data: {
        name: this.cdk.bucket.bucketName,
        notifications: Object.values(this.notifications).map(functionRef),
        notificationNames: Object.keys(this.notifications),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "bucket",
      variables: { bucketName: { type: "plain", value: this.bucketName } },
      permissions: { "s3:*": [this.bucketArn, `${this.bucketArn}/*`] },
    };
  }

  private createBucket(): void {
    const { name, cors, blockPublicACLs, cdk } = this.props;
    if (isCdkConstruct(cdk?.bucket)) {
      if (cors !== undefined) throw propError(this.ref, "cors", `cannot be configured when "cdk.bucket" is a construct`);
      this.cdk.bucket = cdk!.bucket as s3.IBucket;
      return;
    }
    this.cdk.bucket = new s3.Bucket(this, "Bucket", {
      bucketName: name,
      cors: this.corsRules(cors),
      blockPublicAccess: blockPublicACLs === true
        ? s3.BlockPublicAccess.BLOCK_ALL
        : new s3.BlockPublicAccess({ blockPublicAcls: false, ignorePublicAcls: false }),
      objectOwnership: blockPublicACLs === true ? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED : s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      ...((cdk?.bucket ?? {}) as s3.BucketProps),
    });
  }

  private addNotification(scope: Construct, name: string, notification: BucketNotification): void {
    const where = `notifications.${name}`;
    if (this.notifications[name]) throw propError(this.ref, where, `is defined twice: the "${this.node.id}" Bucket already has a notification named "${name}"`);
    if (isConstructOfType(notification, "Queue") || (notification as BucketQueueNotificationProps)?.queue) {
      const props: BucketQueueNotificationProps = isConstructOfType(notification, "Queue") ? { queue: notification as Queue } : notification as BucketQueueNotificationProps;
      if (!isConstructOfType(notification, "Queue")) checkKnownProps(this.ref, props, NOTIFICATION_PROPS.queue, `${where}.`);
      this.notifications[name] = props.queue;
      this.addEventNotifications(where, props, new s3n.SqsDestination(props.queue.cdk.queue));
    } else if (isConstructOfType(notification, "Topic") || (notification as BucketTopicNotificationProps)?.topic) {
      const props: BucketTopicNotificationProps = isConstructOfType(notification, "Topic") ? { topic: notification as Topic } : notification as BucketTopicNotificationProps;
      if (!isConstructOfType(notification, "Topic")) checkKnownProps(this.ref, props, NOTIFICATION_PROPS.topic, `${where}.`);
      this.notifications[name] = props.topic;
      this.addEventNotifications(where, props, new s3n.SnsDestination(props.topic.cdk.topic));
    } else {
      this.addFunctionNotification(scope, name, notification as FunctionInlineDefinition | BucketFunctionNotificationProps);
    }
  }

  private addFunctionNotification(scope: Construct, name: string, notification: FunctionInlineDefinition | BucketFunctionNotificationProps): void {
    const where = `notifications.${name}`;
    const isProps = !Fn.isInlineDefinition(notification) && !!(notification as BucketFunctionNotificationProps)?.function;
    if (isProps) checkKnownProps(this.ref, notification, NOTIFICATION_PROPS.function, `${where}.`);
    const definition = isProps ? (notification as BucketFunctionNotificationProps).function : (notification as FunctionDefinition);
    const fn = within(this.ref, where, () => Fn.fromDefinition(scope, `Notification_${this.node.id}_${name}`, definition, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the notifications using FunctionProps, so the Bucket construct can apply the "defaults.function" to them.`));
    this.notifications[name] = fn;
    this.addEventNotifications(where, isProps ? (notification as BucketFunctionNotificationProps) : {}, new s3n.LambdaDestination(fn));
    this.functions.add(name, fn);
  }

  private addEventNotifications(where: string, props: BucketBaseNotificationProps, destination: s3.IBucketNotificationDestination): void {
    for (const event of props.events ?? ["object_created", "object_removed"]) {
      const type = s3.EventType[String(event).toUpperCase() as keyof typeof s3.EventType];
      if (!type) throw propError(this.ref, `${where}.events`, `"${event}" is not an S3 event (e.g. "object_created", "object_removed", "object_created_put")`);
      this.cdk.bucket.addEventNotification(type, destination, ...(props.filters ?? []));
    }
  }

  private corsRules(cors?: boolean | BucketCorsRule[]): s3.CorsRule[] | undefined {
    if (cors === false) return undefined;
    if (cors === undefined || cors === true) {
      return [{
        allowedHeaders: ["*"],
        allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.PUT, s3.HttpMethods.HEAD, s3.HttpMethods.POST, s3.HttpMethods.DELETE],
        allowedOrigins: ["*"],
      }];
    }
    return cors.map((rule, i) => ({
      allowedMethods: (rule.allowedMethods ?? []).map((m) => {
        const method = s3.HttpMethods[m as keyof typeof s3.HttpMethods];
        if (!method) throw propError(this.ref, `cors[${i}].allowedMethods`, `"${m}" is not one of GET, PUT, HEAD, POST, DELETE`);
        return method;
      }),
      allowedOrigins: rule.allowedOrigins,
      allowedHeaders: rule.allowedHeaders,
      exposedHeaders: rule.exposedHeaders,
      id: rule.id,
      maxAge: rule.maxAge !== undefined ? toCdkDuration(rule.maxAge).toSeconds() : undefined,
    }));
  }
}

function isConstructOfType(x: unknown, type: string): boolean {
  return !!x && typeof x === "object" && (x as any)[SST_CONSTRUCT] === true && (x as any).constructType === type;
}
