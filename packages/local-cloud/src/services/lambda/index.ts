/**
 * The Lambda API (rest-json, signing name "lambda"): functions, versions, aliases,
 * permissions, invocations and event source mappings, backed by SQLite and the worker
 * runtime in runtime/. Also the in-process surface `sst dev` uses (code resolver,
 * recycle, invoke).
 */
import { AwsError } from "../../server/aws-error.js";
import type { Kernel, ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { OperationHost } from "../../wire/host.js";
import lambdaModel from "../../wire/models/lambda.js";
import { AsyncInvoker } from "./runtime/async-invoker.js";
import type { LambdaCloud } from "./runtime/cloud-deps.js";
import { MappingPollers } from "./runtime/pollers/mapping-pollers.js";
import { LambdaRuntime, type CodeResolver } from "./runtime/runtime.js";
import { ACCOUNT_CONCURRENCY } from "./runtime/concurrency.js";
import { lambdaErrorBody, lambdaErrorResponse } from "./errors.js";
import { EventInvokeConfigOperations } from "./event-invoke-configs.js";
import { EventSourceMappingOperations } from "./event-source-mappings.js";
import { FunctionOperations } from "./functions.js";
import { serveFunctionUrl } from "./function-url-plane.js";
import { FunctionUrlOperations } from "./function-urls.js";
import { InvokeOperation, type InvokeOutput } from "./invoke.js";
import { lambdaCloud } from "./lambda-cloud.js";
import { lambdaOperations } from "./operations.js";
import { PermissionOperations } from "./permissions.js";
import { LambdaStore } from "./store.js";
import { parseFunctionRef } from "./names.js";
import { INVOKE_TRUSTED_JSON } from "../../kernel/trusted-json.js";

/**
 * Local-only, in-process operation (no route reaches it): ends a function's warm
 * execution environments once what runs there finished. CloudFormation calls it after
 * invoking a custom resource's handler, which nothing invokes again before the next
 * deploy, so its process (80 MB for CDK's 1024 MB handlers) does not idle for minutes.
 */
export const RELEASE_ENVIRONMENTS = "ReleaseExecutionEnvironments";

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
  private readonly cloud: LambdaCloud & Kernel;
  private readonly host: OperationHost<CallContext>;

  constructor({ kernel }: ServiceDeps, opts: LambdaServiceOptions = {}) {
    this.cloud = lambdaCloud(kernel);
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
        roleOf: (fnArn) => {
          try {
            return this.functions.resolve(fnArn).stored.config.Role;
          } catch {
            return undefined;
          }
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
    this.host = new OperationHost<CallContext>(kernel, {
      signingName: this.signingName,
      models: [lambdaModel],
      operations: lambdaOperations({
        region: kernel.region,
        accountId: kernel.accountId,
        store: this.store,
        functions: this.functions,
        permissions: this.permissions,
        mappings: this.mappings,
        urls: this.urls,
        invokeConfigs: this.invokeConfigs,
        invoker: this.invoker,
        accountSettings: () => accountSettings(this.store.listLatest().reduce((n, f) => n + f.config.CodeSize, 0), this.store.listLatest().length, this.functions.reservedConcurrencyTotal()),
      }),
      context: (ctx) => ctx,
      errors: {
        validation: (message) => new AwsError("ValidationException", message, 400),
        accessDenied: (message) => new AwsError("AccessDeniedException", message, 403),
        unknownOperation: (req, { name }) => new AwsError("UnknownOperationException", req ? `Unknown operation ${req.method} ${req.path}` : `Unknown operation ${name}`, 404),
        malformedBody: (message) => new AwsError("InvalidRequestContentException", message, 400),
        serialization: (message) => new AwsError("InvalidRequestContentException", `Could not parse request body into json: ${message}`, 400),
        internal: (err) => new AwsError("ServiceException", `An internal error occurred: ${err instanceof Error ? err.message : String(err)}`, 500),
      },
      restJson: { errorBody: lambdaErrorBody },
    });
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

  // --- the wire and in process -----------------------------------------------------

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.host.handle(req);
  }

  /** A model operation, or the local-only ReleaseExecutionEnvironments (see there) or InvokeTrustedJson (kernel/trusted-json.ts). */
  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (operation === INVOKE_TRUSTED_JSON) return this.invoker.invokeTrusted(input.FunctionName, input.Payload, ctx?.requestId ?? globalThis.crypto.randomUUID());
    if (operation === RELEASE_ENVIRONMENTS) {
      this.runtime.recycle(parseFunctionRef(input?.FunctionName).name);
      return Promise.resolve({});
    }
    return this.host.call(operation, input, ctx);
  }

  /** The data plane of function URLs: `/_aws/lambda-url/{urlId}/…` (routed by the kernel). */
  handleFunctionUrl(req: AwsRequest, rest: string): Promise<AwsResponse> {
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
        lookupAccessKey: (id, headers) => this.cloud.lookupAccessKey(id, headers),
        authorize: (ctx, action, resource, deny) => this.cloud.authorize(ctx, action, resource, deny),
      },
      req,
      rest,
    ).catch((err) => lambdaErrorResponse(err, req.requestId));
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


