/**
 * SST's Table: a DynamoDB table (on-demand) named `${stage}-${app}-${id}` with typed
 * fields, indexes, a stream and stream consumers.
 */
import * as cdk from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, type DynamoEventSourceProps } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export type TableFieldType = "string" | "number" | "binary";

export interface TableGlobalIndexProps {
  partitionKey: string;
  sortKey?: string;
  projection?: "all" | "keys_only" | string[];
  cdk?: { index?: Partial<dynamodb.GlobalSecondaryIndexProps> };
}

export interface TableLocalIndexProps {
  sortKey: string;
  projection?: "all" | "keys_only" | string[];
  cdk?: { index?: Partial<dynamodb.LocalSecondaryIndexProps> };
}

export interface TableConsumerProps {
  function: FunctionDefinition;
  filters?: any[];
  cdk?: { eventSource?: Partial<DynamoEventSourceProps> };
}

export interface TableProps {
  fields?: Record<string, TableFieldType>;
  primaryIndex?: { partitionKey: string; sortKey?: string };
  globalIndexes?: Record<string, TableGlobalIndexProps>;
  localIndexes?: Record<string, TableLocalIndexProps>;
  timeToLiveAttribute?: string;
  stream?: boolean | "new_image" | "old_image" | "new_and_old_images" | "keys_only";
  consumers?: Record<string, FunctionDefinition | TableConsumerProps>;
  defaults?: { function?: FunctionProps };
  cdk?: {
    id?: string;
    table?: dynamodb.ITable | Omit<dynamodb.TableProps, "partitionKey" | "sortKey">;
  };
}

export class Table extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Table";
  readonly cdk: { table: dynamodb.ITable };
  private readonly fields: Record<string, TableFieldType>;
  private readonly consumerFunctions: Record<string, Fn> = {};
  private readonly permissionsAttachedForAllConsumers: Permissions[] = [];
  private readonly bindingsForAllConsumers: any[] = [];
  private readonly props: TableProps;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    this.fields = props.fields ?? {};
    for (const [name, type] of Object.entries(this.fields)) {
      if (type !== "string" && type !== "number" && type !== "binary") {
        throw new Error(`Table "${id}": field "${name}" has unknown type "${type}". Use "string", "number" or "binary".`);
      }
    }
    this.cdk = { table: this.createTable() };
    if (props.globalIndexes) this.addGlobalIndexes(props.globalIndexes);
    if (props.localIndexes) this.addLocalIndexes(props.localIndexes);
    if (props.consumers) this.addConsumers(this, props.consumers);
  }

  get tableArn(): string { return this.cdk.table.tableArn; }
  get tableName(): string { return this.cdk.table.tableName; }

  private createTable(): dynamodb.ITable {
    const { cdk: cdkProps, primaryIndex, stream, timeToLiveAttribute } = this.props;
    const app = App.of(this);
    if (cdkProps?.table && isITable(cdkProps.table)) {
      if (primaryIndex || this.props.fields) throw new Error(`Table "${this.id}": cannot configure "fields" or "primaryIndex" when importing an existing table`);
      return cdkProps.table;
    }
    if (!primaryIndex) throw new Error(`Table "${this.id}": missing "primaryIndex"`);
    return new dynamodb.Table(this, "Table", {
      tableName: app.logicalPrefixedName(this.node.id),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      partitionKey: this.attribute(primaryIndex.partitionKey, "primaryIndex.partitionKey"),
      sortKey: primaryIndex.sortKey ? this.attribute(primaryIndex.sortKey, "primaryIndex.sortKey") : undefined,
      stream: streamViewType(stream),
      timeToLiveAttribute,
      ...((cdkProps?.table ?? {}) as object),
    });
  }

  private attribute(name: string, where: string): dynamodb.Attribute {
    const type = this.fields[name];
    if (!type) throw new Error(`Table "${this.id}": ${where} "${name}" is not defined in "fields"`);
    return {
      name,
      type: type === "string" ? dynamodb.AttributeType.STRING
        : type === "number" ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.BINARY,
    };
  }

  addGlobalIndexes(indexes: Record<string, TableGlobalIndexProps>): void {
    const table = this.ownTable("add global indexes");
    for (const [indexName, idx] of Object.entries(indexes)) {
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: this.attribute(idx.partitionKey, `globalIndexes.${indexName}.partitionKey`),
        sortKey: idx.sortKey ? this.attribute(idx.sortKey, `globalIndexes.${indexName}.sortKey`) : undefined,
        ...projection(idx.projection),
        ...(idx.cdk?.index ?? {}),
      });
    }
  }

  addLocalIndexes(indexes: Record<string, TableLocalIndexProps>): void {
    const table = this.ownTable("add local indexes");
    for (const [indexName, idx] of Object.entries(indexes)) {
      table.addLocalSecondaryIndex({
        indexName,
        sortKey: this.attribute(idx.sortKey, `localIndexes.${indexName}.sortKey`),
        ...projection(idx.projection),
        ...(idx.cdk?.index ?? {}),
      });
    }
  }

  addConsumers(scope: Construct, consumers: Record<string, FunctionDefinition | TableConsumerProps>): void {
    for (const [name, consumer] of Object.entries(consumers)) this.addConsumer(scope, name, consumer);
  }

  private addConsumer(scope: Construct, name: string, consumer: FunctionDefinition | TableConsumerProps): Fn {
    const table = this.cdk.table;
    if (!table.tableStreamArn) {
      throw new Error(`Please enable the "stream" option to add consumers to the "${this.id}" Table.`);
    }
    const isProps = typeof consumer === "object" && !Fn.isFunction(consumer) && "function" in consumer;
    const def = isProps ? (consumer as TableConsumerProps).function : (consumer as FunctionDefinition);
    const fn = Fn.fromDefinition(scope, `Consumer_${this.node.id}_${name}`, def, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the consumers using FunctionProps, so the Table construct can apply the "defaults.function" to them.`);
    const c = isProps ? (consumer as TableConsumerProps) : undefined;
    fn.addEventSource(new DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: 100,
      filters: c?.filters?.map((f) => lambda.FilterCriteria.filter(f)),
      ...(c?.cdk?.eventSource ?? {}),
    }));
    for (const p of this.permissionsAttachedForAllConsumers) fn.attachPermissions(p);
    if (this.bindingsForAllConsumers.length) fn.bind(this.bindingsForAllConsumers);
    this.consumerFunctions[name] = fn;
    return fn;
  }

  getFunction(consumerName: string): Fn | undefined {
    return this.consumerFunctions[consumerName];
  }

  attachPermissions(permissions: Permissions): void {
    for (const fn of Object.values(this.consumerFunctions)) fn.attachPermissions(permissions);
    this.permissionsAttachedForAllConsumers.push(permissions);
  }

  attachPermissionsToConsumer(consumerName: string, permissions: Permissions): void {
    const fn = this.consumerFunctions[consumerName];
    if (!fn) throw new Error(`The "${consumerName}" consumer was not found in the "${this.id}" Table.`);
    fn.attachPermissions(permissions);
  }

  bind(constructs: any[]): void {
    for (const fn of Object.values(this.consumerFunctions)) fn.bind(constructs);
    this.bindingsForAllConsumers.push(...constructs);
  }

  getConstructMetadata() {
    return { type: "Table" as const, data: { tableName: this.tableName, consumers: Object.keys(this.consumerFunctions) } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "table",
      variables: { tableName: { type: "plain", value: this.tableName } },
      permissions: { "dynamodb:*": [this.tableArn, `${this.tableArn}/*`] },
    };
  }

  private ownTable(what: string): dynamodb.Table {
    if (!(this.cdk.table instanceof dynamodb.Table)) throw new Error(`Table "${this.id}": cannot ${what} to an imported table`);
    return this.cdk.table;
  }
}

function isITable(x: unknown): x is dynamodb.ITable {
  return Construct.isConstruct(x);
}

function streamViewType(s: TableProps["stream"]): dynamodb.StreamViewType | undefined {
  if (s === undefined || s === false) return undefined;
  switch (s) {
    case true: case "new_and_old_images": return dynamodb.StreamViewType.NEW_AND_OLD_IMAGES;
    case "new_image": return dynamodb.StreamViewType.NEW_IMAGE;
    case "old_image": return dynamodb.StreamViewType.OLD_IMAGE;
    case "keys_only": return dynamodb.StreamViewType.KEYS_ONLY;
  }
  throw new Error(`Unknown stream view type "${s}"`);
}

function projection(p: TableGlobalIndexProps["projection"]): { projectionType?: dynamodb.ProjectionType; nonKeyAttributes?: string[] } {
  if (p === undefined || p === "all") return { projectionType: dynamodb.ProjectionType.ALL };
  if (p === "keys_only") return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  if (Array.isArray(p)) return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: p };
  throw new Error(`Unknown index projection "${p}"`);
}
