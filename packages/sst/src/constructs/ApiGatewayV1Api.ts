/**
 * SST's ApiGatewayV1Api: an API Gateway REST API whose routes ("GET /users/{id}",
 * "ANY /{proxy+}") are Lambda functions, with SST v2's templates: the RestApi named
 * `{stage}-{app}-{id}` deployed to a stage named after the app's stage (X-Ray tracing
 * on), CORS preflight for all origins, methods and headers unless `cors: false`, JSON
 * access logs, route functions `Lambda_{METHOD}_{path}`, REST authorizers (Cognito user
 * pools, Lambda token / request) and custom domains (regional or edge) with their
 * certificate and Route 53 records.
 *
 * Deployed to the local cloud, the REST API is served there as on AWS (the local
 * cloud's execute-api data plane, `/{stage}/…`), and `url` is its local URL.
 */
import * as cdk from "aws-cdk-lib";
import * as apig from "aws-cdk-lib/aws-apigateway";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { App } from "./App.js";
import type { Bucket } from "./Bucket.js";
import { Function as Fn, type FunctionDefinition, type FunctionInlineDefinition, type FunctionProps } from "./Function.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { SST_CONSTRUCT, type BindingProps, type BindingResource, type SSTConstruct } from "./util/binding.js";
import type { Permissions } from "./util/permission.js";
import { buildRestApiAccessLog, type AccessLogProps } from "./util/apiGatewayV1AccessLog.js";
import { callSite, propError, sentenceError, within, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { functionRef } from "./util/function-ref.js";
import { addLocalNotice } from "./util/local-notice.js";
import { isCdkConstruct } from "./util/cdk-construct.js";
import { FunctionGroup } from "./util/function-group.js";
import { normalizeRouteKey } from "./Api.js";

const METHODS = ["ANY", "GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS"];
const PROPS = new Set(["routes", "cors", "accessLog", "customDomain", "authorizers", "defaults", "cdk"]);
const DEFAULTS_PROPS = new Set(["function", "authorizer", "authorizationScopes"]);
const CDK_PROPS = new Set(["id", "restApi", "importedPaths"]);

export interface ApiGatewayV1ApiAccessLogProps extends AccessLogProps {}

interface BaseAuthorizer {
  name?: string;
  resultsCacheTtl?: SSTDuration;
}
export interface ApiGatewayV1ApiUserPoolsAuthorizer extends BaseAuthorizer {
  type: "user_pools";
  userPoolIds?: string[];
  identitySource?: string;
  cdk?: { authorizer: apig.CognitoUserPoolsAuthorizer };
}
export interface ApiGatewayV1ApiLambdaTokenAuthorizer extends BaseAuthorizer {
  type: "lambda_token";
  function?: Fn;
  identitySource?: string;
  validationRegex?: string;
  cdk?: { assumeRole?: iam.IRole; authorizer?: apig.TokenAuthorizer };
}
export interface ApiGatewayV1ApiLambdaRequestAuthorizer extends BaseAuthorizer {
  type: "lambda_request";
  function?: Fn;
  identitySources?: string[];
  cdk?: { assumeRole?: iam.IRole; authorizer?: apig.TokenAuthorizer };
}
export type ApiGatewayV1ApiAuthorizer = ApiGatewayV1ApiUserPoolsAuthorizer | ApiGatewayV1ApiLambdaTokenAuthorizer | ApiGatewayV1ApiLambdaRequestAuthorizer;

export interface ApiGatewayV1ApiCustomDomainProps {
  domainName?: string;
  hostedZone?: string;
  path?: string;
  endpointType?: Lowercase<keyof typeof apig.EndpointType>;
  mtls?: { bucket: Bucket; key: string; version?: string };
  securityPolicy?: "TLS 1.0" | "TLS 1.2";
  cdk?: { domainName?: apig.IDomainName; hostedZone?: route53.IHostedZone; certificate?: acm.ICertificate };
}

export interface ApiGatewayV1ApiFunctionRouteProps<AuthorizerKeys = string> {
  function?: FunctionDefinition;
  authorizer?: "none" | "iam" | AuthorizerKeys;
  authorizationScopes?: string[];
  cdk?: {
    method?: Omit<apig.MethodOptions, "authorizer" | "authorizationType" | "authorizationScopes">;
    integration?: apig.LambdaIntegrationOptions;
    function?: lambda.IFunction;
  };
}
export type ApiGatewayV1ApiRouteProps<AuthorizerKeys = string> = FunctionInlineDefinition | ApiGatewayV1ApiFunctionRouteProps<AuthorizerKeys>;

export interface ApiGatewayV1ApiProps<Authorizers extends Record<string, ApiGatewayV1ApiAuthorizer> = Record<string, never>, AuthorizerKeys = keyof Authorizers> {
  routes?: Record<string, ApiGatewayV1ApiRouteProps<AuthorizerKeys>>;
  /** CORS preflight for every origin, method and header. @default true */
  cors?: boolean;
  /** @default true */
  accessLog?: boolean | string | ApiGatewayV1ApiAccessLogProps;
  customDomain?: string | ApiGatewayV1ApiCustomDomainProps;
  authorizers?: Authorizers;
  defaults?: {
    function?: FunctionProps;
    authorizer?: "none" | "iam" | AuthorizerKeys;
    authorizationScopes?: string[];
  };
  cdk?: {
    id?: string;
    restApi?: apig.IRestApi | apig.RestApiProps;
    /** Resource ids of an imported REST API's paths, for routes under them. */
    importedPaths?: { [path: string]: string };
  };
}

export class ApiGatewayV1Api<Authorizers extends Record<string, ApiGatewayV1ApiAuthorizer> = Record<string, never>> extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "ApiGatewayV1Api";
  readonly cdk: {
    restApi: apig.RestApi;
    accessLogGroup?: logs.LogGroup;
    domainName?: apig.DomainName;
    certificate?: acm.ICertificate;
  };
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: ApiGatewayV1ApiProps<Authorizers>;
  private deployment?: apig.Deployment;
  private _customDomainUrl?: string;
  private readonly importedResources: Record<string, apig.IResource> = {};
  /** Every route's function, SST's or given as `cdk.function`. */
  private readonly functions: Record<string, Fn | lambda.IFunction> = {};
  /** The SST functions, which bindings and permissions for all routes reach. */
  private readonly routeFunctions = new FunctionGroup();
  private readonly authorizersData: Record<string, apig.IAuthorizer> = {};

  constructor(scope: Construct, id: string, props?: ApiGatewayV1ApiProps<Authorizers>) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "ApiGatewayV1Api", id, site: callSite() };
    this.props = props ?? {};
    checkKnownProps(this.ref, this.props, PROPS);
    checkKnownProps(this.ref, this.props.defaults, DEFAULTS_PROPS, "defaults.");
    checkKnownProps(this.ref, this.props.cdk, CDK_PROPS, "cdk.");
    this.cdk = {} as ApiGatewayV1Api["cdk"];
    this.createRestApi();
    this.addAuthorizers(this.props.authorizers ?? ({} as Authorizers));
    this.addRoutes(this, this.props.routes ?? {});
  }

  /**
   * `https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}/`; deployed to the
   * local cloud, the URL it serves the stage at (the RestApi's local-only LocalEndpoint
   * attribute, `http://127.0.0.1:{port}/_aws/execute-api/{restApiId}`, and the stage).
   */
  get url(): string {
    const restApi = this.cdk.restApi;
    if (restApi instanceof apig.RestApi && restApi.deploymentStage) {
      if (App.of(this).target !== "local") return restApi.url;
      const endpoint = (restApi.node.defaultChild as apig.CfnRestApi).getAtt("LocalEndpoint").toString();
      return `${endpoint}/${restApi.deploymentStage.stageName}/`;
    }
    return `https://${restApi.restApiId}.execute-api.${App.of(this).region}.amazonaws.com/${App.of(this).stage}/`;
  }

  get customDomainUrl(): string | undefined {
    return this._customDomainUrl;
  }

  get routes(): string[] {
    return Object.keys(this.functions);
  }

  get restApiArn(): string {
    const stack = cdk.Stack.of(this);
    return `arn:${stack.partition}:apigateway:${stack.region}::/restapis/${this.cdk.restApi.restApiId}`;
  }

  get restApiId(): string {
    return this.cdk.restApi.restApiId;
  }

  addRoutes(scope: Construct, routes: Record<string, ApiGatewayV1ApiRouteProps<keyof Authorizers>>): void {
    for (const [key, value] of Object.entries(routes)) this.addRoute(scope, key, value);
  }

  getFunction(routeKey: string): Fn | undefined {
    return this.routeFunctions.get(normalizeRouteKey(routeKey));
  }

  bind(constructs: BindingResource[]): void {
    this.routeFunctions.bindAll(constructs);
  }

  bindToRoute(routeKey: string, constructs: BindingResource[]): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to bind resources. Route "${routeKey}" does not exist.`);
    fn.bind(constructs);
  }

  attachPermissions(permissions: Permissions): void {
    this.routeFunctions.attachPermissionsToAll(permissions);
  }

  attachPermissionsToRoute(routeKey: string, permissions: Permissions): void {
    const fn = this.getFunction(routeKey);
    if (!fn) throw new Error(`Failed to attach permissions. Route "${routeKey}" does not exist.`);
    fn.attachPermissions(permissions);
  }

  getConstructMetadata() {
    return {
      type: "ApiGatewayV1Api" as const,
      data: {
        customDomainUrl: this._customDomainUrl,
        url: this.url,
        restApiId: this.cdk.restApi.restApiId,
        routes: Object.entries(this.functions).map(([route, fn]) => ({ type: "function" as const, route, fn: functionRef(fn) })),
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    // locally the custom domain is not served: functions get the URL that is
    const url = App.of(this).target === "local" ? this.url : this.customDomainUrl || this.url;
    return { clientPackage: "api", variables: { url: { type: "plain", value: url } }, permissions: {} };
  }

  private createRestApi(): void {
    const { cdk: cdkProps, cors, accessLog, customDomain } = this.props;
    const app = App.of(this);
    if (isCdkConstruct(cdkProps?.restApi)) {
      for (const [prop, value] of [["cors", cors], ["accessLog", accessLog], ["customDomain", customDomain]] as const) {
        if (value !== undefined) throw sentenceError(this.ref, prop, `Cannot configure the "${prop}" when the "restApi" is imported`);
      }
      this.cdk.restApi = cdkProps!.restApi as apig.RestApi;
      // An imported API is deployed by a Deployment of this construct's own, renewed whenever routes change.
      this.deployment = new apig.Deployment(this, "Deployment", { api: this.cdk.restApi });
      (this.deployment.node.defaultChild as apig.CfnDeployment).stageName = app.stage;
      for (const [p, resourceId] of Object.entries(cdkProps?.importedPaths ?? {})) {
        this.importedResources[p] = apig.Resource.fromResourceAttributes(this, `Resource_${p}`, { path: p, resourceId, restApi: this.cdk.restApi });
      }
      return;
    }
    const restApiProps = (cdkProps?.restApi ?? {}) as apig.RestApiProps;
    if (cdkProps?.importedPaths !== undefined) throw sentenceError(this.ref, "cdk.importedPaths", `Cannot import route paths when creating a new API.`);
    if (customDomain !== undefined && restApiProps.domainName !== undefined) {
      throw sentenceError(this.ref, "customDomain", `Use either the "customDomain" or the "restApi.domainName" to configure the Api domain. Do not use both.`);
    }
    if (cors !== undefined && restApiProps.defaultCorsPreflightOptions !== undefined) {
      throw sentenceError(this.ref, "cors", `Use either the "cors" or the "restApi.defaultCorsPreflightOptions" to configure the Api's CORS config. Do not use both.`);
    }
    for (const option of ["accessLogDestination", "accessLogFormat"] as const) {
      if (accessLog !== undefined && restApiProps.deployOptions?.[option] !== undefined) {
        throw sentenceError(this.ref, "accessLog", `Use either the "accessLog" or the "restApi.deployOptions.${option}" to configure the Api's access log. Do not use both.`);
      }
    }
    let accessLogData;
    try {
      accessLogData = buildRestApiAccessLog(this, accessLog);
    } catch (e) {
      throw sentenceError(this.ref, "accessLog", (e as Error).message);
    }
    this.cdk.accessLogGroup = accessLogData?.logGroup;
    const deployOptions = restApiProps.deployOptions ?? {};
    // The local cloud evaluates resource policies, but no local request comes through a VPC endpoint.
    if (restApiProps.policy && /aws:SourceVpce?\b/i.test(JSON.stringify(restApiProps.policy.toJSON()))) {
      addLocalNotice(this, {
        construct: `ApiGatewayV1Api "${this.id}"`,
        prop: "cdk.restApi.policy",
        local: "the resource policy is evaluated locally, but its aws:SourceVpc/aws:SourceVpce conditions never hold there (no request comes through a VPC endpoint)",
      });
    }
    this.cdk.restApi = new apig.RestApi(this, "Api", {
      restApiName: app.logicalPrefixedName(this.node.id),
      ...restApiProps,
      defaultCorsPreflightOptions: restApiProps.defaultCorsPreflightOptions ?? (cors === false ? undefined : {
        allowHeaders: ["*"], allowOrigins: apig.Cors.ALL_ORIGINS, allowMethods: apig.Cors.ALL_METHODS,
      }),
      deployOptions: {
        ...deployOptions,
        accessLogDestination: deployOptions.accessLogDestination ?? accessLogData?.destination,
        accessLogFormat: deployOptions.accessLogFormat ?? accessLogData?.format,
        stageName: deployOptions.stageName || app.stage,
        tracingEnabled: deployOptions.tracingEnabled ?? true,
      },
    });
    this.createCustomDomain(customDomain);
    if (customDomain !== undefined) {
      addLocalNotice(this, {
        construct: `ApiGatewayV1Api "${this.id}"`,
        prop: "customDomain",
        local: "the domain, its certificate and DNS records are created on AWS only; locally the API answers at its url (which bound functions get as Api.<id>.url)",
      });
    }
    if (cors) {
      // Errors API Gateway answers itself (4XX/5XX) carry the CORS headers too.
      for (const [id, type] of [["GatewayResponseDefault4XX", apig.ResponseType.DEFAULT_4XX], ["GatewayResponseDefault5XX", apig.ResponseType.DEFAULT_5XX]] as const) {
        this.cdk.restApi.addGatewayResponse(id, { type, responseHeaders: { "Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "'*'" } });
      }
    }
  }

  private createCustomDomain(customDomain: string | ApiGatewayV1ApiCustomDomainProps | undefined): void {
    if (customDomain === undefined) return;
    const props: ApiGatewayV1ApiCustomDomainProps = typeof customDomain === "string" ? { domainName: customDomain } : customDomain;
    const domainName = props.domainName;
    let hostedZone = props.cdk?.hostedZone;
    let hostedZoneDomain: string | undefined;
    let certificate = props.cdk?.certificate;
    let apigDomainName: apig.IDomainName | undefined;

    if (domainName !== undefined) {
      if (cdk.Token.isUnresolved(domainName)) {
        if (typeof customDomain === "string" || (!props.hostedZone && !props.cdk?.hostedZone)) {
          throw sentenceError(this.ref, "customDomain", `You also need to specify the "hostedZone" if the "domainName" is passed in as a reference.`);
        }
      } else if (domainName !== domainName.toLowerCase()) {
        throw sentenceError(this.ref, "customDomain", `The domain name needs to be in lowercase`);
      }
      if (props.hostedZone && props.cdk?.hostedZone) {
        throw sentenceError(this.ref, "customDomain.hostedZone", `Use either the "customDomain.hostedZone" or the "customDomain.cdk.hostedZone" to configure the custom domain hosted zone. Do not use both.`);
      }
      if (!hostedZone) hostedZoneDomain = props.hostedZone ?? domainName.split(".").slice(1).join(".");
    } else if (props.cdk?.domainName) {
      apigDomainName = props.cdk.domainName;
      const conflicts: [string, unknown][] = [
        ["hostedZone", props.hostedZone ?? props.cdk.hostedZone], ["certificate", props.cdk.certificate],
        ["endpointType", props.endpointType], ["mtls", props.mtls], ["securityPolicy", props.securityPolicy],
      ];
      for (const [name, value] of conflicts) {
        if (value) throw sentenceError(this.ref, `customDomain.${name}`, `Cannot configure the "${name}" when the "domainName" is a construct`);
      }
    }

    if (!apigDomainName && !hostedZone && hostedZoneDomain) {
      hostedZone = route53.HostedZone.fromLookup(this, "HostedZone", { domainName: hostedZoneDomain });
    }
    if (!apigDomainName && !certificate) {
      certificate = props.endpointType === "edge"
        // Edge domains need their certificate in us-east-1, whatever the stack's region.
        ? new acm.DnsValidatedCertificate(this, "CrossRegionCertificate", { domainName: domainName!, hostedZone: hostedZone!, region: "us-east-1" })
        : new acm.Certificate(this, "Certificate", { domainName: domainName!, validation: acm.CertificateValidation.fromDns(hostedZone) });
      this.cdk.certificate = certificate;
    }
    if (!apigDomainName && domainName) {
      const created = new apig.DomainName(this, "DomainName", {
        domainName,
        certificate: certificate!,
        endpointType: props.endpointType && apig.EndpointType[props.endpointType.toUpperCase() as keyof typeof apig.EndpointType],
        mtls: props.mtls && { ...props.mtls, bucket: props.mtls.bucket.cdk.bucket },
        securityPolicy: props.securityPolicy === "TLS 1.0" ? apig.SecurityPolicy.TLS_1_0 : props.securityPolicy === "TLS 1.2" ? apig.SecurityPolicy.TLS_1_2 : undefined,
      });
      this.cdk.domainName = created;
      apigDomainName = created;
      const recordProps = { recordName: domainName, zone: hostedZone!, target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(created)) };
      for (const record of [new route53.ARecord(this, "AliasRecord", recordProps), new route53.AaaaRecord(this, "AliasRecordAAAA", recordProps)]) {
        // A token name would get the zone's name appended; the reference is the full name already.
        if (cdk.Token.isUnresolved(domainName)) (record.node.defaultChild as route53.CfnRecordSet).name = domainName;
      }
    }
    if (apigDomainName) new apig.BasePathMapping(this, "BasePath", { domainName: apigDomainName, restApi: this.cdk.restApi, basePath: props.path });
    if (domainName && !cdk.Token.isUnresolved(domainName)) {
      this._customDomainUrl = props.path ? `https://${domainName}/${props.path}/` : `https://${domainName}`;
    }
  }

  private addAuthorizers(authorizers: Authorizers): void {
    for (const [key, value] of Object.entries(authorizers)) {
      const prop = `authorizers.${key}`;
      if (key === "none" || key === "iam") throw sentenceError(this.ref, prop, `Cannot name an authorizer "${key}"`);
      const resultsCacheTtl = value.resultsCacheTtl ? toCdkDuration(value.resultsCacheTtl) : cdk.Duration.seconds(0);
      if (value.cdk?.authorizer) {
        this.authorizersData[key] = value.cdk.authorizer;
      } else if (value.type === "user_pools") {
        if (!value.userPoolIds) throw sentenceError(this.ref, prop, `Missing "userPoolIds" for "${key}" authorizer`);
        // A pool the app creates (its id a token) is the local Cognito's; one named by id lives on AWS.
        if (value.userPoolIds.some((id) => !cdk.Token.isUnresolved(id))) {
          addLocalNotice(this, {
            construct: `ApiGatewayV1Api "${this.id}"`,
            prop: `authorizers.${key}`,
            local: "a user pool the app does not create is not in the local cloud: its tokens are checked as JWTs of the pool (issuer, expiry, token use, scopes), their signatures only when the pool's keys can be fetched from AWS",
          });
        }
        const cognitoUserPools = value.userPoolIds.map((poolId) => cognito.UserPool.fromUserPoolId(this, `${key}-${poolId}-ImportedUserPool`, poolId));
        this.authorizersData[key] = new apig.CognitoUserPoolsAuthorizer(this, key, { cognitoUserPools, authorizerName: value.name, identitySource: value.identitySource, resultsCacheTtl });
      } else if (value.type === "lambda_token") {
        if (!value.function) throw sentenceError(this.ref, prop, `Missing "function" for "${key}" authorizer`);
        this.authorizersData[key] = new apig.TokenAuthorizer(this, key, {
          handler: value.function, authorizerName: value.name, identitySource: value.identitySource,
          validationRegex: value.validationRegex, assumeRole: value.cdk?.assumeRole, resultsCacheTtl,
        });
      } else if (value.type === "lambda_request") {
        if (!value.function) throw sentenceError(this.ref, prop, `Missing "function" for "${key}" authorizer`);
        if (!value.identitySources) throw sentenceError(this.ref, prop, `Missing "identitySources" for "${key}" authorizer`);
        this.authorizersData[key] = new apig.RequestAuthorizer(this, key, {
          handler: value.function, authorizerName: value.name, identitySources: value.identitySources,
          assumeRole: value.cdk?.assumeRole, resultsCacheTtl,
        });
      } else {
        throw propError(this.ref, `${prop}.type`, `"${(value as { type?: string }).type}" is not an authorizer type (user_pools, lambda_token, lambda_request)`);
      }
    }
  }

  private addRoute(scope: Construct, rawKey: string, routeValue: ApiGatewayV1ApiRouteProps<keyof Authorizers>): void {
    const routeKey = normalizeRouteKey(rawKey);
    const prop = `routes["${rawKey}"]`;
    if (this.functions[routeKey]) throw sentenceError(this.ref, prop, `A route already exists for "${routeKey}"`);
    const parts = routeKey.split(" ");
    if (parts.length !== 2) throw sentenceError(this.ref, prop, `Invalid route ${routeKey}`);
    const method = parts[0].toUpperCase();
    const path = parts[1];
    if (!METHODS.includes(method)) throw sentenceError(this.ref, prop, `Invalid method defined for "${routeKey}"`);
    if (path.length === 0) throw sentenceError(this.ref, prop, `Invalid path defined for "${routeKey}"`);
    const postfixName = `${method}_${path}`;

    const resource = path.endsWith("/{proxy+}")
      ? this.resourceForPath(path.split("/").slice(0, -1).join("/")).addProxy({ anyMethod: false })
      : this.resourceForPath(path);

    const routeProps: ApiGatewayV1ApiFunctionRouteProps<keyof Authorizers> = Fn.isInlineDefinition(routeValue) ? { function: routeValue } : routeValue;
    let fn: Fn | lambda.IFunction;
    if (routeProps.cdk?.function) {
      fn = routeProps.cdk.function;
    } else {
      const created = within(this.ref, prop, () => Fn.fromDefinition(scope, `Lambda_${postfixName}`, routeProps.function!, this.props.defaults?.function,
        `The "defaults.function" cannot be applied if an instance of a Function construct is passed in. Make sure to define all the routes using FunctionProps, so the ApiGatewayV1Api construct can apply the "defaults.function" to them.`));
      // SST v2 marks route functions under sst dev (its stub answers 500 when the dev session is gone).
      if (App.of(scope).local) created.addEnvironment("SST_DEBUG_IS_API_ROUTE", "1", { removeInEdge: true });
      fn = this.routeFunctions.add(routeKey, created);
    }
    this.functions[routeKey] = fn;

    const apigMethod = resource.addMethod(method, new apig.LambdaIntegration(fn, routeProps.cdk?.integration), this.methodOptions(prop, routeProps));
    if (this.deployment) {
      // A new route must make a new deployment of the imported API.
      this.deployment.addToLogicalId({ route: { routeKey, routeValue } });
      this.deployment.node.addDependency(apigMethod);
    }
  }

  /** A path's resource: under the longest imported path that contains it, else off the root. */
  private resourceForPath(path: string): apig.IResource {
    if (this.importedResources[path]) return this.importedResources[path];
    const parts = path.split("/");
    for (let i = parts.length; i >= 1; i--) {
      const imported = this.importedResources[parts.slice(0, i).join("/")];
      if (imported) return imported.resourceForPath(parts.slice(i).join("/"));
    }
    return this.cdk.restApi.root.resourceForPath(path);
  }

  private methodOptions(prop: string, routeProps: ApiGatewayV1ApiFunctionRouteProps<keyof Authorizers>): apig.MethodOptions {
    const key = (routeProps.authorizer ?? this.props.defaults?.authorizer ?? "none") as string;
    if (key === "none") return { authorizationType: apig.AuthorizationType.NONE, ...routeProps.cdk?.method };
    if (key === "iam") return { authorizationType: apig.AuthorizationType.IAM, ...routeProps.cdk?.method };
    const definition = this.props.authorizers?.[key];
    if (!definition) throw sentenceError(this.ref, `${prop}.authorizer`, `Cannot find authorizer "${key}"`);
    const authorizer = this.authorizersData[key];
    if (definition.type === "user_pools") {
      return {
        authorizationType: apig.AuthorizationType.COGNITO,
        authorizer,
        authorizationScopes: routeProps.authorizationScopes ?? this.props.defaults?.authorizationScopes,
        ...routeProps.cdk?.method,
      };
    }
    return { authorizationType: apig.AuthorizationType.CUSTOM, authorizer, ...routeProps.cdk?.method };
  }
}

