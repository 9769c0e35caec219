/**
 * SST's Table: a DynamoDB table named `${stage}-${app}-${id}` (on demand, point-in-time
 * recovery on) with typed fields, indexes, a stream and stream consumers, or an
 * imported table. Construct ids follow SST v2 (`Table`, `Consumer_<table>_<name>`).
 */
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as lambdaEventSources from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import type { KinesisStream } from "./KinesisStream.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { ConstructWithConsumers } from "./util/function-group.js";

export type TableFieldType = Lowercase<keyof typeof dynamodb.AttributeType>;

export interface TableConsumerProps {
  function: FunctionDefinition;
  /** Event filter patterns (each becomes one filter of the event source mapping). */
  filters?: any[];
  cdk?: { eventSource?: lambdaEventSources.DynamoEventSourceProps };
}

export interface TableGlobalIndexProps {
  partitionKey: string;
  sortKey?: string;
  /** @default "all" */
  projection?: Lowercase<keyof Pick<typeof dynamodb.ProjectionType, "ALL" | "KEYS_ONLY">> | string[];
  cdk?: { index?: Omit<dynamodb.GlobalSecondaryIndexProps, "indexName" | "partitionKey" | "sortKey"> };
}

export interface TableLocalIndexProps {
  sortKey: string;
  /** @default "all" */
  projection?: Lowercase<keyof Pick<typeof dynamodb.ProjectionType, "ALL" | "KEYS_ONLY">> | string[];
  cdk?: { index?: Omit<dynamodb.LocalSecondaryIndexProps, "indexName" | "sortKey"> };
}

export interface TableProps {
  fields?: Record<string, TableFieldType>;
  primaryIndex?: { partitionKey: string; sortKey?: string };
  globalIndexes?: Record<string, TableGlobalIndexProps>;
  localIndexes?: Record<string, TableLocalIndexProps>;
  timeToLiveAttribute?: string;
  /** Stream item changes to a Kinesis data stream as well. */
  kinesisStream?: KinesisStream;
  /** @default no stream */
  stream?: boolean | Lowercase<keyof typeof dynamodb.StreamViewType>;
  defaults?: { function?: FunctionProps };
  consumers?: Record<string, FunctionInlineDefinition | TableConsumerProps>;
  cdk?: {
    id?: string;
    table?: dynamodb.ITable | Omit<dynamodb.TableProps, "partitionKey" | "sortKey">;
  };
}

const TABLE_PROPS = new Set(["fields", "primaryIndex", "globalIndexes", "localIndexes", "timeToLiveAttribute", "kinesisStream", "stream", "defaults", "consumers", "cdk"]);
const CONSUMER_PROPS = new Set(["function", "filters", "cdk"]);

export class Table extends ConstructWithConsumers implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Table";
  readonly cdk: { table: dynamodb.ITable };
  /** @internal */
  readonly ref: ConstructRef;
  private dynamodbTableType?: "CREATED" | "IMPORTED";
  private readonly props: TableProps;
  private readonly fields?: Record<string, TableFieldType>;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Table", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, TABLE_PROPS);
    this.cdk = {} as Table["cdk"];
    this.fields = this.props.fields;
    this.validateFieldsAndIndexes();
    this.createTable();
    if (this.props.globalIndexes) this.addGlobalIndexes(this.props.globalIndexes);
    if (this.props.localIndexes) this.addLocalIndexes(this.props.localIndexes);
    for (const [name, consumer] of Object.entries(this.props.consumers ?? {})) this.addConsumer(this, name, consumer);
    if (this.props.kinesisStream) {
      (this.cdk.table.node.defaultChild as dynamodb.CfnTable).addPropertyOverride("KinesisStreamSpecification.StreamArn", this.props.kinesisStream.streamArn);
    }
  }

  get tableArn(): string {
    return this.cdk.table.tableArn;
  }

  get tableName(): string {
    return this.cdk.table.tableName;
  }

  addGlobalIndexes(secondaryIndexes: Record<string, TableGlobalIndexProps>): void {
    if (!this.fields) throw propError(this.ref, "globalIndexes", `cannot be added to the "${this.node.id}" Table without defining "fields"`);
    for (const [indexName, { partitionKey, sortKey, projection, cdk }] of Object.entries(secondaryIndexes)) {
      for (const p of ["indexName", "partitionKey", "sortKey"]) {
        if ((cdk?.index as any)?.[p]) throw sentenceError(this.ref, `globalIndexes.${indexName}.cdk.index.${p}`, `Cannot configure the "cdk.index.${p}" in the "${indexName}" index of the "${this.node.id}" Table`);
      }
      (this.cdk.table as dynamodb.Table).addGlobalSecondaryIndex({
        indexName,
        partitionKey: this.buildAttribute(partitionKey, `globalIndexes.${indexName}.partitionKey`),
        sortKey: sortKey ? this.buildAttribute(sortKey, `globalIndexes.${indexName}.sortKey`) : undefined,
        ...projectionProps(projection),
        ...cdk?.index,
      });
    }
  }

  addLocalIndexes(secondaryIndexes: Record<string, TableLocalIndexProps>): void {
    if (!this.fields) throw propError(this.ref, "localIndexes", `cannot be added to the "${this.node.id}" Table without defining "fields"`);
    for (const [indexName, { sortKey, projection, cdk }] of Object.entries(secondaryIndexes)) {
      for (const p of ["indexName", "sortKey"]) {
        if ((cdk?.index as any)?.[p]) throw sentenceError(this.ref, `localIndexes.${indexName}.cdk.index.${p}`, `Cannot configure the "cdk.index.${p}" in the "${indexName}" index of the "${this.node.id}" Table`);
      }
      (this.cdk.table as dynamodb.Table).addLocalSecondaryIndex({
        indexName,
        sortKey: this.buildAttribute(sortKey, `localIndexes.${indexName}.sortKey`),
        ...projectionProps(projection),
        ...cdk?.index,
      });
    }
  }

  addConsumers(scope: Construct, consumers: Record<string, FunctionInlineDefinition | TableConsumerProps>): void {
    for (const [name, consumer] of Object.entries(consumers)) this.addConsumer(scope, name, consumer);
  }

  getConstructMetadata() {
    return {
      type: "Table" as const,
      data: {
        tableName: this.cdk.table.tableName,
        consumers: this.consumerRefs(),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "table",
      variables: { tableName: { type: "plain", value: this.tableName } },
      permissions: { "dynamodb:*": [this.tableArn, `${this.tableArn}/*`] },
    };
  }

  private createTable(): void {
    const { fields, primaryIndex, stream, timeToLiveAttribute, cdk } = this.props;
    const id = this.node.id;
    if (isCdkConstruct(cdk?.table)) {
      if (fields !== undefined) throw sentenceError(this.ref, "fields", `Cannot configure the "fields" when "cdk.table" is a construct in the "${id}" Table`);
      if (stream !== undefined) throw sentenceError(this.ref, "stream", `Cannot configure the "stream" when "cdk.table" is a construct in the "${id}" Table`);
      this.dynamodbTableType = "IMPORTED";
      this.cdk.table = cdk!.table as dynamodb.ITable;
      return;
    }
    let tableProps = (cdk?.table ?? {}) as dynamodb.TableProps;
    if (fields === undefined) throw sentenceError(this.ref, "fields", `Missing "fields" in the "${id}" Table`);
    for (const p of ["partitionKey", "sortKey", "stream"] as const) {
      if (tableProps[p]) throw sentenceError(this.ref, `cdk.table.${p}`, `Cannot configure the "cdk.table.${p}" in the "${id}" Table`);
    }
    if (primaryIndex) {
      tableProps = {
        ...tableProps,
        partitionKey: this.buildAttribute(primaryIndex.partitionKey, "primaryIndex.partitionKey"),
        sortKey: primaryIndex.sortKey ? this.buildAttribute(primaryIndex.sortKey, "primaryIndex.sortKey") : undefined,
      };
    }
    this.dynamodbTableType = "CREATED";
    // SST v2 turns point-in-time recovery on (with CDK's older, now deprecated prop).
    const pitr = tableProps.pointInTimeRecovery === undefined && tableProps.pointInTimeRecoverySpecification === undefined
      ? { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }
      : {};
    this.cdk.table = new dynamodb.Table(this, "Table", {
      tableName: App.of(this).logicalPrefixedName(id),
      ...pitr,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: this.streamViewType(stream),
      timeToLiveAttribute,
      ...tableProps,
    });
  }

  private addConsumer(scope: Construct, consumerName: string, consumer: FunctionInlineDefinition | TableConsumerProps): Fn {
    if (this.consumers.has(consumerName)) throw propError(this.ref, `consumers.${consumerName}`, `is defined twice: the "${this.node.id}" Table already has a consumer named "${consumerName}"`);
    if (!this.cdk.table.tableStreamArn) {
      const hint = this.dynamodbTableType === "IMPORTED"
        ? ` To import a table with stream enabled, use the "Table.fromTableAttributes()" method, and set the "tableStreamArn" in the attributes.`
        : "";
      throw sentenceError(this.ref, `consumers.${consumerName}`, `Please enable the "stream" option to add consumers to the "${this.node.id}" Table.${hint}`);
    }
    let definition: FunctionDefinition;
    let eventSourceProps: lambdaEventSources.DynamoEventSourceProps | undefined;
    let filters: any[] | undefined;
    if (!Fn.isInlineDefinition(consumer) && (consumer as TableConsumerProps).function) {
      checkKnownProps(this.ref, consumer, CONSUMER_PROPS, `consumers.${consumerName}.`);
      definition = (consumer as TableConsumerProps).function;
      eventSourceProps = (consumer as TableConsumerProps).cdk?.eventSource;
      filters = (consumer as TableConsumerProps).filters;
    } else {
      definition = consumer as FunctionDefinition;
    }
    const fn = within(this.ref, `consumers.${consumerName}`, () => Fn.fromDefinition(scope, `Consumer_${this.node.id}_${consumerName}`, definition, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the consumers using FunctionProps, so the Table construct can apply the "defaults.function" to them.`));
    fn.addEventSource(new lambdaEventSources.DynamoEventSource(this.cdk.table, {
      startingPosition: lambda.StartingPosition.LATEST,
      filters: filters?.map((filter) => ({ pattern: JSON.stringify(filter) })),
      ...(eventSourceProps ?? {}),
    }));
    return this.consumers.add(consumerName, fn);
  }

  private buildAttribute(name: string, prop: string): dynamodb.Attribute {
    const type = this.fields?.[name];
    if (!type) throw sentenceError(this.ref, prop, `Please define "${name}" in "fields" to create the index in the "${this.node.id}" Table.`);
    const attributeType = dynamodb.AttributeType[type.toUpperCase() as keyof typeof dynamodb.AttributeType];
    if (!attributeType) throw propError(this.ref, `fields.${name}`, `has unknown type "${type}": use "string", "number" or "binary"`);
    return { name, type: attributeType };
  }

  private streamViewType(stream: TableProps["stream"]): dynamodb.StreamViewType | undefined {
    if (stream === true) return dynamodb.StreamViewType.NEW_AND_OLD_IMAGES;
    if (stream === false || stream === undefined) return undefined;
    const type = dynamodb.StreamViewType[String(stream).toUpperCase() as keyof typeof dynamodb.StreamViewType];
    if (!type) throw propError(this.ref, "stream", `"${stream}" is not true, "new_image", "old_image", "new_and_old_images" or "keys_only"`);
    return type;
  }

  private validateFieldsAndIndexes(): void {
    const { fields, primaryIndex } = this.props;
    if (fields && Object.keys(fields).length === 0) throw sentenceError(this.ref, "fields", `No fields defined for the "${this.id}" Table`);
    for (const [name, type] of Object.entries(fields ?? {})) {
      if (!dynamodb.AttributeType[String(type).toUpperCase() as keyof typeof dynamodb.AttributeType]) {
        throw propError(this.ref, `fields.${name}`, `has unknown type "${type}": use "string", "number" or "binary"`);
      }
    }
    if (primaryIndex && !primaryIndex.partitionKey) throw propError(this.ref, "primaryIndex.partitionKey", `is missing for the "${this.id}" Table`);
    if (fields && !primaryIndex) throw sentenceError(this.ref, "primaryIndex", `Missing "primaryIndex" in "${this.id}" Table`);
    if (!fields && primaryIndex) throw sentenceError(this.ref, "primaryIndex", `Cannot configure the "primaryIndex" without setting the "fields" in "${this.id}" Table`);
  }
}

function projectionProps(projection: TableGlobalIndexProps["projection"]): Partial<dynamodb.GlobalSecondaryIndexProps> | undefined {
  if (!projection) return undefined;
  if (Array.isArray(projection)) return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: projection };
  return { projectionType: dynamodb.ProjectionType[projection.toUpperCase() as keyof typeof dynamodb.ProjectionType] };
}
