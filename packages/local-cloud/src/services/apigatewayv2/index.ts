/**
 * API Gateway v2 (HTTP APIs): the management API (REST-JSON under /v2/…, SigV4
 * signing name "apigateway"), its in-process `call()` used by CloudFormation, and the
 * execute-api data plane the kernel routes /_aws/execute-api/{apiId}/… to.
 */
import type { EventEmitter } from "node:events";
import type { Database } from "better-sqlite3";
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID, type AwsRequest, type AwsResponse, type CallContext, type Principal, type Service } from "../../types.js";
import { DataPlane } from "./data-plane.js";
import type { LambdaInvoker } from "./lambda-invoke.js";
import { coerceInput, inputTypeProblem } from "./coerce.js";
import { ManagementApi } from "./management.js";
import { parseRestJson, restJsonError, restJsonResponse } from "./rest-json.js";
import { ApiGatewayStore } from "./store.js";
import { DomainNames } from "./domain-names.js";

/** The slice of LocalCloud this service uses (structural, so tests can hand in a fake). */
export interface ApiGatewayCloud {
  readonly region: string;
  readonly endpoint: string;
  readonly events?: EventEmitter;
  readonly lambda?: LambdaInvoker;
  readonly logs?: { call(operation: string, input: any): Promise<any> };
  openDatabase(name: string): Database;
  lookupAccessKey?(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  authorize(ctx: CallContext, action: string, resources: string | string[], deny?: (message: string) => AwsError): void;
}

const ADMIN: Principal = { accessKeyId: "test", arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true };

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

  constructor(private readonly deps: { cloud: ApiGatewayCloud }) {
    const { cloud } = deps;
    this.store = new ApiGatewayStore(cloud.openDatabase("apigatewayv2"));
    this.management = new ManagementApi({ store: this.store, region: cloud.region, endpoint: () => cloud.endpoint });
    this.domains = new DomainNames({ store: this.store, endpoint: () => cloud.endpoint, apiExists: (id) => !!this.store.get(id, "api", id) });
    this.dataPlane = new DataPlane({
      store: this.store, region: cloud.region, events: cloud.events, lambda: () => cloud.lambda, logs: () => cloud.logs, iam: cloud,
      awsService: (name) => (cloud as unknown as Record<string, { call(op: string, input: any, ctx?: any): Promise<any> } | undefined>)[name],
    });
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const parsed = parseRestJson(req);
      const output = await this.call(parsed.operation, parsed.input, { principal: req.principal, region: req.region, requestId: req.requestId });
      return restJsonResponse(output, parsed.status, req.requestId);
    } catch (err) {
      if (err instanceof AwsError) return restJsonError(err, req.requestId);
      console.error("[local-cloud] apigateway failed", err);
      return restJsonError(new AwsError("InternalServerErrorException", "Internal server error", 500), req.requestId);
    }
  }

  async call(operation: string, input: any, ctx: Partial<CallContext> = {}): Promise<any> {
    const op = this.management.operations[operation] ?? this.domains.operations[operation];
    if (!op) throw new AwsError("UnknownOperationException", `The operation ${operation} is not supported by the local API Gateway`, 400);
    const context: CallContext = {
      region: ctx.region ?? this.deps.cloud.region,
      principal: ctx.principal ?? ADMIN,
      requestId: ctx.requestId ?? "",
    };
    const args = coerceInput(input ?? {});
    const problem = inputTypeProblem(args);
    if (problem) throw new AwsError("BadRequestException", problem, 400);
    if (!context.principal.admin) {
      const { method, path } = iamTarget(operation, args);
      this.deps.cloud.authorize(context, `apigateway:${method}`, `arn:aws:apigateway:${context.region}::${path}`);
    }
    return op(args);
  }

  /** The execute-api data plane: `path` is what follows /_aws/execute-api/{apiId} ("/" when empty). */
  handleExecuteApi(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    return this.dataPlane.handle(req, apiId, path);
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
    await this.flushAccessLogs();
  }

  /** The local invoke URL of an API (what ApiEndpoint reports). */
  apiEndpoint(apiId: string): string {
    return `${this.deps.cloud.endpoint}/_aws/execute-api/${apiId}`;
  }
}
