/**
 * SST's Queue: an SQS queue named `${stage}-${app}-${id}` (`.fifo` appended for FIFO
 * queues), or an imported one, with at most one consumer: an SST function made from a
 * definition (`Consumer_<queue>`) or a CDK function (`consumer.cdk.function`).
 */
import * as cdk from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as lambdaEventSources from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct, type BindingResource } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";

/** SQS event source props; `maxBatchingWindow` also takes SST's "30 seconds" form. */
export type QueueEventSourceProps = Omit<lambdaEventSources.SqsEventSourceProps, "maxBatchingWindow"> & {
  maxBatchingWindow?: SSTDuration | cdk.Duration;
};

export interface QueueConsumerProps {
  function?: FunctionDefinition;
  cdk?: {
    /** A CDK function to consume the queue instead of an SST one. */
    function?: lambda.IFunction;
    eventSource?: QueueEventSourceProps;
  };
}

export interface QueueProps {
  consumer?: FunctionInlineDefinition | QueueConsumerProps;
  cdk?: { id?: string; queue?: sqs.IQueue | sqs.QueueProps };
}

const QUEUE_PROPS = new Set(["consumer", "cdk"]);
const CONSUMER_PROPS = new Set(["function", "cdk"]);
/** SQS's default visibility timeout, in seconds. */
const DEFAULT_VISIBILITY_SECONDS = 30;

export class Queue extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Queue";
  readonly cdk: { queue: sqs.IQueue };
  /** @internal */
  readonly ref: ConstructRef;
  private consumerFunction?: Fn | lambda.IFunction;
  private readonly bindingForAllConsumers: BindingResource[] = [];
  private readonly permissionsAttachedForAllConsumers: Permissions[] = [];
  private readonly props: QueueProps;

  constructor(scope: Construct, id: string, props?: QueueProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Queue", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, QUEUE_PROPS);
    this.cdk = { queue: this.createQueue() };
    if (this.props.consumer) this.addConsumer(this, this.props.consumer);
  }

  get queueArn(): string {
    return this.cdk.queue.queueArn;
  }

  get queueUrl(): string {
    return this.cdk.queue.queueUrl;
  }

  get queueName(): string {
    return this.cdk.queue.queueName;
  }

  /** The consumer, when it is an SST Function. */
  getFunction(): Fn | undefined {
    return Fn.isFunction(this.consumerFunction) ? this.consumerFunction : undefined;
  }

  addConsumer(scope: Construct, consumer: FunctionInlineDefinition | QueueConsumerProps): void {
    if (this.consumerFunction) throw sentenceError(this.ref, "consumer", "Cannot configure more than 1 consumer for a Queue");
    const isProps = !Fn.isInlineDefinition(consumer) && typeof consumer === "object";
    if (isProps) checkKnownProps(this.ref, consumer, CONSUMER_PROPS, "consumer.");
    const props = isProps ? (consumer as QueueConsumerProps) : undefined;
    const eventSource = this.eventSource(props?.cdk?.eventSource);
    if (props?.cdk?.function) {
      props.cdk.function.addEventSource(eventSource);
      this.consumerFunction = props.cdk.function;
      return;
    }
    const definition = props ? props.function : (consumer as FunctionDefinition);
    if (definition === undefined) throw propError(this.ref, "consumer.function", `is required (or "consumer.cdk.function")`);
    const fn = within(this.ref, "consumer", () => Fn.fromDefinition(scope, `Consumer_${this.node.id}`, definition));
    fn.addEventSource(eventSource);
    this.raiseVisibilityTimeout(fn);
    for (const p of this.permissionsAttachedForAllConsumers) fn.attachPermissions(p);
    fn.bind(this.bindingForAllConsumers);
    this.consumerFunction = fn;
  }

  bind(constructs: BindingResource[]): void {
    if (Fn.isFunction(this.consumerFunction)) this.consumerFunction.bind(constructs);
    this.bindingForAllConsumers.push(...constructs);
  }

  attachPermissions(permissions: Permissions): void {
    if (Fn.isFunction(this.consumerFunction)) this.consumerFunction.attachPermissions(permissions);
    this.permissionsAttachedForAllConsumers.push(permissions);
  }

  getConstructMetadata() {
    return {
      type: "Queue" as const,
      data: {
        name: this.cdk.queue.queueName,
        url: this.cdk.queue.queueUrl,
        consumer: functionRef(this.consumerFunction),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "queue",
      variables: { queueUrl: { type: "plain", value: this.queueUrl } },
      permissions: { "sqs:*": [this.queueArn] },
    };
  }

  private createQueue(): sqs.IQueue {
    const queueProp = this.props.cdk?.queue;
    if (isCdkConstruct(queueProp)) return queueProp as sqs.IQueue;
    const props = (queueProp ?? {}) as sqs.QueueProps;
    const app = App.of(this);
    const name = app.logicalPrefixedName(this.node.id) + (props.fifo ? ".fifo" : "");
    // `sst dev --increase-timeout` gives live consumers 900 s; AWS requires the queue to wait at least as long.
    const visibility = props.visibilityTimeout?.toSeconds();
    const debugVisibility = app.debugIncreaseTimeout && (visibility === undefined || visibility < 900) ? { visibilityTimeout: cdk.Duration.seconds(900) } : {};
    return new sqs.Queue(this, "Queue", { queueName: name, ...props, ...debugVisibility });
  }

  private eventSource(props?: QueueEventSourceProps): lambdaEventSources.SqsEventSource {
    const window = props?.maxBatchingWindow;
    let maxBatchingWindow: cdk.Duration | undefined;
    try {
      maxBatchingWindow = window === undefined ? undefined : toCdkDuration(window, "maxBatchingWindow");
    } catch (e) {
      throw propError(this.ref, "consumer.cdk.eventSource.maxBatchingWindow", (e as Error).message);
    }
    return new lambdaEventSources.SqsEventSource(this.cdk.queue, { ...(props ?? {}), maxBatchingWindow } as lambdaEventSources.SqsEventSourceProps);
  }

  /**
   * AWS refuses an SQS event source whose function may run longer than the queue's
   * visibility timeout. When none was set, it is raised to the consumer's timeout
   * (SST v2 leaves the default of 30 seconds, and the deploy fails on AWS).
   */
  private raiseVisibilityTimeout(fn: Fn): void {
    const queue = this.cdk.queue;
    if (!(queue instanceof sqs.Queue) || (this.props.cdk?.queue as sqs.QueueProps | undefined)?.visibilityTimeout) return;
    const timeout = fn.timeout?.toSeconds();
    if (timeout === undefined || cdk.Token.isUnresolved(timeout) || timeout <= DEFAULT_VISIBILITY_SECONDS) return;
    (queue.node.defaultChild as sqs.CfnQueue).visibilityTimeout = timeout;
  }
}
