/**
 * The Lambda API (rest-json, signing name "lambda"): functions, versions, aliases,
 * permissions, invocations and event source mappings, backed by SQLite and the worker
 * runtime in src/lambda. Also the in-process surface `sst dev` uses (code resolver,
 * recycle, invoke).
 */
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID, ADMIN_ACCESS_KEY_ID, type AwsRequest, type AwsResponse, type CallContext, type Service, type ServiceDeps } from "../../types.js";
import { AsyncInvoker } from "../../lambda/async-invoker.js";
import type { LambdaCloud } from "../../lambda/cloud-deps.js";
import { MappingPollers } from "../../lambda/pollers/mapping-pollers.js";
import { LambdaRuntime, type CodeResolver } from "../../lambda/runtime.js";
import { ACCOUNT_CONCURRENCY } from "../../lambda/concurrency.js";
import { lambdaErrorResponse } from "./errors.js";
import { EventInvokeConfigOperations } from "./event-invoke-configs.js";
import { EventSourceMappingOperations } from "./event-source-mappings.js";
import { FunctionOperations } from "./functions.js";
import { serveFunctionUrl } from "./function-url-plane.js";
import { FunctionUrlOperations } from "./function-urls.js";
import { InvokeOperation, type InvokeOutput } from "./invoke.js";
import { functionArn, parseFunctionRef } from "./names.js";
import { PermissionOperations } from "./permissions.js";
import { routeRequest } from "./rest-routes.js";
import { LambdaStore } from "./store.js";

const ADMIN: CallContext["principal"] = { accessKeyId: ADMIN_ACCESS_KEY_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, admin: true };

export interface LambdaServiceOptions {
  /** Delays between the retries of failed asynchronous invocations. @default [1000, 2000] */
  asyncRetryDelaysMs?: number[];
  /** Execution environments per function on this machine (beyond them invocations wait). @default max(2, cores) */
  maxConcurrency?: number;
}

export class LambdaService implements Service {
  readonly signingName = "lambda";
  readonly runtime: LambdaRuntime;
  readonly store: LambdaStore;
  readonly functions: FunctionOperations;
  readonly permissions: PermissionOperations;
  readonly mappings: EventSourceMappingOperations;
  readonly asyncInvoker: AsyncInvoker;
  readonly urls: FunctionUrlOperations;
  readonly invokeConfigs: EventInvokeConfigOperations;
  private readonly invoker: InvokeOperation;
  private readonly pollers: MappingPollers;
  private readonly cloud: LambdaCloud;

  constructor(deps: ServiceDeps, opts: LambdaServiceOptions = {}) {
    this.cloud = deps.cloud as unknown as LambdaCloud;
    this.store = new LambdaStore(this.cloud.openDatabase("lambda"));
    this.urls = new FunctionUrlOperations(this.cloud, this.store, this.cloud.openDatabase("lambda"));
    this.runtime = new LambdaRuntime(this.cloud, {
      maxConcurrency: opts.maxConcurrency,
      reservedConcurrencyTotal: () => this.functions.reservedConcurrencyTotal(),
    });
    this.functions = new FunctionOperations(this.cloud, this.store, this.runtime);
    this.permissions = new PermissionOperations(this.cloud, this.store);
    this.asyncInvoker = new AsyncInvoker(opts.asyncRetryDelaysMs);
    this.invokeConfigs = new EventInvokeConfigOperations(this.cloud, this.store, this.cloud.openDatabase("lambda"));
    this.invoker = new InvokeOperation(this.cloud, this.functions, this.runtime, this.asyncInvoker, this.invokeConfigs);
    this.pollers = new MappingPollers(
      {
        cloud: this.cloud,
        invoke: async (fnArn, event) => {
          const { resolved, definition } = this.functions.invocationTarget(fnArn);
          return this.runtime.invoke(definition, JSON.stringify(event), { invokedFunctionArn: resolved.invokedArn });
        },
        reportResult: (uuid, result) => {
          const m = this.store.getMapping(uuid);
          if (m && m.LastProcessingResult !== result) this.store.putMapping({ ...m, LastProcessingResult: result });
        },
        log: (message) => this.cloud.events.emit("lambda:poller", { message }),
      },
      { list: () => this.store.listMappings(), get: (uuid) => this.store.getMapping(uuid) },
    );
    this.mappings = new EventSourceMappingOperations(this.cloud, this.store, this.functions, (uuid) => this.pollers.sync(uuid));
  }

  start(): void {
    this.pollers.start();
  }

  async close(): Promise<void> {
    this.asyncInvoker.close();
    // Stop the pollers first so they start nothing new, then end the workers (which
    // ends any invocation a poller still waits on), then wait for the pollers.
    const pollersStopped = this.pollers.stop();
    this.runtime.close();
    await pollersStopped;
    // The last invocations' lines, while CloudWatch Logs still runs (it closes after this service).
    await this.runtime.logs.flush();
  }

  // --- the wire --------------------------------------------------------------------

  async handle(req: AwsRequest): Promise<AwsResponse> {
    try {
      const routed = routeRequest(req);
      const ctx: CallContext = { region: req.region, principal: req.principal, requestId: req.requestId };
      const output = await this.call(routed.operation, routed.input, ctx);
      if (routed.operation === "Invoke") return invokeResponse(output as InvokeOutput, req.requestId);
      if (routed.status === 204) return { status: 204, headers: { "x-amzn-requestid": req.requestId } };
      return {
        status: routed.status,
        headers: { "content-type": "application/json", "x-amzn-requestid": req.requestId },
        body: JSON.stringify(output ?? {}),
      };
    } catch (err) {
      return lambdaErrorResponse(toAwsError(err), req.requestId);
    }
  }

  // --- in process ------------------------------------------------------------------

  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    const context: CallContext = { region: ctx?.region ?? this.cloud.region, principal: ctx?.principal ?? ADMIN, requestId: ctx?.requestId ?? globalThis.crypto.randomUUID() };
    input = input ?? {};
    this.authorize(context, operation, input);
    switch (operation) {
      case "CreateFunction": return this.functions.createFunction(input);
      case "GetFunction": return this.functions.getFunction(input);
      case "GetFunctionConfiguration": return this.functions.getFunctionConfiguration(input);
      case "ListFunctions": return this.functions.listFunctions(input);
      case "DeleteFunction": return void this.functions.deleteFunction(input), this.urls.deleteForFunction(input.FunctionName), this.deleteInvokeConfigs(input), {};
      case "UpdateFunctionConfiguration": return this.functions.updateFunctionConfiguration(input);
      case "UpdateFunctionCode": return this.functions.updateFunctionCode(input);
      case "PublishVersion": return this.functions.publishVersion(input);
      case "ListVersionsByFunction": return this.functions.listVersionsByFunction(input);
      case "CreateAlias": return this.functions.createAlias(input);
      case "GetAlias": return this.functions.getAlias(input);
      case "UpdateAlias": return this.functions.updateAlias(input);
      case "DeleteAlias": return void this.functions.deleteAlias(input), {};
      case "ListAliases": return this.functions.listAliases(input);
      case "TagResource": return void this.functions.tagResource(input), {};
      case "UntagResource": return void this.functions.untagResource(input), {};
      case "ListTags": return this.functions.listTags(input);
      case "PutFunctionConcurrency": return this.functions.putFunctionConcurrency(input);
      case "GetFunctionConcurrency": return this.functions.getFunctionConcurrency(input);
      case "DeleteFunctionConcurrency": return void this.functions.deleteFunctionConcurrency(input), {};
      case "AddPermission": return this.permissions.addPermission(input);
      case "GetPolicy": return this.permissions.getPolicy(input);
      case "RemovePermission": return void this.permissions.removePermission(input), {};
      case "Invoke": return this.invoker.invoke(input, context.requestId);
      case "CreateEventSourceMapping": return this.mappings.create(input);
      case "GetEventSourceMapping": return this.mappings.get(input);
      case "ListEventSourceMappings": return this.mappings.list(input);
      case "UpdateEventSourceMapping": return this.mappings.update(input);
      case "DeleteEventSourceMapping": return this.mappings.delete(input);
      case "CreateFunctionUrlConfig": return this.urls.create(input);
      case "GetFunctionUrlConfig": return this.urls.getConfig(input);
      case "UpdateFunctionUrlConfig": return this.urls.update(input);
      case "DeleteFunctionUrlConfig": return void this.urls.delete(input), {};
      case "ListFunctionUrlConfigs": return this.urls.list(input);
      case "PutFunctionEventInvokeConfig": return this.invokeConfigs.put(input);
      case "UpdateFunctionEventInvokeConfig": return this.invokeConfigs.update(input);
      case "GetFunctionEventInvokeConfig": return this.invokeConfigs.get(input);
      case "DeleteFunctionEventInvokeConfig": return void this.invokeConfigs.delete(input), {};
      case "ListFunctionEventInvokeConfigs": return this.invokeConfigs.list(input);
      case "GetAccountSettings": return accountSettings(this.store.listLatest().reduce((n, f) => n + f.config.CodeSize, 0), this.store.listLatest().length, this.functions.reservedConcurrencyTotal());
      default:
        throw new AwsError("UnknownOperationException", `Unknown operation ${operation}`, 404);
    }
  }

  /** Deleting the whole function (no qualifier) drops its asynchronous invocation settings. */
  private deleteInvokeConfigs(input: any): void {
    if (!input.Qualifier && !String(input.FunctionName).split(":")[7]) this.invokeConfigs.deleteForFunction(input.FunctionName);
  }

  /** The data plane of function URLs: `/_aws/lambda-url/{urlId}/…` (routed by the kernel). */
  handleFunctionUrl(req: AwsRequest, rest: string): Promise<AwsResponse> {
    const cloud = this.cloud as any;
    return serveFunctionUrl(
      {
        region: this.cloud.region,
        accountId: this.cloud.accountId,
        urls: this.urls,
        invoker: this,
        permissions: (name, qualifier) => this.store.permissions(name, qualifier),
        timeoutOf: (name, qualifier) => {
          try {
            return this.functions.resolve(name, qualifier || undefined).stored.config.Timeout;
          } catch {
            return undefined;
          }
        },
        lookupAccessKey: (id, headers) => cloud.lookupAccessKey(id, headers),
        authorize: (ctx, action, resource, deny) => cloud.authorize(ctx, action, resource, deny),
      },
      req,
      rest,
    ).catch((err) => lambdaErrorResponse(toAwsError(err), req.requestId));
  }

  // --- sst dev ---------------------------------------------------------------------

  /** sst dev runs functions from source: when the resolver returns a file, workers load it instead of the deployed code. */
  setCodeResolver(resolver?: CodeResolver): void {
    this.runtime.setCodeResolver(resolver);
  }

  /** End warm workers (of one function, or all) so the next invocation cold-starts. */
  recycle(functionName?: string): void {
    this.runtime.recycle(functionName);
  }

  /**
   * Invoke, in process. `logType: "None"` skips the log tail (API Gateway's integration
   * has no use for it); a payload given as an object is serialized here and trusted to
   * be JSON. Throws Lambda's errors (a throttle is TooManyRequestsException, 429).
   */
  async invoke(
    functionName: string,
    payload: unknown,
    opts: { invocationType?: "RequestResponse" | "Event"; logType?: "None" | "Tail"; trustedJson?: boolean } = {},
  ): Promise<{ statusCode: number; payload: Buffer; functionError?: string; logResult?: string }> {
    const own = !(typeof payload === "string" || payload instanceof Uint8Array);
    const out: InvokeOutput = await this.invoker.invoke(
      {
        FunctionName: functionName,
        InvocationType: opts.invocationType ?? "RequestResponse",
        LogType: opts.logType ?? "Tail",
        Payload: own ? JSON.stringify(payload ?? {}) : payload,
      },
      globalThis.crypto.randomUUID(),
      { trustedJson: own || opts.trustedJson },
    );
    const body = out.Payload;
    return { statusCode: out.StatusCode, payload: Buffer.isBuffer(body) ? body : Buffer.from(body), functionError: out.FunctionError, logResult: out.LogResult };
  }

  /** IAM: the action each operation needs, on the resource it addresses. */
  private authorize(ctx: CallContext, operation: string, input: any): void {
    if (ctx.principal.admin) return;
    const action = operation === "Invoke" ? "lambda:InvokeFunction" : `lambda:${operation}`;
    let resource = "*";
    let conditionContext: Record<string, string> | undefined;
    if (input.FunctionName !== undefined && !/EventSourceMapping/.test(operation)) {
      try {
        const ref = parseFunctionRef(input.FunctionName, input.Qualifier);
        resource = functionArn(this.cloud.region, this.cloud.accountId, ref.name, ref.qualifier);
        conditionContext = resourceTagContext(this.store.getFunction(ref.name)?.tags);
      } catch {
        // A malformed name fails validation in the operation itself.
      }
    } else if (typeof input.Resource === "string") resource = input.Resource;
    else if (typeof input.UUID === "string") resource = `arn:aws:lambda:${this.cloud.region}:${this.cloud.accountId}:event-source-mapping:${input.UUID}`;
    this.cloud.authorize(ctx, action, resource, (message) => new AwsError("AccessDeniedException", message, 403), conditionContext);
  }
}

/** A function's tags as the `aws:ResourceTag/<key>` condition keys policies may test. */
function resourceTagContext(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

function invokeResponse(out: InvokeOutput, requestId: string): AwsResponse {
  const headers: Record<string, string> = { "content-type": "application/json", "x-amzn-requestid": requestId };
  if (out.FunctionError) headers["x-amz-function-error"] = out.FunctionError;
  if (out.LogResult) headers["x-amz-log-result"] = out.LogResult;
  if (out.ExecutedVersion) headers["x-amz-executed-version"] = out.ExecutedVersion;
  return { status: out.StatusCode, headers, body: Buffer.isBuffer(out.Payload) ? out.Payload : Buffer.from(out.Payload) };
}

/** Unexpected failures become a 500 ServiceException instead of escaping into the server. */
function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AwsError("ServiceException", `An internal error occurred: ${message}`, 500);
}

function accountSettings(totalCodeSize: number, functionCount: number, reserved: number) {
  return {
    AccountLimit: {
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: ACCOUNT_CONCURRENCY,
      UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reserved,
    },
    AccountUsage: { TotalCodeSize: totalCodeSize, FunctionCount: functionCount },
  };
}


