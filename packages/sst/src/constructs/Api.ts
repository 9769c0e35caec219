/**
 * SST's Api: an API Gateway HTTP API whose routes ("GET /users/{id}", "$default",
 * "ANY /{proxy+}") point at functions. CORS allows everything by default and access
 * logs go to a vended log group, as in SST v2.
 */
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import * as apigInt from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as apigAuth from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Function as Fn, type FunctionDefinition, type FunctionProps } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";

export interface ApiCorsProps {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: ("ANY" | "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS")[];
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: SSTDuration;
}

export interface ApiAccessLogProps { format?: string; destinationArn?: string; retention?: Lowercase<keyof typeof logs.RetentionDays>; }

export type ApiAuthorizer =
  | { type: "jwt"; name?: string; identitySource?: string[]; jwt: { issuer: string; audience: string[] } }
  | { type: "user_pool"; name?: string; identitySource?: string[]; userPool: { id: string; clientIds?: string[]; region?: string } }
  | { type: "lambda"; name?: string; function: Fn; identitySource?: string[]; responseTypes?: ("simple" | "iam")[]; resultsCacheTtl?: SSTDuration | "0 seconds" };

export type ApiAuthorizerName = "none" | "iam" | (string & {});

export interface ApiFunctionRouteProps {
  type?: "function";
  function: FunctionDefinition;
  authorizer?: ApiAuthorizerName;
  authorizationScopes?: string[];
  payloadFormatVersion?: "1.0" | "2.0";
}
export interface ApiHttpRouteProps {
  type: "url";
  url: string;
  authorizer?: ApiAuthorizerName;
  authorizationScopes?: string[];
  cdk?: { integration?: apigInt.HttpUrlIntegrationProps };
}

export type ApiRouteProps = FunctionDefinition | ApiFunctionRouteProps | ApiHttpRouteProps;

export interface ApiProps {
  routes?: Record<string, ApiRouteProps>;
  cors?: boolean | ApiCorsProps;
  accessLog?: boolean | string | ApiAccessLogProps;
  authorizers?: Record<string, ApiAuthorizer>;
  defaults?: {
    function?: FunctionProps;
    authorizer?: ApiAuthorizerName;
    authorizationScopes?: string[];
    payloadFormatVersion?: "1.0" | "2.0";
    throttle?: { burst?: number; rate?: number };
  };
  cdk?: { id?: string; httpApi?: apig.HttpApiProps; httpStages?: never };
}

interface RouteData { type: "function" | "url"; routeKey: string; function?: Fn; url?: string; }

const METHODS = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** SST v2's access log format. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestTime: "$context.requestTime", requestId: "$context.requestId", httpMethod: "$context.httpMethod",
  path: "$context.path", routeKey: "$context.routeKey", status: "$context.status",
  responseLatency: "$context.responseLatency", integrationRequestId: "$context.integration.requestId",
  integrationStatus: "$context.integration.status", integrationLatency: "$context.integration.latency",
  integrationServiceStatus: "$context.integration.integrationStatus", ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent", cognitoIdentityId: "$context.identity.cognitoIdentityId",
});

export class Api extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Api";
  readonly cdk: { httpApi: apig.HttpApi; accessLogGroup?: logs.LogGroup };
  private readonly props: ApiProps;
  private readonly routesData: Record<string, RouteData> = {};
  private readonly authorizersData: Record<string, apig.IHttpRouteAuthorizer> = {};
  private readonly bindingsForAll: any[] = [];
  private readonly permissionsForAll: Permissions[] = [];

  constructor(scope: Construct, id: string, props: ApiProps = {}) {
    super(scope, props.cdk?.id ?? id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.props = props;
    const app = App.of(this);
    const httpApi = new apig.HttpApi(this, "Api", {
      apiName: app.logicalPrefixedName(this.node.id),
      corsPreflight: corsPreflight(props.cors),
      ...(props.cdk?.httpApi ?? {}),
    });
    this.cdk = { httpApi };
    this.cdk.accessLogGroup = this.createAccessLog();
    this.createThrottle();
    this.createAuthorizers();
    if (props.routes) this.addRoutes(this, props.routes);
  }

  /** The API endpoint, `https://{apiId}.execute-api.{region}.amazonaws.com`. */
  get url(): string { return this.cdk.httpApi.apiEndpoint; }
  get customDomainUrl(): string | undefined { return undefined; }
  get httpApiId(): string { return this.cdk.httpApi.apiId; }
  get httpApiArn(): string {
    const stack = cdk.Stack.of(this);
    return stack.formatArn({ service: "apigateway", account: "", resource: "/apis", resourceName: this.httpApiId });
  }
  /** Route keys, normalised ("GET /users"). */
  get routes(): string[] { return Object.keys(this.routesData); }

  addRoutes(scope: Construct, routes: Record<string, ApiRouteProps>): void {
    for (const [key, value] of Object.entries(routes)) this.addRoute(scope, key, value);
  }

  getFunction(routeKey: string): Fn | undefined {
    return this.routesData[normaliseRouteKey(routeKey, this.id)]?.function;
  }

  attachPermissions(permissions: Permissions): void {
    for (const r of Object.values(this.routesData)) r.function?.attachPermissions(permissions);
    this.permissionsForAll.push(permissions);
  }

  attachPermissionsToRoute(routeKey: string, permissions: Permissions): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to attach permissions. Route "${routeKey}" does not exist in the "${this.id}" Api.`);
    fn.attachPermissions(permissions);
  }

  bind(constructs: any[]): void {
    for (const r of Object.values(this.routesData)) r.function?.bind(constructs);
    this.bindingsForAll.push(...constructs);
  }

  bindToRoute(routeKey: string, constructs: any[]): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to bind resources. Route "${routeKey}" does not exist in the "${this.id}" Api.`);
    fn.bind(constructs);
  }

  getConstructMetadata() {
    return {
      type: "Api" as const,
      data: {
        url: this.url, httpApiId: this.httpApiId,
        routes: Object.values(this.routesData).map((r) => ({ route: r.routeKey, type: r.type, fn: r.function?.functionId })),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return { clientPackage: "api", variables: { url: { type: "plain", value: this.url } }, permissions: {} };
  }

  private addRoute(scope: Construct, rawKey: string, value: ApiRouteProps): void {
    const routeKey = normaliseRouteKey(rawKey, this.id);
    if (this.routesData[routeKey]) throw new Error(`Api "${this.id}": duplicate route "${routeKey}"`);
    const safe = routeKey.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "default";
    const defaults = this.props.defaults ?? {};
    let integration: apig.HttpRouteIntegration;
    let authorizerName: ApiAuthorizerName | undefined = defaults.authorizer;
    let scopes = defaults.authorizationScopes;
    const data: RouteData = { type: "function", routeKey };
    if (typeof value === "object" && (value as ApiHttpRouteProps).type === "url") {
      const v = value as ApiHttpRouteProps;
      integration = new apigInt.HttpUrlIntegration(`Integration_${safe}`, v.url, v.cdk?.integration);
      authorizerName = v.authorizer ?? authorizerName;
      scopes = v.authorizationScopes ?? scopes;
      data.type = "url"; data.url = v.url;
    } else {
      const isRouteProps = typeof value === "object" && !Fn.isFunction(value) && "function" in value;
      const rp = isRouteProps ? (value as ApiFunctionRouteProps) : undefined;
      const def = rp ? rp.function : (value as FunctionDefinition);
      let fn: Fn;
      try {
        fn = Fn.fromDefinition(scope, `Lambda_${safe}`, def, defaults.function,
          `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the routes using FunctionProps, so the Api construct can apply the "defaults.function" to them.`);
      } catch (e) {
        throw new Error(`Api "${this.id}" route "${routeKey}": ${(e as Error).message}`);
      }
      for (const p of this.permissionsForAll) fn.attachPermissions(p);
      if (this.bindingsForAll.length) fn.bind(this.bindingsForAll);
      const version = (rp?.payloadFormatVersion ?? defaults.payloadFormatVersion ?? "2.0") === "1.0"
        ? apig.PayloadFormatVersion.VERSION_1_0 : apig.PayloadFormatVersion.VERSION_2_0;
      integration = new apigInt.HttpLambdaIntegration(`Integration_${safe}`, fn, { payloadFormatVersion: version });
      authorizerName = rp?.authorizer ?? authorizerName;
      scopes = rp?.authorizationScopes ?? scopes;
      data.function = fn;
    }
    new apig.HttpRoute(scope, `Route_${this.node.id}_${safe}`, {
      httpApi: this.cdk.httpApi,
      routeKey: toHttpRouteKey(routeKey),
      integration,
      authorizer: this.authorizerFor(authorizerName, routeKey),
      authorizationScopes: scopes,
    });
    this.routesData[routeKey] = data;
  }

  private authorizerFor(name: ApiAuthorizerName | undefined, routeKey: string): apig.IHttpRouteAuthorizer | undefined {
    if (name === undefined || name === "none") return new apig.HttpNoneAuthorizer();
    if (name === "iam") return new apigAuth.HttpIamAuthorizer();
    const a = this.authorizersData[name];
    if (!a) throw new Error(`Api "${this.id}" route "${routeKey}": cannot find authorizer "${name}"`);
    return a;
  }

  private createAuthorizers(): void {
    for (const [key, a] of Object.entries(this.props.authorizers ?? {})) {
      const name = a.name ?? key;
      if (a.type === "jwt") {
        this.authorizersData[key] = new apigAuth.HttpJwtAuthorizer(name, a.jwt.issuer, {
          authorizerName: name, jwtAudience: a.jwt.audience, identitySource: a.identitySource,
        });
      } else if (a.type === "user_pool") {
        const region = a.userPool.region ?? App.of(this).region;
        this.authorizersData[key] = new apigAuth.HttpJwtAuthorizer(name, `https://cognito-idp.${region}.amazonaws.com/${a.userPool.id}`, {
          authorizerName: name, jwtAudience: a.userPool.clientIds ?? [], identitySource: a.identitySource,
        });
      } else if (a.type === "lambda") {
        this.authorizersData[key] = new apigAuth.HttpLambdaAuthorizer(name, a.function, {
          authorizerName: name,
          identitySource: a.identitySource,
          responseTypes: (a.responseTypes ?? ["iam"]).map((t) =>
            t === "simple" ? apigAuth.HttpLambdaResponseType.SIMPLE : apigAuth.HttpLambdaResponseType.IAM),
          resultsCacheTtl: a.resultsCacheTtl !== undefined ? toCdkDuration(a.resultsCacheTtl as SSTDuration) : cdk.Duration.seconds(0),
        });
      } else {
        throw new Error(`Api "${this.id}": authorizer "${key}" has unknown type "${(a as any).type}"`);
      }
    }
  }

  private defaultCfnStage(): apig.CfnStage | undefined {
    const child = this.cdk.httpApi.defaultStage?.node.defaultChild;
    return child instanceof apig.CfnStage ? child : undefined;
  }

  private createAccessLog(): logs.LogGroup | undefined {
    const accessLog = this.props.accessLog ?? true;
    if (accessLog === false) return undefined;
    const stage = this.defaultCfnStage();
    if (!stage) return undefined;
    const opts: ApiAccessLogProps = typeof accessLog === "string" ? { format: accessLog } : accessLog === true ? {} : accessLog;
    let destinationArn = opts.destinationArn;
    let group: logs.LogGroup | undefined;
    if (!destinationArn) {
      // Log group names allow only [.-_/#A-Za-z0-9]: "$default" becomes "default".
      const clean = (n: string) => n.replace(/[^.\-_/#A-Za-z0-9]/g, "");
      const apiName = clean(App.of(this).logicalPrefixedName(this.node.id));
      group = new logs.LogGroup(this, "LogGroup", {
        logGroupName: `/aws/vendedlogs/apis/${apiName}-${this.cdk.httpApi.apiId}/${clean("$default")}`,
        retention: opts.retention ? logs.RetentionDays[opts.retention.toUpperCase() as keyof typeof logs.RetentionDays] : logs.RetentionDays.INFINITE,
      });
      destinationArn = group.logGroupArn;
    }
    stage.accessLogSettings = { destinationArn, format: opts.format ?? ACCESS_LOG_FORMAT };
    return group;
  }

  private createThrottle(): void {
    const t = this.props.defaults?.throttle;
    const stage = this.defaultCfnStage();
    if (!t || !stage) return;
    stage.defaultRouteSettings = { throttlingBurstLimit: t.burst, throttlingRateLimit: t.rate };
  }
}

/** "GET    /users" → "GET /users"; validates the method and path. */
export function normaliseRouteKey(key: string, apiId: string): string {
  const trimmed = key.trim();
  if (trimmed === "$default") return "$default";
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 2) throw new Error(`Api "${apiId}": invalid route "${key}". Use "METHOD /path" or "$default".`);
  const method = parts[0].toUpperCase();
  const path = parts[1];
  if (!METHODS.includes(method)) throw new Error(`Api "${apiId}": invalid method "${parts[0]}" in route "${key}"`);
  if (!path.startsWith("/")) throw new Error(`Api "${apiId}": the path of route "${key}" must start with "/"`);
  return `${method} ${path}`;
}

function toHttpRouteKey(routeKey: string): apig.HttpRouteKey {
  if (routeKey === "$default") return apig.HttpRouteKey.DEFAULT;
  const [method, path] = routeKey.split(" ");
  return apig.HttpRouteKey.with(path, method as apig.HttpMethod);
}

/** SST v2: cors defaults to allowing all origins, methods and headers. */
function corsPreflight(cors: ApiProps["cors"]): apig.CorsPreflightOptions | undefined {
  if (cors === false) return undefined;
  if (cors === undefined || cors === true) {
    return { allowHeaders: ["*"], allowMethods: [apig.CorsHttpMethod.ANY], allowOrigins: ["*"] };
  }
  return {
    allowCredentials: cors.allowCredentials,
    allowHeaders: cors.allowHeaders,
    allowMethods: cors.allowMethods?.map((m) => m as apig.CorsHttpMethod),
    allowOrigins: cors.allowOrigins,
    exposeHeaders: cors.exposeHeaders,
    maxAge: cors.maxAge !== undefined ? toCdkDuration(cors.maxAge) : undefined,
  };
}
