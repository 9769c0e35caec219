/**
 * SST's AppSyncApi: an AWS AppSync GraphQL API with SST v2's templates — named
 * `{stage}-{app}-{id}`, X-Ray on, an API key (CDK's default auth), the schema from one
 * file or several merged, data sources (Lambda `Lambda_{key}`, DynamoDB, RDS, OpenSearch,
 * HTTP, none) and resolvers `"Type field"` (a function becomes data source
 * `LambdaDS_{Type}_{field}` and function `Lambda_{Type}_{field}`), custom domains.
 *
 * Deployed to the local cloud, the API is served at its `url` (the local cloud's
 * GraphQL endpoint) with API-key authorization and Lambda, DynamoDB and none data
 * sources; `sst dev` says once which data sources or authorization modes it does not run.
 */
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import * as appsync from "aws-cdk-lib/aws-appsync";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as acm from "aws-cdk-lib/aws-certificatemanager";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as rds from "aws-cdk-lib/aws-rds";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as opensearch from "aws-cdk-lib/aws-opensearchservice";
import { Construct } from "constructs";
import { print } from "graphql";
import { mergeTypeDefs } from "@graphql-tools/merge";
import { App } from "./App.js";
import type { Table } from "./Table.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingProps, type BindingResource, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { FunctionGroup } from "./util/function-group.js";
import { buildAppSyncDomainData, addAppSyncDomainRecords, type CustomDomainProps } from "./util/appSyncApiDomain.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { addLocalNotice } from "./util/local-notice.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
// "Query   notes" and "Query notes" are one resolver, as routes are.
import { normalizeRouteKey } from "./Api.js";

const PROPS = new Set(["schema", "customDomain", "dataSources", "resolvers", "defaults", "cdk"]);
const CDK_PROPS = new Set(["id", "graphqlApi"]);

export interface AppSyncApiDomainProps extends CustomDomainProps {}

interface BaseDataSourceProps {
  name?: string;
  description?: string;
}
export interface AppSyncApiLambdaDataSourceProps extends BaseDataSourceProps {
  type?: "function";
  function: FunctionDefinition;
}
export interface AppSyncApiDynamoDbDataSourceProps extends BaseDataSourceProps {
  type: "dynamodb";
  table?: Table;
  cdk?: { dataSource?: { table: dynamodb.ITable } };
}
/** An SST RDS construct, as far as a data source needs it. */
interface RdsLike {
  cdk: { cluster: rds.IServerlessCluster & { secret?: secretsmanager.ISecret } };
  defaultDatabaseName: string;
}
export interface AppSyncApiRdsDataSourceProps extends BaseDataSourceProps {
  type: "rds";
  rds?: RdsLike;
  databaseName?: string;
  cdk?: { dataSource?: { serverlessCluster: rds.IServerlessCluster; secretStore: secretsmanager.ISecret; databaseName?: string } };
}
export interface AppSyncApiOpenSearchDataSourceProps extends BaseDataSourceProps {
  type: "open_search";
  cdk: { dataSource: { domain: opensearch.IDomain } };
}
export interface AppSyncApiHttpDataSourceProps extends BaseDataSourceProps {
  type: "http";
  endpoint: string;
  cdk?: { dataSource?: { authorizationConfig?: appsync.AwsIamConfig } };
}
export interface AppSyncApiNoneDataSourceProps extends BaseDataSourceProps {
  type: "none";
}
export type AppSyncApiDataSource =
  | FunctionInlineDefinition | AppSyncApiLambdaDataSourceProps | AppSyncApiDynamoDbDataSourceProps | AppSyncApiRdsDataSourceProps
  | AppSyncApiOpenSearchDataSourceProps | AppSyncApiHttpDataSourceProps | AppSyncApiNoneDataSourceProps;

export interface MappingTemplateFile { file: string }
export interface MappingTemplateInline { inline: string }
export type MappingTemplate = MappingTemplateFile | MappingTemplateInline;

export interface AppSyncApiResolverProps {
  dataSource?: string;
  function?: FunctionDefinition;
  requestMapping?: MappingTemplate;
  responseMapping?: MappingTemplate;
  cdk?: { resolver: Omit<appsync.ResolverProps, "api" | "fieldName" | "typeName" | "dataSource"> };
}

export interface AppSyncApiCdkGraphqlProps extends Omit<appsync.GraphqlApiProps, "name" | "schema"> {
  name?: string;
}

export interface AppSyncApiProps {
  /** A schema file, or several merged into one. */
  schema?: string | string[];
  customDomain?: string | AppSyncApiDomainProps;
  dataSources?: Record<string, AppSyncApiDataSource>;
  /** `"Type field"`: a data source key, a function, or resolver props. */
  resolvers?: Record<string, string | FunctionInlineDefinition | AppSyncApiResolverProps>;
  defaults?: { function?: FunctionProps };
  cdk?: { id?: string; graphqlApi?: appsync.IGraphqlApi | AppSyncApiCdkGraphqlProps };
}

export class AppSyncApi extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "AppSyncApi";
  readonly cdk: { graphqlApi: appsync.GraphqlApi; certificate?: acm.ICertificate };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: AppSyncApiProps;
  private _customDomainUrl?: string;
  private readonly functions = new FunctionGroup();
  private readonly dataSources: Record<string, appsync.BaseDataSource> = {};
  private readonly dataSourceKeyOfResolver: Record<string, string> = {};
  private readonly resolvers: Record<string, appsync.Resolver> = {};

  constructor(scope: Construct, id: string, props: AppSyncApiProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "AppSyncApi", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, PROPS);
    checkKnownProps(this.ref, this.props.cdk, CDK_PROPS, "cdk.");
    this.cdk = {} as AppSyncApi["cdk"];
    this.createGraphqlApi();
    for (const [key, value] of Object.entries(this.props.dataSources ?? {})) this.addDataSource(this, key, value);
    for (const [key, value] of Object.entries(this.props.resolvers ?? {})) this.addResolver(this, key, value);
    this.addLocalNotices();
  }

  /** What the local cloud deploys but does not run: other data sources than Lambda, DynamoDB, HTTP, RDS and none; other authorization than API keys. */
  private addLocalNotices(): void {
    for (const [key, value] of Object.entries(this.props.dataSources ?? {})) {
      const type = Fn.isInlineDefinition(value) ? "function" : value.type ?? "function";
      if (type === "http" && (value as { cdk?: { dataSource?: { authorizationConfig?: unknown } } }).cdk?.dataSource?.authorizationConfig) {
        addLocalNotice(this, {
          construct: `AppSyncApi "${this.id}"`,
          prop: `dataSources.${key}.cdk.dataSource.authorizationConfig`,
          local: "the HTTP data source runs locally, but its requests are not signed (AWS_IAM authorization is applied on AWS only)",
        });
      }
      if (type === "open_search") {
        addLocalNotice(this, {
          construct: `AppSyncApi "${this.id}"`,
          prop: `dataSources.${key}`,
          local: `the ${type} data source is deployed, but the local cloud does not run it: fields it resolves answer an UnsupportedDataSource error locally`,
        });
      }
    }
    if (this.props.customDomain !== undefined) {
      addLocalNotice(this, {
        construct: `AppSyncApi "${this.id}"`,
        prop: "customDomain",
        local: "the domain, its certificate and DNS records are created on AWS only; locally the API answers at its url (which bound functions get as AppSyncApi.<id>.url)",
      });
    }
    const graphqlProps = this.props.cdk?.graphqlApi as AppSyncApiCdkGraphqlProps | undefined;
    const auth = isCdkConstruct(graphqlProps) ? undefined : graphqlProps?.authorizationConfig;
    // A user pool the app creates is the local Cognito's; an imported one's tokens come from AWS.
    const importedPool = [auth?.defaultAuthorization, ...(auth?.additionalAuthorizationModes ?? [])].some(
      (m) => m?.authorizationType === appsync.AuthorizationType.USER_POOL && m.userPoolConfig && !(m.userPoolConfig.userPool instanceof cognito.UserPool),
    );
    if (importedPool) {
      addLocalNotice(this, {
        construct: `AppSyncApi "${this.id}"`,
        prop: "cdk.graphqlApi.authorizationConfig",
        local: "AMAZON_COGNITO_USER_POOLS authorization with a user pool the app does not create: the local cloud accepts that pool's tokens, checking issuer, client id, expiry and groups, and their signature against the pool's JWKS when it can reach AWS (offline, tokens are decoded only)",
      });
    }
  }

  get apiId(): string {
    return this.cdk.graphqlApi.apiId;
  }

  get apiArn(): string {
    return this.cdk.graphqlApi.arn;
  }

  get apiName(): string {
    return this.cdk.graphqlApi.name;
  }

  get url(): string {
    return this.cdk.graphqlApi.graphqlUrl;
  }

  get customDomainUrl(): string | undefined {
    return this._customDomainUrl;
  }

  addDataSources(scope: Construct, dataSources: Record<string, AppSyncApiDataSource>): void {
    for (const [key, value] of Object.entries(dataSources)) this.addDataSource(scope, key, value);
  }

  addResolvers(scope: Construct, resolvers: Record<string, string | FunctionInlineDefinition | AppSyncApiResolverProps>): void {
    for (const [key, value] of Object.entries(resolvers)) this.addResolver(scope, key, value);
  }

  /** The function of a data source, by data source key or resolver key ("Query notes"). */
  getFunction(key: string): Fn | undefined {
    return this.functions.get(key) ?? this.functions.get(this.dataSourceKeyOfResolver[normalizeRouteKey(key)]);
  }

  getDataSource(key: string): appsync.BaseDataSource | undefined {
    return this.dataSources[key] ?? this.dataSources[this.dataSourceKeyOfResolver[normalizeRouteKey(key)]];
  }

  getResolver(key: string): appsync.Resolver | undefined {
    return this.resolvers[normalizeRouteKey(key)];
  }

  bind(constructs: BindingResource[]): void {
    this.functions.bindAll(constructs);
  }

  bindToDataSource(key: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(key);
    if (!fn) throw new Error(`Failed to bind resources. Function does not exist for key "${key}".`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.functions.attachPermissionsToAll(permissions);
  }

  attachPermissionsToDataSource(key: string, permissions: Permissions): void {
    const fn = this.getFunction(key);
    if (!fn) throw new Error(`Failed to attach permissions. Function does not exist for key "${key}".`);
    fn.attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "AppSync" as const,
      data: {
        url: this.cdk.graphqlApi.graphqlUrl,
        appSyncApiId: this.cdk.graphqlApi.apiId,
        appSyncApiKey: this.cdk.graphqlApi.apiKey,
        customDomainUrl: this._customDomainUrl,
        dataSources: Object.keys(this.dataSources).map((name) => ({ name, fn: functionRef(this.functions.get(name)) })),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps | undefined {
    if (!this.url) return undefined;
    // locally the custom domain is not served: functions get the URL that is
    const url = App.of(this).target === "local" ? this.url : this.customDomainUrl || this.url;
    return { clientPackage: "api", variables: { url: { type: "plain", value: url } }, permissions: {} };
  }

  private createGraphqlApi(): void {
    const { schema, customDomain, cdk: cdkProps } = this.props;
    const app = App.of(this);
    if (isCdkConstruct(cdkProps?.graphqlApi)) {
      if (customDomain !== undefined) throw sentenceError(this.ref, "customDomain", `Cannot configure the "customDomain" when "graphqlApi" is a construct`);
      this.cdk.graphqlApi = cdkProps!.graphqlApi as appsync.GraphqlApi;
      return;
    }
    if (!schema) throw sentenceError(this.ref, "schema", `Missing "schema" in "${this.node.id}" AppSyncApi`);
    const schemaFile = appsync.SchemaFile.fromAsset(this.schemaPath(app, schema));
    let domainData;
    try {
      domainData = buildAppSyncDomainData(this, customDomain);
    } catch (e) {
      throw sentenceError(this.ref, "customDomain", (e as Error).message);
    }
    this._customDomainUrl = domainData && `https://${domainData.domainName}/graphql`;
    this.cdk.graphqlApi = new appsync.GraphqlApi(this, "Api", {
      name: app.logicalPrefixedName(this.node.id),
      xrayEnabled: true,
      definition: appsync.Definition.fromSchema(schemaFile),
      domainName: domainData && { certificate: domainData.certificate, domainName: domainData.domainName },
      ...(cdkProps?.graphqlApi as AppSyncApiCdkGraphqlProps | undefined),
    });
    this.cdk.certificate = domainData?.certificate;
    if (domainData) addAppSyncDomainRecords(this, this.cdk.graphqlApi, domainData);
  }

  /** One schema file as it is; several merged into one file under `.sst`. */
  private schemaPath(app: App, schema: string | string[]): string {
    const resolve = (file: string) => (fs.existsSync(path.resolve(app.appPath, file)) ? path.resolve(app.appPath, file) : path.resolve(file));
    if (typeof schema === "string") return resolve(schema);
    if (schema.length === 0) throw sentenceError(this.ref, "schema", "Invalid schema. At least one schema file must be provided");
    const merged = print(mergeTypeDefs(schema.map((file) => fs.readFileSync(resolve(file), "utf8"))));
    const out = path.join(app.appPath, ".sst", `appsyncapi-${this.node.id}-${this.node.addr}.graphql`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, merged);
    return out;
  }

  private sameStack(scope: Construct): boolean {
    return cdk.Stack.of(this) === cdk.Stack.of(scope);
  }

  private lambdaFunction(scope: Construct, id: string, definition: FunctionDefinition, prop: string, what: string): Fn {
    return within(this.ref, prop, () => Fn.fromDefinition(scope, id, definition, this.props.defaults?.function,
      `Cannot define defaults.function when a Function is passed in to the "${what}`));
  }

  /** Data sources in the API's stack hang off the API (as CDK's add*DataSource); in another stack, off that scope. */
  private lambdaDataSource(scope: Construct, key: string, fn: Fn, options?: appsync.DataSourceOptions): appsync.BaseDataSource {
    return this.sameStack(scope)
      ? this.cdk.graphqlApi.addLambdaDataSource(key, fn, options)
      : new appsync.LambdaDataSource(scope, key, { api: this.cdk.graphqlApi, lambdaFunction: fn, ...options });
  }

  private addDataSource(scope: Construct, key: string, value: AppSyncApiDataSource): void {
    const api = this.cdk.graphqlApi;
    const same = this.sameStack(scope);
    const prop = `dataSources.${key}`;
    let dataSource: appsync.BaseDataSource;
    let fn: Fn | undefined;
    if (Fn.isInlineDefinition(value)) {
      fn = this.lambdaFunction(scope, `Lambda_${key}`, value, prop, `${key} data source`);
      dataSource = this.lambdaDataSource(scope, key, fn);
    } else {
      const options = { name: value.name, description: value.description };
      switch (value.type) {
        case "dynamodb": {
          const table = value.table ? value.table.cdk.table : value.cdk?.dataSource?.table!;
          dataSource = same ? api.addDynamoDbDataSource(key, table, options) : new appsync.DynamoDbDataSource(scope, key, { api, table, ...options });
          break;
        }
        case "rds": {
          const serverlessCluster = value.rds ? value.rds.cdk.cluster : value.cdk?.dataSource?.serverlessCluster!;
          const secretStore = value.rds ? value.rds.cdk.cluster.secret! : value.cdk?.dataSource?.secretStore!;
          const databaseName = value.rds ? value.databaseName || value.rds.defaultDatabaseName : value.cdk?.dataSource?.databaseName;
          dataSource = same
            ? api.addRdsDataSource(key, serverlessCluster, secretStore, databaseName, options)
            : new appsync.RdsDataSource(scope, key, { api, serverlessCluster, secretStore, databaseName, ...options });
          break;
        }
        case "open_search": {
          const domain = value.cdk?.dataSource?.domain;
          dataSource = same ? api.addOpenSearchDataSource(key, domain, options) : new appsync.OpenSearchDataSource(scope, key, { api, domain, ...options });
          break;
        }
        case "http":
          dataSource = same
            ? api.addHttpDataSource(key, value.endpoint, { ...options, authorizationConfig: value.cdk?.dataSource?.authorizationConfig })
            : new appsync.HttpDataSource(scope, key, { api, endpoint: value.endpoint, authorizationConfig: value.cdk?.dataSource?.authorizationConfig, ...options });
          break;
        case "none":
          dataSource = same ? api.addNoneDataSource(key, options) : new appsync.NoneDataSource(scope, key, { api, ...options });
          break;
        case undefined:
        case "function":
          fn = this.lambdaFunction(scope, `Lambda_${key}`, value.function, `${prop}.function`, `${key} data source`);
          dataSource = this.lambdaDataSource(scope, key, fn, options);
          break;
        default:
          throw propError(this.ref, `${prop}.type`, `"${(value as { type: string }).type}" is not a data source type (function, dynamodb, rds, open_search, http, none)`);
      }
    }
    this.dataSources[key] = dataSource;
    if (fn) this.functions.add(key, fn);
  }

  private addResolver(scope: Construct, rawKey: string, value: string | FunctionInlineDefinition | AppSyncApiResolverProps): void {
    const key = normalizeRouteKey(rawKey);
    const prop = `resolvers["${rawKey}"]`;
    const parts = key.split(" ");
    if (parts.length !== 2) throw sentenceError(this.ref, prop, `Invalid resolver ${key}`);
    const [typeName, fieldName] = parts;
    if (fieldName.length === 0) throw sentenceError(this.ref, prop, `Invalid field defined for "${key}"`);

    let dataSourceKey: string;
    let resolverProps: Partial<appsync.BaseResolverProps> = {};
    let fn: Fn | undefined;
    if (typeof value === "string" && value in this.dataSources) {
      dataSourceKey = value;
    } else if (typeof value === "string" && !value.includes(".")) {
      throw sentenceError(this.ref, prop, `Failed to create resolver "${key}". Data source "${value}" does not exist.`);
    } else if (!Fn.isInlineDefinition(value) && (value as AppSyncApiResolverProps).function !== undefined) {
      const v = value as AppSyncApiResolverProps;
      fn = this.lambdaFunction(scope, `Lambda_${typeName}_${fieldName}`, v.function!, `${prop}.function`, `${key} resolver`);
      dataSourceKey = `LambdaDS_${typeName}_${fieldName}`;
      resolverProps = this.mappingProps(v);
    } else if (!Fn.isInlineDefinition(value) && (value as AppSyncApiResolverProps).dataSource !== undefined) {
      const v = value as AppSyncApiResolverProps;
      dataSourceKey = v.dataSource!;
      resolverProps = this.mappingProps(v);
    } else {
      fn = this.lambdaFunction(scope, `Lambda_${typeName}_${fieldName}`, value as FunctionInlineDefinition, prop, `${key} resolver`);
      dataSourceKey = `LambdaDS_${typeName}_${fieldName}`;
    }
    if (fn) {
      this.dataSources[dataSourceKey] = this.lambdaDataSource(scope, dataSourceKey, fn);
      this.functions.add(dataSourceKey, fn);
    }
    this.dataSourceKeyOfResolver[key] = dataSourceKey;
    const dataSource = this.dataSources[dataSourceKey];
    const id = `${typeName}${fieldName}Resolver`;
    this.resolvers[key] = this.sameStack(scope)
      ? this.cdk.graphqlApi.createResolver(id, { dataSource, typeName, fieldName, ...resolverProps })
      : new appsync.Resolver(scope, id, { api: this.cdk.graphqlApi, dataSource, typeName, fieldName, ...resolverProps });
  }

  private mappingProps(v: AppSyncApiResolverProps): Partial<appsync.BaseResolverProps> {
    return { requestMappingTemplate: mappingTemplate(v.requestMapping), responseMappingTemplate: mappingTemplate(v.responseMapping), ...v.cdk?.resolver };
  }
}

function mappingTemplate(mapping?: MappingTemplate): appsync.MappingTemplate | undefined {
  if (!mapping) return undefined;
  return "file" in mapping ? appsync.MappingTemplate.fromFile(mapping.file) : appsync.MappingTemplate.fromString(mapping.inline);
}
