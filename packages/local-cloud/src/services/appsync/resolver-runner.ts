/**
 * Runs one field's resolver as AppSync does:
 * - UNIT: the request handler (a VTL request mapping template, or the `request` export of
 *   APPSYNC_JS code) makes the data source's request, the data source answers, the
 *   response handler shapes `$ctx.result`; a Lambda data source with neither is a direct
 *   resolver, called with AppSync's whole context as its event.
 * - PIPELINE: the resolver's before handler, each function in order (each a unit of its
 *   own: its result is the next one's `$ctx.prev.result`), then the after handler; the
 *   stash is shared by all of them.
 * Data sources: NONE (the request's payload is the result), AWS_LAMBDA (`Invoke`, and
 * `BatchInvoke` — with MaxBatchSize on a direct resolver, or asked by the request — which
 * sends the sibling fields' requests of one GraphQL request as one array), AMAZON_DYNAMODB
 * (the local DynamoDB, dynamodb-resolver.ts), HTTP (its endpoint, http-resolver.ts),
 * RELATIONAL_DATABASE (the local RDS Data API as the data source's role, rds-resolver.ts).
 */
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import { renderMappingTemplate, type TemplateContext } from "./mapping-template.js";
import { DynamoRequestError, runDynamoDbRequest, type DynamoDbCaller } from "./dynamodb-resolver.js";
import { RdsRequestError, runRdsRequest, type RdsDataCaller } from "./rds-resolver.js";
import { ACCOUNT_ID } from "../../types.js";
import { HttpRequestError, runHttpRequest } from "./http-resolver.js";
import type { AppSyncJsRuntime, JsError, SubscriptionFilter } from "./js-runtime.js";

type Doc = Record<string, any>;

/** A resolver failure, reported in `errors` with AppSync's errorType. */
export class ResolverError extends Error {
  constructor(message: string, readonly errorType: string, readonly data: unknown = null, readonly errorInfo: unknown = null) {
    super(message);
  }
}

/** What the resolvers of one GraphQL request share: their errors beside the data, and Lambda batches. */
export interface RequestScope {
  /** `util.appendError` / `$util.appendError` entries, reported after the field errors. */
  appendedErrors: { path: readonly (string | number)[]; error: JsError }[];
  batches: Map<string, LambdaBatch>;
  /** Set by a subscription resolver's `extensions.setSubscriptionFilter`. */
  subscriptionFilter?: SubscriptionFilter;
}

/** The parts of `$ctx` that are the same for every step of one field. */
export interface FieldContext {
  /** The API's environment variables (`ctx.env`). */
  env: Record<string, string>;
  arguments: Doc;
  source: unknown;
  identity: unknown;
  request: Doc;
  info: Doc;
  path: readonly (string | number)[];
}

export interface ApiConfig {
  dataSources: Map<string, Doc>;
  functions: Map<string, Doc>;
}

export interface ResolverRunnerDeps {
  lambda: () => LambdaInvoker | undefined;
  dynamodb: () => DynamoDbCaller | undefined;
  rdsdata: () => RdsDataCaller | undefined;
  /** The cloud's region: a cluster given by identifier is in it unless its config says otherwise. */
  region: string;
  js: () => AppSyncJsRuntime;
}

const LAMBDA_TIMEOUT_MS = 30_000;
/** A template or handler that returns early (`runtime.earlyReturn`). */
class EarlyReturn {
  constructor(readonly value: unknown) {}
}

interface Step {
  ctx: Doc;
  stash: Doc;
}

export class ResolverRunner {
  constructor(private readonly deps: ResolverRunnerDeps) {}

  async run(api: ApiConfig, resolver: Doc, field: FieldContext, scope: RequestScope): Promise<unknown> {
    const stash: Doc = {};
    const where = `${field.info.parentTypeName}.${field.info.fieldName}`;
    if (resolver.Kind !== "PIPELINE") {
      const out = await this.unit(api, resolver, field, stash, null, scope, where);
      return out instanceof EarlyReturn ? out.value : out;
    }
    const before = await this.handler(resolver, "request", { ...this.base(field, stash), prev: null }, stash, scope, field.path);
    if (before instanceof EarlyReturn) return before.value;
    let prev: unknown = before === NO_HANDLER ? {} : before ?? {};
    for (const functionId of resolver.PipelineConfig?.Functions ?? []) {
      const fn = api.functions.get(functionId);
      if (!fn) throw new ResolverError(`No function ${functionId} for ${where}.`, "MappingTemplate");
      const out = await this.unit(api, fn, field, stash, { result: prev }, scope, where);
      prev = out instanceof EarlyReturn ? out.value : out;
    }
    const after = await this.handler(resolver, "response", { ...this.base(field, stash), prev: { result: prev }, result: prev }, stash, scope, field.path);
    return after instanceof EarlyReturn ? after.value : after === NO_HANDLER ? prev : after;
  }

  private base(field: FieldContext, stash: Doc): Doc {
    return { arguments: field.arguments, source: field.source ?? null, identity: field.identity ?? null, request: field.request, info: field.info, stash, env: field.env };
  }

  /** A unit resolver or a pipeline function: request, data source, response. */
  private async unit(api: ApiConfig, config: Doc, field: FieldContext, stash: Doc, prev: Doc | null, scope: RequestScope, where: string): Promise<unknown> {
    const dataSource = api.dataSources.get(config.DataSourceName);
    if (!dataSource) throw new ResolverError(`No data source ${config.DataSourceName} for ${where}.`, "MappingTemplate");
    const ctx = { ...this.base(field, stash), prev };
    let request: unknown;
    let direct = false;
    if (config.Code !== undefined || config.RequestMappingTemplate !== undefined) {
      request = await this.handler(config, "request", ctx, stash, scope, field.path);
      if (request instanceof EarlyReturn) return request;
    } else if (dataSource.Type === "AWS_LAMBDA") {
      direct = true;
      request = { operation: config.MaxBatchSize > 0 ? "BatchInvoke" : "Invoke", payload: { ...ctx, prev: prev ?? null } };
    } else {
      throw new ResolverError(`${where}: a ${dataSource.Type} data source needs a request mapping template or code.`, "MappingTemplate");
    }
    let result: unknown;
    let error: Doc | undefined;
    try {
      result = await this.callDataSource(dataSource, (request ?? {}) as Doc, config, scope);
    } catch (err) {
      // VTL and direct resolvers fail with the data source's error; JS response handlers see it as ctx.error and decide.
      if (config.Code === undefined || !(err instanceof ResolverError)) throw err;
      error = { message: err.message, type: err.errorType };
    }
    if (direct || (config.Code === undefined && config.ResponseMappingTemplate === undefined)) return result;
    const out = await this.handler(config, "response", { ...ctx, result: result ?? null, ...(error ? { error } : {}) }, stash, scope, field.path);
    return out === NO_HANDLER ? result : out;
  }

  /**
   * A request or response handler: the VTL template (its output parsed as JSON) or the JS
   * export. NO_HANDLER when there is neither.
   */
  private async handler(config: Doc, which: "request" | "response", ctx: Doc, stash: Doc, scope: RequestScope, path: readonly (string | number)[]): Promise<unknown> {
    if (config.Code !== undefined) {
      const out = await this.deps.js().call(String(config.Code), which, ctx);
      // The stash the code changed is what the next step sees.
      for (const k of Object.keys(stash)) delete stash[k];
      Object.assign(stash, out.stash ?? {});
      for (const error of out.appended ?? []) scope.appendedErrors.push({ path, error });
      if (out.extensions?.subscriptionFilter) scope.subscriptionFilter = out.extensions.subscriptionFilter;
      if (out.error) throw new ResolverError(out.error.message, out.error.type ?? "Code", out.error.data ?? null, out.error.info ?? null);
      return out.earlyReturn ? new EarlyReturn(out.value ?? null) : out.value ?? null;
    }
    const template = which === "request" ? config.RequestMappingTemplate : config.ResponseMappingTemplate;
    if (template === undefined) return NO_HANDLER;
    const rendered = renderMappingTemplate(template, ctx as TemplateContext);
    for (const error of rendered.appended) scope.appendedErrors.push({ path, error: { message: error.message, type: error.type ?? null, data: error.data ?? null, info: error.info ?? null } });
    // `#return(value)`: from a request template it skips the data source (or the pipeline), from a response template it is the result.
    if (rendered.returned) return which === "request" ? new EarlyReturn(rendered.returned.value) : rendered.returned.value;
    if (rendered.error) throw new ResolverError(rendered.error.message, rendered.error.type ?? "MappingTemplate", rendered.error.data ?? null, rendered.error.info ?? null);
    const text = rendered.output.trim();
    if (which === "request") {
      try {
        return JSON.parse(text);
      } catch {
        throw new ResolverError("Unable to parse the JSON document produced by the request mapping template.", "MappingTemplate");
      }
    }
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  private async callDataSource(dataSource: Doc, request: Doc, config: Doc, scope: RequestScope): Promise<unknown> {
    switch (dataSource.Type) {
      case "NONE":
        return request.payload ?? null;
      case "AWS_LAMBDA": {
        const fn = functionFromIntegrationUri(String(dataSource.LambdaConfig?.LambdaFunctionArn ?? ""));
        if (request.operation === "BatchInvoke") {
          const key = `${dataSource.Name}\n${config.FunctionId ?? `${config.TypeName}.${config.FieldName}`}`;
          let batch = scope.batches.get(key);
          if (!batch) {
            batch = new LambdaBatch((payloads) => this.invoke(fn, payloads), Number(config.MaxBatchSize) > 0 ? Number(config.MaxBatchSize) : 5, () => scope.batches.delete(key));
            scope.batches.set(key, batch);
          }
          return batch.add(request.payload ?? null);
        }
        return this.invoke(fn, request.payload ?? null);
      }
      case "AMAZON_DYNAMODB":
        return this.queryDynamoDb(dataSource, request);
      case "RELATIONAL_DATABASE":
        return this.queryRds(dataSource, request);
      case "HTTP":
        return runHttpRequest(String(dataSource.HttpConfig?.Endpoint ?? ""), request, LAMBDA_TIMEOUT_MS).catch((err) => {
          throw err instanceof HttpRequestError ? new ResolverError(err.message, err.errorType) : err;
        });
      default:
        throw new ResolverError(`The local cloud does not serve ${dataSource.Type} data sources (data source ${dataSource.Name}).`, "UnsupportedDataSource");
    }
  }

  private async queryDynamoDb(dataSource: Doc, request: Doc): Promise<unknown> {
    const dynamodb = this.deps.dynamodb();
    if (!dynamodb) throw new ResolverError("The local cloud has no DynamoDB service.", "DynamoDB:InternalFailure");
    try {
      return await runDynamoDbRequest(dynamodb, String(dataSource.DynamoDBConfig?.TableName ?? ""), request);
    } catch (err) {
      if (err instanceof DynamoRequestError) throw new ResolverError(err.message, "MappingTemplate");
      const code = (err as { code?: string; name?: string }).code ?? (err as Error).name;
      throw new ResolverError((err as Error).message, `DynamoDB:${code}`);
    }
  }

  /** The statements run as the data source's service role: its policy must allow the Data API and reading the secret. */
  private async queryRds(dataSource: Doc, request: Doc): Promise<string> {
    const rds = this.deps.rdsdata();
    if (!rds) throw new ResolverError("The local cloud has no RDS Data API service.", "RDSHttp:InternalFailure");
    const roleArn = String(dataSource.ServiceRoleArn ?? "");
    if (!roleArn) throw new ResolverError(`Data source ${dataSource.Name} has no service role to call the Data API with.`, "MappingTemplate");
    const principal = { accessKeyId: "", arn: roleArn, admin: false, roleArn };
    try {
      return await runRdsRequest(rds, dataSource, request, { region: this.deps.region, account: ACCOUNT_ID, principal, requestId: "" });
    } catch (err) {
      if (err instanceof RdsRequestError) throw new ResolverError(err.message, "MappingTemplate");
      const code = (err as { code?: string; name?: string }).code ?? (err as Error).name;
      throw new ResolverError((err as Error).message, `RDSHttp:${code}`);
    }
  }

  private async invoke(fn: string, payload: unknown): Promise<unknown> {
    const outcome = await invokeWithTimeout(this.deps.lambda(), fn, payload, LAMBDA_TIMEOUT_MS);
    if (outcome.kind === "function-error") {
      const err = safeJson(outcome.payload);
      throw new ResolverError(String(err?.errorMessage ?? "Lambda function failed"), "Lambda:Unhandled");
    }
    if (outcome.kind === "timeout") throw new ResolverError("Lambda function timed out", "Lambda:Unhandled");
    if (outcome.kind !== "ok") throw new ResolverError("Error invoking the Lambda function", "Lambda:Unhandled");
    return outcome.payload.length ? safeJson(outcome.payload) ?? null : null;
  }
}

const NO_HANDLER = Symbol("no handler");

/**
 * The requests one resolver makes while a GraphQL request resolves a list: gathered until
 * the resolution of that level is done (the next turn of the event loop), then sent in
 * arrays of at most `size`; the function answers with an array in the same order (an
 * entry `{errorMessage, errorType}` fails its field alone).
 */
export class LambdaBatch {
  private pending: { payload: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly send: (payloads: unknown[]) => Promise<unknown>, private readonly size: number, private readonly done: () => void) {}

  add(payload: unknown): Promise<unknown> {
    if (!this.pending.length) setImmediate(() => void this.flush());
    return new Promise((resolve, reject) => this.pending.push({ payload, resolve, reject }));
  }

  private async flush(): Promise<void> {
    const all = this.pending;
    this.pending = [];
    this.done();
    for (let i = 0; i < all.length; i += this.size) {
      const chunk = all.slice(i, i + this.size);
      try {
        const results = await this.send(chunk.map((c) => c.payload));
        if (!Array.isArray(results) || results.length !== chunk.length) {
          throw new ResolverError(`A BatchInvoke function must return an array of ${chunk.length} results.`, "Lambda:Unhandled");
        }
        chunk.forEach((c, j) => {
          const r = results[j] as Doc | null;
          if (r && typeof r === "object" && !Array.isArray(r) && typeof r.errorMessage === "string" && Object.keys(r).every((k) => k === "data" || k === "errorMessage" || k === "errorType")) {
            c.reject(new ResolverError(r.errorMessage, String(r.errorType ?? "Lambda:Unhandled"), r.data ?? null));
          } else c.resolve(r && typeof r === "object" && !Array.isArray(r) && "data" in r && Object.keys(r).every((k) => k === "data" || k === "errorMessage" || k === "errorType") ? r.data : r);
        });
      } catch (err) {
        for (const c of chunk) c.reject(err);
      }
    }
  }
}

function safeJson(payload: Buffer): any {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}
