/**
 * SST's Topic: an SNS topic named `${stage}-${app}-${id}` (or an imported one) with
 * function and queue subscribers. Construct ids follow SST v2 (`Topic`,
 * `Subscriber_<topic>_<name>`).
 */
import * as sns from "aws-cdk-lib/aws-sns";
import * as subs from "aws-cdk-lib/aws-sns-subscriptions";
import type { IConstruct } from "constructs";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import type { Queue } from "./Queue.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct, type BindingResource } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { callSite, propError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { FunctionGroup } from "./util/function-group.js";

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

export type TopicSubscriber = FunctionInlineDefinition | TopicFunctionSubscriberProps | Queue | TopicQueueSubscriberProps;

export interface TopicProps {
  defaults?: { function?: FunctionProps };
  subscribers?: Record<string, TopicSubscriber>;
  cdk?: { id?: string; topic?: sns.ITopic | sns.TopicProps };
}

const TOPIC_PROPS = new Set(["defaults", "subscribers", "cdk"]);
const SUBSCRIBER_PROPS = {
  function: new Set(["type", "function", "cdk"]),
  queue: new Set(["type", "queue", "cdk"]),
};

export class Topic extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Topic";
  readonly cdk: { topic: sns.ITopic };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly subscribers: Record<string, Fn | Queue> = {};
  private readonly functions = new FunctionGroup();
  private readonly props: TopicProps;

  constructor(scope: Construct, id: string, props?: TopicProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Topic", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, TOPIC_PROPS);
    const topicProp = this.props.cdk?.topic;
    this.cdk = {
      topic: isCdkConstruct(topicProp)
        ? (topicProp as sns.ITopic)
        : new sns.Topic(this, "Topic", { topicName: App.of(this).logicalPrefixedName(this.node.id), ...((topicProp ?? {}) as sns.TopicProps) }),
    };
    this.addSubscribers(this, this.props.subscribers ?? {});
  }

  get topicArn(): string {
    return this.cdk.topic.topicArn;
  }

  get topicName(): string {
    return this.cdk.topic.topicName;
  }

  /** The SNS subscriptions, one per subscriber. */
  get subscriptions(): sns.Subscription[] {
    return Object.values(this.subscribers).map((sub) => {
      const children = isQueue(sub) ? sub.cdk.queue.node.children : sub.node.children;
      return children.find((c) => c instanceof sns.Subscription) as sns.Subscription;
    });
  }

  get subscriberFunctions(): Fn[] {
    return Object.values(this.subscribers).filter((s): s is Fn => Fn.isFunction(s));
  }

  getFunction(subscriberName: string): Fn | undefined {
    const s = this.subscribers[subscriberName];
    return Fn.isFunction(s) ? s : undefined;
  }

  addSubscribers(scope: Construct, subscribers: Record<string, TopicSubscriber>): void {
    for (const [name, subscriber] of Object.entries(subscribers)) this.addSubscriber(scope, name, subscriber);
  }

  bind(constructs: BindingResource[]): void {
    this.functions.bindAll(constructs);
  }

  bindToSubscriber(subscriberName: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(subscriberName);
    if (!fn) throw new Error(`Cannot bind to the "${this.node.id}" Topic subscriber because it's not a Lambda function`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.functions.attachPermissionsToAll(permissions);
  }

  attachPermissionsToSubscriber(subscriberName: string, permissions: Permissions): void {
    const fn = this.getFunction(subscriberName);
    if (!fn) throw new Error(`Cannot attach permissions to the "${this.node.id}" Topic subscriber because it's not a Lambda function`);
    fn.attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "Topic" as const,
      data: {
        topicArn: this.cdk.topic.topicArn,
        subscribers: Object.values(this.subscribers).map(functionRef),
        subscriberNames: Object.keys(this.subscribers),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "topic",
      variables: { topicArn: { type: "plain", value: this.topicArn } },
      permissions: { "sns:*": [this.topicArn] },
    };
  }

  private addSubscriber(scope: Construct, name: string, subscriber: TopicSubscriber): void {
    const where = `subscribers.${name}.`;
    if (this.subscribers[name]) throw propError(this.ref, `subscribers.${name}`, `is defined twice: the "${this.node.id}" Topic already has a subscriber named "${name}"`);
    if (isQueue(subscriber) || (subscriber as TopicQueueSubscriberProps)?.queue) {
      const props = isQueue(subscriber) ? undefined : (subscriber as TopicQueueSubscriberProps);
      if (props) checkKnownProps(this.ref, props, SUBSCRIBER_PROPS.queue, where);
      const queue = props ? props.queue : (subscriber as Queue);
      this.subscribers[name] = queue;
      this.cdk.topic.addSubscription(new subs.SqsSubscription(queue.cdk.queue, props?.cdk?.subscription));
      return;
    }
    const isProps = typeof subscriber !== "string" && !Fn.isFunction(subscriber) && "function" in (subscriber as object);
    if (isProps) checkKnownProps(this.ref, subscriber, SUBSCRIBER_PROPS.function, where);
    const props = isProps ? (subscriber as TopicFunctionSubscriberProps) : undefined;
    const fn = within(this.ref, `subscribers.${name}`, () => Fn.fromDefinition(scope, `Subscriber_${this.node.id}_${name}`, props ? props.function : (subscriber as FunctionDefinition), this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the subscribers using FunctionProps, so the Topic construct can apply the "defaults.function" to them.`));
    this.subscribers[name] = fn;
    this.cdk.topic.addSubscription(new subs.LambdaSubscription(fn, props?.cdk?.subscription));
    this.functions.add(name, fn);
  }
}

function isQueue(x: unknown): x is Queue {
  return !!x && typeof x === "object" && (x as any)[SST_CONSTRUCT] === true && (x as IConstruct & { constructType?: string }).constructType === "Queue";
}
