/**
 * SST's Queue: an SQS queue named `${stage}-${app}-${id}` with an optional consumer
 * function (event source mapping).
 */
import * as cdk from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { SqsEventSource, type SqsEventSourceProps } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export interface QueueConsumerProps {
  function: FunctionDefinition;
  cdk?: {
    eventSource?: Omit<SqsEventSourceProps, "maxBatchingWindow"> & { maxBatchingWindow?: SSTDuration | cdk.Duration };
  };
}

export interface QueueProps {
  consumer?: FunctionDefinition | QueueConsumerProps;
  cdk?: { id?: string; queue?: sqs.IQueue | sqs.QueueProps };
}

export class Queue extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Queue";
  readonly cdk: { queue: sqs.IQueue };
  private consumerFunction?: Fn;
  private explicitVisibility = false;
  private readonly permissionsForConsumer: Permissions[] = [];
  private readonly bindingsForConsumer: any[] = [];

  constructor(scope: Construct, id: string, props: QueueProps = {}) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.cdk = { queue: this.createQueue(props) };
    if (props.consumer) this.addConsumer(this, props.consumer);
  }

  get queueArn(): string { return this.cdk.queue.queueArn; }
  get queueUrl(): string { return this.cdk.queue.queueUrl; }
  get queueName(): string { return this.cdk.queue.queueName; }

  private createQueue(props: QueueProps): sqs.IQueue {
    const c = props.cdk?.queue;
    if (c && Construct.isConstruct(c)) return c as sqs.IQueue;
    const app = App.of(this);
    const queueProps = (c ?? {}) as sqs.QueueProps;
    this.explicitVisibility = queueProps.visibilityTimeout !== undefined;
    return new sqs.Queue(this, "Queue", {
      queueName: queueProps.fifo ? `${app.logicalPrefixedName(this.node.id)}.fifo` : app.logicalPrefixedName(this.node.id),
      ...queueProps,
    });
  }

  get consumerFunctionInstance(): Fn | undefined { return this.consumerFunction; }

  addConsumer(scope: Construct, consumer: FunctionDefinition | QueueConsumerProps): void {
    if (this.consumerFunction) throw new Error(`Cannot configure more than 1 consumer for the "${this.id}" Queue`);
    const isProps = typeof consumer === "object" && !Fn.isFunction(consumer) && "function" in consumer;
    const def = isProps ? (consumer as QueueConsumerProps).function : (consumer as FunctionDefinition);
    const es = isProps ? (consumer as QueueConsumerProps).cdk?.eventSource : undefined;
    const fn = Fn.fromDefinition(scope, `Consumer_${this.node.id}`, def);
    const { maxBatchingWindow, ...rest } = es ?? {};
    fn.addEventSource(new SqsEventSource(this.cdk.queue, {
      ...rest,
      maxBatchingWindow: maxBatchingWindow !== undefined ? toCdkDuration(maxBatchingWindow as SSTDuration, "maxBatchingWindow") : undefined,
    }));
    for (const p of this.permissionsForConsumer) fn.attachPermissions(p);
    if (this.bindingsForConsumer.length) fn.bind(this.bindingsForConsumer);
    this.consumerFunction = fn;
    // Lambda requires the queue's visibility timeout to be at least the consumer's timeout.
    const cfn = this.cdk.queue.node.defaultChild;
    const timeout = fn.timeout?.toSeconds() ?? 3;
    if (!this.explicitVisibility && cfn instanceof sqs.CfnQueue && timeout > 30) {
      cfn.visibilityTimeout = timeout;
    }
  }

  attachPermissions(permissions: Permissions): void {
    this.consumerFunction?.attachPermissions(permissions);
    this.permissionsForConsumer.push(permissions);
  }

  bind(constructs: any[]): void {
    this.consumerFunction?.bind(constructs);
    this.bindingsForConsumer.push(...constructs);
  }

  getConstructMetadata() {
    return { type: "Queue" as const, data: { name: this.queueName, url: this.queueUrl } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "queue",
      variables: { queueUrl: { type: "plain", value: this.queueUrl } },
      permissions: { "sqs:*": [this.queueArn] },
    };
  }
}
