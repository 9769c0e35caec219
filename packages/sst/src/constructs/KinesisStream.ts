/**
 * SST's KinesisStream: a Kinesis data stream named `${stage}-${app}-${id}` (or an
 * imported one) with Lambda consumers reading from the latest record. The local
 * cloud serves the stream and polls it for the consumers, as AWS does.
 */
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as lambdaEventSources from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import { callSite, propError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { ConstructWithConsumers } from "./util/function-group.js";

export interface KinesisStreamConsumerProps {
  function: FunctionDefinition;
  cdk?: { eventSource?: lambdaEventSources.KinesisEventSourceProps };
}

export interface KinesisStreamProps {
  defaults?: { function?: FunctionProps };
  consumers?: Record<string, FunctionInlineDefinition | KinesisStreamConsumerProps>;
  cdk?: { id?: string; stream?: kinesis.IStream | kinesis.StreamProps };
}

const PROPS = new Set(["defaults", "consumers", "cdk"]);

export class KinesisStream extends ConstructWithConsumers implements SSTConstruct {
  readonly id: string;
  readonly constructType = "KinesisStream";
  readonly cdk: { stream: kinesis.IStream };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: KinesisStreamProps;

  constructor(scope: Construct, id: string, props?: KinesisStreamProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "KinesisStream", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, PROPS);
    const streamProp = this.props.cdk?.stream;
    this.cdk = {
      stream: isCdkConstruct(streamProp)
        ? (streamProp as kinesis.IStream)
        : new kinesis.Stream(this, "Stream", { streamName: App.of(this).logicalPrefixedName(this.node.id), ...((streamProp ?? {}) as kinesis.StreamProps) }),
    };
    for (const [name, consumer] of Object.entries(this.props.consumers ?? {})) this.addConsumer(this, name, consumer);
  }

  get streamArn(): string {
    return this.cdk.stream.streamArn;
  }

  get streamName(): string {
    return this.cdk.stream.streamName;
  }

  addConsumers(scope: Construct, consumers: Record<string, FunctionInlineDefinition | KinesisStreamConsumerProps>): void {
    for (const [name, consumer] of Object.entries(consumers)) this.addConsumer(scope, name, consumer);
  }

  getConstructMetadata() {
    return {
      type: "KinesisStream" as const,
      data: {
        streamName: this.cdk.stream.streamName,
        consumers: this.consumerRefs(),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "kinesis-stream",
      variables: { streamName: { type: "plain", value: this.streamName } },
      permissions: { "kinesis:*": [this.streamArn] },
    };
  }

  private addConsumer(scope: Construct, consumerName: string, consumer: FunctionInlineDefinition | KinesisStreamConsumerProps): Fn {
    if (this.consumers.has(consumerName)) throw propError(this.ref, `consumers.${consumerName}`, `is defined twice: the "${this.node.id}" KinesisStream already has a consumer named "${consumerName}"`);
    const isProps = !Fn.isInlineDefinition(consumer) && !!(consumer as KinesisStreamConsumerProps).function;
    const definition = isProps ? (consumer as KinesisStreamConsumerProps).function : (consumer as FunctionDefinition);
    const fn = within(this.ref, `consumers.${consumerName}`, () => Fn.fromDefinition(scope, `Consumer_${this.node.id}_${consumerName}`, definition, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the consumers using FunctionProps, so the KinesisStream construct can apply the "defaults.function" to them.`));
    fn.addEventSource(new lambdaEventSources.KinesisEventSource(this.cdk.stream, {
      startingPosition: lambda.StartingPosition.LATEST,
      ...(isProps ? (consumer as KinesisStreamConsumerProps).cdk?.eventSource ?? {} : {}),
    }));
    return this.consumers.add(consumerName, fn);
  }
}
