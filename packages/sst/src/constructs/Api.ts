/**
 * SST's Api: an API Gateway HTTP API whose routes ("GET /users/{id}", "$default",
 * "ANY /{proxy+}") go to functions, URLs, AWS services or load balancers. Construct
 * ids follow SST v2 (`Route_GET_/users`, `Lambda_GET_/users`), so an app deployed with
 * SST v2 keeps its resources. CORS allows everything and access logs go to a vended
 * log group by default; a custom domain brings its certificate and DNS records.
 */
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import * as apigInt from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as apigAuth from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as elb from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct, type BindingResource } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { corsPreflight, type ApiCorsProps } from "./util/apigw-cors.js";
import { buildAccessLog, type AccessLogProps } from "./util/apiGatewayV2AccessLog.js";
import { buildCustomDomainData, type CustomDomainProps } from "./util/apigw-domain.js";
import { HttpAwsIntegration, AWS_INTEGRATION_SERVICES, type HttpAwsIntegrationProps } from "./util/http-aws-integration.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { addLocalNotice } from "./util/local-notice.js";
import { functionRef } from "./util/function-ref.js";
import { isCdkConstruct } from "./util/cdk-construct.js";

export type { ApiCorsProps };
export interface ApiDomainProps extends CustomDomainProps {}
export interface ApiAccessLogProps extends AccessLogProps {}

const PAYLOAD_FORMAT_VERSIONS = ["1.0", "2.0"] as const;
export type ApiPayloadFormatVersion = (typeof PAYLOAD_FORMAT_VERSIONS)[number];

interface ApiBaseAuthorizer {
  /** The authorizer's name in API Gateway. @default the key */
  name?: string;
  identitySource?: string[];
}
export interface ApiUserPoolAuthorizer extends ApiBaseAuthorizer {
  type: "user_pool";
  userPool?: { id: string; clientIds?: string[]; region?: string };
  cdk?: { authorizer: apigAuth.HttpUserPoolAuthorizer };
}
export interface ApiJwtAuthorizer extends ApiBaseAuthorizer {
  type: "jwt";
  jwt?: { issuer: string; audience: string[] };
  cdk?: { authorizer: apigAuth.HttpJwtAuthorizer };
}
export interface ApiLambdaAuthorizer extends ApiBaseAuthorizer {
  type: "lambda";
  function?: Fn;
  /** @default ["iam"] */
  responseTypes?: Lowercase<keyof typeof apigAuth.HttpLambdaResponseType>[];
  /** @default "0 seconds" (no caching) */
  resultsCacheTtl?: SSTDuration;
  cdk?: { authorizer: apigAuth.HttpLambdaAuthorizer };
}
export type ApiAuthorizer = ApiUserPoolAuthorizer | ApiJwtAuthorizer | ApiLambdaAuthorizer;

export type ApiAuthorizerName = "none" | "iam" | (string & {});

interface ApiBaseRouteProps {
  /** @default defaults.authorizer, else "none" */
  authorizer?: ApiAuthorizerName;
  authorizationScopes?: string[];
}
export interface ApiFunctionRouteProps extends ApiBaseRouteProps {
  type?: "function";
  function?: FunctionDefinition;
  /** @default defaults.payloadFormatVersion, else "2.0" */
  payloadFormatVersion?: ApiPayloadFormatVersion;
  /** A CDK function (not an SST Function) to route to. */
  cdk?: { function?: lambda.IFunction };
}
export interface ApiAwsRouteProps extends ApiBaseRouteProps {
  type: "aws";
  cdk: { integration: Omit<HttpAwsIntegrationProps, "credentials"> };
}
export interface ApiHttpRouteProps extends ApiBaseRouteProps {
  type: "url";
  url: string;
  cdk?: { integration?: apigInt.HttpUrlIntegrationProps };
}
export interface ApiAlbRouteProps extends ApiBaseRouteProps {
  type: "alb";
  cdk: { albListener: elb.IApplicationListener; integration?: apigInt.HttpAlbIntegrationProps };
}
export interface ApiNlbRouteProps extends ApiBaseRouteProps {
  type: "nlb";
  cdk: { nlbListener: elb.INetworkListener; integration?: apigInt.HttpNlbIntegrationProps };
}
export interface ApiGraphQLRouteProps extends ApiBaseRouteProps {
  type: "graphql";
  function: FunctionDefinition;
  /** Pothos schema extraction settings (for `sst dev`'s type generation). */
  pothos?: { schema?: string; output?: string; commands?: string[]; internalPackages?: string[] };
}

export type ApiRouteProps =
  | FunctionInlineDefinition
  | ApiFunctionRouteProps
  | ApiAwsRouteProps
  | ApiHttpRouteProps
  | ApiAlbRouteProps
  | ApiNlbRouteProps
  | ApiGraphQLRouteProps;

export interface ApiProps<Authorizers extends Record<string, ApiAuthorizer> = Record<string, ApiAuthorizer>> {
  routes?: Record<string, ApiRouteProps>;
  /** @default true (all origins, headers and methods) */
  cors?: boolean | ApiCorsProps;
  /** @default true (JSON to /aws/vendedlogs/apis/…) */
  accessLog?: boolean | string | ApiAccessLogProps;
  customDomain?: string | ApiDomainProps;
  authorizers?: Authorizers;
  defaults?: {
    function?: FunctionProps;
    /** @default "none" */
    authorizer?: ApiAuthorizerName;
    authorizationScopes?: string[];
    /** @default "2.0" */
    payloadFormatVersion?: ApiPayloadFormatVersion;
    /** Stage throttling; both burst and rate are needed. */
    throttle?: { burst?: number; rate?: number };
  };
  cdk?: {
    /** The construct id (keeps an old CloudFormation id when renaming). */
    id?: string;
    httpApi?: apig.IHttpApi | apig.HttpApiProps;
    httpStages?: Omit<apig.HttpStageProps, "httpApi">[];
  };
}

type RouteData =
  | { type: "function"; function: Fn }
  | { type: "lambda_function"; function: lambda.IFunction }
  | { type: "aws" }
  | ({ type: "graphql"; function: Fn } & NonNullable<ApiGraphQLRouteProps["pothos"]>)
  | { type: "url"; url: string }
  | { type: "alb"; alb: elb.IApplicationListener }
  | { type: "nlb"; nlb: elb.INetworkListener };

const API_PROPS = new Set(["routes", "cors", "accessLog", "customDomain", "authorizers", "defaults", "cdk"]);
const DEFAULTS_PROPS = new Set(["function", "authorizer", "authorizationScopes", "payloadFormatVersion", "throttle"]);
const CDK_PROPS = new Set(["id", "httpApi", "httpStages"]);
const ROUTE_PROPS: Record<string, Set<string>> = {
  function: new Set(["type", "function", "payloadFormatVersion", "authorizer", "authorizationScopes", "cdk"]),
  aws: new Set(["type", "cdk", "authorizer", "authorizationScopes"]),
  url: new Set(["type", "url", "cdk", "authorizer", "authorizationScopes"]),
  alb: new Set(["type", "cdk", "authorizer", "authorizationScopes"]),
  nlb: new Set(["type", "cdk", "authorizer", "authorizationScopes"]),
  graphql: new Set(["type", "function", "pothos", "authorizer", "authorizationScopes"]),
};

export class Api<Authorizers extends Record<string, ApiAuthorizer> = Record<string, ApiAuthorizer>> extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Api";
  readonly cdk: {
    httpApi: apig.HttpApi;
    accessLogGroup?: logs.LogGroup;
    domainName?: apig.DomainName;
    certificate?: acm.Certificate;
  };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: ApiProps<Authorizers>;
  private _customDomainUrl?: string;
  private readonly routesData: Record<string, RouteData> = {};
  private readonly authorizersData: Record<string, apig.IHttpRouteAuthorizer> = {};
  private readonly bindingForAllRoutes: BindingResource[] = [];
  private readonly permissionsAttachedForAllRoutes: Permissions[] = [];

  constructor(scope: Construct, id: string, props?: ApiProps<Authorizers>) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Api", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, API_PROPS);
    checkKnownProps(this.ref, this.props.defaults, DEFAULTS_PROPS, "defaults.");
    checkKnownProps(this.ref, this.props.cdk, CDK_PROPS, "cdk.");
    this.cdk = {} as Api["cdk"];
    this.createHttpApi();
    this.addAuthorizers(this.props.authorizers ?? ({} as Authorizers));
    this.addRoutes(this, this.props.routes ?? {});
  }

  /** The API endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com`; locally the local cloud's). */
  get url(): string {
    const httpApi = this.cdk.httpApi as apig.IHttpApi;
    return this.cdk.httpApi instanceof apig.HttpApi
      ? this.cdk.httpApi.apiEndpoint
      : `https://${httpApi.apiId}.execute-api.${App.of(this).region}.amazonaws.com`;
  }

  /** `https://<customDomain>` (locally `http://<customDomain>.localhost:<port>` under sst dev). */
  get customDomainUrl(): string | undefined {
    return this._customDomainUrl;
  }

  /** Route keys, normalised ("GET /users"). */
  get routes(): string[] {
    return Object.keys(this.routesData);
  }

  get httpApiArn(): string {
    const stack = cdk.Stack.of(this);
    return `arn:${stack.partition}:apigateway:${stack.region}::/apis/${this.cdk.httpApi.apiId}`;
  }

  get httpApiId(): string {
    return this.cdk.httpApi.apiId;
  }

  addRoutes(scope: Construct, routes: Record<string, ApiRouteProps>): void {
    for (const [routeKey, value] of Object.entries(routes)) this.addRoute(scope, routeKey, value);
  }

  getFunction(routeKey: string): Fn | undefined {
    const route = this.routesData[normalizeRouteKey(routeKey)];
    if (route && (route.type === "function" || route.type === "graphql")) return route.function;
    return undefined;
  }

  bind(constructs: BindingResource[]): void {
    for (const route of Object.values(this.routesData)) {
      if (route.type === "function" || route.type === "graphql") route.function.bind(constructs);
    }
    this.bindingForAllRoutes.push(...constructs);
  }

  bindToRoute(routeKey: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to bind resources. Route "${routeKey}" does not exist.`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    for (const route of Object.values(this.routesData)) {
      if (route.type === "function" || route.type === "graphql") route.function.attachPermissions(permissions);
    }
    this.permissionsAttachedForAllRoutes.push(permissions);
  }

  attachPermissionsToRoute(routeKey: string, permissions: Permissions): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to attach permissions. Route "${routeKey}" does not exist.`);
    fn.attachPermissions(permissions);
  }

  /** Replace the API's CORS settings (`false` leaves them as they are, as in SST v2). */
  setCors(cors?: boolean | ApiCorsProps): void {
    const httpApiProp = this.props.cdk?.httpApi;
    if (isCdkConstruct(httpApiProp)) {
      if (cors !== undefined) throw sentenceError(this.ref, "cors", `Cannot configure the "cors" when "cdk.httpApi" is a construct`);
      return;
    }
    if ((httpApiProp as apig.HttpApiProps | undefined)?.corsPreflight !== undefined) {
      throw propError(this.ref, "cdk.httpApi.corsPreflight", `cannot be configured in the Api; use "cors"`);
    }
    const config = corsPreflight(cors);
    if (!config) return;
    const cfnApi = this.cdk.httpApi.node.defaultChild as apig.CfnApi;
    cfnApi.corsConfiguration = {
      allowCredentials: config.allowCredentials,
      allowHeaders: config.allowHeaders,
      allowMethods: config.allowMethods,
      allowOrigins: config.allowOrigins,
      exposeHeaders: config.exposeHeaders,
      maxAge: config.maxAge?.toSeconds(),
    };
  }

  /** The execute-api statement SST v2 grants for an Api in `permissions`. */
  permissionStatements(): iam.PolicyStatement[] {
    const { account, region, partition } = cdk.Stack.of(this.cdk.httpApi);
    return [new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      actions: ["execute-api:Invoke"],
      resources: [`arn:${partition}:execute-api:${region}:${account}:${this.cdk.httpApi.apiId}/*`],
    })];
  }

  getConstructMetadata() {
    return {
      type: "Api" as const,
      data: {
        graphql: false,
        url: this.cdk.httpApi.url,
        httpApiId: this.cdk.httpApi.apiId,
        customDomainUrl: this._customDomainUrl,
        routes: Object.entries(this.routesData).map(([key, data]) => {
          if (data.type === "function") return { type: "function" as const, route: key, fn: functionRef(data.function) };
          if (data.type === "graphql") {
            return {
              type: "graphql" as const, route: key, fn: functionRef(data.function),
              schema: data.schema, internalPackages: data.internalPackages, output: data.output, commands: data.commands,
            };
          }
          return { type: data.type, route: key };
        }),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return { clientPackage: "api", variables: { url: { type: "plain", value: this.customDomainUrl || this.url } }, permissions: {} };
  }

  private createHttpApi(): void {
    const { cdk: cdkProps, cors, defaults, accessLog, customDomain } = this.props;
    const app = App.of(this);
    if (isCdkConstruct(cdkProps?.httpApi)) {
      for (const [prop, value] of [["cors", cors], ["accessLog", accessLog], ["customDomain", customDomain], ["cdk.httpStages", cdkProps?.httpStages]] as const) {
        if (value !== undefined) throw sentenceError(this.ref, prop, `Cannot configure the "${prop}" when "cdk.httpApi" is a construct`);
      }
      this.cdk.httpApi = cdkProps!.httpApi as apig.HttpApi;
      return;
    }
    const httpApiProps = (cdkProps?.httpApi ?? {}) as apig.HttpApiProps;
    if (httpApiProps.corsPreflight !== undefined) throw propError(this.ref, "cdk.httpApi.corsPreflight", `cannot be configured in the Api; use "cors"`);
    if (httpApiProps.defaultDomainMapping !== undefined) throw propError(this.ref, "cdk.httpApi.defaultDomainMapping", `cannot be configured in the Api; use "customDomain"`);

    let domain;
    try {
      domain = buildCustomDomainData(this, customDomain);
    } catch (e) {
      throw propError(this.ref, "customDomain", (e as Error).message);
    }
    let defaultDomainMapping: apig.DomainMappingOptions | undefined;
    if (domain) {
      if (domain.isApigDomainCreated) this.cdk.domainName = domain.apigDomain as apig.DomainName;
      if (domain.isCertificatedCreated) this.cdk.certificate = domain.certificate as acm.Certificate;
      defaultDomainMapping = { domainName: domain.apigDomain, mappingKey: domain.mappingKey };
      this._customDomainUrl = app.mode === "dev"
        ? localDomainUrl(domain.apigDomain, domain.mappingKey)
        : `https://${domain.url}`;
      addLocalNotice(this, {
        construct: `Api "${this.id}"`,
        prop: "customDomain",
        local: `the certificate and DNS records are created on AWS only; locally the API answers at http://${domain.domainName}.localhost:<port>${domain.mappingKey ? `/${domain.mappingKey}/` : ""}`,
      });
    }

    this.cdk.httpApi = new apig.HttpApi(this, "Api", {
      apiName: app.logicalPrefixedName(this.node.id),
      corsPreflight: corsPreflight(cors),
      defaultDomainMapping,
      ...httpApiProps,
    });

    const httpStage = this.cdk.httpApi.defaultStage as apig.HttpStage | undefined;
    if (defaults?.throttle?.burst && defaults.throttle.rate && httpStage) {
      const cfnStage = httpStage.node.defaultChild as apig.CfnStage;
      cfnStage.defaultRouteSettings = {
        ...((cfnStage.routeSettings as object | undefined) ?? {}),
        throttlingBurstLimit: defaults.throttle.burst,
        throttlingRateLimit: defaults.throttle.rate,
      };
      addLocalNotice(this, { construct: `Api "${this.id}"`, prop: "defaults.throttle", local: "the limits are written to the stage; the local cloud does not throttle" });
    }
    for (const def of cdkProps?.httpStages ?? []) {
      const stage = new apig.HttpStage(this, "Stage" + def.stageName, { ...def, httpApi: this.cdk.httpApi });
      buildAccessLog(this, accessLog, stage, false);
    }
    if (httpStage) this.cdk.accessLogGroup = buildAccessLog(this, accessLog, httpStage, true);
  }

  private addAuthorizers(authorizers: Authorizers): void {
    for (const [key, value] of Object.entries(authorizers)) {
      if (key === "none" || key === "iam") throw sentenceError(this.ref, `authorizers.${key}`, `Cannot name an authorizer "${key}"`);
      if (value.type === "user_pool") {
        if (value.cdk?.authorizer) {
          this.authorizersData[key] = value.cdk.authorizer;
          continue;
        }
        if (!value.userPool) throw propError(this.ref, `authorizers.${key}.userPool`, `is missing for the "${key}" authorizer`);
        const userPool = cognito.UserPool.fromUserPoolId(this, `Api-${this.node.id}-Authorizer-${key}-UserPool`, value.userPool.id);
        const userPoolClients = value.userPool.clientIds?.map((clientId, i) =>
          cognito.UserPoolClient.fromUserPoolClientId(this, `Api-${this.node.id}-Authorizer-${key}-UserPoolClient-${i}`, clientId));
        this.authorizersData[key] = new apigAuth.HttpUserPoolAuthorizer(key, userPool, {
          authorizerName: value.name,
          identitySource: value.identitySource,
          userPoolClients,
          userPoolRegion: value.userPool.region,
        });
      } else if (value.type === "jwt") {
        if (value.cdk?.authorizer) {
          this.authorizersData[key] = value.cdk.authorizer;
          continue;
        }
        if (!value.jwt) throw propError(this.ref, `authorizers.${key}.jwt`, `is missing for the "${key}" authorizer`);
        this.authorizersData[key] = new apigAuth.HttpJwtAuthorizer(key, value.jwt.issuer, {
          authorizerName: value.name,
          identitySource: value.identitySource,
          jwtAudience: value.jwt.audience,
        });
      } else if (value.type === "lambda") {
        if (value.cdk?.authorizer) {
          this.authorizersData[key] = value.cdk.authorizer;
          continue;
        }
        if (!value.function) throw propError(this.ref, `authorizers.${key}.function`, `is missing for the "${key}" authorizer`);
        this.authorizersData[key] = new apigAuth.HttpLambdaAuthorizer(key, value.function, {
          authorizerName: value.name,
          identitySource: value.identitySource,
          responseTypes: value.responseTypes?.map((t) => {
            const type = apigAuth.HttpLambdaResponseType[t.toUpperCase() as keyof typeof apigAuth.HttpLambdaResponseType];
            if (type === undefined) throw propError(this.ref, `authorizers.${key}.responseTypes`, `"${t}" is not "simple" or "iam"`);
            return type;
          }),
          resultsCacheTtl: toCdkDuration(value.resultsCacheTtl ?? "0 seconds"),
        });
      } else {
        throw propError(this.ref, `authorizers.${key}.type`, `"${(value as any).type}" is not "user_pool", "jwt" or "lambda"`);
      }
    }
  }

  private addRoute(scope: Construct, rawKey: string, routeValue: ApiRouteProps): void {
    const routeKey = normalizeRouteKey(rawKey);
    if (this.routesData[routeKey]) throw sentenceError(this.ref, `routes["${routeKey}"]`, `A route already exists for "${routeKey}": it is defined twice`);

    let postfixName: string;
    let httpRouteKey: apig.HttpRouteKey;
    if (routeKey === "$default") {
      postfixName = "default";
      httpRouteKey = apig.HttpRouteKey.DEFAULT;
    } else {
      const parts = routeKey.split(" ");
      if (parts.length !== 2) throw sentenceError(this.ref, `routes["${rawKey}"]`, `Invalid route ${rawKey}: use "METHOD /path" or "$default"`);
      const method = parts[0].toUpperCase() as keyof typeof apig.HttpMethod;
      if (!apig.HttpMethod[method]) throw sentenceError(this.ref, `routes["${rawKey}"]`, `Invalid method defined for "${rawKey}" (use ${Object.keys(apig.HttpMethod).join(", ")})`);
      const path = parts[1];
      if (path.length === 0) throw sentenceError(this.ref, `routes["${rawKey}"]`, `Invalid path defined for "${rawKey}": it has no path`);
      if (!path.startsWith("/")) throw sentenceError(this.ref, `routes["${rawKey}"]`, `Invalid path defined for "${rawKey}": it does not start with "/"`);
      postfixName = `${method}_${path}`;
      httpRouteKey = apig.HttpRouteKey.with(path, apig.HttpMethod[method]);
    }

    const where = `routes["${routeKey}"]`;
    let routeProps: ApiBaseRouteProps;
    let integration: apig.HttpRouteIntegration;
    if (Fn.isInlineDefinition(routeValue)) {
      routeProps = { function: routeValue } as ApiFunctionRouteProps;
      integration = this.createFunctionIntegration(scope, routeKey, routeProps as ApiFunctionRouteProps, postfixName);
    } else if (!routeValue || typeof routeValue !== "object") {
      throw propError(this.ref, where, `must be a handler string, a Function or route props`);
    } else {
      const type = (routeValue as { type?: string }).type ?? "function";
      const known = ROUTE_PROPS[type];
      if (!known) throw propError(this.ref, `${where}.type`, `"${type}" is not a route type (function, url, aws, alb, nlb, graphql)`);
      if (type === "function" && !("function" in routeValue) && "handler" in routeValue) {
        throw propError(this.ref, where, `Function definition must be nested under the "function" key in the route props for "${routeKey}". ie. { function: { handler: "myfunc.handler" } }`);
      }
      checkKnownProps(this.ref, routeValue, known, `${where}.`);
      routeProps = routeValue;
      switch (type) {
        case "aws": integration = this.createAwsProxyIntegration(scope, routeKey, routeValue as ApiAwsRouteProps, postfixName); break;
        case "alb": integration = this.createAlbIntegration(routeKey, routeValue as ApiAlbRouteProps, postfixName); break;
        case "nlb": integration = this.createNlbIntegration(routeKey, routeValue as ApiNlbRouteProps, postfixName); break;
        case "url": integration = this.createHttpIntegration(routeKey, routeValue as ApiHttpRouteProps, postfixName); break;
        case "graphql": integration = this.createGraphQLIntegration(scope, routeKey, routeValue as ApiGraphQLRouteProps, postfixName); break;
        default: {
          const fnRoute = routeValue as ApiFunctionRouteProps;
          if (fnRoute.cdk?.function) integration = this.createCdkFunctionIntegration(routeKey, fnRoute, postfixName);
          else if (fnRoute.function !== undefined) integration = this.createFunctionIntegration(scope, routeKey, fnRoute, postfixName);
          else throw propError(this.ref, where, `needs a "function" (or "cdk.function")`);
        }
      }
    }

    const { authorizationType, authorizer, authorizationScopes } = this.buildRouteAuth(routeProps, routeKey);
    const route = new apig.HttpRoute(scope, `Route_${postfixName}`, {
      httpApi: this.cdk.httpApi,
      routeKey: httpRouteKey,
      integration,
      authorizer,
      authorizationScopes,
    });
    // Set explicitly: a route whose type went from AWS_IAM to unset keeps AWS_IAM in CloudFormation.
    const cfnRoute = route.node.defaultChild as apig.CfnRoute;
    if (authorizationType === "iam") cfnRoute.authorizationType = "AWS_IAM";
    else if (authorizationType === "none") cfnRoute.authorizationType = "NONE";
  }

  private createAwsProxyIntegration(scope: Construct, routeKey: string, routeProps: ApiAwsRouteProps, postfixName: string): apig.HttpRouteIntegration {
    const subtype = routeProps.cdk?.integration?.subtype;
    if (!subtype) throw propError(this.ref, `routes["${routeKey}"].cdk.integration.subtype`, `is required for an "aws" route`);
    const [service, serviceApi] = String(subtype).split("-");
    const prefix = AWS_INTEGRATION_SERVICES[service];
    const role = new iam.Role(scope, `IntegrationRole_${postfixName}`, {
      assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com"),
      inlinePolicies: {
        Policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: [`${prefix}:${serviceApi}`], resources: ["*"] })] }),
      },
    });
    this.routesData[routeKey] = { type: "aws" };
    return new HttpAwsIntegration(`Integration_${postfixName}`, { ...routeProps.cdk.integration, credentials: apig.IntegrationCredentials.fromRole(role) });
  }

  private createHttpIntegration(routeKey: string, routeProps: ApiHttpRouteProps, postfixName: string): apig.HttpRouteIntegration {
    if (!routeProps.url) throw propError(this.ref, `routes["${routeKey}"].url`, `is required for a "url" route`);
    this.routesData[routeKey] = { type: "url", url: routeProps.url };
    return new apigInt.HttpUrlIntegration(`Integration_${postfixName}`, routeProps.url, routeProps.cdk?.integration);
  }

  private createAlbIntegration(routeKey: string, routeProps: ApiAlbRouteProps, postfixName: string): apig.HttpRouteIntegration {
    const listener = routeProps.cdk?.albListener;
    if (!listener) throw propError(this.ref, `routes["${routeKey}"].cdk.albListener`, `is required for an "alb" route`);
    this.routesData[routeKey] = { type: "alb", alb: listener };
    addLocalNotice(this, { construct: `Api "${this.id}"`, prop: `routes["${routeKey}"] (type "alb")`, local: "the local cloud has no load balancers: the route is deployed but answers 500 locally" });
    return new apigInt.HttpAlbIntegration(`Integration_${postfixName}`, listener, routeProps.cdk.integration);
  }

  private createNlbIntegration(routeKey: string, routeProps: ApiNlbRouteProps, postfixName: string): apig.HttpRouteIntegration {
    const listener = routeProps.cdk?.nlbListener;
    if (!listener) throw propError(this.ref, `routes["${routeKey}"].cdk.nlbListener`, `is required for an "nlb" route`);
    this.routesData[routeKey] = { type: "nlb", nlb: listener };
    addLocalNotice(this, { construct: `Api "${this.id}"`, prop: `routes["${routeKey}"] (type "nlb")`, local: "the local cloud has no load balancers: the route is deployed but answers 500 locally" });
    return new apigInt.HttpNlbIntegration(`Integration_${postfixName}`, listener, routeProps.cdk.integration);
  }

  private createGraphQLIntegration(scope: Construct, routeKey: string, routeProps: ApiGraphQLRouteProps, postfixName: string): apig.HttpRouteIntegration {
    if (routeProps.function === undefined) throw propError(this.ref, `routes["${routeKey}"].function`, `is required for a "graphql" route`);
    const integration = this.createFunctionIntegration(scope, routeKey, { ...routeProps, type: "function", payloadFormatVersion: "2.0" }, postfixName);
    const data = this.routesData[routeKey];
    if (data.type === "function") {
      // The GraphQL handler serves the route's path.
      data.function.addEnvironment("GRAPHQL_ENDPOINT", routeKey.split(" ")[1] ?? "/");
      this.routesData[routeKey] = { ...data, type: "graphql", ...(routeProps.pothos ?? {}) };
    }
    return integration;
  }

  private createCdkFunctionIntegration(routeKey: string, routeProps: ApiFunctionRouteProps, postfixName: string): apig.HttpRouteIntegration {
    const fn = routeProps.cdk!.function!;
    this.routesData[routeKey] = { type: "lambda_function", function: fn };
    return new apigInt.HttpLambdaIntegration(`Integration_${postfixName}`, fn, { payloadFormatVersion: this.payloadFormat(routeKey, routeProps) });
  }

  private createFunctionIntegration(scope: Construct, routeKey: string, routeProps: ApiFunctionRouteProps, postfixName: string): apig.HttpRouteIntegration {
    const payloadFormatVersion = this.payloadFormat(routeKey, routeProps);
    const fn = within(this.ref, `routes["${routeKey}"]`, () => Fn.fromDefinition(scope, `Lambda_${postfixName}`, routeProps.function!, this.props.defaults?.function,
      `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the routes using FunctionProps, so the Api construct can apply the "defaults.function" to them.`));
    // SST v2 marks route functions under sst dev (its stub answers 500 when the dev session is gone).
    if (App.of(scope).local) fn.addEnvironment("SST_DEBUG_IS_API_ROUTE", "1", { removeInEdge: true });
    const integration = new apigInt.HttpLambdaIntegration(`Integration_${postfixName}`, fn, { payloadFormatVersion });
    this.routesData[routeKey] = { type: "function", function: fn };
    for (const p of this.permissionsAttachedForAllRoutes) fn.attachPermissions(p);
    fn.bind(this.bindingForAllRoutes);
    return integration;
  }

  private payloadFormat(routeKey: string, routeProps: ApiFunctionRouteProps): apig.PayloadFormatVersion {
    const version = routeProps.payloadFormatVersion ?? this.props.defaults?.payloadFormatVersion ?? "2.0";
    if (!PAYLOAD_FORMAT_VERSIONS.includes(version)) {
      throw sentenceError(this.ref, `routes["${routeKey}"].payloadFormatVersion`, `PayloadFormatVersion: "${version}" is not supported: use "1.0" or "2.0"`);
    }
    return version === "1.0" ? apig.PayloadFormatVersion.VERSION_1_0 : apig.PayloadFormatVersion.VERSION_2_0;
  }

  private buildRouteAuth(routeProps: ApiBaseRouteProps, routeKey: string): {
    authorizationType: string; authorizer: apig.IHttpRouteAuthorizer; authorizationScopes?: string[];
  } {
    const key = routeProps.authorizer ?? this.props.defaults?.authorizer ?? "none";
    if (key === "none") return { authorizationType: "none", authorizer: new apig.HttpNoneAuthorizer() };
    if (key === "iam") return { authorizationType: "iam", authorizer: new apigAuth.HttpIamAuthorizer() };
    const def = this.props.authorizers?.[key];
    if (!def) throw sentenceError(this.ref, `routes["${routeKey}"].authorizer`, `Cannot find authorizer "${key}"`);
    const authorizationType = def.type;
    const authorizationScopes = authorizationType === "jwt" || authorizationType === "user_pool"
      ? routeProps.authorizationScopes ?? this.props.defaults?.authorizationScopes
      : undefined;
    return { authorizationType, authorizer: this.authorizersData[key], authorizationScopes };
  }
}

/** "GET    /users" → "GET /users" */
export function normalizeRouteKey(routeKey: string): string {
  return routeKey.split(/\s+/).join(" ");
}

/** Under sst dev: the local cloud serves the domain at `<domain>.localhost` on its port (the domain name's regional name). */
function localDomainUrl(domain: apig.IDomainName, mappingKey?: string): string {
  return `http://${domain.regionalDomainName}${mappingKey ? `/${mappingKey}/` : ""}`;
}
