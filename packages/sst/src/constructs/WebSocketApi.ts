/**
 * SST's WebSocketApi: an API Gateway WebSocket API named `${stage}-${app}-${id}` with a
 * stage named after the app's stage, routes ($connect, $disconnect, $default, custom)
 * to functions, an optional Lambda or IAM authorizer on $connect, access logs and a
 * custom domain, as SST v2 builds it. The local cloud creates the API but does not
 * serve WebSocket connections; `sst dev` says so.
 */
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import * as apigInt from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as apigAuth from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct, type BindingResource } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { buildAccessLog, type AccessLogProps } from "./util/apiGatewayV2AccessLog.js";
import { buildCustomDomainData, type CustomDomainProps } from "./util/apigw-domain.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { FunctionGroup } from "./util/function-group.js";
import { addLocalNotice } from "./util/local-notice.js";

export interface WebSocketApiFunctionRouteProps {
  type?: "function";
  function: FunctionDefinition;
  /** Send the function's answer back to the client. */
  returnResponse?: boolean;
}

export interface WebSocketApiLambdaAuthorizer {
  type: "lambda";
  name?: string;
  identitySource?: string[];
  function?: Fn;
  cdk?: { authorizer: apigAuth.WebSocketLambdaAuthorizer };
}

export interface WebSocketApiCdkStageProps extends Omit<apig.WebSocketStageProps, "webSocketApi" | "stageName"> {
  stageName?: string;
}

export interface WebSocketApiProps {
  routes?: Record<string, FunctionInlineDefinition | WebSocketApiFunctionRouteProps>;
  /** @default true */
  accessLog?: boolean | string | AccessLogProps;
  customDomain?: string | CustomDomainProps;
  /** On $connect. @default "none" */
  authorizer?: "none" | "iam" | WebSocketApiLambdaAuthorizer;
  defaults?: { function?: FunctionProps };
  cdk?: {
    id?: string;
    webSocketApi?: apig.IWebSocketApi | apig.WebSocketApiProps;
    webSocketStage?: apig.IWebSocketStage | WebSocketApiCdkStageProps;
  };
}

const PROPS = new Set(["routes", "accessLog", "customDomain", "authorizer", "defaults", "cdk"]);
const ROUTE_PROPS = new Set(["type", "function", "returnResponse"]);
const CLOUDWATCH_ROLE = "apigateway-cloudwatch-logs-role";

export class WebSocketApi extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "WebSocketApi";
  readonly cdk: {
    webSocketApi: apig.WebSocketApi;
    webSocketStage: apig.WebSocketStage;
    accessLogGroup?: logs.LogGroup;
    domainName?: apig.DomainName;
    certificate?: acm.Certificate;
  };
  /** @internal */
  readonly ref: ConstructRef;
  private _customDomainUrl?: string;
  private readonly functions = new FunctionGroup();
  private readonly apigRoutes: Record<string, apig.WebSocketRoute> = {};
  private authorizer: "none" | "iam" | apigAuth.WebSocketLambdaAuthorizer = "none";
  private readonly props: WebSocketApiProps;

  constructor(scope: Construct, id: string, props?: WebSocketApiProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "WebSocketApi", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, PROPS);
    this.cdk = {} as WebSocketApi["cdk"];
    this.createWebSocketApi();
    this.createWebSocketStage();
    this.addAuthorizer();
    this.addRoutes(this, this.props.routes ?? {});
    // Route functions may post to the API's connections.
    this.attachPermissions([new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["execute-api:ManageConnections"], resources: [this._connectionsArn] })]);
  }

  /** `wss://…/{stage}` */
  get url(): string {
    return this.cdk.webSocketStage.url;
  }

  get customDomainUrl(): string | undefined {
    return this._customDomainUrl;
  }

  get routes(): string[] {
    return Object.keys(this.functions.all);
  }

  /** @internal The connections of the API, for execute-api:ManageConnections. */
  get _connectionsArn(): string {
    return cdk.Stack.of(this).formatArn({ service: "execute-api", resource: this.cdk.webSocketApi.apiId, resourceName: "*/*/@connections/*" });
  }

  addRoutes(scope: Construct, routes: Record<string, FunctionInlineDefinition | WebSocketApiFunctionRouteProps>): void {
    for (const [key, value] of Object.entries(routes)) this.addRoute(scope, key, value);
  }

  getFunction(routeKey: string): Fn | undefined {
    return this.functions.get(routeKey.trim());
  }

  getRoute(routeKey: string): apig.WebSocketRoute | undefined {
    return this.apigRoutes[routeKey.trim()];
  }

  bind(constructs: BindingResource[]): void {
    this.functions.bindAll(constructs);
  }

  bindToRoute(routeKey: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to bind resources. Route "${routeKey}" does not exist.`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.functions.attachPermissionsToAll(permissions);
  }

  attachPermissionsToRoute(routeKey: string, permissions: Permissions): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to attach permissions. Route "${routeKey}" does not exist.`);
    fn.attachPermissions(permissions);
  }

  /** What SST v2 grants for a WebSocketApi in `permissions`: invoking it and managing its connections. */
  permissionStatements(): iam.PolicyStatement[] {
    const { account, region, partition } = cdk.Stack.of(this.cdk.webSocketApi);
    return [
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["execute-api:Invoke"], resources: [`arn:${partition}:execute-api:${region}:${account}:${this.cdk.webSocketApi.apiId}/*`] }),
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["execute-api:ManageConnections"], resources: [this._connectionsArn] }),
    ];
  }

  getConstructMetadata() {
    return {
      type: "WebSocketApi" as const,
      data: {
        url: this.url,
        httpApiId: this.cdk.webSocketApi.apiId,
        customDomainUrl: this._customDomainUrl,
        routes: Object.entries(this.functions.all).map(([route, fn]) => ({ route, fn: functionRef(fn) })),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    const url = this.customDomainUrl || this.url;
    return {
      clientPackage: "websocket-api",
      variables: {
        url: { type: "plain", value: url },
        httpsUrl: { type: "plain", value: url.replace("wss://", "https://") },
      },
      permissions: { "execute-api:ManageConnections": [this._connectionsArn] },
    };
  }

  private createWebSocketApi(): void {
    const apiProp = this.props.cdk?.webSocketApi;
    if (isCdkConstruct(apiProp)) {
      this.cdk.webSocketApi = apiProp as apig.WebSocketApi;
      return;
    }
    if (isCdkConstruct(this.props.cdk?.webSocketStage)) throw sentenceError(this.ref, "cdk.webSocketStage", `Cannot import the "webSocketStage" when the "webSocketApi" is not imported.`);
    this.cdk.webSocketApi = new apig.WebSocketApi(this, "Api", {
      apiName: App.of(this).logicalPrefixedName(this.node.id),
      ...((apiProp ?? {}) as apig.WebSocketApiProps),
    });
  }

  private createWebSocketStage(): void {
    const { cdk: cdkProps, accessLog, customDomain } = this.props;
    if (isCdkConstruct(cdkProps?.webSocketStage)) {
      if (accessLog !== undefined) throw sentenceError(this.ref, "accessLog", `Cannot configure the "accessLog" when "webSocketStage" is a construct`);
      if (customDomain !== undefined) throw sentenceError(this.ref, "customDomain", `Cannot configure the "customDomain" when "webSocketStage" is a construct`);
      this.cdk.webSocketStage = cdkProps!.webSocketStage as apig.WebSocketStage;
      return;
    }
    const stageProps = (cdkProps?.webSocketStage ?? {}) as WebSocketApiCdkStageProps;
    if (stageProps.domainMapping !== undefined) throw sentenceError(this.ref, "cdk.webSocketStage.domainMapping", `Do not configure the "webSocketStage.domainMapping". Use the "customDomain" to configure the Api domain.`);
    const domain = within(this.ref, "customDomain", () => buildCustomDomainData(this, customDomain));
    let domainMapping: apig.DomainMappingOptions | undefined;
    if (domain) {
      if (domain.isApigDomainCreated) this.cdk.domainName = domain.apigDomain as apig.DomainName;
      if (domain.isCertificatedCreated) this.cdk.certificate = domain.certificate as acm.Certificate;
      domainMapping = { domainName: domain.apigDomain, mappingKey: domain.mappingKey };
      this._customDomainUrl = `wss://${domain.url}`;
      addLocalNotice(this, {
        construct: `WebSocketApi "${this.id}"`,
        prop: "customDomain",
        local: `the certificate and DNS records are created on AWS only; locally the API answers at ws://${domain.domainName}.localhost:<port>${domain.mappingKey ? `/${domain.mappingKey}` : ""}`,
      });
    }
    const cloudWatchRole = this.createCloudWatchRole();
    this.cdk.webSocketStage = new apig.WebSocketStage(this, "Stage", {
      webSocketApi: this.cdk.webSocketApi,
      stageName: App.of(this).stage,
      autoDeploy: true,
      domainMapping,
      ...stageProps,
    });
    this.cdk.webSocketStage.node.addDependency(cloudWatchRole);
    this.cdk.accessLogGroup = buildAccessLog(this, accessLog, this.cdk.webSocketStage, true);
  }

  /** Access logs need the account's API Gateway CloudWatch role: SST's handler sets it once per account. */
  private createCloudWatchRole(): cdk.CustomResource {
    const stack = cdk.Stack.of(this);
    if (!Stack.isSSTStack(stack)) throw propError(this.ref, "", "needs to be in an SST Stack");
    const roleArn = `arn:${stack.partition}:iam::${stack.account}:role/${CLOUDWATCH_ROLE}`;
    const policy = new iam.Policy(this, "APIGatewayCloudWatchRolePolicy", {
      statements: [
        new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["apigateway:GET", "apigateway:PATCH"], resources: [`arn:${stack.partition}:apigateway:${stack.region}::/account`] }),
        new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["iam:CreateRole", "iam:PassRole", "iam:AttachRolePolicy"], resources: [roleArn] }),
      ],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const resource = new cdk.CustomResource(this, "APIGatewayCloudWatchRole", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::APIGatewayCloudWatchRole",
      properties: { roleName: CLOUDWATCH_ROLE, roleArn },
    });
    resource.node.addDependency(policy);
    return resource;
  }

  private addAuthorizer(): void {
    const { authorizer } = this.props;
    if (!authorizer || authorizer === "none") this.authorizer = "none";
    else if (authorizer === "iam") this.authorizer = "iam";
    else if (authorizer.cdk?.authorizer) this.authorizer = authorizer.cdk.authorizer;
    else if (!authorizer.function) throw propError(this.ref, "authorizer.function", "is missing for the authorizer");
    else {
      this.authorizer = new apigAuth.WebSocketLambdaAuthorizer("WebSocketAuthorizer", authorizer.function, {
        authorizerName: authorizer.name,
        identitySource: authorizer.identitySource,
      });
    }
  }

  private addRoute(scope: Construct, rawKey: string, value: FunctionInlineDefinition | WebSocketApiFunctionRouteProps): void {
    const routeKey = rawKey.trim();
    const where = `routes["${routeKey}"]`;
    if (this.functions.has(routeKey)) throw sentenceError(this.ref, where, `A route already exists for "${routeKey}": it is defined twice`);
    const inline = Fn.isInlineDefinition(value);
    if (!inline) checkKnownProps(this.ref, value, ROUTE_PROPS, `${where}.`);
    const fn = within(this.ref, where, () => Fn.fromDefinition(scope, routeKey, inline ? value : (value as WebSocketApiFunctionRouteProps).function, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the routes using FunctionProps, so the Api construct can apply the "defaults.function" to them.`));
    const authorizer = this.authorizer;
    const route = new apig.WebSocketRoute(scope, `Route_${routeKey}`, {
      webSocketApi: this.cdk.webSocketApi,
      routeKey,
      integration: new apigInt.WebSocketLambdaIntegration(`Integration_${routeKey}`, fn),
      authorizer: routeKey === "$connect" && typeof authorizer === "object" ? authorizer : undefined,
      returnResponse: inline ? undefined : (value as WebSocketApiFunctionRouteProps).returnResponse,
    });
    if (routeKey === "$connect") {
      (route.node.defaultChild as apig.CfnRoute).authorizationType = authorizer === "none" ? "NONE" : authorizer === "iam" ? "AWS_IAM" : "CUSTOM";
    }
    this.apigRoutes[routeKey] = route;
    this.functions.add(routeKey, fn);
  }
}
