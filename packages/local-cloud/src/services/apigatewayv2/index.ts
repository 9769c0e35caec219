/**
 * API Gateway v2 (HTTP APIs): the management API (REST-JSON under /v2/…, SigV4
 * signing name "apigateway"), its in-process `call()` used by CloudFormation, and the
 * execute-api data plane the kernel routes /_aws/execute-api/{apiId}/… to.
 */
import { JwksCache, localUserPoolKeys } from "../../auth/jwt-verify.js";
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import apigatewayModel from "../../wire/models/apigatewayv2.js";
import restApiModel from "../../wire/models/apigateway.js";
import type { ServiceDefinition } from "../../wire/operations.js";
import { DataPlane } from "./data-plane.js";
import { invokerOf } from "../../lambda-proxy/lambda-invoke.js";
import { coerceInput } from "./coerce.js";
import { ManagementApi } from "./management.js";
import { ApiGatewayStore } from "./store.js";
import { DomainNames } from "./domain-names.js";
import { WebSocketGateway } from "./websocket/gateway.js";
import type { IamAuthCloud } from "./iam-auth.js";
import { serveManagement } from "./websocket/management-api.js";
import { routeResponseOperations } from "./route-responses.js";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { RestApiManagement } from "./rest/management.js";
import { RestDataPlane } from "./rest/data-plane.js";
import { serviceMayAssume } from "./rest/aws-service-call.js";
import type { SessionCredentials } from "../../kernel/iam-port.js";
import { ApiKeys } from "./rest/api-keys.js";
import { RestWireApi } from "./rest/wire-api.js";

/** HTTP method and resource path each operation is authorized as (apigateway:{METHOD} on arn:aws:apigateway:{region}::{path}). */
function iamTarget(operation: string, input: Record<string, any>): { method: string; path: string } {
  const verb = /^(Create|Get|Update|Delete|Tag|Untag)/.exec(operation)?.[1] ?? "Get";
  const method = { Create: "POST", Get: "GET", Update: "PATCH", Delete: "DELETE", Tag: "POST", Untag: "DELETE" }[verb]!;
  if (operation === "TagResource" || operation === "UntagResource" || operation === "GetTags")
    return { method, path: `/tags/${input.ResourceArn ?? ""}` };
  if (operation === "CreateApi" || operation === "GetApis") return { method, path: "/apis" };
  if (/DomainName/.test(operation)) return { method, path: input.DomainName && operation !== "CreateDomainName" ? `/domainnames/${input.DomainName}` : "/domainnames" };
  if (/ApiMapping/.test(operation)) {
    const base = `/domainnames/${input.DomainName ?? ""}/apimappings`;
    return { method, path: input.ApiMappingId ? `${base}/${input.ApiMappingId}` : base };
  }
  const apiPath = `/apis/${input.ApiId ?? ""}`;
  const kind = /^(?:Create|Get|Update|Delete)(Route|Integration|Stage|Deployment|Authorizer)(s?)$/.exec(operation);
  if (!kind) return { method, path: apiPath };
  const collection = `${apiPath}/${kind[1].toLowerCase()}s`;
  const id = input[kind[1] === "Stage" ? "StageName" : `${kind[1]}Id`];
  return { method, path: operation.startsWith("Create") || kind[2] ? collection : `${collection}/${id ?? ""}` };
}

/** How both management APIs (v1 and v2) answer requests they cannot serve. */
const MANAGEMENT_ERRORS: ServiceDefinition<CallContext>["errors"] = {
  validation: (message) => new AwsError("BadRequestException", message, 400),
  serialization: (message) => new AwsError("BadRequestException", `Invalid input: ${message}`, 400),
  unknownOperation: (req, { name, wrongMethod }) =>
    !req
      ? new AwsError("UnknownOperationException", `The operation ${name} is not supported by the local API Gateway`, 400)
      : wrongMethod
        ? new AwsError("MethodNotAllowedException", `Method ${req.method} is not allowed on ${req.path}`, 405)
        : new AwsError("NotFoundException", `No such resource: ${req.method} ${req.path}`, 404),
  malformedBody: (message) => new AwsError("BadRequestException", message, 400),
  accessDenied: (message) => new AwsError("AccessDeniedException", message, 403),
  internal: () => new AwsError("InternalServerErrorException", "Internal server error", 500),
};

/**
 * What a v1 (REST API) operation is authorized as: apigateway:{METHOD} on the path the
 * operation is sent to (`/restapis/{id}/resources`), as AWS names REST API resources.
 */
function restIamTarget(operation: string, input: Record<string, any>): { method: string; path: string } {
  const op = restApiModel.operations[operation as keyof typeof restApiModel.operations] as { input?: string; http: { method: string; requestUri: string } };
  const members: Record<string, any> = op.input ? ((restApiModel.shapes as Record<string, any>)[op.input]?.members ?? {}) : {};
  const byLocation = new Map<string, string>();
  for (const [name, traits] of Object.entries(members)) if (traits?.location === "uri") byLocation.set(traits.locationName, name);
  const path = op.http.requestUri.replace(/\?.*$/, "").replace(/\{([^}+]+)\+?\}/g, (_m, loc: string) => String(input[byLocation.get(loc) ?? loc] ?? ""));
  return { method: op.http.method, path };
}

type Doc = Record<string, any>;

/** Operations as a host runs them, each authorized as apigateway:{METHOD} on arn:aws:apigateway:{region}::{its resource path}. */
function authorizedAs(ops: Record<string, (input: Doc, ctx: CallContext) => unknown>, target: (operation: string, input: Doc) => { method: string; path: string }) {
  return Object.fromEntries(
    Object.entries(ops).map(([name, run]) => [
      name,
      {
        iam: (i: Doc, ctx: CallContext) => {
          const { method, path } = target(name, i);
          return { action: `apigateway:${method}`, resource: `arn:aws:apigateway:${ctx.region}::${path}` };
        },
        run: (i: Doc, ctx: CallContext) => run(i, ctx),
      },
    ]),
  );
}

export class ApiGatewayV2Service implements Service {
  readonly signingName = "apigateway";
  readonly store: ApiGatewayStore;
  private readonly management: ManagementApi;
  private readonly domains: DomainNames;
  private readonly dataPlane: DataPlane;
  /** Client connections of WebSocket APIs, and their routing. */
  readonly webSockets: WebSocketGateway;
  private readonly iam: IamAuthCloud;
  private readonly region: string;
  /** REST APIs (v1): in-process management for CloudFormation, and their data plane. */
  private readonly restApis: RestApiManagement;
  private readonly restDataPlane: RestDataPlane;
  private readonly apiKeys: ApiKeys;
  private readonly inProcessRestOperations: Record<string, (input: Record<string, any>) => Record<string, any>>;
  private readonly host: OperationHost<CallContext>;
  /** The v1 (REST API) management API on the wire: /restapis, /apikeys, /usageplans. */
  private readonly restHost: OperationHost<CallContext>;
  private readonly endpoint: () => string;
  /** Sessions of the roles REST API service integrations call as. */
  private readonly roleSessions = new Map<string, SessionCredentials>();

  constructor({ kernel }: ServiceDeps) {
    this.endpoint = () => kernel.endpoint;
    this.store = new ApiGatewayStore(kernel.openDatabase("apigatewayv2"));
    this.management = new ManagementApi({ store: this.store, region: kernel.region, endpoint: () => kernel.endpoint });
    this.domains = new DomainNames({ store: this.store, endpoint: () => kernel.endpoint, apiExists: (id) => !!this.store.get(id, "api", id) });
    // One invoker for every request (kernel.clients.lambda finds the Lambda service when called).
    const lambda = invokerOf(kernel.clients.lambda);
    const clients = kernel.clients as unknown as Record<string, { call(op: string, input: any, ctx?: any): Promise<any> } | undefined>;
    // Tokens of the local cloud's own user pools are verified against their keys in-process.
    const jwks = new JwksCache(undefined, undefined, undefined, undefined, localUserPoolKeys(kernel.clients));
    this.dataPlane = new DataPlane({
      jwks,
      store: this.store,
      region: kernel.region,
      events: kernel.events,
      lambda: () => lambda,
      logs: () => kernel.clients.logs,
      iam: kernel,
      awsService: (name) => clients[name],
    });
    this.iam = kernel;
    this.region = kernel.region;
    this.webSockets = new WebSocketGateway({
      region: kernel.region,
      stageView: (apiId, stage) => this.dataPlane.stageView(apiId, stage),
      lambda: () => lambda,
      iam: kernel,
    });
    this.restApis = new RestApiManagement(this.store, kernel.region);
    this.restDataPlane = new RestDataPlane({
      jwks,
      store: this.store,
      region: kernel.region,
      events: kernel.events,
      lambda: () => lambda,
      iam: kernel,
      logs: () => kernel.clients.logs,
      wire: {
        endpoint: () => kernel.endpoint,
        credentialsFor: (roleArn) => {
          const role = kernel.identity.role(roleArn);
          if (!role || !serviceMayAssume(role.assumeRolePolicyDocument, "apigateway.amazonaws.com")) return undefined;
          // one session per role, renewed well before it expires (issuing one writes to IAM's store)
          const held = this.roleSessions.get(role.arn);
          if (held && held.expiration.getTime() - Date.now() > 10 * 60_000) return held;
          const session = kernel.identity.issueSessionCredentials(role.arn, "apigateway", 3600);
          this.roleSessions.set(role.arn, session);
          return session;
        },
      },
    });
    this.apiKeys = new ApiKeys(this.store);
    this.inProcessRestOperations = { ...this.restApis.operations, ...this.apiKeys.operations };
    const ops = { ...this.management.operations, ...this.domains.operations, ...routeResponseOperations(this.store, (id) => this.management.api(id)) };
    const clash = Object.keys(this.inProcessRestOperations).find((name) => name in ops);
    if (clash) throw new Error(`apigateway: the REST API operation ${clash} would hide the HTTP API operation of that name`);
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [apigatewayModel],
      operations: authorizedAs(ops, iamTarget),
      context: (ctx) => ctx,
      errors: MANAGEMENT_ERRORS,
      // CloudFormation hands over properties as templates have them ("30000", "true"); its
      // provider converts the members whose type is a number or a boolean (coerce.ts).
      inProcessInput: coerceInput,
    });
    const restWire = new RestWireApi(this.store, (id) => this.restApis.arn(id), this.apiKeys, this.restDataPlane);
    this.restHost = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [restApiModel],
      operations: authorizedAs(restWire.operations, restIamTarget),
      context: (ctx) => ctx,
      errors: {
        ...MANAGEMENT_ERRORS,
        // the v1 API has many more operations (create-rest-api, put-method, …); these are not a client's mistake
        unknownOperation: (req, { name }) =>
          new AwsError("NotImplemented", `The local cloud's API Gateway does not implement ${req ? `${req.method} ${req.path}` : name} for REST APIs: they are made with CloudFormation, and read, given API keys and test-invoked over the wire`, 501),
      },
    });
  }

  /** v2 (HTTP and WebSocket APIs) lives under /v2/; every other path is the v1 (REST API) management API. */
  handle(req: AwsRequest): Promise<AwsResponse> {
    return req.path.startsWith("/v2/") ? this.host.handle(req) : this.restHost.handle(req);
  }

  /**
   * A v2 model operation (HTTP APIs), or one of the in-process REST API operations
   * CloudFormation uses (rest/management.ts, rest/api-keys.ts: CloudFormation's property names).
   */
  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const rest = this.inProcessRestOperations[operation];
    if (rest) return rest(input ?? {});
    return this.host.call(operation, input, ctx);
  }

  /** The execute-api data plane: `path` is what follows /_aws/execute-api/{apiId} ("/" when empty). */
  handleExecuteApi(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    // A WebSocket API's endpoint answers HTTP only for its management API (@connections).
    if (this.isWebSocketApi(apiId)) {
      const answer = serveManagement(req, apiId, path, { region: this.region, gateway: this.webSockets, iam: this.iam });
      return Promise.resolve(answer ?? { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "Forbidden" }) });
    }
    if (this.restDataPlane.serves(apiId)) return this.restDataPlane.handle(req, apiId, path);
    return this.dataPlane.handle(req, apiId, path);
  }

  /**
   * A WebSocket handshake to `apiId` (`path` is `/{stage}`, query included); `signed` is
   * the handshake as a request (for IAM authorization). Answers on the socket.
   */
  handleWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, apiId: string, path: string, signed: AwsRequest): Promise<void> {
    return this.webSockets.upgrade(req, socket, head, apiId, path, signed);
  }

  /** The API, stage and path a custom domain's local host (`chat.example.com.localhost`) maps `path` to. */
  resolveCustomDomain(host: string, path: string): { apiId: string; stage: string; path: string } | undefined {
    return this.domains.resolve(host, path);
  }

  /** From the data plane's cached snapshot: HTTP API requests pay no SQLite read for this. */
  private isWebSocketApi(apiId: string): boolean {
    return this.dataPlane.apiDocument(apiId)?.ProtocolType === "WEBSOCKET";
  }

  /**
   * A request on a custom domain's local host (`api.example.com.localhost:4570`):
   * served by the mapped API, or undefined when the host is no custom domain.
   */
  handleCustomDomain(req: AwsRequest): Promise<AwsResponse> | undefined {
    const target = this.domains.resolve(req.headers.host ?? "", req.path || "/");
    if (!target) return undefined;
    const path = target.stage === "$default" ? target.path : `/${target.stage}${target.path === "/" ? "" : target.path}`;
    return this.dataPlane.handle(req, target.apiId, path);
  }

  /** Resolves once pending access-log writes are done (tests, shutdown). */
  async flushAccessLogs(): Promise<void> {
    await Promise.all([this.dataPlane.accessLogs.flush(), this.restDataPlane.accessLogs.flush()]);
  }

  async close(): Promise<void> {
    this.webSockets.close();
    await this.flushAccessLogs();
  }

  /** The local invoke URL of a REST API, without its stage (the RestApi's LocalEndpoint attribute). */
  restApiEndpoint(restApiId: string): string {
    return `${this.endpoint()}/_aws/execute-api/${restApiId}`;
  }

  /** The local invoke URL of an API (what ApiEndpoint reports). */
  apiEndpoint(apiId: string): string {
    return `${this.endpoint()}/_aws/execute-api/${apiId}`;
  }
}
