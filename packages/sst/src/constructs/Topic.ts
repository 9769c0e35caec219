/**
 * SST's Topic: an SNS topic named `${stage}-${app}-${id}` with function and queue
 * subscribers.
 */
import * as sns from "aws-cdk-lib/aws-sns";
import * as subs from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { Queue } from "./Queue.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export interface TopicFunctionSubscriberProps {
  type?: "function";
  function: FunctionDefinition;
  cdk?: { subscription?: subs.LambdaSubscriptionProps };
}
export interface TopicQueueSubscriberProps {
  type: "queue";
  queue: Queue;
  cdk?: { subscription?: subs.SqsSubscriptionProps };
}
export type TopicSubscriber = FunctionDefinition | Queue | TopicFunctionSubscriberProps | TopicQueueSubscriberProps;

export interface TopicProps {
  subscribers?: Record<string, TopicSubscriber>;
  defaults?: { function?: FunctionProps };
  cdk?: { id?: string; topic?: sns.ITopic | sns.TopicProps };
}

export class Topic extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Topic";
  readonly cdk: { topic: sns.ITopic };
  private readonly props: TopicProps;
  private readonly functions: Record<string, Fn> = {};
  private readonly queues: Record<string, Queue> = {};
  private readonly bindingsForAll: any[] = [];
  private readonly permissionsForAll: Permissions[] = [];

  constructor(scope: Construct, id: string, props: TopicProps = {}) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    const t = props.cdk?.topic;
    this.cdk = {
      topic: t && Construct.isConstruct(t)
        ? (t as sns.ITopic)
        : new sns.Topic(this, "Topic", { topicName: App.of(this).logicalPrefixedName(this.node.id), ...((t ?? {}) as sns.TopicProps) }),
    };
    if (props.subscribers) this.addSubscribers(this, props.subscribers);
  }

  get topicArn(): string { return this.cdk.topic.topicArn; }
  get topicName(): string { return this.cdk.topic.topicName; }
  get subscriberFunctions(): Fn[] { return Object.values(this.functions); }

  addSubscribers(scope: Construct, subscribers: Record<string, TopicSubscriber>): void {
    for (const [name, s] of Object.entries(subscribers)) {
      if (this.functions[name] || this.queues[name]) throw new Error(`Topic "${this.id}": subscriber "${name}" already exists`);
      if (s instanceof Queue) {
        this.cdk.topic.addSubscription(new subs.SqsSubscription(s.cdk.queue));
        this.queues[name] = s;
      } else if (typeof s === "object" && (s as TopicQueueSubscriberProps).type === "queue") {
        const q = s as TopicQueueSubscriberProps;
        this.cdk.topic.addSubscription(new subs.SqsSubscription(q.queue.cdk.queue, q.cdk?.subscription));
        this.queues[name] = q.queue;
      } else {
        const isProps = typeof s === "object" && !Fn.isFunction(s) && "function" in s;
        const p = isProps ? (s as TopicFunctionSubscriberProps) : undefined;
        const fn = Fn.fromDefinition(scope, `Subscriber_${this.node.id}_${name}`, p ? p.function : (s as FunctionDefinition),
          this.props.defaults?.function);
        this.cdk.topic.addSubscription(new subs.LambdaSubscription(fn, p?.cdk?.subscription));
        for (const perm of this.permissionsForAll) fn.attachPermissions(perm);
        if (this.bindingsForAll.length) fn.bind(this.bindingsForAll);
        this.functions[name] = fn;
      }
    }
  }

  getFunction(name: string): Fn | undefined { return this.functions[name]; }

  attachPermissions(permissions: Permissions): void {
    for (const fn of Object.values(this.functions)) fn.attachPermissions(permissions);
    this.permissionsForAll.push(permissions);
  }

  bind(constructs: any[]): void {
    for (const fn of Object.values(this.functions)) fn.bind(constructs);
    this.bindingsForAll.push(...constructs);
  }

  getConstructMetadata() {
    return { type: "Topic" as const, data: { topicArn: this.topicArn, subscribers: Object.keys({ ...this.functions, ...this.queues }) } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "topic",
      variables: { topicArn: { type: "plain", value: this.topicArn } },
      permissions: { "sns:*": [this.topicArn] },
    };
  }
}
