/**
 * API Gateway v2 (HTTP APIs): the management API (REST-JSON under /v2/…, SigV4
 * signing name "apigateway"), its in-process `call()` used by CloudFormation, and the
 * execute-api data plane the kernel routes /_aws/execute-api/{apiId}/… to.
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import apigatewayModel from "../../wire/models/apigatewayv2.js";
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
  private readonly host: OperationHost<CallContext>;
  private readonly endpoint: () => string;

  constructor({ kernel }: ServiceDeps) {
    this.endpoint = () => kernel.endpoint;
    this.store = new ApiGatewayStore(kernel.openDatabase("apigatewayv2"));
    this.management = new ManagementApi({ store: this.store, region: kernel.region, endpoint: () => kernel.endpoint });
    this.domains = new DomainNames({ store: this.store, endpoint: () => kernel.endpoint, apiExists: (id) => !!this.store.get(id, "api", id) });
    const clients = kernel.clients as unknown as Record<string, { call(op: string, input: any, ctx?: any): Promise<any> } | undefined>;
    this.dataPlane = new DataPlane({
      store: this.store,
      region: kernel.region,
      events: kernel.events,
      lambda: () => invokerOf(kernel.clients.lambda),
      logs: () => kernel.clients.logs,
      iam: kernel,
      awsService: (name) => clients[name],
    });
    this.iam = kernel;
    this.region = kernel.region;
    this.webSockets = new WebSocketGateway({
      region: kernel.region,
      stageView: (apiId, stage) => this.dataPlane.stageView(apiId, stage),
      lambda: () => invokerOf(kernel.clients.lambda),
      iam: kernel,
    });
    const ops = { ...this.management.operations, ...this.domains.operations, ...routeResponseOperations(this.store, (id) => this.management.api(id)) };
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [apigatewayModel],
      operations: Object.fromEntries(
        Object.entries(ops).map(([name, run]) => [
          name,
          {
            // apigateway:{METHOD} on arn:aws:apigateway:{region}::{resource path}
            iam: (i: Record<string, any>, ctx: CallContext) => {
              const { method, path } = iamTarget(name, i);
              return { action: `apigateway:${method}`, resource: `arn:aws:apigateway:${ctx.region}::${path}` };
            },
            run: (i: Record<string, any>) => run(i),
          },
        ]),
      ),
      context: (ctx) => ctx,
      errors: {
        validation: (message) => new AwsError("BadRequestException", message, 400),
        serialization: (message) => new AwsError("BadRequestException", `Invalid input: ${message}`, 400),
        unknownOperation: (req, { name, wrongMethod }) =>
          !req
            ? new AwsError("UnknownOperationException", `The operation ${name} is not supported by the local API Gateway`, 400)
            : wrongMethod
              ? new AwsError("MethodNotAllowedException", `Method ${req.method} is not allowed on ${req.path}`, 405)
              : new AwsError("NotFoundException", `No such resource: ${req.method} ${req.path}`, 404),
        malformedBody: (message) => new AwsError("BadRequestException", message, 400),
        internal: () => new AwsError("InternalServerErrorException", "Internal server error", 500),
      },
      // CloudFormation hands over properties as templates have them ("30000", "true"); its
      // provider converts the members whose type is a number or a boolean (coerce.ts).
      inProcessInput: coerceInput,
    });
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.host.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.host.call(operation, input, ctx);
  }

  /** The execute-api data plane: `path` is what follows /_aws/execute-api/{apiId} ("/" when empty). */
  handleExecuteApi(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    // A WebSocket API's endpoint answers HTTP only for its management API (@connections).
    if (this.isWebSocketApi(apiId)) {
      const answer = serveManagement(req, apiId, path, { region: this.region, gateway: this.webSockets, iam: this.iam });
      return Promise.resolve(answer ?? { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "Forbidden" }) });
    }
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

  private isWebSocketApi(apiId: string): boolean {
    return this.store.get<Record<string, any>>(apiId, "api", apiId)?.ProtocolType === "WEBSOCKET";
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
  flushAccessLogs(): Promise<void> {
    return this.dataPlane.accessLogs.flush();
  }

  async close(): Promise<void> {
    this.webSockets.close();
    await this.flushAccessLogs();
  }

  /** The local invoke URL of an API (what ApiEndpoint reports). */
  apiEndpoint(apiId: string): string {
    return `${this.endpoint()}/_aws/execute-api/${apiId}`;
  }
}
